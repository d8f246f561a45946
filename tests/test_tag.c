/*
 * test_tag.c - tag_find, tag_parse and tag_format (tag.h).
 *
 * tag_find is fed subjects the way mail clients and people mangle them:
 * reply prefixes in several languages, RT's "[prefix #N]", full-width forms
 * typed with a Japanese input method, 【】 and () instead of [], and the
 * near misses that must not count as a tag.
 */
#include "unit.h"

#include <stdio.h>

#include "madoguchi/tag.h"

#define NONE	(-1)		/* want: no tag found */

struct find_case {
	const char	*name;
	const char	*subject;
	const char	*prefix;
	int64_t		 want;		/* NONE: tag_find must return -1 */
};

static const struct find_case find_cases[] = {
	/* found */
	{ "Re: prefix", "Re: [CSIRT#12] x", "CSIRT", 12 },
	{ "AW:, lower case, space before #", "AW: [csirt #3]", "CSIRT", 3 },
	{ "RE: with no space, spaces around #", "RE:[CSIRT # 4]", "CSIRT", 4 },
	{ "RT style", "[CSIRT #5] Phishing report", "CSIRT", 5 },
	{ "spaces inside the brackets", "[ CSIRT # 6 ]", "CSIRT", 6 },
	{ "tab around #", "[CSIRT\t#\t16]", "CSIRT", 16 },
	{ "full-width", "［ＣＳＩＲＴ＃１２］", "CSIRT", 12 },
	{ "full-width lower case", "Re: ［ｃｓｉｒｔ＃３４］ 報告", "CSIRT",
	    34 },
	{ "full-width brackets, ASCII inside", "［CSIRT#35］", "CSIRT", 35 },
	{ "ideographic space before #", "[CSIRT\xe3\x80\x80#36]", "CSIRT", 36 },
	{ "lenticular brackets", "【CSIRT#7】", "CSIRT", 7 },
	{ "lenticular brackets, full-width inside", "【ＣＳＩＲＴ＃７１】",
	    "CSIRT", 71 },
	{ "parentheses", "(CSIRT#8)", "CSIRT", 8 },
	{ "full-width parentheses", "（CSIRT＃81）", "CSIRT", 81 },
	{ "Japanese reply prefix", "返信: [CSIRT#9] 件名", "CSIRT", 9 },
	{ "Fwd: prefix", "Fwd: Fw: [CSIRT#10]", "CSIRT", 10 },
	{ "tag in the middle", "Phishing report [CSIRT#42] from a bank",
	    "CSIRT", 42 },
	{ "tag at the end", "Please look at this [CSIRT#43]", "CSIRT", 43 },
	{ "tag right after text", "urgent[CSIRT#44]now", "CSIRT", 44 },
	{ "first of two tags wins", "[CSIRT#1] Re: [CSIRT#2]", "CSIRT", 1 },
	{ "first of two tags wins, mixed forms",
	    "(CSIRT#21) ［ＣＳＩＲＴ＃２２］", "CSIRT", 21 },
	{ "broken tag skipped, next one found", "[CSIRT#] [CSIRT#3]", "CSIRT",
	    3 },
	{ "zero tag skipped, next one found", "[CSIRT#0] (CSIRT#4)", "CSIRT",
	    4 },
	{ "other team's tag skipped", "[OTHER#5] [CSIRT#6]", "CSIRT", 6 },
	{ "stray bracket before the tag", "[[CSIRT#45]", "CSIRT", 45 },
	{ "leading zeros", "[CSIRT#007]", "CSIRT", 7 },
	{ "15 digits", "[CSIRT#999999999999999]", "CSIRT",
	    INT64_C(999999999999999) },
	{ "prefix with '-'", "Re: [JP-CERT#77] incident", "JP-CERT", 77 },
	{ "prefix with '-', lower case", "[jp-cert #78]", "JP-CERT", 78 },
	{ "prefix with '_'", "[MY_TEAM#5]", "MY_TEAM", 5 },
	{ "prefix given in lower case", "[CSIRT#13]", "csirt", 13 },
	/* not found */
	{ "zero", "[CSIRT#0]", "CSIRT", NONE },
	{ "no number", "[CSIRT#]", "CSIRT", NONE },
	{ "no closing bracket", "[CSIRT#12", "CSIRT", NONE },
	{ "no closing bracket, text follows", "[CSIRT#12 hello", "CSIRT",
	    NONE },
	{ "no brackets", "CSIRT#12", "CSIRT", NONE },
	{ "no brackets, in a sentence", "about CSIRT#12 again", "CSIRT", NONE },
	{ "mismatched brackets", "[CSIRT#12)", "CSIRT", NONE },
	{ "other prefix", "[OTHER#12]", "CSIRT", NONE },
	{ "longer prefix after", "[CSIRTX#12]", "CSIRT", NONE },
	{ "longer prefix before", "[XCSIRT#12]", "CSIRT", NONE },
	{ "prefix with '-' misspelt", "[JPCERT#77]", "JP-CERT", NONE },
	{ "our prefix inside a longer one", "[JP-CSIRT#77]", "CSIRT", NONE },
	{ "letters after the number", "[CSIRT#12x]", "CSIRT", NONE },
	{ "no #", "[CSIRT 12]", "CSIRT", NONE },
	{ "negative number", "[CSIRT#-12]", "CSIRT", NONE },
	{ "20 digits", "[CSIRT#12345678901234567890]", "CSIRT", NONE },
	{ "20 digits, int64 wrap to 12", "[CSIRT#18446744073709551628]",
	    "CSIRT", NONE },
	{ "empty subject", "", "CSIRT", NONE },
	{ "empty prefix", "[#12]", "", NONE },
	{ "empty prefix, tag present", "[CSIRT#12]", "", NONE },
};

