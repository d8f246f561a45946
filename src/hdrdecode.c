/*
 * hdrdecode.c - header values and MIME parameters to UTF-8.
 *
 * What it does: decodes RFC 2047 encoded words (joining adjacent words in
 * one charset before conversion, since clients split multibyte characters
 * across words), RFC 2231 parameters with continuations, and undeclared
 * 8-bit bytes; charset work is left to charset_to_utf8().  All output goes
 * through a sink that turns every control character into a space, so the
 * result can never carry CR or LF, whatever =0D=0A an attacker encoded.
 *
 * What it never does: fail on bad input, take more than linear time (a
 * 300 KB header is ordinary spam), or return more than max bytes.  It does
 * not strip path components from file names: the value is for display.
 *
 * Errors: none are returned.  Malformed words stay literal text and set
 * HDRDECODE_F_BAD_WORD; charset trouble sets HDRDECODE_F_CHARSET; a cut
 * result sets HDRDECODE_F_TRUNCATED.
 */
#include <string.h>
#include <strings.h>

#include "madoguchi/buf.h"
#include "madoguchi/charset.h"
#include "madoguchi/cte.h"
#include "madoguchi/hdrdecode.h"

#define LABEL_MAX	64		/* longest charset label in a word */
#define PARAM_SEG_MAX	100		/* RFC 2231 continuations joined */
#define PARAM_RAW_MAX	(1024 * 1024)	/* bytes of one joined parameter */
/*
 * Declared-charset conversions per header value.  Adjacent words in one
 * charset count once, so real headers need one to three.  Words cycling
 * through four or more charsets make glibc unload and reload a gconv
 * module on every conversion (about 150 us each; 2.7 s for a 300 KB
 * Subject as measured), so past this budget words are decoded as
 * undeclared bytes, which for UTF-8 and ISO-2022-JP gives the same text.
 */
#define WORD_CONV_MAX	64

#define CHARSET_TROUBLE	(CHARSET_F_GUESSED | CHARSET_F_UNKNOWN | \
			    CHARSET_F_MISLABELLED | CHARSET_F_INVALID | \
			    CHARSET_F_NUL)

/* where decoded UTF-8 goes: controls become spaces, the cut is clean */
struct sink {
	struct buf	b;
	int		collapse;	/* fold white space runs, trim */
	int		space;		/* a space is owed */
	int		full;		/* a character did not fit */
};

/* an RFC 2047 word as found in the raw text */
struct eword {
	const unsigned char	*cs;		/* charset, *lang removed */
	size_t			 cslen;
	int			 enc;		/* 'b' or 'q' */
	const unsigned char	*text;
	size_t			 textlen;
	size_t			 end;		/* offset past "?=" */
};

/* state of one hdrdecode_text run */
struct tdec {
	struct sink	*sk;
	unsigned	*flags;
	struct buf	 lit;		/* literal text not yet output */
	struct buf	 word;		/* adjacent words' bytes */
	char		 cs[LABEL_MAX + 1];	/* their charset */
	int		 inword;	/* word is pending */
	unsigned	 convs;		/* conversions done, see WORD_CONV_MAX */
	size_t		 nf_from;	/* raw[nf_from..nf_to) holds no "?=" */
	size_t		 nf_to;
};

static void
sink_init(struct sink *sk, size_t max, int collapse)
{
	buf_init(&sk->b, max);
	sk->collapse = collapse;
	sk->space = 0;
	sk->full = 0;
}

/* is_blank - a space, C0 or C1 control, U+2028 or U+2029: all break lines */
static int
is_blank(const unsigned char *s, size_t k)
{
	if (k == 1)
		return s[0] <= 0x20 || s[0] == 0x7F;
	if (k == 2)
		return s[0] == 0xC2 && s[1] < 0xA0;
	if (k == 3)
		return s[0] == 0xE2 && s[1] == 0x80 &&
		    (s[2] == 0xA8 || s[2] == 0xA9);
	return 0;
}

