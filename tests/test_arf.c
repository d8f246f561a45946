/*
 * test_arf.c - arf_parse, arf_get and arf_free (arf.h).
 *
 * Golden samples from tests/data/arf (its README says what each one is and
 * where it comes from), found through $top_srcdir as "make check" sets it,
 * else "..", the source root as seen from a build directory beside it.
 * Inline cases cover the X-ARF Source-Type guessing, YAML quoting and the
 * messages that must not count; the hostile ones feed 100000 fields, 2 MB
 * lines, NUL bytes and every prefix of a sample.  Buffers are allocated
 * to the exact length, so a read past len shows under ASan and valgrind.
 */
#include "unit.h"

#include <stdio.h>

#include "madoguchi/arf.h"

#define S(s)	((s) != NULL ? (s) : "(null)")

static char *
sample(const char *name, size_t *len_r)
{
	const char *top = getenv("top_srcdir");
	char path[4096];
	FILE *fp;
	char *data;
	long n = -1;

	if (top == NULL || *top == '\0')
		top = "..";
	(void)snprintf(path, sizeof(path), "%s/tests/data/arf/%s", top, name);
	if ((fp = fopen(path, "rb")) == NULL)
		fail_msg("cannot open %s: run from a build directory beside "
		    "the sources or set top_srcdir to the source root", path);
	if (fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) < 0 ||
	    fseek(fp, 0, SEEK_SET) != 0) {
		fail_msg("cannot size %s", path);
		n = 0;
	}
	data = malloc((size_t)n + 1);
	assert_non_null(data);
	if (fread(data, 1, (size_t)n, fp) != (size_t)n)
		fail_msg("cannot read %s", path);
	data[n] = '\0';
	(void)fclose(fp);
	*len_r = (size_t)n;
	return data;
}

static void
assert_empty(const struct arf_report *r)
{
	assert_int_equal(r->format, ARF_NONE);
	assert_null(r->fields);
	assert_int_equal(r->nfields, 0);
	assert_string_equal(r->feedback_type, "");
	assert_string_equal(r->source_ip, "");
	assert_string_equal(r->url, "");
	assert_string_equal(r->domain, "");
	assert_string_equal(r->arrival, "");
	assert_string_equal(r->reporter, "");
}

/* parse - arf_parse over an exact-size copy of s[0..len) */
static int
parse(const char *s, size_t len, struct arf_report *r)
{
	char *copy = malloc(len > 0 ? len : 1);
	int rc;

	assert_non_null(copy);
	memcpy(copy, s, len);
	rc = arf_parse(copy, len, r);
	free(copy);
	return rc;
}

/* ---- golden samples ---- */

struct kv {
	const char	*name;
	const char	*value;		/* NULL: the field must be absent */
};

struct file_case {
	const char	*file;
	int		 rc;
	enum arf_format	 format;
	const char	*feedback_type, *source_ip, *url, *domain, *arrival,
			*reporter;
	size_t		 nfields;
	struct kv	 get[5];
};

