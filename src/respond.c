/*
 * respond.c - acknowledgements: RFC 3834, the rate limit, and composing
 * the signed mail (respond.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "madoguchi/buf.h"
#include "madoguchi/compose.h"
#include "madoguchi/conf.h"
#include "madoguchi/log.h"
#include "madoguchi/mime.h"
#include "madoguchi/notify.h"
#include "madoguchi/pgp.h"
#include "madoguchi/respond.h"
#include "madoguchi/spool.h"
#include "madoguchi/store.h"
#include "madoguchi/tag.h"
#include "madoguchi/tmpl.h"
#include "madoguchi/util.h"
#include "madoguchi/xalloc.h"

#define CAUSE_ACK	"ack:"

/* token_is - the first token of v (before ';' or ','), case-insensitive */
static int
token_is(const char *v, const char *word)
{
	size_t n = strlen(word);

	v += strspn(v, " \t");
	return strncasecmp(v, word, n) == 0 &&
	    strchr(" \t;,", v[n]) != NULL;
}

/* list_has - does a comma-separated header value hold word? */
static int
list_has(const char *v, const char *word)
{
	size_t n = strlen(word);

	while (*v != '\0') {
		v += strspn(v, " \t,");
		if (strncasecmp(v, word, n) == 0 && strchr(" \t,", v[n]) != NULL)
			return 1;
		v += strcspn(v, ",");
	}
	return 0;
}

/* same_mailbox - a and b equal once a "+detail" is dropped from a */
static int
same_mailbox(const char *a, const char *team)
{
	const char *at = strchr(a, '@'), *plus = strchr(a, '+'),
	    *tat = strchr(team, '@');
	size_t local;

	if (at == NULL || tat == NULL)
		return 0;
	local = (size_t)((plus != NULL && plus < at ? plus : at) - a);
	return local == (size_t)(tat - team) &&
	    strncasecmp(a, team, local) == 0 && strcasecmp(at, tat) == 0;
}

const char *
respond_robot(const struct conf *conf, const char *rcpt,
    const struct mime_msg *msg)
{
	const char *v;

	if (rcpt == NULL || *rcpt == '\0')
		return "null sender";
	if (strncasecmp(rcpt, "mailer-daemon@", 14) == 0)
		return "MAILER-DAEMON";
	if (same_mailbox(rcpt, conf->team_address) ||
	    (msg->from != NULL && same_mailbox(msg->from, conf->team_address)))
		return "our own address";
	if ((v = mime_header_get(msg, "X-Loop")) != NULL &&
	    strcasestr(v, conf->team_address) != NULL)
		return "our loop header";
	if ((v = mime_header_get(msg, "Auto-Submitted")) != NULL &&
	    !token_is(v, "no"))
		return "Auto-Submitted";
	if ((v = mime_header_get(msg, "Precedence")) != NULL &&
	    (token_is(v, "bulk") || token_is(v, "list") ||
	    token_is(v, "junk")))
		return "Precedence";
	if (mime_header_get(msg, "List-Id") != NULL ||
	    mime_header_get(msg, "List-Unsubscribe") != NULL)
		return "mailing list";
	if ((v = mime_header_get(msg, "X-Auto-Response-Suppress")) != NULL &&
	    (list_has(v, "All") || list_has(v, "AutoReply") ||
	    list_has(v, "OOF")))
		return "X-Auto-Response-Suppress";
	/* delivery status, disposition notification, feedback report */
	if ((v = mime_header_get(msg, "Content-Type")) != NULL &&
	    token_is(v, "multipart/report"))
		return "multipart/report";
	return NULL;
}

char *
respond_rcpt(const struct spool_meta *meta, const struct mime_msg *msg)
{
	const char *rp;
	char *a;

	if (meta->sender[0] != '\0')
		a = util_addr_norm(meta->sender);
	else if ((rp = mime_header_get(msg, "Return-Path")) != NULL)
		a = util_addr_norm(rp);		/* "<>" gives NULL */
	else
		a = NULL;
	return a != NULL ? a : xstrdup("");
}

int
respond_plan(struct store *st, const struct conf *conf,
    const struct spool_meta *meta, const struct mime_msg *msg,
    int64_t ticket, int opened, int *planned, struct mg_err *err)
{
	char *rcpt = respond_rcpt(meta, msg), *cause = NULL;
	const char *why;
	int64_t n = 0;
	int rc = 0;

	*planned = 0;
	if (!conf->ack || (!opened && !conf->ack_followups))
		goto out;
	if ((why = respond_robot(conf, rcpt, msg)) != NULL) {
		log_info("no acknowledgement: %s", why);
		goto out;
	}
	cause = xasprintf(CAUSE_ACK "%s", meta->id);
	if ((rc = store_outbox_has_cause(st, cause, err)) != 0) {
		rc = rc < 0 ? -1 : 0;
		goto out;
	}
	/* under the write lock: concurrent deliveries count each other */
	if (store_outbox_count(st, rcpt, "ack", meta->received - 3600, &n,
	    err) != 0) {
		rc = -1;
		goto out;
	}
	if (n >= conf->ack_rate) {
		log_info("no acknowledgement: %lld already sent to <%s> this "
		    "hour", (long long)n, rcpt);
		goto out;
	}
	if (store_outbox_plan(st, ticket, "ack", cause, rcpt, meta->received,
	    NULL, err) != 0) {
		rc = -1;
		goto out;
	}
	*planned = 1;
out:
	free(cause);
	free(rcpt);
	return rc;
}

