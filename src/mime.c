/*
 * mime.c - raw message to struct mime_msg (see mime.h).
 *
 * Order of work: line-end census (CR-only input is converted to LF for
 * reading; the spool keeps the original), structural pre-scan (mimescan)
 * which also says how much libetpan may see, our own header splitter for
 * the top-level headers (robust against broken fields, bounded in count
 * and size), then libetpan's MIME tree walked with a depth guard: text
 * parts become the report text, every other leaf an attachment record.
 *
 * Never fails and never keeps decoded attachment bytes: each is hashed
 * and dropped, so memory stays near the size of the message.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <libetpan/libetpan.h>

#include "madoguchi/buf.h"
#include "madoguchi/charset.h"
#include "madoguchi/cte.h"
#include "madoguchi/hdrdecode.h"
#include "madoguchi/html.h"
#include "madoguchi/mime.h"
#include "madoguchi/mimescan.h"
#include "madoguchi/xalloc.h"

#include "mime_int.h"

#define MAX_HEADERS	1000
#define MAX_REFS	100
#define MAX_PARAMS	64

static const char *flag_names[MIME_F_COUNT] = {
	"malformed-mime", "no-headers", "multipart-without-boundary",
	"boundary-missing", "unterminated-multipart", "mime-too-deep",
	"too-many-parts", "mixed-line-endings", "cr-line-endings",
	"nul-bytes", "bad-base64", "bad-quoted-printable",
	"unknown-transfer-encoding", "unknown-charset", "charset-guessed",
	"charset-mislabelled", "invalid-characters", "bad-encoded-word",
	"header-truncated", "text-truncated", "no-content-type", "bad-date",
	"parse-failed", "no-body", "too-many-headers", "undecryptable",
	"weak-digest", "partly-signed", "partly-encrypted",
	"signature-unchecked",
};

const char *
mime_flag_name(enum mime_flag f)
{
	return f < MIME_F_COUNT ? flag_names[f] : "unknown";
}


static void
charset_flags(struct mime_msg *m, unsigned cf)
{
	if (cf & CHARSET_F_UNKNOWN)
		SET(m, MIME_F_UNKNOWN_CHARSET);
	if (cf & CHARSET_F_GUESSED)
		SET(m, MIME_F_CHARSET_GUESSED);
	if (cf & CHARSET_F_MISLABELLED)
		SET(m, MIME_F_CHARSET_MISLABELLED);
	if (cf & CHARSET_F_INVALID)
		SET(m, MIME_F_INVALID_CHARS);
	if (cf & CHARSET_F_NUL)
		SET(m, MIME_F_NUL);
}

static char *
decode_hdr(struct mime_msg *m, const char *raw, size_t len, size_t max)
{
	unsigned hf = 0;
	char *s = hdrdecode_text(raw, len, max, &hf);

	if (hf & HDRDECODE_F_BAD_WORD)
		SET(m, MIME_F_BAD_ENCODED_WORD);
	if (hf & HDRDECODE_F_CHARSET)
		SET(m, MIME_F_CHARSET_GUESSED);
	if (hf & HDRDECODE_F_TRUNCATED)
		SET(m, MIME_F_HEADER_TRUNCATED);
	return s;
}

/* --- top-level headers ------------------------------------------------ */

struct rawhdr {
	const char	*name;
	size_t		 nlen;
	const char	*val;
	size_t		 vlen;
};

/* split the header block; returns the offset where the body starts */
static size_t
split_headers(const char *p, size_t len, struct rawhdr **out, size_t *n_r,
    struct mime_msg *m)
{
	struct rawhdr *h = NULL;
	size_t n = 0, cap = 0, off = 0;

	while (off < len) {
		const char *line = p + off, *nl, *colon;
		size_t ll, next;

		nl = memchr(line, '\n', len - off);
		next = nl ? (size_t)(nl - p) + 1 : len;
		ll = (size_t)((nl ? nl : p + len) - line);
		if (ll > 0 && line[ll - 1] == '\r')
			ll--;
		if (ll == 0) {
			*out = h;
			*n_r = n;
			return next;		/* the blank line */
		}
		if ((line[0] == ' ' || line[0] == '\t') && n > 0) {
			/* folded: extend the previous value */
			h[n - 1].vlen = (size_t)(line + ll - h[n - 1].val);
		} else if ((colon = memchr(line, ':', ll)) != NULL &&
		    colon > line) {
			if (n == MAX_HEADERS) {
				SET(m, MIME_F_TOO_MANY_HEADERS);
			} else {
				if (n == cap) {
					cap = cap ? cap * 2 : 32;
					h = xrealloc(h, cap * sizeof(*h));
				}
				h[n].name = line;
				h[n].nlen = (size_t)(colon - line);
				while (h[n].nlen > 0 &&
				    (line[h[n].nlen - 1] == ' ' ||
				    line[h[n].nlen - 1] == '\t'))
					h[n].nlen--;
				h[n].val = colon + 1;
				h[n].vlen = (size_t)(line + ll - h[n].val);
				n++;
			}
		}
		/* a line that is neither is skipped, as readers do */
		off = next;
	}
	*out = h;
	*n_r = n;
	SET(m, MIME_F_NO_BODY);
	return len;
}