/* sink_put - add valid UTF-8 (every caller passes validated text) */
static void
sink_put(struct sink *sk, const unsigned char *s, size_t n)
{
	const unsigned char	*c;
	size_t			 i = 0, k, clen;
	int			 blank;

	while (i < n && !sk->full) {
		k = s[i] < 0x80 ? 1 : s[i] < 0xE0 ? 2 : s[i] < 0xF0 ? 3 : 4;
		if (k > n - i)
			k = n - i;
		blank = is_blank(s + i, k);
		if (blank && sk->collapse) {
			sk->space |= sk->b.len > 0;
			i += k;
			continue;
		}
		c = blank ? (const unsigned char *)" " : s + i;
		clen = blank ? 1 : k;
		if (clen + (size_t)sk->space > sk->b.max - sk->b.len) {
			sk->full = 1;
			break;
		}
		if (sk->space)
			(void)buf_append(&sk->b, " ", 1);	/* fits */
		(void)buf_append(&sk->b, c, clen);
		sk->space = 0;
		i += k;
	}
}

static char *
sink_done(struct sink *sk, unsigned flags, unsigned *flags_r)
{
	if (sk->full)
		flags |= HDRDECODE_F_TRUNCATED;
	if (flags_r != NULL)
		*flags_r |= flags;
	return buf_steal(&sk->b, NULL);
}

/* conv_max - bound for converted text: U+FFFD is 3 bytes per input byte */
static size_t
conv_max(size_t n)
{
	return n > (size_t)-1 / 4 - 16 ? (size_t)-1 : n * 4 + 16;
}

/* put_raw - undeclared bytes: ASCII or valid UTF-8 as is, else guess */
static void
put_raw(struct sink *sk, const unsigned char *s, size_t n, unsigned *flags)
{
	struct buf	tmp;
	unsigned	cf = 0;

	if (n == 0)
		return;
	if (memchr(s, 0x1B, n) == NULL && charset_utf8_valid(s, n)) {
		sink_put(sk, s, n);
		return;
	}
	buf_init(&tmp, conv_max(n));
	(void)charset_to_utf8(NULL, s, n, &tmp, &cf);	/* max not reached */
	*flags |= HDRDECODE_F_CHARSET;
	sink_put(sk, (unsigned char *)tmp.data, tmp.len);
	buf_free(&tmp);
}

/* put_conv - bytes in a declared charset (empty label: undeclared) */
static void
put_conv(struct sink *sk, const char *label, const unsigned char *s,
    size_t n, unsigned *flags)
{
	struct buf	tmp;
	unsigned	cf = 0;

	if (*label == '\0' || n == 0) {
		put_raw(sk, s, n, flags);
		return;
	}
	buf_init(&tmp, conv_max(n));
	(void)charset_to_utf8(label, s, n, &tmp, &cf);	/* max not reached */
	if (cf & CHARSET_TROUBLE)
		*flags |= HDRDECODE_F_CHARSET;
	sink_put(sk, (unsigned char *)tmp.data, tmp.len);
	buf_free(&tmp);
}

static int
hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * b64_decode - lenient base64: junk is skipped, padding may be missing
 * or wrong, and padding ends a quantum so concatenated base64 still
 * decodes.  Returns 1 if the input was malformed.
 */
static int
b64_decode(const unsigned char *s, size_t n, struct buf *out)
{
	unsigned long	acc = 0;
	size_t		i, chars = 0, pad = 0;
	int		v, bits = 0, bad = 0;
	unsigned char	c;

	for (i = 0; i < n; i++) {
		if (s[i] == '=') {
			pad++;
			bad |= bits == 6;	/* a lone sextet is lost */
			bits = 0;
			continue;
		}
		if ((v = cte_b64_value(s[i])) < 0) {
			bad = 1;
			continue;
		}
		bad |= pad > 0;		/* data after padding */
		chars++;
		acc = ((acc << 6) | (unsigned long)v) & 0xFFFFFF;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			c = (unsigned char)(acc >> bits);
			(void)buf_append(out, &c, 1);	/* out sized for it */
		}
	}
	return bad || bits == 6 || (chars + pad) % 4 != 0;
}

