/*
 * test_hdrdecode.c - hdrdecode_text and hdrdecode_param.
 *
 * Inputs are header bytes as they arrive (several from the shared corpus:
 * mimekit japanese.txt, multi_charset/japanese_attachment_long_name.eml,
 * attachment_emails/attachment_with_encoded_name.eml).
 */
#include "unit.h"

#include <stdio.h>
#include <time.h>

#include "madoguchi/charset.h"
#include "madoguchi/hdrdecode.h"

#define IN(s)		(s), sizeof(s) - 1
#define ALLF		(HDRDECODE_F_BAD_WORD | HDRDECODE_F_CHARSET | \
			    HDRDECODE_F_TRUNCATED)
#define U_FFFD		"\xEF\xBF\xBD"
#define JA_UTF8		"不正アクセスの報告です"
#define JA_JIS		"\x1b$BIT@5%\"%/%;%9$NJs9p$G$9\x1b(B"
#define KAKIKUKEKO	"かきくけこ"

struct text_case {
	const char	*name;
	const char	*raw;
	size_t		 len;
	size_t		 max;
	const char	*want;
	unsigned	 set;		/* flags that must be set */
	unsigned	 unset;		/* flags that must not be */
};

static const struct text_case text_cases[] = {
	{ "UTF-8 B word", IN("=?UTF-8?B?44G+44G/44KA44KB44KC?="), 256,
	    "まみむめも", 0, ALLF },
	{ "ISO-2022-JP B words, folded (mimekit japanese.txt)",
	    IN("=?ISO-2022-JP?B?GyRCRnxLXDhsJWEhPCVrJUYlOSVIGyhCICh0ZXN0aW5n"
	    "IEph?=\r\n =?ISO-2022-JP?B?cGFuZXNlIGVtYWlscyk=?="), 256,
	    "日本語メールテスト (testing Japanese emails)", 0, ALLF },
	{ "ISO-2022-JP split inside a character",
	    IN("=?iso-2022-jp?B?GyRCRg==?= =?ISO-2022-JP?B?fEtcGyhC?="), 256,
	    "日本", 0, ALLF },
	{ "UTF-8 split inside a character, folded with LF and TAB",
	    IN("=?utf-8?b?44GZ4w==?=\n\t=?UTF-8?B?gb8=?="), 256, "すみ", 0,
	    ALLF },
	{ "ISO-8859-1 Q word", IN("=?ISO-8859-1?Q?Eelanal=FC=FCsi_p=E4ring?="),
	    256, "Eelanalüüsi päring", 0, ALLF },
	{ "space between words dropped", IN("=?utf-8?q?a?= =?utf-8?q?b?="),
	    256, "ab", 0, ALLF },
	{ "folding between words dropped",
	    IN("=?utf-8?q?a?=\r\n =?utf-8?q?b?=\r\n\t=?utf-8?q?c?="), 256,
	    "abc", 0, ALLF },
	{ "encoded underscore space kept", IN("=?utf-8?q?a_?= =?utf-8?q?b?="),
	    256, "a b", 0, ALLF },
	{ "text between words kept", IN("=?utf-8?q?a?= plain =?utf-8?q?b?="),
	    256, "a plain b", 0, ALLF },
	{ "text around a word", IN("Re: =?utf-8?q?caf=C3=A9?= ok"), 256,
	    "Re: café ok", 0, ALLF },
	{ "adjacent words in two charsets",
	    IN("=?iso-8859-1?q?caf=E9?= =?utf-8?q?_=E2=82=AC?="), 256,
	    "café €", 0, ALLF },
	{ "NONE charset, bad padding", IN("=?NONE?B?VEVTVA=?="), 256, "TEST",
	    HDRDECODE_F_CHARSET | HDRDECODE_F_BAD_WORD, 0 },
	{ "unknown charset holding Shift_JIS",
	    IN("=?x-bogus?B?lXOQs4NBg06DWoNYgsyV8Y2QgsWCtw==?="), 256, JA_UTF8,
	    HDRDECODE_F_CHARSET, HDRDECODE_F_BAD_WORD },
	{ "Shift_JIS word with CP932 circled one", IN("=?shift_jis?B?h0A=?="),
	    256, "①", 0, ALLF },
	{ "CRLF injection with raw space stays literal",
	    IN("=?utf-8?Q?a=0D=0AInjected: x?="), 256,
	    "=?utf-8?Q?a=0D=0AInjected: x?=", HDRDECODE_F_BAD_WORD, 0 },
	{ "CRLF injection in Q", IN("=?utf-8?Q?a=0D=0AInjected:_x?="), 256,
	    "a Injected: x", 0, ALLF },
	{ "CRLF injection in B", IN("=?utf-8?B?YQ0KSW5qZWN0ZWQ6IHg=?="), 256,
	    "a Injected: x", 0, ALLF },
	{ "C1 control NEL", IN("=?iso-8859-15?q?a=85b?="), 256, "a b", 0,
	    0 },
	{ "U+2028 line separator", IN("=?utf-8?q?a=E2=80=A8b?="), 256, "a b",
	    0, ALLF },
	{ "raw ISO-8859-1 bytes", IN("Forma\xe7\xe3o de seguran\xe7" "a"), 256,
	    "Formação de segurança", HDRDECODE_F_CHARSET, 0 },
	{ "raw UTF-8 bytes", IN("caf\xc3\xa9"), 256, "café", 0, ALLF },
	{ "raw ISO-2022-JP", IN("Re: " JA_JIS), 256, "Re: " JA_UTF8,
	    HDRDECODE_F_CHARSET, 0 },
	{ "terminal escape sequence", IN("\x1b[31mred\x1b[0m"), 256,
	    "[31mred [0m", 0, 0 },
	{ "NULL input", NULL, 0, 256, "", 0, ALLF },
	{ "unterminated word", IN("=?utf-8?Q?unterminated"), 256,
	    "=?utf-8?Q?unterminated", HDRDECODE_F_BAD_WORD, 0 },
	{ "unknown encoding letter", IN("=?utf-8?X?abc?="), 256,
	    "=?utf-8?X?abc?=", 0, ALLF },
	{ "not a word at all", IN("what=? huh ?="), 256, "what=? huh ?=", 0,
	    ALLF },
	{ "charset with RFC 2231 language", IN("=?utf-8*ja?q?a?="), 256, "a",
	    0, ALLF },
	{ "lower-case encoding letter", IN("=?utf-8?b?YQ==?="), 256, "a", 0,
	    ALLF },
	{ "word glued to text", IN("x=?utf-8?q?a?=y"), 256, "xay", 0, ALLF },
	{ "junk in base64", IN("=?utf-8?B?Y*Q==?="), 256, "a",
	    HDRDECODE_F_BAD_WORD, 0 },
	{ "concatenated base64", IN("=?utf-8?b?YQ==Yg==?="), 256, "ab",
	    HDRDECODE_F_BAD_WORD, 0 },
	{ "stray = in Q", IN("=?utf-8?q?a=zb?="), 256, "a=zb",
	    HDRDECODE_F_BAD_WORD, 0 },
	{ "empty word", IN("=?utf-8?q?" "?="), 256, "", 0, ALLF },
	{ "controls and NUL", IN("a\x01" "b\x7f" "c\0d"), 256, "a b c d", 0,
	    ALLF },
	{ "collapse and trim", IN(" \t a  \r\n  b \r\n"), 256, "a b", 0,
	    ALLF },
	{ "unfold CRLF", IN("long\r\n subject"), 256, "long subject", 0,
	    ALLF },
	{ "cut on a character boundary",
	    IN("=?UTF-8?B?44G+44G/44KA44KB44KC?="), 7, "まみ",
	    HDRDECODE_F_TRUNCATED, 0 },
	{ "trailing white space is no cut", IN("abc   "), 3, "abc", 0, ALLF },
	{ "cut before a space", IN("ab cd"), 3, "ab", HDRDECODE_F_TRUNCATED,
	    0 },
	{ "max zero", IN("abc"), 0, "", HDRDECODE_F_TRUNCATED, 0 },
	{ "empty", IN(""), 16, "", 0, ALLF },
};

