/*
 * tag.c - find and format ticket tags (see tag.h).
 *
 * The subject is first folded to ASCII where Japanese input methods use
 * full-width forms (U+FF01..U+FF5E and the ideographic space), then
 * scanned once for an opening bracket followed by the prefix.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "madoguchi/buf.h"
#include "madoguchi/tag.h"
#include "madoguchi/xalloc.h"

#define TAG_NUM_MAX	1000000000000000LL

/* fold full-width ASCII, 【】 and U+3000 to ASCII; other bytes kept */
static char *
fold(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, o = 0;
	char *out = xmalloc(n + 1);

	while (i < n) {
		if (i + 2 < n && p[i] == 0xef && (p[i + 1] == 0xbc ||
		    p[i + 1] == 0xbd)) {
			unsigned cp = ((p[i] & 0x0fu) << 12) |
			    ((p[i + 1] & 0x3fu) << 6) | (p[i + 2] & 0x3fu);

			if (cp >= 0xff01 && cp <= 0xff5e) {
				out[o++] = (char)(cp - 0xff01 + 0x21);
				i += 3;
				continue;
			}
		}
		if (i + 2 < n && p[i] == 0xe3 && p[i + 1] == 0x80) {
			if (p[i + 2] == 0x80) {		/* U+3000 */
				out[o++] = ' ';
				i += 3;
				continue;
			}
			if (p[i + 2] == 0x90 || p[i + 2] == 0x91) {
				/* 【 】 */
				out[o++] = p[i + 2] == 0x90 ? '[' : ']';
				i += 3;
				continue;
			}
		}
		out[o++] = (char)p[i++];
	}
	out[o] = '\0';
	return out;
}

static const char *
skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* parse "PREFIX ws # ws DIGITS" at p; returns the end or NULL */
static const char *
match_body(const char *p, const char *prefix, int64_t *num_r)
{
	size_t pl = strlen(prefix);
	long long v = 0;
	const char *d;

	p = skip_ws(p);
	if (strncasecmp(p, prefix, pl) != 0)
		return NULL;
	p = skip_ws(p + pl);
	if (*p != '#')
		return NULL;
	p = skip_ws(p + 1);
	for (d = p; isdigit((unsigned char)*p); p++) {
		v = v * 10 + (*p - '0');
		if (v > TAG_NUM_MAX)
			return NULL;
	}
	if (p == d || v < 1)
		return NULL;
	*num_r = v;
	return skip_ws(p);
}

int
tag_find(const char *s, const char *prefix, int64_t *num_r)
{
	char *f;
	const char *p;
	int rc = -1;

	if (s == NULL || prefix == NULL || *prefix == '\0')
		return -1;
	f = fold(s);
	for (p = f; *p != '\0'; p++) {
		const char *e;
		char close;
		int64_t v;

		if (*p == '[')
			close = ']';
		else if (*p == '(')
			close = ')';
		else
			continue;
		e = match_body(p + 1, prefix, &v);
		if (e != NULL && *e == close) {
			*num_r = v;
			rc = 0;
			break;
		}
	}
	free(f);
	return rc;
}

int
tag_parse(const char *s, const char *prefix, int64_t *num_r)
{
	char *f;
	const char *p, *e;
	int64_t v;
	int rc = -1;

	f = fold(s);
	p = skip_ws(f);
	if (*p == '[')
		p++;
	e = match_body(p, prefix, &v);
	if (e == NULL) {
		/* "#12" or "12" */
		char *end;
		long long n;

		if (*p == '#')
			p++;
		n = strtoll(p, &end, 10);
		if (end != p && n >= 1 && n <= TAG_NUM_MAX &&
		    isdigit((unsigned char)*p)) {
			e = skip_ws(end);
			v = n;
		} else
			e = NULL;
	}
	if (e != NULL && *e == ']')
		e = skip_ws(e + 1);
	if (e != NULL && *e == '\0') {
		*num_r = v;
		rc = 0;
	}
	free(f);
	return rc;
}

void
tag_format(const char *prefix, int64_t num, char out[TAG_MAX])
{
	(void)snprintf(out, TAG_MAX, "%.32s#%lld", prefix, (long long)num);
}
