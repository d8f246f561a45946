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

#include "madoguchi/arf.h"
#include "madoguchi/dsn.h"
#include "madoguchi/err.h"
#include "madoguchi/observe.h"
#include "madoguchi/route.h"

struct conf;
struct mime_msg;
struct pgp;
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
	int			 notes_planned;	/* handler notifications are due */
	int64_t			 webhook;	/* outbox id of the webhook, or 0 */
};

/*
 * intake_init - load what every message needs (the routing rules) once,
 * before messages are processed: a broken rule is found here, and deliver
 * exits 75 before it takes the message.  intake_end frees it.
 */
int	intake_init(const struct conf *conf, struct mg_err *err);
void	intake_end(void);

int	intake_process(const struct conf *conf, const struct spool_meta *meta,
	    struct mg_err *err);

/* a message read and classified (steps 2, 3 and 5), not yet stored */
struct intake_msg {
	struct mime_msg		*msg;
	struct arf_report	 arf;		/* format ARF_NONE: not one */
	int			 is_dsn;
	struct dsn		 dsn;
	struct obs_list		 obs;
	struct route_out	 route;
};

/*
 * intake_read - parse raw[0..len) (decrypting with *pgp, opened on first
 * need; the caller closes it), read any ARF/X-ARF report, pull out the
 * observables and route it for recipient.  -1 only when the crypto engine
 * was needed and is down (MG_ERR_TEMP).  Free with intake_msg_free.
 * INTAKE_DRY: keys the message carries are not imported.
 */
#define INTAKE_DRY	0x01
int	intake_read(const struct conf *conf, const char *raw, size_t len,
	    const char *recipient, int flags, struct pgp **pgp,
	    struct intake_msg *im, struct mg_err *err);
void	intake_msg_free(struct intake_msg *im);

/*
 * intake_store - thread and store a message read by intake_read in one
 * transaction.  Exposed for tests; intake_process calls it.
 */
int	intake_store(struct store *st, const struct conf *conf,
	    const struct spool_meta *meta, const struct intake_msg *im,
	    struct intake_result *res, struct mg_err *err);

/* intake_thread_str - "new", "reference", "tag", "duplicate" */
const char *intake_thread_str(enum intake_thread how);

#endif