static void
check_result(const char *name, char *got, const char *want, unsigned flags,
    unsigned set, unsigned unset)
{
	if (want == NULL ? got != NULL : got == NULL || strcmp(got, want) != 0)
		fail_msg("%s: got \"%s\", want \"%s\"", name,
		    got ? got : "NULL", want ? want : "NULL");
	if ((flags & set) != set || (flags & unset) != 0)
		fail_msg("%s: flags 0x%x (want set 0x%x, unset 0x%x)", name,
		    flags, set, unset);
	if (got != NULL && (strchr(got, '\r') != NULL ||
	    strchr(got, '\n') != NULL))
		fail_msg("%s: CR or LF in the result", name);
	free(got);
}

static void
test_text_table(void **state)
{
	const struct text_case	*c;
	char			*got;
	unsigned		 flags;
	size_t			 i;

	for (i = 0; i < sizeof(text_cases) / sizeof(text_cases[0]); i++) {
		c = &text_cases[i];
		flags = 0;
		got = hdrdecode_text(c->raw, c->len, c->max, &flags);
		check_result(c->name, got, c->want, flags, c->set, c->unset);
	}
}

/* the largest parameter list a case needs */
#define PMAX	4

struct param_case {
	const char		*name;
	struct hdrdecode_param	 p[PMAX];
	const char		*want_param;
	size_t			 max;
	const char		*want;	/* NULL: absent */
	unsigned		 set;
	unsigned		 unset;
};

