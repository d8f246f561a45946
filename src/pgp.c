/*
 * pgp.c - OpenPGP through gpgme (see pgp.h): decryption with the team's
 * keys, verification and key import against the correspondents' keyring,
 * the no-network configuration of both GnuPG homes, team key generation.
 *
 * What it never does: let gpg reach the network (gpg.conf forbids it and
 * every context runs offline), prompt (loopback pinentry, a passphrase only
 * from a file, at most once per operation), log or keep a passphrase or a
 * plaintext in memory it frees without wiping, show plaintext from a
 * message without integrity protection, call a signature good without
 * positive evidence, or keep a stranger's key or any secret key in the
 * correspondents' keyring.
 *
 * One gpg run per operation, and as few gpg start-ups as gpgme allows:
 * each costs about 5 ms, more than the rest of a delivery.  The team
 * home's gpg.conf names the correspondents' keyring as an extra, read-only
 * keyring, so decryption and verification are one decrypt-verify run in
 * the team home; imports alone run in the keyring home, so a stranger's
 * key is never written next to the team's secrets.  gpgme's start-up
 * probes every engine it knows (gpgconf three times, gpgsm, gpg) and
 * probes gpg again for each context given a home directory; we disable
 * gpgconf (OpenPGP is all we use), leaving one "gpg --version", and pass
 * the team home as GNUPGHOME in the environment gpg inherits.
 *
 * Errors: gpgme's return codes are not enough to tell the sender's fault
 * from ours.  A full status callback records what gpg actually said (and
 * gpg's diagnostics show it ran at all: gpgme ignores gpg's exit status,
 * so a missing gpg "verifies" to success with no signature), and
 * classify() decides: a failure is MG_ERR_PERM only when gpg ran and
 * rejected the input with one of the codes in input_error(); everything
 * else (gpg silent or missing, agent, passphrase, system errors, codes we
 * do not know) is MG_ERR_TEMP so the message waits in the spool.  "No
 * secret key" is PERM only once the agent has shown it holds a team
 * secret key and none of the message's recipients is one of ours.
 */
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <gpgme.h>

#include "madoguchi/pgp.h"
#include "madoguchi/util.h"
#include "madoguchi/xalloc.h"

#define PASS_MAX	1024		/* bytes in a passphrase file */

/* what gpg said during one operation (status lines) */
#define ST_RAN		0x01	/* gpg ran: a status line or a diagnostic */
#define ST_PLAINTEXT	0x02	/* literal data was output */
#define ST_DECRYPT_OK	0x04	/* DECRYPTION_OKAY */
#define ST_INTEGRITY	0x08	/* MDC or AEAD protected (DECRYPTION_INFO) */
#define ST_ENCRYPTED	0x10	/* the input holds encrypted data */
#define ST_SESSION_KEY	0x20	/* a team key opened the session key */
#define ST_DATA_BAD	0x40	/* BADMDC or DECRYPTION_FAILED */

struct pgp {
	gpgme_ctx_t	 team;		/* team home: decrypt, verify */
	gpgme_ctx_t	 keys;		/* keyring home: import (made lazily) */
	char		*team_home;
	char		*keyring_home;
	char		*pass;		/* NULL: no passphrase file */
	size_t		 passlen;
	int		 pass_asked;	/* callback calls in this operation */
	int		 st;		/* ST_* of the current operation */
};

/* an output gpgme_data_t that wipes what it lets go of, with a cap */
struct sink {
	char	*data;
	size_t	 len;
	size_t	 cap;
	size_t	 max;
	int	 over;			/* gpg wrote more than max */
};

static const char *const gpg_conf_lines[] = {
	"no-auto-key-retrieve",
	"no-auto-key-import",
	"auto-key-locate clear,local",	/* clear: also an earlier wkd */
	"keyserver-options no-auto-key-retrieve",
	"disable-dirmngr",
	"trust-model always",
	NULL
};
static const char *const agent_conf_lines[] = {
	"allow-loopback-pinentry",
	NULL
};

static int pgp_ready;

const char *
pgp_sig_str(enum pgp_sig_status s)
{
	static const char *const names[] = { "none", "good", "bad",
	    "expired", "revoked", "unknown-key" };

	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] :
	    "bad";
}

/* --- engine and contexts ------------------------------------------------ */

static int
pgp_init_now(struct mg_err *err)
{
	gpgme_error_t e;

	if (pgp_ready)
		return 0;
	/* before gpgme_check_version; fails harmlessly if gpgme was started */
	(void)gpgme_set_global_flag("disable-gpgconf", "1");
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

/*
 * The start-up probe ("gpg --version", ~5 ms) may run in a thread while
 * the message is parsed and stored (pgp_prepare); the first real use
 * waits for it.  Nothing else calls gpgme meanwhile.
 */
static pthread_t prep_thread;
static int prep_started, prep_rc;
static struct mg_err prep_err;

static void *
prep_main(void *arg)
{
	(void)arg;
	prep_rc = pgp_init_now(&prep_err);
	return NULL;
}

void
pgp_prepare(void)
{
	if (pgp_ready || prep_started)
		return;
	mg_err_clear(&prep_err);
	if (pthread_create(&prep_thread, NULL, prep_main, NULL) == 0)
		prep_started = 1;
}

void
pgp_prepare_end(void)
{
	if (prep_started) {
		(void)pthread_join(prep_thread, NULL);
		prep_started = 0;
	}
}

static int
pgp_init(struct mg_err *err)
{
	if (prep_started) {
		pgp_prepare_end();
		if (prep_rc != 0) {
			*err = prep_err;
			return -1;
		}
	}
	return pgp_init_now(err);
}

/* status_cb - remember what gpg reported; never cancels */
static gpgme_error_t
status_cb(void *hook, const char *kw, const char *args)
{
	static const struct { const char *kw; int st; } map[] = {
		{ "PLAINTEXT", ST_PLAINTEXT },
		{ "DECRYPTION_OKAY", ST_DECRYPT_OK },
		{ "DECRYPTION_KEY", ST_SESSION_KEY },
		{ "BADMDC", ST_DATA_BAD },
		{ "DECRYPTION_FAILED", ST_DATA_BAD },
		{ "ENC_TO", ST_ENCRYPTED },
		{ "BEGIN_DECRYPTION", ST_ENCRYPTED },
	};
	struct pgp *p = hook;
	unsigned mdc = 0, sym = 0, aead = 0;
	size_t i;

	if (kw == NULL || *kw == '\0')
		return 0;
	p->st |= ST_RAN;
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(kw, map[i].kw) == 0)
			p->st |= map[i].st;
	/* "DECRYPTION_INFO <mdc_method> <sym_algo> [<aead_algo>]" */
	if (strcmp(kw, "DECRYPTION_INFO") == 0 && args != NULL &&
	    sscanf(args, "%u %u %u", &mdc, &sym, &aead) >= 2 &&
	    (mdc != 0 || aead != 0))
		p->st |= ST_INTEGRITY;
	return 0;
}

