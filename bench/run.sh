#!/bin/sh
# run.sh MADOGUCHI SRCDIR - "make bench": a throwaway instance, then
# bench.py.  BENCH_N sets the number of messages per kind (default 200).
set -eu
MG=$1
SRC=$2
W=$(mktemp -d /tmp/mgbench.XXXXXX)
cleanup() {
	for h in "$W/i/gnupg" "$W/i/keyring" "$W"/fx/h/*; do
		gpgconf --homedir "$h" --kill all >/dev/null 2>&1
	done
	rm -rf "$W"
}
trap cleanup EXIT
"$MG" init "$W/i" >/dev/null 2>&1
cc -O2 -o "$W/spawn" "$SRC/bench/spawn.c"
# OpenPGP messages made by real gpg, and the reporters' keys imported
sh "$SRC/tests/pgp_fixtures.sh" "$W/i" "$W/fx" >/dev/null 2>&1
gpg --homedir "$W/i/keyring" --batch --quiet --import "$W/fx/keys/alice.asc" 2>/dev/null
python3 "$SRC/bench/bench.py" "$W/spawn" "$MG" "$W/i/madoguchi.conf" "$W" "${BENCH_N:-200}" "$W/fx"
