/*
 * test_observe.c - indicator extraction and canonical forms (observe.h).
 *
 * Every case states the whole list it wants, in order, so that a missed
 * indicator, an extra one (a file name taken as a domain, a version number
 * taken as an address) and a wrong canonical form all fail.  The inputs are
 * what reporters write: defanged forms, full-width text from Japanese input
 * methods, indicators glued to Japanese words without spaces.
 */
#include "unit.h"

#include <stdio.h>
#include <time.h>

#include "madoguchi/observe.h"

#define SHA256_E3	"e3b0c44298fc1c149afbf4c8996fb924" \
			"27ae41e4649b934ca495991b7852b855"
#define SHA1_DA		"da39a3ee5e6b4b0d3255bfef95601890afd80709"
#define MD5_D4		"d41d8cd98f00b204e9800998ecf8427e"

struct extract_case {
	const char	*name;
	const char	*text;
	const char	*want;		/* "kind value\n" per indicator */
};

static const struct extract_case extract_cases[] = {
	/* each kind, plain */
	{ "ipv4", "from 192.0.2.1 today", "ipv4 192.0.2.1\n" },
	{ "ipv6", "from 2001:db8::1 today", "ipv6 2001:db8::1\n" },
	{ "cidr v4", "block 198.51.100.0/24 now", "cidr 198.51.100.0/24\n" },
	{ "cidr v6", "block 2001:db8::/32.", "cidr 2001:db8::/32\n" },
	{ "domain", "visit evil.example.com now",
	    "domain evil.example.com\n" },
	{ "url", "see http://example.com/login.php?id=1 now",
	    "url http://example.com/login.php?id=1\n"
	    "domain example.com\n" },
	{ "email", "mail phisher@example.net please",
	    "email phisher@example.net\ndomain example.net\n" },
	{ "md5", "md5: " MD5_D4, "md5 " MD5_D4 "\n" },
	{ "sha1", "sha1=" SHA1_DA ";", "sha1 " SHA1_DA "\n" },
	{ "sha256", "SHA256 " SHA256_E3 ".", "sha256 " SHA256_E3 "\n" },
	{ "hash upper case", "MD5 D41D8CD98F00B204E9800998ECF8427E",
	    "md5 " MD5_D4 "\n" },

	/* defanged */
	{ "hxxp and [.]", "hxxp://example[.]com/path",
	    "url http://example.com/path\ndomain example.com\n" },
	{ "hxxps, capitals", "HXXPS://Example[.]COM/Path",
	    "url https://example.com/Path\ndomain example.com\n" },
	{ "ipv4 [.]", "192.0.2[.]1", "ipv4 192.0.2.1\n" },
	{ "ipv4 all (.)", "192(.)0(.)2(.)1", "ipv4 192.0.2.1\n" },
	{ "(dot)", "evil(dot)example(dot)net",
	    "domain evil.example.net\n" },
	{ "[dot] {.} mixed case", "evil[DOT]example{.}net",
	    "domain evil.example.net\n" },
	{ "spaced [dot]", "evil [dot] example [dot] net",
	    "domain evil.example.net\n" },
	{ "[@]", "user[@]example.org",
	    "email user@example.org\ndomain example.org\n" },
	{ "(at) and (dot)", "user(at)example(dot)jp",
	    "email user@example.jp\ndomain example.jp\n" },
	{ "[at]", "Info[at]Example[.]co[.]jp",
	    "email info@example.co.jp\ndomain example.co.jp\n" },
	{ "http[:]//", "http[:]//example[.]org/x",
	    "url http://example.org/x\ndomain example.org\n" },
	{ "hxxp[://]", "hxxp[://]example.org/x",
	    "url http://example.org/x\ndomain example.org\n" },
	{ "h**p", "h**p://example.org/", "url http://example.org/\n"
	    "domain example.org\n" },
	{ "fxp", "fxp://files.example.org/a.zip",
	    "url ftp://files.example.org/a.zip\n"
	    "domain files.example.org\n" },
	{ "ttp, as Japanese boards write it", "ttp://example.org/x",
	    "url http://example.org/x\ndomain example.org\n" },

	/* full-width and Japanese text */
	{ "full-width URL in a sentence",
	    "不審なＵＲＬ：ｈｔｔｐ：／／ｅｘａｍｐｌｅ．ｃｏｍ／ａ を開きました",
	    "url http://example.com/a\ndomain example.com\n" },
	{ "full-width IPv4", "送信元ＩＰ：１９２．０．２．１",
	    "ipv4 192.0.2.1\n" },
	{ "full-width at sign", "ｕｓｅｒ＠ｅｘａｍｐｌｅ．ｊｐ",
	    "email user@example.jp\ndomain example.jp\n" },
	{ "full-width [.]", "ｅｖｉｌ［．］ｅｘａｍｐｌｅ［．］ｃｏｍ",
	    "domain evil.example.com\n" },
	{ "ideographic full stop between labels", "example。co。jp",
	    "domain example.co.jp\n" },
	{ "ideographic full stop ending a sentence", "example.comです。次へ",
	    "domain example.com\n" },
	{ "IPv4 glued to Japanese", "サーバ198.51.100.7から",
	    "ipv4 198.51.100.7\n" },
	{ "domain glued to Japanese", "example.comにアクセス",
	    "domain example.com\n" },
	{ "URL glued to Japanese", "「http://example.com/a?b=1」を参照",
	    "url http://example.com/a?b=1\ndomain example.com\n" },
	{ "URL before 、", "http://example.com/x、http://example.net/y。",
	    "url http://example.com/x\ndomain example.com\n"
	    "url http://example.net/y\ndomain example.net\n" },
	{ "hash glued to Japanese", "ハッシュ" MD5_D4 "です",
	    "md5 " MD5_D4 "\n" },
	{ "e-mail glued to Japanese", "連絡先user@example.jpまで",
	    "email user@example.jp\ndomain example.jp\n" },

	/* URLs: where they end, what is kept */
	{ "trailing full stop", "Go to http://example.com/a.",
	    "url http://example.com/a\ndomain example.com\n" },
	{ "in parentheses", "(see http://example.com/a)",
	    "url http://example.com/a\ndomain example.com\n" },
	{ "balanced parentheses kept", "see http://example.com/a_(b)).",
	    "url http://example.com/a_(b)\ndomain example.com\n" },
	{ "angle brackets", "<http://example.com/x>",
	    "url http://example.com/x\ndomain example.com\n" },
	{ "quotes", "'http://example.com/x' \"https://example.com/y\"",
	    "url http://example.com/x\ndomain example.com\n"
	    "url https://example.com/y\n" },
	{ "no path, comma", "http://example.com, http://example.net:",
	    "url http://example.com\ndomain example.com\n"
	    "url http://example.net\ndomain example.net\n" },
	{ "port", "http://Example.COM:8080/X?Y=1",
	    "url http://example.com:8080/X?Y=1\ndomain example.com\n" },
	{ "user info kept, host is the host",
	    "http://paypal.com@evil.example.net/",
	    "url http://paypal.com@evil.example.net/\n"
	    "domain evil.example.net\n" },
	{ "IPv4 host, leading zeros", "http://192.0.002.010/x",
	    "url http://192.0.2.10/x\nipv4 192.0.2.10\n" },
	{ "IPv6 host", "http://[2001:DB8::1]:8443/",
	    "url http://[2001:db8::1]:8443/\nipv6 2001:db8::1\n" },
	{ "URL host outside the TLD table", "https://evil.zip/a",
	    "url https://evil.zip/a\ndomain evil.zip\n" },
	{ "hash in a URL path",
	    "https://www.virustotal.com/gui/file/" SHA256_E3 "/detection",
	    "url https://www.virustotal.com/gui/file/" SHA256_E3
	    "/detection\ndomain www.virustotal.com\nsha256 " SHA256_E3 "\n" },
	{ "www without a scheme is a domain", "www.example.com/path/a.html",
	    "domain www.example.com\n" },
	{ "single-label host is no URL", "http://intranet/x", "" },
	{ "unknown scheme", "gopher://example.com/", "domain example.com\n" },

	/* addresses */
	{ "leading zeros", "192.168.001.010", "ipv4 192.168.1.10\n" },
	{ "CIDR canonical network", "192.0.2.77/24", "cidr 192.0.2.0/24\n" },
	{ "prefix too long: address only", "192.0.2.1/33",
	    "ipv4 192.0.2.1\n" },
	{ "address and port", "192.0.2.1:8080", "ipv4 192.0.2.1\n" },
	{ "range", "192.0.2.1-192.0.2.9",
	    "ipv4 192.0.2.1\nipv4 192.0.2.9\n" },
	{ "list", "192.0.2.1,192.0.2.2;(192.0.2.3)",
	    "ipv4 192.0.2.1\nipv4 192.0.2.2\nipv4 192.0.2.3\n" },
	{ "IPv6 after a label", "IPv6:2001:DB8:0:0:0:0:0:1",
	    "ipv6 2001:db8::1\n" },
	{ "bracketed IPv6 and port", "[::1]:80", "ipv6 ::1\n" },
	{ "IPv6 zone", "fe80::1%eth0", "ipv6 fe80::1\n" },
	{ "IPv4-mapped IPv6", "::ffff:192.0.2.1",
	    "ipv6 ::ffff:192.0.2.1\n" },
	{ "CIDR v6 canonical", "2001:db8:1:2::5/48",
	    "cidr 2001:db8:1::/48\n" },
	{ "unspecified address only as a block", ":: 0::0 ::/0",
	    "cidr ::/0\n" },

	/* e-mail */
	{ "plus and dots", "First.Last+tag@Mail.Example.COM",
	    "email first.last+tag@mail.example.com\n"
	    "domain mail.example.com\n" },
	{ "mailto", "mailto:abuse@example.org",
	    "email abuse@example.org\ndomain example.org\n" },
	{ "retina image name is no address", "icon@2x.png", "" },

	/* domains */
	{ "punycode", "xn--eckwd4c7c.xn--zckzah",
	    "domain xn--eckwd4c7c.xn--zckzah\n" },
	{ "ccTLD at both ends of the table", "a.ac b.zw",
	    "domain a.ac\ndomain b.zw\n" },
	{ "new gTLDs", "a.yokohama b.xyz c.tokyo",
	    "domain a.yokohama\ndomain b.xyz\ndomain c.tokyo\n" },
	{ "trailing dot", "example.com.", "domain example.com\n" },
	{ "upper case", "EVIL.Example.COM", "domain evil.example.com\n" },
	{ "ellipsis", "example.com...next", "domain example.com\n" },

	/* not indicators */
	{ "version number", "version 1.2.3.4.5", "" },
	{ "long dotted digits", "1.1.1.1.1.1", "" },
	{ "three parts", "1.2.3", "" },
	{ "octet over 255", "999.1.1.1", "" },
	{ "four-digit part", "0192.1.1.1", "" },
	{ "letter after", "v1.2.3.4 192.0.2.1a", "" },
	{ "file names", "report.pdf setup.exe malware.exe index.html "
	    "readme.txt a.zip movie.mov jquery.min.js", "" },
	{ "time", "12:34:56 and 12:34", "" },
	{ "MAC address", "00:11:22:33:44:55", "" },
	{ "dead:beef", "dead:beef", "" },
	{ "bare a:b", "a:b", "" },
	{ "double colon alone", ":: and std::string", "" },
	{ "IPv6 run into a word", "2001:db8::1g", "" },
	{ "31 hex", "d41d8cd98f00b204e9800998ecf8427", "" },
	{ "33 hex", "d41d8cd98f00b204e9800998ecf8427ea", "" },
	{ "64 hex inside 128", SHA256_E3 SHA256_E3, "" },
	{ "32 hex inside a longer word", MD5_D4 "g", "" },
	{ "all digits", "12345678901234567890123456789012", "" },
	{ "UUID", "550e8400-e29b-41d4-a716-446655440000", "" },
	{ "missing space after a sentence", "It is done.It was fine.", "" },
	{ "single label", "localhost", "" },
	{ "numeric TLD", "example.123", "" },
	{ "date", "2024.01.15 2024-01-15", "" },
	{ "bare dot word not refanged", "example dot com", "" },
	{ "spaced [dot] needs a space on both sides", "example [dot]com", "" },
	{ "nothing", "", "" },

	{ "nested defang", "evil[[.]]example[.]com http://a.example/x[[.]]y",
	    "domain evil.example.com\nurl http://a.example/x.y\n"
	    "domain a.example\n" },

	/* hash named file, mixed */
	{ "hash as a file name", SHA256_E3 ".exe", "sha256 " SHA256_E3 "\n" },

	/* de-duplication */
	{ "same URL defanged and plain",
	    "hxxp://example[.]com/a http://example.com/a "
	    "http://EXAMPLE.com/a",
	    "url http://example.com/a\ndomain example.com\n" },
	{ "same address three ways",
	    "192.0.2.1 １９２．０．２．１ 192.0.2[.]1 192.000.002.001",
	    "ipv4 192.0.2.1\n" },
	{ "same value, other kind", "example.com user@example.com",
	    "domain example.com\nemail user@example.com\n" },
	{ "order of first appearance",
	    "b.example.com a.example.com b.example.com 192.0.2.1",
	    "domain b.example.com\ndomain a.example.com\n"
	    "ipv4 192.0.2.1\n" },
};

