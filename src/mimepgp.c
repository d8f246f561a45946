/*
 * mimepgp.c - the OpenPGP entities met while walking a message: PGP/MIME
 * (RFC 3156) encrypted and signed parts, Exchange's "mixed-up" re-wrapping
 * of PGP/MIME, inline armored blocks in text, encrypted files, attached
 * keys and Autocrypt headers.
 *
 * What it decrypts or verifies goes back to the walk as text, parts or
 * attachments, so the report reads the same however it was protected.
 * The verdict lands on the message only when the protected entity stands
 * for the whole message; a signature over one part flags "partly-signed"
 * instead.  The engine itself is behind struct mime_crypto: an outage
 * there stops the walk (w->failed) so the message waits in the spool,
 * while a message we cannot decrypt is flagged "undecryptable" and read
 * on.  Decrypted bytes are wiped before they are freed.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "madoguchi/buf.h"
#include "madoguchi/charset.h"
#include "madoguchi/cte.h"
#include "madoguchi/util.h"
#include "madoguchi/xalloc.h"

#include "mime_int.h"

#define ARMOR_MSG	"-----BEGIN PGP MESSAGE-----"
#define ARMOR_MSG_END	"-----END PGP MESSAGE-----"
#define ARMOR_SIGNED	"-----BEGIN PGP SIGNED MESSAGE-----"
#define ARMOR_SIG_END	"-----END PGP SIGNATURE-----"
#define ARMOR_KEY	"-----BEGIN PGP PUBLIC KEY BLOCK-----"

#define MAX_CRYPTO_OPS	32	/* decryptions and verifications per message */
#define MAX_ENC_DEPTH	3	/* encrypted inside encrypted inside ... */

/* one more engine run allowed? (each costs gpg processes) */
static int
budget(struct walk *w)
{
	if (w->crypto_ops >= MAX_CRYPTO_OPS) {
		SET(w->msg, MIME_F_TOO_MANY_PARTS);
		return 0;
	}
	w->crypto_ops++;
	return 1;
}

/* --- calling the engine ------------------------------------------------- */

/*
 * Each wrapper returns 0 on success, -1 when the input was at fault (the
 * caller flags it), and sets w->failed on an engine outage.
 */
static int
outcome(struct walk *w, int rc, struct mg_err *e)
{
	if (rc == 0)
		return 0;
	if (e->cls == MG_ERR_TEMP && !w->failed) {
		w->failed = 1;
		if (w->err != NULL)
			*w->err = *e;
	}
	return -1;
}

static int
do_decrypt(struct walk *w, const char *in, size_t len, struct buf *out,
    struct pgp_sig *sig)
{
	struct mg_err e;

	mg_err_clear(&e);
	memset(sig, 0, sizeof(*sig));
	/* all plaintext of one message together stays under the limit */
	buf_init_secret(out, w->lim->max_decrypted > w->decrypted ?
	    w->lim->max_decrypted - w->decrypted : 0);
	if (!budget(w))
		return -1;
	if (outcome(w, w->crypto->decrypt(w->crypto->ctx, in, len, out, sig,
	    &e), &e) != 0)
		return -1;
	w->decrypted += out->len;
	return 0;
}

/* put a verdict where it belongs: the message, or a flag */
static void
record_sig(struct walk *w, const struct pgp_sig *sig, int whole)
{
	struct mime_msg *m = w->msg;

	if (sig->unchecked)
		SET(m, MIME_F_SIG_UNCHECKED);
	if (sig->status == PGP_SIG_NONE)
		return;
	if (sig->weak_digest)
		SET(m, MIME_F_WEAK_DIGEST);
	if (whole && m->sig.status == PGP_SIG_NONE)
		m->sig = *sig;
	else if (!whole)
		SET(m, MIME_F_PARTLY_SIGNED);
}

static void
record_encrypted(struct walk *w, int whole)
{
	/* any encrypted content makes the message confidential */
	w->msg->encrypted = 1;
	if (!whole)
		SET(w->msg, MIME_F_PARTLY_ENCRYPTED);
}

/* --- PGP/MIME ------------------------------------------------------------ */

static int
ieq(const char *a, const char *b)
{
	return a != NULL && strcasecmp(a, b) == 0;
}

