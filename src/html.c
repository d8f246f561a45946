/*
 * html.c - text/html reduced to readable plain text (see html.h).
 *
 * What it does: one forward pass over the bytes.  A small tokenizer tells
 * text, tags, comments and entities apart; a line builder turns block
 * elements into line breaks and owes whitespace lazily, so collapsing,
 * "at most one blank line" and trimming cost nothing extra.  Each input
 * byte is looked at a bounded number of times, so a megabyte of <div>, an
 * unterminated comment or a quote that never closes costs no more than
 * plain text.
 *
 * What it never does: build a tree, recurse, fetch anything, or interpret
 * script and style.  It never emits a control character other than \n and
 * \t, never half a UTF-8 sequence (not even when the output is cut), and
 * never malformed UTF-8: bytes that are not UTF-8 become U+FFFD.
 *
 * Errors: malformed markup is not an error; it is read the way a browser
 * recovers from it, or dropped.  The only failure is the output buffer
 * reaching its maximum: the text stops at a character boundary,
 * out->truncated is set and -1 is returned.
 *
 * Decisions: <noscript> content is kept, because mail readers never run
 * scripts and so show it to the reporter.  javascript: and data: hrefs are
 * shown like any other: they are evidence.  CDATA, DOCTYPE and <?...?> end
 * at the first '>', as HTML5 reads them.  Table cells are separated by a
 * tab, not " | ", because most mail tables are layout and pipes would
 * litter every line.  nbsp collapses like a space: in mail it is padding.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "madoguchi/buf.h"
#include "madoguchi/html.h"

#define HTML_META_WINDOW 4096		/* html_meta_charset looks no further */
#define HTML_HREF_MAX	2048		/* longer hrefs are shown cut, "..." */
#define HTML_PRE_WS_MAX	256		/* longest blank run kept in <pre> */
#define HTML_INDENT_MAX	8		/* list levels that still indent */
#define HTML_LEGACY_MAX	6		/* longest entity name allowed no ';' */
#define HTML_NOPOS	((size_t)-1)

enum kind {
	K_BLOCK,	/* only the breaks in struct tagdef */
	K_BR,
	K_LI,
	K_LIST,		/* ul, ol */
	K_CELL,		/* td, th */
	K_PRE,
	K_A,
	K_IMG,
	K_BODY,		/* ends an unclosed <head> */
	K_HEAD,		/* content dropped; does not nest */
	K_DROP,		/* content dropped, markup still tokenized */
	K_RAW		/* raw text up to its end tag, dropped */
};

struct tagdef {
	const char	*name;
	enum kind	 kind;
	size_t		 brk;	/* 1: own line, 2: set off by a blank line */
};

/* sorted for bsearch; absent tags (span, b, noscript, ...) are inline */
static const struct tagdef tagdefs[] = {
	{ "a", K_A, 0 }, { "address", K_BLOCK, 1 }, { "article", K_BLOCK, 1 },
	{ "aside", K_BLOCK, 1 }, { "blockquote", K_BLOCK, 2 },
	{ "body", K_BODY, 0 }, { "br", K_BR, 0 }, { "caption", K_BLOCK, 1 },
	{ "center", K_BLOCK, 1 }, { "dd", K_BLOCK, 1 },
	{ "details", K_BLOCK, 1 }, { "div", K_BLOCK, 1 },
	{ "dl", K_BLOCK, 2 }, { "dt", K_BLOCK, 1 }, { "fieldset", K_BLOCK, 1 },
	{ "figcaption", K_BLOCK, 1 }, { "figure", K_BLOCK, 1 },
	{ "footer", K_BLOCK, 1 }, { "form", K_BLOCK, 1 },
	{ "h1", K_BLOCK, 2 }, { "h2", K_BLOCK, 2 }, { "h3", K_BLOCK, 2 },
	{ "h4", K_BLOCK, 2 }, { "h5", K_BLOCK, 2 }, { "h6", K_BLOCK, 2 },
	{ "head", K_HEAD, 0 }, { "header", K_BLOCK, 1 }, { "hr", K_BLOCK, 2 },
	{ "iframe", K_RAW, 0 }, { "img", K_IMG, 0 }, { "li", K_LI, 1 },
	{ "main", K_BLOCK, 1 }, { "nav", K_BLOCK, 1 }, { "ol", K_LIST, 0 },
	{ "p", K_BLOCK, 2 }, { "pre", K_PRE, 2 }, { "script", K_RAW, 0 },
	{ "section", K_BLOCK, 1 }, { "style", K_RAW, 0 },
	{ "summary", K_BLOCK, 1 }, { "svg", K_DROP, 0 },
	{ "table", K_BLOCK, 1 }, { "td", K_CELL, 0 },
	{ "template", K_DROP, 0 }, { "th", K_CELL, 0 }, { "title", K_RAW, 0 },
	{ "tr", K_BLOCK, 1 }, { "ul", K_LIST, 0 },
};