static int
q_decode(const unsigned char *s, size_t n, struct buf *out)
{
	size_t		i;
	unsigned char	c;
	int		bad = 0;

	for (i = 0; i < n; i++) {
		c = s[i];
		if (c == '_')
			c = ' ';
		else if (c == '=' && i + 2 < n && hexval(s[i + 1]) >= 0 &&
		    hexval(s[i + 2]) >= 0) {
			c = (unsigned char)(hexval(s[i + 1]) << 4 |
			    hexval(s[i + 2]));
			i += 2;
		} else
			bad |= c == '=';
		(void)buf_append(out, &c, 1);	/* out sized for it */
	}
	return bad;
}

static int
is_wsp(unsigned char c)
{
	return c == ' ' || c == '\t';
}

static int
is_lwsp(unsigned char c)
{
	return is_wsp(c) || c == '\r' || c == '\n';
}

/*
 * parse_word - the encoded word starting with "=?" at raw[i].  Returns 1,
 * 0 if it is no word, -1 if it looks like one but is not terminated.  The
 * end of a failed search is remembered, so a long run of "=?x?q?" starts
 * without a "?=" costs linear time, not quadratic.
 */
static int
parse_word(struct tdec *td, const unsigned char *raw, size_t len, size_t i,
    struct eword *w)
{
	const unsigned char	*star;
	size_t			 j = i + 2, e;

	while (j < len && j - (i + 2) <= LABEL_MAX && raw[j] != '?' &&
	    raw[j] > 0x20 && raw[j] < 0x7F)
		j++;
	if (j + 2 >= len || raw[j] != '?' || j == i + 2 ||
	    j - (i + 2) > LABEL_MAX || raw[j + 2] != '?')
		return 0;
	w->cs = raw + i + 2;
	w->cslen = j - (i + 2);
	/* RFC 2231 section 5: charset*lang */
	if ((star = memchr(w->cs, '*', w->cslen)) != NULL)
		w->cslen = (size_t)(star - w->cs);
	w->enc = raw[j + 1] | 0x20;
	if (w->cslen == 0 || (w->enc != 'b' && w->enc != 'q'))
		return 0;
	w->text = raw + j + 3;
	if (j + 3 >= td->nf_from && j + 3 < td->nf_to)
		return -1;
	/* encoded text holds no white space, so neither may the search */
	for (e = j + 3; e + 1 < len && raw[e] > 0x20 && raw[e] != 0x7F; e++) {
		if (raw[e] == '?' && raw[e + 1] == '=') {
			w->textlen = e - (j + 3);
			w->end = e + 2;
			return 1;
		}
	}
	td->nf_from = j + 3;
	td->nf_to = e;
	return -1;
}

static void
flush_lit(struct tdec *td)
{
	if (td->lit.len > 0)
		put_raw(td->sk, (unsigned char *)td->lit.data, td->lit.len,
		    td->flags);
	buf_reset(&td->lit);
}

static void
flush_word(struct tdec *td)
{
	if (td->inword && td->convs++ < WORD_CONV_MAX)
		put_conv(td->sk, td->cs, (unsigned char *)td->word.data,
		    td->word.len, td->flags);
	else if (td->inword) {
		*td->flags |= HDRDECODE_F_CHARSET;
		put_raw(td->sk, (unsigned char *)td->word.data, td->word.len,
		    td->flags);
	}
	buf_reset(&td->word);
	td->inword = 0;
}

