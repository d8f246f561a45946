/*
 * test_mime.c - mime_parse, mime_header_get and mime_msg_free.
 *
 * A table of small messages written out as C strings, each with every
 * field mime_parse fills and the exact flag set it must report; then
 * messages from tests/data/corpus, degenerate and random input, and the
 * header lookup.  Attachment hashes were computed with sha256sum(1) over
 * the decoded bytes; dates with date(1).
 */
#include "unit.h"

#include <stdio.h>
#include <time.h>

#include "madoguchi/charset.h"
#include "madoguchi/mime.h"
#include "madoguchi/util.h"

#define F(x)		(1u << (MIME_F_ ## x))

/* "不正アクセスの報告です" as UTF-8, Shift_JIS and EUC-JP */
#define JA_UTF8		"不正アクセスの報告です"
#define JA_SJIS		"\x95\x73\x90\xb3\x83\x41\x83\x4e\x83\x5a\x83\x58" \
			"\x82\xcc\x95\xf1\x8d\x90\x82\xc5\x82\xb7"
#define JA_EUC		"\xc9\xd4\xc0\xb5\xa5\xa2\xa5\xaf\xa5\xbb\xa5\xb9" \
			"\xa4\xce\xca\xf3\xb9\xf0\xa4\xc7\xa4\xb9"

static const struct mime_limits limits = {
	.max_depth = 50,
	.max_parts = 1000,
	.max_header = 65536,
	.max_text = 4 * 1024 * 1024,
	.max_decrypted = 16 * 1024 * 1024,
};

struct att_want {
	const char	*filename;	/* NULL: must be NULL */
	const char	*content_type;
	uint64_t	 size;
	const char	*sha256;
};

struct mime_case {
	const char	*name;
	const char	*raw;
	const char	*subject;	/* NULL: must be NULL */
	const char	*from;
	const char	*from_name;
	const char	*message_id;
	const char	*refs[4];	/* NULL-terminated */
	time_t		 date;
	const char	*text;		/* must occur in the text */
	const char	*not_text;	/* must not occur; NULL: no check */
	int		 from_html;
	size_t		 natt;
	struct att_want	 att[2];
	uint32_t	 flags;		/* exactly these */
};

#define HDRS(subj)	"From: Reporter <reporter@example.org>\n" \
			"Subject: " subj "\n" \
			"Message-ID: <m1@example.org>\n" \
			"MIME-Version: 1.0\n"
#define REPORTER	"reporter@example.org", "Reporter", "m1@example.org"

