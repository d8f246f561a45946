#!/bin/sh
# it_spool.sh - failures after the spool: a broken database leaves the
# message waiting and "spool retry" stores it once after the repair; a
# message that crashes processing is quarantined after max_attempts,
# without disturbing the others.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

new_instance s || exit 1
db="$INST/madoguchi.db"
pending() { mg spool list --json | jq "[.[] | select(.state == \"pending\")] | length"; }
quarantined() { mg spool list --json | jq "[.[] | select(.state == \"quarantined\")] | length"; }

out=$(mg spool list)
contains "empty spool list" "$out" "nothing waiting"

# 1. the database is broken: deliver still exits 0, the message waits
# (the WAL holds recent commits: the database is the three files together)
for f in "$db" "$db-wal" "$db-shm"; do [ -e "$f" ] && mv "$f" "$T/saved.${f##*.}"; done
printf 'this is not a database, just junk bytes ...........................' >"$db"
msg alice@example.net "while the database is down" "wait for me" >"$T/m1"
deliver "$T/m1"
eq "broken database: deliver exits 0" $? 0
eq "message waits in the spool" "$(pending)" 1
err=$(mg spool list --json | jq -r '.[0].last_error')
contains "the reason is shown" "$err" "database"
eq "a database outage is not counted as an attempt" "$(mg spool list --json | jq '.[0].attempts')" 0
mg spool retry >/dev/null
eq "retry while still broken: still waiting" "$(pending)" 1
out=$(mg spool list)
contains "text list shows it" "$out" "pending"
# repair
rm -f "$db" "$db-wal" "$db-shm"
mv "$T/saved.db" "$db"
for x in db-wal db-shm; do [ -e "$T/saved.$x" ] && mv "$T/saved.$x" "$INST/madoguchi.$x"; done
out=$(mg spool retry)
contains "retry reports" "$out" "1 done"
eq "stored after the repair" "$(ntickets)" 1
eq "nothing waits" "$(pending)" 0
eq "exactly one message row" "$(sqlite3 "$db" 'select count(*) from message')" 1
mg spool retry >/dev/null
deliver "$T/m1"
eq "retry and re-delivery add nothing" "$(sqlite3 "$db" 'select count(*) from message')" 1

# 2. processing crashes on one message: quarantined after max_attempts
set_conf max_attempts 3
export MADOGUCHI_FAULT_ABORT_ON=CRASH-ON-THIS-MESSAGE
msg mallory@example.net "poison" "CRASH-ON-THIS-MESSAGE" >"$T/poison"
deliver "$T/poison"
eq "a crash after the spool: deliver exits 0" $? 0
eq "crashed message waits" "$(pending)" 1
eq "one attempt counted" "$(mg spool list --json | jq '.[0].attempts')" 1
contains "crash recorded" "$(mg spool list --json | jq -r '.[0].last_error')" "crashed"
msg bob@example.net "after the crash" "a normal report" >"$T/m2"
deliver "$T/m2"
eq "a later message is unaffected" "$(ntickets)" 2
mg spool retry >/dev/null
eq "second attempt: still pending" "$(pending)" 1
out=$(mg spool retry)
contains "third attempt: quarantined" "$out" "1 quarantined"
eq "quarantined" "$(quarantined)" 1
eq "not pending" "$(pending)" 0
sid=$(content_id <"$T/poison")
check "quarantined message kept byte for byte" cmp -s "$T/poison" "$INST/spool/quarantine/$sid"
mg spool retry >/dev/null
eq "never retried again" "$(mg spool list --json | jq '.[0].attempts')" 3
deliver "$T/poison"
eq "re-delivery of a quarantined message: exit 0" $? 0
eq "and it stays quarantined" "$(quarantined)" 1
msg carol@example.net "after quarantine" "still fine" >"$T/m3"
deliver "$T/m3"
eq "later messages still stored" "$(ntickets)" 3
unset MADOGUCHI_FAULT_ABORT_ON

finish
