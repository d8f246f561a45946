/*
 * test_tmpl.c - templates (tmpl.h): the built-in acknowledgement for every
 * kind of ticket and the checklist items it must (and must not) carry, the
 * fingerprint as gpg shows it, {{subject}} in Subject only, hostile
 * values, the lookup order of an instance's files over the built-in set,
 * a local checklist, every way a template can be broken (with the file and
 * line in the message), names that must never become paths, and
 * tmpl_check.
 */
#include "unit.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "madoguchi/err.h"
#include "madoguchi/tmpl.h"

#define IN(s)	(s), sizeof(s) - 1
#define FPR_IN	"bd9c3732d88c8f69dac53f6b4cd623bd8612814d"
#define FPR_OUT	"BD9C 3732 D88C 8F69 DAC5  3F6B 4CD6 23BD 8612 814D"
#define SEP	"\n---------"	/* between the Japanese and English halves */

static void
vars_default(struct tmpl_vars *v)
{
	memset(v, 0, sizeof(*v));
	v->tag = "CSIRT#12";
	v->received = "2026-11-22 13:20";
	v->team_name = "Example CSIRT";
	v->team_address = "csirt@example.org";
	v->fingerprint = FPR_IN;
}

/* a fresh directory under /tmp; rm_dir removes it and what it holds */
static char *
mk_dir(void)
{
	char *d = strdup("/tmp/test_tmpl.XXXXXX");

	assert_non_null(d);
	assert_non_null(mkdtemp(d));
	return d;
}

static void
put(const char *dir, const char *name, const char *data, size_t n)
{
	char	path[512];
	FILE	*fp;

	(void)snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, n, fp), n);
	assert_int_equal(fclose(fp), 0);
}

static void
rm(const char *dir, const char *name)
{
	char path[512];

	(void)snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_int_equal(unlink(path), 0);
}

static void
rm_dir(char *dir, const char *const *names)
{
	char path[512];

	for (; *names != NULL; names++) {
		(void)snprintf(path, sizeof(path), "%s/%s", dir, *names);
		(void)unlink(path);	/* may be gone already */
	}
	assert_int_equal(rmdir(dir), 0);
	free(dir);
}

