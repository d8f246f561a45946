/*
 * test_charset.c - charset_to_utf8, charset_iconv_name, charset_utf8_valid.
 *
 * Expected strings are written as UTF-8 byte escapes or literals; inputs as
 * the exact bytes a mail would carry (checked against iconv(1)).
 */
#include "unit.h"

#include <stdio.h>

#include "madoguchi/buf.h"
#include "madoguchi/charset.h"

#define IN(s)		(s), sizeof(s) - 1
#define ALLF		(CHARSET_F_GUESSED | CHARSET_F_UNKNOWN | \
			    CHARSET_F_MISLABELLED | CHARSET_F_INVALID | \
			    CHARSET_F_NUL)
#define U_FFFD		"\xEF\xBF\xBD"

/* "不正アクセスの報告です" in three encodings */
#define JA_UTF8		"不正アクセスの報告です"
#define JA_SJIS		"\x95\x73\x90\xb3\x83\x41\x83\x4e\x83\x5a\x83\x58" \
			"\x82\xcc\x95\xf1\x8d\x90\x82\xc5\x82\xb7"
#define JA_EUC		"\xc9\xd4\xc0\xb5\xa5\xa2\xa5\xaf\xa5\xbb\xa5\xb9" \
			"\xa4\xce\xca\xf3\xb9\xf0\xa4\xc7\xa4\xb9"
#define JA_JIS		"\x1b$BIT@5%\"%/%;%9$NJs9p$G$9\x1b(B"

struct conv_case {
	const char	*name;
	const char	*label;
	const char	*in;
	size_t		 inlen;
	const char	*want;
	unsigned	 set;		/* flags that must be set */
	unsigned	 unset;		/* flags that must not be */
};