static const struct rawhdr *
find_raw(const struct rawhdr *h, size_t n, const char *name)
{
	size_t i, nl = strlen(name);

	for (i = 0; i < n; i++)
		if (h[i].nlen == nl && strncasecmp(h[i].name, name, nl) == 0)
			return &h[i];
	return NULL;
}

/* every <id> in v, appended to m->refs */
static void
collect_ids(struct mime_msg *m, const char *v, size_t len, size_t *cap)
{
	const char *end = v + len, *lt, *gt;

	while (v < end && (lt = memchr(v, '<', (size_t)(end - v))) != NULL) {
		gt = memchr(lt + 1, '>', (size_t)(end - lt - 1));
		if (gt == NULL)
			break;
		if (gt - lt > 1 && gt - lt < 1000 && m->nrefs < MAX_REFS) {
			char *id = xstrndup(lt + 1, (size_t)(gt - lt - 1));
			size_t i;

			for (i = 0; i < m->nrefs; i++)
				if (strcmp(m->refs[i], id) == 0)
					break;
			if (i < m->nrefs || strpbrk(id, " \t\r\n") != NULL) {
				free(id);
			} else {
				if (m->nrefs == *cap) {
					*cap = *cap ? *cap * 2 : 8;
					m->refs = xrealloc(m->refs,
					    *cap * sizeof(*m->refs));
				}
				m->refs[m->nrefs++] = id;
			}
		}
		v = gt + 1;
	}
}

/*
 * unquote - a display name without its quoted-string quoting: libetpan
 * keeps the quotes when the name holds an encoded word, as in
 * "=?UTF-8?Q?Forma=C3=A7=C3=A3o?= Frenetikpolis" (quoted, yet decoded by
 * every mail reader).  Caller frees.
 */
static char *
unquote(const char *s)
{
	char *out = xmalloc(strlen(s) + 1), *o = out;
	int inq = 0;

	for (; *s != '\0'; s++) {
		if (*s == '"') {
			inq = !inq;
			continue;
		}
		if (*s == '\\' && inq && s[1] != '\0')
			s++;
		*o++ = *s;
	}
	*o = '\0';
	return out;
}

static void
parse_from(struct mime_msg *m, const struct rawhdr *h, size_t max)
{
	struct mailimf_mailbox_list *ml = NULL;
	size_t idx = 0;

	if (mailimf_mailbox_list_parse(h->val, h->vlen, &idx, &ml) ==
	    MAILIMF_NO_ERROR && ml != NULL &&
	    clist_begin(ml->mb_list) != NULL) {
		struct mailimf_mailbox *mb = clist_content(
		    clist_begin(ml->mb_list));

		/* libetpan is lenient: "foo bar <x@y" parses as "foobar<x@y" */
		if (mb->mb_addr_spec != NULL &&
		    strpbrk(mb->mb_addr_spec, "<> \t\r\n\"") == NULL &&
		    strchr(mb->mb_addr_spec, '@') != NULL)
			m->from = util_addr_norm(mb->mb_addr_spec);
		if (mb->mb_display_name != NULL) {
			char *name = unquote(mb->mb_display_name);

			m->from_name = decode_hdr(m, name, strlen(name), max);
			free(name);
		}
	}
	if (ml != NULL)
		mailimf_mailbox_list_free(ml);
	if (m->from == NULL) {
		/* unparsable: take the first <...> or word with an @ */
		const char *v = h->val, *end = h->val + h->vlen, *at, *b, *e;

		at = memchr(v, '@', h->vlen);
		if (at == NULL)
			return;
		for (b = at; b > v && !strchr(" \t<\",;:", b[-1]); b--)
			;
		for (e = at; e < end && !strchr(" \t>\",;\r\n", *e); e++)
			;
		if (e - b > 2 && e - b < 320) {
			char *a = xstrndup(b, (size_t)(e - b));

			m->from = util_addr_norm(a);
			free(a);
		}
	}
}