/* count - occurrences of needle in hay */
static int
count(const char *hay, const char *needle)
{
	int n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

/*
 * the built-in ack for each kind of ticket: one distinctive item of each
 * checklist section, in each language; present exactly when the type maps
 * to that section (the basic items always)
 */
enum { S_BASIC, S_LEAK, S_MALWARE, S_INTRUSION, S_DDOS, S_PHISHING,
    S_VULN, S_N };

static const struct {
	const char *ja, *en;
} marks[S_N] = {
	{ "情報の取扱い制限（TLP 等）", "How we may share what you send (TLP label)" },
	{ "暗号化の有無", "Whether the data was encrypted" },
	{ "検知名と検体のハッシュ値（SHA-256）",
	    "Detection name and the sample's SHA-256" },
	{ "アクセス元 IP アドレスと日時",
	    "Source IP addresses with times and time zone" },
	{ "脅迫・金銭要求の有無", "Any extortion or ransom demand" },
	{ "フィッシングサイトの URL（無害化した形で）",
	    "The phishing URL (defanged)" },
	{ "再現手順・検証コード", "Steps or proof of concept to reproduce it" },
};

static const struct {
	const char	*type;
	int		 section;	/* S_BASIC: basic items only */
} kinds[] = {
	{ "information-content-security/data-loss", S_LEAK },
	{ "information-content-security/unauthorised-information-access",
	    S_LEAK },
	{ "malicious-code/infected-system", S_MALWARE },
	{ "malicious-code/c2-server", S_MALWARE },
	{ "intrusions/application-compromise", S_INTRUSION },
	{ "intrusion-attempts/brute-force", S_INTRUSION },
	{ "availability/ddos", S_DDOS },
	{ "availability/dos", S_DDOS },
	{ "availability/outage", S_BASIC },
	{ "fraud/phishing", S_PHISHING },
	{ "fraud/copyright", S_BASIC },
	{ "vulnerable/vulnerable-system", S_VULN },
	{ "vulnerable/ddos-amplifier", S_VULN },
	{ "abusive-content/spam", S_BASIC },
	{ "other/other", S_BASIC },
	{ NULL, S_BASIC },
};

static void
test_builtin_ack_kinds(void **state)
{
	struct tmpl_vars	 v;
	struct mg_err		 err;
	char			*subj, *body, *sep, *auto_ja;
	size_t			 i;
	int			 s, want, bad = 0;

	(void)state;
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		vars_default(&v);
		v.type = kinds[i].type;
		subj = body = NULL;
		if (tmpl_render(NULL, "ack", &v, &subj, &body, &err) != 0)
			fail_msg("%s: %s", kinds[i].type, err.msg);
		sep = strstr(body, SEP);
		assert_non_null(sep);
		for (s = 0; s < S_N; s++) {
			want = s == S_BASIC || s == kinds[i].section;
			/* Japanese items before the separator, English after */
			if ((strstr(body, marks[s].ja) != NULL) != want ||
			    (strstr(sep, marks[s].ja) != NULL) ||
			    (strstr(sep, marks[s].en) != NULL) != want ||
			    count(body, marks[s].en) != want) {
				print_error("%s: section %d %s\n",
				    kinds[i].type ? kinds[i].type : "(none)",
				    s, want ? "missing" : "present");
				bad++;
			}
		}
		/* basic items first, as "- item" lines */
		if (kinds[i].section != S_BASIC &&
		    strstr(body, marks[S_BASIC].en) >
		    strstr(body, marks[kinds[i].section].en))
			bad++;
		if (strstr(body, "\n- " "報告者の氏名") == NULL ||
		    strstr(body, "\n- Your name, organisation") == NULL)
			bad++;
		/* the tag, the address, no placeholder left */
		if (count(body, "CSIRT#12") < 2 || strstr(body, "{{") ||
		    strstr(body, "csirt@example.org") == NULL ||
		    strstr(body, "2026-11-22 13:20") == NULL ||
		    (auto_ja = strstr(body, "自動送信")) == NULL ||
		    auto_ja > sep ||
		    strstr(sep, "automatic reply") == NULL) {
			print_error("%s: body\n%s\n", kinds[i].type, body);
			bad++;
		}
		free(subj);
		free(body);
	}
	assert_int_equal(bad, 0);
}

/* the body: LF only, one final newline; the fingerprint as gpg shows it */
static void
test_body_shape_and_fingerprint(void **state)
{
	struct tmpl_vars	 v;
	struct mg_err		 err;
	char			*subj = NULL, *body = NULL;
	size_t			 n;

	(void)state;
	vars_default(&v);
	assert_int_equal(tmpl_render(NULL, "ack", &v, &subj, &body, &err), 0);
	n = strlen(body);
	assert_true(n > 2);
	assert_int_equal(body[n - 1], '\n');
	assert_int_not_equal(body[n - 2], '\n');
	assert_null(strchr(body, '\r'));
	assert_null(strchr(subj, '\n'));
	assert_int_equal(count(body, FPR_OUT), 2);
	assert_null(strstr(body, FPR_IN));
	free(subj);
	free(body);

	/* already grouped, upper case: the same */
	v.fingerprint = FPR_OUT;
	assert_int_equal(tmpl_render(NULL, "ack", &v, &subj, &body, &err), 0);
	assert_int_equal(count(body, FPR_OUT), 2);
	free(subj);
	free(body);

	/* not hex, or no key at all: an error, not a blank */
	v.fingerprint = "not-a-fingerprint";
	subj = body = NULL;
	assert_int_equal(tmpl_render(NULL, "ack", &v, &subj, &body, &err),
	    -1);
	assert_int_equal(err.cls, MG_ERR_PERM);
	assert_non_null(strstr(err.msg, "fingerprint"));
	assert_null(subj);
	assert_null(body);
	v.fingerprint = "";
	assert_int_equal(tmpl_render(NULL, "ack", &v, &subj, &body, &err),
	    -1);
	assert_non_null(strstr(err.msg, "{{fingerprint}} has no value"));
	vars_default(&v);
	v.tag = NULL;
	assert_int_equal(tmpl_render(NULL, "ack", &v, &subj, &body, &err),
	    -1);
	assert_non_null(strstr(err.msg, "{{tag}} has no value"));
	assert_null(subj);
	assert_null(body);
}

