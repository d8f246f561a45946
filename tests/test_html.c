/*
 * test_html.c - html_to_text and html_meta_charset.
 *
 * Table-driven: each case is HTML in, exact text out.  The cases lean on
 * what a phishing report needs: hidden content stays hidden, link targets
 * stay visible, hostile markup cannot stall or crash the converter.
 */
#include "unit.h"

#include <stdio.h>

#include "madoguchi/buf.h"
#include "madoguchi/html.h"

#define OUT_MAX	(4u << 20)

struct text_case {
	const char	*name;
	const char	*in;
	const char	*want;
};

static const struct text_case text_cases[] = {
	/* whitespace and layout */
	{ "plain", "Hello world", "Hello world" },
	{ "empty", "", "" },
	{ "collapse", "  Hello \n\t  world \r\n ", "Hello world" },
	{ "br", "a<br>b<br/><br>c<br><br><br><br>d", "a\nb\n\nc\n\nd" },
	{ "end br", "a</br>b", "a\nb" },
	{ "blank line cap", "<p>a</p><p></p><p> </p><div>b</div>", "a\n\nb" },
	{ "trim", "<br><br><p>  x  </p><br><br>  ", "x" },
	{ "upper", "<P>a<BR>b</P><DIV>c</DIV>", "a\nb\n\nc" },
	{ "heading", "<h1>Title</h1>text<h2>Sub</h2>", "Title\n\ntext\n\nSub" },
	{ "div", "<div>one</div><div>two</div>three", "one\ntwo\nthree" },
	{ "inline", "a<b>b</b><span class=x>c</span> d", "abc d" },
	{ "japanese",
	    "<p>\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x81\xae"
	    "\xe3\x83\x86\xe3\x82\xad\xe3\x82\xb9\xe3\x83\x88</p>"
	    "<p>\xe3\x81\x93\xe3\x82\x93\xe3\x81\xab\xe3\x81\xa1\xe3\x81\xaf"
	    "\xe3\x80\x81\xe4\xb8\x96\xe7\x95\x8c</p>",
	    "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x81\xae"
	    "\xe3\x83\x86\xe3\x82\xad\xe3\x82\xb9\xe3\x83\x88\n\n"
	    "\xe3\x81\x93\xe3\x82\x93\xe3\x81\xab\xe3\x81\xa1\xe3\x81\xaf"
	    "\xe3\x80\x81\xe4\xb8\x96\xe7\x95\x8c" },

	/* content that is never shown */
	{ "script", "a<script>alert('SECRET')</script>b", "ab" },
	{ "script decoy",
	    "a<script>var s = \"</scr\" + \"ipt>\"; x('SECRET');</script>b",
	    "ab" },
	{ "script decoy 2", "a<script>s='</scripts>SECRET'</script >b", "ab" },
	{ "script upper",
	    "a<SCRIPT type=\"text/javascript\">SECRET</ScRiPt>b", "ab" },
	{ "script with markup", "a<script>document.write('<p>SECRET</p>')"
	    "</script>b", "ab" },
	{ "script unterminated", "a<script>SECRET <p>more", "a" },
	{ "style", "<style>p { color: red }</style>Body", "Body" },
	{ "style upper", "<STYLE media=all>.x{}</STYLE >B", "B" },
	{ "head", "<html><head><title>TITLE</title><meta charset=\"utf-8\">"
	    "<style>x</style></head><body><p>Hi</p></body></html>", "Hi" },
	{ "head unclosed", "<head><title>T</title><body>Hi", "Hi" },
	{ "head ended by block", "<head><title>T</title><p>Hi", "Hi" },
	{ "head ended by text", "<head><style>x</style>\n Hello", "Hello" },
	{ "title", "<title>SECRET</title>x", "x" },
	{ "comment", "a<!-- SECRET <p>SECRET</p> -->b", "ab" },
	{ "comment unterminated", "a<!-- SECRET <p>more</p>", "a" },
	{ "comment short", "a<!-->b<!--->c", "abc" },
	{ "comment bang", "a<!-- SECRET --!>b", "ab" },
	{ "comment dashes", "a<!-- x -- y --->b", "ab" },
	{ "declarations", "<!DOCTYPE html><?xml version=\"1.0\"?>"
	    "<![CDATA[SECRET]]>ok", "ok" },
	{ "svg", "a<svg><text>SECRET</text><svg>in</svg>SECRET</svg>b", "ab" },
	{ "svg selfclose", "a<svg/>b", "ab" },
	{ "template", "a<template><p>SECRET</p></template>b", "ab" },
	{ "noscript kept", "<noscript>Enable <b>JS</b></noscript>",
	    "Enable JS" },

	/* entities */
	{ "entities basic", "&lt;b&gt; &amp; &quot;q&quot; &apos;a&apos;",
	    "<b> & \"q\" 'a'" },
	{ "entities typo",
	    "&hellip;&mdash;&ndash;&lsquo;&rsquo;&ldquo;&rdquo;"
	    "&yen;&euro;&trade;&copy;&reg;",
	    "\xe2\x80\xa6\xe2\x80\x94\xe2\x80\x93\xe2\x80\x98\xe2\x80\x99"
	    "\xe2\x80\x9c\xe2\x80\x9d\xc2\xa5\xe2\x82\xac\xe2\x84\xa2"
	    "\xc2\xa9\xc2\xae" },
	{ "entities latin1", "caf&eacute; &Auml;&szlig;&yuml;",
	    "caf\xc3\xa9 \xc3\x84\xc3\x9f\xc3\xbf" },
	{ "entities numeric", "&#65;&#x42;&#X43;&#0100;&#x1F600;",
	    "ABCd\xf0\x9f\x98\x80" },
	{ "entities invalid",
	    "&#0;&#xD800;&#xDFFF;&#x110000;&#99999999999999;&#1;",
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
	    "\xef\xbf\xbd\xef\xbf\xbd" },
	{ "entities c1", "&#150;&#153;&#x80;", "\xe2\x80\x93\xe2\x84\xa2"
	    "\xe2\x82\xac" },
	{ "entities no semicolon", "AT&T &copy 2024 &amp x &lt3 &#65B",
	    "AT&T \xc2\xa9 2024 & x <3 AB" },
	{ "entities unknown", "&bogus; & &#; &#x; &", "&bogus; & &#; &#x; &" },
	{ "entities case", "&AMP;&Amp;", "&&Amp;" },
	{ "nbsp", "a&nbsp;&nbsp;&nbsp;b&nbsp;<p>&nbsp;</p>c", "a b\n\nc" },
	{ "nbsp literal", "a\xc2\xa0\xc2\xa0" "b", "a b" },
	{ "entity newline", "a&#10;&#9;b", "a b" },
	{ "soft hyphen", "Pay&shy;Pal Pay\xc2\xad" "Pal Pay&#x200B;Pal",
	    "PayPal PayPal PayPal" },

	/* bytes that must not reach the output */
	{ "controls", "a\x01" "b\x7f" "c\x1b[31md", "abc[31md" },
	{ "c1 literal", "a\xc2\x85" "b", "ab" },
	{ "bad utf8", "a\xff" "b\xc3", "a\xef\xbf\xbd" "b\xef\xbf\xbd" },
	{ "overlong lt", "a\xc0\xbc" "b", "a\xef\xbf\xbd\xef\xbf\xbd" "b" },
	{ "bom", "\xef\xbb\xbfHi", "Hi" },

	/* links and images */
	{ "link differs", "<a href=\"http://evil.example/login\">"
	    "https://bank.example</a> now",
	    "https://bank.example <http://evil.example/login> now" },
	{ "link same", "<a href=\"https://example.com/\">https://example.com"
	    "</a>", "https://example.com" },
	{ "link same mailto", "<a href=\"mailto:a@example.com\">"
	    "a@example.com</a>", "a@example.com" },
	{ "link javascript", "<a href='javascript:alert(1)'>Click</a> here",
	    "Click <javascript:alert(1)> here" },
	{ "link entities", "<a href=\"http://x.example/?a=1&amp;b=2&copy=3"
	    "&lang=en\">go</a>",
	    "go <http://x.example/?a=1&b=2&copy=3&lang=en>" },
	{ "link unquoted upper", "<A HREF=http://x.example/>X</A>",
	    "X <http://x.example/>" },
	{ "link spaces", "<a href=\"  http://x.example/\n\tpath  \">x</a>",
	    "x <http://x.example/path>" },
	{ "link no text", "see <a href=\"http://x.example/\"></a>",
	    "see <http://x.example/>" },
	{ "link no href", "<a name=top>Top</a>", "Top" },
	{ "link in block", "<a href=\"http://x.example/\"><div>Button</div>"
	    "</a>after", "Button <http://x.example/>\nafter" },
	{ "link unclosed", "<a href=\"http://a.example/\">A<a href=\"http"
	    "://b.example/\">B", "A <http://a.example/>B <http://b.example/>" },
	{ "link attr order", "<a title=\"x > y\" href=http://x.example/ "
	    "class='c'>t</a>", "t <http://x.example/>" },
	{ "img alt", "<img src=\"a.png\" alt=\"Logo\">Text<img alt=\"\">"
	    "<img src=x>", "[Logo]Text" },
	{ "img alt entities", "<img alt=\" Big &amp; bold \n logo \">",
	    "[Big & bold logo]" },
	{ "img link", "<a href=\"http://x.example/\"><img alt=\"Pay\"></a>",
	    "[Pay] <http://x.example/>" },

	/* lists, tables, pre */
	{ "list", "<p>Intro</p><ul><li>x</li><li> y </li></ul><p>End</p>",
	    "Intro\n\n- x\n- y\n\nEnd" },
	{ "nested list", "<ul><li>one<ul><li>a</li><li>b</li></ul></li>"
	    "<li>two</li></ul>", "- one\n  - a\n  - b\n- two" },
	{ "list item block", "<ol><li><p>para</p></li><li></li></ol>",
	    "- para" },
	{ "table", "<table><tr><th>Name</th><th>Value</th></tr>\n"
	    "<tr> <td>a</td>\n<td> 1 </td></tr><tr><td></td><td>z</td></tr>"
	    "</table>", "Name\tValue\na\t1\nz" },
	{ "pre", "x<pre>\n  line 1\n    line 2\n\n\nend  </pre>after",
	    "x\n\n  line 1\n    line 2\n\n\nend\n\nafter" },
	{ "pre markup", "<pre>a &lt; b\r\n<b>bold</b>\tc</pre>",
	    "a < b\nbold\tc" },

	/* malformed markup */
	{ "lt text", "1 < 2 > 0, x <3 y, a<<b", "1 < 2 > 0, x <3 y, a<" },
	{ "quoted gt", "<p class=\"a>b\">text</p><div title='it>s'>ok",
	    "text\n\nok" },
	{ "tag unterminated", "ok<p class=", "ok" },
	{ "quote unterminated", "ok<p class=\"x>never", "ok" },
	{ "bogus end tags", "a</ b>c</>d</3>e", "acde" },
	{ "attributes odd", "<input disabled><p id=x data-a = \"1\" =y>t",
	    "t" },
	{ "stray ends", "</ul></li></pre></a></svg></head>x", "x" },
	{ "long tag name", "<averyveryverylongtagname>x</averyveryverylong"
	    "tagname>", "x" },
};

