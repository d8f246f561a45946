/*
 * charset.c - bytes in a declared, wrong or missing charset to UTF-8.
 *
 * What it does: maps MIME charset labels to glibc iconv names (with the
 * aliases iconv lacks), converts leniently (a byte iconv rejects becomes
 * U+FFFD and conversion resumes at the next byte), repairs the usual wrong
 * labels and guesses a charset when there is no usable label.  ISO-2022-JP
 * is decoded here rather than by iconv: glibc has no ISO-2022-JP-MS, and
 * routing JIS X 0208 through CP932 is what makes the NEC and IBM extension
 * characters (circled digits, 髙) of real Japanese mail come out right.
 *
 * What it never does: produce invalid UTF-8 or a NUL byte (every chunk
 * iconv writes is validated again before it reaches the caller), share an
 * iconv handle between calls (the only global state is a set of pinned
 * gconv modules, set up under pthread_once), or fail on bad input.
 *
 * Errors: charset_to_utf8 returns -1 only when the output buffer hit its
 * maximum; the text is then cut on a character boundary.  Everything it
 * had to guess or repair is reported through CHARSET_F_* flags.
 */
#include <errno.h>
#include <iconv.h>
#include <pthread.h>
#include <string.h>
#include <strings.h>

#include "madoguchi/buf.h"
#include "madoguchi/charset.h"

#define NAME_MAX_LEN	64		/* longest label we consider */
#define ISO2022JP	"ISO-2022-JP-2"	/* name reported; decoded by us */
#define FFFD		"\xEF\xBF\xBD"

#define PINS		3		/* see pin_modules */

static iconv_t volatile pins[PINS];	/* opened once, never used, never closed;
					 * volatile: the stores must stay */

/* what one conversion attempt ran into */
struct stats {
	size_t	errors;		/* undecodable bytes */
	size_t	nuls;		/* NUL bytes */
};

/* label lists are space-separated, lower case, as normalise() leaves them */
static const struct alias {
	const char	*name;		/* iconv name */
	int		 ascii;		/* 7-bit label: 8-bit is a mislabel */
	const char	*labels;
} aliases[] = {
	/* real Japanese mail uses CP932 extensions whatever the label says */
	{ "CP932", 0, "shift_jis shift-jis sjis x-sjis ms_kanji csshiftjis "
	    "windows-31j cp932 x-ms-cp932 ms932" },
	{ "EUC-JP-MS", 0, "euc-jp x-euc-jp eucjp cseucpkdfmtjapanese" },
	{ ISO2022JP, 0, "iso-2022-jp iso-2022-jp-1 iso-2022-jp-2 csiso2022jp "
	    "csiso2022jp2 iso2022jp" },
	{ "CP949", 0, "ks_c_5601-1987 ks_c_5601 ks_c_5601-1989 euc-kr ksc5601 "
	    "csksc56011987" },
	{ "GB18030", 0, "gb2312 gbk x-gbk csgb2312 cp936 euc-cn" },
	{ "BIG5-HKSCS", 0, "big5 x-x-big5 csbig5" },
	{ "UTF-7", 0, "unicode-1-1-utf-7 utf-7" },
	{ "MACINTOSH", 0, "x-mac-roman macintosh" },
	{ "UTF-8", 0, "utf8 utf-8 unicode-1-1-utf-8" },
	/* WHATWG practice: these labels mean windows-1252 in the wild */
	{ "WINDOWS-1252", 1, "us-ascii ascii ansi_x3.4-1968 us" },
	{ "WINDOWS-1252", 0, "iso-8859-1 iso8859-1 iso_8859-1 latin1 l1 "
	    "windows-1252 cp1252" },
	{ NULL, 0, NULL }
};

/* labels that name no charset at all: guess, but they are not "unknown" */
static const char placeholders[] =
    "default x-user-defined unknown-8bit x-unknown unknown";

/* prefixes of single-byte charsets (compared case-insensitively) */
static const char *const single_byte[] = {
	"windows-125", "windows-874", "cp125", "iso-8859", "iso8859",
	"iso_8859", "koi8", "macintosh", "cp437", "cp85", "cp86", "ibm437",
	"ibm85", "ibm86", "tis-620", "latin", NULL
};