/* U+00A0..U+00FF in order; all may appear without ';' (HTML5 legacy) */
static const char latin1_names[] =
	"nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo "
	"not shy reg macr deg plusmn sup2 sup3 acute micro para middot cedil "
	"sup1 ordm raquo frac14 frac12 frac34 iquest Agrave Aacute Acirc "
	"Atilde Auml Aring AElig Ccedil Egrave Eacute Ecirc Euml Igrave "
	"Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times "
	"Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig agrave aacute "
	"acirc atilde auml aring aelig ccedil egrave eacute ecirc euml igrave "
	"iacute icirc iuml eth ntilde ograve oacute ocirc otilde ouml divide "
	"oslash ugrave uacute ucirc uuml yacute thorn yuml";

/* other names, code points in other_cps; the first ten need no ';' */
static const char other_names[] =
	"amp AMP lt LT gt GT quot QUOT COPY REG apos hellip mdash ndash lsquo "
	"rsquo sbquo ldquo rdquo bdquo lsaquo rsaquo euro trade bull dagger "
	"Dagger permil prime Prime ensp emsp thinsp zwnj zwj lrm rlm larr uarr "
	"rarr darr harr minus ne le ge infin OElig oelig Scaron scaron Yuml "
	"fnof circ tilde hearts";
static const uint16_t other_cps[] = {
	'&', '&', '<', '<', '>', '>', '"', '"', 0xA9, 0xAE, '\'', 0x2026,
	0x2014, 0x2013, 0x2018, 0x2019, 0x201A, 0x201C, 0x201D, 0x201E,
	0x2039, 0x203A, 0x20AC, 0x2122, 0x2022, 0x2020, 0x2021, 0x2030,
	0x2032, 0x2033, 0x2002, 0x2003, 0x2009, 0x200C, 0x200D, 0x200E,
	0x200F, 0x2190, 0x2191, 0x2192, 0x2193, 0x2194, 0x2212, 0x2260,
	0x2264, 0x2265, 0x221E, 0x152, 0x153, 0x160, 0x161, 0x178, 0x192,
	0x2C6, 0x2DC, 0x2665,
};
#define OTHER_LEGACY	10

/* what browsers show for &#128;..&#159; (windows-1252); 0xFFFD: unused */
static const uint16_t cp1252_c1[32] = {
	0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
	0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
};

enum { A_HREF, A_ALT, A_CHARSET, A_EQUIV, A_CONTENT, A_MAX };
static const char *const attr_names[A_MAX] = {
	"href", "alt", "charset", "http-equiv", "content"
};

struct span {
	const char	*p;
	size_t		 n;
	int		 set;
};

struct tag {
	char		 name[16];	/* lower case; "" when too long */
	int		 end;		/* </name> */
	int		 selfclose;	/* <name ... /> */
	struct span	 attr[A_MAX];	/* raw values, first occurrence */
};