static const struct file_case file_cases[] = {
	{ "rfc5965-b1-minimal.eml", 1, ARF_ARF, "abuse", "", "", "", "",
	    "SomeGenerator/1.0", 3,
	    { { "Version", "1" }, { "Source-IP", NULL } } },
	{ "rfc5965-b2-optional.eml", 1, ARF_ARF, "abuse", "192.0.2.1",
	    "http://example.net/earn_money.html", "example.net",
	    "Thu, 8 Mar 2005 14:00:00 EDT", "SomeGenerator/1.0", 13,
	    { { "Authentication-Results", "mail.example.com; spf=fail "
	    "smtp.mail=somespammer@example.com" },
	    { "Reporting-MTA", "dns; mail.example.com" },
	    { "Original-Mail-From", "<somespammer@example.net>" },
	    { "Removal-Recipient", "user@example.com" } } },
	{ "rfc6591-auth-failure.eml", 1, ARF_ARF, "auth-failure", "192.0.2.1",
	    "dns:testkey._domainkey.sender.example.net",
	    "a.sender.example.net", "8 Oct 2011 20:15:58 +0000 (GMT)",
	    "Someisp!Mail-Feedback/1.0", 15,
	    { { "Authentication-Results",
	    "mta1011.mail.tp2.receiver.example.com; dkim=fail (64-bit key) "
	    "reason=\"signature error: RSA verify failed\" "
	    "header.d=sender.example.net; "
	    "spf=pass smtp.mailfrom=anexample.reply@a.sender.example.net" },
	    { "Auth-Failure", "signature" },
	    { "DKIM-Canonicalized-Header",
	    "VG86IGRvbm90cmVwbHlAYS1zZXJ2aWNlLmV4YW1wbGUu bmV0DQo=" },
	    { "Original-Envelope-Id", "o3F52gxO029144" },
	    { "DKIM-Selector", "testkey" } } },
	{ "arf-base64-part.eml", 1, ARF_ARF, "abuse", "2001:db8::25",
	    "https://example.net/unsubscribe?id=8d3f", "example.net",
	    "Tue, 14 Jan 2025 09:12:44 +0000", "ExampleMail-FBL/2.3", 10,
	    { { "Authentication-Results", "mx.example.com; dkim=pass "
	    "header.d=example.net; spf=pass "
	    "smtp.mailfrom=newsletter@example.net" },
	    { "Arrival-Date", NULL },
	    { "Original-Rcpt-To", "<customer@example.com>" } } },
	{ "arf-damaged.eml", 1, ARF_ARF, "fraud", "198.51.100.77",
	    "http://example.net/ very/long/path.html", "example.net",
	    "Fri, 6 Jun 2014 10:58:13 +0200",
	    "Broken-Reporter/0.9 (build 17; \"folded\")", 8,
	    { { "Version", "1" }, { "Incidents", "3" },
	    { "not a field at all", NULL } } },
	{ "xarf-v02-login-attack.eml", 1, ARF_XARF, "abuse", "192.0.2.55", "",
	    "", "Thu, 22 Nov 2012 04:20:56 +0100",
	    "abuse-reports@example.com", 15,
	    { { "Report-Type", "login-attack" }, { "Version", "0.2" },
	    { "Port", "22" }, { "TLP", "amber" },
	    { "Schema-URL",
	    "http://www.x-arf.org/schema/abuse_login-attack_0.1.2.json" } } },
	{ "xarf-v01-phishing.eml", 1, ARF_XARF, "phishing-site", "",
	    "http://login.example.net/bank/v\xc3\xa9rifier-le-compte/"
	    "index.php?session=3fa9&step=2", "", "2010-05-03T17:02:11+02:00",
	    "phishing@example.com", 11,
	    { { "Category", NULL },
	    { "User-Agent", "Example Phish Watcher 1.4 (beta; \"nightly\")" },
	    { "Report-ID", "4711@phish.example.com" } } },
	{ "dsn-delivery-status.eml", 0, ARF_NONE, "", "", "", "", "", "", 0,
	    { { "Action", NULL } } },
};

static void
test_samples(void **state)
{
	size_t i, j, len;

	for (i = 0; i < sizeof(file_cases) / sizeof(file_cases[0]); i++) {
		const struct file_case *c = &file_cases[i];
		struct arf_report r;
		char *raw = sample(c->file, &len);
		int rc = parse(raw, len, &r);

		print_message("%s: rc %d, %s, %zu fields\n", c->file, rc,
		    arf_format_name(r.format), r.nfields);
		assert_int_equal(rc, c->rc);
		assert_int_equal(r.format, c->format);
		assert_string_equal(r.feedback_type, c->feedback_type);
		assert_string_equal(r.source_ip, c->source_ip);
		assert_string_equal(r.url, c->url);
		assert_string_equal(r.domain, c->domain);
		assert_string_equal(r.arrival, c->arrival);
		assert_string_equal(r.reporter, c->reporter);
		assert_int_equal(r.nfields, c->nfields);
		for (j = 0; j < sizeof(c->get) / sizeof(c->get[0]) &&
		    c->get[j].name != NULL; j++) {
			const char *v = arf_get(&r, c->get[j].name);

			if (c->get[j].value == NULL && v != NULL)
				fail_msg("%s: %s should be absent, is [%s]",
				    c->file, c->get[j].name, v);
			if (c->get[j].value != NULL && (v == NULL ||
			    strcmp(v, c->get[j].value) != 0))
				fail_msg("%s: %s is [%s], want [%s]", c->file,
				    c->get[j].name, S(v), c->get[j].value);
		}
		if (rc == 0)
			assert_empty(&r);
		arf_free(&r);
		assert_empty(&r);
		free(raw);
	}
}

