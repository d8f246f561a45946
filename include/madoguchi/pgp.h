/*
 * pgp.h - every OpenPGP operation, through gpgme.  No other module sees a
 * gpgme type.
 *
 * Two GnuPG homes: the team's (its secret keys; decryption and signing)
 * and the correspondents' keyring (reporters' public keys, imported from
 * attachments and Autocrypt headers; verification).  Keeping them apart
 * means a key sent by a stranger never lands next to the team's secrets.
 * Both homes get a gpg.conf that forbids every network look-up (no
 * keyserver, WKD or auto-key-locate: a sender-chosen domain must not learn
 * that we read its mail).
 *
 * gpgme is initialised lazily by pgp_open: its start-up runs gpg to learn
 * its version (about 5 ms), which a message with no OpenPGP in it must
 * not pay.  Decryption and verification run in the team home, which
 * reads the correspondents' keyring too (see pgp_homes_setup); imports
 * alone are written to the keyring home.  Every context uses loopback pinentry: nothing ever prompts; a
 * passphrase, if any, comes from a file and is never logged.
 *
 * Verdicts start from "bad" and are upgraded only on positive evidence:
 * a signature by a key we do not hold is PGP_SIG_UNKNOWN_KEY, never good.
 *
 * Failures: MG_ERR_PERM when the input is at fault (not encrypted to us,
 * corrupt, no integrity protection) - retrying will not help; MG_ERR_TEMP
 * when the engine is unavailable (gpg missing, agent cannot start, home
 * unreadable) - the message must wait in the spool.
 */
#ifndef MADOGUCHI_PGP_H
#define MADOGUCHI_PGP_H

#include <stddef.h>

#include "madoguchi/buf.h"
#include "madoguchi/err.h"

#define PGP_FPR_MAX	64

enum pgp_sig_status {
	PGP_SIG_NONE = 0,	/* no signature */
	PGP_SIG_GOOD,		/* valid, by a key in the correspondents' keyring */
	PGP_SIG_BAD,		/* does not verify, or a forbidden digest (MD5) */
	PGP_SIG_EXPIRED,	/* signature or key expired */
	PGP_SIG_REVOKED,	/* key revoked */
	PGP_SIG_UNKNOWN_KEY	/* made by a key we do not hold */
};

struct pgp_sig {
	enum pgp_sig_status status;
	char	fpr[PGP_FPR_MAX];	/* signer's fingerprint (or key id) */
	int	weak_digest;		/* made over SHA-1: verdict kept, flagged */
	int	unchecked;		/* signed content over the limit: not
					   verified (status NONE) */
};

/* pgp_sig_str - "none", "good", "bad", "expired", "revoked", "unknown-key" */
const char *pgp_sig_str(enum pgp_sig_status s);

struct pgp;

/*
 * pgp_prepare - start gpgme's start-up probe in a thread, for a process
 * that will probably need OpenPGP soon (a report to acknowledge, a message
 * with OpenPGP in it): the probe overlaps the parsing and storing.
 * pgp_open waits for it; pgp_prepare_end waits if nothing used it.
 */
void	pgp_prepare(void);
void	pgp_prepare_end(void);

/*
 * pgp_open - a handle on the team home and the correspondents' keyring
 * (created 0700 if missing).  passphrase_file may be NULL (unprotected
 * team key); if given it must be a regular file, mode 0600 or stricter,
 * owned by us, else MG_ERR_TEMP.  Free with pgp_close.
 */
int	pgp_open(const char *team_home, const char *keyring_home,
	    const char *passphrase_file, struct pgp **pgp_r,
	    struct mg_err *err);
void	pgp_close(struct pgp **pgp);

/*
 * pgp_decrypt - decrypt an OpenPGP message (armored or binary) with any of
 * the team's secret keys (chosen from the ciphertext, not from any header)
 * and append the plaintext to out.  A signature inside (sign+encrypt) is
 * verified against the correspondents' keyring into *sig (PGP_SIG_NONE if
 * unsigned).  A message without integrity protection (no MDC) is refused,
 * never shown (MG_ERR_PERM).
 */
