#!/bin/sh
# run.sh MADOGUCHI SRCDIR - "make bench": a throwaway instance, then
# bench.py.  BENCH_N sets the number of messages per kind (default 200).
set -eu
MG=$1
SRC=$2
W=$(mktemp -d /tmp/mgbench.XXXXXX)
trap 'gpgconf --homedir "$W/i/gnupg" --kill all >/dev/null 2>&1; rm -rf "$W"' EXIT
"$MG" init "$W/i" >/dev/null 2>&1
cc -O2 -o "$W/spawn" "$SRC/bench/spawn.c"
python3 "$SRC/bench/bench.py" "$W/spawn" "$MG" "$W/i/madoguchi.conf" "$W" "${BENCH_N:-200}"
