/*
 * route.c - queues, rules and classification (route.h).
 *
 * The configuration is compiled once per process: every expression with
 * PCRE2 (JIT when the machine allows it), every list split.  Matching
 * reads the message as parsed (mime.h) and the ARF fields (arf.h) and
 * never changes them.
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <ctype.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <pcre2.h>
#ifdef HAVE_VALGRIND_VALGRIND_H
#include <valgrind/valgrind.h>
#endif

#include "madoguchi/arf.h"
#include "madoguchi/buf.h"
#include "madoguchi/conf.h"
#include "madoguchi/mime.h"
#include "madoguchi/route.h"
#include "madoguchi/util.h"
#include "madoguchi/xalloc.h"

/* a runaway expression stops here and counts as no match */
#define MATCH_LIMIT	1000000
#define DEPTH_LIMIT	10000
#define SHOW_MAX	60	/* bytes of matched text quoted in "why" */

/* the queues every instance has, in this order */
static const struct {
	const char	*name;
	int		 ack;
} builtin_queues[] = {
	{ "triage", 1 }, { "incident", 1 }, { "vulnerability", 1 },
	{ "phishing", 1 }, { "abuse", 1 }, { "inquiry", 1 }, { "junk", 0 },
};

/* RSIT class/type (shared/taxonomy/rsit.tsv) */
static const char *rsit[] = {
	"abusive-content/spam", "abusive-content/harmful-speech",
	"abusive-content/violence",
	"malicious-code/infected-system", "malicious-code/c2-server",
	"malicious-code/malware-distribution",
	"malicious-code/malware-configuration",
	"malicious-code/malware-dga-domain",
	"information-gathering/scanner", "information-gathering/sniffing",
	"information-gathering/social-engineering",
	"intrusion-attempts/ids-alert", "intrusion-attempts/brute-force",
	"intrusion-attempts/exploit",
	"intrusions/privileged-account-compromise",
	"intrusions/unprivileged-account-compromise",
	"intrusions/application-compromise", "intrusions/burglary",
	"availability/dos", "availability/ddos", "availability/sabotage",
	"availability/outage",
	"information-content-security/unauthorised-information-access",
	"information-content-security/unauthorised-information-modification",
	"information-content-security/data-loss",
	"fraud/unauthorized-use-of-resources", "fraud/copyright",
	"fraud/masquerade", "fraud/phishing",
	"vulnerable/weak-crypto", "vulnerable/ddos-amplifier",
	"vulnerable/potentially-unwanted-accessible",
	"vulnerable/information-disclosure", "vulnerable/vulnerable-system",
	"vulnerable/other",
	"other/other", "test/test",
};

static const char *tlps[] = { "TLP:CLEAR", "TLP:GREEN", "TLP:AMBER",
	"TLP:AMBER+STRICT", "TLP:RED" };
static const char *priorities[] = { "low", "normal", "high", "urgent" };
static const char *statuses[] = { "new", "triage", "response", "resolved",
	"stalled", "rejected" };

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* a regular expression with the name of the header or field it reads */
struct rx {
	char		*field;		/* header/ARF field name, or NULL */
	char		*src;		/* as written, for "why" */
	pcre2_code	*re;
};

struct rule {
	char		*name;
	char		**rcpt;		/* globs on the envelope recipient */
	size_t		 nrcpt;
	char		**att;		/* globs on attachment names/types */
	size_t		 natt;
	struct rx	*hdr;		/* all must match */
	size_t		 nhdr;
	struct rx	*arff;		/* ARF fields, all must match */
	size_t		 narff;
	struct rx	*subject, *body, *keywords;
	int		 arf;		/* -1: either, 0: not ARF, 1: ARF */
	const char	*queue, *type, *priority, *tlp;
	int		 ack;		/* -1: the queue's */
};

struct routing {
	struct route_queue	*queues;
	size_t			 nqueues;
	struct rule		*rules;
	size_t			 nrules;
	pcre2_match_context	*mctx;
	pcre2_match_data	*md;
};

static const char *
in_list(const char **list, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcasecmp(list[i], s) == 0)
			return list[i];
	return NULL;
}

const char *
route_type(const char *s)
{
	return s == NULL ? NULL : in_list(rsit, NELEM(rsit), s);
}

