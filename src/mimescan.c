/*
 * mimescan.c - linear structural pre-scan of a raw message (mimescan.h).
 *
 * Only the structure is read here: Content-Type headers (for multipart
 * boundaries and message/rfc822) and delimiter lines.  Everything else is
 * the real parser's job.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "madoguchi/mimescan.h"

#define BOUNDARY_MAX	200	/* RFC 2046 says 70; be generous */

struct frame {
	const char	*b;		/* boundary, NULL for message/rfc822 */
	size_t		 blen;
	int		 seen;		/* an opening delimiter appeared */
	int		 closed;	/* the close delimiter appeared */
};

enum ctkind { CT_LEAF, CT_MULTI, CT_MULTI_NOB, CT_MESSAGE };

/* what a Content-Type value says about structure */
struct ctinfo {
	enum ctkind	 kind;
	const char	*bnd;
	size_t		 blen;
};

struct scan {
	struct frame	 st[MIMESCAN_MAX_DEPTH + 1];
	size_t		 depth;
	struct ctinfo	 ct;		/* of the header block being read */
};

int
mimescan_eol(const char *p, size_t len, unsigned *flags)
{
	size_t i, crlf = 0, lf = 0, cr = 0;

	for (i = 0; i < len; i++) {
		if (p[i] == '\n')
			lf++;
		else if (p[i] == '\r') {
			if (i + 1 < len && p[i + 1] == '\n') {
				crlf++;
				i++;
			} else
				cr++;
		} else if (p[i] == '\0')
			*flags |= MIMESCAN_F_NUL;
	}
	if (crlf > 0 && lf > 0)
		*flags |= MIMESCAN_F_MIXED_EOL;
	if (cr > 0)
		*flags |= MIMESCAN_F_BARE_CR;
	return cr > 0 && crlf == 0 && lf == 0;
}

/* is this line a header field start ("Name:") */
static int
is_field(const char *l, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)l[i];

		if (c == ':')
			return i > 0;
		if (c <= ' ' || c >= 0x7f)
			return 0;
	}
	return 0;
}

/* look at one unfolded-enough Content-Type value for kind and boundary */
static void
content_type(struct ctinfo *s, const char *v, size_t n)
{
	const char *end = v + n, *p;
	int inq;

	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	if ((size_t)(end - v) >= 10 && strncasecmp(v, "multipart/", 10) == 0)
		s->kind = CT_MULTI_NOB;
	else if ((size_t)(end - v) >= 14 &&
	    strncasecmp(v, "message/rfc822", 14) == 0)
		s->kind = CT_MESSAGE;
	else {
		s->kind = CT_LEAF;
		return;
	}
	if (s->kind != CT_MULTI_NOB)
		return;
	inq = 0;
	for (p = v; p + 9 <= end; p++) {
		const char *q;

		/* a parameter starts after ';' or a blank, never in quotes:
		 * not x-boundary=, not name="boundary=..." */
		if (*p == '"')
			inq = !inq;
		if (inq || strncasecmp(p, "boundary", 8) != 0 ||
		    (p > v && p[-1] != ';' && p[-1] != ' ' && p[-1] != '\t' &&
		    p[-1] != '\n' && p[-1] != '\r'))
			continue;
		q = p + 8;
		while (q < end && (*q == ' ' || *q == '\t'))
			q++;
		if (q >= end || *q != '=')
			continue;
		q++;
		while (q < end && (*q == ' ' || *q == '\t'))
			q++;
		if (q < end && *q == '"') {
			const char *e = memchr(q + 1, '"', (size_t)(end - q - 1));

			if (e == NULL)
				e = end;
			s->bnd = q + 1;
			s->blen = (size_t)(e - q - 1);
		} else {
			const char *e = q;

			while (e < end && *e != ';' && *e != ' ' &&
			    *e != '\t' && *e != '\r' && *e != '\n')
				e++;
			s->bnd = q;
			s->blen = (size_t)(e - q);
		}
		/* an empty boundary is what libetpan splits at "--" lines */
		if (s->blen <= BOUNDARY_MAX)
			s->kind = CT_MULTI;
		return;
	}
}