static time_t
parse_date(const struct rawhdr *h)
{
	struct mailimf_date_time *dt = NULL;
	struct tm tm;
	size_t idx = 0;
	time_t t;
	int zone;

	if (mailimf_date_time_parse(h->val, h->vlen, &idx, &dt) !=
	    MAILIMF_NO_ERROR || dt == NULL)
		return 0;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = dt->dt_year < 100 ? dt->dt_year + (dt->dt_year < 50 ?
	    100 : 0) : dt->dt_year - 1900;
	tm.tm_mon = dt->dt_month - 1;
	tm.tm_mday = dt->dt_day;
	tm.tm_hour = dt->dt_hour;
	tm.tm_min = dt->dt_min;
	tm.tm_sec = dt->dt_sec;
	zone = dt->dt_zone;	/* e.g. +0900 as 900 */
	mailimf_date_time_free(dt);
	if (tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 ||
	    tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
	    tm.tm_sec > 60 || tm.tm_year < 70 || tm.tm_year > 1100)
		return 0;
	t = timegm(&tm);
	if (t == (time_t)-1)
		return 0;
	t -= (time_t)((zone / 100) * 3600 + (zone % 100) * 60);
	return t > 0 ? t : 0;
}

static void
read_headers(struct mime_msg *m, const struct rawhdr *h, size_t n,
    size_t max)
{
	const struct rawhdr *r;
	size_t i, cap = 0;

	m->hdr = xcalloc(n ? n : 1, sizeof(*m->hdr));
	for (i = 0; i < n; i++) {
		m->hdr[i].name = xstrndup(h[i].name, h[i].nlen);
		m->hdr[i].value = decode_hdr(m, h[i].val, h[i].vlen, max);
	}
	m->nhdr = n;
	if ((r = find_raw(h, n, "Subject")) != NULL)
		m->subject = decode_hdr(m, r->val, r->vlen, max);
	if ((r = find_raw(h, n, "From")) != NULL)
		parse_from(m, r, max);
	if ((r = find_raw(h, n, "Message-ID")) != NULL) {
		const char *lt = memchr(r->val, '<', r->vlen), *gt = NULL;

		if (lt != NULL)
			gt = memchr(lt, '>', (size_t)(r->val + r->vlen - lt));
		if (gt != NULL && gt - lt > 1 && gt - lt < 1000)
			m->message_id = xstrndup(lt + 1, (size_t)(gt - lt - 1));
	}
	if ((r = find_raw(h, n, "In-Reply-To")) != NULL)
		collect_ids(m, r->val, r->vlen, &cap);
	if ((r = find_raw(h, n, "References")) != NULL)
		collect_ids(m, r->val, r->vlen, &cap);
	if ((r = find_raw(h, n, "Date")) != NULL) {
		m->date = parse_date(r);
		if (m->date == 0)
			SET(m, MIME_F_BAD_DATE);
	}
}

/* --- the MIME tree ------------------------------------------------------ */

static char *
content_type_str(const struct mailmime_content *ct)
{
	const char *type = "text", *sub = "plain";

	if (ct == NULL || ct->ct_type == NULL)
		return xstrdup("text/plain");
	if (ct->ct_type->tp_type == MAILMIME_TYPE_DISCRETE_TYPE) {
		struct mailmime_discrete_type *d =
		    ct->ct_type->tp_data.tp_discrete_type;

		switch (d->dt_type) {
		case MAILMIME_DISCRETE_TYPE_TEXT: type = "text"; break;
		case MAILMIME_DISCRETE_TYPE_IMAGE: type = "image"; break;
		case MAILMIME_DISCRETE_TYPE_AUDIO: type = "audio"; break;
		case MAILMIME_DISCRETE_TYPE_VIDEO: type = "video"; break;
		case MAILMIME_DISCRETE_TYPE_APPLICATION:
			type = "application";
			break;
		default:
			type = d->dt_extension ? d->dt_extension : "x-unknown";
		}
	} else {
		struct mailmime_composite_type *c =
		    ct->ct_type->tp_data.tp_composite_type;

		switch (c->ct_type) {
		case MAILMIME_COMPOSITE_TYPE_MESSAGE: type = "message"; break;
		case MAILMIME_COMPOSITE_TYPE_MULTIPART:
			type = "multipart";
			break;
		default:
			type = c->ct_token ? c->ct_token : "x-unknown";
		}
	}
	if (ct->ct_subtype != NULL)
		sub = ct->ct_subtype;
	return util_str_lower(xasprintf("%.100s/%.100s", type, sub));
}

char *
mime_ctype(const struct mailmime *p)
{
	return content_type_str(p->mm_content_type);
}

