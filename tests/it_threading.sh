#!/bin/sh
# it_threading.sh - follow-ups find their ticket by tag (however clients
# mangle it) or by In-Reply-To/References; a tag alone from a stranger
# opens a new, linked ticket instead.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

new_instance th || exit 1
n=0
send() {	# send FROM SUBJECT [headers...]
	n=$((n + 1))
	from=$1
	subj=$2
	shift 2
	msg "$from" "$subj" "message $n" "Message-ID: <m$n@example.net>" "$@" >"$T/t$n"
	deliver "$T/t$n"
}
count() { jqt "$1" '.messages | length'; }

send alice@example.net "Scan from 192.0.2.1"
eq "first report opens CSIRT#1" "$(ntickets)" 1

want=1
for s in "Re: [CSIRT#1] Scan from 192.0.2.1" \
    "AW: [csirt #1] Scan" \
    "RE:[CSIRT # 1] Scan" \
    "Fwd: [CSIRT#1]" \
    "返信: [CSIRT#1] スキャン" \
    "Re: ［ＣＳＩＲＴ＃１］ 全角" \
    "Re: 【CSIRT#1】 brackets" \
    "Re: Re: Re: [Csirt#1]" \
    "=?UTF-8?B?UmU6IFtDU0lSVCMxXSDjgrnjgq3jg6Pjg7M=?="; do
	send Alice@Example.net "$s"
	want=$((want + 1))
	eq "joins by tag: $s" "$(count CSIRT#1)" "$want"
done
eq "still one ticket" "$(ntickets)" 1
eq "follow-ups are correspondence" "$(jqt CSIRT#1 '.messages[1].kind')" correspondence

# a stranger who knows the tag gets a ticket of their own, linked
send mallory@evil.example "Re: [CSIRT#1] let me in"
eq "stranger: new ticket" "$(ntickets)" 2
eq "CSIRT#1 untouched" "$(count CSIRT#1)" "$want"
eq "new ticket links to CSIRT#1" "$(jqt CSIRT#2 '.links[0].tag + " " + .links[0].direction + " " + .links[0].reason')" \
    "CSIRT#1 to tag-from-non-correspondent"
eq "CSIRT#1 shows the link back" "$(jqt CSIRT#1 '.links[0].tag + " " + .links[0].direction')" "CSIRT#2 from"
eq "stranger is requestor of the new ticket only" "$(jqt CSIRT#2 '.requestors[0]')" mallory@evil.example

# In-Reply-To / References name a message of the ticket: that joins
send bob@example.org "Re: something" "In-Reply-To: <m1@example.net>"
want=$((want + 1))
eq "joins by In-Reply-To" "$(count CSIRT#1)" "$want"
send carol@example.org "no tag" "References: <unrelated@x> <m2@example.net>"
want=$((want + 1))
eq "joins by References" "$(count CSIRT#1)" "$want"
# having answered the thread, bob may now use the tag alone
send bob@example.org "Re: [CSIRT#1] more"
want=$((want + 1))
eq "a correspondent by reference may use the tag" "$(count CSIRT#1)" "$want"

# a tag for a ticket that does not exist opens a ticket without a link
send dave@example.org "[CSIRT#999] hello"
eq "unknown tag: new ticket" "$(ntickets)" 3
eq "no link to a ticket that does not exist" "$(jqt CSIRT#3 '.links | length')" 0

# the other instance's prefix is not ours
send alice@example.net "Re: [OTHER#1] not ours"
eq "foreign prefix: new ticket" "$(ntickets)" 4

finish
