/*
 * store.c - SQLite storage of tickets, messages and threads (store.h).
 *
 * sqlite3_exec is used only for constant schema and PRAGMA text; every
 * statement carrying a value is prepared and bound.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "madoguchi/store.h"
#include "madoguchi/xalloc.h"

#define STORE_BUSY_MS	30000
#define STORE_VERSION	3

struct store {
	sqlite3	*db;
	int	 in_tx;
};

static const char *schema_v1 =
	"CREATE TABLE ticket ("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" status TEXT NOT NULL DEFAULT 'new',"
	" queue TEXT NOT NULL DEFAULT 'triage',"
	" type TEXT, priority TEXT, tlp TEXT, owner TEXT,"
	" subject TEXT,"
	" created INTEGER NOT NULL, updated INTEGER NOT NULL,"
	" flags TEXT NOT NULL DEFAULT '');"
	"CREATE TABLE message ("
	" id INTEGER PRIMARY KEY,"
	" ticket_id INTEGER NOT NULL REFERENCES ticket(id),"
	" spool_id TEXT UNIQUE,"
	" direction TEXT NOT NULL, kind TEXT NOT NULL,"
	" message_id TEXT, from_addr TEXT, from_name TEXT, subject TEXT,"
	" date INTEGER, received INTEGER NOT NULL,"
	" envelope_sender TEXT, envelope_recipient TEXT,"
	" encrypted INTEGER NOT NULL DEFAULT 0,"
	" signature TEXT NOT NULL DEFAULT 'none', signer TEXT,"
	" flags TEXT NOT NULL DEFAULT '',"
	" body TEXT NOT NULL DEFAULT '',"
	" size INTEGER);"
	"CREATE INDEX message_ticket ON message(ticket_id);"
	"CREATE INDEX message_msgid ON message(message_id);"
	"CREATE TABLE attachment ("
	" id INTEGER PRIMARY KEY,"
	" message_id INTEGER NOT NULL REFERENCES message(id),"
	" idx INTEGER NOT NULL, filename TEXT, content_type TEXT,"
	" size INTEGER, sha256 TEXT);"
	"CREATE INDEX attachment_message ON attachment(message_id);"
	"CREATE TABLE correspondent ("
	" ticket_id INTEGER NOT NULL REFERENCES ticket(id),"
	" address TEXT NOT NULL, role TEXT NOT NULL DEFAULT 'requestor',"
	" PRIMARY KEY (ticket_id, address));"
	"CREATE TABLE ticket_link ("
	" ticket_id INTEGER NOT NULL REFERENCES ticket(id),"
	" other_id INTEGER NOT NULL, reason TEXT NOT NULL,"
	" created INTEGER NOT NULL);"
	"CREATE INDEX ticket_link_other ON ticket_link(other_id);";

/* v2: the outbox.  A row is planned ("compose") inside the delivery's
 * transaction, so a retried delivery finds it (cause is unique) and never
 * plans a second; its bytes come after the commit ("queued"). */
static const char *schema_v2 =
	"CREATE TABLE outbox ("
	" id INTEGER PRIMARY KEY,"
	" ticket_id INTEGER REFERENCES ticket(id),"
	" kind TEXT NOT NULL, cause TEXT UNIQUE,"
	" rcpt TEXT NOT NULL, env_from TEXT NOT NULL DEFAULT '',"
	" message_id TEXT, raw BLOB,"
	" state TEXT NOT NULL DEFAULT 'compose',"
	" attempts INTEGER NOT NULL DEFAULT 0,"
	" next_try INTEGER NOT NULL DEFAULT 0,"
	" last_error TEXT,"
	" created INTEGER NOT NULL, sent INTEGER);"
	"CREATE INDEX outbox_due ON outbox(state, next_try);"
	"CREATE INDEX outbox_rcpt ON outbox(rcpt, kind, created);"
	"CREATE INDEX outbox_msgid ON outbox(message_id);";

/* v3: routing (the rule that placed a ticket), ARF fields of a message,
 * observables indexed by value, and the audit trail of "ticket set". */
static const char *schema_v3 =
	"ALTER TABLE ticket ADD COLUMN route TEXT;"
	"ALTER TABLE message ADD COLUMN arf TEXT;"
	"CREATE TABLE observable ("
	" id INTEGER PRIMARY KEY,"
	" ticket_id INTEGER NOT NULL REFERENCES ticket(id),"
	" message_id INTEGER NOT NULL REFERENCES message(id),"
	" kind TEXT NOT NULL, value TEXT NOT NULL);"
	"CREATE INDEX observable_value ON observable(value);"
	"CREATE INDEX observable_message ON observable(message_id);"
	"CREATE TABLE audit ("
	" id INTEGER PRIMARY KEY,"
	" ticket_id INTEGER NOT NULL REFERENCES ticket(id),"
	" at INTEGER NOT NULL, who TEXT NOT NULL, field TEXT NOT NULL,"
	" old TEXT, new TEXT);"
	"CREATE INDEX audit_ticket ON audit(ticket_id);";

static void
db_err(struct store *st, struct mg_err *err, const char *what)
{
	int rc = sqlite3_extended_errcode(st->db);
	int prim = rc & 0xff;
	enum mg_err_class cls = MG_ERR_TEMP;

	/* a constraint or misuse is our bug; the rest is the environment */
	if (prim == SQLITE_CONSTRAINT || prim == SQLITE_MISUSE ||
	    prim == SQLITE_MISMATCH || prim == SQLITE_TOOBIG)
		cls = MG_ERR_PERM;
	mg_err_set(err, cls, "database: %s: %s", what, sqlite3_errmsg(st->db));
}