/* the raw parameters of a part: Content-Type's then Content-Disposition's */
static size_t
part_params(const struct mailmime *p, struct hdrdecode_param *out,
    size_t max)
{
	clistiter *it;
	size_t n = 0;

	if (p->mm_content_type != NULL)
		for (it = clist_begin(p->mm_content_type->ct_parameters);
		    it != NULL && n < max; it = clist_next(it)) {
			struct mailmime_parameter *pa = clist_content(it);

			out[n].name = pa->pa_name;
			out[n].value = pa->pa_value ? pa->pa_value : "";
			n++;
		}
	if (p->mm_mime_fields == NULL)
		return n;
	for (it = clist_begin(p->mm_mime_fields->fld_list); it != NULL;
	    it = clist_next(it)) {
		struct mailmime_field *f = clist_content(it);
		clistiter *j;

		if (f->fld_type != MAILMIME_FIELD_DISPOSITION)
			continue;
		for (j = clist_begin(f->fld_data.fld_disposition->dsp_parms);
		    j != NULL && n < max; j = clist_next(j)) {
			struct mailmime_disposition_parm *dp = clist_content(j);

			if (dp->pa_type == MAILMIME_DISPOSITION_PARM_FILENAME) {
				out[n].name = "filename";
				out[n].value = dp->pa_data.pa_filename;
				n++;
			} else if (dp->pa_type ==
			    MAILMIME_DISPOSITION_PARM_PARAMETER) {
				out[n].name = dp->pa_data.pa_parameter->pa_name;
				out[n].value =
				    dp->pa_data.pa_parameter->pa_value;
				n++;
			}
		}
	}
	return n;
}

static enum cte
part_cte(struct mime_msg *m, const struct mailmime_single_fields *sf)
{
	unsigned f = 0;
	enum cte e = CTE_IDENTITY;

	if (sf->fld_encoding == NULL)
		return CTE_IDENTITY;
	switch (sf->fld_encoding->enc_type) {
	case MAILMIME_MECHANISM_BASE64:
		e = CTE_BASE64;
		break;
	case MAILMIME_MECHANISM_QUOTED_PRINTABLE:
		e = CTE_QP;
		break;
	case MAILMIME_MECHANISM_TOKEN:
		e = cte_from_name(sf->fld_encoding->enc_token, &f);
		break;
	default:
		break;
	}
	if (f & CTE_F_UNKNOWN)
		SET(m, MIME_F_UNKNOWN_CTE);
	return e;
}

static void
decode_body(struct mime_msg *m, const struct mailmime_data *d, enum cte e,
    char **out, size_t *out_len)
{
	unsigned f = 0;

	if (d == NULL || d->dt_type != MAILMIME_DATA_TEXT) {
		*out = xstrdup("");
		*out_len = 0;
		return;
	}
	cte_decode(e, d->dt_data.dt_text.dt_data, d->dt_data.dt_text.dt_length,
	    out, out_len, &f);
	if (f & CTE_F_BAD)
		SET(m, e == CTE_BASE64 ? MIME_F_BAD_BASE64 : MIME_F_BAD_QP);
}

static void part_headers(const struct walk *w, const struct mailmime *p,
    size_t depth, const char **h_r, size_t *len_r);

void
mime_decode_part(struct walk *w, const struct mailmime *p, char **out,
    size_t *len)
{
	struct mailmime_single_fields sf;

	mailmime_single_fields_init(&sf, p->mm_mime_fields, p->mm_content_type);
	decode_body(w->msg, p->mm_type == MAILMIME_SINGLE ?
	    p->mm_data.mm_single : p->mm_body, part_cte(w->msg, &sf), out, len);
}

char *
mime_part_filename(struct walk *w, const struct mailmime *p)
{
	struct hdrdecode_param params[MAX_PARAMS];
	size_t np = part_params(p, params, MAX_PARAMS);
	unsigned hf = 0;
	char *f;

	f = hdrdecode_param(params, np, "filename", 1024, &hf);
	if (f == NULL)
		f = hdrdecode_param(params, np, "name", 1024, &hf);
	if (hf & HDRDECODE_F_BAD_WORD)
		SET(w->msg, MIME_F_BAD_ENCODED_WORD);
	return f;
}

/* a new attachment record, or NULL when there are too many */
static struct mime_attachment *
new_attachment(struct walk *w)
{
	struct mime_msg *m = w->msg;

	if (m->natt >= w->lim->max_parts) {
		SET(m, MIME_F_TOO_MANY_PARTS);
		return NULL;
	}
	if (m->natt == w->attcap) {
		w->attcap = w->attcap ? w->attcap * 2 : 8;
		m->att = xrealloc(m->att, w->attcap * sizeof(*m->att));
	}
	return memset(&m->att[m->natt++], 0, sizeof(*m->att));
}

void
mime_add_file(struct walk *w, const char *filename, const char *ctype,
    const char *data, size_t len)
{
	struct mime_attachment *a = new_attachment(w);

	if (a == NULL)
		return;
	a->filename = filename ? xstrdup(filename) : NULL;
	a->content_type = xstrdup(ctype);
	a->size = len;
	util_sha256_hex(data, len, a->sha256);
}

