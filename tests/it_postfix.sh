#!/bin/sh
# it_postfix.sh - mail through a real Postfix on loopback (tests/
# postfix_lib.sh), wired to madoguchi as contrib/postfix/ documents: the
# envelope as madoguchi stores it, one delivery per recipient, deferral on
# exit 75 and a single ticket after the retry, nothing relayed off the host.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/postfix_lib.sh"

new_instance pf --address csirt@csirt.test || exit 1
pf_start || { finish; exit 1; }

# has_tickets N: exactly N tickets
has_tickets() { [ "$(ntickets 2>/dev/null)" = "$1" ]; }
# tickets_with SUBJECT: how many tickets have that subject
tickets_with() {
	mg ticket list --json | jq --arg s "$1" '[.[] | select(.subject == $s)] | length'
}
# nsent: successful deliveries by the pipe so far, in the maillog
nsent() { grep -c 'relay=madoguchi.*status=sent' "$PF_LOG"; }

# --- a report, by SMTP, into a ticket ---------------------------------
r1=$top_srcdir/contrib/samples/01-phishing-en.eml
pf_submit someone@reporter.test csirt@csirt.test "$r1"
eq "smtpd accepts the report" $? 0
check "a ticket appears" pf_until 30 has_tickets 1
check "queue drains" pf_wait_queue_empty
eq "exactly one ticket" "$(ntickets)" 1
j() { jqt CSIRT#1 "$1"; }
eq "subject" "$(j .subject)" "Phishing site imitating our webmail"
eq "one message in" "$(j '[.messages[] | select(.direction == "in")] | length')" 1
eq "envelope sender from MAIL FROM" "$(j '.messages[0].envelope_sender')" someone@reporter.test
eq "envelope recipient from RCPT TO" "$(j '.messages[0].envelope_recipient')" csirt@csirt.test
eq "from header" "$(j '.messages[0].from')" jane.doe@example.net
contains "body" "$(j '.messages[0].body')" "webmail-login"
raw=$INST/spool/cur/$(j '.messages[0].spool_id')
eq "pipe flag R: Return-Path first" "$(head -n 1 "$raw")" "Return-Path: <someone@reporter.test>"
contains "Postfix's Received header" "$(cat "$raw")" "by mx.test (Postfix) with ESMTP"
check "the report's own bytes follow, unchanged" \
    sh -c 'tail -n "$(wc -l <"$1")" "$2" | cmp -s - "$1"' sh "$r1" "$raw"

# --- the same report sent again ---------------------------------------
# A new SMTP transaction: a new queue id and Received line, so other
# bytes.  This is how a sender's MTA retries after losing our "250" to a
# timeout, and DESIGN.md: a retried delivery of the same message never
# makes a second ticket or a second message row.
sent=$(nsent)
pf_submit someone@reporter.test csirt@csirt.test "$r1"
eq "the resend is accepted" $? 0
check "queue drains" pf_wait_queue_empty
eq "Postfix hands it to madoguchi again" "$(nsent)" $((sent + 1))
eq "resend: still one ticket" "$(ntickets)" 1
eq "resend: still one message in" \
    "$(jqt CSIRT#1 '[.messages[] | select(.direction == "in")] | length')" 1
n=$(ntickets)

# --- one delivery per recipient (destination_recipient_limit = 1) -----
msg someone@reporter.test "Two recipients" "One mail, two team addresses." \
    'Message-ID: <two@reporter.test>' >"$T/two"
sent=$(nsent)
pf_submit someone@reporter.test csirt@csirt.test,csirt+phishing@csirt.test "$T/two"
eq "two recipients accepted" $? 0
check "queue drains" pf_wait_queue_empty
eq "two pipe deliveries" "$(nsent)" $((sent + 2))
eq "no deferral" "$(grep -c 'relay=madoguchi.*status=deferred' "$PF_LOG")" 0
eq "one ticket for the mail" "$(tickets_with "Two recipients")" 1
eq "the same bytes twice: one message in" \
    "$(jqt "$(mg ticket list --json | jq -r '[.[] | select(.subject == "Two recipients")][0].tag')" '[.messages[] | select(.direction == "in")] | length')" 1
n=$((n + 1))
eq "plus address reaches madoguchi" \
    "$(grep -c 'to=<csirt+phishing@csirt.test>.*relay=madoguchi.*status=sent' "$PF_LOG")" 1

# --- the null sender (a bounce to the team) ---------------------------
printf 'From: MAILER-DAEMON@mx.reporter.test\nSubject: Undelivered Mail Returned to Sender\nMessage-ID: <dsn1@reporter.test>\n\nThe mail could not be delivered.\n' >"$T/dsn"
pf_submit "" csirt@csirt.test "$T/dsn"
eq "null sender accepted" $? 0
check "bounce stored" pf_until 30 has_tickets $((n + 1))
n=$((n + 1))
tag=$(mg ticket list --json | jq -r '.[] | select(.subject == "Undelivered Mail Returned to Sender") | .tag')
eq "null sender stored as null (pipe null_sender=)" \
    "$(jqt "$tag" '.messages[0].envelope_sender')" null

# --- exit 75: Postfix keeps the report and retries ---------------------
r2=$top_srcdir/contrib/samples/02-unauthorised-access-ja.eml
deferred() {
	pf_queue | jq -e -s 'length == 1 and .[0].queue_name == "deferred"' >/dev/null
}
deferrals() {
	[ "$(grep -c 'relay=madoguchi.*status=deferred' "$PF_LOG")" -ge "$1" ]
}
mode=$(stat -c %a "$INST/spool")
chmod 000 "$INST/spool"
pf_submit someone@reporter.test csirt@csirt.test "$r2"
eq "report accepted while madoguchi cannot spool" $? 0
check "Postfix defers it" pf_until 30 deferred
contains "the reason is madoguchi's temporary failure" \
    "$(pf_queue | jq -r '.recipients[0].delay_reason')" "temporary failure"
eq "no ticket while deferred" "$(ntickets)" "$n"
check "Postfix retries on its own, deferred again" pf_until 30 deferrals 2
check "still in the queue" deferred
chmod "$mode" "$INST/spool"
pf_flush
check "delivered once madoguchi can spool" pf_wait_queue_empty
eq "exactly one new ticket" "$(ntickets)" $((n + 1))
eq "the retried report made one ticket of one message" \
    "$(mg ticket list --json | jq -c '[.[] | select(.requestors | index("yamada@example.co.jp"))] | length')$(jqt "$(mg ticket list --json | jq -r '[.[] | select(.requestors | index("yamada@example.co.jp"))][0].tag')" '[.messages[] | select(.direction == "in")] | length')" "11"

# --- mail from the team to a reporter ---------------------------------
msg csirt@csirt.test "[CSIRT#1] Re: Phishing site" "Thank you, we are on it." >"$T/out"
pf_submit csirt@csirt.test jane@reporter.test "$T/out"
eq "smtpd accepts mail to reporter.test" $? 0
m=$(pf_wait_mail jane 30)
check "it lands in jane's Maildir" test -f "$m"
contains "subject kept" "$(cat "$m" 2>/dev/null)" "Subject: [CSIRT#1] Re: Phishing site"
contains "virtual(8) adds Delivered-To" "$(cat "$m" 2>/dev/null)" "Delivered-To: jane@reporter.test"

# --- nothing leaves the host ------------------------------------------
out=$(pf_submit someone@reporter.test victim@example.com "$T/out" 2>&1)
eq "mail to elsewhere refused at RCPT" $? 1
contains "by default_transport = error" "$out" "550"
check "queue empty" pf_queue_empty
eq "no ticket from outbound mail" "$(ntickets)" $((n + 1))
n=$((n + 1))

# --- acknowledgements, back through Postfix ----------------------------
# The relay was down until now (lib.sh points it at a closed port): the
# acknowledgements of the reports above wait in the outbox.
queued() { mg outbox list --json | jq --arg s "$1" '[.[] | select(.state == $s)] | length'; }
outbox_settle
nq=$(queued queued)
check "acks wait in the outbox while the relay is down" test "$nq" -ge 1
eq "none sent" "$(queued sent)" 0
set_conf relay "smtp://127.0.0.1:$PF_PORT"
contains "relay up: outbox flush sends them" "$(mg outbox flush)" "$nq sent"
eq "all sent" "$(queued sent)" "$nq"
a=$(pf_wait_mail someone 30)
check "the ack lands in the reporter's Maildir" test -f "$a"
gpg --homedir "$INST/gnupg" --batch --export "$(sed -n 's/^key = //p' "$CONF")" >"$T/team.pub"
mkdir -m 700 "$T/rd"
gpg --homedir "$T/rd" --batch --quiet --import "$T/team.pub" 2>/dev/null
ack() { python3 "$top_srcdir/tests/ack_check.py" "$a" "$T/rd" | jq -r "$1"; }
eq "gpg --verify accepts it, with the team's public key" "$(ack .verified)" true
contains "it names the ticket" "$(ack .subject)" "[CSIRT#1]"
contains "it came with the null envelope sender" "$(head -n 1 "$a")" "Return-Path: <>"
check "flushed again: nothing more" sh -c '"$MADOGUCHI" -c "$1" outbox flush | grep -q "0 sent"' sh "$CONF"
eq "each ack delivered exactly once" "$(pf_mail_to someone@reporter.test | xargs grep -l '^Auto-Submitted: auto-replied' | wc -l)" "$nq"
# with the relay up, a new report's ack goes out during the delivery
msg new@reporter.test "Open resolver at 192.0.2.53" "Seen in our scans."     'Message-ID: <res1@reporter.test>' >"$T/r3"
pf_submit new@reporter.test csirt@csirt.test "$T/r3"
a=$(pf_wait_mail new 30)
check "relay up: the ack arrives by itself" test -f "$a"
eq "and verifies" "$(ack .verified)" true
n=$((n + 1))
# a recipient the relay refuses for good: kept, failed, visible
msg x@example.com "Report from afar" "Text." 'Message-ID: <far1@example.com>' >"$T/r4"
pf_submit x@example.com csirt@csirt.test "$T/r4"
check "queue drains" pf_wait_queue_empty
check "the ack was tried" outbox_settle
n=$((n + 1))
eq "refused with 5xx: the ack is failed, not retried" "$(mg outbox list --json | jq -r '[.[] | select(.recipients[0] == "x@example.com")][0].state')" failed
contains "the relay's answer is kept" "$(mg outbox list --json | jq -r '[.[] | select(.recipients[0] == "x@example.com")][0].last_error')" "550"
gpgconf --homedir "$T/rd" --kill all >/dev/null 2>&1

pm=$pf_master
pf_stop
check "Postfix stopped" sh -c '! kill -0 "$1" 2>/dev/null' sh "$pm"
finish