static int
exec_const(struct store *st, const char *sql, struct mg_err *err)
{
	if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		db_err(st, err, "exec");
		return -1;
	}
	return 0;
}

static int
prep(struct store *st, const char *sql, sqlite3_stmt **s,
    struct mg_err *err)
{
	if (sqlite3_prepare_v2(st->db, sql, -1, s, NULL) != SQLITE_OK) {
		db_err(st, err, "prepare");
		return -1;
	}
	return 0;
}

static void
bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v == NULL)
		(void)sqlite3_bind_null(s, i);
	else
		(void)sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
}

/* step a statement that returns no rows */
static int
step_done(struct store *st, sqlite3_stmt *s, struct mg_err *err)
{
	int rc = sqlite3_step(s);

	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		db_err(st, err, "step");
		return -1;
	}
	return 0;
}

static int
user_version(struct store *st, int *v_r, struct mg_err *err)
{
	sqlite3_stmt *s = NULL;

	if (prep(st, "PRAGMA user_version", &s, err) != 0)
		return -1;
	if (sqlite3_step(s) != SQLITE_ROW) {
		db_err(st, err, "user_version");
		sqlite3_finalize(s);
		return -1;
	}
	*v_r = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return 0;
}

static int
migrate(struct store *st, struct mg_err *err)
{
	int v, rc = -1;

	/* the usual case, without taking the write lock */
	if (user_version(st, &v, err) != 0)
		return -1;
	if (v == STORE_VERSION)
		return 0;
	if (exec_const(st, "BEGIN IMMEDIATE", err) != 0)
		return -1;
	/* read again under the lock: another process may have migrated */
	if (user_version(st, &v, err) != 0)
		goto out;
	if (v > STORE_VERSION) {
		mg_err_set(err, MG_ERR_TEMP, "database schema %d is newer "
		    "than this program (%d)", v, STORE_VERSION);
		goto out;
	}
	if (v < 1 && exec_const(st, schema_v1, err) != 0)
		goto out;
	if (v < 2 && exec_const(st, schema_v2, err) != 0)
		goto out;
	if (v < 3 && exec_const(st, schema_v3, err) != 0)
		goto out;
	/* user_version is not bindable */
	if (v < STORE_VERSION &&
	    exec_const(st, "PRAGMA user_version = 3", err) != 0)
		goto out;
	rc = exec_const(st, "COMMIT", err);
out:
	if (rc != 0)
		(void)sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

int
store_open(const char *path, int flags, struct store **st_r,
    struct mg_err *err)
{
	struct store *st = xcalloc(1, sizeof(*st));
	sqlite3_stmt *s = NULL;
	int oflags;

	/* readers open read-write too: WAL needs the -shm file */
	oflags = SQLITE_OPEN_READWRITE;
	if (flags & STORE_CREATE)
		oflags |= SQLITE_OPEN_CREATE;
	if (sqlite3_open_v2(path, &st->db, oflags | SQLITE_OPEN_NOMUTEX,
	    NULL) != SQLITE_OK) {
		mg_err_set(err, MG_ERR_TEMP, "database %s: %s", path,
		    st->db ? sqlite3_errmsg(st->db) : "cannot open");
		goto fail;
	}
	sqlite3_extended_result_codes(st->db, 1);
	/*
	 * Each deliver is usually the last connection to close, and SQLite
	 * would then checkpoint the WAL (two more fsyncs per message).  The
	 * WAL already holds every commit durably; the automatic checkpoint at
	 * 1000 pages keeps it bounded.
	 */
	if (sqlite3_db_config(st->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1,
	    NULL) != SQLITE_OK) {
		db_err(st, err, "no checkpoint on close");
		goto fail;
	}
	/* must precede any statement: concurrent deliveries wait, not fail */
	sqlite3_busy_timeout(st->db, STORE_BUSY_MS);
	if (prep(st, "PRAGMA journal_mode=WAL", &s, err) != 0)
		goto fail;
	if (sqlite3_step(s) != SQLITE_ROW ||
	    strcmp((const char *)sqlite3_column_text(s, 0), "wal") != 0) {
		db_err(st, err, "journal_mode=WAL");
		goto fail;
	}
	sqlite3_finalize(s);
	s = NULL;
	/* FULL: a commit must survive power loss once the MTA is told */
	if (exec_const(st, "PRAGMA synchronous=FULL; "
	    "PRAGMA foreign_keys=ON", err) != 0)
		goto fail;
	if (migrate(st, err) != 0)
		goto fail;
	*st_r = st;
	return 0;
fail:
	sqlite3_finalize(s);
	store_close(&st);
	return -1;
}

void
store_close(struct store **stp)
{
	struct store *st = *stp;

	if (st == NULL)
		return;
	if (st->in_tx)
		store_rollback(st);
	sqlite3_close(st->db);	/* accepts NULL */
	free(st);
	*stp = NULL;
}

int
store_begin(struct store *st, struct mg_err *err)
{
	if (exec_const(st, "BEGIN IMMEDIATE", err) != 0)
		return -1;
	st->in_tx = 1;
	return 0;
}

int
store_commit(struct store *st, struct mg_err *err)
{
	if (exec_const(st, "COMMIT", err) != 0)
		return -1;
	st->in_tx = 0;
	return 0;
}

void
store_rollback(struct store *st)
{
	/* nothing to do if it fails: SQLite rolls back on close anyway */
	(void)sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	st->in_tx = 0;
}

/* run a one-row integer query; 1 found, 0 none, -1 error */
static int
query_int(struct store *st, sqlite3_stmt *s, int64_t *r, struct mg_err *err)
{
	int rc = sqlite3_step(s);

	if (rc == SQLITE_ROW) {
		if (r != NULL)
			*r = sqlite3_column_int64(s, 0);
		rc = 1;
	} else if (rc == SQLITE_DONE)
		rc = 0;
	else {
		db_err(st, err, "query");
		rc = -1;
	}
	sqlite3_finalize(s);
	return rc;
}

int
store_message_ticket(struct store *st, const char *spool_id,
    int64_t *ticket_r, struct mg_err *err)
{
	sqlite3_stmt *s;

	if (prep(st, "SELECT ticket_id FROM message WHERE spool_id = ?1", &s,
	    err) != 0)
		return -1;
	bind_text(s, 1, spool_id);
	return query_int(st, s, ticket_r, err);
}

int
store_ticket_by_refs(struct store *st, char *const *ids, size_t n,
    int64_t *ticket_r, struct mg_err *err)
{
	size_t i;

	/* the last reference is the direct parent: try newest first */
	for (i = n; i-- > 0;) {
		sqlite3_stmt *s;
		int rc;

		if (prep(st, "SELECT ticket_id FROM message WHERE "
		    "message_id = ?1 ORDER BY id DESC LIMIT 1", &s, err) != 0)
			return -1;
		bind_text(s, 1, ids[i]);
		rc = query_int(st, s, ticket_r, err);
		if (rc != 0)
			return rc;
	}
	return 0;
}

int
store_ticket_exists(struct store *st, int64_t ticket, struct mg_err *err)
{
	sqlite3_stmt *s;

	if (prep(st, "SELECT 1 FROM ticket WHERE id = ?1", &s, err) != 0)
		return -1;
	sqlite3_bind_int64(s, 1, ticket);
	return query_int(st, s, NULL, err);
}

int
store_is_correspondent(struct store *st, int64_t ticket, const char *addr,
    struct mg_err *err)
{
	sqlite3_stmt *s;

	if (addr == NULL)
		return 0;
	if (prep(st, "SELECT 1 FROM correspondent WHERE ticket_id = ?1 AND "
	    "address = ?2", &s, err) != 0)
		return -1;
	sqlite3_bind_int64(s, 1, ticket);
	bind_text(s, 2, addr);
	return query_int(st, s, NULL, err);
}

int
store_ticket_new(struct store *st, const char *subject,
    const struct store_class *c, time_t now, int64_t *ticket_r,
    struct mg_err *err)
{
	sqlite3_stmt *s;

	if (prep(st, "INSERT INTO ticket(subject, created, updated, queue, "
	    "type, priority, tlp, route) VALUES (?1, ?2, ?2, "
	    "coalesce(?3, 'triage'), ?4, ?5, ?6, ?7)", &s, err) != 0)
		return -1;
	bind_text(s, 1, subject);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)now);
	if (c != NULL) {
		bind_text(s, 3, c->queue);
		bind_text(s, 4, c->type);
		bind_text(s, 5, c->priority);
		bind_text(s, 6, c->tlp);
		bind_text(s, 7, c->route);
	}
	if (step_done(st, s, err) != 0)
		return -1;
	*ticket_r = sqlite3_last_insert_rowid(st->db);
	return 0;
}