/* listing - l as "kind value\n" lines, into out */
static void
listing(const struct obs_list *l, char *out, size_t size)
{
	size_t	i, o = 0;
	int	n;

	out[0] = '\0';
	for (i = 0; i < l->n; i++) {
		n = snprintf(out + o, size - o, "%s %s\n",
		    obs_kind_name(l->v[i].kind), l->v[i].value);
		if (n < 0 || (size_t)n >= size - o)
			break;
		o += (size_t)n;
	}
}

static void
test_extract_table(void **state)
{
	const struct extract_case	*c;
	struct obs_list			 l;
	char				 got[4096];
	size_t				 i;
	int				 bad = 0;

	(void)state;
	for (i = 0; i < sizeof(extract_cases) / sizeof(extract_cases[0]);
	    i++) {
		c = &extract_cases[i];
		memset(&l, 0, sizeof(l));
		obs_extract(c->text, strlen(c->text), &l);
		listing(&l, got, sizeof(got));
		if (strcmp(got, c->want) != 0 || l.truncated) {
			print_error("%s: \"%s\"\n got:\n%s want:\n%s", c->name,
			    c->text, got, c->want);
			bad++;
		}
		obs_list_free(&l);
	}
	assert_int_equal(bad, 0);
}

/* the list is appended to across calls, still without duplicates */
static void
test_extract_append(void **state)
{
	struct obs_list	l = { 0 };
	char		got[1024];
	const char	*a = "http://example.com/a 192.0.2.1";
	const char	*b = "192.0.2.1 example[.]com evil.example.net";

	(void)state;
	assert_int_equal(obs_add(&l, "Example.com"), 0);
	obs_extract(a, strlen(a), &l);
	obs_extract(b, strlen(b), &l);
	listing(&l, got, sizeof(got));
	assert_string_equal(got, "domain example.com\n"
	    "url http://example.com/a\nipv4 192.0.2.1\n"
	    "domain evil.example.net\n");
	obs_list_free(&l);
	assert_null(l.v);
	assert_int_equal(l.n, 0);
}

