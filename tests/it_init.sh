#!/bin/sh
# it_init.sh - "madoguchi init" makes a complete, private instance, and
# -c / MADOGUCHI_CONFIG choose between instances.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

new_instance one --name "Test CSIRT" --address csirt@test.example --tag TST || exit 1

check "madoguchi.conf exists" test -f "$INST/madoguchi.conf"
eq "conf is 0600" "$(stat -c %a "$INST/madoguchi.conf")" 600
eq "database is 0600" "$(stat -c %a "$INST/madoguchi.db")" 600
eq "instance folder is 0700" "$(stat -c %a "$INST")" 700
for d in spool spool/new spool/cur spool/tmp spool/quarantine spool/meta gnupg keyring templates; do
	eq "$d is 0700" "$(stat -c %a "$INST/$d")" 700
done

# every key is present and has a comment line right above it (the
# queues and rules that follow are commented as a whole)
awk '/^\[(queue|route) /{ exit } /^[a-z_]+ = /{ if (prev !~ /^;/) bad++ ; n++ } { prev = $0 }
     END { exit (n >= 17 && bad == 0) ? 0 : 1 }' "$CONF"
check "every key commented" test $? -eq 0
for k in name address tag key languages passphrase_file database spool gnupg keyring templates \
    max_message_size max_attempts max_mime_depth max_parts max_header_size \
    max_text_size; do
	check "key $k present" grep -q "^$k = " "$CONF"
done
eq "tag written" "$(sed -n 's/^tag = //p' "$CONF")" TST

# the team key: ed25519 primary (algo 22) for signing, cv25519 subkey (algo 18) for encryption
fpr=$(sed -n 's/^key = //p' "$CONF")
check "key fingerprint recorded" test "${#fpr}" -eq 40
cols=$(gpg --homedir "$INST/gnupg" --batch --with-colons --list-secret-keys "$fpr" 2>/dev/null)
contains "secret primary is ed25519" "$(echo "$cols" | grep '^sec' | cut -d: -f4,12,17)" "22:"
contains "primary signs and certifies" "$(echo "$cols" | grep '^sec' | cut -d: -f12)" "s"
contains "primary curve" "$(echo "$cols" | grep '^sec' | cut -d: -f17)" "ed25519"
contains "subkey is cv25519" "$(echo "$cols" | grep '^ssb' | cut -d: -f4,12,17)" "18:e:cv25519"
contains "uid" "$(echo "$cols" | grep '^uid' | cut -d: -f10)" "Test CSIRT <csirt@test.example>"
# GnuPG never reaches the network on its own
for h in gnupg keyring; do
	check "$h: gpg.conf forbids key look-ups" grep -q "^no-auto-key-retrieve" "$INST/$h/gpg.conf"
	eq "$h: gpg.conf is 0600" "$(stat -c %a "$INST/$h/gpg.conf")" 600
done
check "no passphrase on the demo key" gpg --homedir "$INST/gnupg" --batch \
    --pinentry-mode loopback --passphrase '' --yes -o /dev/null --sign "$CONF"

# refuses to overwrite an instance
if "$MADOGUCHI" init "$INST" >/dev/null 2>&1; then
	not_ok "second init refused"
else
	ok "second init refused"
fi

# -c and MADOGUCHI_CONFIG select the instance
first=$CONF
new_instance two || exit 1
second=$CONF
msg alice@example.net "one" "to the first" | "$MADOGUCHI" -c "$first" deliver
eq "deliver with -c" $? 0
msg bob@example.net "two" "to the second" | MADOGUCHI_CONFIG="$second" "$MADOGUCHI" deliver
eq "deliver with MADOGUCHI_CONFIG" $? 0
eq "first got its message" "$("$MADOGUCHI" -c "$first" ticket list --json | jq -r '.[].subject')" one
eq "second got its message" "$(MADOGUCHI_CONFIG="$second" "$MADOGUCHI" ticket list --json | jq -r '.[].subject')" two
eq "-c wins over the environment" \
    "$(MADOGUCHI_CONFIG="$second" "$MADOGUCHI" -c "$first" ticket list --json | jq -r '.[].subject')" one

# a broken configuration is a temporary failure for the MTA, never a bounce
CONF=$second
cp "$CONF" "$T/good.conf"
echo "bogus_key = 1" >>"$CONF"
msg carol@example.net "x" "y" | mg deliver 2>/dev/null
eq "unknown key: deliver exits 75" $? 75
cp "$T/good.conf" "$CONF"
set_conf max_attempts 0
msg carol@example.net "x" "y" | mg deliver 2>/dev/null
eq "out-of-range value: deliver exits 75" $? 75
msg carol@example.net "x" "y" | "$MADOGUCHI" -c "$T/nonexistent.conf" deliver 2>/dev/null
eq "missing configuration: deliver exits 75" $? 75
"$MADOGUCHI" -c "$T/nonexistent.conf" deliver --bogus </dev/null 2>/dev/null
eq "bad deliver arguments: 75" $? 75
cp "$T/good.conf" "$CONF"

finish