/* record an attachment: decoded only into its hash, never kept */
static void
add_attachment(struct walk *w, const struct mailmime *p, const char *ctype,
    const struct mailmime_data *d, enum cte e, size_t depth)
{
	struct mime_msg *m = w->msg;
	struct mime_attachment *a;
	unsigned hf = 0, cf = 0;

	if ((a = new_attachment(w)) == NULL)
		return;
	a->filename = mime_part_filename(w, p);
	a->content_type = xstrdup(ctype);
	if (strcmp(ctype, "application/unknown") == 0) {
		/* libetpan's stand-in for a Content-Type it could not read:
		 * say what RFC 2045 says such a part is, and keep its name */
		const char *h, *v;
		size_t hl, vl;

		free(a->content_type);
		a->content_type = xstrdup("application/octet-stream");
		part_headers(w, p, depth, &h, &hl);
		if (a->filename == NULL && h != NULL &&
		    mimescan_ct_param(h, hl, "name", &v, &vl) == 0) {
			struct hdrdecode_param one = { "name", NULL };
			char *val = xstrndup(v, vl);

			one.value = val;
			a->filename = hdrdecode_param(&one, 1, "name", 1024,
			    &hf);
			free(val);
		}
	}
	if (d == NULL || d->dt_type != MAILMIME_DATA_TEXT) {
		a->size = 0;
		util_sha256_hex("", 0, a->sha256);
		return;
	}
	cte_digest(e, d->dt_data.dt_text.dt_data, d->dt_data.dt_text.dt_length,
	    a->sha256, &a->size, &cf);
	if (cf & CTE_F_BAD)
		SET(m, e == CTE_BASE64 ? MIME_F_BAD_BASE64 : MIME_F_BAD_QP);
}

/* only ASCII, and no ESC (ISO-2022-JP hides in 7 bits) */
static int
plain_ascii(const char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((p[i] & 0x80) || p[i] == 0x1b)
			return 0;
	return 1;
}

/* text from CRLF, LF and CR-only mail reads the same: LF line ends */
static void
lf_only(struct buf *b, size_t from)
{
	size_t i, o = from;

	for (i = from; i < b->len; i++) {
		if (b->data[i] != '\r')
			b->data[o++] = b->data[i];
		else if (i + 1 >= b->len || b->data[i + 1] != '\n')
			b->data[o++] = '\n';
	}
	b->len = o;
	if (b->data != NULL)
		b->data[o] = '\0';
}

void
mime_append_text(struct walk *w, const char *label, const char *data,
    size_t len, int html)
{
	struct mime_msg *m = w->msg;
	unsigned cf = 0;
	char meta[64];
	size_t from;

	if (w->text.len > 0)
		(void)buf_puts(&w->text, "\n\n");
	from = w->text.len;
	if (html && label == NULL &&
	    html_meta_charset((const unsigned char *)data, len, meta,
	    sizeof(meta)) == 0)
		label = meta;
	if (!html) {
		if (charset_to_utf8(label, (const unsigned char *)data, len,
		    &w->text, &cf) != 0)
			SET(m, MIME_F_TEXT_TRUNCATED);
	} else {
		struct buf u;

		buf_init(&u, w->lim->max_text * 2);
		(void)charset_to_utf8(label, (const unsigned char *)data, len,
		    &u, &cf);
		if (html_to_text(u.data ? u.data : "", u.len, &w->text) != 0)
			SET(m, MIME_F_TEXT_TRUNCATED);
		buf_free(&u);
		m->text_from_html = 1;
	}
	lf_only(&w->text, from);
	/* plain ASCII needs no label: do not flag a guess for it */
	if (label == NULL && (cf & CHARSET_F_GUESSED) && plain_ascii(data, len))
		cf &= ~(unsigned)CHARSET_F_GUESSED;
	charset_flags(m, cf);
}

static int
is_attachment(const struct mailmime_single_fields *sf)
{
	if (sf->fld_disposition != NULL &&
	    sf->fld_disposition->dsp_type != NULL &&
	    sf->fld_disposition->dsp_type->dsp_type ==
	    MAILMIME_DISPOSITION_TYPE_ATTACHMENT)
		return 1;
	/* a text part with a name is a file (an X-ARF report.txt, a log) */
	return sf->fld_disposition_filename != NULL ||
	    sf->fld_content_name != NULL;
}


/*
 * walk_split - read a multipart body that libetpan could not split (a part
 * with no header lines at all leaves it with zero parts; a boundary= on a
 * continuation line without ';' is not seen): cut at the delimiter lines
 * ourselves and parse each part on its own.
 */