/* len is honoured: no read past it, a NUL inside is a separator */
static void
test_extract_len(void **state)
{
	struct obs_list	l = { 0 };
	const char	text[] = "192.0.2.1\0" "198.51.100.1 example.com";
	char		got[256];

	(void)state;
	obs_extract(text, sizeof(text) - 1, &l);
	listing(&l, got, sizeof(got));
	assert_string_equal(got, "ipv4 192.0.2.1\nipv4 198.51.100.1\n"
	    "domain example.com\n");
	obs_list_free(&l);
	obs_extract(text, 7, &l);
	assert_int_equal(l.n, 0);
	obs_extract(NULL, 0, &l);
	assert_int_equal(l.n, 0);
	obs_list_free(&l);
}

struct canon_case {
	const char	*in;
	const char	*want;		/* NULL: no indicator */
	enum obs_kind	 kind;
};

static const struct canon_case canon_cases[] = {
	{ "hxxp://Example[.]com/x", "http://example.com/x", OBS_URL },
	{ " <https://example.com/a.> ", "https://example.com/a.", OBS_URL },
	{ "１９２．０．２．１", "192.0.2.1", OBS_IPV4 },
	{ "192.000.002.001", "192.0.2.1", OBS_IPV4 },
	{ "192.0.2.9/24", "192.0.2.0/24", OBS_CIDR },
	{ "10.1.2.3/0", "0.0.0.0/0", OBS_CIDR },
	{ "2001:DB8:0::1", "2001:db8::1", OBS_IPV6 },
	{ "[2001:db8::1]", "2001:db8::1", OBS_IPV6 },
	{ "2001:db8::7/64", "2001:db8::/64", OBS_CIDR },
	{ "Example.COM.", "example.com", OBS_DOMAIN },
	{ "evil.zip", "evil.zip", OBS_DOMAIN },
	{ "_dmarc.example.com", "_dmarc.example.com", OBS_DOMAIN },
	{ "evil(dot)example(dot)net", "evil.example.net", OBS_DOMAIN },
	{ "User[@]Example.org", "user@example.org", OBS_EMAIL },
	{ "\"user@example.org\"", "user@example.org", OBS_EMAIL },
	{ MD5_D4, MD5_D4, OBS_MD5 },
	{ "DA39A3EE5E6B4B0D3255BFEF95601890AFD80709", SHA1_DA, OBS_SHA1 },
	{ SHA256_E3, SHA256_E3, OBS_SHA256 },
	{ "", NULL, 0 },
	{ "   ", NULL, 0 },
	{ "hello", NULL, 0 },
	{ "1.2.3.4.5", NULL, 0 },
	{ "999.1.1.1", NULL, 0 },
	{ "192.0.2.1/33", NULL, 0 },
	{ "2001:db8::1/129", NULL, 0 },
	{ "::", NULL, 0 },
	{ "12:34:56", NULL, 0 },
	{ "http://example.com/a b", NULL, 0 },
	{ "192.0.2.1 198.51.100.1", NULL, 0 },
	{ "d41d8cd98f00b204e9800998ecf8427", NULL, 0 },
	{ "user@", NULL, 0 },
	{ "@example.com", NULL, 0 },
};