/* {{subject}}: in Subject, cleaned, capped, never expanded, never quoted */
static void
test_subject(void **state)
{
	struct tmpl_vars	 v;
	struct mg_err		 err;
	char			*subj, *body, longs[1000];

	(void)state;
	vars_default(&v);
	v.subject = "Phishing at example.com";
	assert_int_equal(tmpl_render(NULL, "ack", &v, &subj, &body, &err), 0);
	assert_string_equal(subj,
	    "[CSIRT#12] 受付 / Received: Phishing at example.com");
	assert_null(strstr(body, "Phishing at example.com"));
	free(subj);
	free(body);

	/* an encrypted report: no subject, no trailing blank */
	v.subject = NULL;
	assert_int_equal(tmpl_render(NULL, "ack", &v, &subj, &body, &err), 0);
	assert_string_equal(subj, "[CSIRT#12] 受付 / Received:");
	free(subj);
	free(body);

	/* no header injection, no second expansion, bad bytes replaced */
	v.subject = "a\r\nBcc: x@example.net {{tag}} \xff\x1b";
	assert_int_equal(tmpl_render(NULL, "ack", &v, &subj, &body, &err), 0);
	assert_string_equal(subj, "[CSIRT#12] 受付 / Received: a  Bcc: "
	    "x@example.net {{tag}} \xef\xbf\xbd");
	free(subj);
	free(body);

	/* a huge subject is cut on a character boundary */
	memset(longs, 0, sizeof(longs));
	for (size_t i = 0; i + 3 < sizeof(longs); i += 3)
		memcpy(longs + i, "あ", 3);
	v.subject = longs;
	assert_int_equal(tmpl_render(NULL, "ack", &v, &subj, &body, &err), 0);
	assert_true(strlen(subj) < TMPL_MAX_SUBJECT_VAR + 64);
	assert_non_null(strstr(subj, "あ…"));
	free(subj);
	free(body);
}

/* q+type > type > queue > plain, in the directory, before the built-in */
static void
test_lookup_order(void **state)
{
	static const char *const files[] = {
		"ack.q-phishing.t-fraud-phishing.txt",
		"ack.t-fraud-phishing.txt", "ack.q-phishing.txt", "ack.txt",
		"ack.q-triage.txt", NULL
	};
	static const char *const want[] = {
		"qt", "t", "q", "plain", NULL
	};
	struct tmpl_vars	 v;
	struct mg_err		 err;
	char			*dir = mk_dir(), *subj, *body, text[128];
	int			 i;

	(void)state;
	for (i = 0; want[i] != NULL; i++) {
		(void)snprintf(text, sizeof(text),
		    "Subject: %s {{tag}}\n\n%s {{queue}} {{type}}\n", want[i],
		    want[i]);
		put(dir, files[i], text, strlen(text));
	}
	vars_default(&v);
	v.queue = "phishing";
	v.type = "fraud/phishing";
	for (i = 0; want[i] != NULL; i++) {
		assert_int_equal(tmpl_render(dir, "ack", &v, &subj, &body,
		    &err), 0);
		(void)snprintf(text, sizeof(text), "%s CSIRT#12", want[i]);
		assert_string_equal(subj, text);
		(void)snprintf(text, sizeof(text),
		    "%s phishing fraud/phishing\n", want[i]);
		assert_string_equal(body, text);
		free(subj);
		free(body);
		rm(dir, files[i]);
	}
	/* nothing left in the directory: the built-in ack */
	assert_int_equal(tmpl_render(dir, "ack", &v, &subj, &body, &err), 0);
	assert_non_null(strstr(subj, "受付 / Received:"));
	free(subj);
	free(body);

	/* another queue, another type: only what matches */
	put(dir, "ack.q-phishing.txt", IN("Subject: q\n\nq\n"));
	put(dir, "ack.t-fraud-phishing.txt", IN("Subject: t\n\nt\n"));
	v.queue = "abuse";
	v.type = "malicious-code/c2-server";
	assert_int_equal(tmpl_render(dir, "ack", &v, &subj, &body, &err), 0);
	assert_non_null(strstr(subj, "受付"));
	free(subj);
	free(body);
	v.type = "fraud/phishing";
	assert_int_equal(tmpl_render(dir, "ack", &v, &subj, &body, &err), 0);
	assert_string_equal(subj, "t");
	free(subj);
	free(body);

	/* no queue is the triage queue, shown as such */
	put(dir, "ack.q-triage.txt", IN("Subject: tr\n\n{{queue}} {{type}}\n"));
	v.queue = NULL;
	v.type = NULL;
	assert_int_equal(tmpl_render(dir, "ack", &v, &subj, &body, &err), 0);
	assert_string_equal(subj, "tr");
	assert_string_equal(body, "triage unclassified\n");
	free(subj);
	free(body);

	/* a missing directory is no directory */
	assert_int_equal(tmpl_render("/nonexistent/tmpl", "ack", &v, &subj,
	    &body, &err), 0);
	assert_non_null(strstr(subj, "受付"));
	free(subj);
	free(body);
	/* no such template anywhere */
	assert_int_equal(tmpl_render(dir, "advisory", &v, &subj, &body,
	    &err), -1);
	assert_int_equal(err.cls, MG_ERR_PERM);
	rm_dir(dir, files);
}

