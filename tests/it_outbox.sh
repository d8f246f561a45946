#!/bin/sh
# it_outbox.sh - the sending side of the outbox: SMTP AUTH against a small
# loopback server (tests/smtp_sink.py), the sendmail relay, permanent and
# temporary refusals, the backoff, and "outbox flush" with and without
# --due.  (The real MTA is tests/it_postfix.sh.)
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

new_instance o || exit 1
SINK_PID=
sink_stop() {
	[ -n "$SINK_PID" ] && kill "$SINK_PID" 2>/dev/null
	SINK_PID=
}
sink_start() {	# [--auth U:P] [--reject CODE]
	sink_stop
	rm -rf "$T/sink" "$T/port"
	mkdir "$T/sink"
	python3 "$top_srcdir/tests/smtp_sink.py" "$T/port" "$T/sink" "$@" &
	SINK_PID=$!
	i=0
	while [ ! -s "$T/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	PORT=$(cat "$T/port")
}
out_cleanup() { sink_stop; cleanup; }
trap out_cleanup EXIT

n=0
report() {	# FROM: one new report, its ack planned and tried once
	n=$((n + 1))
	msg "$1" "Report $n" "Text $n." "Message-ID: <o$n@example.net>" >"$T/m$n"
	deliver "$T/m$n" --sender "$1"
	outbox_settle
}
state() { mg outbox list --json | jq -r ".[] | select(.id == $1) | .$2"; }

# --- SMTP AUTH -----------------------------------------------------------
sink_start --auth "mg:s3cret pass"
set_conf relay "smtp://127.0.0.1:$PORT"
set_conf relay_user mg
printf 's3cret pass\n' >"$T/pw"
chmod 600 "$T/pw"
set_conf relay_password_file "$T/pw"
report a@example.net
eq "auth: sent" "$(state 1 state)" sent
eq "auth: the sink saw our credentials" "$(jq -r .auth "$T/sink/mail1.json")" "mg:s3cret pass"
eq "auth: null envelope sender" "$(jq -r .from "$T/sink/mail1.json")" "<>"
eq "auth: the recipient" "$(jq -r '.rcpt[0]' "$T/sink/mail1.json")" "<a@example.net>"
eq "auth: CRLF on the wire" "$(jq -r .crlf "$T/sink/mail1.json")" true
contains "auth: the mail itself" "$(jq -r .data "$T/sink/mail1.json")" "Auto-Submitted: auto-replied"

chmod 644 "$T/pw"
report b@example.net
eq "password file readable by others: not sent" "$(state 2 state)" queued
contains "  and the reason is shown" "$(state 2 last_error)" "0600"
chmod 600 "$T/pw"
printf 'wrong\n' >"$T/pw"
mg outbox flush >/dev/null
eq "wrong password: still waiting" "$(state 2 state)" queued
printf 's3cret pass\n' >"$T/pw"
contains "right password again: flush sends it" "$(mg outbox flush)" "1 sent"
eq "  sent" "$(state 2 state)" sent
set_conf relay_user ""

# --- STARTTLS --------------------------------------------------------------
# the sink offers no STARTTLS: "require" must not send in clear, "try" may
sink_start
set_conf relay "smtp://127.0.0.1:$PORT"
set_conf starttls require
report s@example.net
eq "starttls = require, not offered: not sent" "$(state 3 state)" queued
contains "  and says why" "$(state 3 last_error)" "SSL"
eq "  nothing reached the sink" "$(ls "$T/sink" | wc -l)" 0
set_conf starttls try
contains "starttls = try, not offered: sent in clear" "$(mg outbox flush)" "1 sent"
eq "  it reached the sink" "$(ls "$T/sink" | wc -l)" 1
set_conf starttls no

# --- permanent and temporary refusals, backoff ---------------------------
sink_start --reject 550
set_conf relay "smtp://127.0.0.1:$PORT"
report c@example.net
eq "550: failed at once" "$(state 4 state)" failed
contains "  with the relay's answer" "$(state 4 last_error)" "550"
sink_start --reject 451
set_conf relay "smtp://127.0.0.1:$PORT"
report d@example.net
eq "451: waits" "$(state 5 state)" queued
eq "  one attempt" "$(state 5 attempts)" 1
due=$(mg outbox list --json | jq -r '.[] | select(.id == 5) | .next_try | fromdate')
now=$(date +%s)
check "  next try in about a minute" test $((due - now)) -ge 30 -a $((due - now)) -le 70
contains "flush --due: not yet" "$(mg outbox flush --due)" "0 sent, 0 deferred"
mg outbox flush >/dev/null
eq "flush: tried anyway, second attempt" "$(state 5 attempts)" 2
due=$(mg outbox list --json | jq -r '.[] | select(.id == 5) | .next_try | fromdate')
now=$(date +%s)
check "  backoff grows: about four minutes" test $((due - now)) -ge 200 -a $((due - now)) -le 250
sink_start
set_conf relay "smtp://127.0.0.1:$PORT"
contains "relay back: flush sends it" "$(mg outbox flush)" "1 sent"
eq "  sent" "$(state 5 state)" sent
eq "the failed one stays failed" "$(state 4 state)" failed
contains "nothing sent twice" "$(mg outbox flush)" "0 sent"
eq "the sink got exactly that one" "$(ls "$T/sink" | wc -l)" 1
sink_stop

# --- relay = sendmail:/path --------------------------------------------
cat >"$T/sendmail" <<EOF
#!/bin/sh
printf '%s\n' "\$@" >"$T/sm.args"
cat >"$T/sm.data"
exit \${SM_EXIT:-0}
EOF
chmod 755 "$T/sendmail"
set_conf relay "sendmail:$T/sendmail"
report e@example.net
eq "sendmail: sent" "$(state 6 state)" sent
eq "sendmail: its arguments (no shell)" "$(tr '\n' ' ' <"$T/sm.args")" "-i -f <> -- e@example.net "
eq "sendmail: LF line ends on its input" "$(grep -c "$(printf '\r')" "$T/sm.data")" 0
contains "sendmail: the mail" "$(cat "$T/sm.data")" "Auto-Submitted: auto-replied"
printf '#!/bin/sh\ncat >/dev/null\nexit 67\n' >"$T/sendmail"
report f@example.net
eq "sendmail exit 67 (no such user): failed" "$(state 7 state)" failed
printf '#!/bin/sh\ncat >/dev/null\nexit 75\n' >"$T/sendmail"
report g@example.net
eq "sendmail exit 75: waits" "$(state 8 state)" queued
set_conf relay "sendmail:$T/nonexistent"
mg outbox flush >/dev/null
eq "sendmail missing: still waits" "$(state 8 state)" queued
finish