static const struct mime_case cases[] = {
	{ "plain UTF-8, CRLF, mixed-case address",
	    "From: Alice Example <Alice@Example.ORG>\r\n"
	    "To: csirt@example.net\r\n"
	    "Subject: Phishing report\r\n"
	    "Message-ID: <abc@example.org>\r\n"
	    "Date: Tue, 1 Jul 2025 12:00:00 +0000\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: 8bit\r\n"
	    "\r\n" JA_UTF8 "。\r\n",
	    "Phishing report", "alice@example.org", "Alice Example",
	    "abc@example.org", { NULL }, 1751371200, JA_UTF8 "。", NULL, 0,
	    0, { { 0 } }, 0 },
	{ "RFC 2047 UTF-8 B subject and display name",
	    "From: =?UTF-8?B?5LiN5q2j44Ki44Kv44K744K5?= <a@b.example>\n"
	    "Subject: =?UTF-8?B?5LiN5q2j44Ki44Kv44K744K5?=\n"
	    " =?UTF-8?Q?_=E3=81=82?=\n"
	    "Content-Type: text/plain; charset=us-ascii\n\nhello\n",
	    "不正アクセス あ", "a@b.example", "不正アクセス", NULL, { NULL },
	    0, "hello", NULL, 0, 0, { { 0 } }, 0 },
	{ "RFC 2047 ISO-8859-1 Q subject",
	    HDRS("=?ISO-8859-1?Q?Caf=E9_ouvert?=")
	    "Content-Type: text/plain; charset=us-ascii\n\nbody\n",
	    "Café ouvert", REPORTER, { NULL }, 0, "body", NULL, 0, 0,
	    { { 0 } }, 0 },
	{ "ISO-2022-JP body",
	    HDRS("jis") "Content-Type: text/plain; charset=ISO-2022-JP\n"
	    "Content-Transfer-Encoding: 7bit\n\n"
	    "\x1b$B$9$_$^$;$s!#\x1b(B\n",
	    "jis", REPORTER, { NULL }, 0, "すみません。", "\x1b", 0, 0,
	    { { 0 } }, 0 },
	{ "Shift_JIS body labelled shift_jis",
	    HDRS("sjis") "Content-Type: text/plain; charset=shift_jis\n"
	    "Content-Transfer-Encoding: 8bit\n\n" JA_SJIS "\n",
	    "sjis", REPORTER, { NULL }, 0, JA_UTF8, NULL, 0, 0, { { 0 } },
	    0 },
	{ "EUC-JP body labelled",
	    HDRS("euc") "Content-Type: text/plain; charset=\"EUC-JP\"\n"
	    "Content-Transfer-Encoding: 8bit\n\n" JA_EUC "\n",
	    "euc", REPORTER, { NULL }, 0, JA_UTF8, NULL, 0, 0, { { 0 } }, 0 },
	{ "windows-1252 body",
	    HDRS("cp1252") "Content-Type: text/plain; charset=windows-1252\n"
	    "Content-Transfer-Encoding: 8bit\n\n\x93hi\x94 \x80 5\n",
	    "cp1252", REPORTER, { NULL }, 0, "“hi” € 5", NULL, 0, 0,
	    { { 0 } }, 0 },
	{ "multipart/alternative reads text/plain",
	    HDRS("alt") "Content-Type: multipart/alternative; boundary=\"a1\"\n"
	    "\n--a1\nContent-Type: text/plain; charset=utf-8\n\n"
	    "plain version\n--a1\nContent-Type: text/html; charset=utf-8\n\n"
	    "<p>html version</p>\n--a1--\n",
	    "alt", REPORTER, { NULL }, 0, "plain version", "html version", 0,
	    0, { { 0 } }, 0 },
	{ "HTML-only mail, without script and style",
	    HDRS("html") "Content-Type: text/html; charset=utf-8\n\n"
	    "<html><head><style>p { color: red }</style>"
	    "<script>alert('pwned')</script></head>"
	    "<body><p>Hello team</p></body></html>\n",
	    "html", REPORTER, { NULL }, 0, "Hello team", "alert", 1, 0,
	    { { 0 } }, 0 },
	{ "multipart/mixed with a base64 attachment",
	    HDRS("mixed") "Content-Type: multipart/mixed; boundary=b2\n\n"
	    "--b2\nContent-Type: text/plain; charset=us-ascii\n\n"
	    "Suspicious file attached.\n"
	    "--b2\nContent-Type: application/octet-stream; name=\"evil.bin\"\n"
	    "Content-Disposition: attachment; filename=\"evil.bin\"\n"
	    "Content-Transfer-Encoding: base64\n\n"
	    "TVqQAAMAAAAEAAAA//9ldmlsIHBheWxvYWQK\n--b2--\n",
	    "mixed", REPORTER, { NULL }, 0, "Suspicious file attached.",
	    "TVqQ", 0, 1, { { "evil.bin", "application/octet-stream", 27,
	    "1902a403b0fc8ee91f9fdc410c0b95e16606a59b308c93d2faf0084d0797f9ca"
	    } }, 0 },
	{ "RFC 2231 filename*=UTF-8''",
	    HDRS("2231") "Content-Type: multipart/mixed; boundary=b3\n\n"
	    "--b3\nContent-Type: text/plain\n\nsee file\n"
	    "--b3\nContent-Type: text/plain; charset=utf-8\n"
	    "Content-Disposition: attachment; filename*=UTF-8''%E3%81%82.txt\n"
	    "\nhello\n--b3--\n",
	    "2231", REPORTER, { NULL }, 0, "see file", "hello", 0, 1,
	    { { "あ.txt", "text/plain", 5,
	    "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
	    } }, 0 },
	{ "RFC 2047 word in a quoted filename",
	    HDRS("2047 name") "Content-Type: multipart/mixed; boundary=b4\n\n"
	    "--b4\nContent-Type: text/plain\n\nsee pdf\n"
	    "--b4\nContent-Type: application/pdf\n"
	    "Content-Disposition: attachment;\n"
	    " filename=\"=?UTF-8?B?44GC44GE44GG44GI44GKLnBkZg==?=\"\n"
	    "Content-Transfer-Encoding: base64\n\nJVBERi0xLjQK\n--b4--\n",
	    "2047 name", REPORTER, { NULL }, 0, "see pdf", NULL, 0, 1,
	    { { "あいうえお.pdf", "application/pdf", 9,
	    "e5c62df5dab5c87b6a015ef3d43597074d1eec433b15f51aec63b8582d0e4ab4"
	    } }, 0 },
	{ "message/rfc822 is an attachment; its Message-ID is not ours",
	    HDRS("Fwd: spam") "Content-Type: multipart/mixed; boundary=b5\n\n"
	    "--b5\nContent-Type: text/plain; charset=us-ascii\n\n"
	    "See attached.\n--b5\nContent-Type: message/rfc822\n\n"
	    "From: spammer@bad.example\nSubject: inner\n"
	    "Message-ID: <inner@bad.example>\n\nbuy now\n--b5--\n",
	    "Fwd: spam", REPORTER, { NULL }, 0, "See attached.", "buy now",
	    0, 1, { { NULL, "message/rfc822", 81,
	    "efa83d6dd189cf8d47fafde7eeb31c1979716f101a41eaf859aee3251337cd66"
	    } }, 0 },
	{ "In-Reply-To and folded References, deduplicated",
	    HDRS("Re: x") "In-Reply-To: <a@x.example>\n"
	    "References: <r1@x.example> <a@x.example>\n\t<r2@x.example>\n"
	    "Content-Type: text/plain\n\nreply\n",
	    "Re: x", REPORTER, { "a@x.example", "r1@x.example",
	    "r2@x.example", NULL }, 0, "reply", NULL, 0, 0, { { 0 } }, 0 },
	{ "Date in +0900 converted to UTC",
	    HDRS("jst") "Date: Wed, 22 Jul 2015 01:02:29 +0900\n\nx\n",
	    "jst", REPORTER, { NULL }, 1437494549, "x", NULL, 0, 0,
	    { { 0 } }, 0 },
	{ "Date in -0130 converted to UTC",
	    HDRS("neg") "Date: Mon, 1 Jan 2024 00:00:00 -0130\n\nx\n",
	    "neg", REPORTER, { NULL }, 1704072600, "x", NULL, 0, 0,
	    { { 0 } }, 0 },
	{ "broken Date",
	    HDRS("bad date") "Date: sometime last week\n\nx\n",
	    "bad date", REPORTER, { NULL }, 0, "x", NULL, 0, 0, { { 0 } },
	    F(BAD_DATE) },
	{ "From with only an address",
	    "From: Reporter@Example.COM\nSubject: bare\n\nx\n",
	    "bare", "reporter@example.com", NULL, NULL, { NULL }, 0, "x",
	    NULL, 0, 0, { { 0 } }, 0 },
	{ "quoted display name with a comma",
	    "From: \"Doe, John\" <John.Doe@Example.NET>\nSubject: q\n\nx\n",
	    "q", "john.doe@example.net", "Doe, John", NULL, { NULL }, 0, "x",
	    NULL, 0, 0, { { 0 } }, 0 },
	{ "8-bit body without Content-Type",
	    "From: a@b.example\nSubject: no ct\n\ncaf\xc3\xa9\n",
	    "no ct", "a@b.example", NULL, NULL, { NULL }, 0, "café", NULL, 0,
	    0, { { 0 } }, F(NO_CONTENT_TYPE) | F(CHARSET_GUESSED) },
	{ "unparsable From falls back to the address",
	    "From: foo bar <x@y\nSubject: broken from\n\nx\n",
	    "broken from", "x@y", NULL, NULL, { NULL }, 0, "x", NULL, 0, 0,
	    { { 0 } }, 0 },
};