static void
test_canon_table(void **state)
{
	const struct canon_case	*c;
	enum obs_kind		 kind;
	char			*got;
	size_t			 i;
	int			 bad = 0;

	(void)state;
	for (i = 0; i < sizeof(canon_cases) / sizeof(canon_cases[0]); i++) {
		c = &canon_cases[i];
		kind = OBS_KIND_COUNT;
		got = obs_canon(c->in, &kind);
		if (c->want == NULL ? got != NULL : (got == NULL ||
		    strcmp(got, c->want) != 0 || kind != c->kind)) {
			print_error("\"%s\": got %s \"%s\", want %s \"%s\"\n",
			    c->in, got ? obs_kind_name(kind) : "-",
			    got ? got : "(null)", c->want ?
			    obs_kind_name(c->kind) : "-",
			    c->want ? c->want : "(null)");
			bad++;
		}
		free(got);
	}
	assert_int_equal(bad, 0);
}

/* ARF fields: the value, plus a URL's host or an address's domain */
static void
test_add(void **state)
{
	struct obs_list	l = { 0 };
	char		got[1024];

	(void)state;
	assert_int_equal(obs_add(&l, "192.0.2.1"), 0);
	assert_int_equal(obs_add(&l, " 192.0.2[.]1 "), 0);
	assert_int_equal(obs_add(&l, "http://Example.com/x"), 0);
	assert_int_equal(obs_add(&l, "abuse@example.com"), 0);
	assert_int_equal(obs_add(&l, "not an indicator"), -1);
	assert_int_equal(obs_add(&l, ""), -1);
	assert_int_equal(obs_add(&l, NULL), -1);
	listing(&l, got, sizeof(got));
	assert_string_equal(got, "ipv4 192.0.2.1\nurl http://example.com/x\n"
	    "domain example.com\nemail abuse@example.com\n");
	assert_int_equal(l.truncated, 0);
	obs_list_free(&l);
}