struct h2t {
	struct buf	*out;
	struct buf	 href;		/* target of the open <a>, decoded */
	const struct tagdef *drop;	/* element whose content is dropped */
	size_t		 dropdepth;	/* drop nested in itself */
	size_t		 want;		/* line breaks owed before next text */
	size_t		 list;		/* ul/ol depth */
	size_t		 pre;		/* pre depth */
	size_t		 link_start;	/* out->len where link text began */
	size_t		 pendlen;
	char		 pend[HTML_PRE_WS_MAX]; /* blanks owed before text */
	int		 pendlit;	/* pend is <pre> text: kept at bol */
	int		 started;	/* some text was emitted */
	int		 bullet;	/* "- " owed before next text */
	int		 inlink;
	int		 pre_lf;	/* ignore a newline right after <pre> */
	int		 full;		/* out reached its maximum */
};

static int
is_ws(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static int
is_alpha(int c)
{
	return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

static int
is_alnum(int c)
{
	return is_alpha(c) || (c >= '0' && c <= '9');
}

static size_t
utf8_put(uint32_t cp, char *u)
{
	static const unsigned char lead[] = { 0, 0, 0xC0, 0xE0, 0xF0 };
	size_t n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4, k;

	for (k = n - 1; k > 0; k--, cp >>= 6)
		u[k] = (char)(0x80 | (cp & 0x3F));
	u[0] = (char)(lead[n] | cp);
	return n;
}

/* utf8_next - decode s[i..]; a byte that starts no valid sequence is U+FFFD */
static size_t
utf8_next(const unsigned char *s, size_t len, size_t i, uint32_t *cp)
{
	uint32_t v, min;
	size_t n, k;

	if (s[i] < 0x80) {
		*cp = s[i];
		return i + 1;
	}
	if (s[i] >= 0xC2 && s[i] <= 0xDF) {
		n = 1, v = s[i] & 0x1F, min = 0x80;
	} else if (s[i] >= 0xE0 && s[i] <= 0xEF) {
		n = 2, v = s[i] & 0x0F, min = 0x800;
	} else if (s[i] >= 0xF0 && s[i] <= 0xF4) {
		n = 3, v = s[i] & 0x07, min = 0x10000;
	} else
		goto bad;
	if (n > len - i - 1)
		goto bad;
	for (k = 1; k <= n; k++) {
		if ((s[i + k] & 0xC0) != 0x80)
			goto bad;
		v = v << 6 | (s[i + k] & 0x3F);
	}
	/* overlong forms and surrogates would smuggle '<' or break UTF-8 */
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		goto bad;
	*cp = v;
	return i + n + 1;
bad:
	*cp = 0xFFFD;
	return i + 1;
}

/* word_at - index of s[0..n) among the words of list, or -1 */
static int
word_at(const char *list, const char *s, size_t n)
{
	const char *w = list, *e;
	int k;

	for (k = 0; *w != '\0'; k++, w = *e != '\0' ? e + 1 : e) {
		if ((e = strchr(w, ' ')) == NULL)
			e = w + strlen(w);
		if ((size_t)(e - w) == n && memcmp(w, s, n) == 0)
			return k;
	}
	return -1;
}

static int
ent_lookup(const char *s, size_t n, int legacy_only, uint32_t *cp)
{
	int k;

	if ((k = word_at(latin1_names, s, n)) >= 0)
		*cp = 0xA0 + (uint32_t)k;
	else if ((k = word_at(other_names, s, n)) >= 0 &&
	    (k < OTHER_LEGACY || !legacy_only))
		*cp = other_cps[k];
	else
		return 0;
	return 1;
}

/* num_cp - what &#v; stands for; anything we must not emit is U+FFFD */
static uint32_t
num_cp(uint32_t v)
{
	if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0xFFFD;
	if (v >= 0x80 && v <= 0x9F)
		return cp1252_c1[v - 0x80];
	if ((v < 0x20 && !is_ws((int)v)) || v == 0x7F)
		return 0xFFFD;
	return v;
}

/*
 * ent_decode - p[i] is '&'; the number of bytes of the reference, its code
 * point in *cp, or 0 when this is a plain '&'.  In attributes (attr) a
 * name without ';' followed by [A-Za-z0-9=] is left alone, as browsers do,
 * so that "?a=1&copy=2" in an href survives.
 */
static size_t
ent_decode(const char *p, size_t len, size_t i, int attr, uint32_t *cp)
{
	size_t j = i + 1, k, m;
	uint32_t v = 0;
	int hex = 0, d, any = 0;

	if (j < len && p[j] == '#') {
		if (++j < len && (p[j] == 'x' || p[j] == 'X'))
			hex = 1, j++;
		for (; j < len; j++) {
			if (p[j] >= '0' && p[j] <= '9')
				d = p[j] - '0';
			else if (hex && (p[j] | 0x20) >= 'a' &&
			    (p[j] | 0x20) <= 'f')
				d = (p[j] | 0x20) - 'a' + 10;
			else
				break;
			any = 1;
			if (v <= 0x10FFFF)	/* saturate, no overflow */
				v = v * (hex ? 16 : 10) + (uint32_t)d;
		}
		if (!any)
			return 0;
		if (j < len && p[j] == ';')
			j++;
		*cp = num_cp(v);
		return j - i;
	}
	for (k = j; k < len && k - j < 32 && is_alnum(p[k]); k++)
		;
	if (k == j)
		return 0;
	if (k < len && p[k] == ';' && ent_lookup(p + j, k - j, 0, cp))
		return k + 1 - i;
	for (m = k - j < HTML_LEGACY_MAX ? k - j : HTML_LEGACY_MAX; m > 0; m--)
		if (ent_lookup(p + j, m, 1, cp))
			break;
	if (m == 0)
		return 0;
	if (attr && j + m < len && (is_alnum(p[j + m]) || p[j + m] == '='))
		return 0;
	return 1 + m;
}

static size_t
next_cp(const char *p, size_t len, size_t i, int attr, uint32_t *cp)
{
	size_t n;

	if (p[i] == '&') {
		if ((n = ent_decode(p, len, i, attr, cp)) > 0)
			return i + n;
		*cp = '&';
		return i + 1;
	}
	return utf8_next((const unsigned char *)p, len, i, cp);
}

/* app_whole - append all of s or nothing, so a cut never splits UTF-8 */
static int
app_whole(struct buf *b, const char *s, size_t n)
{
	if (b->len > b->max || n > b->max - b->len) {
		b->truncated = 1;
		return -1;
	}
	return buf_append(b, s, n);
}

static void
emit(struct h2t *st, const char *s, size_t n)
{
	if (!st->full && app_whole(st->out, s, n) == -1)
		st->full = 1;
}

/*
 * put_vis - emit visible text s[0..n) after the breaks, bullet and blanks
 * owed; more is what the caller emits right after it.  All of that fits
 * or nothing is written, so a cut never ends in a dangling break.
 */
static void
put_vis(struct h2t *st, const char *s, size_t n, size_t more)
{
	struct buf *b = st->out;
	size_t nl = st->started ? st->want : 0, ind = 0, sp = 0, k;

	if (st->bullet && st->list > 0)
		ind = st->list - 1 < HTML_INDENT_MAX ? st->list - 1 :
		    HTML_INDENT_MAX;
	/* a collapsed space never starts a line; <pre> indentation does */
	if (st->pendlit || (st->started && nl == 0 && !st->bullet))
		sp = st->pendlen;
	if (st->full)
		return;
	if (b->len > b->max || nl + 2 * ind + 2 * st->bullet + sp + n + more >
	    b->max - b->len) {
		b->truncated = 1;
		st->full = 1;
		return;
	}
	for (k = 0; k < nl; k++)
		emit(st, "\n", 1);
	for (k = 0; k < ind; k++)
		emit(st, "  ", 2);
	if (st->bullet)
		emit(st, "- ", 2);
	emit(st, st->pend, sp);
	st->want = st->pendlen = 0;
	st->bullet = st->pendlit = 0;
	if (st->inlink && st->link_start == HTML_NOPOS)
		st->link_start = b->len;
	emit(st, s, n);
	st->started = 1;
}

static void
text_cp(struct h2t *st, uint32_t cp)
{
	char u[4];

	if (st->pre && cp == '\r')
		return;			/* CRLF: the LF makes the break */
	if (st->pre_lf) {
		st->pre_lf = 0;
		if (cp == '\n')
			return;
	}
	if (is_ws((int)cp) || cp == 0xA0) {
		if (!st->pre) {
			if (st->pendlen == 0) {
				st->pend[0] = ' ';
				st->pendlen = 1;
			}
		} else if (cp == '\n') {
			st->want++;
			st->pendlen = 0;	/* blanks ending the line */
		} else if (st->pendlen < sizeof(st->pend)) {
			st->pend[st->pendlen++] = cp == '\t' ? '\t' : ' ';
			st->pendlit = 1;
		}
		return;
	}
	/*
	 * Controls never reach the output.  Soft hyphen and zero-width space
	 * are invisible and used to split words past filters ("Pay&shy;Pal"):
	 * the reporter saw the joined word, so that is what we show.
	 */
	if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0xAD ||
	    cp == 0x200B || cp == 0x2060 || cp == 0xFEFF)
		return;
	put_vis(st, u, utf8_put(cp, u), 0);
}

/* brk - owe at least n line breaks; blanks before a break are dropped */
static void
brk(struct h2t *st, size_t n)
{
	if (st->want < n)
		st->want = n;
	st->pendlen = 0;
	st->pendlit = 0;
}

/* url_core - the part of a URL that decides whether text and href agree */
static void
url_core(const char **s, size_t *n)
{
	static const char *const schemes[] = { "http://", "https://",
	    "mailto:" };
	size_t k, l;

	for (k = 0; k < sizeof(schemes) / sizeof(schemes[0]); k++) {
		l = strlen(schemes[k]);
		if (*n >= l && strncasecmp(*s, schemes[k], l) == 0) {
			*s += l;
			*n -= l;
			break;
		}
	}
	if (*n > 0 && (*s)[*n - 1] == '/')
		(*n)--;
}

/* link_end - close the open link: show its target unless the text is it */
static void
link_end(struct h2t *st)
{
	const char *t = "", *h = st->href.data;
	size_t tn = 0, hn = st->href.len, want = st->want;
	int blank = st->pendlen > 0 && st->link_start != HTML_NOPOS;

	if (!st->inlink)
		return;
	st->inlink = 0;
	if (hn == 0 || st->full)
		return;
	if (st->link_start != HTML_NOPOS) {
		t = st->out->data + st->link_start;
		tn = st->out->len - st->link_start;
	}
	url_core(&t, &tn);
	url_core(&h, &hn);
	if (tn == hn && memcmp(t, h, tn) == 0)
		return;
	if (st->link_start != HTML_NOPOS) {
		/* "<url>" goes with its text, before breaks owed after it */
		st->want = 0;
		st->pend[0] = ' ';
		st->pendlen = 1;
		st->pendlit = 0;
	}
	/* all of "<url>" or none of it: half a URL misleads */
	put_vis(st, "<", 1, st->href.len + 3 * st->href.truncated + 1);
	emit(st, st->href.data, st->href.len);
	if (st->href.truncated)
		emit(st, "...", 3);
	emit(st, ">", 1);
	st->want = want;
	if (blank && want == 0) {
		st->pend[0] = ' ';
		st->pendlen = 1;
	}
}

static void
set_href(struct h2t *st, const struct span *sp)
{
	size_t k = 0;
	uint32_t cp;
	char u[4];

	buf_reset(&st->href);
	while (k < sp->n) {
		k = next_cp(sp->p, sp->n, k, 1, &cp);
		if (cp == 0xA0)
			cp = ' ';
		/* URL parsers drop tabs and newlines and trim spaces */
		if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) ||
		    (cp == ' ' && st->href.len == 0))
			continue;
		if (app_whole(&st->href, u, utf8_put(cp, u)) == -1)
			break;
	}
	while (st->href.len > 0 && st->href.data[st->href.len - 1] == ' ')
		st->href.data[--st->href.len] = '\0';
}

