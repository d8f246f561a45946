#!/bin/sh
# it_corpus.sh - every real-world message of tests/data/corpus goes into one
# instance: each is spooled byte-exact and gets exactly one message row,
# nothing waits or is quarantined, and what the MANIFEST.tsv files say a
# correct gateway reads out of them (decoded subjects and names, Japanese
# and Russian text, attachment names and types, flags for the broken ones)
# is what "ticket show --json" shows.
#
# Not checked here because not built yet: PGP/S-MIME verification, ARF and
# X-ARF classification, bounces joined to tickets, auto-reply suppression,
# queues.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

new_instance corpus || exit 1

# spooled FILE: the bytes the spool keeps (a leading mbox "From " line is
# the envelope, not the message: deliver drops it)
spooled() {
	if [ "$(head -c 5 "$1")" = "From " ]; then
		tail -n +2 "$1"
	else
		cat "$1"
	fi
}
sid_of() { spooled "$1" | content_id; }

# --- 1. every message of the corpus ------------------------------------------
for m in "$CORPUS"/*/MANIFEST.tsv; do
	d=$(dirname "$m")
	tail -n +2 "$m" | cut -f1 | while read -r f; do
		[ -n "$f" ] && echo "$d/$f"
	done
done | sort -u >"$T/listed"
find "$CORPUS" -type f -name '*.eml' | sort >"$T/eml"
eq "every .eml is listed in a MANIFEST.tsv" "$(comm -13 "$T/listed" "$T/eml" | wc -l)" 0
missing=$(while read -r f; do [ -f "$f" ] || echo "$f"; done <"$T/listed")
eq "every MANIFEST.tsv entry exists" "$missing" ""
sort -u "$T/listed" "$T/eml" >"$T/files"
check "the corpus has messages" test "$(wc -l <"$T/files")" -ge 80

while read -r f; do
	rel=${f#"$CORPUS"/}
	timeout 60 ${MADOGUCHI_WRAPPER:-} "$MADOGUCHI" -c "$CONF" deliver \
	    <"$f" >>"$T/deliver.log" 2>&1
	eq "deliver $rel exits 0" $? 0
done <"$T/files"

eq "nothing pending in spool/new" "$(ls "$INST/spool/new" | wc -l)" 0
eq "nothing quarantined" "$(ls "$INST/spool/quarantine" | wc -l)" 0
eq "spool list is empty" "$(mg spool list --json | jq 'length')" 0

# every stored raw file is named by its sha256
bad=""
for s in "$INST"/spool/cur/*; do
	[ "$(content_id <"$s")" = "$(basename "$s")" ] ||
	    bad="$bad $(basename "$s")"
done
eq "every spool/cur file is named by its content id" "$bad" ""

# each message's bytes are kept exactly (less a leading From_ line)
bad=""
while read -r f; do
	spooled "$f" >"$T/one"
	cmp -s "$T/one" "$INST/spool/cur/$(sid_of "$f")" ||
	    bad="$bad ${f#"$CORPUS"/}"
done <"$T/files"
eq "every message kept byte-exact in spool/cur" "$bad" ""

# all tickets, once, as one JSON array
mg ticket list --json | jq -r '.[].tag' | while read -r tag; do
	mg ticket show "$tag" --json </dev/null
done | jq -s . >"$T/all.json"

distinct=$(while read -r f; do sid_of "$f"; done <"$T/files" | sort -u | wc -l)
eq "one message row per distinct message" \
    "$(jq '[.[].messages[] | select(.direction == "in")] | length' "$T/all.json")" "$distinct"
if command -v sqlite3 >/dev/null 2>&1; then
	eq "the database agrees" \
	    "$(sqlite3 "$INST/madoguchi.db" "select count(*) from message where direction = 'in'")" \
	    "$distinct"
fi
bad=""
while read -r f; do
	n=$(jq --arg s "$(sid_of "$f")" \
	    '[.[].messages[] | select(.spool_id == $s)] | length' "$T/all.json")
	[ "$n" = 1 ] || bad="$bad ${f#"$CORPUS"/}($n)"
done <"$T/files"
eq "every message file has exactly one message row" "$bad" ""

# --- 2. what the manifests expect ------------------------------------------

# tag_of FILE: the ticket holding the message of FILE
tag_of() {
	jq -r --arg s "$(sid_of "$1")" \
	    '[.[] | select(any(.messages[]; .spool_id == $s)) | .tag][0] // empty' \
	    "$T/all.json"
}
# mq FILE FILTER: jq FILTER over the stored message of FILE
mq() {
	jq -r --arg s "$(sid_of "$1")" \
	    "[.[].messages[] | select(.spool_id == \$s)][0] | $2" "$T/all.json"
}
flags_of() { mq "$1" '(.flags // []) | join(" ")'; }
# body_of FILE: the body text, CRs removed (whether any are left is
# checked once, below, not in every assertion about content)
body_of() { mq "$1" '(.body // "") | gsub("\r"; "")'; }
# has_flag DESC FILE FLAG
has_flag() { contains "$1" " $(flags_of "$2") " " $3 "; }
# lacks DESC HAYSTACK NEEDLE
lacks() {
	case "$2" in
	*"$3"*) not_ok "$1: [$3] should not be in [$(printf '%s' "$2" | head -c 300)]" ;;
	*) ok "$1" ;;
	esac
}
atts() { mq "$1" '[(.attachments // [])[].content_type] | join(" ")'; }
NL='
'

# text is stored with LF line ends, whatever the wire used (CRLF, or bare
# CR as in the Domino bounce below); attachments keep their bytes
bad=""
while read -r f; do
	[ "$(mq "$f" '(.body // "") | test("\r")')" = false ] || bad="$bad ${f#"$CORPUS"/}"
done <"$T/files"
eq "no body text keeps a CR" "$bad" ""

# mail/ (mikel/mail fixtures)
M=$CORPUS/mail
f=$M/multi_charset/japanese.eml
eq "japanese.eml: UTF-8 B subject" "$(mq "$f" .subject)" "まみむめも"
eq "japanese.eml: base64 UTF-8 body decoded exactly" "$(body_of "$f")" \
    "かきくえこ$NL$NL-- ${NL}http://lindsaar.net/${NL}Rails, RSpec and Life blog...."
eq "japanese.eml: nothing to flag" "$(flags_of "$f")" ""

f=$M/multi_charset/japanese_iso_2022.eml
contains "japanese_iso_2022: ISO-2022-JP body" "$(body_of "$f")" "すみません。"

f=$M/multi_charset/japanese_attachment_long_name.eml
eq "long_name: 4 folded encoded-words in Subject" "$(mq "$f" .subject)" \
    "まみむめもまみむめもまみむめもまみむめもまみむめもまみむめもまみむめもまみむめもまみむめもまみむめも"
eq "long_name: RFC 2231 UTF-8 file name" "$(mq "$f" '.attachments[0].filename')" \
    "かきくけこかきくけこかきくけこかきくけこかきくけこ.txt"

f=$M/attachment_emails/attachment_with_encoded_name.eml
eq "encoded_name: mislabelled ISO-2022-JP name, U+FFFD for the bad byte" \
    "$(mq "$f" '.attachments[0].filename')" "01 Quien Te Dij�at. Pitbull.mp3"

f=$M/attachment_emails/attachment_nonascii_filename.eml
eq "nonascii_filename: raw 8-bit name kept" "$(mq "$f" '.attachments[0].filename')" "ciële.txt"
eq "nonascii_filename: attachment content hash" "$(mq "$f" '.attachments[0].sha256')" \
    "$(printf 'Hi there.\r\n' | sha256sum | cut -d' ' -f1)"

f=$M/attachment_emails/attachment_with_quoted_filename.eml
eq "quoted_filename: ISO-8859-1 Q subject" "$(mq "$f" .subject)" "Eelanalüüsi päring"
eq "quoted_filename: RFC 2231 file name" "$(mq "$f" '.attachments[0].filename')" \
    "Eelanalüüsi päring.jpg"
eq "quoted_filename: image/jpeg" "$(mq "$f" '.attachments[0].content_type')" image/jpeg

f=$M/attachment_emails/attachment_message_rfc822.eml
eq "message_rfc822: forwarded message is an attachment" \
    "$(mq "$f" '.attachments[0] | .filename + " " + .content_type')" \
    "ForwardedMessage.eml message/rfc822"
eq "message_rfc822: outer Message-ID, not the inner one" "$(mq "$f" .message_id)" \
    "9169D984-4E0B-45EF-82D4-8F5E53AD7012@example.com"
eq "message_rfc822: body is the outer text only" "$(body_of "$f")" "This is the first part."

f=$M/error_emails/bad_encoded_subject.eml
s=$(mq "$f" '.subject // ""')
case "$s" in
TEST|"=?NONE?B?VEVTVA=?=") ok "bad_encoded_subject: TEST or the raw word" ;;
*) not_ok "bad_encoded_subject: got [$s]" ;;
esac
case " $(flags_of "$f") " in
*" bad-encoded-word "*|*" unknown-charset "*) ok "bad_encoded_subject: flagged" ;;
*) not_ok "bad_encoded_subject: flagged: got [$(flags_of "$f")]" ;;
esac

f=$M/error_emails/bad_date_header.eml
has_flag "bad_date_header: bad-date" "$f" bad-date
d=$(mq "$f" '.date == null or .date == .received')
eq "bad_date_header: no date made up (none, or the arrival time)" "$d" true
eq "bad_date_header: subject" "$(mq "$f" .subject)" \
    "You may_be Eligible for Legitimate_Cash from_GovAgencies!"

f=$M/error_emails/content_transfer_encoding_empty.eml
check "hinet.net Big5 message: has a ticket" test -n "$(tag_of "$f")"
s=$(mq "$f" '.subject // ""')
case "$s" in
4d8119*8afb90) ok "hinet.net: 8-bit subject kept whole" ;;
*) not_ok "hinet.net: 8-bit subject kept whole: got [$s]" ;;
esac
contains "hinet.net: empty CTE read as 8bit" "$(body_of "$f")" "http://toolbar.yahoo.com.hk"

f=$M/error_emails/content_transfer_encoding_with_semi_colon.eml
contains "cte_with_semi_colon: text read" "$(body_of "$f")" \
    "pre-approved for a \$402,000 Home Loan"

f=$M/error_emails/header_fields_with_empty_values.eml
eq "empty_values: ISO-8859-1 From name" "$(mq "$f" .from_name)" "Jørn Støylen"
eq "empty_values: subject" "$(mq "$f" .subject)" "Testmail"

f=$M/error_emails/invalid_subject_characters.eml
eq "invalid_subject: Windows-1252 word in quotes is the From name" \
    "$(mq "$f" .from_name)" "Formação Frenetikpolis"
s=$(mq "$f" '.subject // ""')
case "$s" in
"Formação FrenetikPolis: Mega Campanha Final Verão | Cursos de Setembro")
	ok "invalid_subject: 8-bit subject guessed as Latin-1" ;;
*"FrenetikPolis: Mega Campanha Final Ver"*"| Cursos de Setembro")
	case " $(flags_of "$f") " in
	*" charset-guessed "*|*" invalid-characters "*)
		ok "invalid_subject: 8-bit subject kept, flagged" ;;
	*) not_ok "invalid_subject: subject kept but not flagged" ;;
	esac ;;
*) not_ok "invalid_subject: subject: got [$s]" ;;
esac

f=$M/error_emails/empty_group_lists.eml
eq "empty_group_lists: subject" "$(mq "$f" .subject)" "Western Union Swift Money Transfer"

f=$M/error_emails/new_line_in_to_header.eml
eq "new_line_in_to_header: headers after the odd To still read" \
    "$(mq "$f" .subject)" "[Online Lead] Online Lead #1111111"

f=$M/error_emails/weird_to_header.eml
eq "weird_to_header: empty subject" "$(mq "$f" '.subject // ""')" ""
contains "weird_to_header: body" "$(body_of "$f")" "PAGE THEY WERE ON:"

f=$M/error_emails/encoding_madness.eml
eq "encoding_madness: body" "$(body_of "$f")" "Body Text"

f=$M/error_emails/missing_body.eml
has_flag "missing_body: boundary-missing" "$f" boundary-missing
eq "missing_body: empty body" "$(mq "$f" '.body | gsub("\\s"; "")')" ""

f=$M/error_emails/multiple_content_types.eml
eq "multiple_content_types: the first Content-Type (multipart) wins" "$(body_of "$f")" "foo"

f=$M/mime_emails/raw_email_with_illegal_boundary.eml
b=$(body_of "$f")
contains "illegal_boundary: split into parts" "$b" "This is an outlook test"
lacks "illegal_boundary: no delimiter in the text" "$b" "NextPart"

f=$M/mime_emails/raw_email4.eml
b=$(body_of "$f")
has_flag "raw_email4: unterminated-multipart" "$f" unterminated-multipart
contains "raw_email4: nested text part recovered" "$b" "Some text"
contains "raw_email4: second text part recovered" "$b" "Orange Multi Media Message"

f=$M/mime_emails/raw_email_with_nested_attachment.eml
contains "S/MIME signed: text kept" "$(body_of "$f")" "Here is a test of an attachment via email."
eq "S/MIME signed: attachment kept" \
    "$(mq "$f" '[.attachments[] | select(.filename == "truncated.png") | .content_type][0]')" image/png

f=$M/mime_emails/sig_only_email.eml
contains "sig_only_email: text kept" "$(body_of "$f")" "This is random text, not what has been signed"

f=$M/mime_emails/email_with_similar_boundaries.eml
eq "similar_boundaries: text part" "$(body_of "$f")" "Test"
eq "similar_boundaries: only LOGO.png is an attachment" \
    "$(mq "$f" '[.attachments[] | .filename + " " + .content_type + " " + (.size|tostring)] | join(",")')" \
    "LOGO.png application/octetstream 3"

f=$M/multipart_report_emails/report_530.eml
eq "report_530: DSN parts kept" "$(atts "$f")" "message/delivery-status text/rfc822-headers"

f=$M/multipart_report_emails/multi_address_bounce1.eml
contains "multi_address_bounce1: explanation is the text" "$(body_of "$f")" \
    "your message could not${NL}be delivered to one or more recipients"

# mimekit/
K=$CORPUS/mimekit/messages
f=$K/japanese.txt
eq "mimekit japanese: ISO-2022-JP subject words" "$(mq "$f" .subject)" \
    "日本語メールテスト (testing Japanese emails)"
contains "mimekit japanese: ISO-2022-JP body" "$(body_of "$f")" \
    "日本語が${NL}正常に${NL}送れているか${NL}テスト."

f=$K/disposition-notification.txt
contains "MDN: explanation is the text" "$(body_of "$f")" "has been displayed"
contains "MDN: the notification part kept" "$(atts "$f")" "message/disposition-notification"

f=$K/delivery-status-no-blank-line.txt
contains "old DSN: delivery-status part kept" "$(atts "$f")" "message/delivery-status"

f=$K/missing-subtype.txt
eq "missing-subtype: name parameter kept" "$(mq "$f" '.attachments[0].filename')" "document.xml.gz"
eq "missing-subtype: read as application/octet-stream" \
    "$(mq "$f" '.attachments[0].content_type')" application/octet-stream
eq "missing-subtype: content" "$(mq "$f" '.attachments[0].size')" 15

f=$K/empty-multipart.txt
eq "empty-multipart: body from the sibling text/plain" "$(body_of "$f")" \
    "This part should be on the same level as the multipart/alternative and not a child."

f=$K/epilogue.txt
b=$(body_of "$f")
contains "epilogue: text part" "$b" "NeXTstep, NeXTSTEP, NEXTSTEP"
lacks "epilogue: epilogue ignored" "$b" "Newt-thought"
eq "epilogue: postscript attachment" "$(atts "$f")" application/postscript

f=$K/multipart-digest.txt
a=$(atts "$f")
case " $a " in
*" message/rfc822 "*) ok "digest: embedded message(s) kept as attachments" ;;
*) not_ok "digest: embedded message(s) kept as attachments: got [$a]" ;;
esac
lacks "digest: no epilogue in the text" "$(body_of "$f")" "epilogue"

f=$K/rfc2060.txt
eq "rfc2060: text part 1 is the body" "$(body_of "$f")" "This part specifier should be: 1"
eq "rfc2060: every other leaf at level 1 is kept" "$(atts "$f")" \
    "application/octet-stream message/rfc822 image/gif message/rfc822"

# sisimai/
S=$CORPUS/sisimai
f=$S/bsd/lhost-ezweb-07.eml
contains "ezweb: ISO-2022-JP body" "$(body_of "$f")" \
    "次のあて先へのメッセージはエラーのため送信できませんでした。"
f=$S/bsd/lhost-mfilter-01.eml
contains "m-FILTER: ISO-2022-JP body" "$(body_of "$f")" \
    "このメールは「m-FILTER」が自動的に生成して送信しています。"
f=$S/bsd/lhost-notes-01.eml
contains "Lotus Notes: ISO-2022-JP failure reason" "$(body_of "$f")" \
    "エラー(テストメッセージとしての)"
f=$S/bsd/lhost-postfix-04.eml
contains "OCN Postfix: bilingual ISO-2022-JP text" "$(body_of "$f")" \
    "このメールと共に返信されているメールは"
f=$S/bsd/lhost-trendmicro-01.eml
eq "InterScan: ISO-2022-JP subject" "$(mq "$f" .subject)" "メッセージを配信できません。"
has_flag "InterScan: close boundary missing" "$f" unterminated-multipart
f=$S/bsd/lhost-domino-02.eml
eq "Domino: mixed encoded-word subject" "$(mq "$f" .subject)" \
    "DELIVERY FAILURE: ユーザー Neko (kijitora@example.co.jp) は Domino ディレクトリには見つかりません。"
f=$S/bsd/lhost-x5-01.eml
eq "x5: subject" "$(mq "$f" .subject)" "Returned mail: User unknown"
eq "x5: encoded-word in quotes is the From name" "$(mq "$f" .from_name)" "Mail Delivery Subsystem"
f=$S/bsd/lhost-biglobe-01.eml
contains "BIGLOBE: text part" "$(body_of "$f")" "exceeded the local limit"
has_flag "BIGLOBE: close boundary missing" "$f" unterminated-multipart
f=$S/bsd/lhost-postfix-01.eml
has_flag "Postfix: close boundary missing" "$f" unterminated-multipart
f=$S/bsd/lhost-postfix-48.eml
contains "Postfix Shift_JIS original: returned message kept" "$(atts "$f")" message/rfc822
f=$S/bsd/lhost-yandex-01.eml
eq "Yandex: Russian subject" "$(mq "$f" .subject)" "Недоставленное сообщение"
contains "Yandex: 8-bit Russian body" "$(body_of "$f")" \
    "Это письмо отправлено почтовым сервером yandex.ru."
f=$S/bsd/lhost-office365-01.eml
contains "Office 365: Windows-1252 quote" "$(body_of "$f")" "The email address wasn’t found"
f=$S/bsd/rfc3834-02.eml
eq "rfc3834-02: quoted display name with comma" "$(mq "$f" .from_name)" "Neko, Nyaan"
f=$S/not/is-not-bounce-01.eml
eq "not-bounce: UTF-8 subject" "$(mq "$f" .subject)" "にゃんこ"
contains "not-bounce: 8-bit UTF-8 body" "$(body_of "$f")" "にゃーーー"
f=$S/mac/lhost-domino-01.eml
has_flag "CR-only Domino: cr-line-endings" "$f" cr-line-endings
eq "CR-only Domino: subject" "$(mq "$f" .subject)" \
    "DELIVERY FAILURE: User Kijitoranyan (kijitora@example.jp) not listed in Domino Directory"
b=$(body_of "$f")
contains "CR-only Domino: lines split on bare CR" "$b" \
    "was not delivered to:${NL}${NL}  kijitora@example.jp"
eq "CR-only Domino: no CR left in the text" "$(mq "$f" '(.body // "") | test("\r")')" false
f=$S/dos/lhost-qmail-01.eml
contains "CRLF qmail: text" "$(body_of "$f")" \
    "qmail-send program at mx4.example.jp.${NL}I'm afraid"

# abuseio/
A=$CORPUS/abuseio
f=$A/blocklistde/Blocklistde_Example_1.eml
contains "blocklist.de: headers read after the From_ line" "$(mq "$f" .subject)" \
    "abuse report about 10.0.2.150"
eq "blocklist.de: From_ line is the envelope sender" \
    "$(mq "$f" .envelope_sender)" autogenerated@blocklist.de
f=$A/netcraft/Netcraft_Example_1.eml
eq "Netcraft: report.txt attachment" \
    "$(mq "$f" '.attachments[0] | .filename + " " + .content_type')" "report.txt text/plain"
f=$A/cleanmx/Cleanmx_Example_1.eml
has_flag "clean-mx: Date (invalid) is bad-date" "$f" bad-date
eq "clean-mx: no subject" "$(mq "$f" '.subject // ""')" ""
contains "clean-mx: evidence text" "$(body_of "$f")" "source-ip: 192.168.2.20"
f=$A/feedback-loop/AOL_example_1.eml
eq "AOL ARF: report parts kept" "$(atts "$f")" "message/feedback-report message/rfc822"
f=$A/feedback-loop/Yahoo_example_1.eml
eq "Yahoo ARF: subject" "$(mq "$f" .subject)" "FW:Nuevas alertas de empleo"

# stalwart/
W=$CORPUS/stalwart
f=$W/malformed/000.eml
# parts made of a header line and no blank line are read as text (as
# libetpan reads them); what matters is a ticket and a flag
has_flag "stalwart 000: malformed-mime" "$f" malformed-mime
f=$W/malformed/002.eml
has_flag "stalwart 002: boundary-missing" "$f" boundary-missing
eq "stalwart 002: the body is the text" "$(body_of "$f")" "body"
f=$W/malformed/003.eml
eq "stalwart 003: same boundary nested, text found" "$(body_of "$f")" "body"
f=$W/malformed/005.eml
# boundary "a--": "--a----" closes the outer multipart (RFC 2046), so the
# parts after it are epilogue, not text; the damage is flagged
has_flag "stalwart 005: dash-ended boundaries flagged" "$f" unterminated-multipart
f=$W/malformed/009.eml
eq "stalwart 009: parts 1, 22, 333 recovered" "$(mq "$f" '.body | gsub("\\s+"; " ")')" "1 22 333"
f=$W/malformed/010.eml
case "$(mq "$f" .body) $(atts "$f")" in
*1*|*message/rfc822*) ok "stalwart 010: nested rfc822 read or kept" ;;
*) not_ok "stalwart 010: nested rfc822 read or kept" ;;
esac
f=$W/malformed/013.eml
contains "stalwart 013: first text part of reused boundaries" "$(body_of "$f")" "hello, world"
f=$W/malformed/016.eml
contains "stalwart 016: over-long boundaries degrade to text" "$(body_of "$f")" "333"
f=$W/malformed/017.eml
eq "stalwart 017: subject" "$(mq "$f" .subject)" "Hello world"
eq "stalwart 017: From name" "$(mq "$f" .from_name)" "Test User"
eq "stalwart 017: image/png read despite the missing ';'" \
    "$(mq "$f" '[.attachments[] | .content_type + " " + (.size|tostring)] | join(",")')" "image/png 12"
eq "stalwart 017: decoded image content" "$(mq "$f" '.attachments[0].sha256')" \
    "$(printf 'hello world\n' | sha256sum | cut -d' ' -f1)"
lacks "stalwart 017: no raw MIME in the text" "$(body_of "$f")" "aGVsbG8gd29ybGQK"
f=$W/malformed/022.eml
eq "stalwart 022: invalid rfc822 kept opaque" \
    "$(mq "$f" '[.attachments[] | .filename + " " + .content_type + " " + (.size|tostring)] | join(",")')" \
    "broken.eml message/rfc822 42"
eq "stalwart 022: text" "$(body_of "$f")" "hello"
f=$W/thirdparty/005.eml
b=$(body_of "$f")
eq "stalwart 3p/005: UTF-16LE, UTF-16BE, UTF-16LE parts decoded" \
    "$(mq "$f" '[.body | match("Test message"; "g")] | length')" 3
contains "stalwart 3p/005: EUC-JP part" "$b" "『世界人権宣言』"
contains "stalwart 3p/005: last UTF-8 part" "$b" "invalid"
lacks "stalwart 3p/005: no replacement characters" "$b" "�"
f=$W/thirdparty/006.eml
eq "stalwart 3p/006: plain alternative inside signature/plain" "$(body_of "$f")" \
    "Search me, and Find me here"
eq "stalwart 3p/006: not reported as signed" "$(mq "$f" .signature)" none
f=$W/thirdparty/008.eml
b=$(body_of "$f")
eq "stalwart 3p/008: quoted boundary with a space" "$(atts "$f")" "text/x-myown message/rfc822"
contains "stalwart 3p/008: text part" "$b" "Another part"
lacks "stalwart 3p/008: no prologue" "$b" "prologue"
f=$W/thirdparty/010.eml
eq "stalwart 3p/010: UTF-8 subject" "$(mq "$f" .subject)" "こんにちは"
eq "stalwart 3p/010: undeclared UTF-8 text" "$(body_of "$f")" "人権の無視及"

finish
