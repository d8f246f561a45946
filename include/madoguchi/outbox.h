/*
 * outbox.h - sending what the outbox holds, with retries.
 *
 * A queued mail is tried when due; a temporary failure (no relay, 4xx)
 * puts it back with a growing delay (1, 4, 16, 64 minutes, then every 4
 * hours); a permanent refusal (5xx), or 5 days without success, makes it
 * "failed", kept and listed, never dropped.
 */
#ifndef MADOGUCHI_OUTBOX_H
#define MADOGUCHI_OUTBOX_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "madoguchi/err.h"

struct conf;
struct store;

#define OUTBOX_GIVE_UP	(5 * 86400)

struct outbox_stats {
	int	sent, deferred, failed;
};

/* outbox_next_try - when a mail that failed attempts times is due again */
time_t	outbox_next_try(time_t now, int64_t attempts);

/*
 * outbox_flush - try every queued mail that is due (all of them if
 * force).  connect_timeout in seconds.  -1 only if the database failed.
 */
int	outbox_flush(const struct conf *conf, struct store *st, int force,
	    long connect_timeout, struct outbox_stats *stats,
	    struct mg_err *err);

/*
 * outbox_send_later - try the mails ids[0..n) now, in a detached process:
 * the delivery that composed them returns to the MTA at once (an SMTP
 * relay may take seconds; loading libcurl alone costs more than the rest
 * of a delivery).  The mails are already in the outbox: if this process
 * dies, "outbox flush" sends them once their claim expires.
 */
void	outbox_send_later(const struct conf *conf, const int64_t *ids,
	    size_t n);

#endif
