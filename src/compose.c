/*
 * compose.c - outbound mail (compose.h).
 *
 * libetpan builds the structure and writes it (CRLF, folding, the
 * quoted-printable body); we supply what it does not do: RFC 2047
 * encoding (its writer sends UTF-8 raw), our own Message-ID and
 * boundaries (its defaults come from an unseeded random() and name the
 * host), and the rule that a part is attached to its parent before it is
 * written, else its own headers are left out of the signed bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <libetpan/libetpan.h>

#include "madoguchi/compose.h"
#include "madoguchi/cte.h"
#include "madoguchi/pgp.h"
#include "madoguchi/util.h"
#include "madoguchi/xalloc.h"

#define WORD_BYTES	45	/* 60 base64 chars: 72 with "=?UTF-8?B?" "?=" */
#define SUBJECT_CHARS	200
#define MAX_REFS	20

/* --- header text -------------------------------------------------------- */

static size_t
utf8_len(unsigned char c)
{
	return c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
}

/* header_text - see compose_header_text; force: encode even plain ASCII */
static char *
header_text(const char *utf8, size_t max_chars, int force)
{
	struct buf clean, out;
	const unsigned char *p = (const unsigned char *)(utf8 ? utf8 : "");
	size_t chars = 0, i, n, w;
	int ascii = 1;

	buf_init(&clean, 4 * max_chars + 1);
	while (*p != '\0' && chars < max_chars) {
		n = utf8_len(*p);
		for (i = 1; i < n; i++)
			if ((p[i] & 0xc0) != 0x80)
				break;
		if (i < n || *p >= 0xf8 || (*p >= 0x80 && *p < 0xc0)) {
			n = i;			/* broken sequence: one '?' */
			(void)buf_putc(&clean, '?');
		} else if (*p < 0x20 || *p == 0x7f) {
			/* CR, LF, TAB and every other control: a space */
			if (clean.len > 0 && clean.data[clean.len - 1] != ' ')
				(void)buf_putc(&clean, ' ');
		} else if (*p == ' ') {
			if (clean.len > 0 && clean.data[clean.len - 1] != ' ')
				(void)buf_putc(&clean, ' ');
		} else {
			(void)buf_append(&clean, p, n);
			if (n > 1)
				ascii = 0;
		}
		p += n;
		chars++;
	}
	while (clean.len > 0 && clean.data[clean.len - 1] == ' ')
		clean.data[--clean.len] = '\0';
	/* "=?" in plain text would be read as an encoded word: encode it */
	if (ascii && !force &&
	    (clean.data == NULL || strstr(clean.data, "=?") == NULL))
		return clean.data != NULL ? buf_steal(&clean, NULL) :
		    xstrdup("");
	buf_init(&out, clean.len * 2 + 64);
	for (i = 0; i < clean.len; i += w) {
		/* whole characters only: a word must decode on its own */
		for (w = 0; i + w < clean.len; w += n) {
			n = utf8_len((unsigned char)clean.data[i + w]);
			if (w + n > WORD_BYTES)
				break;
		}
		if (out.len > 0)
			(void)buf_putc(&out, ' ');
		(void)buf_puts(&out, "=?UTF-8?B?");
		cte_b64_encode(clean.data + i, w, &out);
		(void)buf_puts(&out, "?=");
	}
	buf_free(&clean);
	return buf_steal(&out, NULL);
}

char *
compose_header_text(const char *utf8, size_t max_chars)
{
	return header_text(utf8, max_chars, 0);
}

/* phrase - a display name: atext words as they are, else encoded words
 * (specials such as '"', ',' or '<' are harmless inside them) */
static char *
phrase(const char *name)
{
	const char *q;

	for (q = name; *q != '\0'; q++)
		if (!((*q >= 'A' && *q <= 'Z') || (*q >= 'a' && *q <= 'z') ||
		    (*q >= '0' && *q <= '9') || strchr(" !#$%&'*+-/^_`{|}~",
		    *q) != NULL))
			break;
	return header_text(name, 100, *q != '\0');
}

int
compose_msgid_ok(const char *id)
{
	size_t n = id != NULL ? strlen(id) : 0;
	const char *at;

	if (n == 0 || n > 250 || (at = strchr(id, '@')) == NULL ||
	    at == id || at[1] == '\0' || strchr(at + 1, '@') != NULL)
		return 0;
	for (; *id != '\0'; id++)
		if (*id <= ' ' || *id >= 0x7f || strchr("<>()[]\\,;:\"", *id))
			return 0;
	return 1;
}