/* add_word - decode w into the pending bytes, after any other charset's */
static void
add_word(struct tdec *td, const struct eword *w)
{
	int bad;

	if (td->inword && (strlen(td->cs) != w->cslen ||
	    strncasecmp(td->cs, (const char *)w->cs, w->cslen) != 0))
		flush_word(td);
	if (!td->inword) {
		memcpy(td->cs, w->cs, w->cslen);
		td->cs[w->cslen] = '\0';
		td->inword = 1;
	}
	if (w->enc == 'b')
		bad = b64_decode(w->text, w->textlen, &td->word);
	else
		bad = q_decode(w->text, w->textlen, &td->word);
	if (bad)
		*td->flags |= HDRDECODE_F_BAD_WORD;
}

static void
decode_text(const unsigned char *raw, size_t len, struct sink *sk,
    unsigned *flags)
{
	struct tdec	td;
	struct eword	w;
	size_t		i = 0, j;
	int		ws = 0, r;

	memset(&td, 0, sizeof(td));
	td.sk = sk;
	td.flags = flags;
	/* both hold at most the input's bytes: decoding only shrinks */
	buf_init(&td.lit, len + 1);
	buf_init(&td.word, len + 1);
	while (i < len && !sk->full) {
		if (is_lwsp(raw[i])) {
			while (i < len && is_lwsp(raw[i]))
				i++;
			ws = 1;
			continue;
		}
		if (raw[i] == '=' && i + 1 < len && raw[i + 1] == '?') {
			r = parse_word(&td, raw, len, i, &w);
			if (r > 0) {
				/* white space between two words is dropped */
				if (!td.inword && ws)
					(void)buf_putc(&td.lit, ' ');
				flush_lit(&td);
				add_word(&td, &w);
				ws = 0;
				i = w.end;
				continue;
			}
			if (r < 0)
				*flags |= HDRDECODE_F_BAD_WORD;
		}
		flush_word(&td);
		if (ws)
			(void)buf_putc(&td.lit, ' ');
		ws = 0;
		for (j = i + 1; j < len && !is_lwsp(raw[j]) &&
		    !(raw[j] == '=' && j + 1 < len && raw[j + 1] == '?'); j++)
			;
		(void)buf_append(&td.lit, raw + i, j - i);
		i = j;
	}
	flush_word(&td);
	flush_lit(&td);
	buf_free(&td.lit);
	buf_free(&td.word);
}

char *
hdrdecode_text(const char *raw, size_t len, size_t max, unsigned *flags_r)
{
	struct sink	sk;
	unsigned	flags = 0;

	sink_init(&sk, max, 1);
	if (raw != NULL)
		decode_text((const unsigned char *)raw, len, &sk, &flags);
	return sink_done(&sk, flags, flags_r);
}

/*
 * param_kind - how name relates to want: 0 plain "want", 1 "want*",
 * 2 a continuation "want*N" or "want*N*" (number in *seg_r, %-encoded
 * in *enc_r), -1 another parameter.
 */
static int
param_kind(const char *name, const char *want, size_t wlen, size_t *seg_r,
    int *enc_r)
{
	const char	*p;
	size_t		 v = 0, nd = 0;

	if (strncasecmp(name, want, wlen) != 0)
		return -1;
	p = name + wlen;
	if (*p == '\0')
		return 0;
	if (*p++ != '*')
		return -1;
	if (*p == '\0')
		return 1;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (++nd > 3)		/* past PARAM_SEG_MAX anyway */
			return -1;
		v = v * 10 + (size_t)(*p - '0');
	}
	*enc_r = *p == '*';
	if (nd == 0 || p[*enc_r] != '\0')
		return -1;
	*seg_r = v;
	return 2;
}

/* ext_split - charset'lang'text: copy charset to cs, return the text */
static const char *
ext_split(const char *v, char *cs, size_t cslen, unsigned *flags)
{
	const char *q1, *q2;

	cs[0] = '\0';
	if ((q1 = strchr(v, '\'')) == NULL) {
		*flags |= HDRDECODE_F_BAD_WORD;
		return v;
	}
	if ((q2 = strchr(q1 + 1, '\'')) == NULL) {
		*flags |= HDRDECODE_F_BAD_WORD;
		q2 = q1;
	}
	if ((size_t)(q1 - v) < cslen) {
		memcpy(cs, v, (size_t)(q1 - v));
		cs[q1 - v] = '\0';
	} else
		*flags |= HDRDECODE_F_BAD_WORD;
	return q2 + 1;
}