static void
put_alt(struct h2t *st, const struct span *sp)
{
	const char *p = sp->p;
	size_t n = sp->n, k = 0;
	uint32_t cp;

	while (n > 0 && is_ws(*p))
		p++, n--;
	while (n > 0 && is_ws(p[n - 1]))
		n--;
	if (n == 0)
		return;			/* spacers and tracking pixels */
	put_vis(st, "[", 1, 0);
	while (k < n) {
		k = next_cp(p, n, k, 1, &cp);
		text_cp(st, cp);
	}
	put_vis(st, "]", 1, 0);
}

/* on_tag - what a known start or end tag does to the text */
static void
on_tag(struct h2t *st, const struct tagdef *def, const struct tag *t)
{
	/* body content ends an unclosed <head>, as in browsers */
	if (st->drop != NULL && st->drop->kind == K_HEAD && !t->end &&
	    def->kind != K_RAW && def->kind != K_DROP && def->kind != K_HEAD)
		st->drop = NULL;
	if (st->drop != NULL) {
		if (def == st->drop && t->end)
			st->dropdepth--;
		else if (def == st->drop && def->kind == K_DROP)
			st->dropdepth++;
		if (st->dropdepth == 0)
			st->drop = NULL;
		return;
	}
	if (def->brk > 0)
		brk(st, def->brk);
	switch (def->kind) {
	case K_BR:
		/* </br> too, as in browsers; at most one blank line */
		brk(st, st->want < 2 ? st->want + 1 : 2);
		break;
	case K_LI:
		st->bullet = !t->end;	/* an empty item leaves no "- " */
		break;
	case K_LIST:
		if (t->end && st->list > 0)
			st->list--;
		brk(st, st->list > 0 ? 1 : 2);
		st->list += !t->end;
		st->bullet = 0;
		break;
	case K_CELL:
		/* a tab between cells, never at the start of a row */
		if (!t->end && st->started && st->want == 0) {
			st->pend[0] = '\t';
			st->pendlen = 1;
			st->pendlit = 0;
		}
		break;
	case K_PRE:
		if (t->end && st->pre > 0)
			st->pre--;
		else if (!t->end)
			st->pre++, st->pre_lf = 1;
		break;
	case K_A:
		link_end(st);		/* a new <a> closes the open one */
		if (!t->end && t->attr[A_HREF].set) {
			set_href(st, &t->attr[A_HREF]);
			st->inlink = 1;
			st->link_start = HTML_NOPOS;
		}
		break;
	case K_IMG:
		if (!t->end)
			put_alt(st, &t->attr[A_ALT]);
		break;
	case K_HEAD:
	case K_DROP:
		/* <svg/> is empty: do not hide the rest of the body */
		if (!t->end && !t->selfclose) {
			st->drop = def;
			st->dropdepth = 1;
		}
		break;
	default:
		break;
	}
}

