/*
 * intake.c - parse, thread and store one spooled message (intake.h).
 *
 * Threading follows DESIGN.md "Tickets and threads": a message joins
 * ticket N when its In-Reply-To/References name a message of N, or when
 * its subject carries N's tag and its sender is already a correspondent
 * of N.  A tag alone from anyone else opens a new ticket that records the
 * link: knowing a ticket number must never let an outsider into a case.
 */
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "madoguchi/buf.h"
#include "madoguchi/conf.h"
#include "madoguchi/dsn.h"
#include "madoguchi/intake.h"
#include "madoguchi/log.h"
#include "madoguchi/mime.h"
#include "madoguchi/notify.h"
#include "madoguchi/outbox.h"
#include "madoguchi/pgp.h"
#include "madoguchi/respond.h"
#include "madoguchi/spool.h"
#include "madoguchi/store.h"
#include "madoguchi/tag.h"
#include "madoguchi/util.h"
#include "madoguchi/xalloc.h"

/* the rules, compiled once per process (intake_init) */
static struct routing *routing;

const char *
intake_thread_str(enum intake_thread how)
{
	switch (how) {
	case INTAKE_NEW:
		return "new";
	case INTAKE_BY_REFERENCE:
		return "reference";
	case INTAKE_BY_TAG:
		return "tag";
	case INTAKE_DUPLICATE:
		return "duplicate";
	case INTAKE_BOUNCE:
		return "bounce";
	}
	return "new";
}

static char *
flag_string(uint32_t flags)
{
	struct buf b;
	int f;

	buf_init(&b, 4096);
	for (f = 0; f < MIME_F_COUNT; f++) {
		if (!(flags & (1u << f)))
			continue;
		if (b.len > 0)
			(void)buf_putc(&b, ' ');
		(void)buf_puts(&b, mime_flag_name((enum mime_flag)f));
	}
	return buf_steal(&b, NULL);
}

/* the address that speaks for this message: From:, else the envelope */
static const char *
sender_of(const struct mime_msg *msg, const char *env, char **norm)
{
	if (msg->from != NULL)
		return msg->from;
	*norm = util_addr_norm(env);
	return *norm;
}

/*
 * bounce - a delivery report: to the ticket whose mail bounced, never a
 * new ticket, never acknowledged.  *ticket_r 0: not about our mail.
 */
static int
bounce(struct store *st, const struct dsn *dsn, int64_t *ticket_r,
    struct mg_err *err)
{
	int64_t oid = 0;
	char *why;
	int r;

	*ticket_r = 0;
	if (dsn->orig_id[0] == '\0')
		return 0;
	r = store_outbox_by_msgid(st, dsn->orig_id, &oid, ticket_r, err);
	if (r <= 0 || !dsn->failed)
		return r < 0 ? -1 : 0;
	why = xasprintf("bounced: %s %s", dsn->status, dsn->rcpt);
	r = store_outbox_mark(st, oid, "bounced", why, err);
	free(why);
	return r;
}

/* arf_json - the picked-out fields of a machine-readable report */
static char *
arf_json(const struct arf_report *a)
{
	json_t *o;
	char *s;

	if (a->format == ARF_NONE)
		return NULL;
	o = json_object();
	json_object_set_new(o, "format", json_string(arf_format_name(a->format)));
#define F(k, v) if ((v)[0] != '\0') json_object_set_new(o, k, json_string(v))
	F("feedback_type", a->feedback_type);
	F("source_ip", a->source_ip);
	F("url", a->url);
	F("domain", a->domain);
	F("arrival_date", a->arrival);
	F("reporter", a->reporter);
#undef F
	s = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(o);
	return s;
}

/* new_ticket - open a ticket classified as the rules said */
static int
new_ticket(struct store *st, const struct intake_msg *im, time_t now,
    int64_t *ticket_r, struct mg_err *err)
{
	const struct route_out *ro = &im->route;
	struct store_class c = { ro->queue, ro->type, ro->priority, ro->tlp,
		ro->rule };

	return store_ticket_new(st, im->msg->subject, &c, now, ticket_r, err);
}

/*
 * may_ack - do the rules allow an acknowledgement?  A new ticket: as its
 * rule says.  A follow-up does not move its ticket, so the queue the
 * ticket is in decides (junk stays silent), not the follow-up's words.
 */
static int
may_ack(struct store *st, const struct conf *conf,
    const struct intake_msg *im, enum intake_thread how, int64_t ticket,
    struct mg_err *err)
{
	const struct route_queue *q;
	struct store_ticket t;
	int r;

