/*
 * test_route.c - queues, rules and classification (route.h), with the
 * [queue]/[route] sections of the configuration (conf.h) that feed them.
 *
 * Each case writes a configuration into a mkdtemp directory, loads it with
 * conf_load and route_load, parses a message with mime_parse (and
 * arf_parse) and checks what route_match says.
 */
#include "unit.h"

#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "madoguchi/arf.h"
#include "madoguchi/conf.h"
#include "madoguchi/mime.h"
#include "madoguchi/route.h"

static char dir[64], path[128];

static int
setup(void **state)
{
	(void)state;
	(void)snprintf(dir, sizeof(dir), "/tmp/test_route.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	(void)snprintf(path, sizeof(path), "%s/madoguchi.conf", dir);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	(void)unlink(path);
	return rmdir(dir);
}

/* load - conf text into *r; returns route_load's result, err filled */
static int
load(const char *text, struct routing **r, struct conf **c,
    struct mg_err *err)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_true(fputs(text, fp) >= 0);
	assert_int_equal(fclose(fp), 0);
	mg_err_clear(err);
	*r = NULL;
	if (conf_load(path, c, err) != 0)
		return -1;
	return route_load(*c, r, err);
}

/* classify - route raw for rcpt; out->queue etc. point into r */
static void
classify(const struct routing *r, const char *raw, const char *rcpt,
    struct route_out *out)
{
	struct mime_limits lim = { 50, 1000, 65536, 1 << 20, 1 << 20 };
	struct mime_msg *msg = NULL;
	struct arf_report arf;
	struct route_in in;
	struct mg_err err;

	mg_err_clear(&err);
	assert_int_equal(mime_parse(raw, strlen(raw), &lim, NULL, &msg, &err),
	    0);
	(void)arf_parse(raw, strlen(raw), &arf);
	in.recipient = rcpt;
	in.msg = msg;
	in.arf = arf.format != ARF_NONE ? &arf : NULL;
	route_match(r, &in, out);
	arf_free(&arf);
	mime_msg_free(&msg);
}

#define MSG(subject, extra, body) \
	"From: a@example.net\nTo: csirt@example.org\nSubject: " subject "\n" \
	extra "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n" \
	"\n" body "\n"

static const char rules[] =
	"[queue ics]\nhandlers = a@example.org, B@Example.ORG 0123 4567 89ab "
	"CDEF 0123  4567 89AB CDEF 0123 4567\n"
	"  c@example.org\nwebhook = https://chat.example.org/hooks/x\n\n"
	"[route plus]\nrecipient = *+ics@*\nqueue = ics\n"
	"type = intrusions/burglary\npriority = urgent\ntlp = red\n\n"
	"[route both]\nheader = X-Sensor | X-Probe : ^s[0-9]+$\n"
	"subject = ^alert\nqueue = ics\n\n"
	"[route words]\nkeywords = DoS, 情報漏えい, CVE-\nqueue = incident\n"
	"type = availability/dos\n\n"
	"[route files]\nattachment = *.EXE, application/x-msdownload\n"
	"queue = incident\n\n"
	"[route junked]\nheader = X-Spam-Flag: yes\nqueue = junk\n\n"
	"[route silent]\nbody = ^no-ack-please$\nqueue = inquiry\nack = no\n";

