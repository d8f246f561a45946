/*
 * store.h - tickets, messages and threads in SQLite.
 *
 * The only module that speaks SQL.  WAL mode, synchronous=FULL (a commit
 * the MTA was told about must survive power loss), a busy timeout, and
 * BEGIN IMMEDIATE for every write transaction so that concurrent
 * deliveries queue for the write lock instead of failing.  Every value
 * goes through a bound parameter.  The schema is versioned with
 * PRAGMA user_version and migrated forward on open.
 *
 * Failures: SQLITE_BUSY after the timeout, I/O errors, a missing or
 * unreadable file are MG_ERR_TEMP (the spool keeps the message and a retry
 * finishes it); constraint violations that mean a bug are MG_ERR_PERM.
 */
#ifndef MADOGUCHI_STORE_H
#define MADOGUCHI_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "madoguchi/err.h"
#include "madoguchi/mime.h"

struct store;

#define STORE_CREATE	0x01	/* create the file if missing (init) */
#define STORE_READONLY	0x02	/* listings */

int	store_open(const char *path, int flags, struct store **st_r,
	    struct mg_err *err);
void	store_close(struct store **st);

int	store_begin(struct store *st, struct mg_err *err);	/* IMMEDIATE */
int	store_commit(struct store *st, struct mg_err *err);
void	store_rollback(struct store *st);

/* --- writing (inside store_begin/commit) -------------------------------- */

/* store_message_ticket - the ticket already holding spool_id: 1, 0 if none, -1 */
int	store_message_ticket(struct store *st, const char *spool_id,
	    int64_t *ticket_r, struct mg_err *err);

/* store_ticket_by_refs - the ticket of the newest message among ids: 1/0/-1 */
int	store_ticket_by_refs(struct store *st, char *const *ids, size_t n,
	    int64_t *ticket_r, struct mg_err *err);

/* store_ticket_exists - 1/0/-1 */
int	store_ticket_exists(struct store *st, int64_t ticket,
	    struct mg_err *err);

/* store_is_correspondent - addr (normalised) is a correspondent: 1/0/-1 */
int	store_is_correspondent(struct store *st, int64_t ticket,
	    const char *addr, struct mg_err *err);

/* how routing placed a new ticket (strings may be NULL) */
struct store_class {
	const char	*queue;		/* NULL: triage */
	const char	*type, *priority, *tlp;
	const char	*route;		/* the rule that placed it */
};

/* store_ticket_new - a new ticket; c NULL: in triage, unclassified */
int	store_ticket_new(struct store *st, const char *subject,
	    const struct store_class *c, time_t now, int64_t *ticket_r,
	    struct mg_err *err);
int	store_ticket_touch(struct store *st, int64_t ticket, time_t now,
	    struct mg_err *err);
int	store_add_correspondent(struct store *st, int64_t ticket,
	    const char *addr, const char *role, struct mg_err *err);
int	store_add_link(struct store *st, int64_t ticket, int64_t other,
	    const char *reason, time_t now, struct mg_err *err);

/* one message as stored; strings may be NULL */
struct store_message {
	int64_t		 id;
	int64_t		 ticket;
	const char	*spool_id;
	const char	*direction;	/* "in", "out" */
	const char	*kind;		/* "report", "correspondence", ... */
	const char	*message_id;
	const char	*from_addr;
	const char	*from_name;
	const char	*subject;
	time_t		 date;		/* 0: unknown */
	time_t		 received;
	const char	*env_sender;
	const char	*env_recipient;
	int		 encrypted;
	const char	*signature;	/* "none", "good", ... */
	const char	*signer;	/* fingerprint */
	const char	*flags;		/* space-separated names */
	const char	*body;
	uint64_t	 size;
	const char	*arf;		/* JSON of ARF/X-ARF fields, or NULL */
};

int	store_add_message(struct store *st, const struct store_message *m,
	    int64_t *id_r, struct mg_err *err);