int
store_ticket_touch(struct store *st, int64_t ticket, time_t now,
    struct mg_err *err)
{
	sqlite3_stmt *s;

	if (prep(st, "UPDATE ticket SET updated = max(updated, ?2) "
	    "WHERE id = ?1", &s, err) != 0)
		return -1;
	sqlite3_bind_int64(s, 1, ticket);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)now);
	return step_done(st, s, err);
}

int
store_add_correspondent(struct store *st, int64_t ticket, const char *addr,
    const char *role, struct mg_err *err)
{
	sqlite3_stmt *s;

	if (addr == NULL || *addr == '\0')
		return 0;
	if (prep(st, "INSERT OR IGNORE INTO correspondent(ticket_id, address, "
	    "role) VALUES (?1, ?2, ?3)", &s, err) != 0)
		return -1;
	sqlite3_bind_int64(s, 1, ticket);
	bind_text(s, 2, addr);
	bind_text(s, 3, role);
	return step_done(st, s, err);
}

int
store_add_link(struct store *st, int64_t ticket, int64_t other,
    const char *reason, time_t now, struct mg_err *err)
{
	sqlite3_stmt *s;

	if (prep(st, "INSERT INTO ticket_link(ticket_id, other_id, reason, "
	    "created) VALUES (?1, ?2, ?3, ?4)", &s, err) != 0)
		return -1;
	sqlite3_bind_int64(s, 1, ticket);
	sqlite3_bind_int64(s, 2, other);
	bind_text(s, 3, reason);
	sqlite3_bind_int64(s, 4, (sqlite3_int64)now);
	return step_done(st, s, err);
}

