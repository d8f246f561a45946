/*
 * arf.c - reading machine-readable abuse reports, ARF and X-ARF (arf.h).
 *
 * A lenient reader over the raw bytes, in the spirit of dsn.c: no MIME
 * library, only the top-level header, the top-level multipart boundaries
 * and the one part that holds the report.  Every scan is bounded by an end
 * pointer (the message may hold NUL bytes), every copy by its destination,
 * and parts and fields by named limits, so hostile input costs one linear
 * pass.  Nothing here fails: what cannot be read is skipped.
 *
 * Not read: the third part (the reported message or evidence), nested
 * multiparts, RFC 2231 parameters, encoded words in field values, and the
 * pre-RFC "report-type=abuse" drafts (no robot we know still sends them).
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "madoguchi/arf.h"
#include "madoguchi/cte.h"
#include "madoguchi/xalloc.h"

#define ARF_MAX_PARTS	64	/* top-level parts looked at */
#define ARF_HDR_MAX	4096	/* unfolded Content-Type kept */
#define ARF_NAME_MAX	128	/* a longer "name" is not a field line */
#define ARF_BOUNDARY_MAX 200	/* RFC 2046 says 70; robots exceed it */

struct span {
	const char	*p;
	const char	*end;
};

/* the few headers we need from a header block, unfolded */
struct mhdr {
	char	ct[ARF_HDR_MAX];
	char	cte[64];
	char	cd[512];
	char	xarf[16];
	char	xxarf[16];	/* X-ARF v0.2's own marker: PLAIN or SECURE */
};

static const char *
eol(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	return nl != NULL ? nl : end;
}

static const char *
next_line(const char *nl, const char *end)
{
	return nl < end ? nl + 1 : end;
}

static int
is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

/* blank - nothing but blanks and CR on [p, nl) */
static int
blank(const char *p, const char *nl)
{
	for (; p < nl; p++)
		if (!is_wsp(*p) && *p != '\r')
			return 0;
	return 1;
}

/*
 * name_end - if [p, nl) starts with "Name:", the colon, and the name
 * length in *nlen_r; else NULL.  Blanks before the colon are tolerated
 * (obsolete syntax), blanks inside the name are not, which keeps log lines
 * and prose ("Nov 22 04:20:56 host sshd: ...") from passing as fields.
 */
static const char *
name_end(const char *p, const char *nl, size_t *nlen_r)
{
	const char *q = p;
	size_t n;

	while (q < nl && q - p < ARF_NAME_MAX && *q > ' ' && *q < 0x7f &&
	    *q != ':')
		q++;
	n = (size_t)(q - p);
	if (n == 0)
		return NULL;
	while (q < nl && is_wsp(*q))
		q++;
	if (q >= nl || *q != ':')
		return NULL;
	*nlen_r = n;
	return q;
}

/*
 * utf8_fix - make s[0..n) valid UTF-8 in place (no overlongs, surrogates
 * or code points past U+10FFFF): a bad byte becomes '?', a sequence cut
 * short at the end is dropped (it is usually our own cut).  Returns the new
 * length.
 */
static size_t
utf8_fix(char *s, size_t n)
{
	unsigned char *u = (unsigned char *)s;
	size_t i = 0, k, need;
	unsigned long cp;

	while (i < n) {
		if (u[i] < 0x80) {
			i++;
			continue;
		}
		if (u[i] >= 0xc2 && u[i] <= 0xdf) {
			need = 1;
			cp = u[i] & 0x1f;
		} else if ((u[i] & 0xf0) == 0xe0) {
			need = 2;
			cp = u[i] & 0x0f;
		} else if (u[i] >= 0xf0 && u[i] <= 0xf4) {
			need = 3;
			cp = u[i] & 0x07;
		} else {
			u[i++] = '?';
			continue;
		}
		for (k = 1; k <= need && i + k < n; k++) {
			if ((u[i + k] & 0xc0) != 0x80)
				break;
			cp = (cp << 6) | (u[i + k] & 0x3f);
		}
		if (i + k >= n && k <= need)
			return i;		/* cut short at the end */
		if (k <= need || (need == 2 && (cp < 0x800 ||
		    (cp >= 0xd800 && cp <= 0xdfff))) ||
		    (need == 3 && (cp < 0x10000 || cp > 0x10ffff))) {
			u[i++] = '?';
			continue;
		}
		i += need + 1;
	}
	return n;
}

