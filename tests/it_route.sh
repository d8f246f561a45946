#!/bin/sh
# it_route.sh - routing to handler queues: the default rules on realistic
# Japanese and English reports, plus-addresses, ARF and X-ARF, observables
# (defanged and full-width), "route --explain", "observable find",
# "ticket set" with its audit trail, and configuration errors.
# Notifications (mail and webhook) are in it_notify.sh.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

ARF="$DATA/arf"
new_instance r || exit 1

# route_of FILE [RCPT]: "queue type rule" from route --explain --json
route_of() {
	mg route --explain --json --recipient "${2:-csirt@example.org}" <"$1" |
	    jq -r '.queue + " " + (.type // "-") + " " + (.rule // "-")'
}

# --- the routing table: default rules, realistic reports -----------------
i=0
while IFS='|' read -r want_q want_t subj body; do
	[ -z "$want_q" ] && continue
	i=$((i + 1))
	msg reporter$i@example.net "$subj" "$body" >"$T/t$i.eml"
	got=$(route_of "$T/t$i.eml")
	eq "route $i ($subj)" "${got% *}" "$want_q $want_t"
done <<'EOF'
phishing|fraud/phishing|フィッシングサイトの報告|弊社を騙る偽サイトが hxxps://example[.]com/login で公開されています。
phishing|fraud/phishing|Phishing site impersonating our bank|A phishing page at hxxp://bank-login.example.net/ collects passwords.
incident|information-content-security/unauthorised-information-access|個人情報の漏えいについて|顧客情報が外部に流出した可能性があります。
incident|information-content-security/unauthorised-information-access|Possible data breach|We found a data breach: a database dump is for sale.
incident|malicious-code/infected-system|ランサムウェア被害|社内のファイルサーバがランサムウェアに暗号化されました。
incident|intrusions/unprivileged-account-compromise|不正アクセスの疑い|管理画面に海外から不正ログインがありました。
incident|intrusions/unprivileged-account-compromise|Unauthorized access to our VPN|We saw unauthorized access from 198.51.100.7.
incident|malicious-code/infected-system|マルウェア感染|Emotet に感染した端末があります。
incident|malicious-code/infected-system|Malware on a workstation|A trojan was found on a laptop.
incident|availability/ddos|DDoS攻撃を受けています|Webサーバへの大量アクセスでサービスが停止しています。
incident|availability/ddos|Ongoing DDoS|Our site is under a DDoS since 10:00 JST.
vulnerability|vulnerable/vulnerable-system|脆弱性のご報告|貴社製品にクロスサイトスクリプティングの脆弱性を発見しました。
vulnerability|vulnerable/vulnerable-system|Vulnerability in your web portal|I found a vulnerability (CVE-2026-0001) in your portal.
abuse|information-gathering/scanner|ポートスキャンの通報|貴組織のIPアドレスから当方へポートスキャンが行われています。
abuse|abusive-content/spam|迷惑メールの送信元について|貴社のサーバから迷惑メールが送信されています。
inquiry|other/other|お問い合わせ|報告の方法について質問があります。
inquiry|other/other|A question about your PGP key|Is your key still valid?
triage|-|こんにちは|先日の件、よろしくお願いします。
triage|-|Hello|Please call me back.
EOF

# English words are words: "dose" is not "DoS", "virusscan" is not malware
msg x@example.net "Dosage" "The dose was wrong." >"$T/w.eml"
eq "route: keywords match whole English words" "$(route_of "$T/w.eml")" "triage - -"
# full-width Latin in Japanese text still matches (ＤＤｏＳ)
msg x@example.net "ＤＤｏＳ攻撃" "大量の通信があります。" >"$T/fw.eml"
eq "route: full-width keyword" "$(route_of "$T/fw.eml" | cut -d' ' -f1,2)" "incident availability/ddos"

# --- plus-addresses ----------------------------------------------------------
msg x@example.net "Hello" "see attached" >"$T/p.eml"
eq "route: csirt+phishing@" "$(route_of "$T/p.eml" csirt+phishing@example.org)" "phishing fraud/phishing to-phishing"
eq "route: csirt+vuln@" "$(route_of "$T/p.eml" CSIRT+Vuln@Example.org | cut -d' ' -f1)" vulnerability
eq "route: plus-address before keywords" "$(route_of "$T/t1.eml" csirt+abuse@example.org | cut -d' ' -f1)" abuse

