#!/bin/sh
# it_concurrency.sh - 8 deliveries at a time, 200 distinct messages: each
# stored exactly once, ticket numbers unique, nothing left pending.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

new_instance c || exit 1
mkdir "$T/msgs"
i=0
while [ $i -lt 200 ]; do
	msg "reporter$i@example.net" "report $i" "body of report $i" \
	    "Message-ID: <c$i@example.net>" >"$T/msgs/$i"
	i=$((i + 1))
done

worker() {	# worker W: messages W, W+8, W+16, ...
	j=$1
	while [ $j -lt 200 ]; do
		"$MADOGUCHI" -c "$CONF" deliver <"$T/msgs/$j" 2>>"$T/w$1.log" ||
		    echo "$j exit $?" >>"$T/failures"
		j=$((j + 8))
	done
}
w=0
while [ $w -lt 8 ]; do
	worker $w &
	w=$((w + 1))
done
wait

check "every deliver exited 0" test ! -s "$T/failures"
list=$(mg ticket list --json)
eq "200 tickets" "$(echo "$list" | jq length)" 200
eq "200 distinct tags" "$(echo "$list" | jq -r '.[].tag' | sort -u | wc -l)" 200
eq "tags are 1..200" "$(echo "$list" | jq '[.[].number] | (min|tostring) + ".." + (max|tostring)')" '"1..200"'
eq "200 distinct subjects" "$(echo "$list" | jq -r '.[].subject' | sort -u | wc -l)" 200
eq "one message each" "$(echo "$list" | jq '[.[].messages_count] | unique | tostring')" '"[1]"'
db="$INST/madoguchi.db"
eq "200 message rows" "$(sqlite3 "$db" 'select count(*) from message')" 200
eq "200 distinct spool ids" "$(sqlite3 "$db" 'select count(distinct spool_id) from message')" 200
eq "nothing pending" "$(ls "$INST/spool/new" | wc -l)" 0
eq "200 kept in spool/cur" "$(ls "$INST/spool/cur" | wc -l)" 200

# the same message delivered 8 times at once: stored once
w=0
while [ $w -lt 8 ]; do
	"$MADOGUCHI" -c "$CONF" deliver <"$T/msgs/0" 2>/dev/null &
	w=$((w + 1))
done
wait
eq "concurrent duplicates: still 200 messages" "$(sqlite3 "$db" 'select count(*) from message')" 200

finish