/* in_list - word is one of the space-separated words of list */
static int
in_list(const char *list, const char *word)
{
	size_t		 n = strlen(word);
	const char	*p = list;

	while ((p = strstr(p, word)) != NULL) {
		if ((p == list || p[-1] == ' ') &&
		    (p[n] == ' ' || p[n] == '\0'))
			return 1;
		p++;
	}
	return 0;
}

/* utf8_seq - length of the valid UTF-8 sequence at s, 0 if invalid */
static size_t
utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char	c = s[0], lo = 0x80, hi = 0xBF;
	size_t		need, i;

	if (c < 0x80)
		return 1;
	if (c < 0xC2)
		return 0;
	if (c < 0xE0)
		need = 2;
	else if (c < 0xF0) {
		need = 3;
		if (c == 0xE0)
			lo = 0xA0;	/* overlong */
		else if (c == 0xED)
			hi = 0x9F;	/* surrogates */
	} else if (c < 0xF5) {
		need = 4;
		if (c == 0xF0)
			lo = 0x90;	/* overlong */
		else if (c == 0xF4)
			hi = 0x8F;	/* past U+10FFFF */
	} else
		return 0;
	if (n < need || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < need; i++)
		if ((s[i] & 0xC0) != 0x80)
			return 0;
	return need;
}

int
charset_utf8_valid(const unsigned char *s, size_t len)
{
	size_t i = 0, k;

	while (i < len) {
		if ((k = utf8_seq(s + i, len - i)) == 0)
			return 0;
		i += k;
	}
	return 1;
}

/*
 * put_text - append valid UTF-8; if it does not fit, append what fits up
 * to a character boundary so a cut never leaves half a character.
 */
static int
put_text(struct buf *out, const void *p, size_t n)
{
	const unsigned char	*s = p;
	size_t			 k;

	if (n <= out->max - out->len)
		return buf_append(out, s, n);
	k = out->max - out->len;
	while (k > 0 && (s[k] & 0xC0) == 0x80)
		k--;
	(void)buf_append(out, s, k);	/* fits: k <= room */
	out->truncated = 1;
	return -1;
}

/* put_utf8 - append s, replacing invalid sequences and NULs by U+FFFD */
static int
put_utf8(struct buf *out, const unsigned char *s, size_t n, struct stats *st)
{
	size_t i = 0, start = 0, k;

	while (i < n) {
		if (s[i] != 0 && (k = utf8_seq(s + i, n - i)) > 0) {
			i += k;
			continue;
		}
		if (put_text(out, s + start, i - start) < 0)
			return -1;
		if (s[i] == 0)
			st->nuls++;
		else
			st->errors++;
		if (put_text(out, FFFD, 3) < 0)
			return -1;
		start = ++i;
	}
	return put_text(out, s + start, i - start);
}

static int
put_bad(struct buf *out, struct stats *st)
{
	st->errors++;
	return put_text(out, FFFD, 3);
}

/*
 * pin_modules - hold one never-used handle per converter the guesser
 * cycles through.  glibc unloads a gconv module soon after its last
 * iconv_close; trying CP932, EUC-JP and windows-1252 in turn then cost a
 * dlopen each, 700 us per call as measured.  pthread_once makes it safe.
 */
static void
pin_modules(void)
{
	static const char *const names[] = {
		"CP932", "EUC-JP-MS", "WINDOWS-1252"
	};
	size_t i;

	for (i = 0; i < PINS; i++)
		pins[i] = iconv_open("UTF-8", names[i]);
}

static iconv_t
open_cd(const char *name)
{
	static pthread_once_t	once = PTHREAD_ONCE_INIT;
	iconv_t			cd;

	(void)pthread_once(&once, pin_modules);	/* cannot fail after init */
	cd = iconv_open("UTF-8", name);
	/* EUC-JP-MS is a glibc extra; plain EUC-JP lacks the NEC rows */
	if (cd == (iconv_t)-1 && strcmp(name, "EUC-JP-MS") == 0)
		cd = iconv_open("UTF-8", "EUC-JP");
	return cd;
}

/*
 * conv_iconv - lenient iconv loop.  A rejected or truncated sequence costs
 * one U+FFFD and one byte; the state is reset so a stateful decoder starts
 * clean at the next byte.
 */
static int
conv_iconv(iconv_t cd, const unsigned char *in, size_t len, struct buf *out,
    struct stats *st)
{
	char	 obuf[4096];
	char	*ip = (char *)in, *op;
	size_t	 ileft = len, oleft, r;
	int	 e;

