# postfix_lib.sh - a private Postfix on loopback for integration tests.
# Sourced after tests/lib.sh (POSIX sh); needs root, as Postfix does.
#
# pf_start runs Debian's Postfix from its own configuration, queue and data
# directories under $T, listening on 127.0.0.1:$PF_PORT only:
#   csirt.test     every address piped to "madoguchi deliver" of the current
#                  instance ($CONF) as user $PF_USER, through the service
#                  and main.cf lines of contrib/postfix/
#   reporter.test  one virtual(8) Maildir, $PF_MAIL/reporters/, for every
#                  address (virtual(8) refuses per-address paths made by
#                  regexp substitution); pf_wait_mail picks by Delivered-To
#   anything else  bounced (default_transport = error): nothing leaves.
# /etc/postfix is neither read nor changed: root may name any directory
# with -c.  Non-root postqueue and postdrop (sendmail) would need it listed
# in /etc/postfix/main.cf (alternate_config_directories), so run them as
# root, and give madoguchi "relay = smtp://127.0.0.1:$PF_PORT".  Tests may
# run in parallel: each has its own port, directories, master.pid and
# master.lock; the only shared things are the users.

PATH=$PATH:/usr/sbin:/sbin
PF_USER=mgtest
PF=$T/postfix
PF_ETC=$PF/etc
PF_LOG=$PF/maillog
PF_MAIL=$T/mail
PF_PORT=
pf_master=

# pf_need: fail (not skip) when something is missing, and say how to fix it
pf_need() {
	pf_missing=
	for pf_c in postfix postconf postmap postqueue python3 runuser useradd; do
		command -v "$pf_c" >/dev/null 2>&1 || pf_missing="$pf_missing $pf_c"
	done
	if [ -n "$pf_missing" ]; then
		not_ok "missing:$pf_missing; run contrib/install-deps.sh as root (it installs postfix)"
		return 1
	fi
	if [ "$(id -u)" != 0 ]; then
		not_ok "the Postfix tests must run as root (Postfix's master needs it)"
		return 1
	fi
	if [ -z "${CONF:-}" ] || [ -z "${INST:-}" ]; then
		not_ok "pf_start: call new_instance first"
		return 1
	fi
}

# pf_user: the unprivileged user of the pipe and of the Maildirs; a
# parallel test may hold the passwd lock or win the race: try again
pf_user() {
	for pf_i in 1 2 3 4 5 6 7 8 9 10; do
		id "$PF_USER" >/dev/null 2>&1 && return 0
		useradd --system --user-group --no-create-home \
		    --home-dir /nonexistent --shell /usr/sbin/nologin \
		    "$PF_USER" >/dev/null 2>&1 && return 0
		sleep 0.5
	done
	return 1
}

# pf_until TIMEOUT COMMAND...: run COMMAND every 0.2 s until it succeeds;
# fail after TIMEOUT seconds
pf_until() {
	pf_end=$(($(date +%s) + $1))
	shift
	until "$@"; do
		[ "$(date +%s)" -lt "$pf_end" ] || return 1
		sleep 0.2
	done
}