/* every field kept, in order, repeats too; arf_get is case-insensitive */
static void
test_order(void **state)
{
	static const char *const names[] = { "Feedback-Type", "User-Agent",
	    "Version", "Original-Mail-From", "Original-Rcpt-To",
	    "Arrival-Date", "Reporting-MTA", "Source-IP",
	    "Authentication-Results", "Reported-Domain", "Reported-Uri",
	    "Reported-Uri", "Removal-Recipient" };
	struct arf_report r;
	size_t i, len;
	char *raw = sample("rfc5965-b2-optional.eml", &len);

	assert_int_equal(parse(raw, len, &r), 1);
	assert_int_equal(r.nfields, sizeof(names) / sizeof(names[0]));
	for (i = 0; i < r.nfields; i++)
		assert_string_equal(r.fields[i].name, names[i]);
	assert_string_equal(r.fields[10].value,
	    "http://example.net/earn_money.html");
	assert_string_equal(r.fields[11].value, "mailto:user@example.com");
	assert_string_equal(S(arf_get(&r, "reported-URI")),
	    "http://example.net/earn_money.html");
	assert_string_equal(S(arf_get(&r, "FEEDBACK-TYPE")), "abuse");
	assert_null(arf_get(&r, "Feedback"));
	assert_null(arf_get(&r, ""));
	arf_free(&r);
	assert_null(arf_get(&r, "Feedback-Type"));
	free(raw);

	/* the X-ARF report part, not the human part with "Source:" in it */
	raw = sample("xarf-v02-login-attack.eml", &len);
	assert_int_equal(parse(raw, len, &r), 1);
	assert_string_equal(r.fields[0].name, "Reported-From");
	assert_string_equal(r.fields[r.nfields - 1].name, "TLP");
	arf_free(&r);
	free(raw);

	assert_string_equal(arf_format_name(ARF_NONE), "none");
	assert_string_equal(arf_format_name(ARF_ARF), "arf");
	assert_string_equal(arf_format_name(ARF_XARF), "x-arf");
}

/* ---- inline messages ---- */

#define ARF_HEAD \
	"From: fbl@example.com\n" \
	"Content-Type: multipart/report; report-type=feedback-report;\n" \
	" boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\nhuman\n" \
	"--b\nContent-Type: message/feedback-report\n"

struct neg_case {
	const char	*name;
	const char	*msg;
};

static const struct neg_case neg_cases[] = {
	{ "empty", "" },
	{ "blank line only", "\r\n" },
	{ "plain mail with report fields in the body",
	    "From: a@example.com\nSubject: Feedback-Type: abuse\n\n"
	    "Feedback-Type: abuse\nSource-IP: 192.0.2.1\n" },
	{ "X-ARF: NO", "X-ARF: NO\nContent-Type: text/plain\n\n"
	    "Reported-From: a@example.com\nCategory: abuse\n"
	    "Source: 192.0.2.1\n" },
	{ "X-ARF: YESS", "X-ARF: YESS\n\nCategory: abuse\n" },
	{ "X-ARF only in the body", "Subject: fwd\n\nX-ARF: YES\n\n"
	    "Category: abuse\n" },
	{ "X-ARF continuation of another header",
	    "Subject: a\n X-ARF: YES\n\nCategory: abuse\n" },
	{ "multipart/report without report-type",
	    "Content-Type: multipart/report; boundary=b\n\n--b\n"
	    "Content-Type: message/feedback-report\n\nFeedback-Type: abuse\n"
	    "--b--\n" },
	{ "report-type=delivery-status",
	    "Content-Type: multipart/report; report-type=delivery-status;"
	    " boundary=b\n\n--b\nContent-Type: message/feedback-report\n\n"
	    "Feedback-Type: abuse\n--b--\n" },
	{ "report-type=feedback-reports",
	    "Content-Type: multipart/report; report-type=feedback-reports;"
	    " boundary=b\n\n--b\nContent-Type: message/feedback-report\n\n"
	    "Feedback-Type: abuse\n--b--\n" },
	{ "report-type=abuse (pre-RFC drafts, not read)",
	    "Content-Type: multipart/report; report-type=abuse;"
	    " boundary=b\n\n--b\nContent-Type: message/feedback-report\n\n"
	    "Feedback-Type: abuse\n--b--\n" },
	{ "forwarded: feedback-report part in multipart/mixed",
	    "Content-Type: multipart/mixed; boundary=b\n\n--b\n"
	    "Content-Type: message/feedback-report\n\nFeedback-Type: abuse\n"
	    "--b--\n" },
	{ "report-type in another header",
	    "X-Note: report-type=feedback-report\n"
	    "Content-Type: multipart/report; boundary=b\n\n" },
};