int
store_add_message(struct store *st, const struct store_message *m,
    int64_t *id_r, struct mg_err *err)
{
	sqlite3_stmt *s;

	if (prep(st, "INSERT INTO message(ticket_id, spool_id, direction, "
	    "kind, message_id, from_addr, from_name, subject, date, received, "
	    "envelope_sender, envelope_recipient, encrypted, signature, "
	    "signer, flags, body, size, arf) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
	    "?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)", &s,
	    err) != 0)
		return -1;
	sqlite3_bind_int64(s, 1, m->ticket);
	bind_text(s, 2, m->spool_id);
	bind_text(s, 3, m->direction);
	bind_text(s, 4, m->kind);
	bind_text(s, 5, m->message_id);
	bind_text(s, 6, m->from_addr);
	bind_text(s, 7, m->from_name);
	bind_text(s, 8, m->subject);
	if (m->date != 0)
		sqlite3_bind_int64(s, 9, (sqlite3_int64)m->date);
	sqlite3_bind_int64(s, 10, (sqlite3_int64)m->received);
	bind_text(s, 11, m->env_sender);
	bind_text(s, 12, m->env_recipient);
	sqlite3_bind_int(s, 13, m->encrypted);
	bind_text(s, 14, m->signature ? m->signature : "none");
	bind_text(s, 15, m->signer);
	bind_text(s, 16, m->flags ? m->flags : "");
	bind_text(s, 17, m->body ? m->body : "");
	sqlite3_bind_int64(s, 18, (sqlite3_int64)m->size);
	bind_text(s, 19, m->arf);
	if (step_done(st, s, err) != 0)
		return -1;
	*id_r = sqlite3_last_insert_rowid(st->db);
	return 0;
}

int
store_add_attachment(struct store *st, int64_t message, int idx,
    const struct mime_attachment *a, struct mg_err *err)
{
	sqlite3_stmt *s;

	if (prep(st, "INSERT INTO attachment(message_id, idx, filename, "
	    "content_type, size, sha256) VALUES (?1, ?2, ?3, ?4, ?5, ?6)", &s,
	    err) != 0)
		return -1;
	sqlite3_bind_int64(s, 1, message);
	sqlite3_bind_int(s, 2, idx);
	bind_text(s, 3, a->filename);
	bind_text(s, 4, a->content_type);
	sqlite3_bind_int64(s, 5, (sqlite3_int64)a->size);
	bind_text(s, 6, a->sha256);
	return step_done(st, s, err);
}

/* --- reading -------------------------------------------------------------- */

static char *
col_str(sqlite3_stmt *s, int i)
{
	const unsigned char *v = sqlite3_column_text(s, i);

	return v ? xstrdup((const char *)v) : NULL;
}

#define TICKET_COLS "t.id, t.status, t.queue, t.type, t.priority, t.tlp, " \
	"t.owner, t.subject, t.created, t.updated, t.flags, t.route, " \
	"(SELECT count(*) FROM message m WHERE m.ticket_id = t.id), " \
	"(SELECT group_concat(address, ', ') FROM (SELECT address FROM " \
	"correspondent c WHERE c.ticket_id = t.id AND c.role = 'requestor' " \
	"ORDER BY rowid))"

static void
ticket_row(sqlite3_stmt *s, struct store_ticket *t)
{
	t->id = sqlite3_column_int64(s, 0);
	t->status = col_str(s, 1);
	t->queue = col_str(s, 2);
	t->type = col_str(s, 3);
	t->priority = col_str(s, 4);
	t->tlp = col_str(s, 5);
	t->owner = col_str(s, 6);
	t->subject = col_str(s, 7);
	t->created = (time_t)sqlite3_column_int64(s, 8);
	t->updated = (time_t)sqlite3_column_int64(s, 9);
	t->flags = col_str(s, 10);
	t->route = col_str(s, 11);
	t->nmessages = sqlite3_column_int64(s, 12);
	t->requestors = col_str(s, 13);
}

void
store_ticket_clear(struct store_ticket *t)
{
	free(t->status);
	free(t->queue);
	free(t->type);
	free(t->priority);
	free(t->tlp);
	free(t->owner);
	free(t->subject);
	free(t->flags);
	free(t->route);
	free(t->requestors);
}

int
store_ticket_list(struct store *st, const struct store_filter *f,
    struct store_ticket **list_r, size_t *n_r, struct mg_err *err)
{
	struct store_ticket *list = NULL;
	sqlite3_stmt *s;
	size_t n = 0, cap = 0;
	int rc;

	if (prep(st, "SELECT " TICKET_COLS " FROM ticket t WHERE "
	    "(?1 IS NULL OR t.queue = ?1) AND (?2 IS NULL OR t.status = ?2) "
	    "ORDER BY t.id DESC", &s, err) != 0)
		return -1;
	bind_text(s, 1, f ? f->queue : NULL);
	bind_text(s, 2, f ? f->status : NULL);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			list = xrealloc(list, cap * sizeof(*list));
		}
		ticket_row(s, &list[n++]);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		db_err(st, err, "ticket list");
		store_tickets_free(list, n);
		return -1;
	}
	*list_r = list;
	*n_r = n;
	return 0;
}

void
store_tickets_free(struct store_ticket *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		store_ticket_clear(&list[i]);
	free(list);
}

int
store_ticket_get(struct store *st, int64_t id, struct store_ticket *t,
    struct mg_err *err)
{
	sqlite3_stmt *s;
	int rc;

	if (prep(st, "SELECT " TICKET_COLS " FROM ticket t WHERE t.id = ?1",
	    &s, err) != 0)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		ticket_row(s, t);
		rc = 1;
	} else if (rc == SQLITE_DONE)
		rc = 0;
	else {
		db_err(st, err, "ticket");
		rc = -1;
	}
	sqlite3_finalize(s);
	return rc;
}