/*
 * add_value - append a raw value, unfolded (a line break before white
 * space goes, the white space stays), with RFC 2231 %XX decoded if pct.
 */
static void
add_value(const char *s, int pct, struct buf *out, unsigned *flags)
{
	const unsigned char	*p = (const unsigned char *)s;
	unsigned char		 c;

	for (; *p != '\0'; p++) {
		c = *p;
		if ((c == '\r' && p[1] == '\n' && is_wsp(p[2])) ||
		    ((c == '\r' || c == '\n') && is_wsp(p[1])))
			continue;
		if (pct && c == '%' && hexval(p[1]) >= 0 && hexval(p[2]) >= 0) {
			c = (unsigned char)(hexval(p[1]) << 4 | hexval(p[2]));
			p += 2;
		} else if (pct && c == '%')
			*flags |= HDRDECODE_F_BAD_WORD;	/* stays literal */
		if (buf_append(out, &c, 1) < 0) {
			*flags |= HDRDECODE_F_TRUNCATED;
			return;
		}
	}
}

char *
hdrdecode_param(const struct hdrdecode_param *params, size_t n,
    const char *want, size_t max, unsigned *flags_r)
{
	const char	*plain = NULL, *ext = NULL, *seg[PARAM_SEG_MAX];
	int		 enc[PARAM_SEG_MAX], e = 0;
	char		 cs[LABEL_MAX + 1];
	size_t		 i, s, nseg = 0, top = 0;
	struct sink	 sk;
	struct buf	 raw;
	unsigned	 flags = 0;

	memset(seg, 0, sizeof(seg));
	for (i = 0; want != NULL && i < n; i++) {
		if (params[i].name == NULL || params[i].value == NULL)
			continue;
		switch (param_kind(params[i].name, want, strlen(want), &s,
		    &e)) {
		case 0:
			if (plain == NULL)
				plain = params[i].value;
			break;
		case 1:
			if (ext == NULL)
				ext = params[i].value;
			break;
		case 2:
			if (s >= PARAM_SEG_MAX || seg[s] != NULL) {
				flags |= HDRDECODE_F_BAD_WORD;
				break;
			}
			seg[s] = params[i].value;
			enc[s] = e;
			nseg++;
			top = s + 1 > top ? s + 1 : top;
			break;
		}
	}
	if (plain == NULL && ext == NULL && nseg == 0)
		return NULL;
	sink_init(&sk, max, 0);
	buf_init(&raw, PARAM_RAW_MAX);
	cs[0] = '\0';
	if (ext != NULL)
		add_value(ext_split(ext, cs, sizeof(cs), &flags), 1, &raw,
		    &flags);
	/* RFC 2231 wins; only the first segment names a charset */
	for (s = 0; ext == NULL && s < top; s++) {
		if (seg[s] == NULL)
			flags |= HDRDECODE_F_BAD_WORD;
		else
			add_value(s == 0 && enc[s] ? ext_split(seg[s], cs,
			    sizeof(cs), &flags) : seg[s], enc[s], &raw, &flags);
	}
	if (ext != NULL || nseg > 0)
		put_conv(&sk, cs, (unsigned char *)raw.data, raw.len, &flags);
	else {
		add_value(plain, 0, &raw, &flags);
		/* Outlook and Gmail put RFC 2047 words in quoted values */
		sk.collapse = raw.len > 0 && strstr(raw.data, "=?") != NULL &&
		    strstr(raw.data, "?=") != NULL;
		if (sk.collapse)
			decode_text((unsigned char *)raw.data, raw.len, &sk,
			    &flags);
		else
			put_raw(&sk, (unsigned char *)raw.data, raw.len,
			    &flags);
	}
	buf_free(&raw);
	return sink_done(&sk, flags, flags_r);
}
