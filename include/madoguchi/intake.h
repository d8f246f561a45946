/*
 * intake.h - steps 2 to 6 for one spooled message: parse, thread, store.
 *
 * intake_process is the spool_fn that deliver and "spool retry" run (in a
 * child process, see spool.h).  It is safe to run again on the same
 * message: a message already stored is recognised by its spool id and
 * nothing is added.
 */
#ifndef MADOGUCHI_INTAKE_H
#define MADOGUCHI_INTAKE_H

#include <stdint.h>

#include "madoguchi/err.h"

struct conf;
struct dsn;
struct mime_msg;
struct spool_meta;
struct store;

/* how a message found its ticket */
enum intake_thread {
	INTAKE_NEW,		/* opened a new ticket */
	INTAKE_BY_REFERENCE,	/* In-Reply-To/References named a message */
	INTAKE_BY_TAG,		/* tag in the subject, from a correspondent */
	INTAKE_DUPLICATE,	/* already stored: nothing added */
	INTAKE_BOUNCE		/* a delivery report on mail we sent */
};

struct intake_result {
	int64_t			 ticket;
	int64_t			 message;
	enum intake_thread	 how;
	int64_t			 linked;	/* tag named another ticket: its number, else 0 */
	int			 ack_planned;	/* an acknowledgement is due */
};

int	intake_process(const struct conf *conf, const struct spool_meta *meta,
	    struct mg_err *err);

/*
 * intake_store - thread and store an already parsed message in one
 * transaction (dsn: it is a delivery report, else NULL).  Exposed for
 * tests; intake_process calls it.
 */
int	intake_store(struct store *st, const struct conf *conf,
	    const struct spool_meta *meta, const struct mime_msg *msg,
	    const struct dsn *dsn, struct intake_result *res,
	    struct mg_err *err);

/* intake_thread_str - "new", "reference", "tag", "duplicate" */
const char *intake_thread_str(enum intake_thread how);

#endif