	if (how == INTAKE_NEW)
		return im->route.ack;
	if (!conf->ack_followups)
		return 0;
	memset(&t, 0, sizeof(t));
	if ((r = store_ticket_get(st, ticket, &t, err)) < 0)
		return -1;
	q = r == 1 ? route_queue(routing, t.queue) : NULL;
	r = q != NULL ? q->ack : 1;
	store_ticket_clear(&t);
	return r;
}

int
intake_store(struct store *st, const struct conf *conf,
    const struct spool_meta *meta, const struct intake_msg *im,
    struct intake_result *res, struct mg_err *err)
{
	const struct mime_msg *msg = im->msg;
	const struct dsn *dsn = im->is_dsn ? &im->dsn : NULL;
	struct store_message sm;
	char *env_norm = NULL, *flags = NULL, *f, *arf = NULL;
	const char *who;
	int64_t ticket = 0, tagged = 0;
	int rc = -1, r;
	size_t i;

	memset(res, 0, sizeof(*res));
	if (store_begin(st, err) != 0)
		return -1;
	r = store_message_ticket(st, meta->id, &ticket, err);
	if (r < 0)
		goto fail;
	if (r == 1) {
		/* a retry after a crash between commit and the spool move */
		res->ticket = ticket;
		res->how = INTAKE_DUPLICATE;
		if (store_commit(st, err) != 0)
			goto fail;
		return 0;
	}
	who = sender_of(msg, meta->sender, &env_norm);

	if (dsn != NULL) {
		if (bounce(st, dsn, &ticket, err) != 0)
			goto fail;
		if (ticket != 0) {
			res->how = INTAKE_BOUNCE;
			if (store_ticket_touch(st, ticket, meta->received,
			    err) != 0)
				goto fail;
			goto add;
		}
		/* a bounce of no mail of ours (backscatter, or mail the team
		 * sent by hand): read like any other report, never answered */
		dsn = NULL;
	}
	r = store_ticket_by_refs(st, msg->refs, msg->nrefs, &ticket, err);
	if (r < 0)
		goto fail;
	if (r == 1)
		res->how = INTAKE_BY_REFERENCE;
	else if (tag_find(msg->subject, conf->team_tag, &tagged) == 0) {
		r = store_ticket_exists(st, tagged, err);
		if (r < 0)
			goto fail;
		if (r == 0)
			tagged = 0;	/* no such ticket: nothing to link */
		else {
			r = store_is_correspondent(st, tagged, who, err);
			if (r < 0)
				goto fail;
			if (r == 1) {
				ticket = tagged;
				res->how = INTAKE_BY_TAG;
			}
		}
	}
	if (ticket == 0) {
		res->how = INTAKE_NEW;
		if (new_ticket(st, im, meta->received, &ticket, err) != 0)
			goto fail;
		if (tagged != 0) {
			res->linked = tagged;
			if (store_add_link(st, ticket, tagged,
			    "tag-from-non-correspondent", meta->received,
			    err) != 0)
				goto fail;
		}
	} else if (store_ticket_touch(st, ticket, meta->received, err) != 0)
		goto fail;
	/* whoever wrote to a new ticket, or answered a message of it, is in */
	if (res->how != INTAKE_BY_TAG && store_add_correspondent(st, ticket,
	    who, res->how == INTAKE_NEW ? "requestor" : "cc", err) != 0)
		goto fail;

add:
	flags = flag_string(msg->flags);
	if (dsn != NULL && dsn->failed) {
		f = xasprintf("%s%srecipient-failed", flags, *flags ? " " : "");
		free(flags);
		flags = f;
	}
	memset(&sm, 0, sizeof(sm));
	sm.ticket = ticket;
	sm.spool_id = meta->id;
	sm.direction = "in";
	sm.kind = res->how == INTAKE_NEW ? "report" : res->how == INTAKE_BOUNCE ?
	    "bounce" : "correspondence";
	sm.message_id = msg->message_id;
	sm.from_addr = msg->from;
	sm.from_name = msg->from_name;
	sm.subject = msg->subject;
	sm.date = msg->date;
	sm.received = meta->received;
	sm.env_sender = meta->sender[0] ? meta->sender : NULL;
	sm.env_recipient = meta->recipient[0] ? meta->recipient : NULL;
	sm.encrypted = msg->encrypted;
	sm.signature = pgp_sig_str(msg->sig.status);
	sm.signer = msg->sig.fpr[0] ? msg->sig.fpr : NULL;
	sm.flags = flags;
	sm.body = msg->text;
	sm.size = meta->size;
	sm.arf = arf = arf_json(&im->arf);
	if (store_add_message(st, &sm, &res->message, err) != 0)
		goto fail;
	for (i = 0; i < msg->natt; i++)
		if (store_add_attachment(st, res->message, (int)i,
		    &msg->att[i], err) != 0)
			goto fail;
	for (i = 0; i < im->obs.n; i++)
		if (store_add_observable(st, ticket, res->message,
		    obs_kind_name(im->obs.v[i].kind), im->obs.v[i].value,
		    err) != 0)
			goto fail;
	/* in the same transaction: a retry finds the plans, never adds any */
	if (res->how != INTAKE_BOUNCE &&
	    (r = may_ack(st, conf, im, res->how, ticket, err)) < 0)
		goto fail;
	if (res->how != INTAKE_BOUNCE && r == 1 &&
	    respond_plan(st, conf, meta, msg, ticket, res->how == INTAKE_NEW,
	    &res->ack_planned, err) != 0)
		goto fail;
	if (res->how == INTAKE_NEW && notify_plan(st, conf,
	    route_queue(routing, im->route.queue), meta, ticket,
	    &res->notes_planned, &res->webhook, err) != 0)
		goto fail;
	if (store_commit(st, err) != 0)
		goto fail;
	res->ticket = ticket;
	rc = 0;
	goto out;
fail:
	store_rollback(st);
out:
	free(arf);
	free(flags);
	free(env_norm);
	return rc;
}