/* decrypted MIME: parse it and walk it in place of the encrypted part */
static void
walk_plaintext(struct walk *w, const struct buf *plain, size_t depth,
    int whole)
{
	struct mailmime *root = mime_parse_bounded(w, plain->data ?
	    plain->data : "", plain->len);
	struct mailmime *inner;

	if (root == NULL)
		return;
	inner = root->mm_type == MAILMIME_MESSAGE ?
	    root->mm_data.mm_message.mm_msg_mime : root;
	/* protected headers: the real Subject travels inside */
	if (whole && inner != NULL && inner->mm_content_type != NULL &&
	    mailmime_content_param_get(inner->mm_content_type,
	    "protected-headers") != NULL) {
		char *subj = mime_header_in(w, plain->data, plain->len,
		    "Subject");

		if (subj != NULL) {
			free(w->msg->subject);
			w->msg->subject = subj;
		}
	}
	mime_walk(w, inner, depth + 1, whole);
	mailmime_free(root);
}

/* the encrypted payload of multipart/encrypted (or its Exchange mangling) */
static void
encrypted_payload(struct walk *w, struct mailmime *payload, size_t depth,
    int whole)
{
	struct pgp_sig sig;
	struct buf plain;
	char *ct;
	size_t len;

	record_encrypted(w, whole);
	if (payload == NULL || w->enc_depth >= MAX_ENC_DEPTH) {
		SET(w->msg, MIME_F_UNDECRYPTABLE);
		return;
	}
	mime_decode_part(w, payload, &ct, &len);
	if (do_decrypt(w, ct, len, &plain, &sig) != 0) {
		if (!w->failed)
			SET(w->msg, MIME_F_UNDECRYPTABLE);
	} else {
		if (plain.truncated)
			SET(w->msg, MIME_F_TEXT_TRUNCATED);
		record_sig(w, &sig, whole);
		w->enc_depth++;
		walk_plaintext(w, &plain, depth, whole);
		w->enc_depth--;
	}
	buf_free(&plain);
	free(ct);
}

/* RFC 3156 section 5: the signed data is part 1 exactly, lines in CRLF */
static char *
canonical(const char *p, size_t len, size_t *n_r)
{
	struct buf b;
	size_t i;

	buf_init(&b, len * 2 + 1);
	for (i = 0; i < len; i++) {
		if (p[i] == '\n' && (i == 0 || p[i - 1] != '\r'))
			(void)buf_putc(&b, '\r');
		(void)buf_putc(&b, p[i]);
	}
	return buf_steal(&b, n_r);
}

static void
signed_parts(struct walk *w, struct mailmime *p, size_t depth, int whole)
{
	clist *parts = p->mm_data.mm_multipart.mm_mp_list;
	struct mailmime *data = clist_nth_data(parts, 0);
	struct mailmime *sigp = clist_nth_data(parts, 1);
	struct pgp_sig res;
	struct mg_err e;
	char *canon, *sig;
	size_t clen, slen;

	if (data == NULL)
		return;
	if (sigp != NULL && data->mm_mime_start != NULL) {
		canon = canonical(data->mm_mime_start, data->mm_length, &clen);
		mime_decode_part(w, sigp, &sig, &slen);
		mg_err_clear(&e);
		memset(&res, 0, sizeof(res));
		if (!budget(w))
			res.status = PGP_SIG_BAD;	/* not checked: not good */
		else if (outcome(w, w->crypto->verify_detached(w->crypto->ctx,
		    canon, clen, sig, slen, &res, &e), &e) != 0 && !w->failed)
			res.status = PGP_SIG_BAD;	/* unreadable signature */
		record_sig(w, &res, whole);
		free(canon);
		free(sig);
	}
	mime_walk(w, data, depth + 1, whole);
}

/* draft-dkg-openpgp-pgpmime-message-mangling: Exchange's re-wrapping */
static struct mailmime *
mangled_payload(struct mailmime *p)
{
	clist *parts = p->mm_data.mm_multipart.mm_mp_list;
	struct mailmime *a, *b, *c;
	char *ta, *tb, *tc;
	int ok;

	if (clist_count(parts) != 3)
		return NULL;
	a = clist_nth_data(parts, 0);
	b = clist_nth_data(parts, 1);
	c = clist_nth_data(parts, 2);
	ta = mime_ctype(a);
	tb = mime_ctype(b);
	tc = mime_ctype(c);
	ok = strcmp(ta, "text/plain") == 0 &&
	    strcmp(tb, "application/pgp-encrypted") == 0 &&
	    strcmp(tc, "application/octet-stream") == 0 &&
	    a->mm_type == MAILMIME_SINGLE && a->mm_data.mm_single != NULL &&
	    a->mm_data.mm_single->dt_data.dt_text.dt_length <= 2;
	free(ta);
	free(tb);
	free(tc);
	return ok ? c : NULL;
}

