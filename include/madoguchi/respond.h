/*
 * respond.h - step 7: the acknowledgement of a report (DESIGN.md "Automatic
 * responses").
 *
 * Two halves.  respond_plan runs inside the delivery's transaction: it
 * applies RFC 3834 and the per-sender rate limit and, if an
 * acknowledgement is due, plans one outbox row, keyed by the spool id so
 * a retried delivery never plans a second.  respond_compose runs after
 * the commit (and from "outbox flush" for anything left over): it renders
 * the template, signs (and, when the reporter's key is known, encrypts)
 * the mail and records it in the ticket.  A report that arrived encrypted
 * gets a mail without its subject or any of its text.
 */
#ifndef MADOGUCHI_RESPOND_H
#define MADOGUCHI_RESPOND_H

#include <stddef.h>
#include <stdint.h>

#include "madoguchi/err.h"

struct conf;
struct mime_msg;
struct pgp;
struct spool_meta;
struct store;

/*
 * respond_robot - why msg must get no automatic answer (RFC 3834 and our
 * own rules), or NULL if it may.  rcpt is where an answer would go.
 */
const char *respond_robot(const struct conf *conf, const char *rcpt,
	    const struct mime_msg *msg);

/*
 * respond_rcpt - where an acknowledgement goes: the envelope sender, else
 * Return-Path; "" for the null sender.  Malloc'ed, normalised.
 */
char	*respond_rcpt(const struct spool_meta *meta,
	    const struct mime_msg *msg);

/*
 * respond_plan - inside the transaction that stored msg in ticket
 * (opened: it opened the ticket).  Sets *planned to 1 if an
 * acknowledgement was planned.  -1 only on a database error.
 */
int	respond_plan(struct store *st, const struct conf *conf,
	    const struct spool_meta *meta, const struct mime_msg *msg,
	    int64_t ticket, int opened, int *planned, struct mg_err *err);

/*
 * respond_compose - compose every planned mail (state "compose").  *pgp is
 * opened on first need and left open for the caller to close.  If ids_r
 * is not NULL it gets the ids composed (the caller frees it).  Returns
 * the number composed, or -1 (MG_ERR_TEMP: try again later; the rows
 * stay planned).
 */
int	respond_compose(const struct conf *conf, struct store *st,
	    struct pgp **pgp, int64_t **ids_r, size_t *nids_r,
	    struct mg_err *err);

#endif