/* addr_ok - a bare address we can put in a header and an SMTP command */
static int
addr_ok(const char *a)
{
	return a != NULL && strlen(a) < 255 && compose_msgid_ok(a);
}

/* --- ids and boundaries ----------------------------------------------- */

static void
random_hex(char *out, size_t nbytes)
{
	unsigned char r[32];
	size_t i;

	if (nbytes > sizeof(r))
		nbytes = sizeof(r);
	/* getrandom blocks only before the pool is seeded, at boot */
	if (getrandom(r, nbytes, 0) != (ssize_t)nbytes)
		for (i = 0; i < nbytes; i++)
			r[i] = (unsigned char)(rand() ^ (int)i);
	for (i = 0; i < nbytes; i++)
		(void)sprintf(out + 2 * i, "%02x", r[i]);
}

/* multipart_new - libetpan picks a boundary from an unseeded random():
 * ours replaces it */
static struct mailmime *
multipart_new(const char *type)
{
	struct mailmime *m = mailmime_new_empty(
	    mailmime_content_new_with_str(type), mailmime_fields_new_empty());
	struct mailmime_parameter *pa;
	clistiter *it;
	char b[48];

	(void)snprintf(b, sizeof(b), "=_mg_");
	random_hex(b + 5, 12);
	for (it = clist_begin(m->mm_content_type->ct_parameters); it != NULL;
	    it = clist_next(it)) {
		pa = clist_content(it);
		if (strcasecmp(pa->pa_name, "boundary") == 0) {
			free(pa->pa_value);
			pa->pa_value = xstrdup(b);
		}
	}
	return m;
}

static struct mailmime *
leaf_new(const char *type, int encoding)
{
	return mailmime_new_empty(mailmime_content_new_with_str(type),
	    mailmime_fields_new_encoding(encoding));
}

/* write - serialize a part (attached to its parent) into b */
static int
write_part(struct mailmime *m, MMAPString **s_r)
{
	MMAPString *s = mmap_string_new("");
	int col = 0;

	if (s == NULL || mailmime_write_mem(s, &col, m) != MAILIMF_NO_ERROR) {
		if (s != NULL)
			mmap_string_free(s);
		return -1;
	}
	*s_r = s;
	return 0;
}

/* --- headers ---------------------------------------------------------- */

static clist *
id_list(const char *first, char *const *ids, size_t n)
{
	clist *l = clist_new();
	size_t i, start = n > MAX_REFS ? n - MAX_REFS : 0;

	if (first != NULL && compose_msgid_ok(first))
		clist_append(l, xstrdup(first));
	for (i = start; i < n; i++)
		if (compose_msgid_ok(ids[i]))
			clist_append(l, xstrdup(ids[i]));
	if (clist_isempty(l)) {
		clist_free(l);
		return NULL;
	}
	return l;
}

static void
add_field(struct mailimf_fields *f, const char *name, char *value)
{
	mailimf_fields_add(f, mailimf_field_new_custom(xstrdup(name), value));
}

static struct mailimf_fields *
headers(const struct compose_msg *m, const char *msgid)
{
	struct mailimf_fields *f;
	clist *irt, *refs;
	char *name = phrase(m->from_name != NULL ? m->from_name : "");

	irt = id_list(m->in_reply_to, NULL, 0);
	/* References: the parent's chain, then the parent itself */
	refs = m->in_reply_to != NULL || m->nrefs > 0 ?
	    id_list(NULL, m->refs, m->nrefs) : NULL;
	if (m->in_reply_to != NULL && compose_msgid_ok(m->in_reply_to)) {
		if (refs == NULL)
			refs = clist_new();
		clist_append(refs, xstrdup(m->in_reply_to));
	}
	f = mailimf_fields_new_with_data_all(mailimf_get_date(m->date), NULL,
	    NULL, NULL, NULL, NULL, NULL, xstrdup(msgid),
	    irt, refs,
	    compose_header_text(m->subject, SUBJECT_CHARS));
	/* From and To as written here: libetpan would quote an encoded
	 * display name, which readers then show undecoded */
	add_field(f, "From", *name != '\0' ? xasprintf("%s <%s>", name,
	    m->from_addr) : xasprintf("<%s>", m->from_addr));
	add_field(f, "To", xasprintf("<%s>", m->to_addr));
	if (m->auto_submitted != NULL) {
		add_field(f, "Auto-Submitted", xstrdup(m->auto_submitted));
		/* Exchange and Outlook honour this one, not RFC 3834 */
		add_field(f, "X-Auto-Response-Suppress", xstrdup("All"));
	}
	/* our loop marker: a mail carrying it never gets an answer */
	add_field(f, "X-Loop", xstrdup(m->from_addr));
	free(name);
	return f;
}

