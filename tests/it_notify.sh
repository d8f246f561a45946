#!/bin/sh
# it_notify.sh - handler notifications of a new ticket: by mail through the
# outbox (encrypted to a handler whose key the keyring holds, and then
# carrying the report; a notice without the report text otherwise) and by
# webhook to a loopback HTTP listener (tests/http_sink.py): the fields,
# the subject only when the TLP allows, never the body, never the hook's
# token in a listing, and retries when the listener fails.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

new_instance n || exit 1
TEAM_FPR=$(sed -n 's/^key = //p' "$CONF")
H=$T/handler
mkdir -m 700 "$H"
gpg --homedir "$H" --batch --passphrase '' --quick-gen-key \
    "Hanako Handler <hanako@example.org>" ed25519 sign,cert never 2>/dev/null
HFPR=$(gpg --homedir "$H" --batch --with-colons --list-keys hanako@example.org | awk -F: '/^fpr/ {print $10; exit}')
gpg --homedir "$H" --batch --passphrase '' --quick-add-key "$HFPR" cv25519 encr never 2>/dev/null
gpg --homedir "$H" --batch --export hanako@example.org | \
    gpg --homedir "$INST/keyring" --batch --quiet --import 2>/dev/null
gpg --homedir "$INST/gnupg" --batch --export "$TEAM_FPR" | \
    gpg --homedir "$H" --batch --quiet --import 2>/dev/null

P=$T/hook
mkdir "$P"
python3 "$top_srcdir/tests/http_sink.py" --port-file "$T/hport" --dir "$P" \
    --status 200,503,200 &
SINK=$!
notify_cleanup() {
	kill "$SINK" 2>/dev/null
	gpgconf --homedir "$H" --kill all >/dev/null 2>&1
	cleanup
}
trap notify_cleanup EXIT
i=0
while [ ! -s "$T/hport" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
PORT=$(cat "$T/hport")
HOOK="http://127.0.0.1:$PORT/hooks/SECRET-TOKEN-42"

# hanako's key is pinned by fingerprint; taro has none configured
sed -i "/^\[queue phishing\]/a handlers = hanako@example.org $HFPR, taro@example.org\nwebhook = $HOOK" "$CONF"
cat >>"$CONF" <<'EOF'

[route shareable]
keywords = shareable
queue = phishing
type = fraud/phishing
tlp = green
EOF
# the shareable rule must come before phishing-words: move it up
python3 - "$CONF" <<'EOF'
import sys, re
p = sys.argv[1]
s = open(p).read()
block = s[s.index("[route shareable]"):]
s = s[:s.index("[route shareable]")].rstrip() + "\n"
s = s.replace("[route to-phishing]", block.strip() + "\n\n[route to-phishing]", 1)
open(p, "w").write(s)
EOF

# last_notice RCPT: the bytes of the newest notification to RCPT
last_notice() {
	mg outbox show "$(mg outbox list --json | jq -r "[.[] | select(.kind == \"notification\" and .recipients[0] == \"$1\")][-1].id")" --raw
}
nkind() { mg outbox list --json | jq "[.[] | select(.kind == \"$1\")] | length"; }
hooks() { ls "$P" | grep -c '\.json$'; }
wait_hooks() {
	i=0
	while [ "$(hooks)" -lt "$1" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
}

# --- a phishing report, no TLP ------------------------------------------
msg reporter@example.net "Phishing page for our bank" \
    "TOP-SECRET-BODY: the kit is at hxxp://kit.example.com/x" \
    "Message-ID: <n1@example.net>" >"$T/n1.eml"
deliver "$T/n1.eml" --sender reporter@example.net --recipient csirt@example.org
eq "deliver: exit 0" $? 0
eq "notify: one mail per handler" "$(nkind notification)" 2
eq "notify: one webhook" "$(nkind webhook)" 1
check "notify: sent at once" outbox_settle
wait_hooks 1
eq "webhook: received once" "$(hooks)" 1
J=$P/0001.json
eq "webhook: tag" "$(jq -r .tag "$J")" "CSIRT#1"
eq "webhook: queue" "$(jq -r .queue "$J")" phishing
eq "webhook: type" "$(jq -r .type "$J")" fraud/phishing
eq "webhook: tlp" "$(jq -r .tlp "$J")" null
contains "webhook: text for chat" "$(jq -r .text "$J")" "CSIRT#1: new report in queue phishing"
eq "webhook: no subject without a shareable TLP" "$(jq -r 'has("subject")' "$J")" false
case "$(cat "$J")" in
*TOP-SECRET*|*Phishing\ page*) not_ok "webhook: leaks the report" ;;
*) ok "webhook: carries neither body nor subject" ;;
esac
contains "webhook: JSON content type" "$(cat "$P/0001.headers")" "application/json"
case "$(mg outbox list; mg outbox list --json; mg outbox show "$(mg outbox list --json | jq -r '[.[] | select(.kind == "webhook")][0].id')")" in
*SECRET-TOKEN*) not_ok "outbox: shows the hook's token" ;;
*) ok "outbox: shows the hook's origin only" ;;
esac
eq "webhook: state sent" "$(mg outbox list --json | jq -r '[.[] | select(.kind == "webhook")][0].state')" sent