	while (ileft > 0) {
		op = obuf;
		oleft = sizeof(obuf);
		r = iconv(cd, &ip, &ileft, &op, &oleft);
		e = errno;
		/* iconv should write valid UTF-8; check rather than trust */
		if (put_utf8(out, (unsigned char *)obuf, (size_t)(op - obuf),
		    st) < 0)
			return -1;
		if (r != (size_t)-1 || (e == E2BIG && op != obuf))
			continue;
		if (put_bad(out, st) < 0)
			return -1;
		ip++;
		ileft--;
		(void)iconv(cd, NULL, NULL, NULL, NULL);	/* resets */
	}
	op = obuf;
	oleft = sizeof(obuf);
	(void)iconv(cd, NULL, NULL, &op, &oleft);	/* flush */
	return put_utf8(out, (unsigned char *)obuf, (size_t)(op - obuf), st);
}

/* ISO-2022-JP(-2) decoder */

enum jmode {
	JM_KEEP = -1, JM_ASCII, JM_KANA, JM_X0208, JM_X0212, JM_GB, JM_KSC,
	JM_COUNT
};

/* the converter each mode hands its characters to */
static const char *const jm_iconv[JM_COUNT] = {
	NULL, "CP932", "CP932", "EUC-JP-MS", "GB18030", "CP949"
};

static const struct {
	const char	*seq;		/* after ESC */
	enum jmode	 mode;
} jescapes[] = {
	{ "(B", JM_ASCII }, { "(J", JM_ASCII }, { "(H", JM_ASCII },
	{ "(I", JM_KANA }, { "$@", JM_X0208 }, { "$B", JM_X0208 },
	{ "$(B", JM_X0208 }, { "$(Q", JM_X0208 }, { "$(O", JM_X0208 },
	{ "$(D", JM_X0212 }, { "$A", JM_GB }, { "$(C", JM_KSC },
	{ "&@", JM_KEEP },	/* JIS X 0208-1990 announcer */
	{ NULL, JM_KEEP }
};

/* jis_escape - length of the escape at p (ESC included), 0 if none */
static size_t
jis_escape(const unsigned char *p, size_t n, enum jmode *mode_r)
{
	size_t i, k;

	for (i = 0; jescapes[i].seq != NULL; i++) {
		k = strlen(jescapes[i].seq);
		if (n > k && memcmp(p + 1, jescapes[i].seq, k) == 0) {
			*mode_r = jescapes[i].mode;
			return k + 1;
		}
	}
	return 0;
}

/* put_char - convert one multibyte character, U+FFFD if rejected */
static int
put_char(iconv_t cd, const unsigned char *c, size_t n, struct buf *out,
    struct stats *st)
{
	char	 obuf[16];
	char	*ip = (char *)c, *op = obuf;
	size_t	 ileft = n, oleft = sizeof(obuf);

	if (cd == (iconv_t)-1)
		return put_bad(out, st);
	if (iconv(cd, &ip, &ileft, &op, &oleft) == (size_t)-1 || ileft != 0) {
		(void)iconv(cd, NULL, NULL, NULL, NULL);	/* resets */
		return put_bad(out, st);
	}
	return put_utf8(out, (unsigned char *)obuf, (size_t)(op - obuf), st);
}

/*
 * jis_char - re-encode the 7-bit character c1 c2 of mode m in the
 * converter's own form: JIS X 0208 as Shift_JIS (so CP932 maps the NEC
 * row 13 and NEC-selected IBM rows 89-92 that Microsoft's encoder emits),
 * JIS X 0212 as EUC-JP, GB 2312 and KS C 5601 as EUC.
 */
static size_t
jis_char(enum jmode m, unsigned char c1, unsigned char c2, unsigned char *o)
{
	switch (m) {
	case JM_KANA:
		o[0] = c1 | 0x80;
		return 1;
	case JM_X0208:
		o[0] = (unsigned char)(((c1 + 1) >> 1) +
		    (c1 <= 0x5E ? 0x70 : 0xB0));
		if (c1 & 1)
			o[1] = (unsigned char)(c2 + (c2 >= 0x60 ? 0x20 : 0x1F));
		else
			o[1] = (unsigned char)(c2 + 0x7E);
		return 2;
	case JM_X0212:
		o[0] = 0x8F;
		o[1] = c1 | 0x80;
		o[2] = c2 | 0x80;
		return 3;
	default:
		o[0] = c1 | 0x80;
		o[1] = c2 | 0x80;
		return 2;
	}
}