int
mimepgp_multipart(struct walk *w, struct mailmime *p, const char *ctype,
    size_t depth, int whole)
{
	const char *proto = mailmime_content_param_get(p->mm_content_type,
	    "protocol");
	struct mailmime *payload;

	if (strcmp(ctype, "multipart/encrypted") == 0 &&
	    ieq(proto, "application/pgp-encrypted")) {
		encrypted_payload(w, clist_nth_data(
		    p->mm_data.mm_multipart.mm_mp_list, 1), depth, whole);
		return 1;
	}
	if (strcmp(ctype, "multipart/signed") == 0 &&
	    ieq(proto, "application/pgp-signature")) {
		signed_parts(w, p, depth, whole);
		return 1;
	}
	if (strcmp(ctype, "multipart/mixed") == 0 &&
	    (payload = mangled_payload(p)) != NULL) {
		encrypted_payload(w, payload, depth, whole);
		return 1;
	}
	return 0;
}

/* --- inline PGP ----------------------------------------------------------- */

/* the next armor line beginning with marker at a line start, or NULL */
static const char *
find_line(const char *p, const char *end, const char *marker)
{
	size_t ml = strlen(marker);
	const char *q = p;

	while (q < end && (q = memmem(q, (size_t)(end - q), marker, ml)) !=
	    NULL) {
		if (q == p || q[-1] == '\n')
			return q;
		q += ml;
	}
	return NULL;
}

static const char *
line_end(const char *q, const char *end)
{
	const char *nl = memchr(q, '\n', (size_t)(end - q));

	return nl ? nl + 1 : end;
}

static int
blank(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isspace((unsigned char)p[i]))
			return 0;
	return 1;
}

/* open one armored block: decrypt a message, or verify a signed one */
static int
open_block(struct walk *w, const char *b, size_t n, int is_signed,
    struct buf *out, struct pgp_sig *sig, int *was_encrypted)
{
	struct mg_err e;

	*was_encrypted = 0;
	if (!is_signed) {
		if (do_decrypt(w, b, n, out, sig) == 0) {
			*was_encrypted = 1;
			return 0;
		}
		if (w->failed)
			return -1;
		buf_free(out);
		/* an armored PGP MESSAGE may be signed only */
	}
	mg_err_clear(&e);
	memset(sig, 0, sizeof(*sig));
	buf_init_secret(out, w->lim->max_decrypted > w->decrypted ?
	    w->lim->max_decrypted - w->decrypted : 0);
	if (!budget(w))
		return -1;
	if (outcome(w, w->crypto->verify_opaque(w->crypto->ctx, b, n, out,
	    sig, &e), &e) != 0)
		return -1;
	w->decrypted += out->len;
	return 0;
}

