/*
 * test_pgp.c - pgp.c against a real gpg: keys and messages are made at
 * test time with the gpg CLI in throwaway homes under a short mkdtemp
 * directory (the agent socket path must stay under ~107 bytes).
 *
 * Homes: t (team: pgp_team_keygen's ed25519 key, then an rsa3072 key for
 * rollover), k (correspondents' keyring, filled through pgp_import_for),
 * r (reporters and a stranger), tp (a team key protected by "pw").
 */
#include "unit.h"

#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <gpgme.h>

#include "madoguchi/buf.h"
#include "madoguchi/err.h"
#include "madoguchi/pgp.h"
#include "madoguchi/xalloc.h"
#include "madoguchi/util.h"

#define PLAIN	"secret report\n"
#define DATA	"Content-Type: text/plain\r\n\r\nhost 192.0.2.7\r\n"
#define MAXOUT	(1 << 20)

static char base[64];
static char team_fpr[PGP_FPR_MAX];
static struct pgp *pg;		/* team home t, keyring k */

/* --- helpers ------------------------------------------------------------ */

static char *
path(const char *rel)
{
	static char p[8][256];
	static int i;

	i = (i + 1) % 8;
	(void)snprintf(p[i], sizeof(p[i]), "%s/%s", base, rel);
	return p[i];
}