static int
conv_2022jp(const unsigned char *in, size_t len, struct buf *out,
    struct stats *st)
{
	iconv_t		cds[JM_COUNT];
	enum jmode	mode = JM_ASCII, m;
	unsigned char	c, o[4];
	size_t		i, k;
	int		r, rc = -1;

	for (k = 0; k < JM_COUNT; k++)
		cds[k] = (iconv_t)-1;
	for (i = 0; i < len; i += k) {
		c = in[i];
		if (c == 0x1B && (k = jis_escape(in + i, len - i, &m)) > 0) {
			mode = m == JM_KEEP ? mode : m;
			continue;
		}
		k = 1;
		if (c == 0x0E || c == 0x0F) {	/* SO/SI: JIS7 kana */
			mode = c == 0x0E ? JM_KANA : JM_ASCII;
			continue;
		}
		/* a line end returns to ASCII, whatever the encoder forgot */
		if (c == '\n' || c == '\r')
			mode = JM_ASCII;
		if (mode != JM_ASCII && cds[mode] == (iconv_t)-1)
			cds[mode] = open_cd(jm_iconv[mode]);
		if (c >= 0x80 || c == 0x1B)
			r = put_bad(out, st);
		else if (mode == JM_ASCII || c <= 0x20 || c == 0x7F) {
			while (mode == JM_ASCII && i + k < len &&
			    in[i + k] < 0x80 && in[i + k] != 0x1B &&
			    in[i + k] != 0x0E && in[i + k] != 0x0F)
				k++;
			r = put_utf8(out, in + i, k, st);
		} else if (mode == JM_KANA)
			r = c > 0x5F ? put_bad(out, st) : put_char(cds[mode], o,
			    jis_char(mode, c, 0, o), out, st);
		else if (i + 1 >= len || in[i + 1] < 0x21 || in[i + 1] > 0x7E)
			r = put_bad(out, st);
		else {
			r = put_char(cds[mode], o, jis_char(mode, c, in[i + 1],
			    o), out, st);
			k = 2;
		}
		if (r < 0)
			goto out;
	}
	rc = 0;
out:
	for (k = 0; k < JM_COUNT; k++)
		if (cds[k] != (iconv_t)-1)
			iconv_close(cds[k]);
	return rc;
}

/* decode - convert in from the resolved charset name */
static int
decode(const char *name, const unsigned char *in, size_t len,
    struct buf *out, struct stats *st)
{
	iconv_t	cd;
	int	rc;

	if (strcasecmp(name, "UTF-8") == 0)
		return put_utf8(out, in, len, st);
	if (strcmp(name, ISO2022JP) == 0)
		return conv_2022jp(in, len, out, st);
	if ((cd = open_cd(name)) == (iconv_t)-1) {
		/* no converter after all: keep ASCII and valid UTF-8 */
		st->errors++;
		return put_utf8(out, in, len, st);
	}
	rc = conv_iconv(cd, in, len, out, st);
	iconv_close(cd);
	return rc;
}

static int
has_8bit(const unsigned char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] >= 0x80)
			return 1;
	return 0;
}

static int
has_jis_escape(const unsigned char *s, size_t n)
{
	const unsigned char	*p;
	enum jmode		 m;

	if (n == 0)
		return 0;
	for (p = s; (p = memchr(p, 0x1B, n - (size_t)(p - s))) != NULL; p++)
		if (jis_escape(p, n - (size_t)(p - s), &m) > 0 && m != JM_KEEP)
			return 1;
	return 0;
}

/*
 * jp_score - plausibility of decoded text as Japanese.  Kana and CJK
 * punctuation are the strongest sign.  Without kana, some kanji must stand
 * together: Latin-1 read as CP932 gives one kanji per accented pair, each
 * between ASCII letters ("Forma鈬o").  EUC-JP read as CP932 turns into
 * half-width katakana, other mistakes into private-use characters.
 * Returns a score, or -1 if implausible.
 */