# --- explain says why and stores nothing ----------------------------------
out=$(mg route --explain <"$T/t1.eml")
contains "explain: the rule" "$out" "rule:      phishing-words"
contains "explain: why" "$out" "keyword in subject: フィッシング"
contains "explain: indicators, defanged" "$out" "url=hxxps://example[.]com/login"
eq "explain: no ticket stored" "$(ntickets)" 0
eq "explain: spool untouched" "$(find "$INST/spool" -type f | wc -l)" 0

# a key in the message is not imported by a dry run
printf 'From: keyed@example.net\nSubject: hi\nAutocrypt: addr=keyed@example.net; keydata=AAAA\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=k\n\n--k\nContent-Type: text/plain\n\nmy key\n--k\nContent-Type: application/pgp-keys\n\n-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmDMEZ\n-----END PGP PUBLIC KEY BLOCK-----\n--k--\n' >"$T/key.eml"
before=$(ls -l --time-style=+%s.%N "$INST/keyring" | md5sum)
mg route --explain <"$T/key.eml" >/dev/null
eq "explain: the keyring untouched" "$(ls -l --time-style=+%s.%N "$INST/keyring" | md5sum)" "$before"

# --- deliver: the ticket carries the routing -----------------------------
deliver "$T/t1.eml" --sender reporter1@example.net --recipient csirt@example.org
eq "deliver: queue" "$(jqt CSIRT#1 .queue)" phishing
eq "deliver: type" "$(jqt CSIRT#1 .type)" fraud/phishing
eq "deliver: route" "$(jqt CSIRT#1 .route)" phishing-words
deliver "$T/t5.eml" --sender reporter5@example.net
eq "deliver: priority from the rule" "$(jqt CSIRT#2 .priority)" high
eq "ticket list --queue" "$(mg ticket list --queue phishing --json | jq -r '.[].tag')" "CSIRT#1"

# --- the acknowledgement follows the type -----------------------------------
mg outbox show "$(mg outbox list --json | jq -r '.[0].id')" --raw >"$T/ack1.eml"
contains "ack: the checklist of the routed type" "$(python3 "$top_srcdir/tests/ack_check.py" "$T/ack1.eml" "$INST/gnupg" | jq -r .text)" "The phishing URL (defanged)"

# --- observables -------------------------------------------------------------
cat >"$T/obs.eml" <<'EOF'
From: analyst@example.net
To: csirt@example.org
Subject: C2 通信の報告
Message-ID: <obs1@example.net>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

不審な通信先：ｈｔｔｐ：／／ｅｖｉｌ．ｅｘａｍｐｌｅ．ｃｏｍ／ｇａｔｅ
送信元ＩＰ：１９８．５１．１００．２３
Also seen: hxxp://evil[.]example[.]com/gate and 203.0.113[.]9
Mail from attacker[@]bad.example.net
SHA-256: 9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08
IPv6 peer 2001:db8::dead:beef, network 192.0.2.0/24
EOF
deliver "$T/obs.eml" --sender analyst@example.net
obs=$(jqt CSIRT#3 '[.messages[0].observables[] | .kind + "=" + .value] | join(" ")')
contains "obs: full-width URL refanged" "$obs" "url=http://evil.example.com/gate"
contains "obs: full-width IPv4" "$obs" "ipv4=198.51.100.23"
contains "obs: defanged IPv4" "$obs" "ipv4=203.0.113.9"
contains "obs: defanged e-mail" "$obs" "email=attacker@bad.example.net"
contains "obs: SHA-256 lower-cased" "$obs" "sha256=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
contains "obs: IPv6" "$obs" "ipv6=2001:db8::dead:beef"
contains "obs: CIDR" "$obs" "cidr=192.0.2.0/24"
eq "obs: one URL for two spellings" "$(jqt CSIRT#3 '[.messages[0].observables[] | select(.kind == "url")] | length')" 1
contains "obs: shown defanged (json)" "$(jqt CSIRT#3 '[.messages[0].observables[].defanged] | join(" ")')" "hxxp://evil[.]example[.]com/gate"
contains "obs: shown defanged (text)" "$(mg ticket show CSIRT#3)" "url=hxxp://evil[.]example[.]com/gate"
case "$(mg ticket show CSIRT#3 | grep '^Indicators:')" in
*"http://evil.example.com"*) not_ok "obs: text view shows a live URL" ;;
*) ok "obs: text view never shows a live URL" ;;
esac

