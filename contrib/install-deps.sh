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
set -eu

export DEBIAN_FRONTEND=noninteractive

apt-get update
apt-get install -y --no-install-recommends \
	ca-certificates \
	build-essential autoconf automake libtool pkg-config make \
	libetpan-dev libgpgme-dev libcurl4-gnutls-dev libsqlite3-dev \
	libinih-dev libjansson-dev libcmocka-dev nettle-dev libgpg-error-dev \
	gnupg gpg-agent sqlite3 jq python3 valgrind procps mutt
