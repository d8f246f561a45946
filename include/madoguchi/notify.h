/*
 * notify.h - step 8: tell a queue's handlers of each new ticket.
 *
 * Both ways go through the outbox, planned inside the delivery's
 * transaction (a retried delivery plans nothing twice) and never failing
 * it.  By mail: one PGP/MIME-signed notice per handler, encrypted to the
 * handler's key when the keyring holds it, and then carrying the report
 * text; without a key, a notice with the tag, queue and type only.  By
 * webhook: a JSON POST whose "text" field Mattermost and Slack display,
 * plus tag, queue, type, priority and TLP; the subject only when the
 * ticket's TLP is CLEAR or GREEN and the report did not arrive encrypted;
 * never the body.
 */
#ifndef MADOGUCHI_NOTIFY_H
#define MADOGUCHI_NOTIFY_H

#include <stdint.h>

#include "madoguchi/err.h"

struct conf;
struct pgp;
struct route_queue;
struct spool_meta;
struct store;
struct store_outbox;

/*
 * notify_plan - plan the notices of a new ticket in queue q.  *webhook_r
 * gets the id of the webhook row (its body is final at once), else 0;
 * *mails_r the number of mails planned.  -1 only on a database error.
 */
int	notify_plan(struct store *st, const struct conf *conf,
	    const struct route_queue *q, const struct spool_meta *meta,
	    int64_t ticket, int *mails_r,
	    int64_t *webhook_r, struct mg_err *err);

/*
 * notify_hook_body - the JSON webhook row o posts, made from what the
 * store holds now: it is made when planned and again before each try, so
 * a TLP raised in between keeps the subject out.  Malloc'ed.
 */
int	notify_hook_body(const struct conf *conf, struct store *st,
	    const struct store_outbox *o, char **json_r, size_t *len_r,
	    struct mg_err *err);

/* notify_compose - the mail of planned row o (kind "notification") */
int	notify_compose(const struct conf *conf, struct store *st,
	    struct pgp *pgp, const struct store_outbox *o, struct mg_err *err);

#endif