static void
walk_split(struct walk *w, const char *body, size_t len, const char *b,
    size_t blen, size_t depth)
{
	const char *end = body + len, *line = body, *part = NULL;

	while (line <= end) {
		const char *nl = line < end ?
		    memchr(line, '\n', (size_t)(end - line)) : NULL;
		const char *next = nl ? nl + 1 : end;
		size_t n = (size_t)((nl ? nl : end) - line);
		int delim = n >= blen + 2 && line[0] == '-' && line[1] == '-' &&
		    memcmp(line + 2, b, blen) == 0;

		if (delim || line == end) {
			if (part != NULL) {
				struct mailmime *root;
				size_t plen = (size_t)(line - part);

				root = mime_parse_bounded(w, part, plen);
				if (root != NULL) {
					mime_walk(w, root->mm_type ==
					    MAILMIME_MESSAGE ?
					    root->mm_data.mm_message.mm_msg_mime :
					    root, depth + 1, 0);
					mailmime_free(root);
				}
			}
			if (line == end || (n >= blen + 4 &&
			    line[blen + 2] == '-' && line[blen + 3] == '-'))
				break;		/* the close delimiter */
			part = next;
		}
		line = next;
	}
}

/* the raw header block of part p, for a lenient second look */
static void
part_headers(const struct walk *w, const struct mailmime *p, size_t depth,
    const char **h_r, size_t *len_r)
{
	const struct mailmime_data *d = p->mm_data.mm_single;

	*h_r = NULL;
	*len_r = 0;
	if (depth == 1) {
		*h_r = w->top_hdr;
		*len_r = w->top_hdr_len;
	} else if (d != NULL && d->dt_type == MAILMIME_DATA_TEXT &&
	    p->mm_mime_start != NULL &&
	    d->dt_data.dt_text.dt_data >= p->mm_mime_start) {
		*h_r = p->mm_mime_start;
		*len_r = (size_t)(d->dt_data.dt_text.dt_data - p->mm_mime_start);
	}
}

/*
 * boundary_used - does the declared boundary open a line of the body?  If
 * not, libetpan's tree for it is fiction (part of the text cut off as a
 * fake part) and the body is better read as plain text.
 */
static int
boundary_used(const struct mailmime *p)
{
	const struct mailmime_data *d = p->mm_body;
	const char *b, *text, *hit;
	size_t blen, len, off = 0;

	b = mailmime_content_param_get(p->mm_content_type, "boundary");
	if (b == NULL || d == NULL || d->dt_type != MAILMIME_DATA_TEXT)
		return 1;
	blen = strlen(b);
	text = d->dt_data.dt_text.dt_data;
	len = d->dt_data.dt_text.dt_length;
	while (off + blen + 2 <= len &&
	    (hit = memmem(text + off, len - off, b, blen)) != NULL) {
		size_t at = (size_t)(hit - text);

		if (at >= 2 && hit[-1] == '-' && hit[-2] == '-' &&
		    (at == 2 || hit[-3] == '\n'))
			return 1;
		off = at + 1;
	}
	return 0;
}

/* multipart/alternative: read the plain text if there is one, else HTML */
static struct mailmime *
best_alternative(clist *parts)
{
	struct mailmime *html = NULL, *other = NULL;
	clistiter *it;

	for (it = clist_begin(parts); it != NULL; it = clist_next(it)) {
		struct mailmime *c = clist_content(it);
		char *ct = content_type_str(c->mm_content_type);
		int plain = strcmp(ct, "text/plain") == 0;
		int is_html = strcmp(ct, "text/html") == 0;

		free(ct);
		if (plain)
			return c;
		if (is_html && html == NULL)
			html = c;
		else if (other == NULL && c->mm_type == MAILMIME_MULTIPLE)
			other = c;
	}
	if (html != NULL)
		return html;
	if (other != NULL)
		return other;
	it = clist_begin(parts);
	return it ? clist_content(it) : NULL;
}