static const struct param_case param_cases[] = {
	{ "RFC 2231 continuations (japanese_attachment_long_name.eml)", {
	    { "filename*0*", "utf-8''%E3%81%8B%E3%81%8D%E3%81%8F%E3%81%91"
	    "%E3%81%93%E3%81%8B%E3%81%8D%E3%81%8F%E3%81%91%E3%81%93%E3%81%8B"
	    "%E3%81%8D%E3%81%8F%E3%81%91%E3%81%93%E3%81%8B%E3%81%8D%E3%81%8F"
	    "%E3%81%91%E3%81%93%E3%81%8B" },
	    { "filename*1*", "%E3%81%8D%E3%81%8F%E3%81%91%E3%81%93.txt" } },
	    "filename", 1024, KAKIKUKEKO KAKIKUKEKO KAKIKUKEKO KAKIKUKEKO
	    KAKIKUKEKO ".txt", 0, ALLF },
	{ "RFC 2047 words in a quoted name (same message)", {
	    { "x-unix-mode", "0644" },
	    { "name", "=?utf-8?B?44GL44GN44GP44GR44GT44GL44GN44GP44GR44GT44GL"
	    "44GN44GP?=\r\n =?utf-8?B?44GR44GT44GL44GN44GP44GR44GT44GL44GN44GP"
	    "44GR44GTLnR4?=\r\n =?utf-8?B?dA==?=" } },
	    "name", 1024, KAKIKUKEKO KAKIKUKEKO KAKIKUKEKO KAKIKUKEKO
	    KAKIKUKEKO ".txt", 0, ALLF },
	{ "RFC 2231 ISO-8859-1", {
	    { "filename*", "ISO-8859-1''Eelanal%FC%FCsi%20p%E4ring.jpg" } },
	    "filename", 1024, "Eelanalüüsi päring.jpg", 0, ALLF },
	{ "mislabelled iso-2022-jp (attachment_with_encoded_name.eml)", {
	    { "name*", "iso-2022-jp'ja'01%20Quien%20Te%20Dij%8aat.%20"
	    "Pitbull.mp3" } },
	    "name", 1024, "01 Quien Te Dij" U_FFFD "at. Pitbull.mp3",
	    HDRDECODE_F_CHARSET, HDRDECODE_F_TRUNCATED },
	{ "plain value", { { "filename", "report.pdf" } }, "filename", 1024,
	    "report.pdf", 0, ALLF },
	{ "RFC 2231 wins over plain", { { "filename", "fallback.txt" },
	    { "filename*", "utf-8''real.txt" } }, "filename", 1024,
	    "real.txt", 0, ALLF },
	{ "names compared case-insensitively",
	    { { "FileName*", "UTF-8''a.txt" } }, "filename", 1024, "a.txt",
	    0, ALLF },
	{ "missing continuation", { { "filename*0", "a" },
	    { "filename*2", "c" } }, "filename", 1024, "ac",
	    HDRDECODE_F_BAD_WORD, 0 },
	{ "continuations out of order", { { "filename*1", "b" },
	    { "filename*0", "a" } }, "filename", 1024, "ab", 0, ALLF },
	{ "literal segment not %-decoded", { { "filename*0", "100%25" },
	    { "filename*1*", "%41" } }, "filename", 1024, "100%25A", 0,
	    ALLF },
	{ "charset only from segment 0", { { "title*0*", "utf-8'en'%C3%A9" },
	    { "title*1*", "utf-8''x" } }, "title", 1024, "éutf-8''x", 0,
	    HDRDECODE_F_CHARSET },
	{ "segment number past the cap", { { "filename*100", "x" },
	    { "filename*0", "a" } }, "filename", 1024, "a",
	    HDRDECODE_F_BAD_WORD, 0 },
	{ "extended value without charset", { { "filename*", "%41%42" } },
	    "filename", 1024, "AB", HDRDECODE_F_BAD_WORD, 0 },
	{ "empty charset", { { "filename*", "''a%20b" } }, "filename", 1024,
	    "a b", 0, ALLF },
	{ "stray percent", { { "filename*", "utf-8''100%" } }, "filename",
	    1024, "100%", HDRDECODE_F_BAD_WORD, 0 },
	{ "raw ISO-8859-1 in plain value", { { "name", "caf\xe9.txt" } },
	    "name", 1024, "café.txt", HDRDECODE_F_CHARSET, 0 },
	{ "raw UTF-8 in plain value", { { "name", "caf\xc3\xa9.txt" } },
	    "name", 1024, "café.txt", 0, ALLF },
	{ "CR LF in RFC 2231 value", { { "filename*", "utf-8''a%0D%0Ab.txt" } },
	    "filename", 1024, "a  b.txt", 0, ALLF },
	{ "folded plain value", { { "filename", "a long\r\n name.txt" } },
	    "filename", 1024, "a long name.txt", 0, ALLF },
	{ "folded RFC 2231 segment",
	    { { "filename*0*", "utf-8''a%20\r\n\tb" } },
	    "filename", 1024, "a  b", 0, ALLF },
	{ "empty plain value", { { "filename", "" } }, "filename", 1024, "", 0,
	    ALLF },
	{ "white space of a plain value kept",
	    { { "boundary", "----=_Part  x" } }, "boundary", 1024,
	    "----=_Part  x", 0, ALLF },
	{ "absent", { { "name", "a.txt" } }, "filename", 1024, NULL, 0, ALLF },
	{ "longer name is another parameter", { { "filename2", "x" },
	    { "filename*x", "y" } }, "filename", 1024, NULL, 0, ALLF },
	{ "cut on a character boundary",
	    { { "filename*", "utf-8''%E3%81%8B%E3%81%8D" } }, "filename", 4,
	    "か", HDRDECODE_F_TRUNCATED, 0 },
};