msg other@example.net "Re: same host" "We also see evil(dot)example(dot)com and 198.51.100.23." >"$T/obs2.eml"
deliver "$T/obs2.eml" --sender other@example.net
f=$(mg observable find 198.51.100.23 --json)
eq "find: both tickets" "$(printf '%s' "$f" | jq -r '[.mentions[].tag] | join(",")')" "CSIRT#3,CSIRT#4"
eq "find: kind" "$(printf '%s' "$f" | jq -r .kind)" ipv4
eq "find: typed defanged" "$(mg observable find 'evil[.]example[.]com' --json | jq -r '[.mentions[].tag] | unique | join(",")')" "CSIRT#3,CSIRT#4"
eq "find: typed full-width" "$(mg observable find '１９８．５１．１００．２３' --json | jq '.mentions | length')" 2
contains "find: text" "$(mg observable find 198.51.100.23)" "2 mentions"
eq "find: nothing" "$(mg observable find 192.0.2.200 --json | jq '.mentions | length')" 0
mg observable find 'not an indicator' >/dev/null 2>&1
eq "find: not an indicator is a usage error" $? 2

# --- ARF and X-ARF --------------------------------------------------------
# typed by the report's own type; real robots' reports from the corpus too
AB=$CORPUS/abuseio
SI=$CORPUS/sisimai/bsd
while read -r f want; do
	eq "machine report: ${f##*/}" "$(route_of "$f")" "$want"
done <<EOF
$ARF/rfc5965-b1-minimal.eml abuse abusive-content/spam machine-reports
$ARF/rfc5965-b2-optional.eml abuse abusive-content/spam machine-reports
$ARF/rfc6591-auth-failure.eml abuse fraud/masquerade machine-auth-failure
$ARF/arf-base64-part.eml abuse abusive-content/spam machine-reports
$ARF/xarf-v02-login-attack.eml abuse intrusion-attempts/brute-force machine-login-attack
$ARF/xarf-v01-phishing.eml abuse fraud/phishing machine-phishing
$AB/feedback-loop/AOL_example_1.eml abuse abusive-content/spam machine-reports
$AB/feedback-loop/Yahoo_example_1.eml abuse abusive-content/spam machine-reports
$AB/feedback-loop/Comcast_example_2.eml abuse abusive-content/spam machine-reports
$AB/spamexperts/1.eml abuse abusive-content/spam machine-reports
$AB/netcraft/Netcraft_Example_1.eml abuse malicious-code/infected-system machine-malware
$AB/netcraft/Netcraft_Example_3.eml abuse fraud/phishing machine-phishing
$AB/cleanmx/Cleanmx_Example_1.eml abuse information-gathering/scanner machine-scan
$AB/blocklistde/Blocklistde_Example_1.eml abuse abusive-content/spam machine-reports
$SI/arf-01.eml abuse abusive-content/spam machine-reports
$SI/arf-11.eml abuse abusive-content/spam machine-reports
$SI/arf-12.eml abuse abusive-content/spam machine-opt-out
$SI/arf-14.eml abuse abusive-content/spam machine-reports
$SI/arf-18.eml abuse fraud/masquerade machine-auth-failure
$SI/arf-22.eml abuse abusive-content/spam spam-words
$SI/arf-25.eml abuse abusive-content/spam machine-reports
EOF
eq "opt-out: low priority" "$(mg route --explain --json <"$SI/arf-12.eml" | jq -r .priority)" low
obs=$(mg route --explain --json <"$AB/netcraft/Netcraft_Example_3.eml" | jq -r '[.observables[] | .kind + "=" + .value] | join(" ")')
contains "x-arf: the reported URL is an indicator" "$obs" "url=http://customer1.tld/ints.cancellation.form.your.pc.is.now.connected/"
obs=$(mg route --explain --json <"$AB/blocklistde/Blocklistde_Example_1.eml" | jq -r '[.observables[] | .kind + "=" + .value] | join(" ")')
contains "x-arf (X-XARF: PLAIN only): the source" "$obs" "ipv4=10.0.2.150"
before=$(mg outbox list --json | jq length)
deliver "$ARF/rfc5965-b2-optional.eml" --sender arf-robot@example.com
tag=$(mg ticket list --json | jq -r '.[0].tag')
eq "arf: ticket in abuse" "$(jqt "$tag" .queue)" abuse
eq "arf: report format" "$(jqt "$tag" .messages[0].report.format)" arf
contains "arf: feedback type" "$(jqt "$tag" .messages[0].report.feedback_type)" abuse
eq "arf: no acknowledgement" "$(mg outbox list --json | jq length)" "$before"
src=$(jqt "$tag" .messages[0].report.source_ip)
contains "arf: source IP is an observable" "$(jqt "$tag" '[.messages[0].observables[].value] | join(" ")')" "$src"
deliver "$ARF/xarf-v02-login-attack.eml" --sender xarf@example.com
tag=$(mg ticket list --json | jq -r '.[0].tag')
eq "x-arf: ticket in abuse" "$(jqt "$tag" .queue)" abuse
eq "x-arf: format" "$(jqt "$tag" .messages[0].report.format)" x-arf
eq "x-arf: no human-style acknowledgement" "$(mg outbox list --json | jq length)" "$before"
case "$(mg ticket show "$(mg ticket list --json | jq -r '.[1].tag')" | grep -E '^(Report|Indicators):')" in
*http://*|*https://*) not_ok "arf: text view shows a live link" ;;
*) ok "arf: text view shows report fields defanged" ;;
esac
eq "dsn: not a machine report" "$(route_of "$ARF/dsn-delivery-status.eml" | cut -d' ' -f3)" "-"

