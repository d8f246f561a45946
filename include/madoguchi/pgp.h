/*
 * pgp.h - every OpenPGP operation, through gpgme.  No other module sees a
 * gpgme type.
 *
 * gpgme is initialised lazily on first use: its start-up runs gpg to learn
 * its version (about 24 ms), which a message with no OpenPGP in it and
 * nothing to sign must not pay.  Every context uses the instance's own
 * GnuPG home and loopback pinentry: nothing ever prompts.
 */
#ifndef MADOGUCHI_PGP_H
#define MADOGUCHI_PGP_H

#include "madoguchi/err.h"

#define PGP_FPR_MAX	64

/*
 * pgp_team_keygen - create the team key in home: an ed25519 primary key
 * for signing and certifying, a cv25519 subkey for encryption, user ID
 * uid, no passphrase (protect it later with gpg --passwd if wanted).
 * Writes the fingerprint to fpr_r.  MG_ERR_TEMP on any failure.
 */
int	pgp_team_keygen(const char *home, const char *uid,
	    char fpr_r[PGP_FPR_MAX], struct mg_err *err);

#endif