static const struct conv_case conv_cases[] = {
	{ "utf-8 plain", "utf-8", IN("caf\xc3\xa9"), "café", 0, ALLF },
	{ "iso-2022-jp sumimasen", "ISO-2022-JP",
	    IN("\x1b$B$9$_$^$;$s!#\x1b(B"), "すみません。", 0, ALLF },
	{ "iso-2022-jp sentence", "iso-2022-jp", IN(JA_JIS), JA_UTF8, 0, ALLF },
	{ "iso-2022-jp NEC circled one", "iso-2022-jp",
	    IN("\x1b$B-!\x1b(B"), "①", 0, ALLF },
	{ "iso-2022-jp NEC-selected IBM row", "csISO2022JP",
	    IN("\x1b$By!\x1b(B"), "纊", 0, ALLF },
	{ "iso-2022-jp half-width kana", "iso-2022-jp",
	    IN("\x1b(I1\x1b(B"), "ｱ", 0, ALLF },
	{ "iso-2022-jp JIS X 0212", "iso-2022-jp-2",
	    IN("\x1b$(D0!\x1b(B"), "丂", 0, ALLF },
	{ "iso-2022-jp no reset before newline", "iso-2022-jp",
	    IN("\x1b$B$9\r\nabc"), "す\r\nabc", 0, ALLF },
	{ "iso-2022-jp holding cp932 bytes", "iso-2022-jp", IN(JA_SJIS),
	    JA_UTF8, CHARSET_F_MISLABELLED, CHARSET_F_INVALID },
	{ "iso-2022-jp impossible byte", "iso-2022-jp", IN("Dij\x8a" "at"),
	    "Dij" U_FFFD "at", CHARSET_F_INVALID, CHARSET_F_MISLABELLED },
	{ "iso-2022-jp bad escape", "iso-2022-jp", IN("\x1b$Zab"),
	    U_FFFD "$Zab", CHARSET_F_INVALID, CHARSET_F_MISLABELLED },
	{ "iso-2022-jp odd byte count", "iso-2022-jp", IN("\x1b$B$9$"),
	    "す" U_FFFD, CHARSET_F_INVALID, 0 },
	{ "shift_jis label, CP932 circled one", "Shift_JIS", IN("\x87\x40"),
	    "①", 0, ALLF },
	{ "x-sjis sentence", "x-sjis", IN(JA_SJIS), JA_UTF8, 0, ALLF },
	{ "euc-jp sentence", "EUC-JP", IN(JA_EUC), JA_UTF8, 0, ALLF },
	{ "euc-jp NEC circled one", "euc-jp", IN("\xad\xa1"), "①", 0, ALLF },
	{ "windows-1252 smart quotes", "windows-1252",
	    IN("\x93hi\x94 \x80"), "“hi” €", 0, ALLF },
	{ "windows-1252 undefined byte", "windows-1252", IN("a\x81" "b"),
	    "a" U_FFFD "b", CHARSET_F_INVALID, CHARSET_F_MISLABELLED },
	{ "iso-8859-1 label on UTF-8", "iso-8859-1", IN("caf\xc3\xa9"),
	    "café", CHARSET_F_MISLABELLED, CHARSET_F_INVALID },
	{ "iso-8859-1 real", "ISO-8859-1", IN("caf\xe9 \x93"), "café “",
	    0, ALLF },
	{ "us-ascii with 8-bit bytes", "us-ascii", IN("caf\xe9"), "café",
	    CHARSET_F_MISLABELLED, CHARSET_F_INVALID },
	{ "us-ascii holding iso-2022-jp", "us-ascii",
	    IN("\x1b$B$9\x1b(B"), "す", CHARSET_F_MISLABELLED, 0 },
	{ "us-ascii plain", "US-ASCII", IN("hello"), "hello", 0, ALLF },
	{ "x-bogus label, UTF-8 bytes", "x-bogus", IN("caf\xc3\xa9"), "café",
	    CHARSET_F_UNKNOWN | CHARSET_F_GUESSED, CHARSET_F_INVALID },
	{ "unknown-8bit placeholder", "unknown-8bit", IN("caf\xc3\xa9"),
	    "café", CHARSET_F_GUESSED, CHARSET_F_UNKNOWN },
	{ "label with //IGNORE", "utf-8//IGNORE", IN("caf\xc3\xa9"), "café",
	    CHARSET_F_UNKNOWN | CHARSET_F_GUESSED, 0 },
	{ "quoted label", "\" UTF-8 \"", IN("caf\xc3\xa9"), "café", 0, ALLF },
	{ "label with RFC 2231 language", "utf-8*ja", IN("caf\xc3\xa9"),
	    "café", 0, ALLF },
	{ "no label, ASCII", NULL, IN("hello"), "hello", CHARSET_F_GUESSED,
	    CHARSET_F_UNKNOWN | CHARSET_F_INVALID },
	{ "no label, Shift_JIS", NULL, IN(JA_SJIS), JA_UTF8,
	    CHARSET_F_GUESSED, CHARSET_F_INVALID },
	{ "no label, EUC-JP", NULL, IN(JA_EUC), JA_UTF8, CHARSET_F_GUESSED,
	    CHARSET_F_INVALID },
	{ "no label, ISO-2022-JP", NULL, IN(JA_JIS), JA_UTF8,
	    CHARSET_F_GUESSED, CHARSET_F_INVALID },
	{ "no label, Latin-1 pair looks like one kanji", NULL,
	    IN("Forma\xe7\xe3o"), "Formação", CHARSET_F_GUESSED,
	    CHARSET_F_INVALID },
	{ "NUL byte", "utf-8", IN("a\0b"), "a" U_FFFD "b", CHARSET_F_NUL,
	    CHARSET_F_INVALID },
	{ "NUL byte through iconv", "windows-1252", IN("a\0\xe9"),
	    "a" U_FFFD "é", CHARSET_F_NUL, 0 },
	{ "invalid byte in UTF-8", "utf-8",
	    IN("\xe3\x81\x99\xff\xe3\x81\xbf"), "す" U_FFFD "み",
	    CHARSET_F_INVALID, CHARSET_F_MISLABELLED },
	{ "UTF-8 cut mid-character", "utf-8",
	    IN("\xe3\x81\x99\xe3\x81\xbf\xe3\x81"), "すみ" U_FFFD U_FFFD,
	    CHARSET_F_INVALID, CHARSET_F_MISLABELLED },
	{ "UTF-8 label on Latin-1", "utf-8", IN("caf\xe9"), "café",
	    CHARSET_F_MISLABELLED, CHARSET_F_INVALID },
	{ "UTF-8 label on Shift_JIS", "utf-8", IN(JA_SJIS), JA_UTF8,
	    CHARSET_F_MISLABELLED, CHARSET_F_INVALID },
	{ "UTF-8 surrogate", "utf-8", IN("\xc3\xa9\xed\xa0\x80"),
	    "é" U_FFFD U_FFFD U_FFFD, CHARSET_F_INVALID, 0 },
	{ "ks_c_5601-1987", "ks_c_5601-1987", IN("\xc7\xd1\xb1\xdb"), "한글",
	    0, ALLF },
	{ "gb2312", "gb2312", IN("\xd6\xd0\xce\xc4"), "中文", 0, ALLF },
	{ "big5", "big5", IN("\xa4\xa4\xa4\xe5"), "中文", 0, ALLF },
	{ "unicode-1-1-utf-7", "unicode-1-1-utf-7", IN("+ZeVnLIqe-"),
	    "日本語", 0, ALLF },
	{ "x-mac-roman", "x-mac-roman", IN("caf\x8e"), "café", 0, ALLF },
	{ "koi8-r through iconv", "KOI8-R", IN("\xf0\xd2\xc9\xd7\xc5\xd4"),
	    "Привет", 0, ALLF },
	{ "empty input", "utf-8", IN(""), "", 0, ALLF },
};