static int
load_attachments(struct store *st, struct store_msgrow *r, struct mg_err *err)
{
	sqlite3_stmt *s;
	size_t cap = 0;
	int rc;

	if (prep(st, "SELECT filename, content_type, size, sha256 FROM "
	    "attachment WHERE message_id = ?1 ORDER BY idx", &s, err) != 0)
		return -1;
	sqlite3_bind_int64(s, 1, r->m.id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_attachment *a;

		if (r->natt == cap) {
			cap = cap ? cap * 2 : 4;
			r->att = xrealloc(r->att, cap * sizeof(*r->att));
		}
		a = &r->att[r->natt++];
		a->filename = col_str(s, 0);
		a->content_type = col_str(s, 1);
		a->size = (uint64_t)sqlite3_column_int64(s, 2);
		a->sha256 = col_str(s, 3);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		db_err(st, err, "attachments");
		return -1;
	}
	return 0;
}

#define MESSAGE_COLS "SELECT id, ticket_id, spool_id, direction, kind, " \
	"message_id, from_addr, from_name, subject, date, received, " \
	"envelope_sender, envelope_recipient, encrypted, signature, signer, " \
	"flags, body, size, arf FROM message "

/* read_messages - the rows s selects (MESSAGE_COLS), with attachments */
static int
read_messages(struct store *st, sqlite3_stmt *s, struct store_msgrow **rows_r,
    size_t *n_r, struct mg_err *err)
{
	struct store_msgrow *rows = NULL;
	size_t n = 0, cap = 0, i;
	int rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_msgrow *r;
		static const int strcol[] = { 2, 3, 4, 5, 6, 7, 8, 11, 12, 14,
			15, 16, 17, 19 };

		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			rows = xrealloc(rows, cap * sizeof(*rows));
		}
		r = &rows[n++];
		memset(r, 0, sizeof(*r));
		for (i = 0; i < sizeof(strcol) / sizeof(strcol[0]); i++)
			r->strs[i] = col_str(s, strcol[i]);
		r->m.id = sqlite3_column_int64(s, 0);
		r->m.ticket = sqlite3_column_int64(s, 1);
		r->m.spool_id = r->strs[0];
		r->m.direction = r->strs[1];
		r->m.kind = r->strs[2];
		r->m.message_id = r->strs[3];
		r->m.from_addr = r->strs[4];
		r->m.from_name = r->strs[5];
		r->m.subject = r->strs[6];
		r->m.date = (time_t)sqlite3_column_int64(s, 9);
		r->m.received = (time_t)sqlite3_column_int64(s, 10);
		r->m.env_sender = r->strs[7];
		r->m.env_recipient = r->strs[8];
		r->m.encrypted = sqlite3_column_int(s, 13);
		r->m.signature = r->strs[9];
		r->m.signer = r->strs[10];
		r->m.flags = r->strs[11];
		r->m.body = r->strs[12];
		r->m.size = (uint64_t)sqlite3_column_int64(s, 18);
		r->m.arf = r->strs[13];
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		db_err(st, err, "messages");
		goto fail;
	}
	for (i = 0; i < n; i++)
		if (load_attachments(st, &rows[i], err) != 0)
			goto fail;
	*rows_r = rows;
	*n_r = n;
	return 0;
fail:
	store_msgrows_free(rows, n);
	return -1;
}

int
store_ticket_messages(struct store *st, int64_t id,
    struct store_msgrow **rows_r, size_t *n_r, struct mg_err *err)
{
	sqlite3_stmt *s;

	if (prep(st, MESSAGE_COLS "WHERE ticket_id = ?1 ORDER BY received, id",
	    &s, err) != 0)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	return read_messages(st, s, rows_r, n_r, err);
}

void
store_msgrows_free(struct store_msgrow *rows, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		store_msgrow_clear(&rows[i]);
	free(rows);
}

void
store_msgrow_clear(struct store_msgrow *r)
{
	size_t j;

	for (j = 0; j < sizeof(r->strs) / sizeof(r->strs[0]); j++)
		free(r->strs[j]);
	for (j = 0; j < r->natt; j++) {
		free(r->att[j].filename);
		free(r->att[j].content_type);
		free(r->att[j].sha256);
	}
	free(r->att);
	memset(r, 0, sizeof(*r));
}

int
store_ticket_links(struct store *st, int64_t id, struct store_link **links_r,
    size_t *n_r, struct mg_err *err)
{
	struct store_link *l = NULL;
	sqlite3_stmt *s;
	size_t n = 0, cap = 0;
	int rc;

	if (prep(st, "SELECT other_id, reason, 1 FROM ticket_link WHERE "
	    "ticket_id = ?1 UNION ALL SELECT ticket_id, reason, 0 FROM "
	    "ticket_link WHERE other_id = ?1", &s, err) != 0)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 4;
			l = xrealloc(l, cap * sizeof(*l));
		}
		l[n].other = sqlite3_column_int64(s, 0);
		l[n].reason = col_str(s, 1);
		l[n].outgoing = sqlite3_column_int(s, 2);
		n++;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		db_err(st, err, "links");
		store_links_free(l, n);
		return -1;
	}
	*links_r = l;
	*n_r = n;
	return 0;
}

void
store_links_free(struct store_link *links, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(links[i].reason);
	free(links);
}

/* --- outbox ----------------------------------------------------------- */

int
store_outbox_plan(struct store *st, int64_t ticket, const char *kind,
    const char *cause, const char *rcpt, time_t now, int64_t *id_r,
    struct mg_err *err)
{
	sqlite3_stmt *s;
	int rc;

