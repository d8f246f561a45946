/*
 * cte.c - base64 and quoted-printable decoding, lenient and flagged.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "madoguchi/cte.h"
#include "madoguchi/xalloc.h"

enum cte
cte_from_name(const char *name, unsigned *flags_r)
{
	size_t n;

	if (name == NULL)
		return CTE_IDENTITY;
	while (*name == ' ' || *name == '\t' || *name == '"')
		name++;
	n = 0;
	while (name[n] != '\0' && (isalnum((unsigned char)name[n]) ||
	    name[n] == '-'))
		n++;
	if (n == 6 && strncasecmp(name, "base64", 6) == 0)
		return CTE_BASE64;
	if (n == 16 && strncasecmp(name, "quoted-printable", 16) == 0)
		return CTE_QP;
	if (n == 0 || (n == 4 && strncasecmp(name, "7bit", 4) == 0) ||
	    (n == 4 && strncasecmp(name, "8bit", 4) == 0) ||
	    (n == 6 && strncasecmp(name, "binary", 6) == 0))
		return CTE_IDENTITY;
	*flags_r |= CTE_F_UNKNOWN;
	return CTE_IDENTITY;
}

int
cte_b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

void
cte_b64_encode(const void *in, size_t len, struct buf *out)
{
	static const char a[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *p = in;
	char q[4];
	size_t i;

	for (i = 0; i + 2 < len; i += 3) {
		q[0] = a[p[i] >> 2];
		q[1] = a[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
		q[2] = a[((p[i + 1] & 15) << 2) | (p[i + 2] >> 6)];
		q[3] = a[p[i + 2] & 63];
		(void)buf_append(out, q, 4);
	}
	if (i < len) {
		q[0] = a[p[i] >> 2];
		q[1] = a[((p[i] & 3) << 4) | (i + 1 < len ? p[i + 1] >> 4 : 0)];
		q[2] = i + 1 < len ? a[(p[i + 1] & 15) << 2] : '=';
		q[3] = '=';
		(void)buf_append(out, q, 4);
	}
}

/* base64 state carried from one slice to the next */
struct b64 {
	unsigned long	acc;
	int		bits;
	int		pad;
};

static size_t
b64_decode(struct b64 *st, const char *in, size_t len, char *out,
    unsigned *flags)
{
	unsigned long acc = st->acc;
	size_t i, o = 0;
	int bits = st->bits, pad = st->pad;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];
		int v;

		if (c == '\r' || c == '\n' || c == ' ' || c == '\t')
			continue;
		if (c == '=') {
			pad++;
			continue;
		}
		v = cte_b64_value(c);
		if (v < 0 || pad > 0) {
			/* junk, or data after padding: skip it, say so */
			*flags |= CTE_F_BAD;
			if (v < 0)
				continue;
			/* data after "=": a new group (concatenated base64) */
			pad = 0;
			acc = 0;
			bits = 0;
		}
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (char)((acc >> bits) & 0xff);
			acc &= (1UL << bits) - 1;
		}
	}
	st->acc = acc;
	st->bits = bits;
	st->pad = pad;
	return o;
}

/* leftover bits that cannot make a byte mean a truncated quantum */
static void
b64_final(const struct b64 *st, unsigned *flags)
{
	if (st->bits >= 6)
		*flags |= CTE_F_BAD;
}

static int
hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (unsigned char)tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* qp_decode - decode in[0..len), a whole number of lines, into out */
static size_t
qp_decode(const char *in, size_t len, char *out, unsigned *flags)
{
	size_t i, o = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];

		if (c != '=') {
			out[o++] = (char)c;
			continue;
		}
		/* soft line break: "=" then optional blanks then EOL */
		{
			size_t j = i + 1;

			while (j < len && (in[j] == ' ' || in[j] == '\t'))
				j++;
			if (j >= len) {
				i = j;
				continue;
			}
			if (in[j] == '\n' || (in[j] == '\r' &&
			    j + 1 < len && in[j + 1] == '\n')) {
				i = in[j] == '\r' ? j + 1 : j;
				continue;
			}
		}
		if (i + 2 < len && hexval((unsigned char)in[i + 1]) >= 0 &&
		    hexval((unsigned char)in[i + 2]) >= 0) {
			out[o++] = (char)(hexval((unsigned char)in[i + 1]) * 16 +
			    hexval((unsigned char)in[i + 2]));
			i += 2;
			continue;
		}
		/* a lone "=": keep it, as readers do */
		*flags |= CTE_F_BAD;
		out[o++] = '=';
	}
	return o;
}

void
cte_decode(enum cte e, const char *in, size_t len, char **out_r,
    size_t *out_len_r, unsigned *flags_r)
{
	char *out = xmalloc(len + 1);
	struct b64 st = { 0, 0, 0 };
	size_t n;

	switch (e) {
	case CTE_BASE64:
		n = b64_decode(&st, in, len, out, flags_r);
		b64_final(&st, flags_r);
		break;
	case CTE_QP:
		n = qp_decode(in, len, out, flags_r);
		break;
	default:
		memcpy(out, in, len);
		n = len;
		break;
	}
	out[n] = '\0';
	*out_r = out;
	*out_len_r = n;
}

#define CTE_SLICE	65536

/*
 * slice_end - where the slice starting at off ends: for quoted-printable
 * after a line break (an escape or soft break never spans one), so a line
 * longer than a slice makes a longer slice; for the others anywhere.
 */
static size_t
slice_end(enum cte e, const char *in, size_t len, size_t off)
{
	const char *nl;

	if (len - off <= CTE_SLICE)
		return len;
	if (e != CTE_QP)
		return off + CTE_SLICE;
	nl = memchr(in + off + CTE_SLICE, '\n', len - off - CTE_SLICE);
	return nl ? (size_t)(nl - in) + 1 : len;
}

void
cte_digest(enum cte e, const char *in, size_t len,
    char sha256_r[UTIL_SHA256_HEX], uint64_t *size_r, unsigned *flags_r)
{
	struct util_sha256 h;
	struct b64 st = { 0, 0, 0 };
	size_t cap = CTE_SLICE, off = 0;
	char *out = xmalloc(cap);
	uint64_t size = 0;

	util_sha256_init(&h);
	while (off < len) {
		size_t stop = slice_end(e, in, len, off), n = stop - off;
		size_t got;

		if (n > cap) {
			cap = n;
			out = xrealloc(out, cap);
		}
		switch (e) {
		case CTE_BASE64:
			got = b64_decode(&st, in + off, n, out, flags_r);
			break;
		case CTE_QP:
			/* a slice ends at a line break: decode it as complete */
			got = qp_decode(in + off, n, out, flags_r);
			break;
		default:
			memcpy(out, in + off, n);
			got = n;
			break;
		}
		util_sha256_update(&h, out, got);
		size += got;
		off = stop;
	}
	if (e == CTE_BASE64)
		b64_final(&st, flags_r);
	util_sha256_hex_final(&h, sha256_r);
	*size_r = size;
	free(out);
}
