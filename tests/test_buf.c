/*
 * test_buf.c - the bounded byte buffer (buf.h): appends within and past
 * the maximum, buf_puts/buf_putc, buf_printf short and long, buf_reset,
 * buf_steal, and binary data holding NULs.
 */
#include "unit.h"

#include <stdio.h>

#include "madoguchi/buf.h"

#define IN(s)	(s), sizeof(s) - 1

/* one buffer: what it held before, one append, what it must hold after */
struct append_case {
	const char	*name;
	size_t		 max;
	const char	*pre;		/* appended first, must fit */
	size_t		 prelen;
	const char	*in;
	size_t		 inlen;
	int		 rc;		/* of the second append */
	const char	*want;
	size_t		 wantlen;
	int		 truncated;
};

static const struct append_case append_cases[] = {
	{ "empty append", 10, IN(""), IN(""), 0, IN(""), 0 },
	{ "within max", 10, IN(""), IN("abc"), 0, IN("abc"), 0 },
	{ "after text", 10, IN("ab"), IN("cd"), 0, IN("abcd"), 0 },
	{ "exactly max", 10, IN(""), IN("0123456789"), 0, IN("0123456789"),
	    0 },
	{ "up to max after text", 10, IN("01234"), IN("56789"), 0,
	    IN("0123456789"), 0 },
	{ "one past max", 10, IN(""), IN("0123456789a"), -1,
	    IN("0123456789"), 1 },
	{ "far past max", 5, IN(""), IN("abcdefghijklmnop"), -1, IN("abcde"),
	    1 },
	{ "past max after text", 5, IN("ab"), IN("cdefg"), -1, IN("abcde"), 1 },
	{ "full buffer", 3, IN("abc"), IN("d"), -1, IN("abc"), 1 },
	{ "full buffer, empty append", 3, IN("abc"), IN(""), 0, IN("abc"), 0 },
	{ "max 0", 0, IN(""), IN("a"), -1, IN(""), 1 },
	{ "binary with NULs", 16, IN("a\0"), IN("b\0\0c"),
	    0, IN("a\0b\0\0c"), 0 },
	{ "binary cut after a NUL", 3, IN(""), IN("a\0bc"), -1, IN("a\0b"), 1 },
	{ "beyond the first allocation", 1000, IN(""),
	    IN("01234567890123456789012345678901234567890123456789"
	    "01234567890123456789"), 0,
	    IN("01234567890123456789012345678901234567890123456789"
	    "01234567890123456789"), 0 },
};

static void
test_append_table(void **state)
{
	const struct append_case	*c;
	struct buf			 b;
	size_t				 i;
	int				 rc, bad = 0;

	(void)state;
	for (i = 0; i < sizeof(append_cases) / sizeof(append_cases[0]); i++) {
		c = &append_cases[i];
		buf_init(&b, c->max);
		if (buf_append(&b, c->pre, c->prelen) != 0) {
			print_error("%s: first append failed\n", c->name);
			bad++;
		}
		rc = buf_append(&b, c->in, c->inlen);
		if (rc != c->rc || b.truncated != c->truncated) {
			print_error("%s: rc %d truncated %d, want %d and %d\n",
			    c->name, rc, b.truncated, c->rc, c->truncated);
			bad++;
		}
		if (b.len != c->wantlen || b.len > b.max ||
		    memcmp(b.data, c->want, c->wantlen) != 0) {
			print_error("%s: holds %zu bytes, want %zu\n", c->name,
			    b.len, c->wantlen);
			bad++;
		} else if (b.data[b.len] != '\0') {
			print_error("%s: not NUL-terminated\n", c->name);
			bad++;
		}
		buf_free(&b);
	}
	assert_int_equal(bad, 0);
}

/* a full buffer stays full: later appends fail, nothing moves */
static void
test_append_after_truncation(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 4);
	assert_int_equal(buf_puts(&b, "abcdef"), -1);
	assert_int_equal(b.truncated, 1);
	assert_int_equal(buf_putc(&b, 'x'), -1);
	assert_int_equal(buf_printf(&b, "%d", 42), -1);
	assert_int_equal(b.len, 4);
	assert_string_equal(b.data, "abcd");
	assert_int_equal(b.truncated, 1);
	buf_free(&b);
}

static void
test_puts_putc(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 100);
	assert_int_equal(buf_puts(&b, "ab"), 0);
	assert_int_equal(buf_putc(&b, 'c'), 0);
	assert_int_equal(buf_putc(&b, '\0'), 0);
	assert_int_equal(buf_putc(&b, 0xe3), 0);
	assert_int_equal(buf_puts(&b, ""), 0);
	assert_int_equal(b.len, 5);
	assert_memory_equal(b.data, "abc\0\xe3", 6);
	assert_int_equal(b.truncated, 0);
	buf_free(&b);
}

/* many one-byte appends: the buffer grows and keeps every byte */
/* both kinds: a secret buffer grows by copy-and-wipe, not realloc */
static void
growth(int secret)
{
	struct buf	b;
	size_t		i;

	if (secret)
		buf_init_secret(&b, 100000);
	else
		buf_init(&b, 100000);
	assert_int_equal(b.secret, secret);
	for (i = 0; i < 100000; i++)
		assert_int_equal(buf_putc(&b, (int)('a' + i % 26)), 0);
	assert_int_equal(b.len, 100000);
	assert_true(b.cap > b.len);
	for (i = 0; i < 100000; i++)
		if (b.data[i] != (char)('a' + i % 26))
			fail_msg("byte %zu is 0x%02x", i,
			    (unsigned char)b.data[i]);
	assert_int_equal(b.data[100000], '\0');
	assert_int_equal(buf_putc(&b, 'z'), -1);
	assert_int_equal(b.len, 100000);
	buf_free(&b);
	assert_null(b.data);
}