static void
test_conv_table(void **state)
{
	const struct conv_case	*c;
	struct buf		 out;
	unsigned		 flags;
	size_t			 i;

	for (i = 0; i < sizeof(conv_cases) / sizeof(conv_cases[0]); i++) {
		c = &conv_cases[i];
		buf_init(&out, 4096);
		flags = 0;
		if (charset_to_utf8(c->label, (const unsigned char *)c->in,
		    c->inlen, &out, &flags) != 0)
			fail_msg("%s: returned -1", c->name);
		if (strcmp(out.data, c->want) != 0)
			fail_msg("%s: got \"%s\", want \"%s\"", c->name,
			    out.data, c->want);
		if ((flags & c->set) != c->set || (flags & c->unset) != 0)
			fail_msg("%s: flags 0x%x (want set 0x%x, unset 0x%x)",
			    c->name, flags, c->set, c->unset);
		buf_free(&out);
	}
}

struct trunc_case {
	const char	*name;
	const char	*label;
	const char	*in;
	size_t		 inlen;
	size_t		 max;
	const char	*want;
};

static const struct trunc_case trunc_cases[] = {
	{ "utf-8 cut on boundary", "utf-8", IN("すみません"), 10, "すみま" },
	{ "iso-2022-jp cut", "iso-2022-jp", IN("\x1b$B$9$_$^$;$s\x1b(B"), 7,
	    "すみ" },
	{ "cp932 via iconv cut", "shift_jis", IN(JA_SJIS), 4, "不" },
	{ "guessed cut", NULL, IN(JA_EUC), 8, "不正" },
	{ "ascii cut", "us-ascii", IN("abcdef"), 3, "abc" },
	{ "max zero", "utf-8", IN("abc"), 0, "" },
};