static void
test_find_table(void **state)
{
	const struct find_case	*c;
	int64_t			 num;
	size_t			 i;
	int			 rc, bad = 0;

	(void)state;
	for (i = 0; i < sizeof(find_cases) / sizeof(find_cases[0]); i++) {
		c = &find_cases[i];
		num = -77;
		rc = tag_find(c->subject, c->prefix, &num);
		if (c->want == NONE ? rc != -1 :
		    (rc != 0 || num != c->want)) {
			print_error("%s: \"%s\" gave %d, num %lld; want %s "
			    "%lld\n", c->name, c->subject, rc, (long long)num,
			    c->want == NONE ? "-1" : "0,", (long long)c->want);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

/* the arguments a caller may not have: no subject, no prefix */
static void
test_find_null(void **state)
{
	int64_t num = -77;

	(void)state;
	assert_int_equal(tag_find(NULL, "CSIRT", &num), -1);
	assert_int_equal(tag_find("[CSIRT#12]", NULL, &num), -1);
	assert_int_equal(num, -77);
}

/* a full-width sequence cut short at the end of the subject */
static void
test_find_truncated_utf8(void **state)
{
	int64_t num = -77;

	(void)state;
	assert_int_equal(tag_find("[CSIRT#12] \xef\xbc", "CSIRT", &num), 0);
	assert_int_equal(num, 12);
	assert_int_equal(tag_find("\xef\xbc\xbb" "CSIRT#12\xef\xbc", "CSIRT",
	    &num), -1);
}

struct parse_case {
	const char	*name;
	const char	*in;
	const char	*prefix;
	int64_t		 want;		/* NONE: tag_parse must return -1 */
};

static const struct parse_case parse_cases[] = {
	{ "tag", "CSIRT#12", "CSIRT", 12 },
	{ "lower case, space", "csirt #12", "CSIRT", 12 },
	{ "spaces around #", "CSIRT # 12", "CSIRT", 12 },
	{ "bracketed", "[CSIRT#12]", "CSIRT", 12 },
	{ "bracketed with spaces", " [ CSIRT #12 ] ", "CSIRT", 12 },
	{ "hash and number", "#12", "CSIRT", 12 },
	{ "number", "12", "CSIRT", 12 },
	{ "number with blanks", " 12 ", "CSIRT", 12 },
	{ "leading zeros", "007", "CSIRT", 7 },
	{ "prefix with '-'", "JP-CERT#5", "JP-CERT", 5 },
	{ "15 digits", "999999999999999", "CSIRT", INT64_C(999999999999999) },
	{ "no number", "CSIRT#", "CSIRT", NONE },
	{ "letters", "abc", "CSIRT", NONE },
	{ "letters after number", "12abc", "CSIRT", NONE },
	{ "letters after tag", "CSIRT#12abc", "CSIRT", NONE },
	{ "text after tag", "CSIRT#12 please", "CSIRT", NONE },
	{ "negative", "-1", "CSIRT", NONE },
	{ "plus sign", "+12", "CSIRT", NONE },
	{ "zero", "0", "CSIRT", NONE },
	{ "zero tag", "CSIRT#0", "CSIRT", NONE },
	{ "empty", "", "CSIRT", NONE },
	{ "blanks only", "   ", "CSIRT", NONE },
	{ "hash only", "#", "CSIRT", NONE },
	{ "other prefix", "OTHER#12", "CSIRT", NONE },
	{ "longer prefix", "CSIRTX#12", "CSIRT", NONE },
	{ "20 digits", "12345678901234567890", "CSIRT", NONE },
	{ "20 digits after tag", "CSIRT#12345678901234567890", "CSIRT",
	    NONE },
	{ "two numbers", "12 13", "CSIRT", NONE },
};

static void
test_parse_table(void **state)
{
	const struct parse_case	*c;
	int64_t			 num;
	size_t			 i;
	int			 rc, bad = 0;

	(void)state;
	for (i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		c = &parse_cases[i];
		num = -77;
		rc = tag_parse(c->in, c->prefix, &num);
		if (c->want == NONE ? rc != -1 :
		    (rc != 0 || num != c->want)) {
			print_error("%s: \"%s\" gave %d, num %lld; want %s "
			    "%lld\n", c->name, c->in, rc, (long long)num,
			    c->want == NONE ? "-1" : "0,", (long long)c->want);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

struct format_case {
	const char	*name;
	const char	*prefix;
	int64_t		 num;
	const char	*want;
};

static const struct format_case format_cases[] = {
	{ "simple", "CSIRT", 12, "CSIRT#12" },
	{ "one", "CSIRT", 1, "CSIRT#1" },
	{ "prefix with '-'", "JP-CERT", 345, "JP-CERT#345" },
	{ "large", "CSIRT", INT64_C(999999999999999), "CSIRT#999999999999999" },
	{ "32-character prefix", "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345",
	    INT64_C(999999999999999),
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345#999999999999999" },
};

static void
test_format_table(void **state)
{
	const struct format_case	*c;
	char				 out[TAG_MAX], subj[TAG_MAX + 16];
	int64_t				 num, found;
	size_t				 i;
	int				 bad = 0;

	(void)state;
	for (i = 0; i < sizeof(format_cases) / sizeof(format_cases[0]); i++) {
		c = &format_cases[i];
		memset(out, 'X', sizeof(out));
		tag_format(c->prefix, c->num, out);
		if (memchr(out, '\0', sizeof(out)) == NULL) {
			print_error("%s: output not terminated\n", c->name);
			bad++;
			continue;
		}
		if (strcmp(out, c->want) != 0) {
			print_error("%s: got \"%s\", want \"%s\"\n", c->name,
			    out, c->want);
			bad++;
		}
		/* what we write, we read back */
		num = found = -77;
		(void)snprintf(subj, sizeof(subj), "Re: [%s] x", out);
		if (tag_parse(out, c->prefix, &num) != 0 || num != c->num ||
		    tag_find(subj, c->prefix, &found) != 0 ||
		    found != c->num) {
			print_error("%s: read back %lld and %lld, want %lld\n",
			    c->name, (long long)num, (long long)found,
			    (long long)c->num);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find_table),
		cmocka_unit_test(test_find_null),
		cmocka_unit_test(test_find_truncated_utf8),
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_format_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