static void
test_param_table(void **state)
{
	const struct param_case	*c;
	char			*got;
	unsigned		 flags;
	size_t			 i, n;

	for (i = 0; i < sizeof(param_cases) / sizeof(param_cases[0]); i++) {
		c = &param_cases[i];
		for (n = 0; n < PMAX && c->p[n].name != NULL; n++)
			;
		flags = 0;
		got = hdrdecode_param(c->p, n, c->want_param, c->max, &flags);
		check_result(c->name, got, c->want, flags, c->set, c->unset);
	}
}

/* 150 continuations: the first 100 are joined, the rest flagged */
static void
test_param_many_segments(void **state)
{
	struct hdrdecode_param	p[150];
	char			names[150][16];
	char			want[101], *got;
	unsigned		flags = 0;
	size_t			i;

	for (i = 0; i < 150; i++) {
		snprintf(names[i], sizeof(names[i]), "name*%zu", i);
		p[i].name = names[i];
		p[i].value = "x";
	}
	memset(want, 'x', 100);
	want[100] = '\0';
	got = hdrdecode_param(p, 150, "name", 1024, &flags);
	check_result("150 segments", got, want, flags, HDRDECODE_F_BAD_WORD, 0);
}

struct big_case {
	const char	*name;
	const char	*unit;		/* repeated up to 300 KB */
	size_t		 max;
	const char	*want_prefix;
};

static const struct big_case big_cases[] = {
	{ "many words", "=?utf-8?q?a?= ", 1 << 20, "aaaa" },
	{ "many folded ISO-2022-JP words",
	    "=?ISO-2022-JP?B?GyRCRnxLXBsoQg==?=\r\n ", 1 << 20, "日本日本" },
	{ "unterminated word starts", "=?a?q?b", 1 << 20, "=?a?q?b=?a?q?b" },
	{ "one long 8-bit run", "Forma\xe7\xe3o ", 1024, "Formação Formação" },
	{ "white space", " \t\r\n", 1024, "" },
	{ "words cycling through charsets",
	    "=?koi8-r?q?a?= =?koi8-u?q?b?= =?iso-8859-2?q?c?= "
	    "=?iso-8859-5?q?d?= =?big5?q?e?= ", 1024, "abcdeabcde" },
};