/* which frame (from the top) does this "--" line delimit; -1 if none */
static long
delimiter(const struct scan *s, const char *l, size_t n, int *close_r)
{
	size_t k;

	for (k = s->depth; k-- > 0;) {
		const struct frame *f = &s->st[k];
		size_t i;

		if (f->b == NULL || n < f->blen + 2 ||
		    memcmp(l + 2, f->b, f->blen) != 0)
			continue;
		i = f->blen + 2;
		*close_r = n >= i + 2 && l[i] == '-' && l[i + 1] == '-';
		if (*close_r)
			i += 2;
		/* only trailing whitespace may follow (RFC 2046 5.1.1) */
		while (i < n && (l[i] == ' ' || l[i] == '\t'))
			i++;
		if (i == n)
			return (long)k;
	}
	return -1;
}

/*
 * on_delimiter - a "--" line in a body: if it delimits an open multipart,
 * close the parts nested in it and start the next part (or end it).
 * Returns 1 when the scan must stop there (too many parts: cut set).
 */
static int
on_delimiter(struct scan *s, struct mimescan_result *r, const char *p,
    const char *line, size_t n, size_t max_parts, int *in_headers,
    int *first, const char **part_start)
{
	int closing = 0;
	long k = delimiter(s, line, n, &closing);

	if (k < 0)
		return 0;
	/* an outer delimiter ends every inner part */
	while (s->depth > (size_t)k + 1) {
		s->depth--;
		if (s->st[s->depth].b != NULL && !s->st[s->depth].closed)
			r->flags |= s->st[s->depth].seen ?
			    MIMESCAN_F_UNTERMINATED : MIMESCAN_F_BOUNDARY_MISSING;
	}
	s->st[k].seen = 1;
	if (closing) {
		s->st[k].closed = 1;
		return 0;
	}
	if (r->parts >= max_parts) {
		r->flags |= MIMESCAN_F_TOO_MANY_PARTS;
		r->cut = (size_t)(line - p);
		return 1;
	}
	*in_headers = 1;
	*first = 1;
	*part_start = line;
	s->ct.kind = CT_LEAF;
	return 0;
}

void
mimescan(const char *p, size_t len, size_t max_depth, size_t max_parts,
    struct mimescan_result *r)
{
	static struct scan s;	/* large: keep it off the stack */
	const char *end = p + len, *line = p, *part_start = p;
	int in_headers = 1, in_ct = 0, first = 1, closing = 0;
	const char *ct_start = NULL;

	if (max_depth > MIMESCAN_MAX_DEPTH)
		max_depth = MIMESCAN_MAX_DEPTH;
	memset(r, 0, sizeof(*r));
	r->cut = len;
	s.depth = 0;
	s.ct.kind = CT_LEAF;
	while (line < end) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		const char *next = nl ? nl + 1 : end;
		size_t n = (size_t)((nl ? nl : end) - line);

		if (n > 0 && line[n - 1] == '\r')
			n--;
		if (n > 998)
			r->flags |= MIMESCAN_F_LONG_LINE;
		if (in_headers && s.depth > 0 && n >= 2 && line[0] == '-' &&
		    line[1] == '-' && delimiter(&s, line, n, &closing) >= 0) {
			/*
			 * A part that ends inside its headers: the line break
			 * before a delimiter belongs to the delimiter (RFC 2046),
			 * so this is a header-only leaf, then a delimiter.
			 */
			if (in_ct) {
				content_type(&s.ct, ct_start,
				    (size_t)(line - ct_start));
				in_ct = 0;
			}
			r->parts++;
			s.ct.kind = CT_LEAF;
			in_headers = 0;
			if (on_delimiter(&s, r, p, line, n, max_parts, &in_headers,
			    &first, &part_start))
				break;
			goto next;
		}
		if (in_headers) {
			int cont = n > 0 && (line[0] == ' ' || line[0] == '\t');

			if (first && n > 0 && !is_field(line, n)) {
				/* a part may start with its body; the message may not */
				if (line == p)
					r->flags |= MIMESCAN_F_NO_HEADERS;
				in_headers = 0;
				first = 0;
				r->parts++;
				goto next;
			}
			first = 0;
			if (in_ct && !cont) {
				content_type(&s.ct, ct_start,
				    (size_t)(line - ct_start));
				in_ct = 0;
			}
			if (n == 0) {
				/* end of a header block: what is this part? */
				if (s.ct.kind == CT_MULTI_NOB)
					r->flags |= MIMESCAN_F_NO_BOUNDARY;
				if (s.ct.kind == CT_MULTI || s.ct.kind == CT_MESSAGE) {
					if (s.depth >= max_depth) {
						r->flags |= MIMESCAN_F_TOO_DEEP;
						r->cut = (size_t)(part_start - p);
						break;
					}
					s.st[s.depth].b = s.ct.kind == CT_MULTI ?
					    s.ct.bnd : NULL;
					s.st[s.depth].blen = s.ct.blen;
					s.st[s.depth].seen = 0;
					s.st[s.depth].closed = 0;
					s.depth++;
					if (s.depth > r->depth)
						r->depth = s.depth;
					/* an attached message starts with headers */
					in_headers = s.ct.kind == CT_MESSAGE;
					first = in_headers;
				} else {
					r->parts++;
					in_headers = 0;
				}
				s.ct.kind = CT_LEAF;
			} else if (!cont && n >= 13 &&
			    strncasecmp(line, "Content-Type:", 13) == 0 &&
			    s.ct.kind == CT_LEAF) {
				/* the first Content-Type wins, as in libetpan */
				in_ct = 1;
				ct_start = line + 13;
			}
		} else if (n >= 2 && line[0] == '-' && line[1] == '-') {
			if (on_delimiter(&s, r, p, line, n, max_parts, &in_headers,
			    &first, &part_start))
				break;
		}
next:
		line = next;
	}
	if (in_headers && in_ct)
		content_type(&s.ct, ct_start, (size_t)(end - ct_start));
	if (in_headers && line >= end && r->cut == len && s.depth == 0 &&
	    !(r->flags & MIMESCAN_F_NO_HEADERS))
		r->flags |= MIMESCAN_F_HEADER_UNTERMINATED;
	while (s.depth > 0) {
		s.depth--;
		if (s.st[s.depth].b != NULL && !s.st[s.depth].closed &&
		    r->cut == len)
			r->flags |= s.st[s.depth].seen ?
			    MIMESCAN_F_UNTERMINATED :
			    MIMESCAN_F_BOUNDARY_MISSING;
	}
}