int
mimepgp_text(struct walk *w, const char *label, const char *data,
    size_t len, int whole)
{
	const char *end = data + len, *p = data;
	struct pgp_sig first = { .status = PGP_SIG_NONE };
	struct buf text;
	int nblocks = 0, nsigned = 0, clear_text = 0, any_enc = 0;

	if (memmem(data, len, "-----BEGIN PGP ", 15) == NULL)
		return 0;
	buf_init_secret(&text, len + w->lim->max_decrypted);
	while (p < end && !w->failed) {
		const char *m1 = find_line(p, end, ARMOR_MSG);
		const char *m2 = find_line(p, end, ARMOR_SIGNED);
		const char *b, *e;
		int is_signed, enc;
		struct pgp_sig sig;
		struct buf out;

		b = m1 && (!m2 || m1 < m2) ? m1 : m2;
		if (b == NULL)
			break;
		is_signed = b == m2;
		e = find_line(b, end, is_signed ? ARMOR_SIG_END : ARMOR_MSG_END);
		if (e == NULL)
			break;		/* unterminated armor: leave it as text */
		e = line_end(e, end);
		clear_text |= !blank(p, (size_t)(b - p));
		(void)buf_append(&text, p, (size_t)(b - p));
		nblocks++;
		if (open_block(w, b, (size_t)(e - b), is_signed, &out, &sig,
		    &enc) == 0) {
			any_enc |= enc;
			(void)buf_append(&text, out.data ? out.data : "",
			    out.len);
		} else if (!w->failed) {
			memset(&sig, 0, sizeof(sig));
			if (is_signed)
				sig.status = PGP_SIG_BAD;	/* unverifiable */
			else {
				any_enc = 1;
				SET(w->msg, MIME_F_UNDECRYPTABLE);
			}
			/* keep what could not be opened, as evidence */
			(void)buf_append(&text, b, (size_t)(e - b));
		}
		if (sig.status != PGP_SIG_NONE && nsigned++ == 0)
			first = sig;
		buf_free(&out);
		p = e;
	}
	if (nblocks == 0 || w->failed) {
		buf_free(&text);
		return w->failed;
	}
	clear_text |= !blank(p, (size_t)(end - p));
	(void)buf_append(&text, p, (size_t)(end - p));
	mime_append_text(w, label, text.data, text.len, 0);
	buf_free(&text);
	/*
	 * The block stands for the message only if it is the only thing said:
	 * one block and no clear text.  With two blocks, a good signature on
	 * one (perhaps copied from elsewhere) says nothing about the other.
	 */
	whole = whole && nblocks == 1 && !clear_text;
	if (any_enc)
		record_encrypted(w, whole);
	record_sig(w, &first, whole);
	return 1;
}

/* --- OpenPGP files ---------------------------------------------------------- */

static int
has_suffix(const char *s, const char *suffix)
{
	size_t n = s ? strlen(s) : 0, k = strlen(suffix);

	return n > k && strcasecmp(s + n - k, suffix) == 0;
}

/* the tag of the OpenPGP packet starting d (old or new format), or -1 */
static int
packet_tag(const unsigned char *d, size_t len)
{
	if (len < 2 || !(d[0] & 0x80))
		return -1;
	return (d[0] & 0x40) ? (d[0] & 0x3f) : ((d[0] & 0x3c) >> 2);
}

/* binary OpenPGP: the first packet is an encrypted session key, a
 * compressed, one-pass-signature or signature packet */
static int
binary_pgp(const unsigned char *d, size_t len)
{
	int tag = packet_tag(d, len);

	return tag == 1 || tag == 3 || tag == 4 || tag == 8 || tag == 2;
}

/* a binary transferable public key starts with a public-key packet */
static int
binary_key(const unsigned char *d, size_t len)
{
	return packet_tag(d, len) == 6;
}

static void
import(struct walk *w, const char *data, size_t len, const char *addr)
{
	struct mg_err e;
	int n;

	/* no importer: a dry run ("route --explain") stores nothing */
	if (addr == NULL || w->crypto->import_keys == NULL)
		return;
	mg_err_clear(&e);
	n = w->crypto->import_keys(w->crypto->ctx, data, len, addr, &e);
	if (n > 0)
		w->msg->keys_imported += n;
	else if (n < 0)
		(void)outcome(w, -1, &e);
}

/* the decrypted file: as the message itself, or as an attachment */
static void
opened_file(struct walk *w, const char *fname, const struct buf *plain,
    size_t depth, int whole)
{
	const char *d = plain->data ? plain->data : "";
	char *name = NULL;

	if (whole) {
		/* an encrypted body sent as a lone application/pgp-encrypted */
		if (strncasecmp(d, "Content-Type:", 13) == 0 ||
		    strncasecmp(d, "MIME-Version:", 13) == 0)
			walk_plaintext(w, plain, depth, 1);
		else
			mime_append_text(w, NULL, d, plain->len, 0);
		return;
	}
	if (fname != NULL) {
		name = xstrdup(fname);
		if (has_suffix(name, ".gpg") || has_suffix(name, ".pgp") ||
		    has_suffix(name, ".asc"))
			name[strlen(name) - 4] = '\0';
	}
	mime_add_file(w, name, "application/octet-stream", d, plain->len);
	/* a decrypted text file is read like the report text */
	if (memchr(d, '\0', plain->len) == NULL &&
	    charset_utf8_valid((const unsigned char *)d, plain->len)) {
		struct buf head;

		buf_init(&head, 1200);
		(void)buf_printf(&head, "[%s, decrypted]\n",
		    name ? name : "attachment");
		mime_append_text(w, "utf-8", head.data, head.len, 0);
		buf_free(&head);
		mime_append_text(w, "utf-8", d, plain->len, 0);
	}
	free(name);
}