static void
tag_attr(struct tag *t, const char *n, size_t nl, const char *v, size_t vl)
{
	size_t k;

	for (k = 0; k < A_MAX; k++) {
		if (strlen(attr_names[k]) != nl ||
		    strncasecmp(n, attr_names[k], nl) != 0)
			continue;
		/* the first of duplicate attributes wins, as in browsers */
		if (!t->attr[k].set) {
			t->attr[k].p = v;
			t->attr[k].n = vl;
			t->attr[k].set = 1;
		}
		return;
	}
}

/*
 * parse_tag - read a tag whose name (or '/') starts at p[i]; returns the
 * index past its '>'.  A tag cut off by the end of input sets *ok to 0;
 * browsers drop such a tag, and so do we.
 */
static size_t
parse_tag(const char *p, size_t len, size_t i, struct tag *t, int *ok)
{
	size_t n = 0, ns, ne, vs, ve;
	char q;

	memset(t, 0, sizeof(*t));
	*ok = 0;
	if (i < len && p[i] == '/')
		t->end = 1, i++;
	for (; i < len && !is_ws(p[i]) && p[i] != '/' && p[i] != '>'; i++) {
		if (n < sizeof(t->name) - 1)
			t->name[n] = (char)(p[i] | (is_alpha(p[i]) ? 0x20 : 0));
		n++;
	}
	if (n >= sizeof(t->name))
		n = 0;			/* no tag we know is that long */
	t->name[n] = '\0';
	for (;;) {
		for (; i < len && (is_ws(p[i]) || p[i] == '/'); i++)
			t->selfclose = p[i] == '/';
		if (i >= len)
			return len;
		if (p[i] == '>')
			break;
		t->selfclose = 0;
		ns = i++;		/* a leading '=' belongs to the name */
		while (i < len && !is_ws(p[i]) && p[i] != '/' && p[i] != '>' &&
		    p[i] != '=')
			i++;
		ne = i;
		while (i < len && is_ws(p[i]))
			i++;
		vs = ve = i;
		if (i < len && p[i] == '=') {
			for (i++; i < len && is_ws(p[i]); i++)
				;
			if (i < len && (p[i] == '"' || p[i] == '\'')) {
				q = p[i++];
				for (vs = i; i < len && p[i] != q; i++)
					;
				if (i >= len)
					return len;
				ve = i++;
			} else {
				for (vs = i; i < len && !is_ws(p[i]) &&
				    p[i] != '>'; i++)
					;
				ve = i;
			}
		}
		tag_attr(t, p + ns, ne - ns, p + vs, ve - vs);
	}
	*ok = 1;
	return i + 1;
}

