/*
 * spool.h - the raw messages, kept durably before anything else happens.
 *
 * Layout under the spool directory:
 *   tmp/          being received; never read by anyone else
 *   new/<sha256>  received, not yet (fully) processed: the commit point
 *   cur/<sha256>  processed; kept as the evidence
 *   quarantine/<sha256>  failed max_attempts times; kept, never retried
 *   meta/<sha256> envelope and processing state (key=value lines)
 * A message is named by the sha256 of its bytes, so a re-delivery of the
 * same bytes (an MTA retry) is recognised and adds nothing.  Files are
 * never rewritten; only moved between folders.
 *
 * Processing runs in a child process with the spool file locked: a crash
 * or a runaway loop there costs one attempt, never the message and never
 * the delivery's exit status.
 */
#ifndef MADOGUCHI_SPOOL_H
#define MADOGUCHI_SPOOL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "madoguchi/err.h"
#include "madoguchi/util.h"

struct conf;

enum spool_state {
	SPOOL_PENDING,		/* in new/ */
	SPOOL_DONE,		/* in cur/ */
	SPOOL_QUARANTINED	/* in quarantine/ */
};

struct spool_meta {
	char	 id[UTIL_SHA256_HEX];
	char	 sender[512];		/* envelope, sanitised; "" if unknown */
	char	 recipient[512];
	time_t	 received;
	long	 attempts;		/* processings started */
	char	 error[512];		/* last failure, "" if none */
	enum spool_state state;
	uint64_t size;
};

/* spool_check - the folders exist and are writable; MG_ERR_TEMP if not */
int	spool_check(const char *spool, struct mg_err *err);

/* spool_create - make the folders (0700) for a new instance */
int	spool_create(const char *spool, struct mg_err *err);

/*
 * spool_receive - copy fd to the spool durably.  A leading mbox "From "
 * line (Postfix pipe flag F) is not part of the message and is dropped.
 * On success *dup_r says whether the same bytes were already spooled (then
 * nothing is written).  Fails with MG_ERR_PERM only for a message over max
 * bytes, MG_ERR_TEMP for anything else (disk full, unwritable spool).
 */
int	spool_receive(const char *spool, int fd, uint64_t max,
	    const char *sender, const char *recipient,
	    char id_r[UTIL_SHA256_HEX], int *dup_r, struct mg_err *err);

/* spool_meta_read - state of one message; -1 if unknown */
int	spool_meta_read(const char *spool, const char *id,
	    struct spool_meta *m, struct mg_err *err);

/* spool_path - the path of message id in its current folder; caller frees */
char	*spool_path(const char *spool, const char *id, enum spool_state st);

/*
 * spool_fn - processes one spooled message in a child process.  Returns 0
 * when done; -1 with MG_ERR_TEMP when our environment failed (database
 * locked, crypto engine down: the attempt is not counted), -1 with
 * MG_ERR_PERM when processing this message failed (counted).
 */
typedef int (*spool_fn)(const struct conf *conf,
	    const struct spool_meta *meta, struct mg_err *err);

enum spool_outcome {
	SPOOL_OUT_DONE,		/* processed, moved to cur/ */
	SPOOL_OUT_PENDING,	/* left in new/ for a later retry */
	SPOOL_OUT_QUARANTINED,	/* failed too often, moved aside */
	SPOOL_OUT_BUSY		/* someone else is processing it */
};

/*
 * spool_process - lock message id, count the attempt, run fn in a child,
 * then move the file according to the outcome.  Never fails the caller:
 * every problem ends as one of the outcomes, logged.
 */
enum spool_outcome spool_process(const struct conf *conf, const char *id,
	    spool_fn fn);

/* spool_outcome_str - "done", "pending", "quarantined", "busy" */
const char *spool_outcome_str(enum spool_outcome o);

/*
 * spool_list - the pending and quarantined messages, oldest first.
 * *list_r is an array of *n_r entries; free with free().
 */
int	spool_list(const char *spool, struct spool_meta **list_r,
	    size_t *n_r, struct mg_err *err);

/* spool_state_str - "pending", "done", "quarantined" */
const char *spool_state_str(enum spool_state st);

#endif