/* what a test holds, freed by teardown even when an assertion jumps out */
static struct mime_msg	*msg;
static char		*rawbuf;

static int
teardown(void **state)
{
	mime_msg_free(&msg);
	free(rawbuf);
	rawbuf = NULL;
	return 0;
}

static int
same(const char *got, const char *want)
{
	if (got == NULL || want == NULL)
		return got == want;
	return strcmp(got, want) == 0;
}

#define CHECK(c, cond, ...) do {					\
	if (!(cond)) {							\
		print_error("case \"%s\": ", (c)->name);		\
		fail_msg(__VA_ARGS__);					\
	}								\
} while (0)
#define S(s)	((s) != NULL ? (s) : "(null)")

static void
check_case(const struct mime_case *c, const struct mime_msg *m)
{
	size_t i, nrefs = 0;

	CHECK(c, same(m->subject, c->subject), "subject [%s]", S(m->subject));
	CHECK(c, same(m->from, c->from), "from [%s]", S(m->from));
	CHECK(c, same(m->from_name, c->from_name), "from_name [%s]",
	    S(m->from_name));
	CHECK(c, same(m->message_id, c->message_id), "message_id [%s]",
	    S(m->message_id));
	while (nrefs < 4 && c->refs[nrefs] != NULL)
		nrefs++;
	CHECK(c, m->nrefs == nrefs, "%zu refs, want %zu", m->nrefs, nrefs);
	for (i = 0; i < nrefs; i++)
		CHECK(c, same(m->refs[i], c->refs[i]), "ref %zu [%s]", i,
		    m->refs[i]);
	CHECK(c, m->date == c->date, "date %lld, want %lld",
	    (long long)m->date, (long long)c->date);
	CHECK(c, m->text != NULL && strlen(m->text) == m->text_len,
	    "text NULL or text_len wrong");
	CHECK(c, strstr(m->text, c->text) != NULL, "text [%s]", m->text);
	CHECK(c, c->not_text == NULL || strstr(m->text, c->not_text) == NULL,
	    "text holds [%s]: [%s]", c->not_text, m->text);
	CHECK(c, m->text_from_html == c->from_html, "text_from_html %d",
	    m->text_from_html);
	CHECK(c, m->natt == c->natt, "%zu attachments", m->natt);
	for (i = 0; i < c->natt; i++) {
		const struct mime_attachment *a = &m->att[i];
		const struct att_want *w = &c->att[i];

		CHECK(c, same(a->filename, w->filename), "att %zu name [%s]",
		    i, S(a->filename));
		CHECK(c, same(a->content_type, w->content_type),
		    "att %zu type [%s]", i, S(a->content_type));
		CHECK(c, a->size == w->size, "att %zu size %llu", i,
		    (unsigned long long)a->size);
		CHECK(c, same(a->sha256, w->sha256), "att %zu sha256 %s", i,
		    a->sha256);
	}
	CHECK(c, m->flags == c->flags, "flags 0x%x, want 0x%x", m->flags,
	    c->flags);
}