/* 300 KB header values decode in linear time */
static void
test_big(void **state)
{
	const size_t	 size = 300 * 1024;
	const struct big_case *c;
	char		*raw, *got;
	unsigned	 flags;
	size_t		 i, n, ulen;
	clock_t		 t0;

	raw = malloc(size);
	assert_non_null(raw);
	for (i = 0; i < sizeof(big_cases) / sizeof(big_cases[0]); i++) {
		c = &big_cases[i];
		ulen = strlen(c->unit);
		for (n = 0; n + ulen <= size; n += ulen)
			memcpy(raw + n, c->unit, ulen);
		flags = 0;
		t0 = clock();
		got = hdrdecode_text(raw, n, c->max, &flags);
		/* quadratic behaviour would take minutes here */
		if ((double)(clock() - t0) / CLOCKS_PER_SEC > 5.0)
			fail_msg("%s: too slow", c->name);
		if (strncmp(got, c->want_prefix, strlen(c->want_prefix)) != 0)
			fail_msg("%s: got \"%.40s\"", c->name, got);
		if (strlen(got) > c->max || strchr(got, '\n') != NULL)
			fail_msg("%s: bad result", c->name);
		free(got);
	}
	free(raw);
}

/* check_clean - the output promises of hdrdecode_text */
static void
check_clean(const char *what, size_t iter, const char *got, size_t max)
{
	size_t i, n = strlen(got);

	if (n > max || !charset_utf8_valid((const unsigned char *)got, n))
		fail_msg("%s %zu: too long or invalid UTF-8", what, iter);
	for (i = 0; i < n; i++)
		if ((unsigned char)got[i] < 0x20 || got[i] == 0x7f)
			fail_msg("%s %zu: control 0x%02x", what, iter,
			    (unsigned char)got[i]);
	if (n > 0 && (got[0] == ' ' || got[n - 1] == ' ' ||
	    strstr(got, "  ") != NULL))
		fail_msg("%s %zu: white space not collapsed", what, iter);
}

/* random token soup: never a control, bad UTF-8 or an overlong result */
static void
test_random(void **state)
{
	static const char *const tokens[] = {
		"=?", "?=", "?", "utf-8", "iso-2022-jp", "x-bogus", "shift_jis",
		"B", "q", "44GZ", "GyRCRg", "fEtcGyhC", "==", "=E3=81", "=0D",
		"=0A", "_", " ", "\t", "\r\n ", "\n", "\x1b$B", "\x1b(B",
		"\xe3", "\x81", "\x87\x40", "\xff", "\xc2\x85", "a", "*ja",
		"%E3", "'", "=?utf-8?B?44GZ4w==?=", "=?iso-2022-jp?B?GyRCRg==?=",
		"=?utf-8?q?a=0D=0A?=", "=?x-bogus?q?=87=40?=", "\0",
	};
	char		raw[60 * 32], *got;
	unsigned long	seed = 42;
	unsigned	flags;
	size_t		i, len, k, t, max;

	for (i = 0; i < 5000; i++) {
		seed = seed * 6364136223846793005UL + 1442695040888963407UL;
		len = 0;
		for (k = (seed >> 33) % 60; k > 0; k--) {
			seed = seed * 6364136223846793005UL + 1;
			t = (seed >> 33) % (sizeof(tokens) / sizeof(tokens[0]));
			/* the empty token "\0" stands for a NUL byte */
			if (tokens[t][0] == '\0')
				raw[len++] = '\0';
			else {
				memcpy(raw + len, tokens[t], strlen(tokens[t]));
				len += strlen(tokens[t]);
			}
		}
		max = 1 + i % 120;
		flags = 0;
		got = hdrdecode_text(raw, len, max, &flags);
		check_clean("text", i, got, max);
		free(got);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_table),
		cmocka_unit_test(test_param_table),
		cmocka_unit_test(test_param_many_segments),
		cmocka_unit_test(test_big),
		cmocka_unit_test(test_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
