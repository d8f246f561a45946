/*
 * test_cte.c - cte_from_name and cte_decode (cte.h): base64 and
 * quoted-printable as real mail carries them, well-formed and broken.
 *
 * Every decode case also checks the contract that holds for all inputs:
 * the output is NUL-terminated and never longer than the input.  And
 * cte_digest, which decodes in 64 KB slices, must give the SHA-256, size
 * and flags of what cte_decode gives, wherever the slices fall.
 */
#include "unit.h"

#include <stdio.h>

#include "madoguchi/cte.h"
#include "madoguchi/util.h"

#define IN(s)	(s), sizeof(s) - 1
#define ALLF	(CTE_F_BAD | CTE_F_UNKNOWN)

struct name_case {
	const char	*name;
	const char	*in;
	enum cte	 want;
	unsigned	 flags;		/* exact flags wanted */
};

static const struct name_case name_cases[] = {
	{ "base64", "base64", CTE_BASE64, 0 },
	{ "BASE64", "BASE64", CTE_BASE64, 0 },
	{ "Base64 with blanks", " Base64 ", CTE_BASE64, 0 },
	{ "quoted base64", "\"base64\"", CTE_BASE64, 0 },
	{ "quoted-printable", "quoted-printable", CTE_QP, 0 },
	{ "Quoted-Printable", "Quoted-Printable", CTE_QP, 0 },
	{ "quoted-printable;", "quoted-printable;", CTE_QP, 0 },
	{ "base64 with a comment", "base64 (encoded)", CTE_BASE64, 0 },
	{ "7bit", "7bit", CTE_IDENTITY, 0 },
	{ "8BIT", "8BIT", CTE_IDENTITY, 0 },
	{ "binary", "binary", CTE_IDENTITY, 0 },
	{ "empty", "", CTE_IDENTITY, 0 },
	{ "blank", "  ", CTE_IDENTITY, 0 },
	{ "NULL", NULL, CTE_IDENTITY, 0 },
	{ "x-uuencode", "x-uuencode", CTE_IDENTITY, CTE_F_UNKNOWN },
	{ "base64 misspelt", "base-64", CTE_IDENTITY, CTE_F_UNKNOWN },
	{ "base64 with a suffix", "base64x", CTE_IDENTITY, CTE_F_UNKNOWN },
	{ "quoted-printable cut short", "quoted-print", CTE_IDENTITY,
	    CTE_F_UNKNOWN },
	{ "quoted-printable with a suffix", "quoted-printablex", CTE_IDENTITY,
	    CTE_F_UNKNOWN },
};