/*
 * The OpenPGP engine behind mime_parse, started on first use only: gpgme's
 * start-up costs ~24 ms, which mail without OpenPGP must not pay.
 */
struct engine {
	const struct conf	*conf;
	struct pgp		**pgp;
};

static int
engine(struct engine *e, struct mg_err *err)
{
	if (*e->pgp != NULL)
		return 0;
	return pgp_open(e->conf->gnupg, e->conf->keyring,
	    e->conf->passphrase_file, e->pgp, err);
}

static int
eng_decrypt(void *ctx, const char *in, size_t len, struct buf *out,
    struct pgp_sig *sig, struct mg_err *err)
{
	if (engine(ctx, err) != 0)
		return -1;
	return pgp_decrypt(*((struct engine *)ctx)->pgp, in, len, out, sig, err);
}

static int
eng_verify_detached(void *ctx, const char *data, size_t len, const char *sig,
    size_t siglen, struct pgp_sig *res, struct mg_err *err)
{
	if (engine(ctx, err) != 0)
		return -1;
	return pgp_verify_detached(*((struct engine *)ctx)->pgp, data, len, sig,
	    siglen, res, err);
}

static int
eng_verify_opaque(void *ctx, const char *in, size_t len, struct buf *out,
    struct pgp_sig *res, struct mg_err *err)
{
	if (engine(ctx, err) != 0)
		return -1;
	return pgp_verify_opaque(*((struct engine *)ctx)->pgp, in, len, out, res,
	    err);
}

static int
eng_import(void *ctx, const char *data, size_t len, const char *addr,
    struct mg_err *err)
{
	if (engine(ctx, err) != 0)
		return -1;
	return pgp_import_for(*((struct engine *)ctx)->pgp, data, len, addr, NULL,
	    err);
}

/* a test hook: crash on purpose when the message holds this marker */
static void
fault_hook(const char *raw, size_t len)
{
	const char *marker = getenv("MADOGUCHI_FAULT_ABORT_ON");

	if (marker != NULL && *marker != '\0' &&
	    memmem(raw, len, marker, strlen(marker)) != NULL)
		abort();
}

int
intake_init(const struct conf *conf, struct mg_err *err)
{
	if (routing != NULL)
		return 0;
	return route_load(conf, &routing, err);
}

void
intake_end(void)
{
	route_free(&routing);
}

int
intake_read(const struct conf *conf, const char *raw, size_t len,
    const char *recipient, int flags, struct pgp **pgp,
    struct intake_msg *im, struct mg_err *err)
{
	struct mime_limits lim;
	struct engine eng = { conf, pgp };
	struct mime_crypto crypto = { &eng, eng_decrypt, eng_verify_detached,
		eng_verify_opaque, (flags & INTAKE_DRY) ? NULL : eng_import };
	struct route_in rin;
	size_t n;

	memset(im, 0, sizeof(*im));
	if (intake_init(conf, err) != 0)
		return -1;
	lim.max_depth = (size_t)conf->max_mime_depth;
	lim.max_parts = (size_t)conf->max_parts;
	lim.max_header = (size_t)conf->max_header_size;
	lim.max_text = (size_t)conf->max_text_size;
	lim.max_decrypted = (size_t)conf->max_message_size * 4;
	if (mime_parse(raw, len, &lim, &crypto, &im->msg, err) != 0) {
		/* the crypto engine is down: ours to fix, the message waits */
		err->cls = MG_ERR_TEMP;
		return -1;
	}
	im->is_dsn = dsn_is(mime_header_get(im->msg, "Content-Type")) &&
	    dsn_parse(raw, len, &im->dsn) == 0;
	(void)arf_parse(raw, len, &im->arf);