static const char *
text_of(const struct buf *b)
{
	return b->data != NULL ? b->data : "";
}

static void
test_text_cases(void **state)
{
	struct buf b;
	size_t k, bad = 0;
	int rc;

	/* report every failing case, not only the first */
	for (k = 0; k < sizeof(text_cases) / sizeof(text_cases[0]); k++) {
		const struct text_case *c = &text_cases[k];

		buf_init(&b, OUT_MAX);
		rc = html_to_text(c->in, strlen(c->in), &b);
		if (rc != 0 || strcmp(text_of(&b), c->want) != 0) {
			print_error("%s: rc %d, got \"%s\", want \"%s\"\n",
			    c->name, rc, text_of(&b), c->want);
			bad++;
		}
		buf_free(&b);
	}
	assert_int_equal(bad, 0);
}

static void
test_appends(void **state)
{
	struct buf b;

	buf_init(&b, 64);
	assert_int_equal(buf_puts(&b, "X:"), 0);
	assert_int_equal(html_to_text("<p>hi</p>", 9, &b), 0);
	assert_string_equal(b.data, "X:hi");
	buf_free(&b);
}

static void
test_truncation(void **state)
{
	static const char in[] = "<p>hello world, this is long</p>";
	static const char jp[] = "<p>\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e"
	    "\xe3\x81\xa7\xe3\x81\x99</p>";
	struct buf b;

	buf_init(&b, 10);
	assert_int_equal(html_to_text(in, strlen(in), &b), -1);
	assert_int_equal(b.len, 10);
	assert_true(b.truncated);
	assert_string_equal(b.data, "hello worl");
	buf_free(&b);

	/* cut at a character boundary: 9 bytes, never half a character */
	buf_init(&b, 10);
	assert_int_equal(html_to_text(jp, strlen(jp), &b), -1);
	assert_true(b.truncated);
	assert_string_equal(b.data, "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e");
	buf_free(&b);

	/* a link target that does not fit is left out whole */
	buf_init(&b, 12);
	assert_int_equal(html_to_text("<a href=\"http://x.example/\">go</a>",
	    34, &b), -1);
	assert_string_equal(b.data, "go");
	buf_free(&b);
}