struct defang_case {
	const char	*in;
	enum obs_kind	 kind;
	const char	*want;
};

static const struct defang_case defang_cases[] = {
	{ "http://example.com/a.php?x=1.2", OBS_URL,
	    "hxxp://example[.]com/a.php?x=1.2" },
	{ "https://www.example.co.jp", OBS_URL,
	    "hxxps://www[.]example[.]co[.]jp" },
	{ "ftp://files.example.org:21/a.zip", OBS_URL,
	    "fxp://files[.]example[.]org:21/a.zip" },
	{ "http://user@example.com/", OBS_URL,
	    "hxxp://user[@]example[.]com/" },
	{ "http://[2001:db8::1]:80/a.b", OBS_URL,
	    "hxxp://[2001:db8::1]:80/a.b" },
	{ "http://192.0.2.1#a.b", OBS_URL, "hxxp://192[.]0[.]2[.]1#a.b" },
	{ "example.com", OBS_DOMAIN, "example[.]com" },
	{ "192.0.2.1", OBS_IPV4, "192[.]0[.]2[.]1" },
	{ "192.0.2.0/24", OBS_CIDR, "192[.]0[.]2[.]0/24" },
	{ "2001:db8::/32", OBS_CIDR, "2001:db8::/32" },
	{ "2001:db8::1", OBS_IPV6, "2001:db8::1" },
	{ "first.last@example.com", OBS_EMAIL,
	    "first.last[@]example[.]com" },
	{ MD5_D4, OBS_MD5, MD5_D4 },
	{ SHA256_E3, OBS_SHA256, SHA256_E3 },
	{ "", OBS_DOMAIN, "" },
};