/* skip_decl - skip a comment, <!...>, <?...> or </ 3...>, as browsers do */
static size_t
skip_decl(const char *p, size_t len, size_t i)
{
	const char *gt;
	size_t k;

	if (len - i >= 4 && memcmp(p + i, "<!--", 4) == 0) {
		k = i + 4;
		/* "<!-->" and "<!--->" are complete, empty comments */
		if (k < len && p[k] == '>')
			return k + 1;
		if (k + 1 < len && p[k] == '-' && p[k + 1] == '>')
			return k + 2;
		for (; k + 2 < len; k++) {
			if (p[k] != '-' || p[k + 1] != '-')
				continue;
			if (p[k + 2] == '>')
				return k + 3;
			if (p[k + 2] == '!' && k + 3 < len && p[k + 3] == '>')
				return k + 4;
		}
		return len;		/* unterminated: the rest is comment */
	}
	gt = memchr(p + i + 2, '>', len - i - 2);
	return gt != NULL ? (size_t)(gt - p) + 1 : len;
}

/* skip_raw - index of the "</name" ending raw text, or len; "</scr" is not */
static size_t
skip_raw(const char *p, size_t len, size_t i, const char *name)
{
	size_t n = strlen(name), k;

	for (; i + 1 < len; i++) {
		if (p[i] != '<' || p[i + 1] != '/')
			continue;
		if (n > len - i - 2)
			return len;
		if (strncasecmp(p + i + 2, name, n) != 0)
			continue;
		k = i + 2 + n;
		if (k == len || is_ws(p[k]) || p[k] == '/' || p[k] == '>')
			return i;
	}
	return len;
}