static void
test_table(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *raw = cases[i].raw;

		assert_int_equal(mime_parse(raw, strlen(raw), &limits, NULL,
		    &msg, NULL), 0);
		assert_non_null(msg);
		check_case(&cases[i], msg);
		mime_msg_free(&msg);
		assert_null(msg);
	}
}

/* --- the corpus ----------------------------------------------------- */

struct corpus_case {
	const char	*name;
	const char	*path;		/* under tests/data/corpus */
	const char	*subject;
	const char	*text;		/* substring, or NULL */
	const char	*filename;	/* first attachment's, or NULL */
	uint32_t	 flags_set;	/* at least these */
};

static const struct corpus_case corpus[] = {
	{ "base64 UTF-8", "mail/multi_charset/japanese.eml", "まみむめも",
	    "かきくえこ", NULL, 0 },
	{ "folded iso-2022-jp label",
	    "mail/multi_charset/japanese_iso_2022.eml",
	    "まみむめも", "すみません。", NULL, 0 },
	{ "iso-2022-jp subject and body", "mimekit/messages/japanese.txt",
	    "日本語メールテスト (testing Japanese emails)", "日本語が\n正常に",
	    NULL, 0 },
	{ "RFC 2231 ISO-8859-1 filename",
	    "mail/attachment_emails/attachment_with_quoted_filename.eml",
	    "Eelanalüüsi päring", NULL, "Eelanalüüsi päring.jpg", 0 },
	{ "RFC 2231 continuations",
	    "mail/multi_charset/japanese_attachment_long_name.eml", NULL, NULL,
	    "かきくけこかきくけこかきくけこかきくけこかきくけこ.txt", 0 },
	{ "CR-only line ends", "sisimai/mac/lhost-domino-01.eml",
	    "DELIVERY FAILURE: User Kijitoranyan (kijitora@example.jp) "
	    "not listed in Domino Directory", "not listed in Domino Directory",
	    NULL, F(BARE_CR) | F(MALFORMED) },
};