static long
jp_score(const unsigned char *s, size_t n)
{
	size_t		i = 0, j, k;
	unsigned long	cp;
	long		kana = 0, kanji = 0, half = 0, bad = 0, run = 0;
	long		longest = 0;

	while (i < n) {
		if (s[i] < 0x80) {
			run = 0;
			i++;
			continue;
		}
		k = utf8_seq(s + i, n - i);
		if (k < 2)
			return -1;
		cp = s[i] & (0x7F >> k);
		for (j = 1; j < k; j++)
			cp = (cp << 6) | (s[i + j] & 0x3F);
		i += k;
		run++;
		if ((cp >= 0x3000 && cp <= 0x30FF) ||
		    (cp >= 0xFF01 && cp <= 0xFF5E))
			kana++;
		else if (cp >= 0x4E00 && cp <= 0x9FFF)
			kanji++;
		else {
			run = 0;
			if (cp >= 0xFF61 && cp <= 0xFF9F)
				half++;
			else if (cp < 0xA0 || (cp >= 0xE000 && cp <= 0xF8FF))
				bad++;
		}
		longest = run > longest ? run : longest;
	}
	if (bad > 0 || (kana == 0 && longest < 2))
		return -1;
	return 3 * kana + kanji - half;
}

/*
 * guess - decode in[0..len) in the most likely charset.  *weak_r is set
 * when the result is only the windows-1252 fallback.  Returns the name.
 */
static const char *
guess(const unsigned char *in, size_t len, struct buf *out, struct stats *st,
    int *weak_r)
{
	static const char *const jp[] = { "CP932", "EUC-JP-MS" };
	struct buf	try[2];
	struct stats	tst[2];
	long		score[2];
	const char	*name;
	int		i, best = -1;

	*weak_r = 0;
	if (!has_8bit(in, len)) {
		name = has_jis_escape(in, len) ? ISO2022JP : "UTF-8";
		(void)decode(name, in, len, out, st);	/* sets truncated */
		return name;
	}
	if (charset_utf8_valid(in, len)) {
		(void)put_utf8(out, in, len, st);
		return "UTF-8";
	}
	for (i = 0; i < 2; i++) {
		memset(&tst[i], 0, sizeof(tst[i]));
		buf_init(&try[i], out->max - out->len);
		(void)decode(jp[i], in, len, &try[i], &tst[i]);
		score[i] = tst[i].errors > 0 ? -1 :
		    jp_score((unsigned char *)try[i].data, try[i].len);
		if (score[i] >= 0 && (best < 0 || score[i] > score[best]))
			best = i;
	}
	if (best >= 0) {
		(void)put_text(out, try[best].data, try[best].len);
		if (try[best].truncated)
			out->truncated = 1;
		*st = tst[best];
		name = jp[best];
	} else {
		*weak_r = 1;
		name = "WINDOWS-1252";
		(void)decode(name, in, len, out, st);
	}
	buf_free(&try[0]);
	buf_free(&try[1]);
	return name;
}

/* normalise - lower case, no quotes or spaces, no RFC 2231 *lang */
static int
normalise(const char *label, char *o, size_t olen)
{
	size_t		n = 0;
	unsigned char	c;

	for (; *label != '\0' && *label != '*'; label++) {
		c = (unsigned char)*label;
		if (c == '"' || c == '\'' || c == ' ' || c == '\t' ||
		    c == '\r' || c == '\n')
			continue;
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		/* also keeps "//IGNORE" style suffixes away from iconv_open */
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    strchr("-_.:+()", c) != NULL))
			return -1;
		if (n + 1 >= olen)
			return -1;
		o[n++] = (char)c;
	}
	o[n] = '\0';
	return 0;
}

/*
 * resolve - iconv name for label, or NULL (guess).  *ascii_r says the
 * label was a 7-bit one; *unknown_r that it named something iconv lacks.
 */
static const char *
resolve(const char *label, char *nbuf, size_t nlen, int *ascii_r,
    int *unknown_r)
{
	char	norm[NAME_MAX_LEN];
	iconv_t	cd;
	size_t	i;

	*ascii_r = *unknown_r = 0;
	if (label == NULL)
		return NULL;
	if (normalise(label, norm, sizeof(norm)) < 0) {
		*unknown_r = 1;
		return NULL;
	}
	if (norm[0] == '\0' || in_list(placeholders, norm))
		return NULL;
	for (i = 0; aliases[i].name != NULL; i++) {
		if (in_list(aliases[i].labels, norm)) {
			*ascii_r = aliases[i].ascii;
			return aliases[i].name;
		}
	}
	if ((cd = iconv_open("UTF-8", norm)) == (iconv_t)-1 ||
	    strlen(norm) >= nlen) {
		if (cd != (iconv_t)-1)
			iconv_close(cd);
		*unknown_r = 1;
		return NULL;
	}
	iconv_close(cd);
	memcpy(nbuf, norm, strlen(norm) + 1);
	return nbuf;
}