static void
test_first_match_and_actions(void **state)
{
	struct routing *r;
	struct conf *c;
	struct mg_err err;
	struct route_out o;
	const struct route_queue *q;

	(void)state;
	assert_int_equal(load(rules, &r, &c, &err), 0);

	/* the plus-address rule comes first, whatever the text says */
	classify(r, MSG("DoS", "", "DoS attack"), "CSIRT+ICS@example.org", &o);
	assert_string_equal(o.rule, "plus");
	assert_string_equal(o.queue, "ics");
	assert_string_equal(o.type, "intrusions/burglary");
	assert_string_equal(o.priority, "urgent");
	assert_string_equal(o.tlp, "TLP:RED");
	assert_int_equal(o.ack, 1);
	assert_non_null(strstr(o.why, "recipient: CSIRT+ICS@example.org"));

	/* all conditions of a rule must hold; header name alternatives */
	classify(r, MSG("alert 1", "X-Probe: s42\n", "x"), "", &o);
	assert_string_equal(o.rule, "both");
	classify(r, MSG("alert 1", "X-Probe: t42\n", "x"), "", &o);
	assert_null(o.rule);
	classify(r, MSG("not an alert", "X-Sensor: s1\n", "x"), "", &o);
	assert_null(o.rule);
	assert_string_equal(o.queue, "triage");
	assert_string_equal(o.why, "no rule matched");

	/* keywords: English whole words, Japanese anywhere, full-width */
	classify(r, MSG("dose", "", "a dose of DoSage"), "", &o);
	assert_null(o.rule);
	classify(r, MSG("x", "", "a dos attack"), "", &o);
	assert_string_equal(o.rule, "words");
	classify(r, MSG("x", "", "顧客情報漏えいの件"), "", &o);
	assert_string_equal(o.rule, "words");
	assert_non_null(strstr(o.why, "keyword in body: 情報漏えい"));
	classify(r, MSG("ＤｏＳ攻撃", "", "x"), "", &o);
	assert_string_equal(o.rule, "words");
	classify(r, MSG("x", "", "see CVE-2026-1"), "", &o);
	assert_string_equal(o.rule, "words");

	/* attachments, by name (case-insensitive glob) or type */
	classify(r, "From: a@example.net\nSubject: s\nMIME-Version: 1.0\n"
	    "Content-Type: multipart/mixed; boundary=b\n\n--b\n"
	    "Content-Type: text/plain\n\nhi\n--b\n"
	    "Content-Type: application/octet-stream\n"
	    "Content-Disposition: attachment; filename=setup.exe\n\nMZ\n"
	    "--b--\n", "", &o);
	assert_string_equal(o.rule, "files");

	/* ack: the queue's (junk: no), or the rule's */
	classify(r, MSG("x", "X-Spam-Flag: YES\n", "x"), "", &o);
	assert_string_equal(o.queue, "junk");
	assert_int_equal(o.ack, 0);
	classify(r, MSG("x", "", "no-ack-please"), "", &o);
	assert_string_equal(o.queue, "inquiry");
	assert_int_equal(o.ack, 0);

	/* queues: built in, plus ours with its handlers normalised */
	assert_non_null(route_queue(r, "triage"));
	assert_non_null(route_queue(r, "junk"));
	assert_null(route_queue(r, "nosuch"));
	q = route_queue(r, "ics");
	assert_non_null(q);
	assert_int_equal(q->nhandlers, 3);
	assert_string_equal(q->handlers[1], "b@example.org");
	assert_string_equal(q->handlers[2], "c@example.org");
	/* a key only where the configuration pins one */
	assert_null(q->handler_keys[0]);
	assert_string_equal(q->handler_keys[1],
	    "0123456789ABCDEF0123456789ABCDEF01234567");
	assert_null(q->handler_keys[2]);
	assert_string_equal(q->webhook, "https://chat.example.org/hooks/x");
	route_free(&r);
	assert_null(r);
	conf_free(&c);
}

static void
test_arf_rules(void **state)
{
	static const char arf[] =
	    "From: fbl@example.com\nSubject: FW: x\nMIME-Version: 1.0\n"
	    "Content-Type: multipart/report; report-type=feedback-report; "
	    "boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\nreport\n--b\n"
	    "Content-Type: message/feedback-report\n\nFeedback-Type: virus\n"
	    "User-Agent: x/1\nVersion: 1\nSource-IP: 192.0.2.1\n--b--\n";
	struct routing *r;
	struct conf *c;
	struct mg_err err;
	struct route_out o;

	(void)state;
	assert_int_equal(load("[route virus]\narf = yes\n"
	    "arf_field = Feedback-Type|Report-Type: ^virus\nqueue = abuse\n"
	    "ack = no\n\n[route other-arf]\narf = yes\nqueue = abuse\n\n"
	    "[route not-arf]\narf = no\nsubject = ^FW\nqueue = inquiry\n",
	    &r, &c, &err), 0);
	classify(r, arf, "", &o);
	assert_string_equal(o.rule, "virus");
	assert_int_equal(o.ack, 0);
	assert_non_null(strstr(o.why, "report field in Feedback-Type|Report-Type: virus"));
	classify(r, MSG("FW: y", "", "x"), "", &o);
	assert_string_equal(o.rule, "not-arf");
	route_free(&r);
	conf_free(&c);
}

static void
test_match_limit(void **state)
{
	struct routing *r;
	struct conf *c;
	struct mg_err err;
	struct route_out o;
	char *raw;
	size_t n = 40000;

	(void)state;
	assert_int_equal(load("[route slow]\nbody = ^(a+)+$\nqueue = junk\n",
	    &r, &c, &err), 0);
	raw = malloc(n + 64);
	assert_non_null(raw);
	strcpy(raw, "Subject: s\n\n");
	memset(raw + strlen(raw), 'a', n);
	strcpy(raw + 12 + n, "!\n");
	classify(r, raw, "", &o);
	assert_null(o.rule);		/* gave up: not matched, not hung */
	assert_int_equal(o.gave_up, 1);
	assert_non_null(strstr(o.why, "gave up at the match limit"));
	free(raw);
	route_free(&r);
	conf_free(&c);
}