/* a local checklist.txt replaces the built-in one */
static void
test_checklist_override(void **state)
{
	static const char *const files[] = { "checklist.txt", NULL };
	struct tmpl_vars	 v;
	struct mg_err		 err;
	char			*dir = mk_dir(), *subj, *body;

	(void)state;
	put(dir, "checklist.txt", IN(
	    "# ours\n"
	    "[basic]\n"
	    "ja: 独自の基本項目\n"
	    "en: our basic item\n"
	    "\n"
	    "[phishing]\n"
	    "  ja: 独自のフィッシング項目  \n"
	    "en: our phishing item\r\n"));
	vars_default(&v);
	v.type = "fraud/phishing";
	assert_int_equal(tmpl_render(dir, "ack", &v, &subj, &body, &err), 0);
	assert_non_null(strstr(body, "\n- 独自の基本項目\n- 独自のフィッシング項目\n"));
	assert_non_null(strstr(body, "\n- our basic item\n- our phishing item\n"));
	assert_null(strstr(body, marks[S_BASIC].en));
	assert_null(strstr(body, marks[S_PHISHING].en));
	free(subj);
	free(body);
	/* a section the file lacks: basic items only */
	v.type = "malicious-code/c2-server";
	assert_int_equal(tmpl_render(dir, "ack", &v, &subj, &body, &err), 0);
	assert_non_null(strstr(body, "\n- our basic item\n\n"));
	free(subj);
	free(body);

	/* a broken checklist breaks the rendering, and names the file */
	put(dir, "checklist.txt", IN("[basic]\nja: a\nen: a\n[maleware]\n"));
	subj = body = NULL;
	assert_int_equal(tmpl_render(dir, "ack", &v, &subj, &body, &err), -1);
	assert_int_equal(err.cls, MG_ERR_PERM);
	assert_non_null(strstr(err.msg, "checklist.txt:4:"));
	assert_null(subj);
	assert_null(body);
	assert_int_equal(tmpl_check(dir, &err), -1);
	assert_non_null(strstr(err.msg, "checklist.txt:4:"));
	rm_dir(dir, files);
}

/* a broken file: rendering and checking fail, naming file and line */
struct bad_case {
	const char	*name;
	const char	*file;		/* written as ack.txt */
	const char	*text;
	size_t		 len;
	const char	*want;		/* in the message */
};