/* --- the body --------------------------------------------------------- */

static struct mailmime *
text_part(const struct compose_msg *m)
{
	struct mailmime *t = leaf_new("text/plain",
	    MAILMIME_MECHANISM_QUOTED_PRINTABLE);

	clist_append(t->mm_content_type->ct_parameters,
	    mailmime_param_new_with_data("charset", "utf-8"));
	mailmime_set_body_text(t, (char *)m->body, strlen(m->body));
	return t;
}

int
compose_mail(const struct compose_msg *m, struct pgp *p, const char *signer,
    const char *enc_fpr, struct buf *out, char msgid_r[COMPOSE_ID_MAX],
    struct mg_err *err)
{
	struct mailmime *root = NULL, *text, *msg = NULL, *sp;
	MMAPString *tbs = NULL, *all = NULL;
	struct buf sig, body;
	const char *domain;
	char micalg[32], rnd[33];
	int rc = -1;

	buf_init(&sig, 1 << 20);
	buf_init_secret(&body, 64u << 20);
	mg_err_clear(err);
	msgid_r[0] = '\0';
	if (!addr_ok(m->from_addr) || !addr_ok(m->to_addr)) {
		mg_err_set(err, MG_ERR_PERM, "compose: unusable address");
		goto out;
	}
	domain = strchr(m->from_addr, '@') + 1;
	random_hex(rnd, 16);
	(void)snprintf(msgid_r, COMPOSE_ID_MAX, "mg.%s@%s", rnd, domain);

	text = text_part(m);
	if (enc_fpr == NULL) {
		/* RFC 3156 section 5: sign part 1 exactly as it is written */
		root = multipart_new("multipart/signed");
		mailmime_smart_add_part(root, text);
		if (write_part(text, &tbs) != 0 ||
		    pgp_sign_detached(p, signer, tbs->str, tbs->len, &sig,
		    micalg, err) != 0)
			goto fail;
		clist_append(root->mm_content_type->ct_parameters,
		    mailmime_param_new_with_data("micalg", micalg));
		clist_append(root->mm_content_type->ct_parameters,
		    mailmime_param_new_with_data("protocol",
		    "application/pgp-signature"));
		sp = leaf_new("application/pgp-signature",
		    MAILMIME_MECHANISM_7BIT);
		mailmime_set_body_text(sp, sig.data, sig.len);
		mailmime_smart_add_part(root, sp);
	} else {
		/* RFC 3156 section 6.2: one signed and encrypted message */
		struct mailmime *holder = multipart_new("multipart/mixed");

		mailmime_smart_add_part(holder, text);
		if (write_part(text, &tbs) != 0) {
			mailmime_free(holder);
			goto fail;
		}
		mailmime_free(holder);
		if (pgp_encrypt_sign(p, signer, enc_fpr, tbs->str, tbs->len,
		    &body, err) != 0)
			goto fail;
		root = multipart_new("multipart/encrypted");
		clist_append(root->mm_content_type->ct_parameters,
		    mailmime_param_new_with_data("protocol",
		    "application/pgp-encrypted"));
		sp = leaf_new("application/pgp-encrypted",
		    MAILMIME_MECHANISM_7BIT);
		mailmime_set_body_text(sp, (char *)"Version: 1\r\n", 12);
		mailmime_smart_add_part(root, sp);
		sp = leaf_new("application/octet-stream",
		    MAILMIME_MECHANISM_7BIT);
		mailmime_set_body_text(sp, body.data, body.len);
		mailmime_smart_add_part(root, sp);
	}
	msg = mailmime_new_message_data(root);
	root = NULL;
	mailmime_set_imf_fields(msg, headers(m, msgid_r));
	if (write_part(msg, &all) != 0) {
		mg_err_set(err, MG_ERR_TEMP, "compose: writing the message");
		goto fail;
	}
	if (buf_append(out, all->str, all->len) != 0) {
		mg_err_set(err, MG_ERR_PERM, "compose: message too large");
		goto fail;
	}
	rc = 0;
	goto out;
fail:
	if (err->cls == MG_ERR_NONE)
		mg_err_set(err, MG_ERR_TEMP, "compose: building the message");
	msgid_r[0] = '\0';
out:
	if (msg != NULL)
		mailmime_free(msg);
	if (root != NULL)
		mailmime_free(root);
	if (tbs != NULL)
		mmap_string_free(tbs);
	if (all != NULL)
		mmap_string_free(all);
	buf_free(&sig);
	buf_free(&body);
	return rc;
}
