#!/bin/sh
# install-deps.sh - install everything madoguchi needs to build, test and
# run its demo on Debian 12.  Run as root.  Safe to run again.
#
# libetpan-dev pulls in libcurl4-gnutls-dev; libcurl4-openssl-dev would
# conflict with it, so the GnuTLS flavour is the one named here.  mutt
# makes real PGP/MIME and inline PGP mail for the OpenPGP tests
# (tests/pgp_fixtures.sh).  nettle (SHA-256) and libgpg-error are linked
# directly, so they are named here rather than left to other packages'
# dependencies.  The tests also use jq, sqlite3, python3 (stdlib only),
# procps (pgrep) and coreutils/diffutils from the base system.
#
# postfix runs the loopback integration test (tests/it_postfix.sh) from a
# private configuration directory; the system instance is left
# unconfigured ("No configuration"), so nothing listens on port 25.
set -eu

export DEBIAN_FRONTEND=noninteractive

# Preseed only a fresh install: never change the answer of a configured
# Postfix.
if ! dpkg-query -W -f '${Status}' postfix 2>/dev/null | grep -q 'ok installed'; then
	echo 'postfix postfix/main_mailer_type select No configuration' |
	    debconf-set-selections
fi

# Without systemd (a container), keep maintainer scripts from starting
# daemons: invoke-rc.d honours policy-rc.d exit status 101.  An existing
# policy-rc.d is the administrator's and is left alone.
policy=/usr/sbin/policy-rc.d
if [ ! -d /run/systemd/system ] && [ ! -e "$policy" ]; then
	trap 'rm -f "$policy"' EXIT
	trap 'exit 1' HUP INT TERM
	printf '#!/bin/sh\nexit 101\n' >"$policy"
	chmod 755 "$policy"
fi

apt-get update
apt-get install -y --no-install-recommends \
	ca-certificates \
	build-essential autoconf automake libtool pkg-config make \
	libetpan-dev libgpgme-dev libcurl4-gnutls-dev libsqlite3-dev \
	libinih-dev libjansson-dev libcmocka-dev nettle-dev libgpg-error-dev \
	libpcre2-dev \
	gnupg gpg-agent sqlite3 jq python3 valgrind procps mutt \
	postfix passwd util-linux