const char *
route_tlp(const char *s)
{
	if (s == NULL)
		return NULL;
	if (strncasecmp(s, "TLP:", 4) == 0)
		s += 4;
	/* TLP 1.0's WHITE is TLP 2.0's CLEAR */
	if (strcasecmp(s, "WHITE") == 0)
		s = "CLEAR";
	{
		size_t i;

		for (i = 0; i < NELEM(tlps); i++)
			if (strcasecmp(tlps[i] + 4, s) == 0)
				return tlps[i];
	}
	return NULL;
}

const char *
route_priority(const char *s)
{
	return s == NULL ? NULL : in_list(priorities, NELEM(priorities), s);
}

const char *
route_status(const char *s)
{
	return s == NULL ? NULL : in_list(statuses, NELEM(statuses), s);
}

int
route_tlp_shareable(const char *tlp)
{
	return tlp != NULL && (strcmp(tlp, "TLP:CLEAR") == 0 ||
	    strcmp(tlp, "TLP:GREEN") == 0);
}

/* --- loading ------------------------------------------------------------ */

static int bad(struct mg_err *, const struct conf_section *, const char *,
    const char *, ...) __attribute__((format(printf, 4, 5)));

static int
bad(struct mg_err *err, const struct conf_section *s, const char *key,
    const char *fmt, ...)
{
	char why[512];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	mg_err_set(err, MG_ERR_TEMP, "[%s %s] %s: %s", s->kind, s->name, key,
	    why);
	return -1;
}

/* split - a comma-separated list appended to *v (empty items dropped) */
static void
split(const char *s, char ***v, size_t *n)
{
	while (*s != '\0') {
		size_t len;

		s += strspn(s, " \t,");
		len = strcspn(s, ",");
		while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
			len--;
		if (len > 0) {
			*v = xrealloc(*v, (*n + 1) * sizeof(**v));
			(*v)[(*n)++] = xstrndup(s, len);
		}
		s += strcspn(s, ",");
	}
}

static void
strv_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static int
rx_compile(struct rx *x, const char *field, const char *src,
    const struct conf_section *s, const char *key, struct mg_err *err)
{
	PCRE2_UCHAR msg[256];
	PCRE2_SIZE off;
	int code;

	memset(x, 0, sizeof(*x));
	x->re = pcre2_compile((PCRE2_SPTR)src, PCRE2_ZERO_TERMINATED,
	    PCRE2_UTF | PCRE2_CASELESS | PCRE2_MATCH_INVALID_UTF, &code, &off,
	    NULL);
	if (x->re == NULL) {
		char why[400];

		(void)pcre2_get_error_message(code, msg, sizeof(msg));
		(void)snprintf(why, sizeof(why), "bad expression at offset "
		    "%zu: %s", (size_t)off, (char *)msg);
		return bad(err, s, key, "%s", why);
	}
	/* JIT is an optimisation: where it is refused, the interpreter runs;
	 * under valgrind, whose memcheck misreads JIT code, it is skipped */
#ifdef HAVE_VALGRIND_VALGRIND_H
	if (!RUNNING_ON_VALGRIND)
#endif
		(void)pcre2_jit_compile(x->re, PCRE2_JIT_COMPLETE);
	x->field = field != NULL ? xstrdup(field) : NULL;
	x->src = xstrdup(src);
	return 0;
}

static void
rx_free(struct rx *x)
{
	if (x == NULL)
		return;
	pcre2_code_free(x->re);
	free(x->field);
	free(x->src);
}

/* name_trim - "A | B " -> "A|B"; -1 if a name is empty */
static int
name_trim(char *s)
{
	char *o = s, *p;
	size_t len;

	for (p = s; *p != '\0'; p++)
		if (*p != ' ' && *p != '\t')
			*o++ = *p;
	*o = '\0';
	len = strlen(s);
	return len == 0 || s[0] == '|' || s[len - 1] == '|' ||
	    strstr(s, "||") != NULL ? -1 : 0;
}

/* "Name: expression" */
static int
rx_field(struct rx **v, size_t *n, const char *value,
    const struct conf_section *s, const char *key, struct mg_err *err)
{
	const char *colon = strchr(value, ':');
	char *name;
	int rc;

	if (colon == NULL || colon == value)
		return bad(err, s, key, "\"%s\" is not \"Name: expression\"",
		    value);
	name = xstrndup(value, (size_t)(colon - value));
	if (name_trim(name) != 0) {
		free(name);
		return bad(err, s, key, "\"%s\": an empty name", value);
	}
	colon++;
	colon += strspn(colon, " \t");
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	rc = rx_compile(&(*v)[*n], name, colon, s, key, err);
	if (rc == 0)
		(*n)++;
	free(name);
	return rc;
}

