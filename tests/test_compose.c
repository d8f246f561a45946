/*
 * test_compose.c - what compose lets into a header: controls never,
 * non-ASCII only as RFC 2047 words of at most 75 characters that decode
 * back whole; message ids only as plain dot-atoms.  (Whole mails, signed
 * and encrypted, are checked with real gpg in tests/it_ack.sh.)
 */
#include "unit.h"

#include <stdio.h>

#include "madoguchi/buf.h"
#include "madoguchi/compose.h"
#include "madoguchi/cte.h"

/* decode "=?UTF-8?B?...?= =?UTF-8?B?...?=" back, checking each word */
static char *
decode_words(const char *s)
{
	struct buf out;
	const char *p = s;

	buf_init(&out, 1 << 16);
	while (*p != '\0') {
		const char *e;
		size_t n;
		int v, bits = 0;
		unsigned acc = 0;

		assert_int_equal(strncmp(p, "=?UTF-8?B?", 10), 0);
		e = strstr(p + 10, "?=");
		assert_non_null(e);
		n = (size_t)(e + 2 - p);
		if (n > 75)
			fail_msg("encoded word of %zu characters", n);
		for (p += 10; p < e; p++) {
			if (*p == '=')
				continue;
			v = cte_b64_value((unsigned char)*p);
			assert_true(v >= 0);
			acc = (acc << 6) | v;
			bits += 6;
			if (bits >= 8) {
				bits -= 8;
				(void)buf_putc(&out, (acc >> bits) & 0xff);
			}
		}
		p = e + 2;
		if (*p == ' ')
			p++;
	}
	return buf_steal(&out, NULL);
}

static void
test_plain(void **state)
{
	char *s;

	(void)state;
	s = compose_header_text("Port scan from 192.0.2.1", 200);
	assert_string_equal(s, "Port scan from 192.0.2.1");
	free(s);
	s = compose_header_text(NULL, 200);
	assert_string_equal(s, "");
	free(s);
	/* spaces collapsed and trimmed */
	s = compose_header_text("  a   b  ", 200);
	assert_string_equal(s, "a b");
	free(s);
}

static void
test_controls(void **state)
{
	static const char *const in[] = {
		"Scan\r\nBcc: victim@example.com",
		"Scan\nBcc: victim@example.com",
		"Scan\rBcc: victim@example.com",
		"Scan\tBcc:\x01victim@example.com\x7f",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		char *s = compose_header_text(in[i], 200);

		if (strpbrk(s, "\r\n\t\x01\x7f") != NULL)
			fail_msg("case %zu: a control character passed", i);
		assert_non_null(strstr(s, "Scan"));
		free(s);
	}
}

static void
test_encoded(void **state)
{
	const char *ja = "不審なログイン試行の報告 / Suspicious logins from "
	    "198.51.100.7 — 至急";
	char *s, *d;

	(void)state;
	s = compose_header_text(ja, 200);
	for (d = s; *d != '\0'; d++)
		if ((unsigned char)*d >= 0x80 || *d < ' ')
			fail_msg("not 7-bit: %s", s);
	d = decode_words(s);
	assert_string_equal(d, ja);	/* whole characters in every word */
	free(d);
	free(s);

	/* text that would read as an encoded word is encoded itself */
	s = compose_header_text("=?UTF-8?B?QmNjOg==?=", 200);
	d = decode_words(s);
	assert_string_equal(d, "=?UTF-8?B?QmNjOg==?=");
	free(d);
	free(s);

	/* broken UTF-8: a '?' for each bad sequence, never raw bytes */
	s = compose_header_text("ab\xff\xfe" "cd\xe3\x81", 200);
	assert_string_equal(s, "ab??cd?");
	free(s);
}

static void
test_length(void **state)
{
	char in[2000], *s, *d;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(in) - 1; i++)
		in[i] = (char)('a' + i % 26);
	in[sizeof(in) - 1] = '\0';
	s = compose_header_text(in, 200);
	assert_int_equal(strlen(s), 200);
	free(s);
	/* 300 Japanese characters: cut at 100, every word still whole */
	in[0] = '\0';
	for (i = 0; i < 300; i++)
		strcat(in, i % 2 ? "報" : "告");
	s = compose_header_text(in, 100);
	d = decode_words(s);
	assert_int_equal(strlen(d), 300);	/* 100 characters of 3 bytes */
	free(d);
	free(s);
}

static void
test_msgid(void **state)
{
	(void)state;
	assert_true(compose_msgid_ok("r1.123@reporter.example"));
	assert_false(compose_msgid_ok(NULL));
	assert_false(compose_msgid_ok(""));
	assert_false(compose_msgid_ok("no-at-sign"));
	assert_false(compose_msgid_ok("a@b@c"));
	assert_false(compose_msgid_ok("a b@c"));
	assert_false(compose_msgid_ok("a@c>\r\nBcc: x@y"));
	assert_false(compose_msgid_ok("a@c>"));
	assert_false(compose_msgid_ok("a\"@c"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_controls),
		cmocka_unit_test(test_encoded),
		cmocka_unit_test(test_length),
		cmocka_unit_test(test_msgid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