const char *
charset_iconv_name(const char *label, char *name_buf, size_t name_len)
{
	int ascii, unknown;

	/* EUC-JP-MS is a glibc extra; open_cd falls back if it is missing */
	return resolve(label, name_buf, name_len, &ascii, &unknown);
}

/*
 * mostly_utf8 - UTF-8 was declared and the text holds at least as many
 * good multibyte characters as runs of bad bytes: damaged UTF-8 (often
 * cut inside a character), not another charset, though its CP932 reading
 * may look clean and Japanese.
 */
static int
mostly_utf8(const char *name, const unsigned char *s, size_t n)
{
	size_t	i = 0, k, good = 0, runs = 0;
	int	inbad = 0;

	if (strcasecmp(name, "UTF-8") != 0)
		return 0;
	while (i < n) {
		k = utf8_seq(s + i, n - i);
		good += k > 1;
		runs += k == 0 && !inbad;
		inbad = k == 0;
		i += k > 0 ? k : 1;
	}
	return good > 0 && good >= runs;
}

static int
is_single_byte(const char *name)
{
	size_t i;

	for (i = 0; single_byte[i] != NULL; i++)
		if (strncasecmp(name, single_byte[i],
		    strlen(single_byte[i])) == 0)
			return 1;
	return 0;
}

int
charset_to_utf8(const char *label, const unsigned char *in, size_t len,
    struct buf *out, unsigned *flags_r)
{
	char		 nbuf[NAME_MAX_LEN];
	const char	*name, *gname;
	struct buf	 res, alt;
	struct stats	 st, ast;
	unsigned	 flags = 0;
	int		 ascii, unknown, weak, rc;

	memset(&st, 0, sizeof(st));
	memset(&ast, 0, sizeof(ast));
	/* work in scratch buffers so a rejected attempt leaves out alone */
	buf_init(&res, out->max - out->len);
	buf_init(&alt, out->max - out->len);
	name = resolve(label, nbuf, sizeof(nbuf), &ascii, &unknown);
	if (unknown)
		flags |= CHARSET_F_UNKNOWN;
	if (name == NULL) {
		flags |= CHARSET_F_GUESSED;
		(void)guess(in, len, &res, &st, &weak);
	} else if (is_single_byte(name) && has_8bit(in, len) &&
	    charset_utf8_valid(in, len)) {
		flags |= CHARSET_F_MISLABELLED;
		(void)put_utf8(&res, in, len, &st);
	} else if (is_single_byte(name) && !has_8bit(in, len) &&
	    has_jis_escape(in, len)) {
		flags |= CHARSET_F_MISLABELLED;
		(void)conv_2022jp(in, len, &res, &st);
	} else {
		if (ascii && has_8bit(in, len))
			flags |= CHARSET_F_MISLABELLED;
		(void)decode(name, in, len, &res, &st);
		if (st.errors > 0 && !is_single_byte(name) &&
		    has_8bit(in, len) && !mostly_utf8(name, in, len)) {
			gname = guess(in, len, &alt, &ast, &weak);
			/*
			 * A clean guess beats the label, but windows-1252
			 * only beats UTF-8: Japanese with one bad byte is
			 * better kept than turned into mojibake.
			 */
			if (ast.errors == 0 && strcmp(gname, name) != 0 &&
			    (!weak || strcasecmp(name, "UTF-8") == 0)) {
				struct buf tmp = res;

				res = alt;
				alt = tmp;
				st = ast;
				flags |= CHARSET_F_MISLABELLED;
			}
		}
	}
	if (st.errors > 0)
		flags |= CHARSET_F_INVALID;
	if (st.nuls > 0)
		flags |= CHARSET_F_NUL;
	rc = buf_append(out, res.data, res.len);	/* it fits */
	if (res.truncated) {
		out->truncated = 1;
		rc = -1;
	}
	buf_free(&res);
	buf_free(&alt);
	if (flags_r != NULL)
		*flags_r |= flags;
	return rc;
}
