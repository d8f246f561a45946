/*
 * cte.c - base64 and quoted-printable decoding, lenient and flagged.
 */
#include <ctype.h>
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

static int
b64val(unsigned char c)
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

static size_t
b64_decode(const char *in, size_t len, char *out, unsigned *flags)
{
	unsigned long acc = 0;
	size_t i, o = 0;
	int bits = 0, pad = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];
		int v;

		if (c == '\r' || c == '\n' || c == ' ' || c == '\t')
			continue;
		if (c == '=') {
			pad++;
			continue;
		}
		v = b64val(c);
		if (v < 0 || pad > 0) {
			/* junk, or data after padding: skip it, say so */
			*flags |= CTE_F_BAD;
			if (v < 0)
				continue;
			pad = 0;
		}
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (char)((acc >> bits) & 0xff);
		}
	}
	/* leftover bits that cannot make a byte mean a truncated quantum */
	if (bits >= 6)
		*flags |= CTE_F_BAD;
	return o;
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
	size_t n;

	switch (e) {
	case CTE_BASE64:
		n = b64_decode(in, len, out, flags_r);
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