last_notice hanako@example.org >"$T/h.eml"
R=$(python3 "$top_srcdir/tests/ack_check.py" "$T/h.eml" "$H")
eq "handler with a key: encrypted" "$(printf '%s' "$R" | jq -r .layout)" encrypted
eq "handler with a key: signed by the team" "$(printf '%s' "$R" | jq -r .signer)" "$TEAM_FPR"
contains "handler with a key: the report text" "$(printf '%s' "$R" | jq -r .text)" "TOP-SECRET-BODY"
contains "handler with a key: the tag" "$(printf '%s' "$R" | jq -r .subject)" "[CSIRT#1]"
case "$(tr -d '\r' <"$T/h.eml")" in
*TOP-SECRET*) not_ok "handler with a key: text in clear on the wire" ;;
*) ok "handler with a key: nothing in clear on the wire" ;;
esac
last_notice taro@example.org >"$T/t.eml"
R=$(python3 "$top_srcdir/tests/ack_check.py" "$T/t.eml" "$H")
eq "handler without a key: signed" "$(printf '%s' "$R" | jq -r .layout)" signed
eq "handler without a key: signature verifies" "$(printf '%s' "$R" | jq -r .verified)" true
contains "handler without a key: the tag and queue" "$(printf '%s' "$R" | jq -r .text)" "CSIRT#1"
case "$(tr -d '\r' <"$T/t.eml")" in
*TOP-SECRET*|*kit.example*|*Phishing\ page*) not_ok "handler without a key: report text sent" ;;
*) ok "handler without a key: no report text, no subject" ;;
esac
eq "ticket: notifications recorded" "$(jqt CSIRT#1 '[.messages[] | select(.kind == "notification")] | length')" 2

deliver "$T/n1.eml" --sender reporter@example.net
eq "retry: no second notification" "$(nkind notification)" 2
eq "retry: no second webhook" "$(nkind webhook)" 1

# --- TLP:GREEN: the subject may go to chat; the listener fails once ---------
msg reporter@example.net "Shareable phishing wave" "shareable: SECRET-2 details" \
    "Message-ID: <n2@example.net>" >"$T/n2.eml"
deliver "$T/n2.eml" --sender reporter@example.net
eq "green: exit 0 though the listener fails" $? 0
check "green: tried at once" outbox_settle
w2=$(mg outbox list --json | jq -r '[.[] | select(.kind == "webhook")][1].id')
eq "green: 503 -> waits in the outbox" "$(mg outbox list --json | jq -r ".[] | select(.id == $w2) | .state")" queued
contains "green: the error is kept" "$(mg outbox list --json | jq -r ".[] | select(.id == $w2) | .last_error")" "HTTP 503"
mg outbox flush >/dev/null 2>&1
wait_hooks 3
eq "green: flush delivers it" "$(mg outbox list --json | jq -r ".[] | select(.id == $w2) | .state")" sent
J=$P/0003.json
eq "green: subject in the webhook" "$(jq -r .subject "$J")" "Shareable phishing wave"
eq "green: tlp field" "$(jq -r .tlp "$J")" "TLP:GREEN"
case "$(cat "$J")" in
*SECRET-2*) not_ok "green: body in the webhook" ;;
*) ok "green: never the body" ;;
esac

# --- an encrypted report under TLP:GREEN: its subject stays inside ----------
printf 'shareable encrypted SECRET-3\n' |
    gpg --homedir "$INST/gnupg" --batch --armor --trust-model always \
    --encrypt -r "$TEAM_FPR" >"$T/enc.asc" 2>/dev/null