static const struct bad_case bad_cases[] = {
	{ "unknown placeholder", "ack.txt",
	    IN("Subject: x\n\nline 3\nline 4\nDear {{ reporter_name }}\n"),
	    "ack.txt:5: unknown placeholder {{reporter_name}}" },
	{ "subject in the body", "ack.txt",
	    IN("Subject: x\n\nYou wrote: {{subject}}\n"),
	    "ack.txt:3: {{subject}} is allowed only in the Subject" },
	{ "checklist in Subject", "ack.txt",
	    IN("Subject: {{checklist_en}}\n\nx\n"),
	    "ack.txt:1: {{checklist_en}} is allowed only in the body" },
	{ "unterminated", "ack.txt",
	    IN("Subject: x\n\nabc {{tag\n}}\n"), "ack.txt:3: unterminated" },
	{ "unterminated in Subject", "ack.txt",
	    IN("Subject: [{{tag]\n\nx\n"), "ack.txt:1: unterminated" },
	{ "bad placeholder", "ack.txt",
	    IN("Subject: x\n\n{{ta g}}\n"), "ack.txt:3: bad placeholder" },
	{ "upper-case placeholder", "ack.txt",
	    IN("Subject: x\n\n{{Tag}}\n"), "ack.txt:3: bad placeholder" },
	{ "bad header", "ack.txt",
	    IN("Subject: x\nFrom: y\n\nbody\n"),
	    "ack.txt:2: header From not allowed" },
	{ "missing Subject", "ack.txt",
	    IN("\nbody\n"), "ack.txt:1: no Subject header" },
	{ "empty file", "ack.txt", IN(""), "ack.txt:1: no Subject header" },
	{ "empty Subject", "ack.txt", IN("Subject:  \n\nx\n"),
	    "ack.txt:1: empty Subject" },
	{ "Subject twice", "ack.txt", IN("Subject: a\nsubject: b\n\nx\n"),
	    "ack.txt:2: Subject given twice" },
	{ "missing blank line", "ack.txt",
	    IN("Subject: x\nThank you for your report.\n"),
	    "ack.txt:2: not a \"Name: value\" header line" },
	{ "headers only", "ack.txt", IN("Subject: x\n"),
	    "ack.txt:2: no empty line after the headers" },
	{ "folded header", "ack.txt", IN("Subject: x\n y\n\nz\n"),
	    "ack.txt:2: folded" },
	{ "NUL byte", "ack.txt", IN("Subject: x\n\nab\0c\n"),
	    "ack.txt:3: NUL byte" },
	{ "invalid UTF-8", "ack.txt", IN("Subject: x\n\n\n\xe3\x81\n"),
	    "ack.txt:4: invalid UTF-8" },
	{ "overlong UTF-8", "ack.txt", IN("Subject: \xc0\xaf\n\nx\n"),
	    "ack.txt:1: invalid UTF-8" },
	{ "control character", "ack.txt", IN("Subject: x\n\n\x1b[31m\n"),
	    "ack.txt:3: control character 0x1b" },
	{ "DEL", "ack.txt", IN("Subject: x\n\na\x7f\n"),
	    "ack.txt:3: control character 0x7f" },
	{ "bare CR", "ack.txt", IN("Subject: x\r\rBcc: y\n\nz\n"),
	    "ack.txt:1: CR without LF" },
	{ "empty body", "ack.txt", IN("Subject: x\n\n\n \t\n"),
	    "ack.txt:3: empty body" },
};

static void
test_broken_templates(void **state)
{
	static const char *const files[] = { "ack.txt", NULL };
	struct tmpl_vars	 v;
	struct mg_err		 err;
	char			*dir = mk_dir(), *subj, *body;
	size_t			 i;
	int			 bad = 0;

	(void)state;
	vars_default(&v);
	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];

		put(dir, c->file, c->text, c->len);
		subj = body = NULL;
		mg_err_clear(&err);
		if (tmpl_render(dir, "ack", &v, &subj, &body, &err) != -1 ||
		    err.cls != MG_ERR_PERM || strstr(err.msg, c->want) == NULL ||
		    strstr(err.msg, dir) == NULL || subj != NULL ||
		    body != NULL) {
			print_error("%s: render: class %d \"%s\"\n", c->name,
			    err.cls, err.msg);
			bad++;
		}
		free(subj);
		free(body);
		/* tmpl_check finds the same */
		mg_err_clear(&err);
		if (tmpl_check(dir, &err) != -1 || err.cls != MG_ERR_PERM ||
		    strstr(err.msg, c->want) == NULL) {
			print_error("%s: check: \"%s\"\n", c->name, err.msg);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
	rm_dir(dir, files);
}