/* keywords - one literal alternation: "a, b" -> "a|b", metacharacters escaped */
static int
rx_keywords(struct rx **x, char **words, size_t n,
    const struct conf_section *s, struct mg_err *err)
{
	struct buf b;
	size_t i;
	const char *p;
	int rc;

	buf_init(&b, 1u << 20);
	(void)buf_puts(&b, "(?:");
	for (i = 0; i < n; i++) {
		size_t len = strlen(words[i]);

		if (i > 0)
			(void)buf_putc(&b, '|');
		/* an English word is a word: "dos" must not match "dose" */
		if (isalnum((unsigned char)words[i][0]))
			(void)buf_puts(&b, "\\b");
		for (p = words[i]; *p != '\0'; p++) {
			if ((unsigned char)*p < 0x80 &&
			    !isalnum((unsigned char)*p) && *p != ' ')
				(void)buf_putc(&b, '\\');
			(void)buf_putc(&b, *p);
		}
		if (isalnum((unsigned char)words[i][len - 1]))
			(void)buf_puts(&b, "\\b");
	}
	(void)buf_putc(&b, ')');
	*x = xmalloc(sizeof(**x));
	rc = rx_compile(*x, NULL, b.data, s, "keywords", err);
	if (rc != 0) {
		free(*x);
		*x = NULL;
	}
	buf_free(&b);
	return rc;
}

static int
yesno(const char *v, int *r)
{
	if (strcasecmp(v, "yes") == 0 || strcasecmp(v, "true") == 0 ||
	    strcmp(v, "1") == 0)
		*r = 1;
	else if (strcasecmp(v, "no") == 0 || strcasecmp(v, "false") == 0 ||
	    strcmp(v, "0") == 0)
		*r = 0;
	else
		return -1;
	return 0;
}

/* queue_add - the queue called name, declared now if it is new */
static struct route_queue *
queue_add(struct routing *r, const char *name)
{
	const struct route_queue *q = route_queue(r, name);

	if (q != NULL)
		return (struct route_queue *)q;	/* r is ours to change */
	r->queues = xrealloc(r->queues, (r->nqueues + 1) * sizeof(*r->queues));
	memset(&r->queues[r->nqueues], 0, sizeof(*r->queues));
	r->queues[r->nqueues].name = xstrdup(name);
	r->queues[r->nqueues].ack = 1;
	return &r->queues[r->nqueues++];
}

/*
 * handler - check entry j of q->handlers: "address" or "address FPR".  A
 * fingerprint pins the key notices are encrypted to; without one the
 * handler gets notices without the report.  The address alone never
 * picks a key: the correspondents' keyring is filled from incoming mail,
 * and a forged message could put an attacker's key under it.
 */
static int
handler(struct route_queue *q, size_t j, const struct conf_section *s,
    struct mg_err *err)
{
	char *e = q->handlers[j], *sp, *a, fpr[80];
	size_t n = 0;

	q->handler_keys[j] = NULL;
	if ((sp = strpbrk(e, " \t")) != NULL) {
		*sp++ = '\0';
		/* as gpg prints it, in groups of four, or in one piece */
		for (; *sp != '\0'; sp++) {
			if (*sp == ' ' || *sp == '\t')
				continue;
			if (!isxdigit((unsigned char)*sp) || n + 1 >= sizeof(fpr))
				return bad(err, s, "handlers", "\"%s\": what "
				    "follows the address is not a key "
				    "fingerprint", e);
			fpr[n++] = (char)toupper((unsigned char)*sp);
		}
		fpr[n] = '\0';
		if (n != 40 && n != 64)
			return bad(err, s, "handlers", "\"%s\": a key "
			    "fingerprint has 40 (or 64) hex digits", e);
		q->handler_keys[j] = xstrdup(fpr);
	}
	a = util_addr_norm(e);
	if (a == NULL || strchr(a, '@') == NULL) {
		free(a);
		return bad(err, s, "handlers", "\"%s\" is not an address", e);
	}
	free(q->handlers[j]);
	q->handlers[j] = a;
	return 0;
}

static int
load_queue(struct routing *r, const struct conf_section *s,
    struct mg_err *err)
{
	struct route_queue *q = queue_add(r, s->name);
	size_t i, j;