/* sh - run a test-controlled command line (paths are ours); exit status */
static int
sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int
sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	(void)vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	rc = system(cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

#define GPG(home)	"gpg --homedir $B/" home " --batch --yes --quiet " \
	"--no-tty --pinentry-mode loopback --passphrase '' " \
	"--trust-model always"
#define RUN(...)	assert_int_equal(sh(__VA_ARGS__), 0)

static char *
slurp(const char *rel, size_t *len_r)
{
	struct mg_err err;
	char *d;
	size_t n;

	if (util_read_file(path(rel), 1 << 24, &d, &n, &err) != 0)
		fail_msg("read %s: %s", rel, err.msg);
	if (len_r != NULL)
		*len_r = n;
	return d;
}

static void
put(const char *rel, const void *d, size_t n)
{
	FILE *fp = fopen(path(rel), "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(d, 1, n, fp), n);
	assert_int_equal(fclose(fp), 0);
}

/* fpr_of - first fingerprint gpg lists for who in home */
static void
fpr_of(const char *home, const char *who, char out[PGP_FPR_MAX])
{
	char *d, *nl;

	RUN("gpg --homedir $B/%s --with-colons --list-keys '%s' 2>/dev/null | "
	    "awk -F: '/^fpr/{print $10; exit}' > $B/fpr.txt", home, who);
	d = slurp("fpr.txt", NULL);
	if ((nl = strchr(d, '\n')) != NULL)
		*nl = '\0';
	assert_int_equal(strlen(d), 40);
	(void)snprintf(out, PGP_FPR_MAX, "%s", d);
	free(d);
}

/* --- fixtures ----------------------------------------------------------- */

static void
make_keys(void)
{
	struct mg_err err;
	time_t past = time(NULL) - 30 * 86400;

	assert_int_equal(pgp_team_keygen(path("t"),
	    "CSIRT <csirt@example.net>", team_fpr, &err), 0);
	/* rollover: a second team key, rsa3072 */
	RUN(GPG("t") " --quick-gen-key 'CSIRT new <csirt-new@example.net>' "
	    "rsa3072 sign,cert never");
	RUN(GPG("t") " --quick-add-key $(gpg --homedir $B/t --with-colons "
	    "-k csirt-new@example.net | awk -F: '/^fpr/{print $10;exit}') "
	    "rsa3072 encr never");
	/* a passphrase-protected team key */
	assert_int_equal(pgp_home_setup(path("tp"), &err), 0);
	RUN("gpg --homedir $B/tp --batch --quiet --pinentry-mode loopback "
	    "--passphrase pw --quick-gen-key 'CSIRT pw <csirt-pw@example.net>'"
	    " default default never");
	/* reporters */
	assert_int_equal(pgp_home_setup(path("r"), &err), 0);
	RUN(GPG("r") " --quick-gen-key 'Rep <rep@example.org>' default "
	    "default never");
	RUN(GPG("r") " --quick-gen-key 'Rsa <rsa@example.org>' rsa3072 "
	    "sign,cert never");
	RUN(GPG("r") " --quick-gen-key 'Stranger <stranger@example.org>' "
	    "default default never");
	RUN(GPG("r") " --quick-gen-key 'Rev <rev@example.org>' ed25519 "
	    "sign,cert never");
	RUN(GPG("r") " --quick-gen-key 'Sec <sec@example.org>' ed25519 "
	    "sign,cert never");
	RUN(GPG("r") " --faked-system-time %lld --quick-gen-key "
	    "'Exp <exp@example.org>' ed25519 sign,cert 2d 2>/dev/null",
	    (long long)past);
	RUN(GPG("r") " --faked-system-time %lld --quick-gen-key "
	    "'Old <old@example.org>' ed25519 sign,cert never 2>/dev/null",
	    (long long)past);
	/* the reporters know the team's public keys */
	RUN("gpg --homedir $B/t --export | " GPG("r") " --import");
	RUN("gpg --homedir $B/tp --export | " GPG("r") " --import");
	/* what the keyring will be offered */
	RUN(GPG("r") " -a --export '<rep@example.org>' > $B/rep.pub");
	RUN(GPG("r") " -a --export '<rsa@example.org>' > $B/rsa.pub");
	RUN(GPG("r") " -a --export '<rev@example.org>' > $B/rev.pub");
	RUN(GPG("r") " -a --export '<exp@example.org>' > $B/exp.pub");
	RUN(GPG("r") " -a --export '<old@example.org>' > $B/old.pub");
	RUN(GPG("r") " -a --export '<stranger@example.org>' > $B/stranger.pub");
	RUN(GPG("r") " -a --export-secret-keys '<sec@example.org>' > "
	    "$B/sec.key");
	RUN("sed 's/^:-----/-----/' $B/r/openpgp-revocs.d/$(gpg --homedir "
	    "$B/r --with-colons -k rev@example.org | awk -F: "
	    "'/^fpr/{print $10;exit}').rev > $B/rev.rev");
}

static void
make_messages(void)
{
	time_t past = time(NULL) - 30 * 86400;
	char *d;
	size_t n;

	put("m.txt", PLAIN, strlen(PLAIN));
	put("data.txt", DATA, strlen(DATA));
	put("data2.txt", DATA "x", strlen(DATA) + 1);
#define TO_TEAM	" -r '<csirt@example.net>' -r '<csirt-new@example.net>'"
	RUN(GPG("r") TO_TEAM " -a -o $B/enc.asc -e $B/m.txt");
	RUN(GPG("r") TO_TEAM " -o $B/enc.gpg -e $B/m.txt");
	RUN(GPG("r") TO_TEAM " -u '<rep@example.org>' -a -o $B/se.asc -s -e "
	    "$B/m.txt");
	RUN(GPG("r") TO_TEAM " -u '<stranger@example.org>' -a -o $B/se_unk.asc"
	    " -s -e $B/m.txt");
	RUN(GPG("r") " -r '<csirt@example.net>' -a -o $B/old.asc -e $B/m.txt");
	RUN(GPG("r") " -r '<csirt-new@example.net>' -a -o $B/new.asc -e "
	    "$B/m.txt");
	RUN(GPG("r") " --throw-keyids" TO_TEAM " -a -o $B/hidden.asc -e "
	    "$B/m.txt");
	RUN(GPG("r") " -r '<stranger@example.org>' -a -o $B/notus.asc -e "
	    "$B/m.txt");
	RUN(GPG("r") " --throw-keyids -r '<stranger@example.org>' -a -o "
	    "$B/hidden_notus.asc -e $B/m.txt");
	RUN(GPG("r") " --rfc2440 --cipher-algo 3DES" TO_TEAM " -a -o "
	    "$B/nomdc.asc -e $B/m.txt 2>/dev/null");
	RUN(GPG("r") " -r '<csirt-pw@example.net>' -a -o $B/encpw.asc -e "
	    "$B/m.txt");
	/* corrupt: flip bytes near the end (ciphertext and MDC) */
	d = slurp("enc.gpg", &n);
	assert_true(n > 40);
	d[n - 25] ^= 0x55;
	d[n - 24] ^= 0xaa;
	put("corrupt.gpg", d, n);
	free(d);
	/* signed, not encrypted */
	RUN(GPG("r") " -u '<rep@example.org>' --clearsign -o $B/clear.asc "
	    "$B/m.txt");
	RUN(GPG("r") " -u '<rep@example.org>' -a -s -o $B/signed.asc "
	    "$B/m.txt");
	RUN(GPG("r") " -a --store -o $B/literal.asc $B/m.txt");
	RUN(GPG("r") " -u '<rep@example.org>' -u '<stranger@example.org>' "
	    "--clearsign -o $B/two.asc $B/m.txt");
	RUN(GPG("r") " -u '<stranger@example.org>' -u '<rep@example.org>' "
	    "--clearsign -o $B/two_rev.asc $B/m.txt");
	RUN(GPG("r") " -u '<rsa@example.org>' --digest-algo SHA1 --clearsign "
	    "-o $B/sha1.asc $B/m.txt");
	RUN(GPG("r") " -u '<rsa@example.org>' --digest-algo MD5 "
	    "--allow-weak-digest-algos --clearsign -o $B/md5.asc $B/m.txt "
	    "2>/dev/null");
	RUN(GPG("r") " -u '<stranger@example.org>' --clearsign -o $B/unk.asc "
	    "$B/m.txt");
	RUN(GPG("r") " -u '<rev@example.org>' --clearsign -o $B/rev.asc "
	    "$B/m.txt");
	RUN(GPG("r") " --faked-system-time %lld -u '<exp@example.org>' "
	    "--clearsign -o $B/expkey.asc $B/m.txt 2>/dev/null",
	    (long long)past + 3600);
	RUN(GPG("r") " --faked-system-time %lld --default-sig-expire 1d "
	    "-u '<old@example.org>' --clearsign -o $B/expsig.asc $B/m.txt "
	    "2>/dev/null", (long long)past + 3600);
	/* detached signatures over the exact bytes */
	RUN(GPG("r") " -u '<rep@example.org>' -a -o $B/det.asc -b "
	    "$B/data.txt");
	RUN(GPG("r") " -u '<rsa@example.org>' --digest-algo SHA1 -a -o "
	    "$B/det_sha1.asc -b $B/data.txt");
	RUN(GPG("r") " -u '<rsa@example.org>' --digest-algo MD5 "
	    "--allow-weak-digest-algos -a -o $B/det_md5.asc -b $B/data.txt "
	    "2>/dev/null");
	RUN(GPG("r") " -u '<stranger@example.org>' -a -o $B/det_unk.asc -b "
	    "$B/data.txt");
	put("garbage.txt", "this is not OpenPGP\n", 20);
}

static int
import_file(const char *rel, const char *addr, char fpr[PGP_FPR_MAX],
    struct mg_err *err)
{
	size_t n;
	char *d = slurp(rel, &n);
	int r = pgp_import_for(pg, d, n, addr, fpr, err);

	free(d);
	return r;
}

static int
group_setup(void **state)
{
	struct mg_err err;
	char fpr[PGP_FPR_MAX];
	static const char *const pubs[][2] = {
		{ "rep.pub", "rep@example.org" },
		{ "rsa.pub", "rsa@example.org" },
		{ "rev.pub", "rev@example.org" },
		{ "exp.pub", "exp@example.org" },
		{ "old.pub", "old@example.org" },
	};
	size_t i;

	(void)state;
	(void)snprintf(base, sizeof(base), "/tmp/mgp.XXXXXX");
	if (mkdtemp(base) == NULL || setenv("B", base, 1) != 0)
		return -1;	/* commands name the base directory $B */
	make_keys();
	make_messages();
	if (pgp_open(path("t"), path("k"), NULL, &pg, &err) != 0) {
		print_error("pgp_open: %s\n", err.msg);
		return -1;
	}
	for (i = 0; i < sizeof(pubs) / sizeof(pubs[0]); i++)
		if (import_file(pubs[i][0], pubs[i][1], fpr, &err) != 1) {
			print_error("import %s: %s\n", pubs[i][0], err.msg);
			return -1;
		}
	/*
	 * the bare revocation arrives later, for a key we already hold: gpg
	 * applies it (it is self-signed) but lists no key as imported
	 */
	if (import_file("rev.rev", "rev@example.org", fpr, &err) != 0) {
		print_error("import revocation: %s\n", err.msg);
		return -1;
	}
	return 0;
}

static int
group_teardown(void **state)
{
	static const char *const homes[] = { "t", "k", "r", "tp", "h", "h2",
	    "e", "long" };
	size_t i;

	(void)state;
	pgp_close(&pg);
	for (i = 0; i < sizeof(homes) / sizeof(homes[0]); i++)
		(void)sh("[ -d $B/%s ] && gpgconf --homedir $B/%s --kill all "
		    ">/dev/null 2>&1", homes[i], homes[i]);
	if (getenv("MGP_KEEP") == NULL)	/* to look at a failure */
		(void)sh("rm -rf \"$B\"");
	return 0;
}

/* --- cases -------------------------------------------------------------- */

struct dcase {
	const char *name;
	const char *file;
	int rc;
	enum mg_err_class cls;		/* when rc != 0 */
	const char *msg;		/* in err.msg, when rc != 0 */
	enum pgp_sig_status sig;	/* when rc == 0 */
};

static const struct dcase dcases[] = {
	{ "encrypted, armored", "enc.asc", 0, 0, NULL, PGP_SIG_NONE },
	{ "encrypted, binary", "enc.gpg", 0, 0, NULL, PGP_SIG_NONE },
	{ "signed+encrypted", "se.asc", 0, 0, NULL, PGP_SIG_GOOD },
	{ "signed+encrypted, unknown signer", "se_unk.asc", 0, 0, NULL,
	    PGP_SIG_UNKNOWN_KEY },
	{ "only to the old team key (rollover)", "old.asc", 0, 0, NULL,
	    PGP_SIG_NONE },
	{ "only to the new team key", "new.asc", 0, 0, NULL, PGP_SIG_NONE },
	{ "hidden recipients", "hidden.asc", 0, 0, NULL, PGP_SIG_NONE },
	{ "not to us", "notus.asc", -1, MG_ERR_PERM, "not encrypted to a team",
	    0 },
	{ "not to us, hidden recipient", "hidden_notus.asc", -1, MG_ERR_PERM,
	    "not encrypted to a team", 0 },
	{ "corrupt ciphertext", "corrupt.gpg", -1, MG_ERR_PERM, "decrypt", 0 },
	{ "no MDC (3DES, --rfc2440)", "nomdc.asc", -1, MG_ERR_PERM, "MDC", 0 },
	{ "signed only, not encrypted", "signed.asc", -1, MG_ERR_PERM,
	    "decrypt", 0 },
	{ "not OpenPGP", "garbage.txt", -1, MG_ERR_PERM, "No data", 0 },
	{ "to another team's key", "encpw.asc", -1, MG_ERR_PERM,
	    "not encrypted to a team", 0 },
};

static void
test_decrypt(void **state)
{
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(dcases) / sizeof(dcases[0]); i++) {
		const struct dcase *c = &dcases[i];
		struct pgp_sig sig;
		struct mg_err err;
		struct buf out;
		char *in = slurp(c->file, &n);
		int rc;

		print_message("[ case     ] decrypt: %s\n", c->name);
		mg_err_clear(&err);
		buf_init(&out, MAXOUT);
		rc = pgp_decrypt(pg, in, n, &out, &sig, &err);
		print_message("[          ]   -> %s\n", rc == 0 ?
		    pgp_sig_str(sig.status) : err.msg);
		if (rc != c->rc)
			fail_msg("%s: rc %d (%s)", c->name, rc, err.msg);
		if (rc == 0) {
			assert_int_equal(out.len, strlen(PLAIN));
			assert_memory_equal(out.data, PLAIN, out.len);
			if (sig.status != c->sig)
				fail_msg("%s: sig %s", c->name,
				    pgp_sig_str(sig.status));
		} else {
			assert_int_equal(out.len, 0);	/* nothing shown */
			if (err.cls != c->cls ||
			    strstr(err.msg, c->msg) == NULL)
				fail_msg("%s: class %d: \"%s\"", c->name,
				    err.cls, err.msg);
		}
		buf_free(&out);
		free(in);
	}
}

static void
test_decrypt_details(void **state)
{
	struct pgp_sig sig;
	struct mg_err err;
	struct buf out;
	char fpr[PGP_FPR_MAX];
	char *in;
	size_t n;

	(void)state;
	print_message("[ case     ] sign+encrypt: signer fingerprint\n");
	fpr_of("r", "<rep@example.org>", fpr);
	in = slurp("se.asc", &n);
	buf_init(&out, MAXOUT);
	assert_int_equal(pgp_decrypt(pg, in, n, &out, &sig, &err), 0);
	assert_string_equal(sig.fpr, fpr);
	assert_int_equal(sig.weak_digest, 0);
	buf_free(&out);

	/* gpg is stopped before its integrity check: nothing may be shown */
	print_message("[ case     ] plaintext over the limit: refused, "
	    "none of it shown\n");
	buf_init(&out, 5);
	assert_int_equal(pgp_decrypt(pg, in, n, &out, &sig, &err), -1);
	assert_int_equal(err.cls, MG_ERR_PERM);
	assert_int_equal(out.len, 0);
	assert_int_not_equal(sig.status, PGP_SIG_GOOD);
	buf_free(&out);
	free(in);

	print_message("[ case     ] appends to what out holds\n");
	in = slurp("enc.asc", &n);
	buf_init(&out, MAXOUT);
	assert_int_equal(buf_puts(&out, "before:"), 0);
	assert_int_equal(pgp_decrypt(pg, in, n, &out, &sig, &err), 0);
	assert_string_equal(out.data, "before:" PLAIN);
	buf_free(&out);

	print_message("[ case     ] empty input\n");
	buf_init(&out, MAXOUT);
	assert_int_equal(pgp_decrypt(pg, "", 0, &out, &sig, &err), -1);
	assert_int_equal(err.cls, MG_ERR_PERM);
	buf_free(&out);
	free(in);
}

struct vcase {
	const char *name;
	const char *file;		/* signature, or the signed message */
	const char *data;		/* detached: the signed data file */
	int rc;
	enum pgp_sig_status sig;
	int weak;
	const char *signer;		/* whose fpr, if not NULL */
};

static const struct vcase vcases[] = {
	{ "clearsigned", "clear.asc", NULL, 0, PGP_SIG_GOOD, 0,
	    "<rep@example.org>" },
	{ "signed message", "signed.asc", NULL, 0, PGP_SIG_GOOD, 0,
	    "<rep@example.org>" },
	{ "unsigned literal data", "literal.asc", NULL, 0, PGP_SIG_NONE, 0,
	    NULL },
	{ "SHA-1: kept, flagged weak", "sha1.asc", NULL, 0, PGP_SIG_GOOD, 1,
	    "<rsa@example.org>" },
	{ "MD5: bad", "md5.asc", NULL, 0, PGP_SIG_BAD, 0, NULL },
	{ "key not in the keyring", "unk.asc", NULL, 0, PGP_SIG_UNKNOWN_KEY,
	    0, "<stranger@example.org>" },
	{ "revoked key", "rev.asc", NULL, 0, PGP_SIG_REVOKED, 0,
	    "<rev@example.org>" },
	{ "expired key", "expkey.asc", NULL, 0, PGP_SIG_EXPIRED, 0,
	    "<exp@example.org>" },
	{ "expired signature", "expsig.asc", NULL, 0, PGP_SIG_EXPIRED, 0,
	    "<old@example.org>" },
	{ "two signers: the first one's verdict", "two.asc", NULL, 0,
	    PGP_SIG_GOOD, 0, "<rep@example.org>" },
	{ "two signers, unknown first", "two_rev.asc", NULL, 0,
	    PGP_SIG_UNKNOWN_KEY, 0, "<stranger@example.org>" },
	{ "encrypted, not signed", "enc.asc", NULL, -1, 0, 0, NULL },
	{ "not OpenPGP", "garbage.txt", NULL, -1, 0, 0, NULL },
	{ "detached", "det.asc", "data.txt", 0, PGP_SIG_GOOD, 0,
	    "<rep@example.org>" },
	{ "detached, tampered data", "det.asc", "data2.txt", 0, PGP_SIG_BAD,
	    0, NULL },
	{ "detached, SHA-1", "det_sha1.asc", "data.txt", 0, PGP_SIG_GOOD, 1,
	    "<rsa@example.org>" },
	{ "detached, MD5", "det_md5.asc", "data.txt", 0, PGP_SIG_BAD, 0,
	    NULL },
	{ "detached, unknown key", "det_unk.asc", "data.txt", 0,
	    PGP_SIG_UNKNOWN_KEY, 0, "<stranger@example.org>" },
	{ "detached, signature is garbage", "garbage.txt", "data.txt", -1, 0,
	    0, NULL },
	{ "detached, signature is a message", "enc.asc", "data.txt", -1, 0,
	    0, NULL },
};

static void
test_verify(void **state)
{
	size_t i, n, dn;

	(void)state;
	for (i = 0; i < sizeof(vcases) / sizeof(vcases[0]); i++) {
		const struct vcase *c = &vcases[i];
		struct pgp_sig res;
		struct mg_err err;
		struct buf out;
		char fpr[PGP_FPR_MAX];
		char *in = slurp(c->file, &n), *data = NULL;
		int rc;

		print_message("[ case     ] verify: %s\n", c->name);
		mg_err_clear(&err);
		buf_init(&out, MAXOUT);
		if (c->data != NULL) {
			data = slurp(c->data, &dn);
			rc = pgp_verify_detached(pg, data, dn, in, n, &res,
			    &err);
		} else
			rc = pgp_verify_opaque(pg, in, n, &out, &res, &err);
		print_message("[          ]   -> %s\n", rc == 0 ?
		    pgp_sig_str(res.status) : err.msg);
		if (rc != c->rc)
			fail_msg("%s: rc %d (%s)", c->name, rc, err.msg);
		if (rc != 0) {
			if (err.cls != MG_ERR_PERM)
				fail_msg("%s: class %d: %s", c->name, err.cls,
				    err.msg);
			goto next;
		}
		if (res.status != c->sig)
			fail_msg("%s: %s", c->name, pgp_sig_str(res.status));
		assert_int_equal(res.weak_digest, c->weak);
		if (c->signer != NULL) {
			fpr_of("r", c->signer, fpr);
			assert_string_equal(res.fpr, fpr);
		}
		if (c->data == NULL && c->sig != PGP_SIG_BAD) {
			assert_int_equal(out.len, strlen(PLAIN));
			assert_memory_equal(out.data, PLAIN, out.len);
		}
next:
		buf_free(&out);
		free(data);
		free(in);
	}

	/* the check cannot finish: no verdict, not a false "bad" */
	print_message("[ case     ] verify: signed content over the limit\n");
	{
		struct pgp_sig res;
		struct mg_err err;
		struct buf out;
		char *in = slurp("signed.asc", &n);

		buf_init(&out, 5);
		assert_int_equal(pgp_verify_opaque(pg, in, n, &out, &res,
		    &err), 0);
		assert_int_equal(out.len, 5);
		assert_true(out.truncated);
		assert_int_equal(res.status, PGP_SIG_NONE);
		assert_int_equal(res.unchecked, 1);
		buf_free(&out);
		free(in);
	}
}

static void
test_sig_str(void **state)
{
	(void)state;
	assert_string_equal(pgp_sig_str(PGP_SIG_NONE), "none");
	assert_string_equal(pgp_sig_str(PGP_SIG_GOOD), "good");
	assert_string_equal(pgp_sig_str(PGP_SIG_BAD), "bad");
	assert_string_equal(pgp_sig_str(PGP_SIG_EXPIRED), "expired");
	assert_string_equal(pgp_sig_str(PGP_SIG_REVOKED), "revoked");
	assert_string_equal(pgp_sig_str(PGP_SIG_UNKNOWN_KEY), "unknown-key");
}

/* in_keyring - does gpg list who in the keyring (secret: as a secret)? */
static int
in_keyring(const char *who, int secret)
{
	return sh("gpg --homedir $B/k --batch --with-colons %s '%s' "
	    ">/dev/null 2>&1", secret ? "--list-secret-keys" :
	    "--list-keys", who) == 0;
}

static void
test_import(void **state)
{
	struct mg_err err;
	char fpr[PGP_FPR_MAX], want[PGP_FPR_MAX];

	(void)state;
	print_message("[ case     ] matching key kept, address case "
	    "ignored\n");
	fpr_of("r", "<rep@example.org>", want);
	assert_int_equal(import_file("rep.pub", "<REP@Example.ORG>", fpr,
	    &err), 1);
	assert_string_equal(fpr, want);

	print_message("[ case     ] key for another address: removed "
	    "again\n");
	assert_int_equal(import_file("stranger.pub", "rep@example.org", fpr,
	    &err), 0);
	assert_string_equal(fpr, "");
	assert_false(in_keyring("<stranger@example.org>", 0));

	print_message("[ case     ] a held key offered for another address: "
	    "left alone\n");
	assert_int_equal(import_file("rep.pub", "someone@example.org", fpr,
	    &err), 0);
	assert_true(in_keyring("<rep@example.org>", 0));

	print_message("[ case     ] secret key: public part only\n");
	assert_int_equal(import_file("sec.key", "sec@example.org", fpr, &err),
	    1);
	fpr_of("r", "<sec@example.org>", want);
	assert_string_equal(fpr, want);
	assert_true(in_keyring("<sec@example.org>", 0));
	assert_false(in_keyring("<sec@example.org>", 1));
	assert_int_equal(sh("[ -z \"$(ls -A $B/k/private-keys-v1.d "
	    "2>/dev/null)\" ]"), 0);

	print_message("[ case     ] no key in the data\n");
	assert_int_equal(import_file("garbage.txt", "rep@example.org", fpr,
	    &err), 0);

	print_message("[ case     ] no address\n");
	assert_int_equal(pgp_import_for(pg, "x", 1, "", fpr, &err), -1);
	assert_int_equal(err.cls, MG_ERR_PERM);
}

static void
check_conf(const char *home)
{
	static const char *const want[] = { "no-auto-key-retrieve",
	    "no-auto-key-import", "auto-key-locate clear,local",
	    "keyserver-options no-auto-key-retrieve", "disable-dirmngr",
	    "trust-model always" };
	struct stat st;
	char rel[64];
	char *conf;
	size_t i;

	(void)snprintf(rel, sizeof(rel), "%s/gpg.conf", home);
	conf = slurp(rel, NULL);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (strstr(conf, want[i]) == NULL)
			fail_msg("%s: no \"%s\"", rel, want[i]);
	free(conf);
	assert_int_equal(stat(path(rel), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	(void)snprintf(rel, sizeof(rel), "%s/gpg-agent.conf", home);
	conf = slurp(rel, NULL);
	assert_non_null(strstr(conf, "allow-loopback-pinentry"));
	free(conf);
	assert_int_equal(stat(path(home), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
}

/*
 * conf_accepted - gpg 2.2.40 only warns about a bad option and still exits
 * 0, so read its stderr as well as its status.
 */
static int
conf_accepted(const char *home)
{
	return sh("gpg --homedir $B/%s --batch --list-keys >/dev/null 2>$B/"
	    "gpg.err && ! grep -q 'gpg.conf' $B/gpg.err && gpg-agent --homedir"
	    " $B/%s --gpgconf-test 2>$B/gpg.err && ! grep -q 'gpg-agent.conf'"
	    " $B/gpg.err", home, home)
	    == 0;
}

static void
test_home_setup(void **state)
{
	struct mg_err err;
	struct stat st1, st2;
	char *c1, *c2;

	(void)state;
	print_message("[ case     ] fresh home\n");
	assert_int_equal(pgp_home_setup(path("h"), &err), 0);
	check_conf("h");
	assert_true(conf_accepted("h"));

	print_message("[ case     ] the team and keyring homes\n");
	check_conf("t");
	check_conf("k");

	print_message("[ case     ] idempotent: a complete file is left "
	    "alone\n");
	assert_int_equal(stat(path("h/gpg.conf"), &st1), 0);
	c1 = slurp("h/gpg.conf", NULL);
	assert_int_equal(pgp_home_setup(path("h"), &err), 0);
	assert_int_equal(stat(path("h/gpg.conf"), &st2), 0);
	c2 = slurp("h/gpg.conf", NULL);
	assert_string_equal(c1, c2);
	assert_int_equal(st1.st_ino, st2.st_ino);
	free(c1);
	free(c2);

	print_message("[ case     ] an operator's file: missing lines "
	    "appended\n");
	assert_int_equal(mkdir(path("h2"), 0700), 0);
	put("h2/gpg.conf", "keyid-format long\nauto-key-locate wkd\n", 38);
	assert_int_equal(pgp_home_setup(path("h2"), &err), 0);
	check_conf("h2");
	c1 = slurp("h2/gpg.conf", NULL);
	assert_non_null(strstr(c1, "keyid-format long\n"));
	free(c1);
	assert_true(conf_accepted("h2"));

	print_message("[ case     ] the acceptance check catches a bad "
	    "option\n");
	assert_int_equal(sh("echo no-such-option >> $B/h2/gpg.conf"), 0);
	assert_false(conf_accepted("h2"));

	print_message("[ case     ] the team home reads the keyring\n");
	assert_int_equal(pgp_homes_setup(path("lt"), path("lk"), &err), 0);
	c1 = slurp("lt/gpg.conf", NULL);
	c2 = xasprintf("\nkeyring %s/pubring.kbx\n", path("lk"));
	assert_non_null(strstr(c1, c2));
	free(c1);
	free(c2);
	assert_int_equal(stat(path("lk/pubring.kbx"), &st1), 0);
	assert_int_equal(st1.st_size, 0);	/* gpg takes it as a keybox */
	assert_true(conf_accepted("lt"));
	assert_int_equal(sh("gpg --homedir $B/lt --batch --list-keys "
	    "2>&1 | grep -q .; test $? -ne 0"), 0);	/* not a word */

	print_message("[ case     ] keyring link idempotent\n");
	assert_int_equal(stat(path("lt/gpg.conf"), &st1), 0);
	assert_int_equal(pgp_homes_setup(path("lt"), path("lk"), &err), 0);
	assert_int_equal(stat(path("lt/gpg.conf"), &st2), 0);
	assert_int_equal(st1.st_ino, st2.st_ino);

	print_message("[ case     ] keyring moved: the old line replaced\n");
	assert_int_equal(pgp_homes_setup(path("lt"), path("lk2"), &err), 0);
	c1 = slurp("lt/gpg.conf", NULL);
	c2 = xasprintf("\nkeyring %s/pubring.kbx\n", path("lk2"));
	assert_non_null(strstr(c1, c2));
	free(c2);
	c2 = xasprintf("keyring %s/pubring.kbx", path("lk"));
	assert_null(strstr(c1, c2));
	assert_non_null(strstr(c1, "no-auto-key-retrieve\n"));
	free(c1);
	free(c2);

	print_message("[ case     ] home is a file\n");
	put("afile", "x", 1);
	assert_int_equal(pgp_home_setup(path("afile"), &err), -1);
	assert_int_equal(err.cls, MG_ERR_TEMP);
}

/* decrypt_with - open (tp, k, passfile) and decrypt encpw.asc */
static int
decrypt_with(const char *passfile, struct mg_err *err)
{
	struct pgp *p = NULL;
	struct pgp_sig sig;
	struct buf out;
	size_t n;
	char *in = slurp("encpw.asc", &n);
	int rc;

	/* forget a passphrase the agent may have cached */
	(void)sh("gpgconf --homedir $B/tp --reload gpg-agent");
	rc = pgp_open(path("tp"), path("k"), passfile, &p, err);
	if (rc == 0) {
		buf_init(&out, MAXOUT);
		rc = pgp_decrypt(p, in, n, &out, &sig, err);
		if (rc == 0 && (out.len != strlen(PLAIN) ||
		    memcmp(out.data, PLAIN, out.len) != 0))
			rc = -2;
		buf_free(&out);
		pgp_close(&p);
		assert_null(p);
	}
	print_message("[          ]   -> %s\n", rc == 0 ? "decrypted" :
	    err->msg);
	free(in);
	return rc;
}

static void
test_passphrase(void **state)
{
	struct mg_err err;
	time_t t0;

	(void)state;
	put("pw.ok", "pw\n", 3);
	put("pw.bad", "wrong\n", 6);
	put("pw.open", "pw\n", 3);
	put("pw.two", "pw\nmore\n", 8);
	assert_int_equal(chmod(path("pw.ok"), 0600), 0);
	assert_int_equal(chmod(path("pw.bad"), 0600), 0);
	assert_int_equal(chmod(path("pw.open"), 0644), 0);
	assert_int_equal(chmod(path("pw.two"), 0600), 0);
	assert_int_equal(symlink(path("pw.ok"), path("pw.link")), 0);

	print_message("[ case     ] passphrase file 0644: refused\n");
	assert_int_equal(decrypt_with(path("pw.open"), &err), -1);
	assert_int_equal(err.cls, MG_ERR_TEMP);
	assert_non_null(strstr(err.msg, "0600"));

	print_message("[ case     ] passphrase file is a symlink: refused\n");
	assert_int_equal(decrypt_with(path("pw.link"), &err), -1);
	assert_int_equal(err.cls, MG_ERR_TEMP);
	assert_non_null(strstr(err.msg, "symbolic link"));

	print_message("[ case     ] passphrase file missing\n");
	assert_int_equal(decrypt_with(path("pw.none"), &err), -1);
	assert_int_equal(err.cls, MG_ERR_TEMP);

	print_message("[ case     ] passphrase file with two lines\n");
	assert_int_equal(decrypt_with(path("pw.two"), &err), -1);
	assert_int_equal(err.cls, MG_ERR_TEMP);

	print_message("[ case     ] protected key, no passphrase file\n");
	assert_int_equal(decrypt_with(NULL, &err), -1);
	assert_int_equal(err.cls, MG_ERR_TEMP);
	assert_non_null(strstr(err.msg, "no passphrase file"));

	print_message("[ case     ] wrong passphrase: fails fast\n");
	t0 = time(NULL);
	assert_int_equal(decrypt_with(path("pw.bad"), &err), -1);
	assert_int_equal(err.cls, MG_ERR_TEMP);
	assert_non_null(strstr(err.msg, "wrong passphrase"));
	assert_true(time(NULL) - t0 < 20);

	print_message("[ case     ] right passphrase\n");
	if (decrypt_with(path("pw.ok"), &err) != 0)
		fail_msg("right passphrase: %s", err.msg);
}

/* open_and_decrypt - (team, k): decrypt enc.asc */
static int
open_and_decrypt(const char *team, struct mg_err *err)
{
	struct pgp *p = NULL;
	struct pgp_sig sig;
	struct buf out;
	size_t n;
	char *in = slurp("enc.asc", &n);
	int rc;

	mg_err_clear(err);
	rc = pgp_open(team, path("k"), NULL, &p, err);
	if (rc == 0) {
		buf_init(&out, MAXOUT);
		rc = pgp_decrypt(p, in, n, &out, &sig, err);
		if (rc != 0)
			assert_int_equal(out.len, 0);
		else
			assert_string_equal(out.data, PLAIN);
		buf_free(&out);
		pgp_close(&p);
	}
	print_message("[          ]   -> %s\n", rc == 0 ? "decrypted" :
	    err->msg);
	free(in);
	return rc;
}

static void
test_engine_unavailable(void **state)
{
	struct mg_err err;
	char longhome[256], fpr[PGP_FPR_MAX];
	struct pgp_sig res;
	struct buf out;
	size_t n;
	char *in;

	(void)state;
	/* > 107 bytes: gpg-agent cannot bind its socket */
	(void)snprintf(longhome, sizeof(longhome), "%s/long/%0100d", base, 0);
	assert_int_equal(util_mkdirs(longhome, 0700, &err), 0);

	print_message("[ case     ] team key generation, agent cannot "
	    "start\n");
	assert_int_equal(pgp_team_keygen(longhome, "X <x@example.net>", fpr,
	    &err), -1);
	assert_int_equal(err.cls, MG_ERR_TEMP);

	print_message("[ case     ] team home with the keys, agent cannot "
	    "start\n");
	RUN("cp -a $B/t/. %s/ && rm -f %s/S.*", longhome, longhome);
	assert_int_equal(open_and_decrypt(longhome, &err), -1);
	if (err.cls != MG_ERR_TEMP || strstr(err.msg, "agent") == NULL)
		fail_msg("long home: class %d: %s", err.cls, err.msg);

	print_message("[ case     ] empty team home\n");
	assert_int_equal(open_and_decrypt(path("e"), &err), -1);
	assert_int_equal(err.cls, MG_ERR_TEMP);

	print_message("[ case     ] team home is a file\n");
	put("tfile", "x", 1);
	assert_int_equal(open_and_decrypt(path("tfile"), &err), -1);
	assert_int_equal(err.cls, MG_ERR_TEMP);

	print_message("[ case     ] team home and keyring the same\n");
	{
		struct pgp *p = NULL;

		assert_int_equal(pgp_open(path("k"), path("k"), NULL, &p,
		    &err), -1);
		assert_int_equal(err.cls, MG_ERR_TEMP);
		assert_null(p);
	}

	/* gpg missing: point gpgme's default engine at nothing */
	print_message("[ case     ] gpg binary missing: decrypt\n");
	assert_non_null(gpgme_check_version(NULL));
	assert_int_equal(gpgme_set_engine_info(GPGME_PROTOCOL_OpenPGP,
	    "/nonexistent/gpg", NULL), 0);
	assert_int_equal(open_and_decrypt(path("t"), &err), -1);
	if (err.cls != MG_ERR_TEMP)
		fail_msg("gpg missing: class %d: %s", err.cls, err.msg);

	print_message("[ case     ] gpg binary missing: verify\n");
	in = slurp("clear.asc", &n);
	{
		struct pgp *p = NULL;

		assert_int_equal(pgp_open(path("t"), path("k"), NULL, &p,
		    &err), 0);
		buf_init(&out, MAXOUT);
		assert_int_equal(pgp_verify_opaque(p, in, n, &out, &res,
		    &err), -1);
		assert_int_equal(err.cls, MG_ERR_TEMP);
		assert_int_equal(res.status, PGP_SIG_BAD);
		buf_free(&out);
		assert_int_equal(pgp_import_for(p, in, n, "rep@example.org",
		    fpr, &err), -1);
		assert_int_equal(err.cls, MG_ERR_TEMP);
		pgp_close(&p);
	}
	free(in);
	assert_int_equal(gpgme_set_engine_info(GPGME_PROTOCOL_OpenPGP, NULL,
	    NULL), 0);
	print_message("[ case     ] gpg back\n");
	assert_int_equal(open_and_decrypt(path("t"), &err), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sig_str),
		cmocka_unit_test(test_home_setup),
		cmocka_unit_test(test_decrypt),
		cmocka_unit_test(test_decrypt_details),
		cmocka_unit_test(test_verify),
		cmocka_unit_test(test_import),
		cmocka_unit_test(test_passphrase),
		cmocka_unit_test(test_engine_unavailable),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