/* the Content-Type value of a header block: start and length, or NULL */
static const char *
ct_value(const char *p, size_t len, size_t *vlen_r)
{
	const char *end = p + len, *line = p, *ct = NULL;

	while (line < end) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		const char *next = nl ? nl + 1 : end;
		size_t n = (size_t)((nl ? nl : end) - line);
		int cont = n > 0 && (line[0] == ' ' || line[0] == '\t');

		if (n > 0 && line[n - 1] == '\r')
			n--;
		if (ct != NULL && !cont)
			break;		/* the Content-Type field ended */
		if (n == 0)
			break;		/* end of the header block */
		if (ct == NULL && n >= 13 &&
		    strncasecmp(line, "Content-Type:", 13) == 0)
			ct = line + 13;
		line = next;
	}
	if (ct != NULL)
		*vlen_r = (size_t)(line - ct);
	return ct;
}

int
mimescan_boundary(const char *p, size_t len, const char **b_r,
    size_t *blen_r)
{
	struct ctinfo ci = { CT_LEAF, NULL, 0 };
	const char *ct;
	size_t n;

	if ((ct = ct_value(p, len, &n)) == NULL)
		return -1;
	content_type(&ci, ct, n);
	if (ci.kind != CT_MULTI)
		return -1;
	*b_r = ci.bnd;
	*blen_r = ci.blen;
	return 0;
}

int
mimescan_ct_param(const char *p, size_t len, const char *name,
    const char **v_r, size_t *vlen_r)
{
	const char *ct, *end, *q;
	size_t n, nl = strlen(name);

	if ((ct = ct_value(p, len, &n)) == NULL)
		return -1;
	end = ct + n;
	for (q = ct; q + nl < end; q++) {
		const char *v, *e;

		if (strncasecmp(q, name, nl) != 0 ||
		    (q > ct && q[-1] != ';' && q[-1] != ' ' && q[-1] != '\t'))
			continue;
		v = q + nl;
		while (v < end && (*v == ' ' || *v == '\t'))
			v++;
		if (v >= end || *v != '=')
			continue;
		v++;
		while (v < end && (*v == ' ' || *v == '\t'))
			v++;
		if (v < end && *v == '"') {
			v++;
			e = memchr(v, '"', (size_t)(end - v));
			if (e == NULL)
				e = end;
		} else
			for (e = v; e < end && *e != ';' && *e != ' ' &&
			    *e != '\t' && *e != '\r' && *e != '\n'; e++)
				;
		if (e == v)
			continue;
		*v_r = v;
		*vlen_r = (size_t)(e - v);
		return 0;
	}
	return -1;
}