	for (i = 0; i < s->nkv; i++) {
		const char *k = s->kv[i].name, *v = s->kv[i].value;

		if (strcmp(k, "handlers") == 0) {
			size_t from = q->nhandlers;

			split(v, &q->handlers, &q->nhandlers);
			q->handler_keys = xrealloc(q->handler_keys,
			    (q->nhandlers + 1) * sizeof(*q->handler_keys));
			for (j = from; j < q->nhandlers; j++)
				if (handler(q, j, s, err) != 0)
					return -1;
		} else if (strcmp(k, "webhook") == 0) {
			/* never quoted back: a hook URL holds its token */
			if (*v != '\0' && strncasecmp(v, "http://", 7) != 0 &&
			    strncasecmp(v, "https://", 8) != 0)
				return bad(err, s, k, "not an http:// or "
				    "https:// URL (write it without quotes)");
			free(q->webhook);
			q->webhook = *v != '\0' ? xstrdup(v) : NULL;
		} else if (strcmp(k, "ack") == 0) {
			if (yesno(v, &q->ack) != 0)
				return bad(err, s, k, "\"%s\" is not yes or "
				    "no", v);
		} else
			return bad(err, s, k, "unknown key");
	}
	return 0;
}

static int
load_rule(struct routing *r, const struct conf_section *s,
    struct mg_err *err)
{
	struct rule *ru;
	char **words = NULL;
	size_t i, nwords = 0;
	int rc = -1;

	r->rules = xrealloc(r->rules, (r->nrules + 1) * sizeof(*r->rules));
	ru = &r->rules[r->nrules++];
	memset(ru, 0, sizeof(*ru));
	ru->name = xstrdup(s->name);
	ru->arf = -1;
	ru->ack = -1;
	ru->queue = NULL;
	for (i = 0; i < s->nkv; i++) {
		const char *k = s->kv[i].name, *v = s->kv[i].value;

		if (strcmp(k, "recipient") == 0)
			split(v, &ru->rcpt, &ru->nrcpt);
		else if (strcmp(k, "attachment") == 0)
			split(v, &ru->att, &ru->natt);
		else if (strcmp(k, "keywords") == 0)
			split(v, &words, &nwords);
		else if (strcmp(k, "header") == 0) {
			if (rx_field(&ru->hdr, &ru->nhdr, v, s, k, err) != 0)
				goto out;
		} else if (strcmp(k, "arf_field") == 0) {
			if (rx_field(&ru->arff, &ru->narff, v, s, k, err) != 0)
				goto out;
		} else if (strcmp(k, "subject") == 0 || strcmp(k, "body") == 0) {
			struct rx **x = *k == 's' ? &ru->subject : &ru->body;

			if (*x != NULL) {
				bad(err, s, k, "set twice (join the "
				    "expressions with |)");
				goto out;
			}
			*x = xmalloc(sizeof(**x));
			if (rx_compile(*x, NULL, v, s, k, err) != 0) {
				free(*x);
				*x = NULL;
				goto out;
			}
		} else if (strcmp(k, "arf") == 0) {
			if (yesno(v, &ru->arf) != 0) {
				bad(err, s, k, "\"%s\" is not yes or no", v);
				goto out;
			}
		} else if (strcmp(k, "queue") == 0) {
			const struct route_queue *q = route_queue(r, v);

			if (q == NULL) {
				bad(err, s, k, "no queue \"%s\" (declare it "
				    "with a [queue NAME] section)", v);
				goto out;
			}
			ru->queue = q->name;
		} else if (strcmp(k, "type") == 0) {
			if ((ru->type = route_type(v)) == NULL) {
				bad(err, s, k, "\"%s\" is not an RSIT "
				    "class/type", v);
				goto out;
			}
		} else if (strcmp(k, "priority") == 0) {
			if ((ru->priority = route_priority(v)) == NULL) {
				bad(err, s, k, "\"%s\" is not low, normal, "
				    "high or urgent", v);
				goto out;
			}
		} else if (strcmp(k, "tlp") == 0) {
			if ((ru->tlp = route_tlp(v)) == NULL) {
				bad(err, s, k, "\"%s\" is not a TLP 2.0 "
				    "label", v);
				goto out;
			}
		} else if (strcmp(k, "ack") == 0) {
			if (yesno(v, &ru->ack) != 0) {
				bad(err, s, k, "\"%s\" is not yes or no", v);
				goto out;
			}
		} else {
			bad(err, s, k, "unknown key");
			goto out;
		}
	}
	if (nwords > 0 && rx_keywords(&ru->keywords, words, nwords, s,
	    err) != 0)
		goto out;
	if (ru->queue == NULL) {
		bad(err, s, "queue", "missing: a rule must name its queue");
		goto out;
	}
	rc = 0;
out:
	strv_free(words, nwords);
	return rc;
}