/* pass_cb - the passphrase file's content, once per operation */
static gpgme_error_t
pass_cb(void *hook, const char *uid_hint, const char *info, int prev_bad,
    int fd)
{
	struct pgp *p = hook;

	(void)uid_hint;
	(void)info;
	if (p->pass == NULL || prev_bad || p->pass_asked++ > 0)
		return gpg_error(GPG_ERR_CANCELED);	/* never loop */
	if (gpgme_io_writen(fd, p->pass, p->passlen) != 0 ||
	    gpgme_io_writen(fd, "\n", 1) != 0)
		return gpg_error_from_syserror();
	return 0;
}

/*
 * pgp_ctx - a context: loopback pinentry, offline, no key fetch.  home
 * NULL: the team home, through GNUPGHOME (see team_env); else home is set
 * on the context, which costs gpgme one more gpg start-up.
 */
static int
pgp_ctx(const char *home, struct pgp *p, gpgme_ctx_t *ctx_r,
    struct mg_err *err)
{
	gpgme_ctx_t ctx = NULL;
	gpgme_engine_info_t ei;
	gpgme_error_t e;
	char *gpg = NULL;

	*ctx_r = NULL;
	if (pgp_init(err) != 0)
		return -1;
	if ((e = gpgme_new(&ctx)) != 0)
		goto fail;
	if (home != NULL) {
		/* keep the engine gpgme is configured with (NULL: built-in) */
		for (ei = gpgme_ctx_get_engine_info(ctx); ei != NULL;
		    ei = ei->next)
			if (ei->protocol == GPGME_PROTOCOL_OpenPGP &&
			    ei->file_name != NULL)
				gpg = xstrdup(ei->file_name);
		e = gpgme_ctx_set_engine_info(ctx, GPGME_PROTOCOL_OpenPGP,
		    gpg, home);
		free(gpg);
		if (e != 0)
			goto fail;
	}
	if ((e = gpgme_set_pinentry_mode(ctx,
	    GPGME_PINENTRY_MODE_LOOPBACK)) != 0)
		goto fail;
	gpgme_set_offline(ctx, 1);	/* --disable-dirmngr, as in gpg.conf */
	e = gpgme_set_ctx_flag(ctx, "auto-key-retrieve", "0");
	if (e != 0 && gpg_err_code(e) != GPG_ERR_UNKNOWN_NAME)
		goto fail;
	if (p != NULL) {
		/* "full-status": every status line, not only a few */
		if ((e = gpgme_set_ctx_flag(ctx, "full-status", "1")) != 0)
			goto fail;
		gpgme_set_status_cb(ctx, status_cb, p);
		gpgme_set_passphrase_cb(ctx, pass_cb, p);
	}
	*ctx_r = ctx;
	return 0;
fail:
	mg_err_set(err, MG_ERR_TEMP, "gpgme context for %s: %s",
	    home != NULL ? home : "the team home", gpgme_strerror(e));
	gpgme_release(ctx);
	return -1;
}

/*
 * team_env - point the gpg that gpgme starts next at p's team home.  Set
 * before every team operation, not once: one process may hold handles on
 * several instances (the unit tests do).
 */
static int
team_env(struct pgp *p, struct mg_err *err)
{
	if (setenv("GNUPGHOME", p->team_home, 1) != 0) {
		mg_err_set(err, MG_ERR_TEMP, "setenv GNUPGHOME: %s",
		    strerror(errno));
		return -1;
	}
	p->st = 0;
	p->pass_asked = 0;
	return 0;
}

/* keys_ctx - the keyring home's context, made on first use (imports) */
static gpgme_ctx_t
keys_ctx(struct pgp *p, struct mg_err *err)
{
	if (p->keys == NULL &&
	    pgp_ctx(p->keyring_home, p, &p->keys, err) != 0)
		return NULL;
	p->st = 0;
	p->pass_asked = 0;
	return p->keys;
}

/* --- output sinks ------------------------------------------------------- */

static ssize_t
sink_write(void *hook, const void *buf, size_t n)
{
	struct sink *s = hook;
	size_t room = s->max - s->len, want;
	char *nd;

	if (n > room) {
		s->over = 1;	/* keep what fits, then stop gpg */
		n = room;
	}
	if (s->len + n > s->cap) {
		want = s->cap ? s->cap : 4096;
		while (want < s->len + n)
			want *= 2;
		/* copy by hand: realloc would free plaintext unwiped */
		nd = xmalloc(want);
		if (s->len > 0)
			memcpy(nd, s->data, s->len);
		xfreezero(s->data, s->cap);
		s->data = nd;
		s->cap = want;
	}
	if (n > 0)
		memcpy(s->data + s->len, buf, n);
	s->len += n;
	if (s->over) {
		errno = ENOSPC;
		return -1;
	}
	return (ssize_t)n;
}

static struct gpgme_data_cbs sink_cbs = { NULL, sink_write, NULL, NULL };

static gpgme_error_t
sink_open(struct sink *s, size_t max, gpgme_data_t *d_r)
{
	memset(s, 0, sizeof(*s));
	s->max = max;
	return gpgme_data_new_from_cbs(d_r, &sink_cbs, s);
}

static void
sink_wipe(struct sink *s)
{
	xfreezero(s->data, s->cap);
	memset(s, 0, sizeof(*s));
}

/* sink_to_buf - append to out (buf semantics: cut at out->max) */
static void
sink_to_buf(struct sink *s, struct buf *out)
{
	if (s->len > 0)
		(void)buf_append(out, s->data, s->len);	/* sets truncated */
	if (s->over)
		out->truncated = 1;
}

static size_t
buf_room(const struct buf *b)
{
	return b->max > b->len ? b->max - b->len : 0;
}

/* --- classifying failures ----------------------------------------------- */

