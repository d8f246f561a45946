#!/bin/sh
# pgp_fixtures.sh - OpenPGP keys and mail made at test time by real gpg and
# mutt, for the OpenPGP intake tests.  Nothing it makes is checked in.
#
#   sh tests/pgp_fixtures.sh INSTANCE_DIR OUT_DIR
#
# INSTANCE_DIR was made by "madoguchi init": its team key (the "key =" of
# madoguchi.conf) lives in INSTANCE_DIR/gnupg.  This script ADDS a second,
# older team key there (rsa3072, same uid) to play the key being rolled
# over; it is reused when already present.  The instance's gpg-agent is the
# caller's business and is left running.
#
# OUT_DIR is wiped and made anew:
#   h/NAME              GnuPG homes of alice, bob, carol, dave and mallory
#                       (gpg-agent sockets live there: keep OUT_DIR short)
#   keys/NAME.asc       public keys for the gateway's correspondents keyring:
#                       alice bob carol dave; and team.asc, team-old.asc
#   keys/fingerprints.tsv   NAME<TAB>FINGERPRINT, mallory and the team too
#   msg/NAME.eml        the messages, LF line ends as an MTA pipe gives them
#   manifest.tsv        one line per message, tab-separated, after a
#                       "#name..." line naming the columns (see expect())
#   work/               intermediate files and gpg's log
#
# The script re-reads every message with the gpg CLI (pgp_mime.py check)
# and exits non-zero unless all of them say what the manifest says.
# It kills every gpg-agent it started; a caller that later uses the homes
# under OUT_DIR/h starts agents again and must kill them
# (gpgconf --homedir H --kill all).
#
# Needs gpg (2.2), gpgconf, iconv, python3 (PYTHON=... to choose one) and
# mutt.  POSIX sh.  About 12 s on an idle 2-core machine.
set -eu