int
route_load(const struct conf *conf, struct routing **r_r, struct mg_err *err)
{
	struct routing *r = xcalloc(1, sizeof(*r));
	size_t i;

	for (i = 0; i < NELEM(builtin_queues); i++)
		queue_add(r, builtin_queues[i].name)->ack =
		    builtin_queues[i].ack;
	/* queues first: a rule may name a queue declared after it */
	for (i = 0; i < conf->nsects; i++)
		if (strcmp(conf->sects[i].kind, "queue") == 0 &&
		    load_queue(r, &conf->sects[i], err) != 0)
			goto fail;
	for (i = 0; i < conf->nsects; i++)
		if (strcmp(conf->sects[i].kind, "route") == 0 &&
		    load_rule(r, &conf->sects[i], err) != 0)
			goto fail;
	r->mctx = pcre2_match_context_create(NULL);
	(void)pcre2_set_match_limit(r->mctx, MATCH_LIMIT);
	(void)pcre2_set_depth_limit(r->mctx, DEPTH_LIMIT);
	r->md = pcre2_match_data_create(4, NULL);
	*r_r = r;
	return 0;
fail:
	route_free(&r);
	return -1;
}

void
route_free(struct routing **rp)
{
	struct routing *r = *rp;
	size_t i, j;

	if (r == NULL)
		return;
	for (i = 0; i < r->nrules; i++) {
		struct rule *ru = &r->rules[i];

		free(ru->name);
		strv_free(ru->rcpt, ru->nrcpt);
		strv_free(ru->att, ru->natt);
		for (j = 0; j < ru->nhdr; j++)
			rx_free(&ru->hdr[j]);
		free(ru->hdr);
		for (j = 0; j < ru->narff; j++)
			rx_free(&ru->arff[j]);
		free(ru->arff);
		rx_free(ru->subject);
		free(ru->subject);
		rx_free(ru->body);
		free(ru->body);
		rx_free(ru->keywords);
		free(ru->keywords);
	}
	free(r->rules);
	for (i = 0; i < r->nqueues; i++) {
		free(r->queues[i].name);
		strv_free(r->queues[i].handlers, r->queues[i].nhandlers);
		strv_free(r->queues[i].handler_keys, r->queues[i].nhandlers);
		free(r->queues[i].webhook);
	}
	free(r->queues);
	pcre2_match_data_free(r->md);
	pcre2_match_context_free(r->mctx);
	free(r);
	*rp = NULL;
}

const struct route_queue *
route_queue(const struct routing *r, const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < r->nqueues; i++)
		if (strcmp(r->queues[i].name, name) == 0)
			return &r->queues[i];
	return NULL;
}

const struct route_queue *
route_queue_at(const struct routing *r, size_t i)
{
	return i < r->nqueues ? &r->queues[i] : NULL;
}

/* --- matching ----------------------------------------------------------- */