/* input_error - codes with which gpg rejects the data it was given */
static int
input_error(gpgme_error_t e)
{
	static const gpg_err_code_t codes[] = {
		GPG_ERR_GENERAL, GPG_ERR_UNKNOWN_PACKET, GPG_ERR_UNKNOWN_VERSION,
		GPG_ERR_PUBKEY_ALGO, GPG_ERR_DIGEST_ALGO, GPG_ERR_BAD_PUBKEY,
		GPG_ERR_BAD_SIGNATURE, GPG_ERR_CHECKSUM, GPG_ERR_CIPHER_ALGO,
		GPG_ERR_INV_PACKET, GPG_ERR_INV_ARMOR, GPG_ERR_BAD_KEY,
		GPG_ERR_NO_ENCRYPTION_SCHEME, GPG_ERR_BAD_MPI, GPG_ERR_SIG_CLASS,
		GPG_ERR_UNEXPECTED, GPG_ERR_INV_KEYLEN, GPG_ERR_NOT_ENCRYPTED,
		GPG_ERR_NO_DATA, GPG_ERR_INV_OBJ, GPG_ERR_TRUNCATED,
		GPG_ERR_INV_DATA, GPG_ERR_UNSUPPORTED_ALGORITHM, GPG_ERR_BAD_DATA,
		GPG_ERR_WRONG_KEY_USAGE, GPG_ERR_INV_LENGTH,
		GPG_ERR_UNEXPECTED_TAG, GPG_ERR_UNKNOWN_ALGORITHM,
		GPG_ERR_DECRYPT_FAILED, GPG_ERR_INV_CURVE, GPG_ERR_UNKNOWN_CURVE,
		GPG_ERR_LEGACY_KEY, GPG_ERR_WRONG_SECKEY, GPG_ERR_COMPR_ALGO,
	};
	size_t i;

	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (gpg_err_code(e) == codes[i])
			return 1;
	return 0;
}

/*
 * gpg_ran - did the last operation on ctx run gpg?  Status lines say so;
 * without any (a CRC error in the armor prints none), gpg's own
 * diagnostics ("gpg: ...") do.  A gpg that could not start leaves none,
 * or only the loader's complaint.  gpgme may finish before it has read
 * them all: then we say no, and the retry gets it right.
 */
static int
gpg_ran(struct pgp *p, gpgme_ctx_t ctx)
{
	gpgme_data_t diag = NULL;
	char *t;
	size_t n = 0;

	if (p->st & ST_RAN)
		return 1;
	if (gpgme_data_new(&diag) != 0)
		return 0;
	if (gpgme_op_getauditlog(ctx, diag, GPGME_AUDITLOG_DIAG) != 0) {
		gpgme_data_release(diag);
		return 0;
	}
	t = gpgme_data_release_and_get_mem(diag, &n);
	if (t != NULL && n >= 5 && memcmp(t, "gpg: ", 5) == 0)
		p->st |= ST_RAN;
	gpgme_free(t);
	return (p->st & ST_RAN) != 0;
}

/* classify - fill err for a failed operation on ctx; returns -1 */
static int
classify(struct pgp *p, gpgme_ctx_t ctx, gpgme_error_t e, const char *what,
    struct mg_err *err)
{
	switch (gpg_err_code(e)) {
	case GPG_ERR_CANCELED:
	case GPG_ERR_NO_PASSPHRASE:
	case GPG_ERR_NO_PIN_ENTRY:
		mg_err_set(err, MG_ERR_TEMP, "%s: the team key needs a "
		    "passphrase and %s", what, p->pass == NULL ?
		    "no passphrase file is configured" :
		    "the one from the passphrase file was not accepted");
		return -1;
	case GPG_ERR_BAD_PASSPHRASE:
		mg_err_set(err, MG_ERR_TEMP, "%s: wrong passphrase in the "
		    "passphrase file", what);
		return -1;
	default:
		break;
	}
	if (!gpg_ran(p, ctx))
		mg_err_set(err, MG_ERR_TEMP, "%s: gpg did not run (%s)", what,
		    gpgme_strerror(e));
	else if (input_error(e))
		mg_err_set(err, MG_ERR_PERM, "%s: %s", what,
		    gpgme_strerror(e));
	else
		mg_err_set(err, MG_ERR_TEMP, "%s: OpenPGP engine: %s", what,
		    gpgme_strerror(e));
	return -1;
}

/* has_keyid - does the secret key hold a usable subkey with this key id? */
static int
has_keyid(gpgme_key_t k, const char *keyid)
{
	gpgme_subkey_t sk;

	for (sk = k->subkeys; sk != NULL; sk = sk->next)
		if (sk->secret && sk->keyid != NULL &&
		    strcasecmp(sk->keyid, keyid) == 0)
			return 1;
	return 0;
}

/*
 * no_seckey - "No secret key" is also what an agent that cannot start
 * looks like.  PERM only if the agent lists a team secret key and no
 * recipient of dr is one of the team's secret (sub)keys.  A fresh context
 * keeps dr valid.
 */
static int
no_seckey(struct pgp *p, gpgme_decrypt_result_t dr, struct mg_err *err)
{
	gpgme_ctx_t ctx = NULL;
	gpgme_key_t k = NULL;
	gpgme_recipient_t r;
	gpgme_error_t e;
	int nkeys = 0, ours = 0;

	/* GNUPGHOME still names the team home: the failed run's */
	if (pgp_ctx(NULL, NULL, &ctx, err) != 0)
		return -1;
	e = gpgme_op_keylist_start(ctx, NULL, 1);
	while (e == 0 && (e = gpgme_op_keylist_next(ctx, &k)) == 0) {
		nkeys++;
		for (r = dr != NULL ? dr->recipients : NULL; r != NULL;
		    r = r->next)
			if (r->keyid != NULL && has_keyid(k, r->keyid))
				ours = 1;
		gpgme_key_unref(k);
	}
	gpgme_release(ctx);
	if (gpg_err_code(e) != GPG_ERR_EOF)
		mg_err_set(err, MG_ERR_TEMP, "listing the team's secret keys: "
		    "%s", gpgme_strerror(e));
	else if (nkeys == 0)
		mg_err_set(err, MG_ERR_TEMP, "decrypt: no usable team secret "
		    "key in %s (gpg-agent unavailable?)", p->team_home);
	else if (ours)
		mg_err_set(err, MG_ERR_TEMP, "decrypt: the team secret key "
		    "for this message is present but unusable");
	else
		mg_err_set(err, MG_ERR_PERM, "decrypt: not encrypted to a "
		    "team key");
	return -1;
}

/* --- signatures --------------------------------------------------------- */

static int
forbidden_digest(gpgme_hash_algo_t h)
{
	return h == GPGME_MD_MD5 || h == GPGME_MD_MD2 || h == GPGME_MD_MD4;
}

/* sig_verdict - from bad, upgraded only by a clean status */
static void
sig_verdict(gpgme_signature_t s, struct pgp_sig *res)
{
	enum pgp_sig_status v = PGP_SIG_BAD;

	switch (gpg_err_code(s->status)) {
	case GPG_ERR_NO_ERROR:
		v = PGP_SIG_GOOD;
		if (s->summary & GPGME_SIGSUM_KEY_REVOKED)
			v = PGP_SIG_REVOKED;
		else if (s->summary & (GPGME_SIGSUM_SIG_EXPIRED |
		    GPGME_SIGSUM_KEY_EXPIRED))
			v = PGP_SIG_EXPIRED;
		if (s->summary & (GPGME_SIGSUM_RED | GPGME_SIGSUM_SYS_ERROR) ||
		    s->wrong_key_usage)
			v = PGP_SIG_BAD;
		break;
	case GPG_ERR_NO_PUBKEY:
		v = PGP_SIG_UNKNOWN_KEY;
		break;
	case GPG_ERR_SIG_EXPIRED:
	case GPG_ERR_KEY_EXPIRED:
		v = PGP_SIG_EXPIRED;
		break;
	case GPG_ERR_CERT_REVOKED:
		v = PGP_SIG_REVOKED;
		break;
	default:
		break;
	}
	if (forbidden_digest(s->hash_algo))
		v = PGP_SIG_BAD;
	res->status = v;
	res->weak_digest = s->hash_algo == GPGME_MD_SHA1;
	(void)snprintf(res->fpr, sizeof(res->fpr), "%s",
	    s->fpr != NULL ? s->fpr : "");
}