static void
test_negatives(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(neg_cases) / sizeof(neg_cases[0]); i++) {
		struct arf_report r;

		print_message("%s\n", neg_cases[i].name);
		assert_int_equal(parse(neg_cases[i].msg,
		    strlen(neg_cases[i].msg), &r), 0);
		assert_empty(&r);
		arf_free(&r);
	}
}

/* content types and boundaries the way robots write them */
static void
test_arf_inline(void **state)
{
	static const char qp[] =
	    "Content-Type: MULTIPART/REPORT; Report-Type = \"FEEDBACK-REPORT\""
	    " ; boundary = \"q p\"\r\n\r\n"
	    "--q p\r\nContent-Type: message/feedback-report\r\n"
	    "Content-Transfer-Encoding: Quoted-Printable\r\n\r\n"
	    "Feedback-Type: opt=\r\n-out\r\n"
	    "Reported-Uri: http://example.com/=3F"
	    "\r\n--q p--\r\n";
	static const char both[] = "X-ARF: YES\n" ARF_HEAD
	    "\nFeedback-Type: virus\nCategory: abuse\n--b--\n";
	static const char mbox[] = "From fbl@example.com Thu Nov 22 04:21:00 "
	    "2012\n" ARF_HEAD "\nFeedback-Type: other\n";
	static const char nopart[] = "Content-Type: multipart/report; "
	    "report-type=feedback-report; boundary=b\n\n--b\n"
	    "Content-Type: text/plain\n\nno report part\n--b--\n";
	static const char bare[] = "Content-Type: multipart/report; "
	    "report-type=feedback-report\n\nFeedback-Type: abuse\n";
	static const char prefix_b[] = "Content-Type: multipart/report; "
	    "report-type=feedback-report; boundary=b\n\n--bb\n"
	    "Content-Type: message/feedback-report\n\nFeedback-Type: no\n"
	    "--b \t\n"
	    "Content-Type: message/feedback-report\n\nFeedback-Type: yes\n"
	    "--b--";
	struct arf_report r;

	assert_int_equal(parse(qp, sizeof(qp) - 1, &r), 1);
	assert_string_equal(r.feedback_type, "opt-out");
	assert_string_equal(r.url, "http://example.com/?");
	assert_int_equal(r.nfields, 2);
	arf_free(&r);

	/* ARF by its Content-Type wins over the X-ARF header */
	assert_int_equal(parse(both, sizeof(both) - 1, &r), 1);
	assert_int_equal(r.format, ARF_ARF);
	assert_string_equal(r.feedback_type, "virus");
	arf_free(&r);

	assert_int_equal(parse(mbox, sizeof(mbox) - 1, &r), 1);
	assert_string_equal(r.feedback_type, "other");
	arf_free(&r);

	/* declared but without a report part: ARF, nothing picked */
	assert_int_equal(parse(nopart, sizeof(nopart) - 1, &r), 1);
	assert_int_equal(r.format, ARF_ARF);
	assert_int_equal(r.nfields, 0);
	assert_null(r.fields);
	arf_free(&r);
	assert_int_equal(parse(bare, sizeof(bare) - 1, &r), 1);
	assert_int_equal(r.nfields, 0);
	arf_free(&r);

	/* "--bb" is not a delimiter for boundary "b"; padding after one is */
	assert_int_equal(parse(prefix_b, sizeof(prefix_b) - 1, &r), 1);
	assert_string_equal(r.feedback_type, "yes");
	arf_free(&r);
}