static void
test_corpus(void **state)
{
	const char *top = getenv("top_srcdir");
	size_t i;

	if (top == NULL)
		top = "../";
	for (i = 0; i < sizeof(corpus) / sizeof(corpus[0]); i++) {
		const struct corpus_case *c = &corpus[i];
		struct mg_err err;
		char path[4096];
		size_t len = 0;

		(void)snprintf(path, sizeof(path), "%s/tests/data/corpus/%s",
		    top, c->path);
		CHECK(c, util_read_file(path, 1 << 20, &rawbuf, &len,
		    &err) == 0, "cannot read %s: %s", path, err.msg);
		(void)mime_parse(rawbuf, len, &limits, NULL, &msg, NULL);
		assert_non_null(msg);
		CHECK(c, msg->subject != NULL && msg->subject[0] != '\0',
		    "no subject");
		CHECK(c, c->subject == NULL ||
		    strcmp(msg->subject, c->subject) == 0, "subject [%s]",
		    msg->subject);
		CHECK(c, c->text == NULL || strstr(msg->text, c->text) != NULL,
		    "text [%s]", msg->text);
		CHECK(c, c->filename == NULL || (msg->natt >= 1 &&
		    same(msg->att[0].filename, c->filename)), "attachment [%s]",
		    msg->natt ? S(msg->att[0].filename) : "none");
		CHECK(c, (msg->flags & c->flags_set) == c->flags_set,
		    "flags 0x%x, want at least 0x%x", msg->flags,
		    c->flags_set);
		CHECK(c, charset_utf8_valid((const unsigned char *)msg->text,
		    msg->text_len), "text not UTF-8");
		mime_msg_free(&msg);
		assert_null(msg);
		free(rawbuf);
		rawbuf = NULL;
	}
}

/* --- degenerate and hostile input ---------------------------------- */

struct edge_case {
	const char	*name;
	const char	*raw;
	size_t		 len;
	size_t		 nhdr;
	const char	*subject;
	const char	*text;		/* exact */
};

#define IN(s)	(s), sizeof(s) - 1

static const struct edge_case edges[] = {
	{ "empty buffer", IN(""), 0, NULL, "" },
	{ "only CRLF", IN("\r\n"), 0, NULL, "" },
	{ "only LF", IN("\n"), 0, NULL, "" },
	{ "headers without body", IN("Subject: x\n"), 1, "x", "" },
	{ "no headers at all", IN("just text, no header\n"), 0, NULL,
	    "just text, no header\n" },
};

static void
test_edges(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(edges) / sizeof(edges[0]); i++) {
		const struct edge_case *c = &edges[i];

		/* a copy of exactly len bytes, so ASan sees any overread */
		rawbuf = malloc(c->len ? c->len : 1);
		assert_non_null(rawbuf);
		memcpy(rawbuf, c->raw, c->len);
		assert_int_equal(mime_parse(rawbuf, c->len, &limits, NULL,
		    &msg, NULL),
		    0);
		assert_non_null(msg);
		CHECK(c, msg->nhdr == c->nhdr, "%zu headers", msg->nhdr);
		CHECK(c, same(msg->subject, c->subject), "subject [%s]",
		    S(msg->subject));
		CHECK(c, msg->from == NULL && msg->message_id == NULL &&
		    msg->nrefs == 0 && msg->natt == 0 && msg->date == 0,
		    "fields set from nothing");
		CHECK(c, msg->text != NULL &&
		    msg->text_len == strlen(c->text) &&
		    strcmp(msg->text, c->text) == 0, "text [%s]",
		    S(msg->text));
		mime_msg_free(&msg);
		assert_null(msg);
		free(rawbuf);
		rawbuf = NULL;
	}
}