	if (prep(st, "INSERT INTO outbox(ticket_id, kind, cause, rcpt, "
	    "next_try, created) VALUES (?1, ?2, ?3, ?4, ?5, ?5)", &s,
	    err) != 0)
		return -1;
	sqlite3_bind_int64(s, 1, ticket);
	bind_text(s, 2, kind);
	bind_text(s, 3, cause);
	bind_text(s, 4, rcpt);
	sqlite3_bind_int64(s, 5, (sqlite3_int64)now);
	rc = step_done(st, s, err);
	if (rc == 0 && id_r != NULL)
		*id_r = sqlite3_last_insert_rowid(st->db);
	return rc;
}

int
store_outbox_count(struct store *st, const char *rcpt, const char *kind,
    time_t since, int64_t *n_r, struct mg_err *err)
{
	sqlite3_stmt *s;

	if (prep(st, "SELECT count(*) FROM outbox WHERE rcpt = ?1 AND "
	    "kind = ?2 AND created >= ?3", &s, err) != 0)
		return -1;
	bind_text(s, 1, rcpt);
	bind_text(s, 2, kind);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)since);
	return query_int(st, s, n_r, err) < 0 ? -1 : 0;
}

int
store_outbox_has_cause(struct store *st, const char *cause,
    struct mg_err *err)
{
	sqlite3_stmt *s;

	if (prep(st, "SELECT id FROM outbox WHERE cause = ?1", &s, err) != 0)
		return -1;
	bind_text(s, 1, cause);
	return query_int(st, s, NULL, err);
}

int
store_outbox_composed(struct store *st, int64_t id, const char *message_id,
    const char *env_from, const void *raw, size_t len, time_t now,
    struct mg_err *err)
{
	sqlite3_stmt *s;

	if (prep(st, "UPDATE outbox SET message_id = ?2, env_from = ?3, "
	    "raw = ?4, state = 'queued', next_try = ?5 WHERE id = ?1 AND "
	    "state = 'compose'", &s, err) != 0)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	bind_text(s, 2, message_id);
	bind_text(s, 3, env_from);
	(void)sqlite3_bind_blob(s, 4, raw, (int)len, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 5, (sqlite3_int64)now);
	return step_done(st, s, err);
}

int
store_outbox_result(struct store *st, int64_t id, const char *state,
    time_t next_try, const char *error, time_t sent, struct mg_err *err)
{
	sqlite3_stmt *s;

	/* only our own claim: a bounce may have come back meanwhile */
	if (prep(st, "UPDATE outbox SET state = ?2, next_try = ?3, "
	    "last_error = ?4, sent = ?5, attempts = attempts + 1 "
	    "WHERE id = ?1 AND state = 'sending'", &s, err) != 0)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	bind_text(s, 2, state);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)next_try);
	bind_text(s, 4, error);
	if (sent != 0)
		sqlite3_bind_int64(s, 5, (sqlite3_int64)sent);
	else
		(void)sqlite3_bind_null(s, 5);
	return step_done(st, s, err);
}

int
store_outbox_mark(struct store *st, int64_t id, const char *state,
    const char *error, struct mg_err *err)
{
	sqlite3_stmt *s;

	if (prep(st, "UPDATE outbox SET state = ?2, last_error = ?3 "
	    "WHERE id = ?1", &s, err) != 0)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	bind_text(s, 2, state);
	bind_text(s, 3, error);
	return step_done(st, s, err);
}

#define OUTBOX_COLS "o.id, o.ticket_id, o.kind, o.cause, o.rcpt, " \
	"o.env_from, o.message_id, o.state, o.attempts, o.next_try, " \
	"o.last_error, o.created, o.sent, o.raw"

static void
outbox_row(sqlite3_stmt *s, struct store_outbox *o, int with_raw)
{
	const void *raw;

	memset(o, 0, sizeof(*o));
	o->id = sqlite3_column_int64(s, 0);
	o->ticket = sqlite3_column_int64(s, 1);
	o->kind = col_str(s, 2);
	o->cause = col_str(s, 3);
	o->rcpt = col_str(s, 4);
	o->env_from = col_str(s, 5);
	o->message_id = col_str(s, 6);
	o->state = col_str(s, 7);
	o->attempts = sqlite3_column_int64(s, 8);
	o->next_try = (time_t)sqlite3_column_int64(s, 9);
	o->last_error = col_str(s, 10);
	o->created = (time_t)sqlite3_column_int64(s, 11);
	o->sent = (time_t)sqlite3_column_int64(s, 12);
	o->raw_len = (size_t)sqlite3_column_bytes(s, 13);
	if (with_raw && (raw = sqlite3_column_blob(s, 13)) != NULL) {
		o->raw = xmalloc(o->raw_len + 1);
		memcpy(o->raw, raw, o->raw_len);
		o->raw[o->raw_len] = '\0';
	}
}

void
store_outbox_clear(struct store_outbox *o)
{
	free(o->kind);
	free(o->cause);
	free(o->rcpt);
	free(o->env_from);
	free(o->message_id);
	free(o->state);
	free(o->last_error);
	free(o->raw);
	memset(o, 0, sizeof(*o));
}

void
store_outbox_free(struct store_outbox *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		store_outbox_clear(&list[i]);
	free(list);
}

int
store_outbox_list(struct store *st, const char *state, time_t due,
    struct store_outbox **list_r, size_t *n_r, struct mg_err *err)
{
	struct store_outbox *list = NULL;
	sqlite3_stmt *s;
	size_t n = 0;
	int rc;