int	store_add_attachment(struct store *st, int64_t message, int idx,
	    const struct mime_attachment *a, struct mg_err *err);

/* --- reading -------------------------------------------------------------- */

struct store_ticket {
	int64_t	 id;
	char	*status, *queue, *type, *priority, *tlp, *owner, *subject;
	time_t	 created, updated;
	char	*flags;
	char	*route;		/* the rule that placed it, or NULL */
	int64_t	 nmessages;
	char	*requestors;	/* comma-separated */
};

struct store_attachment {
	char	*filename, *content_type, *sha256;
	uint64_t size;
};

struct store_link {
	int64_t	 other;
	char	*reason;
	int	 outgoing;	/* 1: this ticket points at other */
};

/* a message as read back: owns its strings */
struct store_msgrow {
	struct store_message	 m;	/* const pointers into the strings below */
	char			*strs[15];
	struct store_attachment	*att;
	size_t			 natt;
};

struct store_filter {
	const char	*queue;		/* NULL: any */
	const char	*status;	/* NULL: any */
};

/* store_ticket_list - matching tickets, newest first; free with store_tickets_free */
int	store_ticket_list(struct store *st, const struct store_filter *f,
	    struct store_ticket **list_r, size_t *n_r, struct mg_err *err);
void	store_tickets_free(struct store_ticket *list, size_t n);

/* store_ticket_get - one ticket: 1, 0 if none, -1 */
int	store_ticket_get(struct store *st, int64_t id, struct store_ticket *t,
	    struct mg_err *err);
void	store_ticket_clear(struct store_ticket *t);

/* store_ticket_messages - its messages, oldest first, with attachments */
int	store_ticket_messages(struct store *st, int64_t id,
	    struct store_msgrow **rows_r, size_t *n_r, struct mg_err *err);
void	store_msgrows_free(struct store_msgrow *rows, size_t n);
void	store_msgrow_clear(struct store_msgrow *row);

/* store_ticket_links - links from and to a ticket */
int	store_ticket_links(struct store *st, int64_t id,
	    struct store_link **links_r, size_t *n_r, struct mg_err *err);
void	store_links_free(struct store_link *links, size_t n);

/* --- outbox ------------------------------------------------------------- */

/*
 * An outbound mail: planned (state "compose") inside the transaction that
 * decided to send it, composed and signed after the commit ("queued"),
 * then "sent" or, after its last try, "failed".  cause names what it
 * answers (e.g. "ack:" + a spool id) and is unique: a retried delivery
 * never plans a second one.
 */
struct store_outbox {
	int64_t	 id, ticket, attempts;
	char	*kind, *cause, *rcpt, *env_from, *message_id, *state;
	char	*last_error;
	time_t	 next_try, created, sent;
	char	*raw;		/* only from store_outbox_get */
	size_t	 raw_len;
};

int	store_outbox_plan(struct store *st, int64_t ticket, const char *kind,
	    const char *cause, const char *rcpt, time_t now, int64_t *id_r,
	    struct mg_err *err);
/* store_outbox_count - mails of kind to rcpt planned since since */
int	store_outbox_count(struct store *st, const char *rcpt,
	    const char *kind, time_t since, int64_t *n_r, struct mg_err *err);
/* store_outbox_has_cause - 1/0/-1 */
int	store_outbox_has_cause(struct store *st, const char *cause,
	    struct mg_err *err);
/* store_outbox_composed - the bytes of a planned mail: now "queued" */
int	store_outbox_composed(struct store *st, int64_t id,
	    const char *message_id, const char *env_from, const void *raw,
	    size_t len, time_t now, struct mg_err *err);
/*
 * store_outbox_claim - take a queued mail (or one whose sender died
 * STORE_CLAIM_SECS ago) for sending: 1 if ours, 0 if another process has
 * it, -1.  Two flushes at once never send one mail twice.
 */