static void
sig_init(struct pgp_sig *res)
{
	memset(res, 0, sizeof(*res));
	res->status = PGP_SIG_BAD;
}

/*
 * sig_result - the verdict of the last operation on the team context.
 * The message verdict is the first signature's: the one the signer put
 * first; a second signer cannot upgrade or hide it.  No signature is
 * PGP_SIG_NONE only when gpg saw literal data (an unsigned message), else
 * the input was not what the caller said (MG_ERR_PERM).
 */
static int
sig_result(struct pgp *p, int want_sig, const char *what, struct pgp_sig *res,
    struct mg_err *err)
{
	gpgme_verify_result_t vr = gpgme_op_verify_result(p->team);

	if (vr != NULL && vr->signatures != NULL)
		sig_verdict(vr->signatures, res);
	else if (!want_sig && (p->st & ST_PLAINTEXT))
		res->status = PGP_SIG_NONE;
	else {
		mg_err_set(err, MG_ERR_PERM, "%s: no signature found", what);
		return -1;
	}
	return 0;
}

/*
 * run_verify - verify in the team home (which reads the correspondents'
 * keyring): text != NULL for a detached signature over text[0..len), else
 * the signed content goes to out.  Content over out's room is cut there:
 * the check could not finish, so the verdict is "unchecked", not bad.
 */
static int
run_verify(struct pgp *p, const char *sig, size_t siglen, const char *text,
    size_t len, struct buf *out, struct pgp_sig *res, struct mg_err *err)
{
	gpgme_data_t dsig = NULL, dtext = NULL, plain = NULL;
	struct sink s;
	gpgme_error_t e;
	int rc = -1;

	sig_init(res);
	memset(&s, 0, sizeof(s));
	if ((e = gpgme_data_new_from_mem(&dsig, sig, siglen, 0)) != 0 ||
	    (text != NULL &&
	    (e = gpgme_data_new_from_mem(&dtext, text, len, 0)) != 0) ||
	    (text == NULL && (e = sink_open(&s, buf_room(out), &plain)) != 0)) {
		mg_err_set(err, MG_ERR_TEMP, "verify: %s", gpgme_strerror(e));
		goto out;
	}
	if (team_env(p, err) != 0)
		goto out;
	e = gpgme_op_verify(p->team, dsig, dtext, plain);
	if (s.over) {
		sink_to_buf(&s, out);
		res->status = PGP_SIG_NONE;
		res->unchecked = 1;
		rc = 0;
		goto out;
	}
	if (e != 0) {
		rc = classify(p, p->team, e, "verify", err);
		goto out;
	}
	if (!gpg_ran(p, p->team)) {
		mg_err_set(err, MG_ERR_TEMP, "verify: gpg did not run");
		goto out;
	}
	/* an encrypted message is not for the verify path */
	if ((p->st & ST_ENCRYPTED) && text == NULL) {
		mg_err_set(err, MG_ERR_PERM, "verify: the data is encrypted");
		goto out;
	}
	if (sig_result(p, text != NULL, "verify", res, err) != 0)
		goto out;
	if (text == NULL)
		sink_to_buf(&s, out);
	rc = 0;
out:
	gpgme_data_release(dsig);
	gpgme_data_release(dtext);
	gpgme_data_release(plain);
	sink_wipe(&s);
	return rc;
}

/* --- passphrase file ---------------------------------------------------- */

/* read_pass - a private, regular file of ours; one line, kept in p */
static int
read_pass(struct pgp *p, const char *path, struct mg_err *err)
{
	struct stat st;
	char *data = NULL;
	ssize_t n = 0;
	int fd;

	/* O_NOFOLLOW + fstat: lstat's checks, on the file we then read */
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0) {
		mg_err_set(err, MG_ERR_TEMP, "passphrase file %s: %s", path,
		    errno == ELOOP ? "is a symbolic link" : strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & 077) != 0 || st.st_size > PASS_MAX) {
		mg_err_set(err, MG_ERR_TEMP, "passphrase file %s: must be a "
		    "regular file owned by uid %ld, mode 0600 or stricter, "
		    "at most %d bytes", path, (long)geteuid(), PASS_MAX);
		goto fail;
	}
	data = xmalloc(PASS_MAX + 1);
	do
		n = read(fd, data, PASS_MAX + 1);
	while (n < 0 && errno == EINTR);
	if (n < 0 || n > PASS_MAX) {
		mg_err_set(err, MG_ERR_TEMP, "passphrase file %s: %s", path,
		    n < 0 ? strerror(errno) : "too long");
		goto fail;
	}
	if (n > 0 && data[n - 1] == '\n')
		n--;				/* one trailing newline */
	if (n > 0 && data[n - 1] == '\r')
		n--;
	if (memchr(data, '\n', (size_t)n) != NULL ||
	    memchr(data, '\0', (size_t)n) != NULL) {
		mg_err_set(err, MG_ERR_TEMP, "passphrase file %s: more than "
		    "one line", path);
		goto fail;
	}
	data[n] = '\0';
	(void)close(fd);	/* read-only */
	p->pass = data;
	p->passlen = (size_t)n;
	return 0;
fail:
	if (fd >= 0)
		(void)close(fd);
	xfreezero(data, PASS_MAX + 1);
	return -1;
}

/* --- homes -------------------------------------------------------------- */

static int
has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	const char *q = text;

	while (q != NULL) {
		q += strspn(q, " \t");
		/* strchr finds the NUL too: a last line without newline */
		if (strncmp(q, line, n) == 0 && strchr(" \t\r\n", q[n]) != NULL)
			return 1;
		if ((q = strchr(q, '\n')) != NULL)
			q++;
	}
	return 0;
}

/*
 * ensure_conf - make file hold every line: create it (0600) if missing;
 * if lines are missing, append them (last, so they win over an earlier
 * contrary option); leave a complete file untouched (idempotent).
 */
static int
ensure_conf(const char *home, const char *name, const char *const *lines,
    struct mg_err *err)
{
	char *path = xasprintf("%s/%s", home, name), *old = NULL;
	size_t oldlen = 0, i;
	struct buf b;
	int rc = -1, missing = 0;