	*list_r = NULL;
	*n_r = 0;
	if (prep(st, "SELECT " OUTBOX_COLS " FROM outbox o WHERE "
	    "(?1 IS NULL OR o.state = ?1) AND (?2 = 0 OR o.next_try <= ?2) "
	    "ORDER BY o.id", &s, err) != 0)
		return -1;
	bind_text(s, 1, state);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)due);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		list = xrealloc(list, (n + 1) * sizeof(*list));
		outbox_row(s, &list[n++], 0);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		db_err(st, err, "outbox");
		store_outbox_free(list, n);
		return -1;
	}
	*list_r = list;
	*n_r = n;
	return 0;
}

int
store_outbox_get(struct store *st, int64_t id, struct store_outbox *o,
    struct mg_err *err)
{
	sqlite3_stmt *s;
	int rc;

	memset(o, 0, sizeof(*o));
	if (prep(st, "SELECT " OUTBOX_COLS " FROM outbox o WHERE o.id = ?1",
	    &s, err) != 0)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		outbox_row(s, o, 1);
	sqlite3_finalize(s);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	db_err(st, err, "outbox");
	return -1;
}

int
store_outbox_by_msgid(struct store *st, const char *message_id,
    int64_t *id_r, int64_t *ticket_r, struct mg_err *err)
{
	sqlite3_stmt *s;
	int rc;

	if (prep(st, "SELECT id, ticket_id FROM outbox WHERE message_id = ?1",
	    &s, err) != 0)
		return -1;
	bind_text(s, 1, message_id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*id_r = sqlite3_column_int64(s, 0);
		*ticket_r = sqlite3_column_int64(s, 1);
	}
	sqlite3_finalize(s);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	db_err(st, err, "outbox");
	return -1;
}

int
store_message_get(struct store *st, const char *spool_id,
    struct store_msgrow *row, struct mg_err *err)
{
	struct store_msgrow *rows = NULL;
	sqlite3_stmt *s;
	size_t n = 0;

	memset(row, 0, sizeof(*row));
	if (prep(st, MESSAGE_COLS "WHERE spool_id = ?1", &s, err) != 0)
		return -1;
	bind_text(s, 1, spool_id);
	if (read_messages(st, s, &rows, &n, err) != 0)
		return -1;
	if (n == 0) {
		free(rows);
		return 0;
	}
	*row = rows[0];		/* spool_id is unique: one row at most */
	free(rows);
	return 1;
}

int
store_outbox_record(struct store *st, const struct store_outbox *o,
    const struct store_sent *sent, const void *raw, size_t len,
    struct mg_err *err)
{
	struct store_message m;
	int64_t mid;

	memset(&m, 0, sizeof(m));
	m.ticket = o->ticket;
	m.direction = "out";
	m.kind = sent->kind;
	m.message_id = sent->message_id;
	m.from_addr = sent->from_addr;
	m.from_name = sent->from_name;
	m.subject = sent->subject;
	m.date = sent->date;
	m.received = sent->date;
	m.env_recipient = o->rcpt;
	m.encrypted = sent->encrypted;
	m.signature = "good";
	m.signer = sent->signer;
	m.flags = "";
	m.body = sent->body;
	m.size = len;
	if (store_begin(st, err) != 0)
		return -1;
	/* RFC 3834 section 3.3: automatic mail goes out from the null sender */
	if (store_outbox_composed(st, o->id, sent->message_id, "", raw, len,
	    sent->date, err) != 0 || store_add_message(st, &m, &mid, err) != 0 ||
	    store_commit(st, err) != 0) {
		store_rollback(st);
		return -1;
	}
	return 0;
}

int
store_outbox_claim(struct store *st, int64_t id, time_t now,
    struct mg_err *err)
{
	sqlite3_stmt *s;

	if (prep(st, "UPDATE outbox SET state = 'sending', next_try = ?2 "
	    "WHERE id = ?1 AND (state = 'queued' OR (state = 'sending' AND "
	    "next_try <= ?3))", &s, err) != 0)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)(now + STORE_CLAIM_SECS));
	sqlite3_bind_int64(s, 3, (sqlite3_int64)now);
	if (step_done(st, s, err) != 0)
		return -1;
	return sqlite3_changes(st->db) == 1;
}

/* --- routing, observables, audit ----------------------------------------- */

int
store_add_observable(struct store *st, int64_t ticket, int64_t message,
    const char *kind, const char *value, struct mg_err *err)
{
	sqlite3_stmt *s;

	if (prep(st, "INSERT INTO observable(ticket_id, message_id, kind, "
	    "value) VALUES (?1, ?2, ?3, ?4)", &s, err) != 0)
		return -1;
	sqlite3_bind_int64(s, 1, ticket);
	sqlite3_bind_int64(s, 2, message);
	bind_text(s, 3, kind);
	bind_text(s, 4, value);
	return step_done(st, s, err);
}

static int
obs_rows(struct store *st, sqlite3_stmt *s, struct store_obs **list_r,
    size_t *n_r, struct mg_err *err)
{
	struct store_obs *list = NULL, *o;
	size_t n = 0, cap = 0;
	int rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			list = xrealloc(list, cap * sizeof(*list));
		}
		o = &list[n++];
		o->ticket = sqlite3_column_int64(s, 0);
		o->message = sqlite3_column_int64(s, 1);
		o->kind = col_str(s, 2);
		o->value = col_str(s, 3);
		o->received = (time_t)sqlite3_column_int64(s, 4);
		o->queue = col_str(s, 5);
		o->status = col_str(s, 6);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		db_err(st, err, "observables");
		store_obs_free(list, n);
		return -1;
	}
	*list_r = list;
	*n_r = n;
	return 0;
}