static void
test_defang_table(void **state)
{
	const struct defang_case	*c;
	enum obs_kind			 kind;
	char				*got, *back;
	size_t				 i;
	int				 bad = 0;

	(void)state;
	for (i = 0; i < sizeof(defang_cases) / sizeof(defang_cases[0]); i++) {
		c = &defang_cases[i];
		got = obs_defang(c->in, c->kind);
		if (strcmp(got, c->want) != 0) {
			print_error("\"%s\": got \"%s\", want \"%s\"\n", c->in,
			    got, c->want);
			bad++;
		}
		/* what we defang, we read back as it was */
		if (*c->in != '\0') {
			back = obs_canon(got, &kind);
			if (back == NULL || strcmp(back, c->in) != 0 ||
			    kind != c->kind) {
				print_error("\"%s\": read back \"%s\"\n", got,
				    back ? back : "(null)");
				bad++;
			}
			free(back);
		}
		free(got);
	}
	assert_int_equal(bad, 0);
}

static void
test_kind_names(void **state)
{
	(void)state;
	assert_string_equal(obs_kind_name(OBS_IPV4), "ipv4");
	assert_string_equal(obs_kind_name(OBS_IPV6), "ipv6");
	assert_string_equal(obs_kind_name(OBS_CIDR), "cidr");
	assert_string_equal(obs_kind_name(OBS_DOMAIN), "domain");
	assert_string_equal(obs_kind_name(OBS_URL), "url");
	assert_string_equal(obs_kind_name(OBS_EMAIL), "email");
	assert_string_equal(obs_kind_name(OBS_MD5), "md5");
	assert_string_equal(obs_kind_name(OBS_SHA1), "sha1");
	assert_string_equal(obs_kind_name(OBS_SHA256), "sha256");
	assert_string_equal(obs_kind_name(OBS_KIND_COUNT), "unknown");
}