/* compose_ack - the mail for planned row o, recorded in its ticket */
static int
compose_ack(const struct conf *conf, struct store *st, struct pgp *pgp,
    const struct store_outbox *o, struct mg_err *err)
{
	struct store_ticket t;
	struct store_msgrow in;
	struct store_sent sent;
	struct compose_msg cm;
	struct tmpl_vars v;
	struct buf raw;
	char tag[TAG_MAX], received[32], key[PGP_FPR_MAX];
	char msgid[COMPOSE_ID_MAX], *subject = NULL, *body = NULL;
	int r, rc = -1;

	memset(&in, 0, sizeof(in));
	memset(&t, 0, sizeof(t));
	buf_init(&raw, 64u << 20);
	if (strncmp(o->cause, CAUSE_ACK, strlen(CAUSE_ACK)) != 0 ||
	    (r = store_message_get(st, o->cause + strlen(CAUSE_ACK), &in,
	    err)) == 0) {
		mg_err_set(err, MG_ERR_PERM, "outbox %lld: what it answers "
		    "is gone", (long long)o->id);
		goto out;
	}
	if (r < 0)
		goto out;
	if ((r = store_ticket_get(st, o->ticket, &t, err)) <= 0) {
		if (r == 0)
			mg_err_set(err, MG_ERR_PERM, "outbox %lld: its ticket "
			    "is gone", (long long)o->id);
		goto out;
	}
	tag_format(conf->team_tag, o->ticket, tag);
	util_time_local(in.m.received, received);
	memset(&v, 0, sizeof(v));
	/* the checklist and the template follow the ticket's kind */
	v.queue = t.queue;
	v.type = t.type;
	v.tag = tag;
	v.received = received;
	v.team_name = conf->team_name;
	v.team_address = conf->team_address;
	v.fingerprint = conf->team_key;
	/* an encrypted report's subject is part of the report */
	v.subject = in.m.encrypted ? NULL : in.m.subject;
	if (tmpl_render(conf->templates, "ack", &v, &subject, &body, err) != 0)
		goto out;
	if ((r = pgp_key_for(pgp, o->rcpt, key, err)) < 0)
		goto out;
	memset(&cm, 0, sizeof(cm));
	cm.from_name = conf->team_name;
	cm.from_addr = conf->team_address;
	cm.to_addr = o->rcpt;
	cm.subject = subject;
	cm.in_reply_to = in.m.message_id;
	cm.date = time(NULL);
	cm.auto_submitted = "auto-replied";
	cm.body = body;
	if (compose_mail(&cm, pgp, conf->team_key, r == 1 ? key : NULL, &raw,
	    msgid, err) != 0)
		goto out;

	sent.kind = "ack";
	sent.message_id = msgid;
	sent.from_addr = conf->team_address;
	sent.from_name = conf->team_name;
	sent.subject = subject;
	sent.body = body;
	sent.signer = conf->team_key;
	sent.date = cm.date;
	sent.encrypted = r == 1;
	if (store_outbox_record(st, o, &sent, raw.data, raw.len, err) != 0)
		goto out;
	rc = 0;
out:
	store_ticket_clear(&t);
	store_msgrow_clear(&in);
	buf_free(&raw);
	free(subject);
	free(body);
	return rc;
}

int
respond_compose(const struct conf *conf, struct store *st, struct pgp **pgp,
    int64_t **ids_r, size_t *nids_r, struct mg_err *err)
{
	struct store_outbox *list = NULL;
	struct mg_err e;
	size_t n = 0, i;
	int done = 0;

	if (ids_r != NULL) {
		*ids_r = NULL;
		*nids_r = 0;
	}

	if (store_outbox_list(st, "compose", 0, &list, &n, err) != 0)
		return -1;
	for (i = 0; i < n; i++) {
		mg_err_clear(&e);
		if (*pgp == NULL && pgp_open(conf->gnupg, conf->keyring,
		    conf->passphrase_file, pgp, err) != 0) {
			done = -1;
			break;
		}
		if ((strcmp(list[i].kind, "notification") == 0 ?
		    notify_compose(conf, st, *pgp, &list[i], &e) :
		    compose_ack(conf, st, *pgp, &list[i], &e)) == 0) {
			done++;
			if (ids_r != NULL) {
				*ids_r = xrealloc(*ids_r, (*nids_r + 1) *
				    sizeof(**ids_r));
				(*ids_r)[(*nids_r)++] = list[i].id;
			}
			continue;
		}
		if (e.cls == MG_ERR_PERM) {
			/* kept and shown, never retried */
			log_err("outbox %lld: %s", (long long)list[i].id, e.msg);
			if (store_outbox_mark(st, list[i].id, "failed", e.msg,
			    err) != 0) {
				done = -1;
				break;
			}
			continue;
		}
		*err = e;
		done = -1;
		break;
	}
	store_outbox_free(list, n);
	return done;
}