/* NUL, control characters and bad UTF-8 in values; cuts on a boundary */
static void
test_values(void **state)
{
	static const char ctl[] = ARF_HEAD "\n"
	    "Feedback-Type: \t a\0b\001c\177 \r\n"
	    "User-Agent: \xff\xc3(\xe2\x82 x \xed\xa0\x80 \xc0\xaf "
	    "\xf4\x90\x80\x80 ok\xc3\xa9\n"
	    "Reported-Domain: \xc3\n"
	    "Reported-URI:\n"
	    "Source-IP\t: 192.0.2.4\n";
	struct arf_report r;
	char *msg, *p;
	size_t i, n;

	assert_int_equal(parse(ctl, sizeof(ctl) - 1, &r), 1);
	assert_string_equal(r.feedback_type, "a b c");
	/* split so that no "??(" trigraph forms */
	assert_string_equal(r.reporter,
	    "?" "?(?" "? x ?" "?? ?" "? ?" "??? ok\xc3\xa9");
	assert_string_equal(r.domain, "");
	assert_string_equal(r.url, "");
	assert_string_equal(S(arf_get(&r, "Reported-URI")), "");
	assert_string_equal(S(arf_get(&r, "Source-IP")), "192.0.2.4");
	assert_string_equal(r.source_ip, "192.0.2.4");
	arf_free(&r);

	/* 600 two-byte characters: cut to whole characters */
	n = strlen(ARF_HEAD) + 64 + 2 * 1200;
	msg = malloc(n);
	assert_non_null(msg);
	p = msg + snprintf(msg, n, "%s\nUser-Agent: ", ARF_HEAD);
	for (i = 0; i < 600; i++) {
		*p++ = '\xc3';
		*p++ = '\xa9';
	}
	p += snprintf(p, 64, "\nReported-Uri: ");
	for (i = 0; i < 600; i++) {
		*p++ = '\xc3';
		*p++ = '\xa9';
	}
	assert_int_equal(parse(msg, (size_t)(p - msg), &r), 1);
	assert_int_equal(strlen(r.fields[0].value), ARF_FIELD_MAX - 2);
	assert_int_equal(strlen(r.reporter), sizeof(r.reporter) - 2);
	assert_int_equal(strlen(r.url), ARF_FIELD_MAX - 2);
	assert_memory_equal(r.reporter, "\xc3\xa9\xc3\xa9", 4);
	assert_int_equal((unsigned char)r.reporter[sizeof(r.reporter) - 3],
	    0xa9);
	arf_free(&r);
	free(msg);
}

/* ---- X-ARF ---- */

enum where { NOWHERE, IP, URL, DOMAIN };

struct src_case {
	const char	*type;		/* Source-Type, NULL: no such line */
	const char	*source;
	enum where	 want;
};

static const struct src_case src_cases[] = {
	{ "ipv4", "192.0.2.1", IP },
	{ "IPv6", "2001:db8::1", IP },
	{ "ip-address", "198.51.100.3", IP },
	{ "uri", "https://example.com/a", URL },
	{ "URL", "http://example.net/b", URL },
	{ "domain", "example.net", DOMAIN },
	/* the declared type wins over the shape */
	{ "domain", "192.0.2.8", DOMAIN },
	{ "ipv4", "example.com", IP },
	/* no type, or one we do not know: by the shape */
	{ NULL, "192.0.2.7", IP },
	{ NULL, "2001:db8::7", IP },
	{ NULL, "192.0.2.0/24", IP },
	{ NULL, "http://example.net/p?q=1", URL },
	{ NULL, "hxxp://example.net/p", URL },
	{ NULL, "evil.example.net", DOMAIN },
	{ "email", "phish.example.com", DOMAIN },
	{ "email", "someone@example.net", NOWHERE },
	{ NULL, "not a source", NOWHERE },
	{ NULL, "1.2.3", NOWHERE },
	{ NULL, "localhost", NOWHERE },
	{ NULL, "", NOWHERE },
};

static void
test_xarf_source(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(src_cases) / sizeof(src_cases[0]); i++) {
		const struct src_case *c = &src_cases[i];
		struct arf_report r;
		char msg[512];
		int n;

		n = snprintf(msg, sizeof(msg), "X-ARF: YES\n"
		    "Content-Type: text/plain\n\nReported-From: r@example.com\n"
		    "%s%s%sSource: %s\n", c->type != NULL ? "Source-Type: " :
		    "", c->type != NULL ? c->type : "", c->type != NULL ?
		    "\n" : "", c->source);
		print_message("%s %s\n", S(c->type), c->source);
		assert_int_equal(parse(msg, (size_t)n, &r), 1);
		assert_int_equal(r.format, ARF_XARF);
		assert_string_equal(r.source_ip, c->want == IP ? c->source :
		    "");
		assert_string_equal(r.url, c->want == URL ? c->source : "");
		assert_string_equal(r.domain, c->want == DOMAIN ? c->source :
		    "");
		arf_free(&r);
	}
}