int	pgp_decrypt(struct pgp *p, const char *in, size_t len, struct buf *out,
	    struct pgp_sig *sig, struct mg_err *err);

/* pgp_verify_detached - signature sig over exactly data[0..len) */
int	pgp_verify_detached(struct pgp *p, const char *data, size_t len,
	    const char *sig, size_t siglen, struct pgp_sig *res,
	    struct mg_err *err);

/*
 * pgp_verify_opaque - a clearsigned text or a signed (not encrypted)
 * OpenPGP message: appends the signed content to out and sets *res.  If
 * the content does not fit in out, what fits is kept and res->unchecked
 * is set (status NONE: no verdict could be reached).
 */
int	pgp_verify_opaque(struct pgp *p, const char *in, size_t len,
	    struct buf *out, struct pgp_sig *res, struct mg_err *err);

/*
 * pgp_import_for - import the public keys in data (armored or binary) into
 * the correspondents' keyring, keeping only keys with a user ID whose
 * address is addr (case-insensitive); secret keys are never imported.
 * Returns the number of keys kept (0 if none), -1 on error.  The
 * fingerprint of the first kept key is written to fpr_r if not NULL.
 */
int	pgp_import_for(struct pgp *p, const char *data, size_t len,
	    const char *addr, char fpr_r[PGP_FPR_MAX], struct mg_err *err);

/*
 * pgp_sign_detached - a detached, armored signature by the team key
 * signer (a fingerprint) over data[0..len), appended to sig; micalg gets
 * the RFC 3156 name of the digest used ("pgp-sha256"), taken from the
 * result, never assumed.  MG_ERR_TEMP on any failure (our key, our agent).
 */
int	pgp_sign_detached(struct pgp *p, const char *signer, const char *data,
	    size_t len, struct buf *sig, char micalg[32], struct mg_err *err);

/*
 * pgp_encrypt_sign - data signed by signer and encrypted, in one OpenPGP
 * message (RFC 3156 section 6.2), armored, appended to out.  Encrypted to
 * rcpt and to the signer too, so the team can read its own sent copy.
 */
int	pgp_encrypt_sign(struct pgp *p, const char *signer, const char *rcpt,
	    const char *data, size_t len, struct buf *out, struct mg_err *err);

/*
 * pgp_key_for - the fingerprint of a usable encryption key for addr in the
 * correspondents' keyring (a user ID with exactly that address, not
 * revoked, expired or disabled): 1, 0 if none, -1 (MG_ERR_TEMP).
 */
int	pgp_key_for(struct pgp *p, const char *addr, char fpr_r[PGP_FPR_MAX],
	    struct mg_err *err);

/*
 * pgp_key_usable - is the key with this full fingerprint (in the team
 * home or the keyring) there and able to encrypt (not revoked, expired or
 * disabled)?  1, 0, -1 (MG_ERR_TEMP).  For keys an administrator pinned
 * by fingerprint, such as handlers' keys: no user ID is consulted.
 */
int	pgp_key_usable(struct pgp *p, const char *fpr, struct mg_err *err);

/*
 * pgp_team_keygen - create the team key in home: an ed25519 primary key
 * for signing and certifying, a cv25519 subkey for encryption, user ID
 * uid, no passphrase (protect it later with gpg --passwd if wanted).
 * Writes the fingerprint to fpr_r.  MG_ERR_TEMP on any failure.
 */
int	pgp_team_keygen(const char *home, const char *uid,
	    char fpr_r[PGP_FPR_MAX], struct mg_err *err);

/*
 * pgp_home_setup - write the no-network gpg.conf (and gpg-agent.conf
 * allowing loopback pinentry) into home, 0600.
 */
int	pgp_home_setup(const char *home, struct mg_err *err);

/*
 * pgp_homes_setup - pgp_home_setup for both homes, and the team home's
 * gpg.conf naming the correspondents' keyring as a read-only extra
 * keyring, so that one gpg run decrypts and verifies.  init and pgp_open
 * call it; it writes only what is missing.
 */
int	pgp_homes_setup(const char *team_home, const char *keyring_home,
	    struct mg_err *err);

#endif
