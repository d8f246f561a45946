/*
 * pgp.c - OpenPGP through gpgme (see pgp.h).
 *
 * Reports failures as MG_ERR_TEMP: an engine that cannot start is our
 * outage, never the sender's fault.
 */
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <gpgme.h>

#include "madoguchi/pgp.h"

static int pgp_ready;

static int
pgp_init(struct mg_err *err)
{
	gpgme_error_t e;

	if (pgp_ready)
		return 0;
	/* gpgme_check_version must precede every other gpgme call */
	if (gpgme_check_version("1.18.0") == NULL) {
		mg_err_set(err, MG_ERR_TEMP, "gpgme 1.18 or later required");
		return -1;
	}
	gpgme_set_locale(NULL, LC_CTYPE, setlocale(LC_CTYPE, NULL));
	e = gpgme_engine_check_version(GPGME_PROTOCOL_OpenPGP);
	if (e != 0) {
		mg_err_set(err, MG_ERR_TEMP, "OpenPGP engine: %s",
		    gpgme_strerror(e));
		return -1;
	}
	pgp_ready = 1;
	return 0;
}

static int
pgp_ctx(const char *home, gpgme_ctx_t *ctx_r, struct mg_err *err)
{
	gpgme_ctx_t ctx = NULL;
	gpgme_error_t e;

	if (pgp_init(err) != 0)
		return -1;
	if ((e = gpgme_new(&ctx)) != 0 ||
	    (e = gpgme_ctx_set_engine_info(ctx, GPGME_PROTOCOL_OpenPGP, NULL,
	    home)) != 0 ||
	    (e = gpgme_set_pinentry_mode(ctx,
	    GPGME_PINENTRY_MODE_LOOPBACK)) != 0) {
		mg_err_set(err, MG_ERR_TEMP, "gpgme context: %s",
		    gpgme_strerror(e));
		gpgme_release(ctx);
		return -1;
	}
	*ctx_r = ctx;
	return 0;
}

int
pgp_team_keygen(const char *home, const char *uid, char fpr_r[PGP_FPR_MAX],
    struct mg_err *err)
{
	gpgme_ctx_t ctx = NULL;
	gpgme_genkey_result_t gr;
	gpgme_key_t key = NULL;
	gpgme_error_t e;
	int rc = -1;

	if (pgp_ctx(home, &ctx, err) != 0)
		return -1;
	e = gpgme_op_createkey(ctx, uid, "ed25519", 0, 0, NULL,
	    GPGME_CREATE_SIGN | GPGME_CREATE_CERT | GPGME_CREATE_NOPASSWD |
	    GPGME_CREATE_FORCE);
	if (e != 0 || (gr = gpgme_op_genkey_result(ctx)) == NULL ||
	    gr->fpr == NULL) {
		mg_err_set(err, MG_ERR_TEMP, "creating the team key: %s",
		    e ? gpgme_strerror(e) : "no fingerprint");
		goto out;
	}
	(void)snprintf(fpr_r, PGP_FPR_MAX, "%s", gr->fpr);
	if ((e = gpgme_get_key(ctx, fpr_r, &key, 1)) != 0) {
		mg_err_set(err, MG_ERR_TEMP, "reading the new key: %s",
		    gpgme_strerror(e));
		goto out;
	}
	e = gpgme_op_createsubkey(ctx, key, "cv25519", 0, 0,
	    GPGME_CREATE_ENCR | GPGME_CREATE_NOPASSWD);
	if (e != 0) {
		mg_err_set(err, MG_ERR_TEMP, "creating the encryption "
		    "subkey: %s", gpgme_strerror(e));
		goto out;
	}
	rc = 0;
out:
	gpgme_key_unref(key);
	gpgme_release(ctx);
	return rc;
}