static void
test_truncation(void **state)
{
	const struct trunc_case	*c;
	struct buf		 out;
	unsigned		 flags;
	size_t			 i;

	for (i = 0; i < sizeof(trunc_cases) / sizeof(trunc_cases[0]); i++) {
		c = &trunc_cases[i];
		buf_init(&out, c->max);
		flags = 0;
		if (charset_to_utf8(c->label, (const unsigned char *)c->in,
		    c->inlen, &out, &flags) != -1)
			fail_msg("%s: not reported as cut", c->name);
		if (!out.truncated)
			fail_msg("%s: truncated not set", c->name);
		if (out.len != strlen(c->want) ||
		    memcmp(out.data, c->want, out.len) != 0)
			fail_msg("%s: got %zu bytes, want \"%s\"", c->name,
			    out.len, c->want);
		buf_free(&out);
	}
}

/* the output is appended: what out held stays, the maximum counts it */
static void
test_appends(void **state)
{
	struct buf	out;
	unsigned	flags = 0;

	buf_init(&out, 7);
	buf_puts(&out, "ab");
	assert_int_equal(charset_to_utf8("shift_jis",
	    (const unsigned char *)"\x87\x40\x87\x41", 4, &out, &flags), -1);
	assert_string_equal(out.data, "ab①");
	buf_free(&out);
}

struct name_case {
	const char	*name;
	const char	*label;
	size_t		 buflen;
	const char	*want;		/* NULL: no converter */
};

static const struct name_case name_cases[] = {
	{ "shift_jis", "Shift_JIS", 32, "CP932" },
	{ "windows-31j", "windows-31j", 32, "CP932" },
	{ "euc-jp", "EUC-JP", 32, "EUC-JP-MS" },
	{ "iso-2022-jp", "ISO-2022-JP", 32, "ISO-2022-JP-2" },
	{ "ks_c_5601-1987", "ks_c_5601-1987", 32, "CP949" },
	{ "gbk", "x-gbk", 32, "GB18030" },
	{ "big5", "Big5", 32, "BIG5-HKSCS" },
	{ "latin1", "latin1", 32, "WINDOWS-1252" },
	{ "utf8", "UTF8", 32, "UTF-8" },
	{ "iconv name passed on", "KOI8-R", 32, "koi8-r" },
	{ "buffer too small", "KOI8-R", 4, NULL },
	{ "x-bogus", "x-bogus", 32, NULL },
	{ "placeholder", "x-user-defined", 32, NULL },
	{ "empty", "", 32, NULL },
	{ "path in label", "../../etc/x", 32, NULL },
};

static void
test_iconv_name(void **state)
{
	const struct name_case	*c;
	const char		*got;
	char			 nbuf[32];
	size_t			 i;

	for (i = 0; i < sizeof(name_cases) / sizeof(name_cases[0]); i++) {
		c = &name_cases[i];
		got = charset_iconv_name(c->label, nbuf, c->buflen);
		if (c->want == NULL ? got != NULL :
		    (got == NULL || strcmp(got, c->want) != 0))
			fail_msg("%s: got %s, want %s", c->name,
			    got ? got : "NULL", c->want ? c->want : "NULL");
	}
}

struct valid_case {
	const char	*name;
	const char	*in;
	size_t		 inlen;
	int		 want;
};

static const struct valid_case valid_cases[] = {
	{ "ascii", IN("abc"), 1 },
	{ "empty", IN(""), 1 },
	{ "two-byte", IN("\xc3\xa9"), 1 },
	{ "three-byte", IN("\xe3\x81\x99"), 1 },
	{ "four-byte", IN("\xf0\x9f\x98\x80"), 1 },
	{ "U+10FFFF", IN("\xf4\x8f\xbf\xbf"), 1 },
	{ "overlong two-byte", IN("\xc0\x80"), 0 },
	{ "overlong three-byte", IN("\xe0\x80\x80"), 0 },
	{ "overlong four-byte", IN("\xf0\x80\x80\x80"), 0 },
	{ "surrogate", IN("\xed\xa0\x80"), 0 },
	{ "past U+10FFFF", IN("\xf4\x90\x80\x80"), 0 },
	{ "lone continuation", IN("\x80"), 0 },
	{ "cut sequence", IN("\xe3\x81"), 0 },
	{ "0xff", IN("\xff"), 0 },
};