/* OBS_MAX_PER_LIST distinct indicators, then truncated; repeats are not */
static void
test_truncation(void **state)
{
	struct obs_list	 l = { 0 };
	char		*text, *p;
	size_t		 i;

	(void)state;
	text = malloc(3000 * 16);
	assert_non_null(text);
	for (p = text, i = 0; i < 3000; i++)
		p += snprintf(p, 16, "10.0.%zu.%zu ", i / 256, i % 256);
	obs_extract(text, (size_t)(p - text), &l);
	assert_int_equal(l.n, OBS_MAX_PER_LIST);
	assert_true(l.truncated);
	assert_string_equal(l.v[0].value, "10.0.0.0");
	assert_string_equal(l.v[OBS_MAX_PER_LIST - 1].value, "10.0.7.207");
	/* full: an old value is still "there", a new one is refused */
	assert_int_equal(obs_add(&l, "10.0.0.0"), 0);
	assert_int_equal(obs_add(&l, "192.0.2.1"), -1);
	assert_int_equal(l.n, OBS_MAX_PER_LIST);
	obs_list_free(&l);

	/* exactly the maximum, many times over: not truncated */
	for (p = text, i = 0; i < 2 * OBS_MAX_PER_LIST; i++)
		p += snprintf(p, 16, "10.0.%zu.%zu ", i % OBS_MAX_PER_LIST / 256,
		    i % OBS_MAX_PER_LIST % 256);
	obs_extract(text, (size_t)(p - text), &l);
	assert_int_equal(l.n, OBS_MAX_PER_LIST);
	assert_false(l.truncated);
	obs_list_free(&l);
	free(text);
}

/* a URL longer than OBS_VALUE_MAX is cut, and the scan goes on after it */
static void
test_value_cap(void **state)
{
	struct obs_list	 l = { 0 };
	const size_t	 plen = 10000;
	char		*text;
	size_t		 n;

	(void)state;
	text = malloc(plen + 100);
	assert_non_null(text);
	n = (size_t)snprintf(text, 32, "http://example.com/");
	memset(text + n, 'a', plen);
	n += plen;
	n += (size_t)snprintf(text + n, 32, " 192.0.2.1");
	obs_extract(text, n, &l);
	assert_int_equal(l.n, 3);
	assert_int_equal(l.v[0].kind, OBS_URL);
	assert_int_equal(strlen(l.v[0].value), OBS_VALUE_MAX - 1);
	assert_memory_equal(l.v[0].value, "http://example.com/aaa", 22);
	assert_string_equal(l.v[1].value, "example.com");
	assert_string_equal(l.v[2].value, "192.0.2.1");
	obs_list_free(&l);
	free(text);
}

struct big_case {
	const char	*name;
	const char	*unit;		/* repeated to fill the text */
	const char	*want;		/* the whole list, as in extract_cases */
};

static const struct big_case big_cases[] = {
	{ "dotted digits", "1.", "" },
	{ "dotted digits, 3", "123.", "" },
	{ "dotted labels", "aaaa.", "" },
	{ "single-letter labels", "a.", "" },
	{ "hex", "0123456789abcdef", "" },
	{ "colons", "1:", "" },
	{ "hex and colons", "ab:", "" },
	{ "double colons", "a::", "" },
	{ "defangs", "[.]", "" },
	{ "open brackets", "([{", "" },
	{ "at signs", "a@", "" },
	{ "schemes", "http://", "" },
	/* "http://a.http://a.http:..." is one URL, host a.http, each time */
	{ "scheme and long host", "http://a.",
	    "url http://a.http\ndomain a.http\n" },
	{ "URL repeated", "http://example.com/a ",
	    "url http://example.com/a\ndomain example.com\n" },
	{ "address repeated", "192.0.2.1 ", "ipv4 192.0.2.1\n" },
	{ "full-width digits", "１．", "" },
	{ "ideographic full stops", "a。", "" },
	{ "e-mail glue", "a.b@c.", "" },
	{ "percent", "%", "" },
	{ "high bytes", "\xe3\x81\x82", "" },
};