	buf_init(&b, 1 << 20);
	if (access(path, F_OK) == 0) {
		if (util_read_file(path, 1 << 20, &old, &oldlen, err) != 0)
			goto out;
		(void)buf_append(&b, old, oldlen);
		if (oldlen > 0 && old[oldlen - 1] != '\n')
			(void)buf_putc(&b, '\n');
		(void)buf_puts(&b, "# required by madoguchi\n");
	} else if (errno != ENOENT) {
		mg_err_set(err, MG_ERR_TEMP, "%s: %s", path, strerror(errno));
		goto out;
	} else
		(void)buf_puts(&b, "# written by madoguchi: keep these lines\n");
	for (i = 0; lines[i] != NULL; i++)
		if (old == NULL || !has_line(old, lines[i])) {
			(void)buf_printf(&b, "%s\n", lines[i]);
			missing++;
		}
	rc = 0;
	if (missing > 0)
		rc = util_write_file(path, b.data, b.len, 0600, err);
out:
	buf_free(&b);
	free(old);
	free(path);
	return rc;
}

int
pgp_home_setup(const char *home, struct mg_err *err)
{
	if (home == NULL || *home == '\0') {
		mg_err_set(err, MG_ERR_TEMP, "no GnuPG home given");
		return -1;
	}
	if (util_mkdir(home, 0700, err) != 0 ||
	    ensure_conf(home, "gpg.conf", gpg_conf_lines, err) != 0 ||
	    ensure_conf(home, "gpg-agent.conf", agent_conf_lines, err) != 0)
		return -1;
	return 0;
}

/* line_is - is [t, end) line, give or take trailing blanks? */
static int
line_is(const char *t, const char *end, const char *line)
{
	size_t n = strlen(line);

	if ((size_t)(end - t) < n || strncmp(t, line, n) != 0)
		return 0;
	for (t += n; t < end; t++)
		if (strchr(" \t\r", *t) == NULL)
			return 0;
	return 1;
}

/*
 * conf_line - make the gpg.conf in home hold "option value" once: a line
 * for the same option with another value (the keyring moved, the team
 * key rolled over) is dropped; a file already right is left untouched.
 */
static int
conf_line(const char *home, const char *option, const char *value,
    const char *comment, struct mg_err *err)
{
	char *path = xasprintf("%s/gpg.conf", home), *line, *old = NULL;
	const char *q, *nl;
	size_t oldlen = 0, olen = strlen(option);
	struct buf b;
	int rc = -1, stale = 0, have = 0;

	buf_init(&b, 1 << 20);
	line = xasprintf("%s %s", option, value);
	if (strpbrk(value, "\r\n") != NULL) {
		mg_err_set(err, MG_ERR_TEMP, "%s: line break in \"%s\"", path,
		    option);
		goto out;
	}
	if (util_read_file(path, 1 << 20, &old, &oldlen, err) != 0)
		goto out;
	for (q = old; *q != '\0'; q = nl != NULL ? nl + 1 : q + strlen(q)) {
		const char *t = q + strspn(q, " \t");
		size_t n;

		nl = strchr(q, '\n');
		n = (size_t)((nl != NULL ? nl : q + strlen(q)) - q);
		if (strncmp(t, option, olen) == 0 &&
		    strchr(" \t", t[olen]) != NULL) {
			if (!have && line_is(t, q + n, line)) {
				have = 1;
			} else {
				stale = 1;	/* dropped from the copy */
				continue;
			}
		}
		(void)buf_append(&b, q, n);
		(void)buf_putc(&b, '\n');
	}
	rc = 0;
	if (stale || !have) {
		if (!have)
			(void)buf_printf(&b, "# %s (madoguchi)\n%s\n", comment,
			    line);
		rc = util_write_file(path, b.data, b.len, 0600, err);
	}
out:
	buf_free(&b);
	free(old);
	free(line);
	free(path);
	return rc;
}

/*
 * link_keyring - name the correspondents' keybox in the team home's
 * gpg.conf ("keyring FILE": read there, written only from its own home).
 * The keybox is created empty if missing: gpg reads an empty file as one,
 * where a missing file costs an error status on every run.
 */
static int
link_keyring(const char *team_home, const char *keyring_home,
    struct mg_err *err)
{
	char *dir = NULL, *kbx = NULL;
	int fd, rc = -1;

	if ((dir = realpath(keyring_home, NULL)) == NULL) {
		mg_err_set(err, MG_ERR_TEMP, "keyring %s: %s", keyring_home,
		    strerror(errno));
		return -1;
	}
	kbx = xasprintf("%s/pubring.kbx", dir);
	fd = open(kbx, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd >= 0)
		(void)close(fd);
	if (fd < 0 && errno != EEXIST)
		mg_err_set(err, MG_ERR_TEMP, "%s: %s", kbx, strerror(errno));
	else
		rc = conf_line(team_home, "keyring", kbx,
		    "the correspondents' keyring, read-only here", err);
	free(kbx);
	free(dir);
	return rc;
}

int
pgp_homes_setup(const char *team_home, const char *keyring_home,
    struct mg_err *err)
{
	if (pgp_home_setup(team_home, err) != 0 ||
	    pgp_home_setup(keyring_home, err) != 0)
		return -1;
	return link_keyring(team_home, keyring_home, err);
}

/* --- handle ------------------------------------------------------------- */

static int
is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int
pgp_open(const char *team_home, const char *keyring_home,
    const char *passphrase_file, struct pgp **pgp_r, struct mg_err *err)
{
	struct pgp *p;

	*pgp_r = NULL;
	if (team_home == NULL || keyring_home == NULL ||
	    strcmp(team_home, keyring_home) == 0) {
		mg_err_set(err, MG_ERR_TEMP, "pgp: the team home and the "
		    "correspondents' keyring must be two directories");
		return -1;
	}
	/*
	 * Never create the team home here: gpg would happily make an empty
	 * one, and every message would then look "not for us".  Its absence
	 * is an outage the operator must fix; the messages wait meanwhile.
	 */
	if (!is_dir(team_home)) {
		mg_err_set(err, MG_ERR_TEMP, "pgp: the team GnuPG home %s is "
		    "missing", team_home);
		return -1;
	}
	if (pgp_init(err) != 0)
		return -1;
	p = xcalloc(1, sizeof(*p));
	p->team_home = xstrdup(team_home);
	p->keyring_home = xstrdup(keyring_home);
	/* setup is idempotent: it writes only what is missing */
	if ((passphrase_file != NULL &&
	    read_pass(p, passphrase_file, err) != 0) ||
	    pgp_homes_setup(team_home, keyring_home, err) != 0 ||
	    pgp_ctx(NULL, p, &p->team, err) != 0) {
		pgp_close(&p);
		return -1;
	}
	*pgp_r = p;
	return 0;
}