/* a template that is fine: spaces in braces, CRLF, BOM, tabs, UTF-8 */
static void
test_good_syntax(void **state)
{
	static const char *const files[] = { "ack.txt", NULL };
	struct tmpl_vars	 v;
	struct mg_err		 err;
	char			*dir = mk_dir(), *subj, *body;

	(void)state;
	put(dir, "ack.txt", IN("\xef\xbb\xbfsubject:\t[{{ tag }}] {{\tsubject "
	    "}}  \r\n\r\n{ {{team_name}} } }}\r\n\ttab {{team_address}}\r\n"
	    "{{fingerprint}}\r\n\r\n\r\n"));
	vars_default(&v);
	v.subject = "件名";
	v.team_name = "Ex\nample";
	assert_int_equal(tmpl_render(dir, "ack", &v, &subj, &body, &err), 0);
	assert_string_equal(subj, "[CSIRT#12] 件名");
	assert_string_equal(body, "{ Ex ample } }}\n\ttab csirt@example.org\n"
	    FPR_OUT "\n");
	free(subj);
	free(body);
	assert_int_equal(tmpl_check(dir, &err), 0);
	rm_dir(dir, files);
}

/* over TMPL_MAX_FILE: refused, before it is parsed */
static void
test_too_large(void **state)
{
	static const char *const files[] = { "ack.txt", "checklist.txt",
	    NULL };
	struct tmpl_vars	 v;
	struct mg_err		 err;
	char			*dir = mk_dir(), *subj = NULL, *body = NULL;
	char			*big;
	size_t			 n = TMPL_MAX_FILE + 1;

	(void)state;
	big = malloc(n);
	assert_non_null(big);
	memset(big, 'a', n);
	memcpy(big, "Subject: x\n\n", 12);
	put(dir, "ack.txt", big, n);
	vars_default(&v);
	assert_int_equal(tmpl_render(dir, "ack", &v, &subj, &body, &err), -1);
	assert_int_equal(err.cls, MG_ERR_PERM);
	assert_non_null(strstr(err.msg, "ack.txt: larger than 262144 bytes"));
	assert_null(subj);
	assert_int_equal(tmpl_check(dir, &err), -1);
	assert_non_null(strstr(err.msg, "larger than"));
	/* exactly at the limit is fine */
	put(dir, "ack.txt", big, n - 1);
	assert_int_equal(tmpl_render(dir, "ack", &v, &subj, &body, &err), 0);
	free(subj);
	free(body);
	/* a template that expands past the body limit fails too */
	for (size_t i = 12; i + 17 < n; i += 17)
		memcpy(big + i, "{{checklist_en}}\n", 17);
	put(dir, "ack.txt", big, n - 1);
	subj = body = NULL;
	assert_int_equal(tmpl_render(dir, "ack", &v, &subj, &body, &err), -1);
	assert_non_null(strstr(err.msg, "rendered body larger than"));
	assert_null(body);
	/* and a checklist over the limit */
	put(dir, "ack.txt", IN("Subject: x\n\n{{checklist_ja}}\n"));
	put(dir, "checklist.txt", big, n);
	assert_int_equal(tmpl_render(dir, "ack", &v, &subj, &body, &err), -1);
	assert_non_null(strstr(err.msg, "checklist.txt: larger than"));
	free(big);
	rm_dir(dir, files);
}