static void
test_long_href(void **state)
{
	struct buf b;
	char *in;
	size_t n = 10000, k;

	in = malloc(n + 64);
	assert_non_null(in);
	k = (size_t)snprintf(in, 64, "<a href=\"data:");
	memset(in + k, 'A', n);
	k += n;
	memcpy(in + k, "\">x</a>", 8);
	buf_init(&b, OUT_MAX);
	assert_int_equal(html_to_text(in, strlen(in), &b), 0);
	assert_true(b.len < 2100);
	assert_memory_equal(b.data, "x <data:AAA", 11);
	assert_memory_equal(b.data + b.len - 4, "...>", 4);
	buf_free(&b);
	free(in);
}

/* repeat - a NUL-terminated string of unit repeated to about n bytes */
static char *
repeat(const char *unit, size_t n, size_t *count_r)
{
	size_t u = strlen(unit), c = n / u, k;
	char *s = malloc(c * u + 1);

	assert_non_null(s);
	for (k = 0; k < c; k++)
		memcpy(s + k * u, unit, u);
	s[c * u] = '\0';
	*count_r = c;
	return s;
}

static void
test_big(void **state)
{
	static const char *const empty_units[] = {
		"<div>", "<ul><li>", "<svg>", "<!-- --", "&amp", "&abcdefghijk",
		"<a href=x>", "<p class='", "</scr",
	};
	struct buf b;
	size_t count, k;
	char *s;

	/* 1 MB of <div>: nothing to show, and it must finish */
	s = repeat("<div>", 1u << 20, &count);
	buf_init(&b, OUT_MAX);
	assert_int_equal(html_to_text(s, strlen(s), &b), 0);
	assert_int_equal(b.len, 0);
	buf_free(&b);
	free(s);

	s = repeat("<div>a", 1u << 20, &count);
	buf_init(&b, OUT_MAX);
	assert_int_equal(html_to_text(s, strlen(s), &b), 0);
	assert_int_equal(b.len, 2 * count - 1);
	assert_memory_equal(b.data, "a\na\na", 5);
	buf_free(&b);
	free(s);

	/* other shapes that would be quadratic in a careless scanner */
	for (k = 0; k < sizeof(empty_units) / sizeof(empty_units[0]); k++) {
		s = repeat(empty_units[k], 1u << 20, &count);
		buf_init(&b, OUT_MAX);
		assert_int_equal(html_to_text(s, strlen(s), &b), 0);
		buf_free(&b);
		free(s);
	}
}