pf_free_port() {
	python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# pf_write_config: main.cf, master.cf and maps for $PF_PORT
pf_write_config() {
	pf_uid=$(id -u "$PF_USER")
	pf_gid=$(id -g "$PF_USER")
	cat >"$PF_ETC/main.cf" <<EOF
# written by tests/postfix_lib.sh
compatibility_level = 3.6
queue_directory = $PF/spool
data_directory = $PF/data
mail_owner = postfix
setgid_group = postdrop
syslog_name = postfix-mgtest
maillog_file = $PF_LOG
maillog_file_prefixes = $T

myhostname = mx.test
mydomain = mx.test
myorigin = \$myhostname
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_banner = \$myhostname ESMTP
smtpd_peername_lookup = no
smtp_dns_support_level = disabled
lmtp_dns_support_level = disabled
biff = no
alias_maps =
alias_database =
local_recipient_maps =
default_transport = error:5.7.1 the test Postfix sends nothing off this host

# fast retries
queue_run_delay = 2s
minimal_backoff_time = 2s
maximal_backoff_time = 4s

# the team: any address, through contrib's transport lines below
relay_domains = csirt.test

# the reporters
virtual_mailbox_domains = reporter.test
virtual_mailbox_base = $PF_MAIL
virtual_mailbox_maps = static:reporters/
virtual_uid_maps = static:$pf_uid
virtual_gid_maps = static:$pf_gid
virtual_minimum_uid = $pf_uid
# as contrib/postfix/main.cf says: not below its message_size_limit
virtual_mailbox_limit = 0

EOF
	sed "s|/etc/postfix/transport|$PF_ETC/transport|g" \
	    "$top_srcdir/contrib/postfix/main.cf" >>"$PF_ETC/main.cf"

	cat >"$PF_ETC/master.cf" <<EOF
# written by tests/postfix_lib.sh; no chroot: nothing is copied into the queue
127.0.0.1:$PF_PORT inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
virtual   unix  -       n       n       -       -       virtual
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF
	# contrib's service, with this test's user, binary and instance
	sed -e '/^#/d' -e '/^[[:space:]]*$/d' \
	    -e "s|user=madoguchi|user=$PF_USER|" \
	    -e "s|/usr/local/bin/madoguchi|$pf_bin|" \
	    -e "s|/var/lib/madoguchi/madoguchi.conf|$CONF|" \
	    "$top_srcdir/contrib/postfix/master.cf" >>"$PF_ETC/master.cf"
	if ! grep -q "user=$PF_USER" "$PF_ETC/master.cf" ||
	    ! grep -qF -- "-c $CONF deliver" "$PF_ETC/master.cf"; then
		not_ok "contrib/postfix/master.cf no longer has the expected user= and argv= (update tests/postfix_lib.sh)"
		return 1
	fi

	{
		sed -e '/^#/d' -e 's/example\.org/csirt.test/g' \
		    "$top_srcdir/contrib/postfix/transport"
		printf 'csirt.test\tmadoguchi:\n'
	} >"$PF_ETC/transport"
	postmap -c "$PF_ETC" "hash:$PF_ETC/transport"
}

# pf_start: start the private Postfix; sets PF_PORT
pf_start() {
	pf_need || return 1
	if ! pf_user; then
		not_ok "cannot create user $PF_USER"
		return 1
	fi
	# the pipe user and virtual(8) reach into $T by absolute paths
	chmod 711 "$T"
	mkdir -p "$PF_ETC" "$PF/spool" "$PF/data" "$PF_MAIL"
	chown postfix: "$PF/data"
	chmod 700 "$PF/data"
	chown "$PF_USER:" "$PF_MAIL"
	chown -R "$PF_USER:" "$INST"
	# a build tree the user cannot reach (mktemp -d is 0700): use a copy
	pf_bin=$MADOGUCHI
	if ! runuser -u "$PF_USER" -- test -x "$pf_bin"; then
		mkdir -p "$T/bin"
		cp "$MADOGUCHI" "$T/bin/madoguchi"
		chmod 755 "$T/bin" "$T/bin/madoguchi"
		pf_bin=$T/bin/madoguchi
	fi
	# a free port may be taken before master binds it: try a few
	for pf_try in 1 2 3 4 5; do
		PF_PORT=$(pf_free_port) && pf_write_config || return 1
		if postfix -c "$PF_ETC" start >"$PF/start.log" 2>&1; then
			pf_master=$(sed -n '1s/ //gp' "$PF/spool/pid/master.pid")
			export PF_PORT
			return 0
		fi
		grep -q 'in use' "$PF/start.log" "$PF_LOG" 2>/dev/null || break
	done
	sed 's/^/# /' "$PF/start.log"
	pf_log
	not_ok "postfix -c $PF_ETC start"
	return 1
}

# pf_stop: stop it and wait; kill the master if it will not go
pf_stop() {
	[ -n "$pf_master" ] || return 0
	postfix -c "$PF_ETC" stop >/dev/null 2>&1
	pf_until 10 pf_master_gone || kill -KILL "$pf_master" 2>/dev/null
	pf_master=
}

pf_master_gone() {
	! kill -0 "$pf_master" 2>/dev/null
}

# pf_submit FROM RCPT FILE: send FILE by SMTP ("" is the null sender)
pf_submit() {
	python3 "$top_srcdir/tests/smtp_submit.py" "$PF_PORT" "$1" "$2" "$3"
}

# pf_queue: the queue as postqueue -j prints it, one JSON object a message
pf_queue() {
	postqueue -c "$PF_ETC" -j
}

pf_queue_empty() {
	pf_q=$(pf_queue) && [ -z "$pf_q" ]
}

# pf_wait_queue_empty [TIMEOUT]: every message delivered or bounced
pf_wait_queue_empty() {
	pf_until "${1:-30}" pf_queue_empty
}

# pf_flush: retry every deferred message now
pf_flush() {
	postqueue -c "$PF_ETC" -f
}

# pf_mail_to ADDRESS: the reporters' messages delivered to ADDRESS, oldest
# first, by the Delivered-To header virtual(8) adds
pf_mail_to() {
	ls -tr "$PF_MAIL/reporters/new" 2>/dev/null | while read -r pf_f; do
		sed '/^$/q' "$PF_MAIL/reporters/new/$pf_f" |
		    grep -qixF "Delivered-To: $1" &&
		    printf '%s\n' "$PF_MAIL/reporters/new/$pf_f"
	done
}

pf_nmail() {
	[ "$(pf_mail_to "$1" | wc -l)" -ge "$2" ]
}

# pf_wait_mail LOCALPART|ADDRESS [TIMEOUT] [N]: wait until the address
# (LOCALPART@reporter.test) has N messages (default 1) and print the path
# of the Nth to arrive
pf_wait_mail() {
	case $1 in
	*@*) pf_a=$1 ;;
	*) pf_a=$1@reporter.test ;;
	esac
	pf_until "${2:-30}" pf_nmail "$pf_a" "${3:-1}" || return 1
	pf_mail_to "$pf_a" | sed -n "${3:-1}p"
}

# pf_log: the mail log, as comments in the test's output
pf_log() {
	[ -f "$PF_LOG" ] && sed 's/^/# /' "$PF_LOG"
	return 0
}

# On any exit: show the log if a check failed, stop Postfix, then lib.sh's
# cleanup.  dash runs the EXIT trap on signals only if they call exit.
pf_exit() {
	if [ "$failed" -ne 0 ] && [ -f "$PF_LOG" ]; then
		echo "# --- maillog ($PF_LOG) ---"
		pf_log | tail -n 200
	fi
	pf_stop
	cleanup
}
trap pf_exit EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