static void
test_xarf_inline(void **state)
{
	static const char yaml[] = "x-arf:   yes  \r\n"
	    "Content-Type: multipart/mixed; boundary=\"=_x\"\r\n\r\n"
	    "--=_x\r\nContent-Type: text/html\r\n\r\n"
	    "Category: html part is not read\r\n"
	    "--=_x\r\nContent-Type: application/octet-stream\r\n\r\n"
	    "Category: binary part is not read\r\n"
	    "--=_x\r\nContent-Type: text/plain\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n"
	    /* "---\n# c\nCategory: \"fraud \\\"x\\\"\"\nReport-Type: 'it''s'\n
	     *  Date: \"\"\nSource: \"\n" */
	    "LS0tCiMgYwpDYXRlZ29yeTogImZyYXVkIFwieFwiIgpSZXBvcnQtVHlwZTogJ2l0"
	    "JydzJwpEYXRlOiAiIgpTb3VyY2U6ICIK\r\n"
	    "--=_x--\r\n";
	static const char noreport[] = "X-ARF: YES\nContent-Type: "
	    "multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\n"
	    "Hello, please find no report here.\n--b--\n";
	static const char notype[] = "X-ARF: YES\n\n---\n"
	    "Report-Type: spam\nSource: 198.51.100.9\n";
	static const char yml[] = "X-ARF: YES\nContent-Type: multipart/mixed;"
	    " boundary=b\n\n--b\nContent-Type: text/plain\n\nCategory: "
	    "prose\n--b\nContent-Type: application/octet-stream\n"
	    "Content-Disposition: attachment; filename=\"Report.YAML\"\n\n"
	    "Category: yaml\n--b--\n";
	struct arf_report r;

	assert_int_equal(parse(yaml, sizeof(yaml) - 1, &r), 1);
	assert_int_equal(r.nfields, 4);
	assert_string_equal(r.feedback_type, "fraud \"x\"");
	assert_string_equal(S(arf_get(&r, "Report-Type")), "it's");
	assert_string_equal(r.arrival, "");
	assert_string_equal(S(arf_get(&r, "Source")), "\"");
	arf_free(&r);

	/* declared X-ARF without a report part */
	assert_int_equal(parse(noreport, sizeof(noreport) - 1, &r), 1);
	assert_int_equal(r.format, ARF_XARF);
	assert_int_equal(r.nfields, 0);
	arf_free(&r);

	/* not multipart at all; Report-Type stands in for Category */
	assert_int_equal(parse(notype, sizeof(notype) - 1, &r), 1);
	assert_string_equal(r.feedback_type, "spam");
	assert_string_equal(r.source_ip, "198.51.100.9");
	arf_free(&r);

	/* a part named *.yaml is preferred even when it is not text/plain */
	assert_int_equal(parse(yml, sizeof(yml) - 1, &r), 1);
	assert_string_equal(r.feedback_type, "yaml");
	arf_free(&r);
}

/* ---- hostile input ---- */

static void
test_many_fields(void **state)
{
	size_t n = strlen(ARF_HEAD) + 64 + 100000 * 32, len;
	char *msg = malloc(n), *p;
	struct arf_report r;
	int i;

	assert_non_null(msg);
	p = msg + snprintf(msg, n, "%s\nFeedback-Type: abuse\n", ARF_HEAD);
	for (i = 0; i < 100000; i++)
		p += snprintf(p, 32, "X-Field-%d: v%d\n", i, i);
	p += snprintf(p, 32, "Source-IP: 192.0.2.1\n");
	len = (size_t)(p - msg);
	assert_int_equal(parse(msg, len, &r), 1);
	assert_int_equal(r.nfields, ARF_MAX_FIELDS);
	assert_string_equal(r.feedback_type, "abuse");
	assert_string_equal(r.fields[ARF_MAX_FIELDS - 1].name, "X-Field-198");
	assert_string_equal(r.fields[ARF_MAX_FIELDS - 1].value, "v198");
	/* beyond the limit, ignored */
	assert_string_equal(r.source_ip, "");
	arf_free(&r);
	free(msg);
}