/* why_add - append one clause to out->why, cut to fit */
static void
why_add(struct route_out *out, const char *what, const char *where,
    const char *s, size_t n)
{
	char shown[SHOW_MAX * 2 + 1];
	size_t len = strlen(out->why), i, k = 0;

	/* matched text may hold anything: controls shown as spaces, cut on
	 * a character boundary */
	if (n > SHOW_MAX) {
		n = SHOW_MAX;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	for (i = 0; s != NULL && i < n; i++)
		shown[k++] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ?
		    ' ' : s[i];
	shown[k] = '\0';
	(void)snprintf(out->why + len, sizeof(out->why) - len, "%s%s%s%s%s%s",
	    len > 0 ? "; " : "", what, where ? " in " : "", where ? where : "",
	    s ? ": " : "", s ? shown : "");
}

/* rx_run - 1 if x matches s; *limit set if it gave up */
static int
rx_run(const struct routing *r, const struct rx *x, const char *s,
    size_t len, const char **m, size_t *mlen, int *limit)
{
	PCRE2_SIZE *ov;
	int rc;

	rc = pcre2_match(x->re, (PCRE2_SPTR)s, len, 0, 0, r->md, r->mctx);
	if (rc < 0) {
		if (rc != PCRE2_ERROR_NOMATCH)
			*limit = 1;
		return 0;
	}
	ov = pcre2_get_ovector_pointer(r->md);
	*m = s + ov[0];
	*mlen = ov[1] > ov[0] ? ov[1] - ov[0] : 0;
	return 1;
}

static int
glob_any(char **globs, size_t n, const char *s)
{
	size_t i;

	for (i = 0; s != NULL && i < n; i++)
		if (fnmatch(globs[i], s, FNM_CASEFOLD) == 0)
			return (int)i + 1;
	return 0;
}

/* rule_holds - every condition of ru holds for in; out->why says how */
/* name_in - is name one of the '|'-separated names of list? */
static int
name_in(const char *name, const char *list)
{
	size_t n = strlen(name), k;

	for (;;) {
		k = strcspn(list, "|");
		if (k == n && strncasecmp(name, list, n) == 0)
			return 1;
		if (list[k] == '\0')
			return 0;
		list += k + 1;
	}
}

/* what rules read: subject and text with full-width forms folded */
struct route_text {
	const struct mime_msg	*msg;
	const char		*recipient;
	const struct arf_report	*arf;
	const char		*subject, *text;
	size_t			 subject_len, text_len;
};

static int
rule_holds(const struct routing *r, const struct rule *ru,
    const struct route_text *in, struct route_out *out)
{
	const struct mime_msg *msg = in->msg;
	const char *subj = in->subject, *m, *text = in->text;
	size_t i, j, mlen;
	int limit = 0, g, is_arf = in->arf != NULL;

	out->why[0] = '\0';
	if (ru->nrcpt > 0) {
		if ((g = glob_any(ru->rcpt, ru->nrcpt, in->recipient)) == 0)
			return 0;
		why_add(out, "recipient", NULL, in->recipient,
		    strlen(in->recipient));
	}
	if (ru->arf >= 0) {
		if (ru->arf != is_arf)
			return 0;
		why_add(out, is_arf ? "machine-readable report" :
		    "not a machine-readable report", NULL, NULL, 0);
	}
	for (i = 0; i < ru->narff; i++) {
		const struct rx *x = &ru->arff[i];
		int hit = 0;

		for (j = 0; is_arf && j < in->arf->nfields && !hit; j++)
			if (name_in(in->arf->fields[j].name, x->field))
				hit = rx_run(r, x, in->arf->fields[j].value,
				    strlen(in->arf->fields[j].value), &m, &mlen,
				    &limit);
		if (!hit)
			goto no;
		why_add(out, "report field", x->field, m, mlen);
	}
	for (i = 0; i < ru->nhdr; i++) {
		const struct rx *x = &ru->hdr[i];
		int hit = 0;

		for (j = 0; j < msg->nhdr && !hit; j++)
			if (name_in(msg->hdr[j].name, x->field))
				hit = rx_run(r, x, msg->hdr[j].value,
				    strlen(msg->hdr[j].value), &m, &mlen,
				    &limit);
		if (!hit)
			goto no;
		why_add(out, "header", x->field, m, mlen);
	}
	if (ru->subject != NULL) {
		if (!rx_run(r, ru->subject, subj, in->subject_len, &m, &mlen,
		    &limit))
			goto no;
		why_add(out, "subject", NULL, m, mlen);
	}
	if (ru->body != NULL) {
		if (!rx_run(r, ru->body, text, in->text_len, &m, &mlen,
		    &limit))
			goto no;
		why_add(out, "body", NULL, m, mlen);
	}
	if (ru->keywords != NULL) {
		if (rx_run(r, ru->keywords, subj, in->subject_len, &m, &mlen,
		    &limit))
			why_add(out, "keyword", "subject", m, mlen);
		else if (rx_run(r, ru->keywords, text, in->text_len, &m,
		    &mlen, &limit))
			why_add(out, "keyword", "body", m, mlen);
		else
			goto no;
	}
	if (ru->natt > 0) {
		for (i = 0; i < msg->natt; i++) {
			const struct mime_attachment *a = &msg->att[i];

			if (glob_any(ru->att, ru->natt, a->filename) ||
			    glob_any(ru->att, ru->natt, a->content_type))
				break;
		}
		if (i == msg->natt)
			goto no;
		m = msg->att[i].filename ? msg->att[i].filename :
		    msg->att[i].content_type;
		why_add(out, "attachment", NULL, m, strlen(m));
	}
	if (out->why[0] == '\0')
		why_add(out, "no conditions (matches everything)", NULL, NULL,
		    0);
	return 1;
no:
	if (limit)
		out->gave_up++;
	return 0;
}

void
route_match(const struct routing *r, const struct route_in *in,
    struct route_out *out)
{
	const struct route_queue *q;
	struct route_text rt;
	char *fs, *ft;
	size_t i;

	memset(out, 0, sizeof(*out));
	rt.msg = in->msg;
	rt.recipient = in->recipient;
	rt.arf = in->arf;
	rt.subject = in->msg->subject ? in->msg->subject : "";
	rt.subject_len = strlen(rt.subject);
	rt.text = in->msg->text ? in->msg->text : "";
	rt.text_len = in->msg->text ? in->msg->text_len : 0;
	if ((fs = util_fold_width(rt.subject, rt.subject_len,
	    &rt.subject_len)) != NULL)
		rt.subject = fs;
	if ((ft = util_fold_width(rt.text, rt.text_len, &rt.text_len)) != NULL)
		rt.text = ft;
	for (i = 0; i < r->nrules; i++) {
		const struct rule *ru = &r->rules[i];

		if (!rule_holds(r, ru, &rt, out))
			continue;
		q = route_queue(r, ru->queue);
		out->rule = ru->name;
		out->queue = ru->queue;
		out->type = ru->type;
		out->priority = ru->priority;
		out->tlp = ru->tlp;
		out->ack = ru->ack >= 0 ? ru->ack : q->ack;
		goto done;
	}
	out->queue = "triage";
	out->ack = route_queue(r, "triage")->ack;
	(void)snprintf(out->why, sizeof(out->why), "no rule matched");
done:
	/* a rule that gave up might have matched: say so */
	if (out->gave_up > 0) {
		size_t len = strlen(out->why);

		(void)snprintf(out->why + len, sizeof(out->why) - len,
		    " (%d expression%s gave up at the match limit)",
		    out->gave_up, out->gave_up == 1 ? "" : "s");
	}
	free(fs);
	free(ft);
}

/* --- the default configuration ------------------------------------------ */

static const char default_routing[] =
"\n"
"; Queues.  triage, incident, vulnerability, phishing, abuse, inquiry and\n"
"; junk always exist; a [queue NAME] section sets who is told of each new\n"
"; ticket (handlers: mail, encrypted to each handler's key when the\n"
"; keyring holds it; webhook: a JSON POST for Mattermost or Slack) and\n"
"; whether reporters are acknowledged (ack).  It may also add a queue.\n"
"[queue triage]\n"
"handlers =\n"
"\n"
"[queue incident]\n"
"\n"
"[queue vulnerability]\n"
"\n"
"[queue phishing]\n"
"\n"
"[queue abuse]\n"
"\n"
"[queue inquiry]\n"
"\n"
"[queue junk]\n"
"ack = no\n"
"\n"
"; Rules: the first whose conditions all hold sets queue, type (RSIT\n"
"; class/type), priority (low, normal, high, urgent), tlp (CLEAR, GREEN,\n"
"; AMBER, AMBER+STRICT, RED) and ack.  Conditions: recipient (globs),\n"
"; header (\"Name: regex\"), subject and body (regex), keywords (words, in\n"
"; subject or body), attachment (globs on file name or content type), arf\n"
"; (yes: ARF or X-ARF report) and arf_field (\"Name: regex\").  Expressions\n"
"; are PCRE2, case-insensitive.  Nothing matched: queue triage.  A long list\n"
"; goes on indented continuation lines (a line holds at most 199 bytes).\n"
"\n"
"; plus-addresses: csirt+phishing@... and so on\n"
"[route to-phishing]\n"
"recipient = *+phishing@*\n"
"queue = phishing\n"
"type = fraud/phishing\n"
"\n"
"[route to-vulnerability]\n"
"recipient = *+vulnerability@*, *+vuln@*\n"
"queue = vulnerability\n"
"type = vulnerable/vulnerable-system\n"
"\n"
"[route to-incident]\n"
"recipient = *+incident@*\n"
"queue = incident\n"
"\n"
"[route to-abuse]\n"
"recipient = *+abuse@*\n"
"queue = abuse\n"
"\n"
"[route to-inquiry]\n"
"recipient = *+inquiry@*\n"
"queue = inquiry\n"
"type = other/other\n"
"\n"
"; machine-readable abuse reports (ARF, X-ARF): to abuse, typed by their\n"
"; report type, with no human-style acknowledgement\n"
"[route machine-phishing]\n"
"arf = yes\n"
"arf_field = Feedback-Type|Category|Report-Type: ^(fraud|phishing)\n"
"queue = abuse\n"
"type = fraud/phishing\n"
"ack = no\n"
"\n"
"[route machine-malware]\n"
"arf = yes\n"
"arf_field = Feedback-Type|Report-Type: virus|malware|\\bbot|trojan|\\bc2\\b\n"
"queue = abuse\n"
"type = malicious-code/infected-system\n"
"ack = no\n"
"\n"
"[route machine-login-attack]\n"
"arf = yes\n"
"arf_field = Report-Type: login-attack|brute\n"
"queue = abuse\n"
"type = intrusion-attempts/brute-force\n"
"ack = no\n"
"\n"
"[route machine-scan]\n"
"arf = yes\n"
"arf_field = Report-Type: scan|harvesting\n"
"queue = abuse\n"
"type = information-gathering/scanner\n"
"ack = no\n"
"\n"
"[route machine-opt-out]\n"
"arf = yes\n"
"arf_field = Feedback-Type: ^(opt-out|unsubscribe)\n"
"queue = abuse\n"
"type = abusive-content/spam\n"
"priority = low\n"
"ack = no\n"
"\n"
"[route machine-auth-failure]\n"
"arf = yes\n"
"arf_field = Feedback-Type: ^auth-failure\n"
"queue = abuse\n"
"type = fraud/masquerade\n"
"ack = no\n"
"\n"
"[route machine-reports]\n"
"arf = yes\n"
"queue = abuse\n"
"type = abusive-content/spam\n"
"ack = no\n"
"\n"
"; what a spam filter upstream marked\n"
"[route spam-flag]\n"
"header = X-Spam-Flag: ^\\s*yes\n"
"queue = junk\n"
"\n"
"[route phishing-words]\n"
"keywords = フィッシング, 偽サイト, 詐欺サイト, 偽メール, phishing,\n"
"  credential harvesting, fake login\n"
"queue = phishing\n"
"type = fraud/phishing\n"
"\n"
"[route data-leak-words]\n"
"keywords = 情報漏えい, 情報漏洩, 漏えい, 漏洩, 流出, data leak, data breach,\n"
"  leaked, exfiltration\n"
"queue = incident\n"
"type = information-content-security/unauthorised-information-access\n"
"priority = high\n"
"\n"
"[route ransomware-words]\n"
"keywords = ランサムウェア, ransomware\n"
"queue = incident\n"
"type = malicious-code/infected-system\n"
"priority = high\n"
"\n"
"[route intrusion-words]\n"
"keywords = 不正アクセス, 不正ログイン, 侵入, 乗っ取り, unauthorized access,\n"
"  unauthorised access, compromised, intrusion, account takeover\n"
"queue = incident\n"
"type = intrusions/unprivileged-account-compromise\n"
"\n"
"[route malware-words]\n"
"keywords = マルウェア, ウイルス, ウィルス, 感染, Emotet, malware, virus,\n"
"  trojan, infected\n"
"queue = incident\n"
"type = malicious-code/infected-system\n"
"\n"
"[route ddos-words]\n"
"keywords = DDoS, DoS攻撃, サービス妨害, denial of service\n"
"queue = incident\n"
"type = availability/ddos\n"
"\n"
"[route vulnerability-words]\n"
"keywords = 脆弱性, ぜい弱性, vulnerability, CVE-, security flaw, exploit\n"
"queue = vulnerability\n"
"type = vulnerable/vulnerable-system\n"
"\n"
"[route scan-words]\n"
"keywords = ポートスキャン, スキャン, port scan, scanning, brute force,\n"
"  ブルートフォース\n"
"queue = abuse\n"
"type = information-gathering/scanner\n"
"\n"
"[route spam-words]\n"
"keywords = 迷惑メール, スパム, spam, complaint about message\n"
"queue = abuse\n"
"type = abusive-content/spam\n"
"\n"
"[route inquiry-words]\n"
"keywords = 問い合わせ, 問合せ, 質問, ご相談, inquiry, enquiry, question\n"
"queue = inquiry\n"
"type = other/other\n";

int
route_write_default(FILE *fp)
{
	(void)fputs(default_routing, fp);
	return ferror(fp) ? -1 : 0;
}