int
mimepgp_leaf(struct walk *w, struct mailmime *p, const char *ctype,
    size_t depth, int whole)
{
	char *fname = mime_part_filename(w, p), *data = NULL;
	int is_key = strcmp(ctype, "application/pgp-keys") == 0;
	int pgp_named = has_suffix(fname, ".gpg") || has_suffix(fname, ".pgp") ||
	    has_suffix(fname, ".asc") || has_suffix(fname, ".key");
	int handled = 0, is_signed, enc;
	struct pgp_sig sig;
	struct buf plain;
	size_t len;

	if (!is_key && !pgp_named &&
	    strcmp(ctype, "application/pgp-encrypted") != 0) {
		free(fname);
		return 0;
	}
	mime_decode_part(w, p, &data, &len);
	/* the content decides, not the label: mutt sends an encrypted .asc
	 * file as application/pgp-keys */
	if (find_line(data, data + len, ARMOR_KEY) != NULL ||
	    (is_key && binary_key((const unsigned char *)data, len))) {
		/* imported after the walk; kept as an attachment too */
		w->keys = xrealloc(w->keys, (w->nkeys + 1) * sizeof(*w->keys));
		w->keys[w->nkeys].data = xmemdup(data, len);
		w->keys[w->nkeys].len = len;
		w->nkeys++;
		goto out;
	}
	is_signed = find_line(data, data + len, ARMOR_SIGNED) != NULL;
	if (!is_signed && find_line(data, data + len, ARMOR_MSG) == NULL &&
	    !binary_pgp((const unsigned char *)data, len))
		goto out;	/* "Version: 1", a detached signature, ... */
	if (open_block(w, data, len, is_signed, &plain, &sig, &enc) == 0) {
		if (enc)
			record_encrypted(w, whole);
		record_sig(w, &sig, whole);
		opened_file(w, fname, &plain, depth, whole);
		handled = 1;
	} else if (w->failed)
		handled = 1;
	else if (!is_signed) {
		record_encrypted(w, whole);
		SET(w->msg, MIME_F_UNDECRYPTABLE);
	}
	buf_free(&plain);
out:
	free(data);
	free(fname);
	return handled;
}

/* --- Autocrypt ---------------------------------------------------------- */

/* the value of attribute name in an Autocrypt header, or NULL; free() */
static char *
ac_attr(const char *v, const char *name)
{
	size_t nl = strlen(name);
	const char *p = v;

	while (p != NULL && *p != '\0') {
		while (*p == ' ' || *p == ';')
			p++;
		if (strncasecmp(p, name, nl) == 0 && p[nl] == '=') {
			const char *b = p + nl + 1, *e = strchr(b, ';');

			return xstrndup(b, e ? (size_t)(e - b) : strlen(b));
		}
		p = strchr(p, ';');
	}
	return NULL;
}

static void
autocrypt(struct walk *w)
{
	const char *v = mime_header_get(w->msg, "Autocrypt");
	char *addr = NULL, *keydata = NULL, *key = NULL;
	unsigned f = 0;
	size_t n;

	if (v == NULL || w->msg->from == NULL)
		return;
	addr = ac_attr(v, "addr");
	keydata = ac_attr(v, "keydata");
	/* Autocrypt speaks for the sender only (Autocrypt 1.1, 2.3) */
	if (addr != NULL && keydata != NULL &&
	    strcasecmp(addr, w->msg->from) == 0) {
		cte_decode(CTE_BASE64, keydata, strlen(keydata), &key, &n, &f);
		if (n > 0)
			import(w, key, n, w->msg->from);
		free(key);
	}
	free(addr);
	free(keydata);
}

void
mimepgp_import_keys(struct walk *w)
{
	size_t i;

	/* the sender may only speak for the sender's own address */
	for (i = 0; i < w->nkeys && !w->failed; i++)
		import(w, w->keys[i].data, w->keys[i].len, w->msg->from);
	if (!w->failed)
		autocrypt(w);
}