#define OBS_COLS "o.ticket_id, o.message_id, o.kind, o.value, m.received, " \
	"t.queue, t.status FROM observable o JOIN message m ON " \
	"m.id = o.message_id JOIN ticket t ON t.id = o.ticket_id "

int
store_observable_find(struct store *st, const char *value,
    struct store_obs **list_r, size_t *n_r, struct mg_err *err)
{
	sqlite3_stmt *s;

	if (prep(st, "SELECT " OBS_COLS "WHERE o.value = ?1 "
	    "ORDER BY o.ticket_id, o.message_id", &s, err) != 0)
		return -1;
	bind_text(s, 1, value);
	return obs_rows(st, s, list_r, n_r, err);
}

int
store_ticket_observables(struct store *st, int64_t ticket,
    struct store_obs **list_r, size_t *n_r, struct mg_err *err)
{
	sqlite3_stmt *s;

	if (prep(st, "SELECT " OBS_COLS "WHERE o.ticket_id = ?1 "
	    "ORDER BY o.message_id, o.id", &s, err) != 0)
		return -1;
	sqlite3_bind_int64(s, 1, ticket);
	return obs_rows(st, s, list_r, n_r, err);
}

void
store_obs_free(struct store_obs *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(list[i].kind);
		free(list[i].value);
		free(list[i].queue);
		free(list[i].status);
	}
	free(list);
}

int
store_ticket_set(struct store *st, int64_t ticket, enum store_field field,
    const char *value, const char *who, time_t now, int *changed,
    struct mg_err *err)
{
	/* column names come from this table only, never from input */
	static const char *upd[] = {
		"UPDATE ticket SET queue = ?2, updated = ?3 WHERE id = ?1",
		"UPDATE ticket SET type = ?2, updated = ?3 WHERE id = ?1",
		"UPDATE ticket SET priority = ?2, updated = ?3 WHERE id = ?1",
		"UPDATE ticket SET tlp = ?2, updated = ?3 WHERE id = ?1",
		"UPDATE ticket SET status = ?2, updated = ?3 WHERE id = ?1",
		"UPDATE ticket SET owner = ?2, updated = ?3 WHERE id = ?1",
	};
	static const char *sel[] = {
		"SELECT queue FROM ticket WHERE id = ?1",
		"SELECT type FROM ticket WHERE id = ?1",
		"SELECT priority FROM ticket WHERE id = ?1",
		"SELECT tlp FROM ticket WHERE id = ?1",
		"SELECT status FROM ticket WHERE id = ?1",
		"SELECT owner FROM ticket WHERE id = ?1",
	};
	sqlite3_stmt *s;
	char *old = NULL;
	int rc;

	*changed = 0;
	if ((unsigned)field >= sizeof(upd) / sizeof(upd[0])) {
		mg_err_set(err, MG_ERR_PERM, "no such ticket field");
		return -1;
	}
	if (prep(st, sel[field], &s, err) != 0)
		return -1;
	sqlite3_bind_int64(s, 1, ticket);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		old = col_str(s, 0);
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW) {
		if (rc == SQLITE_DONE)
			mg_err_set(err, MG_ERR_PERM, "no such ticket");
		else
			db_err(st, err, "ticket");
		return -1;
	}
	if ((old == NULL && value == NULL) ||
	    (old != NULL && value != NULL && strcmp(old, value) == 0)) {
		free(old);
		return 0;
	}
	if (prep(st, upd[field], &s, err) != 0)
		goto fail;
	sqlite3_bind_int64(s, 1, ticket);
	bind_text(s, 2, value);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)now);
	if (step_done(st, s, err) != 0)
		goto fail;
	if (prep(st, "INSERT INTO audit(ticket_id, at, who, field, old, new) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)", &s, err) != 0)
		goto fail;
	sqlite3_bind_int64(s, 1, ticket);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)now);
	bind_text(s, 3, who);
	bind_text(s, 4, store_field_name(field));
	bind_text(s, 5, old);
	bind_text(s, 6, value);
	if (step_done(st, s, err) != 0)
		goto fail;
	free(old);
	*changed = 1;
	return 0;
fail:
	free(old);
	return -1;
}

const char *
store_field_name(enum store_field f)
{
	static const char *names[] = { "queue", "type", "priority", "tlp",
		"status", "owner" };

	return (unsigned)f < sizeof(names) / sizeof(names[0]) ? names[f] :
	    "?";
}

int
store_ticket_audit(struct store *st, int64_t ticket,
    struct store_audit **list_r, size_t *n_r, struct mg_err *err)
{
	struct store_audit *list = NULL, *a;
	sqlite3_stmt *s;
	size_t n = 0, cap = 0;
	int rc;

	if (prep(st, "SELECT at, who, field, old, new FROM audit WHERE "
	    "ticket_id = ?1 ORDER BY id", &s, err) != 0)
		return -1;
	sqlite3_bind_int64(s, 1, ticket);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			list = xrealloc(list, cap * sizeof(*list));
		}
		a = &list[n++];
		a->at = (time_t)sqlite3_column_int64(s, 0);
		a->who = col_str(s, 1);
		a->field = col_str(s, 2);
		a->old = col_str(s, 3);
		a->new = col_str(s, 4);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		db_err(st, err, "audit");
		store_audit_free(list, n);
		return -1;
	}
	*list_r = list;
	*n_r = n;
	return 0;
}

void
store_audit_free(struct store_audit *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(list[i].who);
		free(list[i].field);
		free(list[i].old);
		free(list[i].new);
	}
	free(list);
}