void
mime_walk(struct walk *w, struct mailmime *p, size_t depth, int whole)
{
	struct mime_msg *m = w->msg;
	struct mailmime_single_fields sf;
	char *ctype, *data = NULL;
	size_t len = 0;

	if (p == NULL || w->failed)
		return;
	if (depth > w->lim->max_depth) {
		SET(m, MIME_F_TOO_DEEP);
		return;
	}
	ctype = content_type_str(p->mm_content_type);
	if (w->crypto != NULL && p->mm_type == MAILMIME_MULTIPLE &&
	    mimepgp_multipart(w, p, ctype, depth, whole)) {
		free(ctype);
		return;
	}
	mailmime_single_fields_init(&sf, p->mm_mime_fields,
	    p->mm_content_type);
	switch (p->mm_type) {
	case MAILMIME_MULTIPLE:
		if (!boundary_used(p))
			mime_append_text(w, sf.fld_content_charset,
			    p->mm_body->dt_data.dt_text.dt_data,
			    p->mm_body->dt_data.dt_text.dt_length, 0);
		else if (clist_begin(p->mm_data.mm_multipart.mm_mp_list) ==
		    NULL && p->mm_body != NULL) {
			const char *b = mailmime_content_param_get(
			    p->mm_content_type, "boundary");

			SET(m, MIME_F_MALFORMED);
			walk_split(w, p->mm_body->dt_data.dt_text.dt_data,
			    p->mm_body->dt_data.dt_text.dt_length, b, strlen(b),
			    depth);
		} else if (strcmp(ctype, "multipart/alternative") == 0)
			/* one rendering of the same content: still the whole */
			mime_walk(w, best_alternative(
			    p->mm_data.mm_multipart.mm_mp_list), depth + 1,
			    whole);
		else {
			clistiter *it;

			for (it = clist_begin(p->mm_data.mm_multipart.mm_mp_list);
			    it != NULL; it = clist_next(it))
				mime_walk(w, clist_content(it), depth + 1, 0);
		}
		break;
	case MAILMIME_MESSAGE:
		/* an attached message is evidence, not the report text */
		add_attachment(w, p, ctype, p->mm_body, part_cte(m, &sf), depth);
		break;
	case MAILMIME_SINGLE:
	default:
		if (strncmp(ctype, "multipart/", 10) == 0 &&
		    p->mm_data.mm_single != NULL &&
		    p->mm_data.mm_single->dt_type == MAILMIME_DATA_TEXT) {
			const struct mailmime_data *d = p->mm_data.mm_single;
			const char *h, *b;
			size_t hl, bl;

			/* libetpan saw no boundary; look again, leniently */
			part_headers(w, p, depth, &h, &hl);
			if (h != NULL && mimescan_boundary(h, hl, &b, &bl) == 0) {
				SET(m, MIME_F_MALFORMED);
				walk_split(w, d->dt_data.dt_text.dt_data,
				    d->dt_data.dt_text.dt_length, b, bl, depth);
				break;
			}
		}
		if (strncmp(ctype, "multipart/", 10) == 0 ||
		    (!is_attachment(&sf) && (strcmp(ctype, "text/plain") == 0 ||
		    strcmp(ctype, "text/html") == 0))) {
			/* the report text (a multipart without a usable
			 * boundary is read as text too) */
			decode_body(m, p->mm_data.mm_single, part_cte(m, &sf),
			    &data, &len);
			if (w->crypto == NULL || strcmp(ctype, "text/plain") != 0 ||
			    !mimepgp_text(w, sf.fld_content_charset, data, len,
			    whole))
				mime_append_text(w, sf.fld_content_charset, data,
				    len, strcmp(ctype, "text/html") == 0);
		} else if (w->crypto == NULL ||
		    !mimepgp_leaf(w, p, ctype, depth, whole))
			add_attachment(w, p, ctype, p->mm_data.mm_single,
			    part_cte(m, &sf), depth);
		break;
	}
	free(data);
	free(ctype);
}

static void
scan_flags(struct mime_msg *m, unsigned f)
{
	static const struct { unsigned s; enum mime_flag m; } map[] = {
		{ MIMESCAN_F_NO_HEADERS, MIME_F_NO_HEADERS },
		{ MIMESCAN_F_NO_BOUNDARY, MIME_F_NO_BOUNDARY },
		{ MIMESCAN_F_BOUNDARY_MISSING, MIME_F_BOUNDARY_MISSING },
		{ MIMESCAN_F_UNTERMINATED, MIME_F_UNTERMINATED },
		{ MIMESCAN_F_TOO_DEEP, MIME_F_TOO_DEEP },
		{ MIMESCAN_F_TOO_MANY_PARTS, MIME_F_TOO_MANY_PARTS },
		{ MIMESCAN_F_MIXED_EOL, MIME_F_MIXED_EOL },
		{ MIMESCAN_F_BARE_CR, MIME_F_BARE_CR },
		{ MIMESCAN_F_NUL, MIME_F_NUL },
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (f & map[i].s)
			SET(m, map[i].m);
}

/* the faults that make a message "malformed-mime" */
#define STRUCTURAL ((1u << MIME_F_NO_HEADERS) | (1u << MIME_F_NO_BOUNDARY) | \
	(1u << MIME_F_BOUNDARY_MISSING) | (1u << MIME_F_UNTERMINATED) | \
	(1u << MIME_F_TOO_DEEP) | (1u << MIME_F_TOO_MANY_PARTS) | \
	(1u << MIME_F_BAD_BASE64) | (1u << MIME_F_BAD_QP) | \
	(1u << MIME_F_PARSE_FAILED) | (1u << MIME_F_NUL) | \
	(1u << MIME_F_UNKNOWN_CTE) | (1u << MIME_F_BARE_CR) | \
	(1u << MIME_F_MIXED_EOL))

/* CR-only line ends (classic Mac) become LF so lines can be found */
static char *
cr_to_lf(const char *p, size_t len)
{
	char *q = xmemdup(p, len);
	size_t i;

	for (i = 0; i < len; i++)
		if (q[i] == '\r')
			q[i] = '\n';
	return q;
}