struct meta_case {
	const char	*name;
	const char	*in;
	const char	*want;		/* NULL: not found */
};

static const struct meta_case meta_cases[] = {
	{ "charset", "<meta charset=\"utf-8\">", "utf-8" },
	{ "charset upper unquoted", "<META CHARSET=Shift_JIS>", "Shift_JIS" },
	{ "charset single selfclose", "<head><meta charset='iso-2022-jp' />",
	    "iso-2022-jp" },
	{ "http-equiv", "<meta http-equiv=\"Content-Type\" "
	    "content=\"text/html; charset=EUC-JP\">", "EUC-JP" },
	{ "http-equiv reversed", "<meta content='text/html;charset="
	    "\"windows-1252\"' http-equiv=content-type>", "windows-1252" },
	{ "http-equiv spaces", "<META HTTP-EQUIV=\" content-type \" CONTENT="
	    "\"text/html; CHARSET = utf-8 ; x\">", "utf-8" },
	{ "after other tags", "<html><head><title>x</title>"
	    "<meta name=viewport content=x><meta charset=utf-8>", "utf-8" },
	{ "no http-equiv", "<meta name=\"x\" content=\"charset=utf-8\">",
	    NULL },
	{ "commented out", "<!-- <meta charset=\"koi8-r\"> -->"
	    "<meta charset=\"utf-8\">", "utf-8" },
	{ "none", "<html><body>charset=utf-8</body></html>", NULL },
	{ "empty", "<meta charset=\"\">", NULL },
	{ "bad label", "<meta charset=\"utf 8;x\">", NULL },
	{ "unterminated", "<meta charset=\"utf-8", NULL },
};