/* names that could leave the directory never become paths */
static void
test_bad_names(void **state)
{
	static const struct {
		const char *name, *queue, *type, *want;
	} cases[] = {
		{ "ack", "../etc", NULL, "bad queue" },
		{ "ack", "a/b", NULL, "bad queue" },
		{ "ack", "Phishing", NULL, "bad queue" },
		{ "ack", "", NULL, "bad queue" },
		{ "ack", "q.x", NULL, "bad queue" },
		{ "ack", "ph ishing", NULL, "bad queue" },
		{ "ack", NULL, "fraud", "bad type" },
		{ "ack", NULL, "fraud/../../x", "bad type" },
		{ "ack", NULL, "../../etc/passwd", "bad type" },
		{ "ack", NULL, "fraud/phishing/x", "bad type" },
		{ "ack", NULL, "/phishing", "bad type" },
		{ "ack", NULL, "fraud/", "bad type" },
		{ "ack", NULL, "Fraud/Phishing", "bad type" },
		{ "../ack", NULL, NULL, "bad template name" },
		{ "ack.q-x", NULL, NULL, "bad template name" },
		{ "", NULL, NULL, "bad template name" },
		{ NULL, NULL, NULL, "bad template name" },
	};
	struct tmpl_vars	 v;
	struct mg_err		 err;
	char			*subj, *body;
	size_t			 i;
	int			 bad = 0;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		vars_default(&v);
		v.queue = cases[i].queue;
		v.type = cases[i].type;
		subj = body = NULL;
		mg_err_clear(&err);
		if (tmpl_render("/tmp", cases[i].name, &v, &subj, &body,
		    &err) != -1 || err.cls != MG_ERR_PERM ||
		    strstr(err.msg, cases[i].want) == NULL || subj != NULL) {
			print_error("case %zu: \"%s\"\n", i, err.msg);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

/* tmpl_check: the first broken file, by name; I/O errors are temporary */
static void
test_check(void **state)
{
	static const char *const files[] = { "ack.txt", "ack.q-abuse.txt",
	    "checklist.txt", "notes.md", ".hidden.txt", NULL };
	struct mg_err	 err;
	char		*dir = mk_dir(), path[512];

	(void)state;
	assert_int_equal(tmpl_check(NULL, &err), 0);
	assert_int_equal(tmpl_check("/nonexistent/tmpl", &err), 0);
	assert_int_equal(tmpl_check(dir, &err), 0);
	put(dir, "ack.txt", IN("Subject: [{{tag}}] ok\n\n{{checklist_en}}\n"));
	put(dir, "checklist.txt", IN("[basic]\nja: あ\nen: a\n"));
	/* not *.txt, or hidden: not templates */
	put(dir, "notes.md", IN("{{nonsense"));
	put(dir, ".hidden.txt", IN("{{nonsense"));
	assert_int_equal(tmpl_check(dir, &err), 0);
	put(dir, "ack.q-abuse.txt", IN("Subject: x\n\n{{reporter}}\n"));
	mg_err_clear(&err);
	assert_int_equal(tmpl_check(dir, &err), -1);
	assert_int_equal(err.cls, MG_ERR_PERM);
	(void)snprintf(path, sizeof(path), "%s/ack.q-abuse.txt:3:", dir);
	assert_non_null(strstr(err.msg, path));
	/* uneven checklist */
	rm(dir, "ack.q-abuse.txt");
	put(dir, "checklist.txt", IN("[basic]\nja: あ\nen: a\nja: い\n"));
	assert_int_equal(tmpl_check(dir, &err), -1);
	assert_non_null(strstr(err.msg, "checklist.txt:4: section [basic]: 2 "
	    "ja: items but 1 en: items"));
	/* a file where the directory should be */
	(void)snprintf(path, sizeof(path), "%s/ack.txt", dir);
	assert_int_equal(tmpl_check(path, &err), -1);
	assert_int_equal(err.cls, MG_ERR_TEMP);
	rm_dir(dir, files);
}

/* the built-in set is there and checks clean */
static void
test_builtin_set(void **state)
{
	struct mg_err	err;
	size_t		i;
	int		ack = 0, cl = 0;

	(void)state;
	for (i = 0; i < tmpl_builtin_n; i++) {
		assert_int_equal(strlen(tmpl_builtin[i].text),
		    tmpl_builtin[i].len);
		ack += strcmp(tmpl_builtin[i].name, "ack.txt") == 0;
		cl += strcmp(tmpl_builtin[i].name, "checklist.txt") == 0;
	}
	assert_int_equal(ack, 1);
	assert_int_equal(cl, 1);
	assert_int_equal(tmpl_check(NULL, &err), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builtin_set),
		cmocka_unit_test(test_builtin_ack_kinds),
		cmocka_unit_test(test_body_shape_and_fingerprint),
		cmocka_unit_test(test_subject),
		cmocka_unit_test(test_lookup_order),
		cmocka_unit_test(test_checklist_override),
		cmocka_unit_test(test_broken_templates),
		cmocka_unit_test(test_good_syntax),
		cmocka_unit_test(test_too_large),
		cmocka_unit_test(test_bad_names),
		cmocka_unit_test(test_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