void
pgp_close(struct pgp **pp)
{
	struct pgp *p;

	if (pp == NULL || (p = *pp) == NULL)
		return;
	gpgme_release(p->team);
	gpgme_release(p->keys);
	if (p->pass != NULL)
		xfreezero(p->pass, PASS_MAX + 1);
	free(p->team_home);
	free(p->keyring_home);
	xfreezero(p, sizeof(*p));
	*pp = NULL;
}

/* --- decryption --------------------------------------------------------- */

/*
 * pgp_decrypt - one decrypt-verify run in the team home.  Plaintext past
 * the limit cannot be shown: gpg is stopped before its integrity check,
 * so the message is refused like one without integrity protection.
 */
int
pgp_decrypt(struct pgp *p, const char *in, size_t len, struct buf *out,
    struct pgp_sig *sig, struct mg_err *err)
{
	gpgme_decrypt_result_t dr;
	gpgme_data_t din = NULL, dout = NULL;
	struct sink s;
	gpgme_error_t e;
	int rc = -1;

	sig_init(sig);
	memset(&s, 0, sizeof(s));
	if ((e = gpgme_data_new_from_mem(&din, in, len, 0)) != 0 ||
	    (e = sink_open(&s, buf_room(out), &dout)) != 0) {
		mg_err_set(err, MG_ERR_TEMP, "decrypt: %s", gpgme_strerror(e));
		goto out;
	}
	if (team_env(p, err) != 0)
		goto out;
	e = gpgme_op_decrypt_ext(p->team, GPGME_DECRYPT_VERIFY, din, dout);
	dr = gpgme_op_decrypt_result(p->team);
	if (dr != NULL && dr->legacy_cipher_nomdc)
		mg_err_set(err, MG_ERR_PERM, "decrypt: no integrity "
		    "protection (MDC): refused");
	else if (s.over)
		mg_err_set(err, MG_ERR_PERM, "decrypt: the plaintext is "
		    "larger than the limit (%zu bytes)", s.max);
	else if (e != 0 && (p->st & ST_SESSION_KEY) && (p->st & ST_DATA_BAD))
		/* gpgme may say "No secret key" here: another recipient's */
		mg_err_set(err, MG_ERR_PERM, "decrypt: corrupt ciphertext "
		    "(integrity check failed)");
	else if (gpg_err_code(e) == GPG_ERR_NO_SECKEY && gpg_ran(p, p->team))
		(void)no_seckey(p, dr, err);
	else if (e != 0)
		(void)classify(p, p->team, e, "decrypt", err);
	else if (!(p->st & ST_DECRYPT_OK) || !(p->st & ST_INTEGRITY))
		/* success must come with evidence of an intact MDC/AEAD */
		mg_err_set(err, MG_ERR_PERM, "decrypt: no integrity "
		    "protection reported: refused");
	else if (sig_result(p, 0, "decrypted content", sig, err) == 0) {
		sink_to_buf(&s, out);
		rc = 0;
	}
out:
	gpgme_data_release(din);
	gpgme_data_release(dout);
	sink_wipe(&s);		/* on failure it may hold partial plaintext */
	return rc;
}

/* --- verification ------------------------------------------------------- */

int
pgp_verify_detached(struct pgp *p, const char *data, size_t len,
    const char *sig, size_t siglen, struct pgp_sig *res, struct mg_err *err)
{
	/* a NULL text would mean "opaque": keep an empty text detached */
	return run_verify(p, sig, siglen, data != NULL ? data : "", len, NULL,
	    res, err);
}

int
pgp_verify_opaque(struct pgp *p, const char *in, size_t len,
    struct buf *out, struct pgp_sig *res, struct mg_err *err)
{
	return run_verify(p, in, len, NULL, 0, out, res, err);
}

/* --- key import --------------------------------------------------------- */

/* uid_matches - a valid user ID whose address is addr (lower-case) */
static int
uid_matches(gpgme_key_t k, const char *addr)
{
	gpgme_user_id_t u;
	const char *a;

	for (u = k->uids; u != NULL; u = u->next) {
		if (u->revoked || u->invalid)
			continue;
		a = u->address != NULL ? u->address : u->email;
		if (a != NULL && strcasecmp(a, addr) == 0)
			return 1;
	}
	return 0;
}

/*
 * strip_secret - the data carried a secret key: keep only its public part
 * (export it, delete the whole key, import the export again).
 */
static int
strip_secret(struct pgp *p, const char *fpr, struct mg_err *err)
{
	gpgme_data_t pub = NULL;
	gpgme_key_t k = NULL;
	gpgme_error_t e;
	int rc = -1;

	p->st = 0;
	if ((e = gpgme_data_new(&pub)) != 0 ||
	    (e = gpgme_op_export(p->keys, fpr, 0, pub)) != 0 ||
	    (e = gpgme_get_key(p->keys, fpr, &k, 0)) != 0 ||
	    (e = gpgme_op_delete_ext(p->keys, k, GPGME_DELETE_ALLOW_SECRET |
	    GPGME_DELETE_FORCE)) != 0 ||
	    (e = gpgme_data_seek(pub, 0, SEEK_SET)) != 0 ||
	    (e = gpgme_op_import(p->keys, pub)) != 0) {
		mg_err_set(err, MG_ERR_TEMP, "removing an imported secret "
		    "key %s: %s", fpr, gpgme_strerror(e));
		goto out;
	}
	rc = 0;
out:
	gpgme_key_unref(k);
	gpgme_data_release(pub);
	return rc;
}

/* import_one - keep fpr if it is addr's, else undo a new import; 1 kept */
static int
import_one(struct pgp *p, const char *fpr, unsigned status, int secret,
    const char *addr, struct mg_err *err)
{
	gpgme_key_t k = NULL;
	gpgme_error_t e;
	int kept = -1;

	if (secret && strip_secret(p, fpr, err) != 0)
		return -1;
	if ((e = gpgme_get_key(p->keys, fpr, &k, 0)) != 0) {
		mg_err_set(err, MG_ERR_TEMP, "reading imported key %s: %s",
		    fpr, gpgme_strerror(e));
		return -1;
	}
	if (uid_matches(k, addr))
		kept = 1;
	else if (!(status & GPGME_IMPORT_NEW))
		kept = 0;	/* was here before: someone else's, leave it */
	else if ((e = gpgme_op_delete_ext(p->keys, k,
	    GPGME_DELETE_FORCE)) != 0)
		mg_err_set(err, MG_ERR_TEMP, "removing imported key %s: %s",
		    fpr, gpgme_strerror(e));
	else
		kept = 0;
	gpgme_key_unref(k);
	return kept;
}

/*
 * held_for - does the keyring already link addr to a key other than fpr?
 * The first key for an address stays its key: a message claiming the
 * address (From: is the sender's choice) must not add a second one that
 * would then verify mail "as" that reporter.
 */