static void
test_bad_rules(void **state)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
		{ "[route a]\nsubject = (x\nqueue = junk\n", "[route a] subject" },
		{ "[route a]\nkeywords = x\nqueue = nosuch\n", "no queue \"nosuch\"" },
		{ "[route a]\nkeywords = x\n", "[route a] queue: missing" },
		{ "[route a]\nqueue = junk\ntype = fraud/nope\n", "RSIT" },
		{ "[route a]\nqueue = junk\ntlp = PINK\n", "TLP 2.0" },
		{ "[route a]\nqueue = junk\npriority = asap\n", "low, normal" },
		{ "[route a]\nqueue = junk\nack = maybe\n", "yes or no" },
		{ "[route a]\nqueue = junk\ncolour = red\n", "unknown key" },
		{ "[route a]\nheader = NoColon\nqueue = junk\n", "Name: expression" },
		{ "[route a]\nsubject = a\nsubject = b\nqueue = junk\n", "set twice" },
		{ "[route a]\nqueue = junk\n[route a]\nqueue = junk\n", "set twice" },
		{ "[route A]\nqueue = junk\n", "names are" },
		{ "[queue q]\nhandlers = nobody\n", "not an address" },
		{ "[queue q]\nwebhook = ftp://x/\n", "http://" },
		{ "[queue q]\nhandlers = a@example.org 0123\n", "40 (or 64)" },
		{ "[queue q]\nhandlers = a@example.org KEY\n", "not a key" },
		{ "[route a]\nheader = A||B: x\nqueue = junk\n", "empty name" },
		{ "[route a]\nheader = : x\nqueue = junk\n", "Name: expression" },
		{ "[queue q]\nsize = 3\n", "unknown key" },
		{ "[routes a]\nqueue = junk\n", "unknown section" },
	};
	struct routing *r;
	struct conf *c = NULL;
	struct mg_err err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		c = NULL;
		if (load(cases[i].text, &r, &c, &err) == 0) {
			print_error("case %zu loaded\n", i);
			fail();
		}
		if (strstr(err.msg, cases[i].want) == NULL) {
			print_error("case %zu: [%s] lacks [%s]\n", i, err.msg,
			    cases[i].want);
			fail();
		}
		assert_int_equal(err.cls, MG_ERR_TEMP);
		assert_null(r);
		conf_free(&c);
	}
}

/* a hook URL carries its token: an error never quotes it */
static void
test_webhook_errors(void **state)
{
	struct routing *r;
	struct conf *c = NULL;
	struct mg_err err;

	(void)state;
	assert_int_equal(load("[queue q]\nwebhook = \"https://hooks.example/"
	    "T0/SECRET\"\n", &r, &c, &err), -1);
	assert_null(strstr(err.msg, "SECRET"));
	assert_non_null(strstr(err.msg, "[queue q] webhook"));
	conf_free(&c);
	/* empty: no webhook */
	assert_int_equal(load("[queue phishing]\nwebhook =\n", &r, &c, &err),
	    0);
	assert_null(route_queue(r, "phishing")->webhook);
	route_free(&r);
	conf_free(&c);
}

static void
test_default_rules_load(void **state)
{
	struct routing *r;
	struct conf *c;
	struct mg_err err;
	struct route_out o;
	FILE *fp = fopen(path, "w");

	(void)state;
	assert_non_null(fp);
	assert_int_equal(conf_write_default(fp, NULL, NULL, NULL, NULL), 0);
	assert_int_equal(route_write_default(fp), 0);
	assert_int_equal(fclose(fp), 0);
	mg_err_clear(&err);
	assert_int_equal(conf_load(path, &c, &err), 0);
	assert_int_equal(route_load(c, &r, &err), 0);
	classify(r, MSG("フィッシング", "", "x"), "", &o);
	assert_string_equal(o.queue, "phishing");
	classify(r, MSG("x", "", "y"), "csirt+vuln@example.org", &o);
	assert_string_equal(o.queue, "vulnerability");
	route_free(&r);
	conf_free(&c);
}

static void
test_vocabularies(void **state)
{
	(void)state;
	assert_string_equal(route_type("Fraud/Phishing"), "fraud/phishing");
	assert_null(route_type("fraud"));
	assert_null(route_type(NULL));
	assert_string_equal(route_tlp("amber+strict"), "TLP:AMBER+STRICT");
	assert_string_equal(route_tlp("TLP:GREEN"), "TLP:GREEN");
	assert_string_equal(route_tlp("white"), "TLP:CLEAR");
	assert_null(route_tlp("TLP:"));
	assert_null(route_tlp("amber strict"));
	assert_string_equal(route_priority("HIGH"), "high");
	assert_null(route_priority("p1"));
	assert_string_equal(route_status("resolved"), "resolved");
	assert_null(route_status("closed"));
	assert_true(route_tlp_shareable("TLP:CLEAR"));
	assert_true(route_tlp_shareable("TLP:GREEN"));
	assert_false(route_tlp_shareable("TLP:AMBER"));
	assert_false(route_tlp_shareable("TLP:RED"));
	assert_false(route_tlp_shareable(NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_first_match_and_actions,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_arf_rules, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_match_limit, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bad_rules, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_default_rules_load, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_webhook_errors, setup,
		    teardown),
		cmocka_unit_test(test_vocabularies),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
