#!/bin/sh
# it_pgp.sh - OpenPGP intake: messages made at test time by real gpg and
# real mutt (tests/pgp_fixtures.sh) delivered through "madoguchi deliver";
# what "ticket show --json" says must match the fixture manifest.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

new_instance p || exit 1
FX=$T/fx
if ! sh "$top_srcdir/tests/pgp_fixtures.sh" "$INST" "$FX" >"$T/fixtures.log" 2>&1; then
	tail -n 20 "$T/fixtures.log"
	not_ok "fixtures"
	finish
	exit 1
fi
reporters_cleanup() {
	for h in "$FX"/h/*; do gpgconf --homedir "$h" --kill all >/dev/null 2>&1; done
	gpgconf --homedir "$INST/keyring" --kill all >/dev/null 2>&1
	cleanup
}
trap reporters_cleanup EXIT

# the reporters the team already knows: their keys in the correspondents' keyring
for k in alice bob carol dave; do
	gpg --homedir "$INST/keyring" --batch --quiet --import "$FX/keys/$k.asc" 2>/dev/null
done
fpr_of() { awk -v n="$1" '$1 == n { print $2 }' "$FX/keys/fingerprints.tsv"; }
ticket_of() {	# ticket tag of a delivered file
	sid=$(content_id <"$1")
	n=$(sqlite3 "$INST/madoguchi.db" "select ticket_id from message where spool_id = '$sid'")
	echo "CSIRT#$n"
}
mj() { jqt "$(ticket_of "$1")" ".messages[0] | $2"; }

tab=$(printf '\t')
grep -v '^#' "$FX/manifest.tsv" | while IFS="$tab" read -r name enc sig signer flags subject body key att; do
	f="$FX/msg/$name.eml"
	deliver "$f"
	eq "$name: deliver exits 0" $? 0
	eq "$name: encrypted" "$(mj "$f" .encrypted)" "$enc"
	eq "$name: signature" "$(mj "$f" .signature)" "$sig"
	if [ "$signer" = "-" ]; then
		eq "$name: no signer" "$(mj "$f" .signer)" null
	else
		want=$(fpr_of "$signer")
		got=$(mj "$f" .signer)
		case "$want" in
		*"$got") ok "$name: signer is $signer" ;;
		*) not_ok "$name: signer is $signer: got [$got], want [$want]" ;;
		esac
	fi
	if [ "$flags" != "-" ]; then
		for fl in $(echo "$flags" | tr ',' ' '); do
			contains "$name: flag $fl" " $(mj "$f" '.flags | join(" ")') " " $fl "
		done
	else
		for fl in undecryptable weak-digest; do
			case " $(mj "$f" '.flags | join(" ")') " in
			*" $fl "*) not_ok "$name: unexpected flag $fl" ;;
			*) ok "$name: no flag $fl" ;;
			esac
		done
	fi
	eq "$name: subject" "$(jqt "$(ticket_of "$f")" .subject)" "$subject"
	if [ "$body" != "-" ]; then
		contains "$name: text" "$(mj "$f" .body)" "$body"
	else
		case "$(mj "$f" .body)" in
		*"-----BEGIN PGP"*|"") ok "$name: nothing shown decrypted" ;;
		*) not_ok "$name: nothing shown decrypted: [$(mj "$f" .body | head -c 200)]" ;;
		esac
	fi
	if [ "$att" != "-" ]; then
		an=${att%%=*}
		ah=${att#*=}
		eq "$name: attachment $an" "$(mj "$f" "[.attachments[] | select(.filename == \"$an\") | .sha256] | first")" "$ah"
	fi
done >"$T/manifest.out"
cat "$T/manifest.out"
passed=$((passed + $(grep -c '^ok' "$T/manifest.out")))
failed=$((failed + $(grep -c '^NOT OK' "$T/manifest.out")))

# the raw encrypted original stays in the spool as the evidence
f=$FX/msg/pgpmime_enc.eml
check "encrypted original kept byte for byte" cmp -s "$f" "$INST/spool/cur/$(content_id <"$f")"
out=$(mg ticket show "$(ticket_of "$f")")
contains "ticket show shows the decrypted text" "$out" "不審なログイン試行を検知しました"
contains "ticket show says it was encrypted" "$out" "Encrypted: yes"
out=$(mg ticket show "$(ticket_of "$FX/msg/pgpmime_signed_sha1.eml")")
contains "ticket show displays weak-digest" "$out" "weak-digest"

# GnuPG never went to the network for the unknown key
if pgrep -f "dirmngr.*$INST" >/dev/null 2>&1; then
	not_ok "no dirmngr started for an unknown key"
else
	ok "no dirmngr started for an unknown key"
fi

PY="python3 $top_srcdir/tests/pgp_mime.py"
team=$(sed -n 's/^key = //p' "$CONF")
A="$FX/h/alice"

# two inline blocks: a good signature on one says nothing about the other
echo "Please wire the money to account 12345" |
    gpg --homedir "$A" --batch --trust-model always -a -e -r "$team" >"$T/blk1" 2>/dev/null
echo "I am Alice and I approve." |
    gpg --homedir "$A" --batch --pinentry-mode loopback --passphrase '' --clearsign >"$T/blk2" 2>/dev/null
cat "$T/blk1" "$T/blk2" >"$T/two.txt"
$PY part --type text/plain "$T/two.txt" >"$T/two.ent"
$PY message --from mallory@evil.example --subject "two blocks" --date "Sun, 22 Nov 2026 10:00:00 +0900" \
    --msgid two@evil.example "$T/two.ent" >"$T/two.eml"
deliver "$T/two.eml"
eq "two inline blocks: the message is not signed" "$(mj "$T/two.eml" .signature)" none
contains "two inline blocks: partly-signed" "$(mj "$T/two.eml" '.flags | join(" ")')" partly-signed

# a key sent in a message never vouches for that same message
mkdir -p "$T/ev" && chmod 700 "$T/ev"
gpg --homedir "$T/ev" --batch --pinentry-mode loopback --passphrase '' \
    --quick-gen-key 'Victim <victim@example.org>' ed25519 sign never 2>/dev/null
gpg --homedir "$T/ev" --batch --export victim@example.org >"$T/ev.key"
echo "Trust me, I am the victim." >"$T/ev.txt"
$PY part --type text/plain "$T/ev.txt" >"$T/ev.ent"
$PY crlf <"$T/ev.ent" >"$T/ev.crlf"
gpg --homedir "$T/ev" --batch --pinentry-mode loopback --passphrase '' --status-file "$T/ev.st" \
    -a -b -o "$T/ev.sig" "$T/ev.crlf" 2>/dev/null
$PY pgpmime-signed --status "$T/ev.st" "$T/ev.ent" "$T/ev.sig" >"$T/ev.signed"
$PY message --from victim@example.org --subject "signed with a key sent along" \
    --date "Sun, 22 Nov 2026 10:00:00 +0900" --msgid ev@example.org \
    --header "$($PY autocrypt --addr victim@example.org "$T/ev.key")" "$T/ev.signed" >"$T/ev.eml"
deliver "$T/ev.eml"
eq "a key sent along does not vouch for its own message" "$(mj "$T/ev.eml" .signature)" unknown-key
gpgconf --homedir "$T/ev" --kill all >/dev/null 2>&1

# keys: a fresh instance with an empty correspondents' keyring
CONF_MAIN=$CONF
new_instance k || exit 1
have_key() { gpg --homedir "$INST/keyring" --batch --with-colons --list-keys "$1" >/dev/null 2>&1; }
deliver "$FX/msg/key_attached.eml"
check "attached key imported for its sender" have_key "$(fpr_of bob)"
deliver "$FX/msg/key_wrong_uid.eml"
if have_key "$(fpr_of alice)"; then not_ok "a key is not linked to a sender outside its user IDs"; else ok "a key is not linked to a sender outside its user IDs"; fi
deliver "$FX/msg/autocrypt_header.eml"
check "Autocrypt key imported" have_key "$(fpr_of alice)"
# another key claiming alice's address is not linked: the first stays hers
mkdir -p "$T/ev2" && chmod 700 "$T/ev2"
gpg --homedir "$T/ev2" --batch --pinentry-mode loopback --passphrase '' \
    --quick-gen-key 'Not Alice <alice@example.net>' ed25519 sign never 2>/dev/null
evfpr=$(gpg --homedir "$T/ev2" --batch --with-colons --list-keys | awk -F: '/^fpr/ { print $10; exit }')
gpg --homedir "$T/ev2" --batch --export alice@example.net >"$T/ev2.key"
$PY part --type application/pgp-keys --filename key.asc --cte base64 "$T/ev2.key" >"$T/ev2.ent"
$PY message --from alice@example.net --subject "my new key" --date "Sun, 22 Nov 2026 10:00:00 +0900" \
    --msgid ev2@example.net "$T/ev2.ent" >"$T/ev2.eml"
deliver "$T/ev2.eml"
if have_key "$evfpr"; then not_ok "a second key for a known address is not linked"; else ok "a second key for a known address is not linked"; fi
check "the first key for the address is still there" have_key "$(fpr_of alice)"
gpgconf --homedir "$T/ev2" --kill all >/dev/null 2>&1
if gpg --homedir "$INST/keyring" --batch --list-secret-keys 2>/dev/null | grep -q sec; then
	not_ok "no secret key in the correspondents' keyring"
else
	ok "no secret key in the correspondents' keyring"
fi
gpgconf --homedir "$INST/keyring" --kill all >/dev/null 2>&1

# the engine unavailable is our outage: the message waits, unflagged
CONF=$CONF_MAIN
INST=$T/p
mv "$INST/gnupg" "$INST/gnupg.away"
msg carol@example.net "plain while the engine is down" "no OpenPGP here" >"$T/plain"
deliver "$T/plain"
eq "plain mail never needs the engine" "$(mg spool list --json | jq length)" 0
f=$FX/msg/mutt_pgpmime_signenc.eml
sed 's/^Subject: /Subject: again: /' "$f" >"$T/again.eml"
deliver "$T/again.eml"
eq "engine down: deliver exits 0" $? 0
eq "engine down: the message waits" "$(mg spool list --json | jq '[.[] | select(.state == "pending")] | length')" 1
eq "engine down: not counted as an attempt" "$(mg spool list --json | jq '.[0].attempts')" 0
mv "$INST/gnupg.away" "$INST/gnupg"
mg spool retry >/dev/null
eq "engine back: read by spool retry" "$(mg spool list --json | jq length)" 0
eq "engine back: decrypted, not flagged" "$(mj "$T/again.eml" '[.encrypted, .signature, (.flags | index("undecryptable"))] | tostring')" '[true,"good",null]'

# a production team key: passphrase-protected, the passphrase in a file
pw='correct horse battery'
gpg --homedir "$INST/gnupg" --batch --quiet --pinentry-mode loopback \
    --passphrase "$pw" --quick-gen-key 'Example CSIRT prod <csirt@example.org>' \
    rsa3072 encr,sign never 2>/dev/null
pfpr=$(gpg --homedir "$INST/gnupg" --batch --with-colons --list-secret-keys 'Example CSIRT prod' |
    awk -F: '/^fpr/ { print $10; exit }')
check "protected team key made" test -n "$pfpr"
gpg --homedir "$INST/gnupg" --batch --export "$pfpr" |
    gpg --homedir "$FX/h/alice" --batch --quiet --import 2>/dev/null
{
	printf 'From: alice@example.net\nTo: csirt@example.org\nSubject: to the protected key\n'
	printf 'Message-ID: <pw1@example.net>\nContent-Type: text/plain\n\n'
	echo "Report for the production key" | gpg --homedir "$FX/h/alice" --batch \
	    --trust-model always -a -e -r "$pfpr" 2>/dev/null
} >"$T/pw.eml"
gpgconf --homedir "$INST/gnupg" --reload gpg-agent	# forget cached passphrases
deliver "$T/pw.eml"
eq "protected key, no passphrase_file: waits" "$(mg spool list --json | jq '[.[] | select(.state == "pending")] | length')" 1
printf '%s\n' "$pw" >"$INST/passphrase"
chmod 644 "$INST/passphrase"
set_conf passphrase_file passphrase
mg spool retry >/dev/null
eq "a passphrase file readable by others is refused: still waits" \
    "$(mg spool list --json | jq '[.[] | select(.state == "pending")] | length')" 1
contains "and the reason says why" "$(mg spool list --json | jq -r '.[0].last_error')" "passphrase"
chmod 600 "$INST/passphrase"
mg spool retry >/dev/null
eq "0600 passphrase file: decrypted" "$(mj "$T/pw.eml" '[.encrypted, (.body | sub("\\n+$"; ""))] | tostring')" \
    '[true,"Report for the production key"]'
if grep -rq "$pw" "$INST/spool/meta" "$T/deliver.log" "$INST/madoguchi.db" 2>/dev/null; then
	not_ok "the passphrase is never written anywhere"
else
	ok "the passphrase is never written anywhere"
fi

finish
