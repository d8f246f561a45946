#!/bin/sh
# it_badinput.sh - broken and hostile messages: each gets a ticket holding
# what could be read, its raw bytes kept, and a flag naming what was wrong;
# never a crash, never unbounded time.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

new_instance bad || exit 1
python3 "$top_srcdir/tests/gen_bad.py" "$T/bad" || { not_ok "fixtures"; finish; exit 1; }

count=0
for f in "$T"/bad/*.eml; do
	name=$(basename "$f" .eml)
	flag=$(cat "$T/bad/$name.flag")
	text=$(cat "$T/bad/$name.text")
	timeout 600 ${MADOGUCHI_WRAPPER:-} "$MADOGUCHI" -c "$CONF" deliver <"$f" 2>>"$T/deliver.log"
	eq "$name: deliver exits 0" $? 0
	count=$((count + 1))
	eq "$name: a ticket" "$(ntickets)" "$count"
	tag="CSIRT#$count"
	sid=$(content_id <"$f")
	check "$name: raw kept" cmp -s "$f" "$INST/spool/cur/$sid"
	flags=$(jqt "$tag" '.messages[0].flags | join(" ")')
	if [ "$flag" = "-" ]; then
		eq "$name: no flag" "$flags" ""
	else
		contains "$name: flagged $flag" " $flags " " $flag "
	fi
	if [ "$text" != "-" ]; then
		contains "$name: text read" "$(jqt "$tag" '.messages[0].body')" "$text"
	fi
done
eq "nothing pending" "$(ls "$INST/spool/new" | wc -l)" 0
eq "nothing quarantined" "$(ls "$INST/spool/quarantine" | wc -l)" 0

# the structural faults also say malformed-mime; mere guesses do not
t=$(mg ticket list --json | jq -r '.[] | select(.subject == "missing boundary") | .tag')
contains "structural fault is malformed-mime" "$(jqt "$t" '.flags | join(" ")')" malformed-mime
t=$(mg ticket list --json | jq -r '.[] | select(.subject == "lf only") | .tag')
eq "LF-only mail reads like CRLF mail" "$(jqt "$t" '.messages[0].attachments[0].filename')" a.txt
t=$(mg ticket list --json | jq -r '.[] | select(.subject == "five thousand parts") | .tag')
# max_parts (1000) counts every leaf: the text and 999 attachments
eq "part records are bounded" "$(jqt "$t" '.messages[0].attachments | length')" 999
t=$(mg ticket list --json | jq -r '.[] | select(.subject == "html only") | .tag')
body=$(jqt "$t" '.messages[0].body')
contains "html: link target kept" "$body" "http://evil.example/login"
case "$body" in
*alert*|*color:red*) not_ok "html: no script or style content" ;;
*) ok "html: no script or style content" ;;
esac
t=$(mg ticket list --json | jq -r '.[] | select((.subject // "") | startswith("AAAA")) | .tag')
check "long header cut to the limit" test "$(jqt "$t" '.subject | length')" -le 65536

finish