static void
test_utf8_valid(void **state)
{
	const struct valid_case	*c;
	size_t			 i;

	for (i = 0; i < sizeof(valid_cases) / sizeof(valid_cases[0]); i++) {
		c = &valid_cases[i];
		if (charset_utf8_valid((const unsigned char *)c->in,
		    c->inlen) != c->want)
			fail_msg("%s: want %d", c->name, c->want);
	}
}

/* random bytes under every kind of label: always valid UTF-8, no NUL */
static void
test_random_bytes(void **state)
{
	static const char *const labels[] = {
		NULL, "utf-8", "iso-2022-jp", "shift_jis", "euc-jp",
		"windows-1252", "us-ascii", "utf-7", "gb2312", "big5",
		"ks_c_5601-1987", "x-bogus", "koi8-r", "utf-16",
	};
	/* bytes that drive the decoders into their interesting states */
	static const unsigned char alphabet[] = {
		0x1b, '$', '(', 'B', '@', 'J', 'I', 'D', 0x0e, 0x0f, '+', '-',
		0x00, '\n', 0x21, 0x7e, 0x80, 0x87, 0x40, 0x8e, 0x8f, 0xa4,
		0xc3, 0xe3, 0xed, 0xf0, 0xfe, 0xff, 'a', ' '
	};
	unsigned char	in[96];
	unsigned long	seed = 12345;
	struct buf	out;
	unsigned	flags;
	size_t		i, j, k, len;

	for (i = 0; i < 3000; i++) {
		seed = seed * 6364136223846793005UL + 1442695040888963407UL;
		len = (seed >> 33) % sizeof(in);
		for (j = 0; j < len; j++) {
			seed = seed * 6364136223846793005UL + 1;
			k = (seed >> 33) % (sizeof(alphabet) + 32);
			in[j] = k < sizeof(alphabet) ? alphabet[k] :
			    (unsigned char)(seed >> 40);
		}
		buf_init(&out, 1 + i % 200);
		flags = 0;
		(void)charset_to_utf8(labels[i % (sizeof(labels) /
		    sizeof(labels[0]))], in, len, &out, &flags);
		if (out.len > 0 && (!charset_utf8_valid(
		    (unsigned char *)out.data, out.len) ||
		    memchr(out.data, 0, out.len) != NULL))
			fail_msg("iteration %zu: bad output", i);
		buf_free(&out);
	}
}

/* 300 KB of unlabelled Shift_JIS: linear, and decoded entirely */
static void
test_large(void **state)
{
	const size_t	 n = 300 * 1024 / (sizeof(JA_SJIS) - 1);
	unsigned char	*in;
	struct buf	 out;
	unsigned	 flags = 0;
	size_t		 i;

	in = malloc(n * (sizeof(JA_SJIS) - 1));
	assert_non_null(in);
	for (i = 0; i < n; i++)
		memcpy(in + i * (sizeof(JA_SJIS) - 1), JA_SJIS,
		    sizeof(JA_SJIS) - 1);
	buf_init(&out, 4 * 1024 * 1024);
	assert_int_equal(charset_to_utf8(NULL, in, n * (sizeof(JA_SJIS) - 1),
	    &out, &flags), 0);
	assert_int_equal(out.len, n * (sizeof(JA_UTF8) - 1));
	assert_memory_equal(out.data, JA_UTF8, sizeof(JA_UTF8) - 1);
	assert_true(flags & CHARSET_F_GUESSED);
	buf_free(&out);
	free(in);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conv_table),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_appends),
		cmocka_unit_test(test_iconv_name),
		cmocka_unit_test(test_utf8_valid),
		cmocka_unit_test(test_random_bytes),
		cmocka_unit_test(test_large),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