msg reporter@example.net "Shareable but encrypted" "$(cat "$T/enc.asc")" \
    "Message-ID: <n3@example.net>" >"$T/n3.eml"
deliver "$T/n3.eml" --sender reporter@example.net
outbox_settle
wait_hooks 4
eq "encrypted: routed on its decrypted text" "$(jqt CSIRT#3 .route)" shareable
J=$P/0004.json
eq "encrypted: no subject in the webhook" "$(jq -r 'has("subject")' "$J")" false
eq "encrypted: flagged so" "$(jq -r .encrypted "$J")" true
last_notice taro@example.org >"$T/t3.eml"
case "$(tr -d '\r' <"$T/t3.eml")" in
*SECRET-3*|*Shareable\ but*) not_ok "encrypted: leaked to a handler without a key" ;;
*) ok "encrypted: nothing to a handler without a key" ;;
esac

# --- a forged mail cannot choose the key a handler's notice goes to ---------
# An attacker writes as taro@ with an Autocrypt header carrying the
# attacker's key: the key lands in the correspondents' keyring under
# taro's address, but notices follow only the configured fingerprints.
X=$T/attacker
mkdir -m 700 "$X"
gpg --homedir "$X" --batch --passphrase '' --quick-gen-key \
    "Taro <taro@example.org>" ed25519 sign,cert never 2>/dev/null
XFPR=$(gpg --homedir "$X" --batch --with-colons --list-keys | awk -F: '/^fpr/ {print $10; exit}')
gpg --homedir "$X" --batch --passphrase '' --quick-add-key "$XFPR" cv25519 encr never 2>/dev/null
kd=$(gpg --homedir "$X" --batch --export "$XFPR" | base64 -w 72 | sed 's/^/ /')
{
	printf 'From: taro@example.org\nTo: csirt@example.org\nSubject: hello\n'
	printf 'Message-ID: <forged@example.org>\n'
	printf 'Autocrypt: addr=taro@example.org; keydata=\n%s\n' "$kd"
	printf 'MIME-Version: 1.0\nContent-Type: text/plain\n\nhi\n'
} >"$T/forged.eml"
deliver "$T/forged.eml" --sender taro@example.org
eq "forged: the key was taken for taro's address" \
    "$(gpg --homedir "$INST/keyring" --batch --with-colons --list-keys taro@example.org 2>/dev/null | awk -F: '/^fpr/ {print $10; exit}')" "$XFPR"
msg reporter@example.net "Phishing again" "SECRET-4 report text" \
    "Message-ID: <n5@example.net>" >"$T/n5.eml"
deliver "$T/n5.eml" --sender reporter2@example.net
outbox_settle
last_notice taro@example.org >"$T/t5.eml"
case "$(tr -d '\r' <"$T/t5.eml")" in
*"BEGIN PGP MESSAGE"*) not_ok "forged: taro's notice was encrypted to the attacker's key" ;;
*SECRET-4*) not_ok "forged: report text to taro in clear" ;;
*) ok "forged: taro still gets a notice without the report" ;;
esac
last_notice hanako@example.org >"$T/h5.eml"
contains "pinned: hanako's notice still decrypts with her key" \
    "$(python3 "$top_srcdir/tests/ack_check.py" "$T/h5.eml" "$H" | jq -r .text)" "SECRET-4"

# a pinned key that is not in any keyring: a notice without the report
sed -i "s/^handlers = hanako@example.org $HFPR/handlers = hanako@example.org 0000111122223333444455556666777788889999/" "$CONF"
msg reporter@example.net "Phishing thrice" "SECRET-5 report text" \
    "Message-ID: <n6@example.net>" >"$T/n6.eml"
deliver "$T/n6.eml" --sender reporter3@example.net
outbox_settle
last_notice hanako@example.org >"$T/h6.eml"
case "$(tr -d '\r' <"$T/h6.eml")" in
*SECRET-5*) not_ok "missing key: report text sent" ;;
*"without"*|*"not in this mail"*) ok "missing key: a notice without the report" ;;
*) not_ok "missing key: no notice" ;;
esac

# --- a queue without handlers or webhook: nothing planned ------------------
before=$(mg outbox list --json | jq length)
msg reporter@example.net "Hello" "just saying hi" "Message-ID: <n4@example.net>" >"$T/n4.eml"
deliver "$T/n4.eml" --sender other@example.net
eq "triage: only the ack" "$(mg outbox list --json | jq length)" "$((before + 1))"

finish
