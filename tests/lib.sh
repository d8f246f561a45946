# lib.sh - shared helpers for the integration tests (sourced, POSIX sh).
#
# Each test makes a throwaway instance under a short /tmp path (gpg-agent's
# socket path must stay under 107 bytes, which a distcheck build tree
# would exceed), runs the real binary against it, and ends with one line
# "N passed, M failed".  MADOGUCHI_WRAPPER (e.g. "valgrind -q
# --error-exitcode=99") runs every madoguchi call under a checker.

set -u
: "${MADOGUCHI:?set MADOGUCHI to the madoguchi binary}"
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
DATA="$top_srcdir/tests/data"
CORPUS="$DATA/corpus"
T=$(mktemp -d /tmp/mgt.XXXXXX)
passed=0
failed=0

cleanup() {
	for h in "$T"/*/gnupg; do
		[ -d "$h" ] && gpgconf --homedir "$h" --kill all >/dev/null 2>&1
	done
	rm -rf "$T"
}
trap cleanup EXIT

ok() {
	passed=$((passed + 1))
	echo "ok - $*"
}

not_ok() {
	failed=$((failed + 1))
	echo "NOT OK - $*"
}

# check DESC COMMAND...: run a command, pass if it succeeds
check() {
	desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

# eq DESC GOT WANT
eq() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1: got [$2], want [$3]"
	fi
}

# contains DESC HAYSTACK NEEDLE
contains() {
	case "$2" in
	*"$3"*) ok "$1" ;;
	*) not_ok "$1: [$3] not in [$(printf '%s' "$2" | head -c 300)]" ;;
	esac
}

finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
}

# mg ARGS...: madoguchi against the current instance ($CONF)
mg() {
	${MADOGUCHI_WRAPPER:-} "$MADOGUCHI" -c "$CONF" "$@"
}

# new_instance NAME [init options]: create $T/NAME and make it current
new_instance() {
	name=$1
	shift
	if ! "$MADOGUCHI" init "$T/$name" "$@" >"$T/$name.init.log" 2>&1; then
		cat "$T/$name.init.log"
		not_ok "init $name"
		return 1
	fi
	CONF="$T/$name/madoguchi.conf"
	INST="$T/$name"
	# no relay unless a test starts one: nothing leaves this machine
	set_conf relay "smtp://127.0.0.1:9"
}

# content_id: the spool id of a message on stdin: its sha256 without the
# trace fields on top (Return-Path, Received, Delivered-To, X-Original-To)
content_id() {
	perl -0777 -pe 's/\A(?:(?:Return-Path|Received|Delivered-To|X-Original-To):[^\n]*\n(?:[ \t][^\n]*\n)*)*//i' |
	    sha256sum | cut -d' ' -f1
}

# outbox_settle: wait (30 s at most) until the senders that deliveries
# detach have tried every mail they composed
outbox_settle() {
	os_i=0
	while [ $os_i -lt 300 ]; do
		[ "$(mg outbox list --json | jq '[.[] | select(.state == "sending" or (.state == "queued" and .attempts == 0))] | length')" = 0 ] && return 0
		sleep 0.1
		os_i=$((os_i + 1))
	done
	return 1
}

# set_conf KEY VALUE: change one key of the current instance
set_conf() {
	sed -i "s|^$1 = .*|$1 = $2|" "$CONF"
}

# deliver FILE [deliver options]: prints nothing, returns the exit status
deliver() {
	f=$1
	shift
	mg deliver "$@" <"$f" >>"$T/deliver.log" 2>&1
}

# jqt TAG FILTER: jq over "ticket show TAG --json"
jqt() {
	mg ticket show "$1" --json | jq -r "$2"
}

# ntickets: how many tickets exist
ntickets() {
	mg ticket list --json | jq 'length'
}

# msg FROM SUBJECT BODY [extra header lines...]: a plain message on stdout
msg() {
	from=$1
	subject=$2
	body=$3
	shift 3
	printf 'From: %s\nTo: csirt@example.org\nSubject: %s\n' "$from" "$subject"
	printf 'Date: Sun, 22 Nov 2026 10:00:00 +0900\n'
	for h in "$@"; do printf '%s\n' "$h"; done
	printf 'MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n%s\n' "$body"
}