# a follow-up does not move its ticket: the ticket's queue decides the ack
set_conf ack_followups yes
msg spam@example.net "cheap pills" "buy now" "X-Spam-Flag: YES" "Message-ID: <junk1@example.net>" >"$T/j1.eml"
deliver "$T/j1.eml" --sender spam@example.net
jtag=$(mg ticket list --json | jq -r '.[0].tag')
eq "junk: queue" "$(jqt "$jtag" .queue)" junk
n0=$(mg outbox list --json | jq '[.[] | select(.kind == "ack")] | length')
msg spam@example.net "Re: cheap pills" "more" "In-Reply-To: <junk1@example.net>" "Message-ID: <junk2@example.net>" >"$T/j2.eml"
deliver "$T/j2.eml" --sender spam@example.net
eq "junk: the follow-up joined it" "$(jqt "$jtag" '.messages | length')" 2
eq "junk: no ack to a follow-up either" "$(mg outbox list --json | jq '[.[] | select(.kind == "ack")] | length')" "$n0"
msg other@example.net "Re: same host" "Thanks." "In-Reply-To: <obs1@example.net>" "Message-ID: <f3@example.net>" >"$T/f3.eml"
deliver "$T/f3.eml" --sender analyst@example.net
eq "follow-up in an acked queue: acknowledged (ack_followups)" "$(mg outbox list --json | jq '[.[] | select(.kind == "ack")] | length')" "$((n0 + 1))"
set_conf ack_followups no

