#!/bin/sh
# run-suite.sh - the whole test suite, as the README's Quick start runs it:
#   1. "make check" of the normal build in the source tree;
#   2. "make check" of a build with AddressSanitizer + UndefinedBehavior-
#      Sanitizer, made from the "make dist" tarball in a scratch folder;
#   3. "make distcheck".
# Ends with one line "N passed, M failed", counting every unit test case
# and every integration check; exits non-zero if anything failed.
set -u
cd "$(dirname "$0")/.."
top=$(pwd)
scratch=$(mktemp -d /tmp/mgsuite.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
passed=0
failed=0
jobs=${JOBS:-2}

# tally DIR LABEL: add up the results in DIR/tests/*.log
tally() {
	for log in "$1"/tests/*.log; do
		[ -f "$log" ] || continue
		name=$(basename "$log" .log)
		p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p; s/^\([0-9]*\) passed, [0-9]* failed$/\1/p' "$log" | tail -n 1)
		f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p; s/^[0-9]* passed, \([0-9]*\) failed$/\1/p' "$log" | tail -n 1)
		res=$(sed -n 's/^:test-result: //p' "$1/tests/$name.trs" 2>/dev/null | head -n 1)
		: "${p:=0}" "${f:=0}"
		# a program that crashed or printed no summary counts as a failure
		if [ "$res" != PASS ] && [ "$f" = 0 ]; then
			f=1
		fi
		printf '  %-28s %-10s %4d passed, %d failed\n' "$name" "$2" "$p" "$f"
		passed=$((passed + p))
		failed=$((failed + f))
	done
}

step() {
	echo
	echo "=== $*"
}

step "normal build: make check"
if [ ! -x configure ]; then ./autogen.sh || exit 1; fi
if [ ! -f Makefile ]; then ./configure || exit 1; fi
make -j"$jobs" && make -j"$jobs" check
tally "$top" normal

step "ASan+UBSan build (from make dist): make check"
make dist >/dev/null && tar -C "$scratch" -xzf madoguchi-*.tar.gz &&
    cd "$scratch"/madoguchi-* &&
    ./configure --enable-sanitizers >/dev/null &&
    make -j"$jobs" >/dev/null &&
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 make -j"$jobs" check
tally "$(pwd)" sanitizers
cd "$top"

step "make distcheck"
if make -j"$jobs" distcheck >"$scratch/distcheck.log" 2>&1; then
	passed=$((passed + 1))
	echo "  distcheck passed"
else
	failed=$((failed + 1))
	tail -n 40 "$scratch/distcheck.log"
	echo "  distcheck FAILED"
fi

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