/*
 * copy_value - [p, end) into out (outlen > 0), NUL-terminated: a line
 * break and the blanks after it (a fold) become one space, any other
 * control character (NUL, tab, DEL...) a space, the ends are trimmed and
 * the text made valid UTF-8.  Reading stops once out is full, so a 2 MB
 * value costs outlen steps.
 */
static void
copy_value(const char *p, const char *end, char *out, size_t outlen)
{
	size_t n = 0;
	unsigned char c;

	while (p < end && n + 1 < outlen) {
		c = (unsigned char)*p++;
		if (c == '\r' || c == '\n') {
			while (p < end && (*p == '\r' || *p == '\n' ||
			    is_wsp(*p)))
				p++;
			c = ' ';
			if (n > 0 && out[n - 1] == ' ')
				continue;
		} else if (c < 0x20 || c == 0x7f)
			c = ' ';
		if (c == ' ' && n == 0)
			continue;
		out[n++] = (char)c;
	}
	n = utf8_fix(out, n);
	while (n > 0 && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
}

/* pick - copy src into dst, cut at a UTF-8 character boundary */
static void
pick(char *dst, size_t dstlen, const char *src)
{
	size_t n;

	if (src == NULL)
		return;
	n = strlen(src);
	if (n >= dstlen) {
		n = dstlen - 1;
		while (n > 0 && ((unsigned char)src[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/*
 * hdr_next - the next header of the block at *pp, its value with the folds
 * still in; 0 at the blank line or the end, with *pp at the body.  Lines
 * that are not "Name:" are skipped, and so are continuation lines with
 * nothing to continue.
 */
static int
hdr_next(const char **pp, const char *end, const char **name_r,
    size_t *nlen_r, struct span *v)
{
	const char *p = *pp, *nl, *c;

	while (p < end) {
		nl = eol(p, end);
		if (nl == p || (nl == p + 1 && *p == '\r')) {
			*pp = next_line(nl, end);
			return 0;
		}
		if (is_wsp(*p) || (c = name_end(p, nl, nlen_r)) == NULL) {
			p = next_line(nl, end);
			continue;
		}
		*name_r = p;
		v->p = c + 1;
		v->end = nl;
		for (p = next_line(nl, end); p < end && is_wsp(*p);
		    p = next_line(nl, end))
			v->end = nl = eol(p, end);
		*pp = p;
		return 1;
	}
	*pp = end;
	return 0;
}

static int
name_is(const char *name, size_t nlen, const char *want)
{
	return strlen(want) == nlen && strncasecmp(name, want, nlen) == 0;
}

/* read_headers - the headers of m from the block at p; returns the body */
static const char *
read_headers(const char *p, const char *end, struct mhdr *m)
{
	const char *name;
	size_t nlen;
	struct span v;

	memset(m, 0, sizeof(*m));
	while (hdr_next(&p, end, &name, &nlen, &v)) {
		if (m->ct[0] == '\0' && name_is(name, nlen, "Content-Type"))
			copy_value(v.p, v.end, m->ct, sizeof(m->ct));
		else if (m->cte[0] == '\0' &&
		    name_is(name, nlen, "Content-Transfer-Encoding"))
			copy_value(v.p, v.end, m->cte, sizeof(m->cte));
		else if (m->cd[0] == '\0' &&
		    name_is(name, nlen, "Content-Disposition"))
			copy_value(v.p, v.end, m->cd, sizeof(m->cd));
		else if (m->xarf[0] == '\0' && name_is(name, nlen, "X-ARF"))
			copy_value(v.p, v.end, m->xarf, sizeof(m->xarf));
		else if (m->xxarf[0] == '\0' && name_is(name, nlen, "X-XARF"))
			copy_value(v.p, v.end, m->xxarf, sizeof(m->xxarf));
	}
	return p;
}

/* ct_is - does the Content-Type value ct name media type type? */
static int
ct_is(const char *ct, const char *type)
{
	size_t n = strlen(type);

	ct += strspn(ct, " ");
	return strncasecmp(ct, type, n) == 0 &&
	    (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ' || ct[n] == '(');
}

/*
 * ct_param - the value of parameter name in a header value (after the
 * first ';'), quoted with \ escapes or bare, into out; 1 if found and not
 * empty.
 */
static int
ct_param(const char *ct, const char *name, char *out, size_t outlen)
{
	const char *p = ct + strcspn(ct, ";"), *k;
	size_t nl = strlen(name), n;
	int match;

	while (*p == ';') {
		p++;
		p += strspn(p, " ");
		k = p;
		p += strcspn(p, "=; ");
		match = (size_t)(p - k) == nl && strncasecmp(k, name, nl) == 0;
		p += strspn(p, " ");
		n = 0;
		if (*p == '=') {
			p++;
			p += strspn(p, " ");
			if (*p == '"') {
				for (p++; *p != '\0' && *p != '"'; p++) {
					if (*p == '\\' && p[1] != '\0')
						p++;
					if (match && n + 1 < outlen)
						out[n++] = *p;
				}
			} else {
				for (; *p != '\0' && *p != ';' && *p != ' ';
				    p++)
					if (match && n + 1 < outlen)
						out[n++] = *p;
			}
		}
		if (match && n > 0) {
			out[n] = '\0';
			return 1;
		}
		p += strcspn(p, ";");
	}
	return 0;
}

/* is_delim - is [p, nl) "--boundary" (*close_r: "--boundary--")? */
static int
is_delim(const char *p, const char *nl, const char *b, size_t blen,
    int *close_r)
{
	if ((size_t)(nl - p) < blen + 2 || p[0] != '-' || p[1] != '-' ||
	    memcmp(p + 2, b, blen) != 0)
		return 0;
	p += blen + 2;
	/* whatever follows a close delimiter is epilogue */
	if ((*close_r = nl - p >= 2 && p[0] == '-' && p[1] == '-'))
		return 1;
	return blank(p, nl);
}

/*
 * split - the parts of the multipart body [p, end) into parts[] (at most
 * max); returns how many.  A missing close delimiter ends the last part
 * at end, as a truncated message would.
 */
static size_t
split(const char *p, const char *end, const char *b, struct span *parts,
    size_t max)
{
	const char *nl, *start = NULL, *e;
	size_t blen = strlen(b), n = 0;
	int close = 0;

	for (; p < end && n < max; p = next_line(nl, end)) {
		nl = eol(p, end);
		if (!is_delim(p, nl, b, blen, &close))
			continue;
		if (start != NULL) {
			/* the line break before a delimiter belongs to it */
			e = p;
			if (e > start && e[-1] == '\n')
				e--;
			if (e > start && e[-1] == '\r')
				e--;
			parts[n].p = start;
			parts[n++].end = e;
		}
		if (close)
			return n;
		start = next_line(nl, end);
	}
	if (start != NULL && n < max) {
		parts[n].p = start;
		parts[n++].end = end;
	}
	return n;
}

static int
is_multipart(const struct mhdr *m)
{
	return strncasecmp(m->ct + strspn(m->ct, " "), "multipart/", 10) == 0;
}

/* top_parts - the parts of a multipart body; none without a boundary */
static size_t
top_parts(const char *body, const char *end, const struct mhdr *m,
    struct span *parts)
{
	char b[ARF_BOUNDARY_MAX + 1];

	if (!is_multipart(m) || !ct_param(m->ct, "boundary", b, sizeof(b)))
		return 0;
	return split(body, end, b, parts, ARF_MAX_PARTS);
}

/*
 * decode - the body [p, end) under headers m, decoded if it is base64 or
 * quoted-printable, into *d (*dec_r: to free, or NULL).
 */
static void
decode(const struct mhdr *m, const char *p, const char *end, struct span *d,
    char **dec_r)
{
	unsigned flags = 0;
	enum cte e = cte_from_name(m->cte, &flags);
	size_t n;

	*dec_r = NULL;
	d->p = p;
	d->end = end;
	if (e == CTE_IDENTITY)
		return;
	cte_decode(e, p, (size_t)(end - p), dec_r, &n, &flags);
	d->p = *dec_r;
	d->end = *dec_r + n;
}

/* part_open - the headers of part s into m, its decoded body into *d */
static void
part_open(const struct span *s, struct mhdr *m, struct span *d, char **dec_r)
{
	decode(m, read_headers(s->p, s->end, m), s->end, d, dec_r);
}

/* unquote - strip YAML quotes around a value, undoing their escapes */
static void
unquote(char *v)
{
	size_t n = strlen(v), i, o = 0;
	char q = v[0];

	if (n < 2 || (q != '"' && q != '\'') || v[n - 1] != q)
		return;
	for (i = 1; i < n - 1; i++) {
		if (q == '"' && v[i] == '\\' && i + 2 < n)
			i++;
		else if (q == '\'' && v[i] == '\'' && v[i + 1] == '\'' &&
		    i + 2 < n)
			i++;
		v[o++] = v[i];
	}
	v[o] = '\0';
}

static void
add_field(struct arf_report *r, const char *name, size_t nlen,
    const struct span *v, int yaml)
{
	char val[ARF_FIELD_MAX];
	struct arf_field *f;

	if (r->nfields >= ARF_MAX_FIELDS)
		return;
	copy_value(v->p, v->end, val, sizeof(val));
	if (yaml)
		unquote(val);
	/* at most ARF_MAX_FIELDS * 16 bytes, so no growing */
	if (r->fields == NULL)
		r->fields = xcalloc(ARF_MAX_FIELDS, sizeof(*r->fields));
	f = &r->fields[r->nfields++];
	f->name = xstrndup(name, nlen);
	f->value = xstrdup(val);
}

/*
 * read_fields - the "Name: value" lines of [p, end) into r->fields, in
 * order; a line starting with a blank continues the value.  Other lines
 * are skipped.  yaml: quotes around values are stripped and "---", "..."
 * and "#" comment lines skipped.
 */
static void
read_fields(const char *p, const char *end, int yaml, struct arf_report *r)
{
	const char *nl, *c, *name = NULL;
	size_t nlen = 0;
	struct span v = { NULL, NULL };

	for (; p < end && r->nfields < ARF_MAX_FIELDS; p = next_line(nl, end)) {
		nl = eol(p, end);
		if (name != NULL && is_wsp(*p) && !blank(p, nl)) {
			v.end = nl;
			continue;
		}
		if (name != NULL)
			add_field(r, name, nlen, &v, yaml);
		name = NULL;
		if (yaml && (*p == '#' || (nl - p >= 3 &&
		    (memcmp(p, "---", 3) == 0 || memcmp(p, "...", 3) == 0))))
			continue;
		if ((c = name_end(p, nl, &nlen)) == NULL)
			continue;
		name = p;
		v.p = c + 1;
		v.end = nl;
	}
	if (name != NULL)
		add_field(r, name, nlen, &v, yaml);
}

/* read_arf - the fields of the first message/feedback-report part */
static void
read_arf(const char *body, const char *end, const struct mhdr *top,
    struct arf_report *r)
{
	struct span parts[ARF_MAX_PARTS], d;
	struct mhdr m;
	size_t n, i;
	char *dec;

	n = top_parts(body, end, top, parts);
	for (i = 0; i < n; i++) {
		part_open(&parts[i], &m, &d, &dec);
		if (ct_is(m.ct, "message/feedback-report")) {
			read_fields(d.p, d.end, 0, r);
			free(dec);
			return;
		}
		free(dec);
	}
}

static int
xarf_report(const struct arf_report *t)
{
	return arf_get(t, "Reported-From") != NULL ||
	    arf_get(t, "Category") != NULL ||
	    arf_get(t, "Report-Type") != NULL || arf_get(t, "Source") != NULL;
}

/* named_report - is the part called report.txt (or some .yaml file)? */
static int
named_report(const struct mhdr *m)
{
	char name[256];

	if (!ct_param(m->ct, "name", name, sizeof(name)) &&
	    !ct_param(m->cd, "filename", name, sizeof(name)))
		return ct_is(m->ct, "text/yaml") ||
		    ct_is(m->ct, "application/x-yaml") ||
		    ct_is(m->ct, "application/yaml");
	return strcasecmp(name, "report.txt") == 0 ||
	    (strlen(name) > 5 && (strcasecmp(name + strlen(name) - 5,
	    ".yaml") == 0 || strcasecmp(name + strlen(name) - 4, ".yml") == 0));
}

/* xarf_part - the fields of a part if it is text and holds a report */
static void
xarf_part(const struct mhdr *m, const struct span *d, struct arf_report *t)
{
	memset(t, 0, sizeof(*t));
	if (m->ct[0] == '\0' || ct_is(m->ct, "text/plain") || named_report(m))
		read_fields(d->p, d->end, 1, t);
	if (!xarf_report(t))
		arf_free(t);
}

/*
 * read_xarf - the fields of the report part: the one named report.txt, else
 * the first text part with X-ARF report fields.  The human-readable first
 * part can hold "Source: ..." lines too, hence the preference.  A message
 * that is not multipart is its own report part.
 */
static void
read_xarf(const char *body, const char *end, const struct mhdr *top,
    struct arf_report *r)
{
	struct span parts[ARF_MAX_PARTS], d;
	struct arf_report t, first;
	struct mhdr m;
	size_t n, i;
	char *dec;

	memset(&first, 0, sizeof(first));
	if (!is_multipart(top)) {
		decode(top, body, end, &d, &dec);
		xarf_part(top, &d, &first);
		free(dec);
		n = 0;
	} else
		n = top_parts(body, end, top, parts);
	for (i = 0; i < n; i++) {
		part_open(&parts[i], &m, &d, &dec);
		xarf_part(&m, &d, &t);
		free(dec);
		if (t.nfields == 0)
			continue;
		if (named_report(&m)) {
			arf_free(&first);
			first = t;
			break;
		}
		if (first.nfields == 0)
			first = t;
		else
			arf_free(&t);
	}
	r->fields = first.fields;
	r->nfields = first.nfields;
}

/* ip_shaped - an IPv4 or IPv6 address, optionally with a /prefix */
static int
ip_shaped(const char *s)
{
	unsigned char a[16];
	char tmp[64];
	size_t n = strcspn(s, "/");

	if (n >= sizeof(tmp))
		return 0;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	return inet_pton(AF_INET, tmp, a) == 1 ||
	    inet_pton(AF_INET6, tmp, a) == 1;
}

/* domain_shaped - letters, digits, '-' and '.', with a dot inside */
static int
domain_shaped(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.");

	return n > 2 && s[n] == '\0' && s[0] != '.' && s[0] != '-' &&
	    strchr(s + 1, '.') != NULL && strspn(s, "0123456789.") != n;
}

static void
pick_xarf(struct arf_report *r)
{
	const char *src = arf_get(r, "Source"), *st = arf_get(r, "Source-Type");

	pick(r->feedback_type, sizeof(r->feedback_type),
	    arf_get(r, "Category") != NULL ? arf_get(r, "Category") :
	    arf_get(r, "Report-Type"));
	pick(r->arrival, sizeof(r->arrival), arf_get(r, "Date"));
	pick(r->reporter, sizeof(r->reporter), arf_get(r, "Reported-From"));
	if (src == NULL || *src == '\0')
		return;
	if (st != NULL && (strcasecmp(st, "ipv4") == 0 ||
	    strcasecmp(st, "ipv6") == 0 || strcasecmp(st, "ip-address") == 0 ||
	    strcasecmp(st, "ip") == 0))
		pick(r->source_ip, sizeof(r->source_ip), src);
	else if (st != NULL && (strcasecmp(st, "uri") == 0 ||
	    strcasecmp(st, "url") == 0))
		pick(r->url, sizeof(r->url), src);
	else if (st != NULL && strcasecmp(st, "domain") == 0)
		pick(r->domain, sizeof(r->domain), src);
	/* no Source-Type, or one we do not know: go by the shape */
	else if (ip_shaped(src))
		pick(r->source_ip, sizeof(r->source_ip), src);
	else if (strstr(src, "://") != NULL)
		pick(r->url, sizeof(r->url), src);
	else if (domain_shaped(src))
		pick(r->domain, sizeof(r->domain), src);
}

static void
pick_arf(struct arf_report *r)
{
	const char *a = arf_get(r, "Arrival-Date");

	pick(r->feedback_type, sizeof(r->feedback_type),
	    arf_get(r, "Feedback-Type"));
	pick(r->source_ip, sizeof(r->source_ip), arf_get(r, "Source-IP"));
	pick(r->url, sizeof(r->url), arf_get(r, "Reported-URI"));
	pick(r->domain, sizeof(r->domain), arf_get(r, "Reported-Domain"));
	pick(r->arrival, sizeof(r->arrival),
	    a != NULL ? a : arf_get(r, "Received-Date"));
	pick(r->reporter, sizeof(r->reporter), arf_get(r, "User-Agent"));
}

const char *
arf_format_name(enum arf_format f)
{
	switch (f) {
	case ARF_ARF:
		return "arf";
	case ARF_XARF:
		return "x-arf";
	default:
		return "none";
	}
}

int
arf_parse(const char *raw, size_t len, struct arf_report *r)
{
	struct mhdr *m;
	const char *p, *end, *body;
	char rt[64];

	memset(r, 0, sizeof(*r));
	if (raw == NULL)
		return 0;
	p = raw;
	end = raw + len;
	/* an mbox separator before the header */
	if (len >= 5 && memcmp(p, "From ", 5) == 0)
		p = next_line(eol(p, end), end);
	m = xmalloc(sizeof(*m));
	body = read_headers(p, end, m);
	if (ct_is(m->ct, "multipart/report") &&
	    ct_param(m->ct, "report-type", rt, sizeof(rt)) &&
	    strcasecmp(rt, "feedback-report") == 0) {
		r->format = ARF_ARF;
		read_arf(body, end, m, r);
		pick_arf(r);
	} else if (strcasecmp(m->xarf, "yes") == 0 ||
	    strcasecmp(m->xxarf, "plain") == 0 ||
	    strcasecmp(m->xxarf, "secure") == 0) {
		/* blocklist.de and others send only "X-XARF: PLAIN" */
		r->format = ARF_XARF;
		read_xarf(body, end, m, r);
		pick_xarf(r);
	}
	free(m);
	return r->format != ARF_NONE;
}

void
arf_free(struct arf_report *r)
{
	size_t i;

	for (i = 0; i < r->nfields; i++) {
		free(r->fields[i].name);
		free(r->fields[i].value);
	}
	free(r->fields);
	memset(r, 0, sizeof(*r));
}

const char *
arf_get(const struct arf_report *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nfields; i++)
		if (strcasecmp(r->fields[i].name, name) == 0)
			return r->fields[i].value;
	return NULL;
}