# --- ticket set and its audit trail ------------------------------------------
out=$(mg ticket set CSIRT#1 queue=incident type=intrusions/application-compromise tlp=amber priority=urgent status=triage owner=alice)
eq "set: exit 0" $? 0
contains "set: says what changed" "$out" "6 fields changed"
eq "set: queue" "$(jqt CSIRT#1 .queue)" incident
eq "set: TLP canonical" "$(jqt CSIRT#1 .tlp)" "TLP:AMBER"
eq "set: audit records" "$(jqt CSIRT#1 '.audit | length')" 6
eq "set: audit old -> new" "$(jqt CSIRT#1 '.audit[0] | .field + ":" + .old + ">" + .new')" "queue:phishing>incident"
eq "set: audit who" "$(jqt CSIRT#1 '.audit[0].who')" "$(id -un)"
contains "set: shown by ticket show" "$(mg ticket show CSIRT#1)" "queue phishing -> incident"
mg ticket set CSIRT#1 status=triage >/dev/null
eq "set: same value is not a change" "$(jqt CSIRT#1 '.audit | length')" 6
for bad in queue=nosuch type=fraud/nonsense tlp=purple priority=asap status=done nofield=x "owner=$(printf 'a\nb')" queue; do
	mg ticket set CSIRT#1 "$bad" >/dev/null 2>&1
	rc=$?
	eq "set: refuses $(printf '%s' "$bad" | tr '\n' ' ')" $rc 2
done
mg ticket set CSIRT#1 status=resolved queue=nosuch >/dev/null 2>&1
eq "set: nothing written when one value is bad" "$(jqt CSIRT#1 .status)" triage
mg ticket set CSIRT#99 status=resolved >/dev/null 2>&1
eq "set: no such ticket" $? 3
mg ticket set CSIRT#1 owner= >/dev/null
eq "set: empty owner clears it" "$(jqt CSIRT#1 .owner)" null

# --- configuration errors: found at start, the MTA keeps the mail ---------
cp "$CONF" "$T/good.conf"
badconf() {
	cp "$T/good.conf" "$CONF"
	printf '%s\n' "$@" >>"$CONF"
	mg deliver --sender x@example.net <"$T/t1.eml" 2>"$T/err" >/dev/null
	rc=$?
}
badconf '[route broken]' 'subject = (unclosed' 'queue = incident'
eq "conf: bad expression -> 75" $rc 75
contains "conf: names the rule" "$(cat "$T/err")" "[route broken] subject"
badconf '[route r2]' 'keywords = x' 'queue = nosuch'
eq "conf: unknown queue -> 75" $rc 75
badconf '[route r3]' 'keywords = x' 'queue = incident' 'type = made/up'
eq "conf: type outside RSIT -> 75" $rc 75
badconf '[route r4]' 'keywords = x' 'queue = incident' 'colour = red'
eq "conf: unknown key -> 75" $rc 75
badconf '[route to-phishing]' 'queue = incident'
eq "conf: a rule named twice -> 75" $rc 75
badconf '[route r5]' 'keywords = x'
eq "conf: a rule without a queue -> 75" $rc 75
badconf '[queue extra]' 'handlers = not-an-address'
eq "conf: bad handler -> 75" $rc 75
eq "conf: nothing was spooled" "$(find "$INST/spool/new" -type f | wc -l)" 0
cp "$T/good.conf" "$CONF"

# a custom queue and a header rule, first match wins in file order
cat >>"$CONF" <<'EOF'

[queue ics]

[route from-partner]
header = X-Partner-Id: ^P-[0-9]+$
attachment = *.pcap, application/vnd.tcpdump.pcap
queue = ics
type = intrusion-attempts/exploit
tlp = red
EOF
msg x@example.net "sensor data" "pcap attached" "X-Partner-Id: P-42" >"$T/h.eml"
eq "custom rule: not without the attachment" "$(route_of "$T/h.eml" | cut -d' ' -f1)" triage
printf 'From: x@example.net\nTo: csirt@example.org\nSubject: sensor data\nX-Partner-Id: P-42\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nsee pcap\n--b\nContent-Type: application/octet-stream\nContent-Disposition: attachment; filename="dump.PCAP"\nContent-Transfer-Encoding: base64\n\nAAAA\n--b--\n' >"$T/h2.eml"
eq "custom rule: header and attachment" "$(route_of "$T/h2.eml")" "ics intrusion-attempts/exploit from-partner"
eq "custom rule: but the plus-address rule comes first" "$(route_of "$T/h2.eml" csirt+phishing@example.org | cut -d' ' -f1)" phishing

# a runaway expression gives up instead of hanging
cp "$T/good.conf" "$CONF"
printf '\n[route slow]\nbody = (a+)+$\nqueue = junk\n' >>"$CONF"
{ printf 'From: x@example.net\nSubject: s\n\n'; head -c 30000 /dev/zero | tr '\0' a; printf '!\n'; } >"$T/slow.eml"
eq "match limit: gives up, not matched" "$(mg route --explain --json <"$T/slow.eml" | jq -r .queue)" triage
cp "$T/good.conf" "$CONF"

finish