static void
test_from_name(void **state)
{
	const struct name_case	*c;
	unsigned		 flags;
	enum cte		 got;
	size_t			 i;
	int			 bad = 0;

	(void)state;
	for (i = 0; i < sizeof(name_cases) / sizeof(name_cases[0]); i++) {
		c = &name_cases[i];
		flags = 0;
		got = cte_from_name(c->in, &flags);
		if (got != c->want || flags != c->flags) {
			print_error("%s: got encoding %d flags 0x%x, want %d "
			    "flags 0x%x\n", c->name, (int)got, flags,
			    (int)c->want, c->flags);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

struct dec_case {
	const char	*name;
	enum cte	 e;
	const char	*in;
	size_t		 inlen;
	const char	*want;
	size_t		 wantlen;
	const char	*alt;		/* another acceptable output, or NULL */
	size_t		 altlen;
	unsigned	 set;		/* flags that must be set */
	unsigned	 unset;		/* flags that must not be */
};

#define NOALT	NULL, 0

static const struct dec_case dec_cases[] = {
	/* base64 */
	{ "b64 good", CTE_BASE64, IN("SGVsbG8sIHdvcmxkIQ=="),
	    IN("Hello, world!"), NOALT, 0, ALLF },
	{ "b64 one pad", CTE_BASE64, IN("QUI="), IN("AB"), NOALT, 0, ALLF },
	{ "b64 no pad needed", CTE_BASE64, IN("QUJD"), IN("ABC"), NOALT, 0,
	    ALLF },
	{ "b64 empty", CTE_BASE64, IN(""), IN(""), NOALT, 0, ALLF },
	{ "b64 binary with NULs", CTE_BASE64, IN("AAEAAv8="),
	    IN("\x00\x01\x00\x02\xff"), NOALT, 0, ALLF },
	{ "b64 CRLF line breaks", CTE_BASE64,
	    IN("SGVs\r\nbG8s\r\nIHdv\r\ncmxk\r\nIQ==\r\n"), IN("Hello, world!"),
	    NOALT, 0, ALLF },
	{ "b64 LF line breaks", CTE_BASE64, IN("SGVsbG8s\nIHdvcmxk\nIQ==\n"),
	    IN("Hello, world!"), NOALT, 0, ALLF },
	{ "b64 blanks and tabs", CTE_BASE64, IN(" SGVs bG8s\tIHdv cmxkIQ== \t"),
	    IN("Hello, world!"), NOALT, 0, ALLF },
	{ "b64 line break inside a quantum", CTE_BASE64, IN("QU\r\nJD"),
	    IN("ABC"), NOALT, 0, ALLF },
	{ "b64 missing padding (2 chars)", CTE_BASE64, IN("QQ"), IN("A"),
	    NOALT, 0, 0 },
	{ "b64 missing padding (3 chars)", CTE_BASE64, IN("SGVsbG8"),
	    IN("Hello"), NOALT, 0, 0 },
	{ "b64 junk characters", CTE_BASE64, IN("QU*JD!"), IN("ABC"), NOALT,
	    CTE_F_BAD, 0 },
	{ "b64 junk 8-bit byte", CTE_BASE64, IN("QU\xe3JD"), IN("ABC"), NOALT,
	    CTE_F_BAD, 0 },
	{ "b64 junk between lines", CTE_BASE64, IN("SGVs\r\n.\r\nbG8=\r\n"),
	    IN("Hello"), NOALT, CTE_F_BAD, 0 },
	{ "b64 truncated quantum", CTE_BASE64, IN("QUJDR"), IN("ABC"), NOALT,
	    CTE_F_BAD, 0 },
	{ "b64 trailing line break after padding", CTE_BASE64, IN("QQ==\r\n"),
	    IN("A"), NOALT, 0, ALLF },
	/* quoted-printable */
	{ "qp =41", CTE_QP, IN("=41"), IN("A"), NOALT, 0, ALLF },
	{ "qp plain text", CTE_QP, IN("hello, world"), IN("hello, world"),
	    NOALT, 0, ALLF },
	{ "qp UTF-8 escapes", CTE_QP, IN("caf=C3=A9"), IN("caf\xc3\xa9"),
	    NOALT, 0, ALLF },
	{ "qp lower-case hex", CTE_QP, IN("caf=c3=a9 =3d"),
	    IN("caf\xc3\xa9 ="), NOALT, 0, ALLF },
	{ "qp =00", CTE_QP, IN("a=00b"), IN("a\x00" "b"), NOALT, 0, ALLF },
	{ "qp soft break CRLF", CTE_QP, IN("abc=\r\ndef"), IN("abcdef"), NOALT,
	    0, ALLF },
	{ "qp soft break LF", CTE_QP, IN("abc=\ndef"), IN("abcdef"), NOALT, 0,
	    ALLF },
	{ "qp soft break, blanks after =, CRLF", CTE_QP,
	    IN("abc= \t \r\ndef"), IN("abcdef"), NOALT, 0, ALLF },
	{ "qp soft break, blanks after =, LF", CTE_QP, IN("abc=  \ndef"),
	    IN("abcdef"), NOALT, 0, ALLF },
	{ "qp blank before soft break is data", CTE_QP, IN("abc =\r\ndef"),
	    IN("abc def"), NOALT, 0, ALLF },
	{ "qp hard line breaks kept", CTE_QP, IN("a\r\nb\nc"), IN("a\r\nb\nc"),
	    NOALT, 0, ALLF },
	{ "qp soft break at the end", CTE_QP, IN("abc=\r\n"), IN("abc"), NOALT,
	    0, ALLF },
	{ "qp soft break LF at the end", CTE_QP, IN("abc=\n"), IN("abc"),
	    NOALT, 0, ALLF },
	{ "qp lone = before a letter", CTE_QP, IN("a=zb"), IN("a=zb"), NOALT,
	    CTE_F_BAD, 0 },
	{ "qp lone = as written by hand", CTE_QP, IN("x = 1"), IN("x = 1"),
	    NOALT, CTE_F_BAD, 0 },
	{ "qp half escape", CTE_QP, IN("=4g"), IN("=4g"), NOALT, CTE_F_BAD, 0 },
	{ "qp one hex digit at the end", CTE_QP, IN("a=4"), IN("a=4"), NOALT,
	    CTE_F_BAD, 0 },
	{ "qp 8-bit bytes passed through", CTE_QP, IN("\xe3\x81\x82=41\xff"),
	    IN("\xe3\x81\x82" "A\xff"), NOALT, 0, ALLF },
	{ "qp NUL passed through", CTE_QP, IN("a\x00" "b"), IN("a\x00" "b"),
	    NOALT, 0, ALLF },
	{ "qp empty", CTE_QP, IN(""), IN(""), NOALT, 0, ALLF },
	/* identity */
	{ "identity", CTE_IDENTITY, IN("a=41\x00QQ=="), IN("a=41\x00QQ=="),
	    NOALT, 0, ALLF },
};

/* run a table; every failing case names itself, then the test fails */
static void
run_dec_cases(const struct dec_case *cases, size_t ncases)
{
	const struct dec_case	*c;
	char			*out;
	size_t			 outlen, i;
	unsigned		 flags;
	int			 bad = 0;

	for (i = 0; i < ncases; i++) {
		c = &cases[i];
		out = NULL;
		outlen = (size_t)-1;
		flags = 0;
		cte_decode(c->e, c->in, c->inlen, &out, &outlen, &flags);
		assert_non_null(out);
		if (outlen > c->inlen) {
			print_error("%s: %zu bytes out of %zu in\n", c->name,
			    outlen, c->inlen);
			bad++;
		} else if (out[outlen] != '\0') {
			print_error("%s: output not NUL-terminated\n", c->name);
			bad++;
		} else if (!((outlen == c->wantlen &&
		    memcmp(out, c->want, outlen) == 0) ||
		    (c->alt != NULL && outlen == c->altlen &&
		    memcmp(out, c->alt, outlen) == 0))) {
			char	hex[200];
			size_t	j, o = 0;

			for (j = 0; j < outlen && o + 4 < sizeof(hex); j++)
				o += (size_t)snprintf(hex + o, sizeof(hex) - o,
				    "%02x ", (unsigned char)out[j]);
			hex[o] = '\0';
			print_error("%s: got %zu bytes [%s], "
			    "want \"%s\"%s%s%s\n", c->name, outlen, hex, c->want,
			    c->alt ? " or \"" : "", c->alt ? c->alt : "",
			    c->alt ? "\"" : "");
			bad++;
		}
		if ((flags & c->set) != c->set || (flags & c->unset) != 0) {
			print_error("%s: flags 0x%x (want set 0x%x, "
			    "unset 0x%x)\n", c->name, flags, c->set, c->unset);
			bad++;
		}
		free(out);
	}
	assert_int_equal(bad, 0);
}

static void
test_decode_table(void **state)
{
	(void)state;
	run_dec_cases(dec_cases, sizeof(dec_cases) / sizeof(dec_cases[0]));
}

/*
 * data after the padding (two encoded pieces glued together): decoded as
 * a new quantum or dropped, flagged, but never the leftover bits of the
 * padded quantum glued to the next one
 */
static const struct dec_case pad_cases[] = {
	{ "b64 data after padding", CTE_BASE64, IN("QQ==QkM="), IN("ABC"),
	    IN("A"), CTE_F_BAD, 0 },
	{ "b64 data after one pad", CTE_BASE64, IN("QUI=QUJD"), IN("ABABC"),
	    IN("AB"), CTE_F_BAD, 0 },
	{ "b64 two encoded lines glued", CTE_BASE64,
	    IN("SGk=\r\nVGhlcmU=\r\n"), IN("HiThere"), IN("Hi"), CTE_F_BAD,
	    0 },
};

static void
test_b64_after_padding(void **state)
{
	(void)state;
	run_dec_cases(pad_cases, sizeof(pad_cases) / sizeof(pad_cases[0]));
}

/* a large base64 body, as attachments come: 76-column lines */
static void
test_b64_long(void **state)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned char	*raw;
	char		*enc, *out;
	size_t		 n = 30000, i, e = 0, outlen;
	unsigned	 flags = 0;

	(void)state;
	raw = malloc(n);
	enc = malloc(n * 2);
	assert_non_null(raw);
	assert_non_null(enc);
	for (i = 0; i < n; i++)
		raw[i] = (unsigned char)(i * 7 + i / 256);
	for (i = 0; i < n; i += 3) {
		unsigned long v = (unsigned long)raw[i] << 16 |
		    (unsigned long)raw[i + 1] << 8 | raw[i + 2];

		enc[e++] = b64[(v >> 18) & 63];
		enc[e++] = b64[(v >> 12) & 63];
		enc[e++] = b64[(v >> 6) & 63];
		enc[e++] = b64[v & 63];
		if ((i / 3 + 1) % 19 == 0) {
			enc[e++] = '\r';
			enc[e++] = '\n';
		}
	}
	cte_decode(CTE_BASE64, enc, e, &out, &outlen, &flags);
	assert_int_equal(flags, 0);
	assert_int_equal(outlen, n);
	assert_memory_equal(out, raw, n);
	free(out);
	free(enc);
	free(raw);
}

/*
 * digest_check - cte_digest against cte_decode for one input; prints and
 * returns 1 on a difference
 */
static int
digest_check(const char *name, enum cte e, const char *in, size_t len)
{
	char		*out, want[UTIL_SHA256_HEX], got[UTIL_SHA256_HEX];
	size_t		 outlen;
	uint64_t	 size = 12345;
	unsigned	 dflags = 0, gflags = 0;
	int		 bad = 0;

	cte_decode(e, in, len, &out, &outlen, &dflags);
	util_sha256_hex(out, outlen, want);
	free(out);
	memset(got, 0, sizeof(got));
	cte_digest(e, in, len, got, &size, &gflags);
	if (size != outlen || strcmp(got, want) != 0 || gflags != dflags) {
		print_error("%s: digest of %zu bytes gave size %llu flags 0x%x "
		    "%.12s..., decode size %zu flags 0x%x %.12s...\n", name,
		    len, (unsigned long long)size, gflags, got, outlen, dflags,
		    want);
		bad = 1;
	}
	return bad;
}

/* every table case, digested */
static void
test_digest_table(void **state)
{
	size_t	i;
	int	bad = 0;

	(void)state;
	for (i = 0; i < sizeof(dec_cases) / sizeof(dec_cases[0]); i++)
		bad += digest_check(dec_cases[i].name, dec_cases[i].e,
		    dec_cases[i].in, dec_cases[i].inlen);
	for (i = 0; i < sizeof(pad_cases) / sizeof(pad_cases[0]); i++)
		bad += digest_check(pad_cases[i].name, pad_cases[i].e,
		    pad_cases[i].in, pad_cases[i].inlen);
	assert_int_equal(bad, 0);
}

/*
 * 200 KB of quoted-printable made of escapes, soft breaks (with and
 * without blanks), hard breaks, lone '=' and plain text, shifted by 0 to
 * 11 bytes so that every kind of token straddles a 64 KB slice boundary
 */
static const char *const qp_tokens[] = {
	"a", "bc", "=41", "=e3=81=82", "=\r\n", "=\n", "= \t\r\n", "=  \n",
	"\r\n", "\n", "=zz", "=4", " ", "=3D", "\xff",
};

static void
test_digest_slices(void **state)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const size_t	 n = 200000;
	char		*in, name[64];
	size_t		 shift, o, i, t;
	unsigned long	 rnd;
	int		 bad = 0;

	(void)state;
	in = malloc(n + 64);
	assert_non_null(in);
	for (shift = 0; shift < 12; shift++) {
		memset(in, 'p', shift);
		rnd = 12345;
		for (o = shift; o < n;) {
			const char *tok;

			rnd = rnd * 1103515245UL + 12345UL;
			tok = qp_tokens[(rnd >> 16) %
			    (sizeof(qp_tokens) / sizeof(qp_tokens[0]))];
			t = strlen(tok);
			memcpy(in + o, tok, t);
			o += t;
		}
		(void)snprintf(name, sizeof(name), "qp shifted %zu", shift);
		bad += digest_check(name, CTE_QP, in, o);

		/* base64 with line breaks and the odd junk character */
		o = 0;
		memset(in, ' ', shift);
		for (o = shift, i = 0; o < n; i++) {
			in[o++] = b64[(i * 7) % 64];
			if (i % 76 == 75) {
				in[o++] = '\r';
				in[o++] = '\n';
			}
			if (i % 10007 == 5000)
				in[o++] = '*';
		}
		(void)snprintf(name, sizeof(name), "base64 shifted %zu", shift);
		bad += digest_check(name, CTE_BASE64, in, o);
		bad += digest_check("identity", CTE_IDENTITY, in, o);
	}
	free(in);
	assert_int_equal(bad, 0);
}

/*
 * "=" then more blanks than a slice holds, then the line end: one soft
 * line break, all of it dropped, as cte_decode does
 */
static void
test_digest_long_blank_run(void **state)
{
	const size_t	 blanks = 70000;
	char		*in;
	size_t		 len;
	int		 bad;

	(void)state;
	in = malloc(blanks + 8);
	assert_non_null(in);
	in[0] = 'a';
	in[1] = '=';
	memset(in + 2, ' ', blanks);
	memcpy(in + 2 + blanks, "\r\nb", 3);
	len = blanks + 5;
	bad = digest_check("soft break after 70000 blanks", CTE_QP, in, len);
	free(in);
	assert_int_equal(bad, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_from_name),
		cmocka_unit_test(test_decode_table),
		cmocka_unit_test(test_b64_after_padding),
		cmocka_unit_test(test_b64_long),
		cmocka_unit_test(test_digest_table),
		cmocka_unit_test(test_digest_slices),
		cmocka_unit_test(test_digest_long_blank_run),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