static void
test_huge_lines(void **state)
{
	const size_t big = 2 * 1024 * 1024;
	struct arf_report r;
	size_t slen, n, k;
	char *s = sample("rfc5965-b2-optional.eml", &slen), *msg, *p;

	n = 2 * big + slen + 4096;
	msg = malloc(n);
	assert_non_null(msg);

	/* a 2 MB header line before a good report */
	p = msg + snprintf(msg, n, "X-Junk: ");
	memset(p, 'a', big);
	p += big;
	*p++ = '\n';
	memcpy(p, s, slen);
	p += slen;
	assert_int_equal(parse(msg, (size_t)(p - msg), &r), 1);
	assert_string_equal(r.source_ip, "192.0.2.1");
	assert_int_equal(r.nfields, 13);
	arf_free(&r);

	/* a 2 MB header without a colon, and a 2 MB name */
	memset(msg, 'A', big);
	msg[big] = '\n';
	memcpy(msg + big + 1, s, slen);
	assert_int_equal(parse(msg, big + 1 + slen, &r), 1);
	assert_string_equal(r.source_ip, "192.0.2.1");
	arf_free(&r);
	msg[big] = ':';
	assert_int_equal(parse(msg, big + 1 + slen, &r), 1);
	arf_free(&r);

	/* a 2 MB Content-Type: the boundary past our copy is lost */
	p = msg + snprintf(msg, n, "Content-Type: multipart/report; "
	    "report-type=feedback-report; x=");
	memset(p, 'x', big);
	p += big;
	p += snprintf(p, 128, "; boundary=b\n\n--b\nContent-Type: "
	    "message/feedback-report\n\nFeedback-Type: abuse\n");
	assert_int_equal(parse(msg, (size_t)(p - msg), &r), 1);
	assert_int_equal(r.nfields, 0);
	arf_free(&r);

	/* a 2 MB value, and a 2 MB folded one: cut, not refused */
	p = msg + snprintf(msg, n, "%s\nReported-Uri: http://", ARF_HEAD);
	memset(p, 'u', big);
	p += big;
	p += snprintf(p, 64, "\nUser-Agent: x");
	for (k = 0; k < big / 4; k++) {
		memcpy(p, "\n y ", 4);
		p += 4;
	}
	assert_int_equal(parse(msg, (size_t)(p - msg), &r), 1);
	assert_int_equal(r.nfields, 2);
	assert_int_equal(strlen(r.url), ARF_FIELD_MAX - 1);
	assert_memory_equal(r.url, "http://uuu", 10);
	assert_int_equal(strlen(r.reporter), sizeof(r.reporter) - 1);
	assert_memory_equal(r.reporter, "x y y y", 7);
	arf_free(&r);

	/* a 2 MB run of "-" lines where boundaries are looked for */
	p = msg + snprintf(msg, n, "%s", ARF_HEAD);
	memset(p, '-', big);
	p += big;
	assert_int_equal(parse(msg, (size_t)(p - msg), &r), 1);
	arf_free(&r);

	free(msg);
	free(s);
}

/* every prefix of a sample, as a truncated spool file would give */
static void
test_prefixes(void **state)
{
	static const char *const files[] = { "rfc5965-b2-optional.eml",
	    "arf-base64-part.eml", "xarf-v02-login-attack.eml",
	    "xarf-v01-phishing.eml" };
	size_t f, len, i, full;

	for (f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		char *s = sample(files[f], &len);
		struct arf_report r;

		assert_int_equal(parse(s, len, &r), 1);
		full = r.nfields;
		arf_free(&r);
		for (i = 0; i <= len; i++) {
			int rc = parse(s, i, &r);

			assert_true(rc == 0 || rc == 1);
			assert_true(rc == (r.format != ARF_NONE));
			if (r.nfields > full)
				fail_msg("%s: prefix %zu has %zu fields, the "
				    "whole %zu", files[f], i, r.nfields, full);
			arf_free(&r);
		}
		free(s);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_samples),
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_negatives),
		cmocka_unit_test(test_arf_inline),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_xarf_source),
		cmocka_unit_test(test_xarf_inline),
		cmocka_unit_test(test_many_fields),
		cmocka_unit_test(test_huge_lines),
		cmocka_unit_test(test_prefixes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