static unsigned long
lcg(unsigned long *seed)
{
	*seed = *seed * 6364136223846793005UL + 1442695040888963407UL;
	return *seed >> 33;
}

/* 1 MB of random bytes, bare and behind a multipart header: it returns */
static void
test_random(void **state)
{
	static const char *const prefix[] = {
		"",
		"Content-Type: multipart/mixed; boundary=x\n"
		"Subject: =?utf-8?B?", };
	const size_t len = 1024 * 1024;
	unsigned long seed = 20250701;
	size_t i, k;

	for (k = 0; k < sizeof(prefix) / sizeof(prefix[0]); k++) {
		size_t pl = strlen(prefix[k]);
		char *raw = rawbuf = malloc(len);

		assert_non_null(raw);
		memcpy(raw, prefix[k], pl);
		for (i = pl; i < len; i++) {
			unsigned long r = lcg(&seed);

			/* now and then a line that looks like structure */
			if (r % 4096 == 0 && i + 4 < len) {
				memcpy(raw + i, "\n--x", 4);
				i += 3;
			} else
				raw[i] = (char)(r >> 8);
		}
		assert_int_equal(mime_parse(raw, len, &limits, NULL, &msg, NULL), 0);
		assert_non_null(msg);
		if (msg->text == NULL || msg->text_len > limits.max_text ||
		    !charset_utf8_valid((const unsigned char *)msg->text,
		    msg->text_len) ||
		    memchr(msg->text, 0, msg->text_len) != NULL)
			fail_msg("prefix %zu: text is not bounded UTF-8", k);
		if (msg->subject != NULL && !charset_utf8_valid(
		    (const unsigned char *)msg->subject,
		    strlen(msg->subject)))
			fail_msg("prefix %zu: subject is not UTF-8", k);
		mime_msg_free(&msg);
		assert_null(msg);
		free(rawbuf);
		rawbuf = NULL;
	}
}

/* --- mime_header_get ------------------------------------------------ */

struct hdr_case {
	const char	*name;
	const char	*want;		/* NULL: absent */
};

static const struct hdr_case hdr_cases[] = {
	{ "Subject", "first subject" },
	{ "subject", "first subject" },
	{ "SUBJECT", "first subject" },
	{ "x-mailer", "folded value" },
	{ "X-Arf", "yes" },
	{ "Auto-Submitted", "auto-generated" },
	{ "X-Missing", NULL },
	{ "Subj", NULL },
	{ "", NULL },
};

static void
test_header_get(void **state)
{
	static const char raw[] =
	    "Subject: first subject\n"
	    "X-Mailer: folded\n   value\n"
	    "subject: second subject\n"
	    "x-ARF: yes\n"
	    "AUTO-SUBMITTED: auto-generated\n"
	    "\nbody\n";
	size_t i;

	assert_int_equal(mime_parse(raw, sizeof(raw) - 1, &limits, NULL,
	    &msg, NULL),
	    0);
	assert_int_equal(msg->nhdr, 5);
	assert_string_equal(msg->hdr[1].name, "X-Mailer");
	for (i = 0; i < sizeof(hdr_cases) / sizeof(hdr_cases[0]); i++) {
		const struct hdr_case *c = &hdr_cases[i];
		const char *got = mime_header_get(msg, c->name);

		CHECK(c, same(got, c->want), "got [%s]", S(got));
	}
	mime_msg_free(&msg);
	assert_null(msg);
	mime_msg_free(&msg);	/* freeing NULL is a no-op */
	assert_null(msg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_table, teardown),
		cmocka_unit_test_teardown(test_corpus, teardown),
		cmocka_unit_test_teardown(test_edges, teardown),
		cmocka_unit_test_teardown(test_random, teardown),
		cmocka_unit_test_teardown(test_header_get, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