static int
tagdef_cmp(const void *key, const void *elt)
{
	return strcmp(key, ((const struct tagdef *)elt)->name);
}

/* markup - p[i] is '<'; handle what it opens, return where text resumes */
static size_t
markup(struct h2t *st, const char *p, size_t len, size_t i)
{
	const struct tagdef *def;
	struct tag t;
	size_t j;
	int c = i + 1 < len ? (unsigned char)p[i + 1] : 0, ok;

	st->pre_lf = 0;
	if (c == '!' || c == '?' ||
	    (c == '/' && !(i + 2 < len && is_alpha(p[i + 2]))))
		return skip_decl(p, len, i);
	if (c != '/' && !is_alpha(c)) {
		if (st->drop == NULL)
			text_cp(st, '<');	/* "a < b" opens nothing */
		return i + 1;
	}
	j = parse_tag(p, len, i + 1, &t, &ok);
	if (!ok)
		return len;
	def = bsearch(t.name, tagdefs, sizeof(tagdefs) / sizeof(tagdefs[0]),
	    sizeof(tagdefs[0]), tagdef_cmp);
	if (def == NULL)
		return j;
	on_tag(st, def, &t);
	if (!t.end && def->kind == K_RAW)
		j = skip_raw(p, len, j, def->name);
	return j;
}

