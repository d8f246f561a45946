#!/bin/sh
# it_ack.sh - acknowledgements: RFC 3834 (who never gets one), the rate
# limit, one per ticket, header injection, the encrypted-report cases, and
# template errors.  The relay is down (lib.sh points it at a closed port),
# so every acknowledgement stays in the outbox, where its exact bytes are
# read back and checked with real gpg as a reporter's client would.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

new_instance a || exit 1
TEAM_FPR=$(sed -n 's/^key = //p' "$CONF")
R=$T/reader
mkdir -m 700 "$R"
gpg --homedir "$INST/gnupg" --batch --export "$TEAM_FPR" >"$T/team.pub"
gpg --homedir "$R" --batch --quiet --import "$T/team.pub" 2>/dev/null
reader_cleanup() {
	gpgconf --homedir "$R" --kill all >/dev/null 2>&1
	[ -n "${FX:-}" ] && for h in "$FX"/h/*; do
		gpgconf --homedir "$h" --kill all >/dev/null 2>&1
	done
	cleanup
}
trap reader_cleanup EXIT

nacks() { mg outbox list --json | jq '[.[] | select(.kind == "ack")] | length'; }
last_id() { mg outbox list --json | jq -r '.[-1].id'; }
raw_of() { mg outbox show "$1" --raw >"$T/ack.eml"; }
check_ack() { python3 "$top_srcdir/tests/ack_check.py" "$T/ack.eml" "${2:-$R}" | jq -r "$1"; }
n=0
# fresh FROM SUBJECT [headers...] [--sender S]: deliver one new report
fresh() {
	n=$((n + 1))
	from=$1
	subj=$2
	shift 2
	sender=$from
	case "${1:-}" in --sender) sender=$2; shift 2 ;; esac
	msg "$from" "$subj" "Report number $n: host 192.0.2.$n scans us." \
	    "Message-ID: <r$n.$$@reporter.example>" "$@" >"$T/m$n.eml"
	deliver "$T/m$n.eml" --sender "$sender" --recipient csirt@example.org
}

# --- a plain report gets one signed acknowledgement ----------------------
fresh alice@example.net "Port scan from 192.0.2.1"
eq "report: deliver exits 0" $? 0
eq "report: one ack planned and composed" "$(nacks)" 1
id=$(last_id)
check "ack: tried at once, by a detached sender" outbox_settle
eq "ack: queued (relay down)" "$(mg outbox list --json | jq -r '.[-1].state')" queued
contains "ack: the failed try is recorded" "$(mg outbox list --json | jq -r '.[-1].last_error')" "onnect"
eq "ack: recipient is the envelope sender" "$(mg outbox list --json | jq -r '.[-1].recipients[0]')" alice@example.net
eq "ack: null envelope sender (RFC 3834)" "$(mg outbox list --json | jq -r '.[-1].envelope_sender')" ""
eq "ack: its ticket" "$(mg outbox list --json | jq -r '.[-1].ticket')" "CSIRT#1"
raw_of "$id"
eq "ack: PGP/MIME signed" "$(check_ack .layout)" signed
eq "ack: gpg --verify accepts it" "$(check_ack .verified)" true
eq "ack: signed by the team key" "$(check_ack .signer)" "$TEAM_FPR"
eq "ack: micalg matches the digest used" "$(check_ack '.micalg == .digest')" true
contains "ack: subject carries the tag" "$(check_ack .subject)" "[CSIRT#1]"
contains "ack: Auto-Submitted: auto-replied" "$(check_ack '.header_lines | join("\n")')" "Auto-Submitted: auto-replied"
contains "ack: In-Reply-To the report" "$(check_ack '.header_lines | join("\n")')" "In-Reply-To: <r1.$$@reporter.example>"
contains "ack: Message-ID under the team's domain" "$(check_ack '.header_lines | join("\n")')" "@example.org>"
contains "ack: checklist, basic items (en)" "$(check_ack .text)" "When it was discovered"
contains "ack: checklist (ja)" "$(check_ack .text)" "発見日時"
contains "ack: the team key fingerprint" "$(check_ack .text | tr -d ' ')" "$TEAM_FPR"
case "$(check_ack .text)" in
*"scans us"*) not_ok "ack: quotes the report" ;;
*) ok "ack: never quotes the report" ;;
esac
eq "ticket: the ack is an outgoing message" "$(jqt CSIRT#1 '.messages[1] | .direction + " " + .kind')" "out ack"

# --- delivered again (MTA retry): no second ack ---------------------------
deliver "$T/m1.eml" --sender alice@example.net
eq "retry: still one ack" "$(nacks)" 1
# --- a follow-up in the thread: none (one per ticket opened) -------------
mid=$(mg outbox list --json | jq -r '.[-1].message_id')
msg alice@example.net "Re: [CSIRT#1] more" "More logs." "In-Reply-To: <$mid>" >"$T/f.eml"
deliver "$T/f.eml" --sender alice@example.net
eq "follow-up: joins the ticket by reference" "$(jqt CSIRT#1 .messages_count)" 3
eq "follow-up: no ack" "$(nacks)" 1

# --- a bounce of our ack comes back: to its ticket, never a new one ------
nt=$(ntickets)
cat >"$T/dsn.eml" <<EOF
From: MAILER-DAEMON@mx.example.net
To: csirt@example.org
Subject: Undelivered Mail Returned to Sender
Message-ID: <dsn1@mx.example.net>
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

Your message could not be delivered.
--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net

Final-Recipient: rfc822; alice@example.net
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 user unknown

--B
Content-Type: text/rfc822-headers

From: Example CSIRT <csirt@example.org>
To: <alice@example.net>
Subject: [CSIRT#1] ack
Message-ID: <$mid>

--B--
EOF
outbox_settle
deliver "$T/dsn.eml" --sender ""
eq "DSN: deliver exits 0" $? 0
eq "DSN: no new ticket" "$(ntickets)" "$nt"
eq "DSN: attached to the ticket whose mail bounced" "$(jqt CSIRT#1 '.messages[-1].kind')" bounce
contains "DSN: the failing recipient is flagged" "$(jqt CSIRT#1 '.messages[-1].flags | join(" ")')" recipient-failed
eq "DSN: the ack is marked bounced" "$(mg outbox list --json | jq -r '.[0].state')" bounced
contains "DSN: with the status and recipient" "$(mg outbox list --json | jq -r '.[0].last_error')" "5.1.1 alice@example.net"
eq "DSN: not acknowledged" "$(nacks)" 1
# a bounce of mail we never sent: a ticket like any report, no ack
sed "s/<$mid>/<not-ours@example.org>/; s/dsn1@/dsn2@/" "$T/dsn.eml" >"$T/dsn2.eml"
deliver "$T/dsn2.eml" --sender ""
eq "foreign DSN: a ticket of its own" "$(ntickets)" $((nt + 1))
eq "foreign DSN: not acknowledged" "$(nacks)" 1

# --- RFC 3834: no acknowledgement to robots ------------------------------
before=$(nacks)
fresh bob@example.net "bounce" --sender ""
eq "null sender: ticket, no ack" "$(nacks)" "$before"
fresh MAILER-DAEMON@example.net "failure" --sender MAILER-DAEMON@example.net
eq "MAILER-DAEMON: no ack" "$(nacks)" "$before"
for h in "Auto-Submitted: auto-generated" "Auto-Submitted: auto-replied" \
    "Precedence: bulk" "Precedence: list" "Precedence: junk" \
    "List-Id: <alerts.example.net>" "List-Unsubscribe: <mailto:u@example.net>" \
    "X-Auto-Response-Suppress: OOF" "X-Auto-Response-Suppress: DR, AutoReply" \
    "X-Auto-Response-Suppress: All" "X-Loop: csirt@example.org"; do
	fresh carol@example.net "robot" "$h"
	eq "$h: no ack" "$(nacks)" "$before"
done
for rt in delivery-status disposition-notification feedback-report; do
	n=$((n + 1))
	printf 'From: dave@example.net\nTo: csirt@example.org\nSubject: report %s\nMessage-ID: <rt%s@example.net>\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=%s; boundary="b"\n\n--b\nContent-Type: text/plain\n\nhuman part\n--b--\n' \
	    "$rt" "$n" "$rt" >"$T/rt$n.eml"
	deliver "$T/rt$n.eml" --sender dave@example.net
	eq "multipart/report $rt: no ack" "$(nacks)" "$before"
done
fresh csirt@example.org "ourselves"
eq "our own address: no ack" "$(nacks)" "$before"
fresh someone@example.net "via plus" --sender csirt+phishing@example.org
eq "our own plus-address: no ack" "$(nacks)" "$before"
fresh erin@example.net "explicitly human" "Auto-Submitted: no"
eq "Auto-Submitted: no: acked" "$(nacks)" $((before + 1))
fresh abuse@example.com "abuse desk report"
eq "abuse@ of another organisation: acked" "$(nacks)" $((before + 2))
fresh postmaster@example.com "postmaster report"
eq "postmaster@ of another organisation: acked" "$(nacks)" $((before + 3))

# --- the per-sender rate limit (3 per hour by default) -------------------
before=$(nacks)
for i in 1 2 3 4 5; do fresh frank@example.net "flood $i"; done
eq "rate limit: 3 acks for 5 reports" "$(nacks)" $((before + 3))
eq "rate limit: every report has its ticket" "$(mg ticket list --json | jq '[.[] | select(.requestors[0] == "frank@example.net")] | length')" 5
set_conf ack_rate 0
fresh grace@example.net "no acks at all"
eq "ack_rate = 0: none" "$(nacks)" $((before + 3))
set_conf ack_rate 3

# --- header injection from the report's subject --------------------------
# an encoded CR/LF that would add a Bcc: header once decoded
enc=$(printf 'Scan\r\nBcc: victim@example.com\r\n\r\nhi' | base64 -w0)
fresh heidi@example.net "=?UTF-8?B?$enc?="
raw_of "$(last_id)"
eq "injection: still one Bcc-free header block" "$(check_ack '[.header_lines[] | select(test("^(Bcc|bcc):"))] | length')" 0
eq "injection: the mail still verifies" "$(check_ack .verified)" true
contains "injection: the text kept on one line" "$(check_ack .subject)" "Scan Bcc: victim@example.com"
long=$(printf 'x%.0s' $(seq 1 300))
fresh ivan@example.net "$long long subject"
raw_of "$(last_id)"
eq "300 chars: no header line over 998" "$(check_ack '[.header_lines[] | select(length > 998)] | length')" 0
eq "300 chars: verifies" "$(check_ack .verified)" true
fresh judy@example.net "8-bit 件名 ünïcödé"
raw_of "$(last_id)"
eq "8-bit: headers are 7-bit" "$(LC_ALL=C grep -c "$(printf '[\200-\377]')" "$T/ack.eml" | head -1)" 0
contains "8-bit: decoded back" "$(check_ack .subject)" "件名 ünïcödé"

# --- encrypted reports -----------------------------------------------------
FX=$T/fx
if ! sh "$top_srcdir/tests/pgp_fixtures.sh" "$INST" "$FX" >"$T/fixtures.log" 2>&1; then
	tail -n 20 "$T/fixtures.log"
	not_ok "fixtures"
fi
# alice's key unknown: a signed ack without any of the report
deliver "$FX/msg/pgpmime_enc.eml" --sender alice2@example.net
raw_of "$(last_id)"
eq "encrypted, key unknown: recipient" "$(mg outbox list --json | jq -r '.[-1].recipients[0]')" alice2@example.net
eq "encrypted, key unknown: signed, not encrypted" "$(check_ack .layout)" signed
eq "encrypted, key unknown: verifies" "$(check_ack .verified)" true
case "$(check_ack '.subject + .text')" in
*不審*|*Suspicious*|*検知*) not_ok "encrypted, key unknown: report text leaked" ;;
*) ok "encrypted, key unknown: no subject, no text of the report" ;;
esac
# alice's key known: the ack is encrypted to her (and signed)
gpg --homedir "$INST/keyring" --batch --quiet --import "$FX/keys/alice.asc" 2>/dev/null
gpg --homedir "$FX/h/alice" --batch --quiet --import "$T/team.pub" 2>/dev/null
deliver "$FX/msg/pgpmime_signenc.eml" --sender alice@example.net
id=$(last_id)
raw_of "$id"
eq "key known: recipient" "$(mg outbox list --json | jq -r '.[-1].recipients[0]')" alice@example.net
eq "key known: encrypted" "$(check_ack .layout "$FX/h/alice")" encrypted
eq "key known: alice decrypts it" "$(check_ack .decrypted "$FX/h/alice")" true
eq "key known: signed by the team inside" "$(check_ack .signer "$FX/h/alice")" "$TEAM_FPR"
contains "key known: the checklist inside" "$(check_ack .text "$FX/h/alice")" "When it was discovered"
case "$(cat "$T/ack.eml")" in
*"When it was discovered"*|*CSIRT#*"Scan report"*) not_ok "key known: text in clear" ;;
*) ok "key known: nothing readable outside the encryption" ;;
esac
eq "key known: the ticket says encrypted" "$(jqt "$(mg outbox list --json | jq -r '.[-1].ticket')" '.messages[-1].encrypted')" true

# --- template errors are configuration errors, found at start-up ---------
mkdir -p "$INST/templates"
printf 'Subject: [{{tag}}] hello\n\nDear {{reporter_name}},\n' >"$INST/templates/ack.txt"
before=$(nacks)
fresh kim@example.net "with a broken template"
eq "bad placeholder: deliver exits 75 (the MTA keeps the mail)" $? 75
contains "bad placeholder: the log names file and line" "$(tail -n 3 "$T/deliver.log")" "ack.txt:3"
printf 'Subject: [{{tag}}] hello\n\nReceived {{received}}.\n' >"$INST/templates/ack.txt"
deliver "$T/m$n.eml" --sender kim@example.net
eq "fixed template: deliver exits 0" $? 0
eq "fixed template: the ack uses it" "$(nacks)" $((before + 1))
raw_of "$(last_id)"
contains "fixed template: its text" "$(check_ack .text)" "Received "
eq "fixed template: verifies" "$(check_ack .verified)" true

# --- outbox show / list ----------------------------------------------------
eq "outbox show: unknown id" "$(mg outbox show 99999 >/dev/null 2>&1; echo $?)" 3
eq "outbox show: bad id" "$(mg outbox show x >/dev/null 2>&1; echo $?)" 2
contains "outbox show --json: raw bytes" "$(mg outbox show 1 --json | jq -r .raw)" "multipart/signed"
finish