static int
held_for(struct pgp *p, const char *addr, const char *fpr)
{
	gpgme_key_t k = NULL;
	char *pattern = xasprintf("<%s>", addr);
	int other = 0;

	if (gpgme_op_keylist_start(p->keys, pattern, 0) == 0) {
		while (gpgme_op_keylist_next(p->keys, &k) == 0) {
			if (k->fpr != NULL && strcasecmp(k->fpr, fpr) != 0)
				other = 1;
			gpgme_key_unref(k);
		}
		(void)gpgme_op_keylist_end(p->keys);
	}
	free(pattern);
	return other;
}

int
pgp_import_for(struct pgp *p, const char *data, size_t len,
    const char *addr, char fpr_r[PGP_FPR_MAX], struct mg_err *err)
{
	gpgme_import_result_t ir;
	gpgme_import_status_t is;
	gpgme_data_t d = NULL;
	gpgme_error_t e;
	char *want = NULL, **fprs = NULL;
	size_t n = 0, i, j;
	unsigned *flags = NULL;
	int kept = 0, r, any_secret;

	if (fpr_r != NULL)
		fpr_r[0] = '\0';
	if ((want = util_addr_norm(addr)) == NULL) {
		mg_err_set(err, MG_ERR_PERM, "import: no address to match");
		return -1;
	}
	if (keys_ctx(p, err) == NULL) {
		kept = -1;
		goto out;
	}
	if ((e = gpgme_data_new_from_mem(&d, data, len, 0)) != 0 ||
	    (e = gpgme_op_import(p->keys, d)) != 0) {
		kept = classify(p, p->keys, e, "import", err);
		goto out;
	}
	if (!gpg_ran(p, p->keys)) {
		mg_err_set(err, MG_ERR_TEMP, "import: gpg did not run");
		kept = -1;
		goto out;
	}
	/* copy the list out: the next operation invalidates the result */
	ir = gpgme_op_import_result(p->keys);
	any_secret = ir != NULL && (ir->secret_read > 0 ||
	    ir->secret_imported > 0);
	for (is = ir != NULL ? ir->imports : NULL; is != NULL; is = is->next)
		n++;
	fprs = xcalloc(n + 1, sizeof(*fprs));
	flags = xcalloc(n + 1, sizeof(*flags));
	for (n = 0, is = ir != NULL ? ir->imports : NULL; is != NULL;
	    is = is->next) {
		if (is->result != 0 || is->fpr == NULL)
			continue;
		/* one entry per key, its statuses merged (public, secret) */
		for (j = 0; j < n && strcmp(fprs[j], is->fpr) != 0; j++)
			;
		if (j == n)
			fprs[n++] = xstrdup(is->fpr);
		flags[j] |= is->status;
	}
	for (i = 0; i < n; i++) {
		/* a new key for an address that has one: not linked ("" matches
		 * no user ID, so import_one deletes it again) */
		int taken = (flags[i] & GPGME_IMPORT_NEW) &&
		    held_for(p, want, fprs[i]);

		/* any secret data: strip every key it came with */
		r = import_one(p, fprs[i], flags[i], any_secret ||
		    (flags[i] & GPGME_IMPORT_SECRET) != 0, taken ? "" : want,
		    err);
		if (r < 0) {
			kept = -1;
			goto out;
		}
		if (r > 0 && kept++ == 0 && fpr_r != NULL)
			(void)snprintf(fpr_r, PGP_FPR_MAX, "%s", fprs[i]);
	}
out:
	for (i = 0; fprs != NULL && i < n; i++)
		free(fprs[i]);
	free(fprs);
	free(flags);
	free(want);
	gpgme_data_release(d);
	return kept;
}

/* --- signing and encrypting (outbound mail) ----------------------------- */

/*
 * set_signer - sign with the team key signer.  gpgme wants a key object,
 * and gpgme_get_key starts gpg twice (a new context probes the engine,
 * then lists): "default-key" in the team home's gpg.conf selects the key
 * with no run at all.
 */
static int
set_signer(struct pgp *p, const char *signer, struct mg_err *err)
{
	gpgme_signers_clear(p->team);
	if (signer == NULL || *signer == '\0' ||
	    strspn(signer, "0123456789abcdefABCDEF") != strlen(signer)) {
		mg_err_set(err, MG_ERR_TEMP, "sign: no team key configured "
		    "([team] key must be its fingerprint)");
		return -1;
	}
	return conf_line(p->team_home, "default-key", signer,
	    "the key that signs, [team] key", err);
}

/* sink_done - move a finished output sink into out; -1 if it overflowed */
static int
sink_done(struct sink *s, struct buf *out, const char *what,
    struct mg_err *err)
{
	if (s->over || buf_append(out, s->data != NULL ? s->data : "",
	    s->len) != 0) {
		mg_err_set(err, MG_ERR_TEMP, "%s: output too large", what);
		return -1;
	}
	return 0;
}

int
pgp_sign_detached(struct pgp *p, const char *signer, const char *data,
    size_t len, struct buf *sig, char micalg[32], struct mg_err *err)
{
	gpgme_data_t din = NULL, dsig = NULL;
	gpgme_sign_result_t sr;
	struct sink s;
	gpgme_error_t e;
	const char *h;
	int rc = -1;
	size_t i;

	memset(&s, 0, sizeof(s));
	micalg[0] = '\0';
	if (team_env(p, err) != 0 || set_signer(p, signer, err) != 0)
		return -1;
	if ((e = gpgme_data_new_from_mem(&din, data, len, 0)) != 0 ||
	    (e = sink_open(&s, buf_room(sig), &dsig)) != 0) {
		mg_err_set(err, MG_ERR_TEMP, "sign: %s", gpgme_strerror(e));
		goto out;
	}
	gpgme_set_armor(p->team, 1);
	e = gpgme_op_sign(p->team, din, dsig, GPGME_SIG_MODE_DETACH);
	gpgme_set_armor(p->team, 0);
	sr = gpgme_op_sign_result(p->team);
	if (e != 0) {
		(void)classify(p, p->team, e, "sign", err);
		err->cls = MG_ERR_TEMP;		/* our key, never the input */
		goto out;
	}
	if (sr == NULL || sr->signatures == NULL || sr->invalid_signers !=
	    NULL || (h = gpgme_hash_algo_name(sr->signatures->hash_algo)) ==
	    NULL) {
		mg_err_set(err, MG_ERR_TEMP, "sign: no signature made");
		goto out;
	}
	(void)snprintf(micalg, 32, "pgp-%s", h);
	for (i = 0; micalg[i] != '\0'; i++)
		if (micalg[i] >= 'A' && micalg[i] <= 'Z')
			micalg[i] = (char)(micalg[i] - 'A' + 'a');
	rc = sink_done(&s, sig, "sign", err);
out:
	gpgme_signers_clear(p->team);
	gpgme_data_release(din);
	gpgme_data_release(dsig);
	sink_wipe(&s);
	return rc;
}