static void
test_growth(void **state)
{
	(void)state;
	growth(0);
	growth(1);
}

static void
test_printf_small(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 100);
	assert_int_equal(buf_printf(&b, "%s-%d", "ab", 12), 0);
	assert_int_equal(buf_printf(&b, "/%05.1f/%c", 3.5, 'x'), 0);
	assert_int_equal(buf_printf(&b, "%s", ""), 0);
	assert_string_equal(b.data, "ab-12/003.5/x");
	assert_int_equal(b.len, strlen("ab-12/003.5/x"));
	buf_free(&b);
}

/*
 * output of exactly 255, 256 and 257 bytes ("<" s ">77" is 4 more than
 * s): either side of buf_printf's 256-byte stack buffer, and far beyond
 */
static void
test_printf_long(void **state)
{
	static const size_t	 sizes[] = { 251, 252, 253, 296, 4996 };
	struct buf		 b;
	char			*s, *want;
	size_t			 i, n;

	(void)state;
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		n = sizes[i];
		s = malloc(n + 1);
		want = malloc(n + 20);
		assert_non_null(s);
		assert_non_null(want);
		memset(s, 'q', n);
		s[n - 1] = 'Z';
		s[n] = '\0';
		(void)snprintf(want, n + 20, "<%s>%d", s, 77);
		buf_init(&b, 10000);
		assert_int_equal(buf_puts(&b, "pre:"), 0);
		if (buf_printf(&b, "<%s>%d", s, 77) != 0)
			fail_msg("%zu bytes: buf_printf failed", n);
		assert_int_equal(strlen(want), n + 4);
		if (b.len != 4 + strlen(want) ||
		    memcmp(b.data, "pre:", 4) != 0 ||
		    strcmp(b.data + 4, want) != 0)
			fail_msg("%zu bytes: got %zu bytes", n, b.len);
		buf_free(&b);
		free(want);
		free(s);
	}
}

/* a long printf past the maximum is cut at the maximum */
static void
test_printf_truncated(void **state)
{
	struct buf	b;
	char		s[600];

	(void)state;
	memset(s, 'r', sizeof(s) - 1);
	s[sizeof(s) - 1] = '\0';
	buf_init(&b, 300);
	assert_int_equal(buf_printf(&b, "%s", s), -1);
	assert_int_equal(b.truncated, 1);
	assert_int_equal(b.len, 300);
	assert_int_equal(strlen(b.data), 300);
	assert_memory_equal(b.data, s, 300);
	buf_free(&b);

	buf_init(&b, 10);
	assert_int_equal(buf_printf(&b, "%s", "0123456789abc"), -1);
	assert_string_equal(b.data, "0123456789");
	buf_free(&b);
}

static void
test_reset(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 5);
	assert_int_equal(buf_puts(&b, "abcdefg"), -1);
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.truncated, 0);
	assert_int_equal(b.max, 5);
	assert_non_null(b.data);
	assert_string_equal(b.data, "");
	/* the maximum still holds after a reset */
	assert_int_equal(buf_puts(&b, "xyz"), 0);
	assert_string_equal(b.data, "xyz");
	assert_int_equal(buf_puts(&b, "uvw"), -1);
	assert_string_equal(b.data, "xyzuv");
	buf_free(&b);

	/* a reset of a never-used buffer is harmless */
	buf_init(&b, 5);
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_int_equal(buf_puts(&b, "ok"), 0);
	assert_string_equal(b.data, "ok");
	buf_free(&b);
}

static void
test_steal(void **state)
{
	struct buf	 b;
	char		*p, *q;
	size_t		 n = 99;

	(void)state;
	buf_init(&b, 8);
	assert_int_equal(buf_append(&b, "a\0bcdefghij", 11), -1);
	p = buf_steal(&b, &n);
	assert_non_null(p);
	assert_int_equal(n, 8);
	assert_memory_equal(p, "a\0bcdefg", 9);		/* with its NUL */
	/* b is reset and usable, and no longer owns p */
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.truncated, 0);
	assert_int_equal(buf_puts(&b, "new"), 0);
	assert_string_equal(b.data, "new");
	assert_ptr_not_equal(b.data, p);
	assert_memory_equal(p, "a\0bcdefg", 9);
	free(p);

	/* the length pointer is optional */
	q = buf_steal(&b, NULL);
	assert_string_equal(q, "new");
	free(q);

	/* an empty buffer hands over an empty string, not NULL */
	buf_init(&b, 8);
	n = 99;
	q = buf_steal(&b, &n);
	assert_non_null(q);
	assert_int_equal(n, 0);
	assert_string_equal(q, "");
	free(q);
	buf_free(&b);
}

/* buf_free twice, or on a stolen buffer, must not double free */
static void
test_free_twice(void **state)
{
	struct buf	 b;
	char		*p;

	(void)state;
	buf_init(&b, 8);
	assert_int_equal(buf_puts(&b, "abc"), 0);
	buf_free(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	buf_free(&b);

	buf_init(&b, 8);
	assert_int_equal(buf_puts(&b, "abc"), 0);
	p = buf_steal(&b, NULL);
	buf_free(&b);
	assert_string_equal(p, "abc");
	free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_append_table),
		cmocka_unit_test(test_append_after_truncation),
		cmocka_unit_test(test_puts_putc),
		cmocka_unit_test(test_growth),
		cmocka_unit_test(test_printf_small),
		cmocka_unit_test(test_printf_long),
		cmocka_unit_test(test_printf_truncated),
		cmocka_unit_test(test_reset),
		cmocka_unit_test(test_steal),
		cmocka_unit_test(test_free_twice),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