static void
test_meta_cases(void **state)
{
	char name[32];
	size_t k;
	int rc;

	for (k = 0; k < sizeof(meta_cases) / sizeof(meta_cases[0]); k++) {
		const struct meta_case *c = &meta_cases[k];

		rc = html_meta_charset((const unsigned char *)c->in,
		    strlen(c->in), name, sizeof(name));
		if (c->want == NULL && rc != -1)
			fail_msg("%s: found \"%s\"", c->name, name);
		if (c->want != NULL && (rc != 0 || strcmp(name, c->want) != 0))
			fail_msg("%s: rc %d, want \"%s\"", c->name, rc,
			    c->want);
	}
}

static void
test_meta_window(void **state)
{
	static const char meta[] = "<meta charset=\"utf-8\">";
	char doc[8192], name[32];
	size_t m = strlen(meta);

	/* wholly inside the first 4096 bytes: found */
	memset(doc, ' ', sizeof(doc));
	memcpy(doc + 4096 - m, meta, m);
	assert_int_equal(html_meta_charset((unsigned char *)doc, sizeof(doc),
	    name, sizeof(name)), 0);
	assert_string_equal(name, "utf-8");

	/* crossing the 4096 mark, or beyond it: not looked at */
	memset(doc, ' ', sizeof(doc));
	memcpy(doc + 4096 - m + 1, meta, m);
	assert_int_equal(html_meta_charset((unsigned char *)doc, sizeof(doc),
	    name, sizeof(name)), -1);
	memset(doc, ' ', sizeof(doc));
	memcpy(doc + 5000, meta, m);
	assert_int_equal(html_meta_charset((unsigned char *)doc, sizeof(doc),
	    name, sizeof(name)), -1);

	/* a label that does not fit is not found, never cut */
	assert_int_equal(html_meta_charset((const unsigned char *)meta, m,
	    name, 5), -1);
	assert_int_equal(html_meta_charset((const unsigned char *)meta, m,
	    name, 6), 0);
	assert_string_equal(name, "utf-8");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_cases),
		cmocka_unit_test(test_appends),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_long_href),
		cmocka_unit_test(test_big),
		cmocka_unit_test(test_meta_cases),
		cmocka_unit_test(test_meta_window),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