if [ $# -ne 2 ]; then
	echo "usage: $0 INSTANCE_DIR OUT_DIR" >&2
	exit 2
fi
for tool in gpg gpgconf iconv python3 mutt; do
	command -v $tool >/dev/null 2>&1 ||
	    { echo "$0: $tool is missing (see contrib/install-deps.sh)" >&2; exit 2; }
done
INST=$(cd "$1" && pwd)
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
PYF=$top_srcdir/tests/pgp_mime.py
CONF=$INST/madoguchi.conf
TH=$INST/gnupg
TF=$(sed -n 's/^key *= *\([0-9A-Fa-f]*\).*/\1/p' "$CONF" | head -n 1)
[ -n "$TF" ] || { echo "$0: no 'key =' in $CONF" >&2; exit 2; }

case $2 in
/*) OUT=$2 ;;
*) OUT=$(pwd)/$2 ;;
esac
# the longest socket is h/mallory/S.gpg-agent.browser; the limit is 107
if [ $((${#OUT} + 30)) -ge 107 ]; then
	echo "$0: $OUT is too long for gpg-agent sockets; use e.g. mktemp -d /tmp/x.XXXXXX" >&2
	exit 2
fi
for h in "$OUT"/h/*; do
	[ -d "$h" ] && gpgconf --homedir "$h" --kill all >/dev/null 2>&1
done
rm -rf "$OUT"
mkdir -p "$OUT"
W=$OUT/work
mkdir -p "$OUT/h" "$OUT/keys" "$OUT/msg" "$W"
LOG=$W/log

cleanup() {
	for h in "$OUT"/h/*; do
		[ -d "$h" ] && gpgconf --homedir "$h" --kill all >/dev/null 2>&1
	done
	return 0
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

fail() {
	echo "$0: $*" >&2
	tail -n 20 "$LOG" >&2
	exit 1
}

# pgp_mime.py runs about a hundred times: resolve python3 once (a pyenv
# shim costs half a second a call) and skip site-packages
PY=${PYTHON:-$(python3 -c 'import sys; print(sys.executable)')}
M() {
	"$PY" -S "$PYF" "$@"
}

# g HOME ARGS...: gpg on HOME, never asking anything
g() {
	_home=$1
	shift
	gpg --homedir "$_home" --batch --yes --no-tty --pinentry-mode loopback \
	    --passphrase '' "$@" 2>>"$LOG"
}

# fpr HOME [WHAT]: fingerprint of the first (secret) key matching WHAT
fpr() {
	g "$1" --with-colons --list-secret-keys ${2:+"$2"} |
	    awk -F: '$1 == "fpr" { print $10; exit }'
}

# --- keys -----------------------------------------------------------------

for n in alice bob carol dave mallory; do
	mkdir -m 700 "$OUT/h/$n"
done
A=$OUT/h/alice
B=$OUT/h/bob
C=$OUT/h/carol
D=$OUT/h/dave
X=$OUT/h/mallory

# the RSA key generations are the slow part: bob's runs meanwhile
(
	g "$B" --quick-gen-key 'bob@example.org' rsa3072 sign,cert never &&
	g "$B" --quick-add-key "$(fpr "$B")" rsa3072 encr never
) &
bobpid=$!

g "$A" --quick-gen-key 'Alice <alice@example.net>' future-default default never ||
    fail "alice key"
# carol's key lived one day, long ago
g "$C" --faked-system-time '20240101T000000!' \
    --quick-gen-key 'Carol <carol@example.net>' future-default default 1d ||
    fail "carol key"
# dave's key is revoked below, after it signed
g "$D" --faked-system-time '20250101T000000!' \
    --quick-gen-key 'Dave <dave@example.net>' future-default default never ||
    fail "dave key"
g "$X" --quick-gen-key 'Mallory <mallory@example.com>' future-default default never ||
    fail "mallory key"

# the team's old key (rollover): an RSA key with the same uid, made once
# old_team_key: fingerprint of the RSA secret key of the team home, if any
old_team_key() {
	g "$TH" --with-colons --list-secret-keys |
	    awk -F: -v tf="$TF" '$1 == "sec" { rsa = ($4 == 1 && $3 == 3072); p = 1; next }
		$1 == "fpr" && p && rsa && $10 != tf { print $10; exit }
		{ p = 0 }'
}
TOF=$(old_team_key)
if [ -z "$TOF" ]; then
	g "$TH" --faked-system-time '20230101T000000!' \
	    --quick-gen-key 'Example CSIRT <csirt@example.org>' rsa3072 sign,cert never ||
	    fail "old team key"
	TOF=$(old_team_key)
	g "$TH" --faked-system-time '20230101T000000!' \
	    --quick-add-key "$TOF" rsa3072 encr never || fail "old team subkey"
fi

wait "$bobpid" || fail "bob key"
AF=$(fpr "$A")
BF=$(fpr "$B")
CF=$(fpr "$C")
DF=$(fpr "$D")
XF=$(fpr "$X")

g "$TH" --armor --export "$TF" >"$OUT/keys/team.asc"
g "$TH" --armor --export "$TOF" >"$OUT/keys/team-old.asc"
g "$X" --export "$XF" >"$W/mallory.pub"
for h in "$A" "$B" "$C" "$D" "$X"; do
	g "$h" --import "$OUT/keys/team.asc" || fail "import team key into $h"
done
# who writes to the team certifies its key, so that mutt (gpgme) takes it
# without asking; carol's key has expired and cannot certify any more
for h in "$A" "$B" "$D" "$X"; do
	g "$h" --quick-lsign-key "$TF" >>"$LOG" || fail "lsign team key in $h"
done

# --- texts and helpers ----------------------------------------------------

DATE0='Sun, 22 Nov 2026 10:00:00 +0900'
DATE=$DATE0
ALICE='Alice <alice@example.net>'
MAN=$OUT/manifest.tsv
printf '#name\tencrypted\tsignature\tsigner\tflags\tsubject\tbody\tkey\tattachment\n' >"$MAN"

# expect NAME ENCRYPTED SIGNATURE SIGNER FLAGS SUBJECT BODY [KEY [ATTACHMENT]]
# One manifest line: what a correct gateway concludes.  SIGNER is a name of
# keys/fingerprints.tsv or -; FLAGS a comma list or -; BODY a substring of
# the readable (decrypted) text or - when none may be read; KEY the name of
# the key the message lets the gateway link to its From address, or -;
# ATTACHMENT FILENAME=SHA256 of an attachment, decrypted, that must be there.
expect() {
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" \
	    "$6" "$7" "${8:--}" "${9:--}" >>"$MAN"
}

# text NAME: the fixed report text of message NAME, into $W/NAME.txt
text() {
	cat >"$W/$1.txt" <<EOF
CSIRT ご担当者様

192.0.2.7 から弊社メールサーバへのスキャンを観測しました。
ログの抜粋を送ります。

Dear CSIRT team,
we observed scanning from 192.0.2.7 against our mail server.
An excerpt of the logs follows.

Fixture: $1
EOF
}

# mail NAME FROM SUBJECT ENTITY [pgp_mime.py message options]
mail() {
	_n=$1
	_from=$2
	_subj=$3
	_ent=$4
	shift 4
	M message --from "$_from" --subject "$_subj" --date "$DATE" \
	    --msgid "<$_n@fixtures.example.net>" "$@" "$_ent" >"$OUT/msg/$_n.eml" ||
	    fail "message $_n"
}

# textpart FILE [CTE]: a text/plain UTF-8 entity on stdout
textpart() {
	M part --param charset=utf-8 --cte "${2:-quoted-printable}" "$1"
}

# signed HOME ENTITY [gpg options]: multipart/signed around ENTITY, signed
# (detached, over its CRLF form) with the key of HOME
signed() {
	_home=$1
	_ent=$2
	shift 2
	M crlf <"$_ent" >"$_ent.crlf"
	rm -f "$_ent.sig"
	g "$_home" --status-file "$_ent.status" --armor --detach-sign "$@" \
	    -o "$_ent.sig" "$_ent.crlf" || fail "sign $_ent"
	M pgpmime-signed --status "$_ent.status" "$_ent" "$_ent.sig"
}

# encrypted ARMORED: multipart/encrypted (RFC 3156) around gpg's output
encrypted() {
	M pgpmime-encrypted "$1"
}

# enc HOME IN OUT [gpg options]: armored encryption of IN to the team key
enc() {
	_home=$1
	_in=$2
	_out=$3
	shift 3
	rm -f "$_out"
	g "$_home" --armor --encrypt -r "$TF" "$@" -o "$_out" "$_in" ||
	    fail "encrypt $_in"
}

# --- PGP/MIME -------------------------------------------------------------

n=pgpmime_enc
cat >"$W/$n.txt" <<'EOF'
CSIRT ご担当者様

弊社のウェブサーバ (192.0.2.10) に対する不審なログイン試行を検知しました。
詳細は下記の通りです。

Dear CSIRT team,
we detected suspicious login attempts against our web server (192.0.2.10).

Fixture: pgpmime_enc
EOF
textpart "$W/$n.txt" 8bit >"$W/$n.ent"
enc "$A" "$W/$n.ent" "$W/$n.asc"
encrypted "$W/$n.asc" >"$W/$n.mime"
mail $n "$ALICE" '不審なログイン試行の報告 / Suspicious logins' "$W/$n.mime"
expect $n true none - - '不審なログイン試行の報告 / Suspicious logins' \
    '不審なログイン試行を検知しました'

n=pgpmime_signenc
text $n
textpart "$W/$n.txt" >"$W/$n.ent"
enc "$A" "$W/$n.ent" "$W/$n.asc" --sign -u "$AF"
encrypted "$W/$n.asc" >"$W/$n.mime"
mail $n "$ALICE" 'Scan report (signed and encrypted)' "$W/$n.mime"
expect $n true good alice - 'Scan report (signed and encrypted)' "Fixture: $n"

n=pgpmime_signed_then_enc
text $n
textpart "$W/$n.txt" >"$W/$n.ent"
signed "$A" "$W/$n.ent" -u "$AF" >"$W/$n.signed"
enc "$A" "$W/$n.signed" "$W/$n.asc"
encrypted "$W/$n.asc" >"$W/$n.mime"
mail $n "$ALICE" 'Scan report (signed, then encrypted)' "$W/$n.mime"
expect $n true good alice - 'Scan report (signed, then encrypted)' "Fixture: $n"

# signed: a text and an attachment under one signature
M blob bin >"$W/evidence.bin"
EVIDENCE="evidence.bin=$(sha256sum <"$W/evidence.bin" | cut -d' ' -f1)"
# signedmixed NAME HOME [gpg options]: $W/NAME.mime, a signed report
signedmixed() {
	text "$1"
	textpart "$W/$1.txt" >"$W/$1.t"
	M part --type application/octet-stream --param name=evidence.bin \
	    --cte base64 --disposition attachment --filename evidence.bin \
	    "$W/evidence.bin" >"$W/$1.a"
	M multipart --subtype mixed "$W/$1.t" "$W/$1.a" >"$W/$1.ent"
	_sm=$1
	_home=$2
	shift 2
	signed "$_home" "$W/$_sm.ent" "$@" >"$W/$_sm.mime"
}

n=pgpmime_signed
signedmixed $n "$A" -u "$AF"
mail $n "$ALICE" 'Scan report (signed)' "$W/$n.mime"
expect $n false good alice - 'Scan report (signed)' "Fixture: $n" - "$EVIDENCE"

n=pgpmime_signed_tampered
signedmixed $n "$A" -u "$AF"
mail $n "$ALICE" 'Scan report (signed, altered in transit)' "$W/$n.mime"
# one byte of the signed text changes after signing
M replace "$OUT/msg/$n.eml" 'scanning from 192.0.2.7' 'scanning from 192.0.2.8'
expect $n false bad alice - 'Scan report (signed, altered in transit)' \
    "Fixture: $n" - "$EVIDENCE"

n=pgpmime_signed_sha1
signedmixed $n "$B" -u "$BF" --digest-algo SHA1
mail $n 'bob@example.org' 'Scan report (signed, SHA-1)' "$W/$n.mime"
expect $n false good bob weak-digest 'Scan report (signed, SHA-1)' \
    "Fixture: $n" - "$EVIDENCE"

# gpg 2.2 makes an MD5 signature when told to, and then refuses to check
# it ("Invalid digest algorithm", ERRSIG rc 5): never a good signature
n=pgpmime_signed_md5
signedmixed $n "$B" -u "$BF" --digest-algo MD5 --allow-weak-digest-algos
mail $n 'bob@example.org' 'Scan report (signed, MD5)' "$W/$n.mime"
expect $n false bad bob - 'Scan report (signed, MD5)' "Fixture: $n" - "$EVIDENCE"

n=pgpmime_signed_unknown
signedmixed $n "$X" -u "$XF"
mail $n 'Mallory <mallory@example.com>' 'Scan report (signed, unknown key)' "$W/$n.mime"
expect $n false unknown-key mallory - 'Scan report (signed, unknown key)' \
    "Fixture: $n" - "$EVIDENCE"

n=pgpmime_signed_expired
signedmixed $n "$C" -u "$CF" --faked-system-time '20240101T120000!'
DATE='Mon, 01 Jan 2024 21:00:00 +0900'
mail $n 'Carol <carol@example.net>' 'Scan report (signed, key expired since)' "$W/$n.mime"
DATE=$DATE0
expect $n false expired carol - 'Scan report (signed, key expired since)' \
    "Fixture: $n" - "$EVIDENCE"

n=pgpmime_signed_revoked
signedmixed $n "$D" -u "$DF" --faked-system-time '20250102T090000!'
DATE='Thu, 02 Jan 2025 18:00:00 +0900'
mail $n 'Dave <dave@example.net>' 'Scan report (signed, key revoked since)' "$W/$n.mime"
DATE=$DATE0
expect $n false revoked dave - 'Scan report (signed, key revoked since)' \
    "Fixture: $n" - "$EVIDENCE"
# now dave's key is revoked (reason 1: compromised): gen-revoke refuses
# --batch, so answer its questions on the command fd
printf 'y\n1\n\ny\n' | gpg --homedir "$D" --no-tty --command-fd 0 \
    --pinentry-mode loopback --passphrase '' --yes --armor \
    -o "$W/dave.rev" --gen-revoke "$DF" 2>>"$LOG" || fail "revoke dave"
g "$D" --import "$W/dave.rev" || fail "import dave's revocation"

for n in alice bob carol dave; do
	g "$OUT/h/$n" --armor --export "$(fpr "$OUT/h/$n")" >"$OUT/keys/$n.asc"
done
printf 'alice\t%s\nbob\t%s\ncarol\t%s\ndave\t%s\nmallory\t%s\nteam\t%s\nteam-old\t%s\n' \
    "$AF" "$BF" "$CF" "$DF" "$XF" "$TF" "$TOF" >"$OUT/keys/fingerprints.tsv"

# --- inline PGP -----------------------------------------------------------

n=inline_clearsigned
text $n
cat >>"$W/$n.txt" <<'EOF'
- a line that starts with a dash (dash-escaped by gpg)
From a line that starts with "From "
EOF
g "$A" -u "$AF" --clearsign -o "$W/$n.asc" "$W/$n.txt" || fail clearsign
textpart "$W/$n.asc" base64 >"$W/$n.mime"
mail $n "$ALICE" 'Scan report (clearsigned)' "$W/$n.mime"
expect $n false good alice - 'Scan report (clearsigned)' "Fixture: $n"

# Japanese mailers sign the ISO-2022-JP bytes they send: the signature
# holds over the text as it travels, not over its UTF-8 conversion
n=inline_clearsigned_iso2022jp
text $n
iconv -f UTF-8 -t ISO-2022-JP <"$W/$n.txt" >"$W/$n.jis" || fail "iconv"
g "$A" -u "$AF" --clearsign -o "$W/$n.asc" "$W/$n.jis" || fail clearsign
M part --param charset=ISO-2022-JP --cte 7bit "$W/$n.asc" >"$W/$n.mime"
mail $n "$ALICE" 'Scan report (clearsigned, ISO-2022-JP)' "$W/$n.mime"
expect $n false good alice - 'Scan report (clearsigned, ISO-2022-JP)' \
    'スキャンを観測しました'

n=inline_encrypted
text $n
enc "$A" "$W/$n.txt" "$W/$n.asc"
{
	printf 'Hello,\n\nmy report is encrypted to your key below.\n\n'
	cat "$W/$n.asc"
	printf '\nRegards,\nAlice\n'
} >"$W/$n.body"
textpart "$W/$n.body" 7bit >"$W/$n.mime"
mail $n "$ALICE" 'Scan report (inline encrypted)' "$W/$n.mime"
expect $n true none - - 'Scan report (inline encrypted)' "Fixture: $n"

# a reply that only quotes armor.  Stripped of the quote marks, the first
# block would decrypt for the team and the second verify as alice's; a
# gateway must do neither
n=inline_quoted_only
printf 'This block is only quoted: a gateway must neither decrypt nor verify it\n' >"$W/$n.secret"
enc "$A" "$W/$n.secret" "$W/$n.asc"
g "$A" -u "$AF" --clearsign -o "$W/$n.cs" "$W/$n.secret" || fail clearsign
{
	printf 'Any news on this?  Fixture: %s\n\n' $n
	printf 'On Sat, 21 Nov 2026 09:00:00 +0900, Alice wrote:\n'
	M quote <"$W/$n.asc"
	printf '>\n'
	M quote <"$W/$n.cs"
} >"$W/$n.body"
textpart "$W/$n.body" 7bit >"$W/$n.mime"
mail $n "$ALICE" 'Re: Scan report' "$W/$n.mime"
expect $n false none - - 'Re: Scan report' "Fixture: $n"

# --- encrypted attachments and odd containers -----------------------------

M blob pdf >"$W/report.pdf"
REPORT="report.pdf=$(sha256sum <"$W/report.pdf" | cut -d' ' -f1)"
n=attach_gpg_binary
rm -f "$W/report.pdf.gpg"
g "$A" --encrypt -r "$TF" -o "$W/report.pdf.gpg" "$W/report.pdf" || fail "encrypt pdf"
printf 'Hello,\nthe report is attached, encrypted to your key.\nFixture: %s\n' $n >"$W/$n.txt"
textpart "$W/$n.txt" 7bit >"$W/$n.t"
M part --type application/octet-stream --param name=report.pdf.gpg --cte base64 \
    --disposition attachment --filename report.pdf.gpg "$W/report.pdf.gpg" >"$W/$n.a"
M multipart --subtype mixed "$W/$n.t" "$W/$n.a" >"$W/$n.mime"
mail $n "$ALICE" 'Incident report (encrypted attachment)' "$W/$n.mime"
expect $n true none - - 'Incident report (encrypted attachment)' "Fixture: $n" - "$REPORT"

n=attach_asc_armored
text notes
NOTES="notes.txt=$(sha256sum <"$W/notes.txt" | cut -d' ' -f1)"
enc "$A" "$W/notes.txt" "$W/notes.txt.asc"
printf 'Hello,\nmy notes are attached, encrypted to your key.\nFixture: %s\n' $n >"$W/$n.txt"
textpart "$W/$n.txt" 7bit >"$W/$n.t"
M part --type application/octet-stream --param name=notes.txt.asc \
    --disposition attachment --filename notes.txt.asc "$W/notes.txt.asc" >"$W/$n.a"
M multipart --subtype mixed "$W/$n.t" "$W/$n.a" >"$W/$n.mime"
mail $n "$ALICE" 'Notes (armored attachment)' "$W/$n.mime"
expect $n true none - - 'Notes (armored attachment)' "Fixture: $n" - "$NOTES"

# the whole body one application/pgp-encrypted part, as some Outlook
# plug-ins send; the plaintext is bare text, not a MIME entity
n=attach_pgp_encrypted_single
text $n
enc "$A" "$W/$n.txt" "$W/$n.asc" --sign -u "$AF"
M part --type application/pgp-encrypted --cte 7bit "$W/$n.asc" >"$W/$n.mime"
mail $n "$ALICE" 'Scan report (Outlook plug-in)' "$W/$n.mime"
expect $n true good alice - 'Scan report (Outlook plug-in)' "Fixture: $n"

# draft-dkg-openpgp-pgpmime-message-mangling, "mixed-up encryption":
# Exchange turns multipart/encrypted into this multipart/mixed
n=exchange_mangled
text $n
textpart "$W/$n.txt" >"$W/$n.ent"
enc "$A" "$W/$n.ent" "$W/$n.asc" --sign -u "$AF"
: >"$W/$n.empty"
printf 'Version: 1\r\n' >"$W/$n.version"
M part --param charset=us-ascii --cte quoted-printable "$W/$n.empty" >"$W/$n.p1"
M part --type application/pgp-encrypted \
    --param 'name=PGPMIME version identification' --cte base64 \
    --description 'PGP/MIME version identification' --disposition attachment \
    --filename 'PGPMIME version identification' "$W/$n.version" >"$W/$n.p2"
M part --type application/octet-stream --param name=encrypted.asc --cte base64 \
    --description 'OpenPGP encrypted message.asc' --disposition attachment \
    --filename encrypted.asc "$W/$n.asc" >"$W/$n.p3"
M multipart --subtype mixed "$W/$n.p1" "$W/$n.p2" "$W/$n.p3" >"$W/$n.mime"
mail $n "$ALICE" 'Scan report (through Exchange)' "$W/$n.mime"
expect $n true good alice - 'Scan report (through Exchange)' "Fixture: $n"

# protected headers (draft-autocrypt-lamps-protected-headers): the real
# subject is inside, the outer one is "..."
n=protected_headers
text $n
M part --param charset=utf-8 --param 'protected-headers="v1"' \
    --cte quoted-printable --header "From: $ALICE" \
    --header 'To: csirt@example.org' --header 'Subject: The real subject' \
    --header "Message-ID: <$n@fixtures.example.net>" "$W/$n.txt" >"$W/$n.ent"
enc "$A" "$W/$n.ent" "$W/$n.asc" --sign -u "$AF"
encrypted "$W/$n.asc" >"$W/$n.mime"
mail $n "$ALICE" '...' "$W/$n.mime"
expect $n true good alice - 'The real subject' "Fixture: $n"

# to the team only by Bcc (or a list): csirt@ appears in no header
n=bcc_only
text $n
textpart "$W/$n.txt" >"$W/$n.ent"
enc "$A" "$W/$n.ent" "$W/$n.asc"
encrypted "$W/$n.asc" >"$W/$n.mime"
mail $n "$ALICE" 'Scan report (Bcc to the CSIRT)' "$W/$n.mime" \
    --to 'Operations <ops@example.net>'
expect $n true none - - 'Scan report (Bcc to the CSIRT)' "Fixture: $n"

# hidden recipient (--throw-keyids): the team must try its secret keys
n=enc_hidden_recipient
text $n
textpart "$W/$n.txt" >"$W/$n.ent"
enc "$A" "$W/$n.ent" "$W/$n.asc" --throw-keyids
encrypted "$W/$n.asc" >"$W/$n.mime"
mail $n "$ALICE" 'Scan report (hidden recipient)' "$W/$n.mime"
expect $n true none - - 'Scan report (hidden recipient)' "Fixture: $n"

# encrypted only to the team's old key (rollover)
n=enc_old_team_key
text $n
textpart "$W/$n.txt" >"$W/$n.ent"
rm -f "$W/$n.asc"
g "$A" --armor --encrypt --recipient-file "$OUT/keys/team-old.asc" \
    -o "$W/$n.asc" "$W/$n.ent" || fail "encrypt to old team key"
encrypted "$W/$n.asc" >"$W/$n.mime"
mail $n "$ALICE" 'Scan report (to the old team key)' "$W/$n.mime"
expect $n true none - - 'Scan report (to the old team key)' "Fixture: $n"

# encrypted only to mallory: the team cannot read it
n=enc_unknown_key
text $n
textpart "$W/$n.txt" >"$W/$n.ent"
rm -f "$W/$n.asc"
g "$A" --armor --encrypt --recipient-file "$W/mallory.pub" \
    -o "$W/$n.asc" "$W/$n.ent" || fail "encrypt to mallory"
encrypted "$W/$n.asc" >"$W/$n.mime"
mail $n "$ALICE" 'Scan report (encrypted to the wrong key)' "$W/$n.mime"
expect $n true none - undecryptable 'Scan report (encrypted to the wrong key)' -

# damaged ciphertext: bytes flipped inside the encrypted data packet
n=enc_corrupt
text $n
textpart "$W/$n.txt" >"$W/$n.ent"
rm -f "$W/$n.gpg"
g "$A" --encrypt -r "$TF" -o "$W/$n.gpg" "$W/$n.ent" || fail "encrypt $n"
M corrupt <"$W/$n.gpg" >"$W/$n.bad"
M armor <"$W/$n.bad" >"$W/$n.asc"
encrypted "$W/$n.asc" >"$W/$n.mime"
mail $n "$ALICE" 'Scan report (damaged in transit)' "$W/$n.mime"
expect $n true none - undecryptable 'Scan report (damaged in transit)' -

# the same without compression: gpg streams out most of the plaintext and
# only then reports the failed integrity check (MDC): none of that text
# may be shown (EFAIL)
n=enc_bad_mdc
text $n
textpart "$W/$n.txt" >"$W/$n.ent"
rm -f "$W/$n.gpg"
g "$A" --encrypt --compress-algo none -r "$TF" -o "$W/$n.gpg" "$W/$n.ent" ||
    fail "encrypt $n"
M corrupt <"$W/$n.gpg" >"$W/$n.bad"
M armor <"$W/$n.bad" >"$W/$n.asc"
encrypted "$W/$n.asc" >"$W/$n.mime"
mail $n "$ALICE" 'Scan report (modified ciphertext)' "$W/$n.mime"
expect $n true none - undecryptable 'Scan report (modified ciphertext)' -

# a signed part inside an unsigned message: the message is not signed
n=signed_part_only
printf 'Forwarding the signed statement below.\nFixture: %s\n' $n >"$W/$n.txt"
textpart "$W/$n.txt" 7bit >"$W/$n.t"
text $n.inner
textpart "$W/$n.inner.txt" >"$W/$n.i"
signed "$A" "$W/$n.i" -u "$AF" >"$W/$n.s"
M multipart --subtype mixed "$W/$n.t" "$W/$n.s" >"$W/$n.mime"
mail $n "$ALICE" 'Fwd: signed statement' "$W/$n.mime"
expect $n false none - - 'Fwd: signed statement' "Fixture: $n"

# --- keys offered by the sender -------------------------------------------

n=key_attached
printf 'Hello,\nmy public key is attached; please encrypt your answers.\nFixture: %s\n' $n >"$W/$n.txt"
textpart "$W/$n.txt" 7bit >"$W/$n.t"
kid=$(printf '%s' "$BF" | cut -c25-40)
M part --type application/pgp-keys --param "name=OpenPGP_0x$kid.asc" \
    --disposition attachment --filename "OpenPGP_0x$kid.asc" \
    "$OUT/keys/bob.asc" >"$W/$n.a"
M multipart --subtype mixed "$W/$n.t" "$W/$n.a" >"$W/$n.mime"
mail $n 'bob@example.org' 'My OpenPGP key' "$W/$n.mime"
expect $n false none - - 'My OpenPGP key' "Fixture: $n" bob

n=autocrypt_header
g "$A" --export-options export-minimal --export "$AF" >"$W/alice.min" ||
    fail "export alice"
M autocrypt --addr alice@example.net "$W/alice.min" >"$W/$n.hdr"
printf 'Hello,\nthis client sends an Autocrypt header.\nFixture: %s\n' $n >"$W/$n.txt"
textpart "$W/$n.txt" 7bit >"$W/$n.mime"
mail $n "$ALICE" 'Autocrypt says hello' "$W/$n.mime" --header "$(cat "$W/$n.hdr")"
expect $n false none - - 'Autocrypt says hello' "Fixture: $n" alice

# eve attaches alice's key: no uid of it is eve's address
n=key_wrong_uid
printf 'Hello,\nhere is my key, please use it.\nFixture: %s\n' $n >"$W/$n.txt"
textpart "$W/$n.txt" 7bit >"$W/$n.t"
M part --type application/pgp-keys --param name=key.asc \
    --disposition attachment --filename key.asc "$OUT/keys/alice.asc" >"$W/$n.a"
M multipart --subtype mixed "$W/$n.t" "$W/$n.a" >"$W/$n.mime"
mail $n 'Eve <eve@example.com>' 'Please use my key' "$W/$n.mime"
expect $n false none - - 'Please use my key' "Fixture: $n" -

# --- real mutt ------------------------------------------------------------
# Mutt's batch mode (stdin not a terminal) neither signs nor encrypts: the
# manual says so and $crypt_autosign is ignored there.  So mutt runs
# interactively on a pseudo-terminal: with $edit_headers and $autoedit it
# goes straight to the (no-op) editor and the compose menu, where "y"
# sends; gpgme picks the keys without asking because the team key is
# certified in alice's home.  Batch mode is still used for an attachment.

MH=$W/mutt
mkdir -p "$MH"
cat >"$MH/capture" <<'EOF'
#!/bin/sh
cat >"$MG_CAPTURE"
EOF
chmod +x "$MH/capture"
: >"$MH/inbox"
cat >"$MH/common" <<EOF
set pgp_default_key="$AF"
set pgp_sign_as="$AF"
set crypt_autosign=yes
set crypt_autoencrypt=yes
set pgp_mime_auto=no
set sendmail="$MH/capture"
set from="$ALICE"
set use_from=yes
set hostname=example.net
set charset=utf-8
set send_charset="us-ascii:utf-8"
set record="" copy=no
set folder="$MH" spoolfile="$MH/inbox" tmpdir="$MH"
set editor="true" abort_unmodified=no edit_headers=yes autoedit=yes
set sleep_time=0
EOF
printf 'set crypt_use_gpgme=yes\nsource "%s/common"\n' "$MH" >"$MH/muttrc"
# mutt's gpgme backend cannot make inline PGP: the classic one can, with
# the gpg commands of Debian's /etc/Muttrc.d/gpg.rc
cat >"$MH/muttrc.classic" <<EOF
set crypt_use_gpgme=no
set pgp_use_gpg_agent=yes
set pgp_sign_command="gpg --no-verbose --batch --quiet --output - %?p?--passphrase-fd 0 --pinentry-mode=loopback? --armor --detach-sign --textmode %?a?-u %a? %f"
set pgp_clearsign_command="gpg --no-verbose --batch --quiet --output - %?p?--passphrase-fd 0 --pinentry-mode=loopback? --armor --textmode --clearsign %?a?-u %a? %f"
set pgp_encrypt_only_command="/usr/lib/mutt/pgpewrap gpg --batch --quiet --no-verbose --output - --encrypt --textmode --armor --always-trust -- -r %r -- %f"
set pgp_encrypt_sign_command="/usr/lib/mutt/pgpewrap gpg %?p?--passphrase-fd 0 --pinentry-mode=loopback? --batch --quiet --no-verbose --textmode --output - --encrypt --sign %?a?-u %a? --armor --always-trust -- -r %r -- %f"
set pgp_list_pubring_command="gpg --no-verbose --batch --quiet --with-colons --with-fingerprint --with-fingerprint --list-keys %r"
set pgp_list_secring_command="gpg --no-verbose --batch --quiet --with-colons --with-fingerprint --with-fingerprint --list-secret-keys %r"
source "$MH/common"
EOF

# mutt_send NAME MUTTRC SUBJECT [mutt options]: send $W/NAME.txt with mutt
mutt_send() {
	_n=$1
	_rc=$2
	_subj=$3
	shift 3
	text "$_n"
	env MG_CAPTURE="$OUT/msg/$_n.eml" HOME="$MH" GNUPGHOME="$A" TERM=vt100 \
	    "$PY" -S "$PYF" pty-run --timeout 30 --log "$W/$_n.screen" \
	    --expect 'Mutt: Compose' --send y -- \
	    mutt -n -F "$MH/$_rc" "$@" -s "$_subj" -i "$W/$_n.txt" \
	    csirt@example.org || fail "mutt $_n (screen in $W/$_n.screen)"
	[ -s "$OUT/msg/$_n.eml" ] || fail "mutt $_n sent nothing"
}

n=mutt_pgpmime_signenc
mutt_send $n muttrc 'Scan report (mutt, signed and encrypted)'
expect $n true good alice - 'Scan report (mutt, signed and encrypted)' "Fixture: $n"

n=mutt_pgpmime_signed
mutt_send $n muttrc 'Scan report (mutt, signed)' -e 'set crypt_autoencrypt=no'
expect $n false good alice - 'Scan report (mutt, signed)' "Fixture: $n"

n=mutt_inline_signed
mutt_send $n muttrc.classic 'Scan report (mutt, inline signed)' \
    -e 'set crypt_autoencrypt=no pgp_autoinline=yes'
expect $n false good alice - 'Scan report (mutt, inline signed)' "Fixture: $n"

n=mutt_inline_signenc
mutt_send $n muttrc.classic 'Scan report (mutt, inline signed and encrypted)' \
    -e 'set pgp_autoinline=yes'
expect $n true good alice - 'Scan report (mutt, inline signed and encrypted)' "Fixture: $n"

# batch mode, no crypto by mutt: an armored file attached as mutt types it
# (Debian's mime.types calls .asc application/pgp-keys)
n=mutt_attach_asc
printf 'Hello,\nmy notes are attached, encrypted to your key.\nFixture: %s\n' $n >"$W/$n.txt"
env MG_CAPTURE="$OUT/msg/$n.eml" HOME="$MH" GNUPGHOME="$A" \
    mutt -n -F "$MH/muttrc" -e 'set crypt_autosign=no crypt_autoencrypt=no' \
    -s 'Notes (mutt, armored attachment)' -a "$W/notes.txt.asc" -- \
    csirt@example.org <"$W/$n.txt" >>"$LOG" 2>&1 || fail "mutt $n"
expect $n true none - - 'Notes (mutt, armored attachment)' "Fixture: $n" - "$NOTES"

# --- check ----------------------------------------------------------------

M check "$OUT" "$TH" >"$W/check.log" 2>&1 || {
	grep -v '^ok' "$W/check.log" >&2
	exit 1
}
tail -n 1 "$W/check.log"