struct mailmime *
mime_parse_bounded(struct walk *w, const char *data, size_t len)
{
	struct mimescan_result sr;
	struct mailmime *root = NULL;
	size_t idx = 0;

	mimescan(data, len, w->lim->max_depth, w->lim->max_parts, &sr);
	scan_flags(w->msg, sr.flags & ~(unsigned)MIMESCAN_F_NO_HEADERS);
	if (mailmime_parse(data, sr.cut, &idx, &root) != MAILIMF_NO_ERROR) {
		SET(w->msg, MIME_F_PARSE_FAILED);
		return NULL;
	}
	return root;
}

char *
mime_header_in(struct walk *w, const char *data, size_t len,
    const char *name)
{
	struct mime_msg scratch;	/* flags of this look are not the message's */
	struct rawhdr *rh = NULL;
	const struct rawhdr *r;
	size_t n = 0;
	char *v = NULL;

	memset(&scratch, 0, sizeof(scratch));
	(void)split_headers(data, len, &rh, &n, &scratch);
	if ((r = find_raw(rh, n, name)) != NULL)
		v = decode_hdr(w->msg, r->val, r->vlen, w->lim->max_header);
	free(rh);
	return v;
}

int
mime_parse(const char *raw, size_t len, const struct mime_limits *lim,
    const struct mime_crypto *crypto, struct mime_msg **msg_r,
    struct mg_err *err)
{
	struct mime_msg *m = xcalloc(1, sizeof(*m));
	struct mimescan_result sr;
	struct rawhdr *rh = NULL;
	struct walk w;
	struct mailmime *root = NULL;
	unsigned eolf = 0;
	char *copy = NULL;
	size_t nrh = 0, body, idx = 0;
	const char *p = raw;

	if (mimescan_eol(raw, len, &eolf))
		p = copy = cr_to_lf(raw, len);
	scan_flags(m, eolf);
	mimescan(p, len, lim->max_depth, lim->max_parts, &sr);
	scan_flags(m, sr.flags);

	memset(&w, 0, sizeof(w));
	w.msg = m;
	w.lim = lim;
	w.crypto = crypto;
	w.err = err;
	buf_init(&w.text, lim->max_text);

	if (sr.flags & MIMESCAN_F_NO_HEADERS) {
		/* a body with no headers: all of it is text */
		mime_append_text(&w, NULL, p, len, 0);
		goto done;
	}
	body = split_headers(p, len, &rh, &nrh, m);
	w.top_hdr = p;
	w.top_hdr_len = body;
	read_headers(m, rh, nrh, lim->max_header);
	/* text that needs a charset label and has none */
	if (find_raw(rh, nrh, "Content-Type") == NULL &&
	    !plain_ascii(p + body, len - body))
		SET(m, MIME_F_NO_CONTENT_TYPE);
	if (mailmime_parse(p, sr.cut, &idx, &root) != MAILIMF_NO_ERROR ||
	    root == NULL) {
		SET(m, MIME_F_PARSE_FAILED);
		mime_append_text(&w, NULL, p + body, len - body, 0);
		goto done;
	}
	if (root->mm_type == MAILMIME_MESSAGE)
		mime_walk(&w, root->mm_data.mm_message.mm_msg_mime, 1, 1);
	else
		mime_walk(&w, root, 1, 1);
done:
	if (crypto != NULL && !w.failed)
		mimepgp_import_keys(&w);
	for (size_t k = 0; k < w.nkeys; k++)
		free(w.keys[k].data);
	free(w.keys);
	if (w.text.truncated)
		SET(m, MIME_F_TEXT_TRUNCATED);
	m->text = buf_steal(&w.text, &m->text_len);
	if (m->flags & STRUCTURAL)
		SET(m, MIME_F_MALFORMED);
	if (root != NULL)
		mailmime_free(root);
	free(rh);
	free(copy);
	*msg_r = m;
	return w.failed ? -1 : 0;
}

const char *
mime_header_get(const struct mime_msg *msg, const char *name)
{
	size_t i;

	for (i = 0; i < msg->nhdr; i++)
		if (strcasecmp(msg->hdr[i].name, name) == 0)
			return msg->hdr[i].value;
	return NULL;
}

void
mime_msg_free(struct mime_msg **mp)
{
	struct mime_msg *m = *mp;
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->nhdr; i++) {
		free(m->hdr[i].name);
		free(m->hdr[i].value);
	}
	free(m->hdr);
	for (i = 0; i < m->nrefs; i++)
		free(m->refs[i]);
	free(m->refs);
	for (i = 0; i < m->natt; i++) {
		free(m->att[i].filename);
		free(m->att[i].content_type);
	}
	free(m->att);
	free(m->subject);
	free(m->from);
	free(m->from_name);
	free(m->message_id);
	/* the report text may be confidential: wipe it */
	xfreezero(m->text, m->text_len);
	free(m);
	*mp = NULL;
}