#define STORE_CLAIM_SECS	600
int	store_outbox_claim(struct store *st, int64_t id, time_t now,
	    struct mg_err *err);
/* store_outbox_result - after a try: state, when next, why */
int	store_outbox_result(struct store *st, int64_t id, const char *state,
	    time_t next_try, const char *error, time_t sent,
	    struct mg_err *err);
/* store_outbox_mark - set state and error without counting a try */
int	store_outbox_mark(struct store *st, int64_t id, const char *state,
	    const char *error, struct mg_err *err);
/* store_outbox_list - rows in state (NULL: any), due by due (0: any) */
int	store_outbox_list(struct store *st, const char *state, time_t due,
	    struct store_outbox **list_r, size_t *n_r, struct mg_err *err);
void	store_outbox_free(struct store_outbox *list, size_t n);
/* store_outbox_get - one row with its bytes: 1, 0 if none, -1 */
int	store_outbox_get(struct store *st, int64_t id, struct store_outbox *o,
	    struct mg_err *err);
void	store_outbox_clear(struct store_outbox *o);
/* store_outbox_by_msgid - the mail we sent with this Message-ID: 1/0/-1 */
int	store_outbox_by_msgid(struct store *st, const char *message_id,
	    int64_t *id_r, int64_t *ticket_r, struct mg_err *err);

/* --- routing, observables, audit ---------------------------------------- */

int	store_add_observable(struct store *st, int64_t ticket, int64_t message,
	    const char *kind, const char *value, struct mg_err *err);

struct store_obs {
	int64_t	 ticket, message;
	char	*kind, *value;
	time_t	 received;		/* of the message that holds it */
	char	*queue, *status;	/* of the ticket */
};

/* store_observable_find - every mention of value (canonical form) */
int	store_observable_find(struct store *st, const char *value,
	    struct store_obs **list_r, size_t *n_r, struct mg_err *err);
/* store_ticket_observables - those of a ticket, by message */
int	store_ticket_observables(struct store *st, int64_t ticket,
	    struct store_obs **list_r, size_t *n_r, struct mg_err *err);
void	store_obs_free(struct store_obs *list, size_t n);

/* the ticket fields "ticket set" may change */
enum store_field {
	STORE_F_QUEUE, STORE_F_TYPE, STORE_F_PRIORITY, STORE_F_TLP,
	STORE_F_STATUS, STORE_F_OWNER
};
const char *store_field_name(enum store_field f);

/*
 * store_ticket_set - set one field (value NULL: clear it) and record who
 * changed it from what, in the same transaction.  *changed is 0 when the
 * value was already so (nothing is recorded).
 */
int	store_ticket_set(struct store *st, int64_t ticket,
	    enum store_field field, const char *value, const char *who,
	    time_t now, int *changed, struct mg_err *err);

struct store_audit {
	time_t	 at;
	char	*who, *field, *old, *new;
};
int	store_ticket_audit(struct store *st, int64_t ticket,
	    struct store_audit **list_r, size_t *n_r, struct mg_err *err);
void	store_audit_free(struct store_audit *list, size_t n);

/*
 * store_outbox_record - one transaction: the bytes of planned mail o
 * (now "queued", from the null sender: it is automatic mail) and the copy
 * of it kept in o's ticket.  sent->body is what the ticket shows, which
 * may be less than the mail carries.
 */
struct store_sent {
	const char	*kind;		/* "ack", "notification" */
	const char	*message_id;
	const char	*from_addr, *from_name;
	const char	*subject, *body;
	const char	*signer;	/* fingerprint of the signing key */
	time_t		 date;
	int		 encrypted;
};
int	store_outbox_record(struct store *st, const struct store_outbox *o,
	    const struct store_sent *sent, const void *raw, size_t len,
	    struct mg_err *err);

/* store_message_get - the stored message of a spool id: 1, 0, -1 */
int	store_message_get(struct store *st, const char *spool_id,
	    struct store_msgrow *row, struct mg_err *err);

#endif
