#!/bin/sh
# demo.sh MADOGUCHI SRCDIR - "make demo": a fresh instance, the sample
# reports of contrib/samples delivered through "madoguchi deliver" as an
# MTA would, then the ticket list and one ticket.
set -eu
MG=$1
SRC=$2
DEMO=${MADOGUCHI_DEMO_DIR:-$PWD/demo}

# gpg-agent's socket lives in the GnuPG home: keep its path short
if [ "$(printf '%s/gnupg/S.gpg-agent.browser' "$DEMO" | wc -c)" -gt 107 ]; then
	DEMO=$(mktemp -d /tmp/madoguchi-demo.XXXXXX)
	echo "(the build path is long; the demo instance goes to $DEMO)"
fi
if [ -d "$DEMO" ]; then
	gpgconf --homedir "$DEMO/gnupg" --kill all >/dev/null 2>&1 || true
	rm -rf "$DEMO"
fi

echo "== madoguchi init $DEMO"
"$MG" init "$DEMO" --name "Demo CSIRT" --address csirt@example.org --tag CSIRT
export MADOGUCHI_CONFIG="$DEMO/madoguchi.conf"
# the demo sends nothing: its relay is a port nobody listens on, so the
# acknowledgements wait in the outbox, where they can be read
sed -i 's|^relay = .*|relay = smtp://127.0.0.1:9|' "$MADOGUCHI_CONFIG"

echo
for f in "$SRC"/contrib/samples/*.eml; do
	sender=$(sed -n 's/^From:.*<\(.*\)>.*/\1/p; s/^From: \([^ <]*@[^ >]*\)$/\1/p' "$f" | head -n 1)
	printf '== madoguchi deliver --sender %s < %s\n' "$sender" "$(basename "$f")"
	"$MG" deliver --sender "$sender" --recipient csirt@example.org <"$f"
	echo "   exit status $?"
done

echo
echo "== madoguchi ticket list"
"$MG" ticket list
echo
echo "== madoguchi ticket show CSIRT#2"
"$MG" ticket show CSIRT#2
echo
echo "== madoguchi route --explain < 02-unauthorised-access-ja.eml   (stores nothing)"
"$MG" route --explain <"$SRC/contrib/samples/02-unauthorised-access-ja.eml"
echo
ip=$("$MG" ticket show CSIRT#1 --json | jq -r '[.messages[].observables[] | select(.kind == "ipv4" or .kind == "domain")][0].value // empty' 2>/dev/null || true)
if [ -n "$ip" ]; then
	echo "== madoguchi observable find $ip"
	"$MG" observable find "$ip"
	echo
fi
echo "== madoguchi ticket set CSIRT#1 status=triage tlp=amber owner=demo"
"$MG" ticket set CSIRT#1 status=triage tlp=amber owner=demo
echo
echo "== madoguchi outbox list   (signed acknowledgements; the relay is down)"
"$MG" outbox list
echo
echo "== madoguchi outbox show 1 --raw | head -n 14"
"$MG" outbox show 1 --raw | head -n 14
echo
echo "The demo instance is $DEMO; try:"
echo "  MADOGUCHI_CONFIG=$DEMO/madoguchi.conf $MG ticket show CSIRT#1 --json"
