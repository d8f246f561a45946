/*
 * route.h - step 5: which queue a report goes to, and as what.
 *
 * Queues and rules come from the configuration's [queue NAME] and
 * [route NAME] sections (madoguchi.conf(5)).  A rule's conditions must all
 * hold; a condition that lists several values (globs, keywords) holds if
 * any does.  Rules are tried in file order and the first that holds sets
 * the queue, the RSIT type, the priority, the TLP label and whether the
 * sender is acknowledged.  Nothing matched: queue "triage".
 *
 * Regular expressions are PCRE2, UTF-8 and case-insensitive, with match
 * limits so that a hostile message cannot make one run for long (a rule
 * whose expression gives up is taken as not matching, and says so).
 * Everything in the configuration is checked at load time: an unknown
 * key, a bad expression, a queue that does not exist, a type outside the
 * RSIT list or a label outside TLP 2.0 is an error (MG_ERR_TEMP: deliver
 * exits 75 and the MTA keeps the mail until the file is fixed).
 */
#ifndef MADOGUCHI_ROUTE_H
#define MADOGUCHI_ROUTE_H

#include <stddef.h>
#include <stdio.h>

#include "madoguchi/err.h"

struct arf_report;
struct conf;
struct mime_msg;
struct routing;

struct route_queue {
	char	 *name;
	char	**handlers;	/* addresses told of each new ticket */
	char	**handler_keys;	/* each one's pinned key fingerprint, or NULL */
	size_t	  nhandlers;
	char	 *webhook;	/* URL, or NULL */
	int	  ack;		/* reporters are acknowledged */
};

struct route_in {
	const char		*recipient;	/* envelope recipient, or "" */
	const struct mime_msg	*msg;
	const struct arf_report	*arf;		/* NULL: not machine-readable */
};

#define ROUTE_WHY_MAX	1024

struct route_out {
	const char	*rule;		/* NULL: no rule matched */
	const char	*queue;
	const char	*type;		/* RSIT class/type, or NULL */
	const char	*priority;	/* NULL: unset */
	const char	*tlp;		/* "TLP:AMBER", or NULL */
	int		 ack;		/* 0: no acknowledgement */
	char		 why[ROUTE_WHY_MAX];	/* what matched, one line */
	int		 gave_up;	/* expressions stopped by the match limit */
};

int	route_load(const struct conf *conf, struct routing **r_r,
	    struct mg_err *err);
void	route_free(struct routing **r);

/* route_match - classify one message; never fails */
void	route_match(const struct routing *r, const struct route_in *in,
	    struct route_out *out);

/* route_queue - the queue called name, or NULL */
const struct route_queue *route_queue(const struct routing *r,
	    const char *name);
/* route_queue_at - the i-th queue (declaration order), or NULL */
const struct route_queue *route_queue_at(const struct routing *r, size_t i);

/*
 * Vocabularies, shared with "ticket set".  Each returns the canonical
 * spelling (a static string) or NULL if s is not a valid value.
 */
const char *route_type(const char *s);		/* RSIT "class/type" */
const char *route_tlp(const char *s);		/* "amber" -> "TLP:AMBER" */
const char *route_priority(const char *s);	/* low normal high urgent */
const char *route_status(const char *s);	/* the ticket lifecycle */

/* route_tlp_shareable - may a subject under this label leave the team's
 * systems in clear (chat, unencrypted mail)?  Unlabelled counts as AMBER. */
int	route_tlp_shareable(const char *tlp);

/* route_write_default - the default queues and rules, for "madoguchi init" */
int	route_write_default(FILE *fp);

#endif
