/*
 * notify.c - handler notifications by mail and webhook (notify.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "madoguchi/buf.h"
#include "madoguchi/compose.h"
#include "madoguchi/conf.h"
#include "madoguchi/log.h"
#include "madoguchi/mime.h"
#include "madoguchi/notify.h"
#include "madoguchi/pgp.h"
#include "madoguchi/route.h"
#include "madoguchi/spool.h"
#include "madoguchi/store.h"
#include "madoguchi/tag.h"
#include "madoguchi/tmpl.h"
#include "madoguchi/util.h"
#include "madoguchi/xalloc.h"

#define CAUSE_NOTE	"notify:"	/* + spool id ":" key or "-" ":" handler */
#define CAUSE_HOOK	"webhook:"	/* + spool id */

/* hook_body - the JSON for ticket, opened by the message of spool_id */
static int
hook_body(const struct conf *conf, struct store *st, int64_t ticket,
    const char *spool_id, char **json_r, size_t *len_r, struct mg_err *err)
{
	struct store_ticket t;
	struct store_msgrow rep;
	const char *subject = NULL;
	char tag[TAG_MAX], when[32], *text;
	json_t *o;
	int r, have;

	*json_r = NULL;
	memset(&t, 0, sizeof(t));
	if ((r = store_ticket_get(st, ticket, &t, err)) <= 0) {
		if (r == 0)
			mg_err_set(err, MG_ERR_PERM, "no ticket %lld",
			    (long long)ticket);
		return -1;
	}
	if ((have = store_message_get(st, spool_id, &rep, err)) < 0) {
		store_ticket_clear(&t);
		return -1;
	}
	/* the subject only as the ticket's label allows now, and never one
	 * that arrived encrypted (it may be a protected header) */
	if (have && !rep.m.encrypted && route_tlp_shareable(t.tlp))
		subject = rep.m.subject;
	tag_format(conf->team_tag, ticket, tag);
	util_time_iso(have ? rep.m.received : t.created, when);
	text = xasprintf("%s: new report in queue %s (%s, %s)%s%s%s",
	    tag, t.queue, t.type ? t.type : "unclassified",
	    t.tlp ? t.tlp : "no TLP", subject ? ": \"" : "",
	    subject ? subject : "", subject ? "\"" : "");
	o = json_object();
	json_object_set_new(o, "text", json_string(text));
	json_object_set_new(o, "tag", json_string(tag));
	json_object_set_new(o, "team", json_string(conf->team_name));
	json_object_set_new(o, "queue", json_string(t.queue));
	json_object_set_new(o, "type", t.type ? json_string(t.type) :
	    json_null());
	json_object_set_new(o, "priority", t.priority ?
	    json_string(t.priority) : json_null());
	json_object_set_new(o, "tlp", t.tlp ? json_string(t.tlp) :
	    json_null());
	json_object_set_new(o, "received", json_string(when));
	json_object_set_new(o, "encrypted", json_boolean(have &&
	    rep.m.encrypted));
	if (subject != NULL)
		json_object_set_new(o, "subject", json_string(subject));
	*json_r = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	free(text);
	store_ticket_clear(&t);
	store_msgrow_clear(&rep);
	if (*json_r == NULL) {
		mg_err_set(err, MG_ERR_PERM, "webhook body: not UTF-8");
		return -1;
	}
	*len_r = strlen(*json_r);
	return 0;
}

int
notify_hook_body(const struct conf *conf, struct store *st,
    const struct store_outbox *o, char **json_r, size_t *len_r,
    struct mg_err *err)
{
	if (strncmp(o->cause, CAUSE_HOOK, strlen(CAUSE_HOOK)) != 0) {
		mg_err_set(err, MG_ERR_PERM, "outbox %lld: not a webhook",
		    (long long)o->id);
		return -1;
	}
	return hook_body(conf, st, o->ticket, o->cause + strlen(CAUSE_HOOK),
	    json_r, len_r, err);
}