/* several MB of each pattern, in linear time, without a crash */
static void
test_hostile(void **state)
{
	const size_t		 size = 4 * 1024 * 1024;
	const struct big_case	*c;
	struct obs_list		 l = { 0 };
	char			*text, got[1024];
	size_t			 i, n, ulen;
	clock_t			 t0;
	double			 secs;
	int			 bad = 0;

	(void)state;
	text = malloc(size);
	assert_non_null(text);
	for (i = 0; i < sizeof(big_cases) / sizeof(big_cases[0]); i++) {
		c = &big_cases[i];
		ulen = strlen(c->unit);
		for (n = 0; n + ulen <= size; n += ulen)
			memcpy(text + n, c->unit, ulen);
		t0 = clock();
		obs_extract(text, n, &l);
		secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
		/* quadratic work on 4 MB would take hours */
		if (secs > 10.0) {
			print_error("%s: %.2f s\n", c->name, secs);
			bad++;
		}
		listing(&l, got, sizeof(got));
		if (strcmp(got, c->want) != 0 || l.truncated) {
			print_error("%s: got\n%s", c->name, got);
			bad++;
		}
		obs_list_free(&l);
	}
	free(text);
	assert_int_equal(bad, 0);
}

/*
 * Token soup: whatever is extracted reads back as itself through
 * obs_canon, and through obs_canon after obs_defang.
 */
static void
test_round_trip(void **state)
{
	static const char *const toks[] = {
		"http://", "hxxp://", "ttp://", "[.]", "(dot)", "[@]",
		"example", ".com", ".jp", "192.0.2.", "1", "::", "2001:db8",
		":", "/24", "@", ".", " ", "\xef\xbc\x8e", "\xe3\x80\x82", "a",
		"f", "0", "(", ")", "?", "#", "%", "_", "-", "[", "]", "x:",
		"\xef\xbd\x88", MD5_D4,
	};
	const size_t	 size = 256 * 1024;
	struct obs_list	 l = { 0 };
	enum obs_kind	 kind;
	char		*text, *c, *d, *e;
	const char	*tok;
	size_t		 n, i, k;
	uint32_t	 seed = 12345;
	int		 round, bad = 0;

	(void)state;
	text = malloc(size + 64);
	assert_non_null(text);
	for (round = 0; round < 4; round++) {
		for (n = 0; n < size; n += k) {
			seed = seed * 1103515245u + 12345u;
			tok = toks[(seed >> 16) % (sizeof(toks) / sizeof(toks[0]))];
			k = strlen(tok);
			memcpy(text + n, tok, k);
		}
		obs_extract(text, n, &l);
		assert_true(l.n > 100);
		for (i = 0; i < l.n; i++) {
			c = obs_canon(l.v[i].value, &kind);
			if (c == NULL || strcmp(c, l.v[i].value) != 0 ||
			    kind != l.v[i].kind) {
				print_error("%s \"%s\" read back as \"%s\"\n",
				    obs_kind_name(l.v[i].kind), l.v[i].value,
				    c ? c : "(null)");
				bad++;
			}
			d = obs_defang(l.v[i].value, l.v[i].kind);
			e = obs_canon(d, &kind);
			if (e == NULL || strcmp(e, l.v[i].value) != 0 ||
			    kind != l.v[i].kind) {
				print_error("%s \"%s\" defanged \"%s\"\n",
				    obs_kind_name(l.v[i].kind), l.v[i].value,
				    d);
				bad++;
			}
			free(c);
			free(d);
			free(e);
		}
		obs_list_free(&l);
	}
	free(text);
	assert_int_equal(bad, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_extract_table),
		cmocka_unit_test(test_extract_append),
		cmocka_unit_test(test_extract_len),
		cmocka_unit_test(test_canon_table),
		cmocka_unit_test(test_add),
		cmocka_unit_test(test_defang_table),
		cmocka_unit_test(test_kind_names),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_value_cap),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