int
pgp_encrypt_sign(struct pgp *p, const char *signer, const char *rcpt,
    const char *data, size_t len, struct buf *out, struct mg_err *err)
{
	gpgme_data_t din = NULL, dout = NULL;
	gpgme_encrypt_result_t er;
	char *recp = NULL;
	gpgme_sign_result_t sr;
	struct sink s;
	gpgme_error_t e;
	int rc = -1;

	memset(&s, 0, sizeof(s));
	if (team_env(p, err) != 0 || set_signer(p, signer, err) != 0)
		return -1;
	if (strspn(rcpt, "0123456789abcdefABCDEF") != strlen(rcpt) ||
	    *rcpt == '\0') {
		mg_err_set(err, MG_ERR_TEMP, "encrypt: not a fingerprint");
		goto out;
	}
	if ((e = gpgme_data_new_from_mem(&din, data, len, 0)) != 0 ||
	    (e = sink_open(&s, buf_room(out), &dout)) != 0) {
		mg_err_set(err, MG_ERR_TEMP, "encrypt: %s", gpgme_strerror(e));
		goto out;
	}
	/* fingerprints, not key objects: no key look-up run */
	recp = xasprintf("%s\n%s", rcpt, signer);
	gpgme_set_armor(p->team, 1);
	/* keys in the keyring are linked to their own addresses only (see
	 * pgp_import_for): that is the trust decision, not the web of trust */
	e = gpgme_op_encrypt_sign_ext(p->team, NULL, recp,
	    GPGME_ENCRYPT_ALWAYS_TRUST, din, dout);
	gpgme_set_armor(p->team, 0);
	er = gpgme_op_encrypt_result(p->team);
	sr = gpgme_op_sign_result(p->team);
	if (e != 0 || er == NULL || er->invalid_recipients != NULL ||
	    sr == NULL || sr->signatures == NULL) {
		mg_err_set(err, MG_ERR_TEMP, "encrypt and sign: %s",
		    e != 0 ? gpgme_strerror(e) : "a recipient or the signer "
		    "was refused");
		goto out;
	}
	rc = sink_done(&s, out, "encrypt", err);
out:
	gpgme_signers_clear(p->team);
	free(recp);
	gpgme_data_release(din);
	gpgme_data_release(dout);
	sink_wipe(&s);
	return rc;
}

/* usable_for - can k encrypt, and is one of its valid user IDs addr? */
static int
usable_for(gpgme_key_t k, const char *addr)
{
	gpgme_subkey_t sk;
	int enc = 0;

	if (k->revoked || k->expired || k->disabled || k->invalid ||
	    !k->can_encrypt || !uid_matches(k, addr))
		return 0;
	for (sk = k->subkeys; sk != NULL; sk = sk->next)
		if (sk->can_encrypt && !sk->revoked && !sk->expired &&
		    !sk->disabled && !sk->invalid)
			enc = 1;
	return enc;
}

/*
 * mentioned - could the correspondents' keybox hold a user ID with addr?
 * A keybox stores each user ID verbatim, so an address found nowhere in
 * the file has no key there, and the common case (a reporter who never
 * sent a key) costs no gpg run.  A hit only means "ask gpg".
 */
static int
mentioned(const struct pgp *p, const char *addr)
{
	char *path = xasprintf("%s/pubring.kbx", p->keyring_home), *d = NULL;
	size_t n = 0, k = strlen(addr), i;
	struct mg_err e;
	int hit = 1;		/* when in doubt, ask gpg */

	if (util_read_file(path, (size_t)1 << 30, &d, &n, &e) == 0) {
		hit = 0;
		for (i = 0; !hit && k > 0 && i + k <= n; i++)
			hit = strncasecmp(d + i, addr, k) == 0;
	}
	free(d);
	free(path);
	return hit;
}

int
pgp_key_for(struct pgp *p, const char *addr, char fpr_r[PGP_FPR_MAX],
    struct mg_err *err)
{
	gpgme_key_t k = NULL;
	gpgme_error_t e;
	char *want, *pattern;
	int found = 0;

	fpr_r[0] = '\0';
	if ((want = util_addr_norm(addr)) == NULL)
		return 0;
	if (!mentioned(p, want)) {
		free(want);
		return 0;
	}
	pattern = xasprintf("<%s>", want);
	/* the team home reads the keyring: no second home to start */
	if (team_env(p, err) != 0) {
		found = -1;
		goto out;
	}
	e = gpgme_op_keylist_start(p->team, pattern, 0);
	while (e == 0 && (e = gpgme_op_keylist_next(p->team, &k)) == 0) {
		if (!found && k->fpr != NULL && usable_for(k, want)) {
			(void)snprintf(fpr_r, PGP_FPR_MAX, "%s", k->fpr);
			found = 1;
		}
		gpgme_key_unref(k);
	}
	if (gpg_err_code(e) != GPG_ERR_EOF) {
		mg_err_set(err, MG_ERR_TEMP, "looking up a key for %s: %s",
		    want, gpgme_strerror(e));
		found = -1;
	}
	(void)gpgme_op_keylist_end(p->team);
out:
	free(pattern);
	free(want);
	return found;
}

int
pgp_key_usable(struct pgp *p, const char *fpr, struct mg_err *err)
{
	gpgme_key_t k = NULL;
	gpgme_subkey_t sk;
	gpgme_error_t e;
	int ok = 0;

	if (team_env(p, err) != 0)
		return -1;
	e = gpgme_get_key(p->team, fpr, &k, 0);
	if (gpg_err_code(e) == GPG_ERR_EOF)
		return 0;
	if (e != 0) {
		mg_err_set(err, MG_ERR_TEMP, "looking up key %s: %s", fpr,
		    gpgme_strerror(e));
		return -1;
	}
	/* the fingerprint itself is the trust decision: no user ID check */
	if (!k->revoked && !k->expired && !k->disabled && !k->invalid &&
	    k->fpr != NULL && strcasecmp(k->fpr, fpr) == 0)
		for (sk = k->subkeys; sk != NULL; sk = sk->next)
			if (sk->can_encrypt && !sk->revoked && !sk->expired &&
			    !sk->disabled && !sk->invalid)
				ok = 1;
	gpgme_key_unref(k);
	return ok;
}

/* --- team key ----------------------------------------------------------- */

int
pgp_team_keygen(const char *home, const char *uid, char fpr_r[PGP_FPR_MAX],
    struct mg_err *err)
{
	gpgme_ctx_t ctx = NULL;
	gpgme_genkey_result_t gr;
	gpgme_key_t key = NULL;
	gpgme_error_t e;
	int rc = -1;

	if (pgp_home_setup(home, err) != 0 ||
	    pgp_ctx(home, NULL, &ctx, err) != 0)
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