	/* indicators: the report fields first, then the text */
	if (im->arf.format != ARF_NONE) {
		(void)obs_add(&im->obs, im->arf.source_ip);
		(void)obs_add(&im->obs, im->arf.url);
		(void)obs_add(&im->obs, im->arf.domain);
	}
	if (im->msg->subject != NULL)
		obs_extract(im->msg->subject, strlen(im->msg->subject),
		    &im->obs);
	n = im->msg->text != NULL ? im->msg->text_len : 0;
	obs_extract(im->msg->text ? im->msg->text : "", n, &im->obs);

	rin.recipient = recipient != NULL ? recipient : "";
	rin.msg = im->msg;
	rin.arf = im->arf.format != ARF_NONE ? &im->arf : NULL;
	route_match(routing, &rin, &im->route);
	return 0;
}

void
intake_msg_free(struct intake_msg *im)
{
	mime_msg_free(&im->msg);
	arf_free(&im->arf);
	obs_list_free(&im->obs);
	memset(im, 0, sizeof(*im));
}

int
intake_process(const struct conf *conf, const struct spool_meta *meta,
    struct mg_err *err)
{
	struct intake_msg im;
	struct intake_result res;
	struct store *st = NULL;
	struct pgp *pgp = NULL;
	char *path, *raw = NULL, tag[TAG_MAX], subj[120];
	int64_t *ids = NULL;
	size_t len = 0, nids = 0;
	int rc = -1;

	memset(&im, 0, sizeof(im));
	path = spool_path(conf->spool, meta->id, SPOOL_PENDING);
	/* read whole and NUL-terminated: the parser must never run off it */
	if (util_read_file(path, (size_t)conf->max_message_size + 1, &raw,
	    &len, err) != 0) {
		err->cls = MG_ERR_TEMP;
		goto out;
	}
	fault_hook(raw, len);
	/* gpgme's start-up probe runs while we parse and store, if an
	 * acknowledgement (signed) or OpenPGP content will need it */
	if (conf->ack || memmem(raw, len, "-----BEGIN PGP", 14) != NULL ||
	    memmem(raw, len, "pgp-encrypted", 13) != NULL ||
	    memmem(raw, len, "pgp-signature", 13) != NULL)
		pgp_prepare();

	if (intake_read(conf, raw, len, meta->recipient, 0, &pgp, &im,
	    err) != 0)
		goto out;
	if (store_open(conf->database, 0, &st, err) != 0)
		goto out;
	if (intake_store(st, conf, meta, &im, &res, err) != 0)
		goto out;
	tag_format(conf->team_tag, res.ticket, tag);
	/* an encrypted message's subject may be a protected header: not logged */
	log_info("%s: %s (%s), queue=%s%s%s, from=<%s> subject=\"%s\"%s", tag,
	    res.how == INTAKE_DUPLICATE ? "already stored" : "stored",
	    intake_thread_str(res.how), im.route.queue,
	    im.route.rule ? " rule=" : "", im.route.rule ? im.route.rule : "",
	    im.msg->from ? im.msg->from : "",
	    im.msg->encrypted ? "(encrypted)" : log_sanitize(im.msg->subject ?
	    im.msg->subject : "", subj, sizeof(subj)),
	    im.msg->flags ? " (flagged)" : "");
	rc = 0;
	/* steps 7 and 8, after the commit: the report is safe whatever
	 * happens here; what cannot be composed or sent now waits for
	 * "outbox flush" */
	if (res.ack_planned || res.notes_planned) {
		struct mg_err e;

		mg_err_clear(&e);
		if (respond_compose(conf, st, &pgp, &ids, &nids, &e) < 0)
			log_warn("%s: outbound mail left to compose: %s",
			    tag, e.msg);
	}
	if (res.webhook != 0) {
		ids = xrealloc(ids, (nids + 1) * sizeof(*ids));
		ids[nids++] = res.webhook;
	}
out:
	store_close(&st);
	pgp_close(&pgp);
	pgp_prepare_end();
	/* only what this delivery composed (the rest is the timer's), and
	 * after the database is closed: SQLite state must not cross a fork */
	outbox_send_later(conf, ids, nids);
	free(ids);
	intake_msg_free(&im);
	if (raw != NULL)
		xfreezero(raw, len);
	free(path);
	return rc;
}
