#!/bin/sh
# it_deliver.sh - the MTA contract: exit codes, durability, duplicates,
# the size limit, and the JSON view of a delivered report.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

new_instance d || exit 1

msg 'Alice Reporter <Alice@Example.NET>' "Phishing site at example.com" \
    "Dear team, a phishing site is up." 'Message-ID: <r1@example.net>' >"$T/m1"
deliver "$T/m1" --sender alice@example.net --recipient csirt@example.org
eq "deliver exits 0" $? 0
eq "one ticket" "$(ntickets)" 1

j() { jqt CSIRT#1 "$1"; }
eq "tag" "$(j .tag)" "CSIRT#1"
eq "status new" "$(j .status)" new
eq "queue from the default rules" "$(j .queue)" phishing
eq "type from the default rules" "$(j .type)" fraud/phishing
eq "route recorded" "$(j .route)" phishing-words
eq "tlp null (no rule sets it)" "$(j .tlp)" null
eq "subject" "$(j .subject)" "Phishing site at example.com"
eq "requestor from From:, normalised" "$(j '.requestors[0]')" alice@example.net
eq "one message in" "$(j '[.messages[] | select(.direction == "in")] | length')" 1
eq "direction in" "$(j '.messages[0].direction')" in
eq "kind report" "$(j '.messages[0].kind')" report
eq "message_id" "$(j '.messages[0].message_id')" r1@example.net
eq "from" "$(j '.messages[0].from')" alice@example.net
eq "from_name" "$(j '.messages[0].from_name')" "Alice Reporter"
eq "date" "$(j '.messages[0].date')" "2026-11-22T01:00:00Z"
eq "encrypted false" "$(j '.messages[0].encrypted')" false
eq "signature none" "$(j '.messages[0].signature')" none
eq "signer null" "$(j '.messages[0].signer')" null
eq "no flags" "$(j '.messages[0].flags | length')" 0
eq "body" "$(j '.messages[0].body')" "Dear team, a phishing site is up."
eq "envelope sender" "$(j '.messages[0].envelope_sender')" alice@example.net
eq "envelope recipient" "$(j '.messages[0].envelope_recipient')" csirt@example.org
eq "observables: the domain of the subject" "$(j '[.messages[0].observables[] | .kind + "=" + .value] | join(" ")')" "domain=example.com"

# the spool keeps the exact bytes under their sha256
sid=$(j '.messages[0].spool_id')
eq "spool id is the sha256" "$sid" "$(content_id <"$T/m1")"
check "raw kept in spool/cur" cmp -s "$T/m1" "$INST/spool/cur/$sid"
eq "raw file 0600" "$(stat -c %a "$INST/spool/cur/$sid")" 600
eq "nothing pending" "$(ls "$INST/spool/new" | wc -l)" 0
eq "tmp is empty" "$(ls "$INST/spool/tmp" | wc -l)" 0

# an MTA retry of the same bytes adds nothing
deliver "$T/m1" --sender alice@example.net --recipient csirt@example.org
eq "re-delivery exits 0" $? 0
eq "still one ticket" "$(ntickets)" 1
eq "still one message in" "$(j '[.messages[] | select(.direction == "in")] | length')" 1

# the human views
out=$(mg ticket list)
contains "list has a header" "$out" "TAG"
contains "list shows the ticket" "$out" "CSIRT#1"
contains "list shows the subject" "$out" "Phishing site at example.com"
out=$(mg ticket show CSIRT#1)
contains "show has the body" "$out" "a phishing site is up"
out=$(mg ticket show 'csirt #1')
contains "show accepts a mangled tag" "$out" "CSIRT#1"
mg ticket show CSIRT#99 >/dev/null 2>&1
eq "unknown ticket: exit 3" $? 3

# a terminal escape in a report never reaches the terminal
printf 'From: x@example.net\nSubject: esc\n\nbefore\033[2Jafter\n' >"$T/esc"
deliver "$T/esc"
out=$(mg ticket show CSIRT#2)
case "$out" in
*"$(printf '\033')"*) not_ok "escape filtered from text view" ;;
*) ok "escape filtered from text view" ;;
esac

# the mbox "From " line some MTAs prepend is not part of the message
{ printf 'From alice@example.net Sun Nov 22 10:00:00 2026\n'; cat "$T/m1"; } >"$T/m1mbox"
deliver "$T/m1mbox"
eq "From_ line dropped: same message" "$(ntickets)" 2

# the size limit is policy: 65 and one line for the bounce
set_conf max_message_size 2K
head -c 4000 /dev/zero | tr '\0' 'a' >"$T/pad"
{ msg bob@example.net "big" "x"; cat "$T/pad"; } >"$T/big"
mg deliver <"$T/big" >"$T/big.out" 2>"$T/big.err"
eq "over the limit: exit 65" $? 65
eq "one line of reason" "$(wc -l <"$T/big.err")" 1
contains "reason names the limit" "$(cat "$T/big.err")" "larger than the limit"
eq "nothing spooled" "$(find "$INST/spool/new" "$INST/spool/tmp" -type f | wc -l)" 0
set_conf max_message_size 50M

# deliver exits 75 when the spool cannot take the message
mv "$INST/spool/tmp" "$INST/spool/tmp.away"
touch "$INST/spool/tmp"
msg bob@example.net "s" "x" | mg deliver 2>/dev/null
eq "spool unusable: exit 75" $? 75
rm "$INST/spool/tmp"
mv "$INST/spool/tmp.away" "$INST/spool/tmp"
# a full disk (a file size limit stands in for it)
(trap '' XFSZ; ulimit -f 2; mg deliver <"$T/big" 2>/dev/null)
eq "disk full: exit 75" $? 75
eq "no partial file left" "$(ls "$INST/spool/tmp" | wc -l)" 0
if [ "$(id -u)" != 0 ]; then
	chmod 500 "$INST/spool/tmp"
	msg bob@example.net "s" "x" | mg deliver 2>/dev/null
	eq "unwritable spool: exit 75" $? 75
	chmod 700 "$INST/spool/tmp"
fi

# the same report sent again by another MTA: new trace fields on top, the
# same message below them - one ticket, one message
before=$(ntickets)
msg resend@example.net "Resent report" "Same text." "Message-ID: <resend1@example.net>" >"$T/rs"
{ printf 'Return-Path: <resend@example.net>\nReceived: from a (a [192.0.2.1])\n\tby mx; Sun, 22 Nov 2026 10:00:00 +0900\n'; cat "$T/rs"; } >"$T/rs1"
{ printf 'Delivered-To: csirt@example.org\nReceived: from b (b [192.0.2.2])\n\tby mx; Sun, 22 Nov 2026 10:05:00 +0900\nX-Original-To: csirt@example.org\n'; cat "$T/rs"; } >"$T/rs2"
deliver "$T/rs1"
eq "resend 1: exit 0" $? 0
deliver "$T/rs2"
eq "resend 2 (other trace fields): exit 0" $? 0
eq "resend: one ticket" "$(ntickets)" $((before + 1))
# a header that is not a trace field makes it another message
{ printf 'X-Spam-Score: 1\n'; cat "$T/rs1"; } >"$T/rs3"
deliver "$T/rs3"
eq "another header on top: another message" "$(ntickets)" $((before + 2))
eq "two tickets of that subject" "$(mg ticket list --json | jq '[.[] | select(.subject == "Resent report")] | length')" 2
finish