int
html_to_text(const char *html, size_t len, struct buf *out)
{
	struct h2t st;
	size_t i = 0;
	uint32_t cp;

	memset(&st, 0, sizeof(st));
	st.out = out;
	st.link_start = HTML_NOPOS;
	buf_init(&st.href, HTML_HREF_MAX);
	while (i < len && !st.full) {
		if (html[i] == '<')
			i = markup(&st, html, len, i);
		else if (st.drop != NULL &&
		    (st.drop->kind != K_HEAD || is_ws((unsigned char)html[i])))
			i++;
		else {
			st.drop = NULL;	/* text ends an unclosed <head> too */
			i = next_cp(html, len, i, 0, &cp);
			text_cp(&st, cp);
		}
	}
	if (st.drop == NULL)
		link_end(&st);
	buf_free(&st.href);
	return st.full ? -1 : 0;
}

static int
is_label(int c)
{
	return is_alnum(c) || c == '-' || c == '_' || c == '.' || c == ':' ||
	    c == '+';
}

/* copy_label - trimmed charset label into name; -1 if odd or too long */
static int
copy_label(const char *s, size_t n, char *name, size_t size)
{
	size_t k;

	while (n > 0 && (is_ws(*s) || *s == '"' || *s == '\''))
		s++, n--;
	while (n > 0 && (is_ws(s[n - 1]) || s[n - 1] == '"' ||
	    s[n - 1] == '\''))
		n--;
	if (n == 0 || n >= size)
		return -1;
	for (k = 0; k < n; k++)
		if (!is_label((unsigned char)s[k]))
			return -1;
	memcpy(name, s, n);
	name[n] = '\0';
	return 0;
}

/* content_charset - the label after "charset=" in a content attribute */
static int
content_charset(const char *s, size_t n, char *name, size_t size)
{
	size_t k = 0, e;
	char q;

	for (;;) {
		while (k + 7 <= n && strncasecmp(s + k, "charset", 7) != 0)
			k++;
		if (k + 7 > n)
			return -1;
		for (k += 7; k < n && is_ws(s[k]); k++)
			;
		if (k < n && s[k] == '=')
			break;
	}
	for (k++; k < n && is_ws(s[k]); k++)
		;
	if (k < n && (s[k] == '"' || s[k] == '\'')) {
		q = s[k++];
		for (e = k; e < n && s[e] != q; e++)
			;
		if (e == n)
			return -1;
	} else
		for (e = k; e < n && !is_ws(s[e]) && s[e] != ';'; e++)
			;
	return copy_label(s + k, e - k, name, size);
}

static int
meta_label(const struct tag *t, char *name, size_t size)
{
	const struct span *eq = &t->attr[A_EQUIV];
	const char *p = eq->p;
	size_t n = eq->n;

	if (t->attr[A_CHARSET].set)
		return copy_label(t->attr[A_CHARSET].p, t->attr[A_CHARSET].n,
		    name, size);
	if (!eq->set || !t->attr[A_CONTENT].set)
		return -1;
	while (n > 0 && is_ws(*p))
		p++, n--;
	while (n > 0 && is_ws(p[n - 1]))
		n--;
	if (n != 12 || strncasecmp(p, "content-type", 12) != 0)
		return -1;
	return content_charset(t->attr[A_CONTENT].p, t->attr[A_CONTENT].n,
	    name, size);
}

int
html_meta_charset(const unsigned char *html, size_t len, char *name,
    size_t n)
{
	const char *p = (const char *)html;
	struct tag t;
	size_t i = 0;
	int ok;

	if (len > HTML_META_WINDOW)
		len = HTML_META_WINDOW;
	while (i + 1 < len) {
		if (p[i] != '<') {
			i++;
		} else if (p[i + 1] == '!' || p[i + 1] == '?' ||
		    p[i + 1] == '/') {
			i = skip_decl(p, len, i);	/* commented-out meta */
		} else if (!is_alpha(p[i + 1])) {
			i++;
		} else {
			i = parse_tag(p, len, i + 1, &t, &ok);
			if (!ok)
				break;
			if (strcmp(t.name, "meta") == 0 &&
			    meta_label(&t, name, n) == 0)
				return 0;
		}
	}
	return -1;
}