int
notify_plan(struct store *st, const struct conf *conf,
    const struct route_queue *q, const struct spool_meta *meta,
    int64_t ticket, int *mails_r,
    int64_t *webhook_r, struct mg_err *err)
{
	char tag[TAG_MAX], *cause, *json;
	size_t i, len;
	int64_t id;
	int r;

	*mails_r = 0;
	*webhook_r = 0;
	if (q == NULL)
		return 0;
	tag_format(conf->team_tag, ticket, tag);
	for (i = 0; i < q->nhandlers; i++) {
		cause = xasprintf(CAUSE_NOTE "%s:%s:%s", meta->id,
		    q->handler_keys != NULL && q->handler_keys[i] != NULL ?
		    q->handler_keys[i] : "-", q->handlers[i]);
		r = store_outbox_has_cause(st, cause, err);
		if (r == 0)
			r = store_outbox_plan(st, ticket, "notification", cause,
			    q->handlers[i], meta->received, NULL, err);
		free(cause);
		if (r < 0)
			return -1;
		(*mails_r)++;
	}
	if (q->webhook == NULL)
		return 0;
	cause = xasprintf(CAUSE_HOOK "%s", meta->id);
	if ((r = store_outbox_has_cause(st, cause, err)) != 0) {
		free(cause);
		return r < 0 ? -1 : 0;
	}
	if (hook_body(conf, st, ticket, meta->id, &json, &len, err) != 0) {
		free(cause);
		if (err->cls != MG_ERR_PERM)
			return -1;
		log_warn("%s: webhook body could not be made: %s", tag,
		    err->msg);
		mg_err_clear(err);
		return 0;
	}
	r = store_outbox_plan(st, ticket, "webhook", cause, q->webhook,
	    meta->received, &id, err);
	if (r == 0)
		r = store_outbox_composed(st, id, NULL, "", json, len,
		    meta->received, err);
	if (r == 0)
		*webhook_r = id;
	free(json);
	free(cause);
	return r;
}

/* details - what follows the template's text: the facts, then the report
 * itself only when the notice is encrypted to the handler */
static void
details(struct buf *b, const struct store_ticket *t,
    const struct store_msgrow *in, const char *tag, int encrypted,
    const char *rcpt)
{
	size_t i;

	buf_printf(b, "\nQueue:    %s\nType:     %s\nPriority: %s\nTLP:      "
	    "%s\nRule:     %s\n", t->queue, t->type ? t->type : "unclassified",
	    t->priority ? t->priority : "-", t->tlp ? t->tlp : "-",
	    t->route ? t->route : "(none matched)");
	if (!encrypted) {
		buf_printf(b, "\nThe report is not in this mail: no usable "
		    "OpenPGP key is configured for <%s>.\n本文は含まれていません"
		    "（暗号化鍵が未設定）。\nRead it with: madoguchi ticket show "
		    "%s\n", rcpt, tag);
		return;
	}
	buf_printf(b, "From:     %s\nSubject:  %s\nSignature: %s\n"
	    "Encrypted: %s\n", in->m.from_addr ? in->m.from_addr : "-",
	    in->m.subject ? in->m.subject : "", in->m.signature ?
	    in->m.signature : "none", in->m.encrypted ? "yes" : "no");
	for (i = 0; i < in->natt; i++)
		buf_printf(b, "Attachment: %s (%s, %llu bytes)\n",
		    in->att[i].filename ? in->att[i].filename : "-",
		    in->att[i].content_type ? in->att[i].content_type : "-",
		    (unsigned long long)in->att[i].size);
	buf_printf(b, "\n----- report -----\n%s%s----- end -----\n",
	    in->m.body ? in->m.body : "", in->m.body && *in->m.body &&
	    in->m.body[strlen(in->m.body) - 1] != '\n' ? "\n" : "");
}

int
notify_compose(const struct conf *conf, struct store *st, struct pgp *pgp,
    const struct store_outbox *o, struct mg_err *err)
{
	struct store_ticket t;
	struct store_msgrow in;
	struct store_sent sent;
	struct compose_msg cm;
	struct tmpl_vars v;
	struct buf raw, body;
	char tag[TAG_MAX], received[32], key[PGP_FPR_MAX], sid[80];
	char msgid[COMPOSE_ID_MAX], *subject = NULL, *text = NULL;
	const char *p, *colon, *kend;
	int r, rc = -1, enc;

	memset(&in, 0, sizeof(in));
	memset(&t, 0, sizeof(t));
	buf_init(&raw, 64u << 20);
	buf_init_secret(&body, 64u << 20);	/* may hold the report */
	p = o->cause + strlen(CAUSE_NOTE);
	if (strncmp(o->cause, CAUSE_NOTE, strlen(CAUSE_NOTE)) != 0 ||
	    (colon = strchr(p, ':')) == NULL ||
	    (size_t)(colon - p) >= sizeof(sid) ||
	    (kend = strchr(colon + 1, ':')) == NULL ||
	    (size_t)(kend - colon - 1) >= sizeof(key)) {
		mg_err_set(err, MG_ERR_PERM, "outbox %lld: not a notification",
		    (long long)o->id);
		goto out;
	}
	memcpy(sid, p, (size_t)(colon - p));
	sid[colon - p] = '\0';
	memcpy(key, colon + 1, (size_t)(kend - colon - 1));
	key[kend - colon - 1] = '\0';
	if ((r = store_message_get(st, sid, &in, err)) <= 0 ||
	    (r = store_ticket_get(st, o->ticket, &t, err)) <= 0) {
		if (r == 0)
			mg_err_set(err, MG_ERR_PERM, "outbox %lld: what it "
			    "announces is gone", (long long)o->id);
		goto out;
	}
	tag_format(conf->team_tag, o->ticket, tag);
	util_time_local(in.m.received, received);
	/* only the key the configuration pins: see route.c, handler() */
	enc = 0;
	if (strcmp(key, "-") != 0) {
		if ((r = pgp_key_usable(pgp, key, err)) < 0)
			goto out;
		if (r == 0)
			log_warn("%s: key %s of handler <%s> is missing or "
			    "unusable: notice sent without the report", tag,
			    key, o->rcpt);
		enc = r == 1;
	}
	memset(&v, 0, sizeof(v));
	v.tag = tag;
	v.received = received;
	v.team_name = conf->team_name;
	v.team_address = conf->team_address;
	v.fingerprint = conf->team_key;
	v.queue = t.queue;
	v.type = t.type;
	/* the Subject header travels in clear even in an encrypted mail */
	v.subject = !in.m.encrypted && route_tlp_shareable(t.tlp) ?
	    in.m.subject : NULL;
	if (tmpl_render(conf->templates, "notify", &v, &subject, &text,
	    err) != 0)
		goto out;
	(void)buf_puts(&body, text);
	details(&body, &t, &in, tag, enc, o->rcpt);

	memset(&cm, 0, sizeof(cm));
	cm.from_name = conf->team_name;
	cm.from_addr = conf->team_address;
	cm.to_addr = o->rcpt;
	cm.subject = subject;
	cm.date = time(NULL);
	cm.auto_submitted = "auto-generated";
	cm.body = body.data;
	if (compose_mail(&cm, pgp, conf->team_key, enc ? key : NULL, &raw,
	    msgid, err) != 0)
		goto out;

	sent.kind = "notification";
	sent.message_id = msgid;
	sent.from_addr = conf->team_address;
	sent.from_name = conf->team_name;
	sent.subject = subject;
	/* what the handler got, minus the report it may quote */
	sent.body = text;
	sent.signer = conf->team_key;
	sent.date = cm.date;
	sent.encrypted = enc;
	if (store_outbox_record(st, o, &sent, raw.data, raw.len, err) != 0)
		goto out;
	rc = 0;
out:
	store_ticket_clear(&t);
	store_msgrow_clear(&in);
	buf_free(&raw);
	buf_free(&body);
	free(subject);
	free(text);
	return rc;
}
