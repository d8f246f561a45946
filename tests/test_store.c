/*
 * test_store.c - the SQLite store: opening and migrating, ticket numbers,
 * messages and their spool ids, threading by references, correspondents,
 * links, listings, transactions (rollback, waiting for the write lock)
 * and values that look like SQL.
 *
 * Each test gets a fresh database in its own mkdtemp directory; sqlite3
 * is used directly only to look at or prepare what the store API hides.
 */
#include "unit.h"

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>
#include <sqlite3.h>

#include "madoguchi/store.h"

struct fx {
	char		 dir[32];
	char		 db[64];
	struct store	*st;
};

#define CHECK(c, cond, ...) do {					\
	if (!(cond)) {							\
		print_error("case \"%s\": ", (c)->name);		\
		fail_msg(__VA_ARGS__);					\
	}								\
} while (0)

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct mg_err err;

	if (f == NULL)
		return -1;
	(void)snprintf(f->dir, sizeof(f->dir), "/tmp/mgs.XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	(void)snprintf(f->db, sizeof(f->db), "%s/db.sqlite", f->dir);
	if (store_open(f->db, STORE_CREATE, &f->st, &err) != 0) {
		print_error("store_open: %s\n", err.msg);
		return -1;
	}
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	struct dirent *de;
	DIR *d;

	store_close(&f->st);
	if ((d = opendir(f->dir)) != NULL) {
		while ((de = readdir(d)) != NULL)
			if (de->d_name[0] != '.')
				(void)unlinkat(dirfd(d), de->d_name, 0);
		closedir(d);
	}
	(void)rmdir(f->dir);
	free(f);
	return 0;
}

/* one integer from a query on a separate connection */
static long long
sql_int(const char *db, const char *sql)
{
	sqlite3 *h = NULL;
	sqlite3_stmt *s = NULL;
	long long v = -1;

	assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READWRITE, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &s, NULL), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(h);
	return v;
}

static void
sql_exec(const char *db, const char *sql)
{
	sqlite3 *h = NULL;

	assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
}

static int64_t
new_ticket(struct store *st, const char *subject, time_t now)
{
	struct mg_err err;
	int64_t id = 0;

	assert_int_equal(store_ticket_new(st, subject, NULL, now, &id, &err),
	    0);
	return id;
}

static int64_t
add_msg(struct store *st, int64_t ticket, const char *spool_id,
    const char *message_id, time_t received)
{
	struct store_message m = { .ticket = ticket, .spool_id = spool_id,
		.direction = "in", .kind = "report", .message_id = message_id,
		.received = received };
	struct mg_err err;
	int64_t id = 0;

	if (store_add_message(st, &m, &id, &err) != 0)
		fail_msg("store_add_message %s: %s", spool_id, err.msg);
	return id;
}

/* --- opening ----------------------------------------------------------- */

enum prep { P_NONE, P_JUNK, P_SHORT_JUNK, P_EMPTY, P_STORE, P_FUTURE,
	P_DIR, P_NO_PARENT };

struct open_case {
	const char		*name;
	enum prep		 prep;
	int			 flags;
	int			 rc;
	enum mg_err_class	 cls;
};

static const struct open_case open_cases[] = {
	{ "new file with STORE_CREATE", P_NONE, STORE_CREATE, 0, MG_ERR_NONE },
	{ "missing file without STORE_CREATE", P_NONE, 0, -1, MG_ERR_TEMP },
	{ "reopen: migration is idempotent", P_STORE, 0, 0, MG_ERR_NONE },
	{ "reopen with STORE_CREATE", P_STORE, STORE_CREATE, 0, MG_ERR_NONE },
	{ "empty file is a new database", P_EMPTY, 0, 0, MG_ERR_NONE },
	{ "junk bytes", P_JUNK, 0, -1, MG_ERR_TEMP },
	{ "junk bytes with STORE_CREATE", P_JUNK, STORE_CREATE, -1,
	    MG_ERR_TEMP },
	{ "four junk bytes", P_SHORT_JUNK, 0, -1, MG_ERR_TEMP },
	{ "schema newer than the program", P_FUTURE, 0, -1, MG_ERR_TEMP },
	{ "path is a directory", P_DIR, STORE_CREATE, -1, MG_ERR_TEMP },
	{ "parent directory missing", P_NO_PARENT, STORE_CREATE, -1,
	    MG_ERR_TEMP },
};

static void
prepare(const char *path, enum prep p)
{
	static char junk[1024];
	struct store *st = NULL;
	struct mg_err err;
	int fd;

	memset(junk, 'j', sizeof(junk));
	switch (p) {
	case P_JUNK:
	case P_SHORT_JUNK:
	case P_EMPTY:
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		assert_true(fd >= 0);
		if (p != P_EMPTY)
			assert_int_equal(write(fd, junk, p == P_JUNK ?
			    sizeof(junk) : 4), p == P_JUNK ? sizeof(junk) : 4);
		close(fd);
		break;
	case P_STORE:
		assert_int_equal(store_open(path, STORE_CREATE, &st, &err), 0);
		store_close(&st);
		break;
	case P_FUTURE:
		prepare(path, P_STORE);
		sql_exec(path, "PRAGMA user_version = 99");
		break;
	case P_DIR:
		assert_int_equal(mkdir(path, 0700), 0);
		break;
	default:
		break;
	}
}

static void
test_open(void **state)
{
	struct fx *f = *state;
	char path[128], tail[64];
	size_t i;

	for (i = 0; i < sizeof(open_cases) / sizeof(open_cases[0]); i++) {
		const struct open_case *c = &open_cases[i];
		struct store *st = NULL;
		struct mg_err err;
		int rc;

		(void)snprintf(tail, sizeof(tail), c->prep == P_NO_PARENT ?
		    "nodir/o%zu.db" : "o%zu.db", i);
		(void)snprintf(path, sizeof(path), "%s/%s", f->dir, tail);
		prepare(path, c->prep);
		mg_err_clear(&err);
		rc = store_open(path, c->flags, &st, &err);
		CHECK(c, rc == c->rc, "rc %d: %s", rc, err.msg);
		CHECK(c, rc != 0 || st != NULL, "no handle");
		CHECK(c, rc == 0 || (err.cls == c->cls && err.msg[0] != '\0'),
		    "class %d, message [%s]", err.cls, err.msg);
		store_close(&st);
		CHECK(c, st == NULL, "store_close left the pointer");
		if (rc == 0) {
			CHECK(c, sql_int(path, "PRAGMA user_version") == 3,
			    "user_version");
			CHECK(c, sql_int(path, "SELECT journal_mode = 'wal' "
			    "FROM pragma_journal_mode") == 1, "not WAL");
			CHECK(c, sql_int(path, "SELECT count(*) FROM "
			    "sqlite_master WHERE name = 'ticket'") == 1,
			    "no ticket table");
		}
		if (c->prep == P_JUNK || c->prep == P_SHORT_JUNK) {
			struct stat sb;

			/* what was there is not ours to overwrite */
			CHECK(c, stat(path, &sb) == 0 && sb.st_size ==
			    (c->prep == P_JUNK ? 1024 : 4), "file changed");
		}
		if (c->prep == P_DIR)
			(void)rmdir(path);
	}
}

/* --- tickets and messages ------------------------------------------------ */

static void
test_ticket_numbers(void **state)
{
	struct fx *f = *state;
	struct mg_err err;
	int64_t i;

	assert_int_equal(store_begin(f->st, &err), 0);
	for (i = 1; i <= 3; i++)
		assert_int_equal(new_ticket(f->st, "s", 1000 + i), i);
	assert_int_equal(store_commit(f->st, &err), 0);
	assert_int_equal(store_ticket_exists(f->st, 3, &err), 1);
	assert_int_equal(store_ticket_exists(f->st, 4, &err), 0);
}

static void
test_messages(void **state)
{
	struct fx *f = *state;
	struct store_message m = { .spool_id = "spool-a", .direction = "in",
		.kind = "report" };
	struct mg_err err;
	int64_t t1, t2, got = 0, id = 0;

	assert_int_equal(store_begin(f->st, &err), 0);
	t1 = new_ticket(f->st, "one", 10);
	t2 = new_ticket(f->st, "two", 11);
	add_msg(f->st, t1, "spool-a", "a@x", 10);
	add_msg(f->st, t2, "spool-b", "b@x", 11);
	assert_int_equal(store_commit(f->st, &err), 0);

	assert_int_equal(store_message_ticket(f->st, "spool-a", &got, &err), 1);
	assert_int_equal(got, t1);
	assert_int_equal(store_message_ticket(f->st, "spool-b", &got, &err), 1);
	assert_int_equal(got, t2);
	assert_int_equal(store_message_ticket(f->st, "spool-c", &got, &err), 0);

	/* the same spool id twice is a bug: UNIQUE, MG_ERR_PERM */
	assert_int_equal(store_begin(f->st, &err), 0);
	m.ticket = t2;
	mg_err_clear(&err);
	assert_int_equal(store_add_message(f->st, &m, &id, &err), -1);
	assert_int_equal(err.cls, MG_ERR_PERM);
	store_rollback(f->st);
	assert_int_equal(store_message_ticket(f->st, "spool-a", &got, &err), 1);
	assert_int_equal(got, t1);
	assert_int_equal(sql_int(f->db, "SELECT count(*) FROM message"), 2);
}

struct refs_case {
	const char	*name;
	const char	*ids[4];	/* NULL-terminated */
	int		 rc;
	int64_t		 ticket;
};

/* m1, m3 are in ticket 1; m2 in ticket 2; dup in 1, then again in 3 */
static const struct refs_case refs_cases[] = {
	{ "one id", { "m1" }, 1, 1 },
	{ "another ticket", { "m2" }, 1, 2 },
	{ "the last id wins", { "m1", "m2" }, 1, 2 },
	{ "the last id wins, reversed", { "m2", "m1" }, 1, 1 },
	{ "last matching id wins", { "m2", "m3", "nope" }, 1, 1 },
	{ "unknown only", { "nope", "nada" }, 0, 0 },
	{ "empty list", { NULL }, 0, 0 },
	{ "same id in two tickets: the newest message", { "dup" }, 1, 3 },
	{ "injection text is only a value", { "' OR 1=1 --" }, 0, 0 },
	{ "no <> stripping here", { "<m1>" }, 0, 0 },
};

static void
test_ticket_by_refs(void **state)
{
	struct fx *f = *state;
	struct mg_err err;
	size_t i, n;

	assert_int_equal(store_begin(f->st, &err), 0);
	for (i = 1; i <= 3; i++)
		new_ticket(f->st, "t", 10);
	add_msg(f->st, 1, "s1", "m1", 10);
	add_msg(f->st, 2, "s2", "m2", 11);
	add_msg(f->st, 1, "s3", "m3", 12);
	add_msg(f->st, 1, "s4", "dup", 13);
	add_msg(f->st, 3, "s5", "dup", 14);
	add_msg(f->st, 2, "s6", NULL, 15);
	assert_int_equal(store_commit(f->st, &err), 0);

	for (i = 0; i < sizeof(refs_cases) / sizeof(refs_cases[0]); i++) {
		const struct refs_case *c = &refs_cases[i];
		int64_t got = 0;
		int rc;

		for (n = 0; n < 4 && c->ids[n] != NULL; n++)
			;
		rc = store_ticket_by_refs(f->st, (char *const *)c->ids, n,
		    &got, &err);
		CHECK(c, rc == c->rc, "rc %d", rc);
		CHECK(c, rc != 1 || got == c->ticket, "ticket %lld",
		    (long long)got);
	}
}

struct corr_case {
	const char	*name;
	int64_t		 ticket;
	const char	*addr;
	int		 want;
};

static const struct corr_case corr_cases[] = {
	{ "requestor of 1", 1, "a@x.example", 1 },
	{ "cc of 1", 1, "cc@x.example", 1 },
	{ "second requestor of 1", 1, "b@x.example", 1 },
	{ "not of 2", 2, "a@x.example", 0 },
	{ "unknown address", 1, "z@x.example", 0 },
	{ "NULL address", 1, NULL, 0 },
	{ "empty address was not added", 1, "", 0 },
	{ "missing ticket", 99, "a@x.example", 0 },
};

static void
test_correspondents(void **state)
{
	struct fx *f = *state;
	struct store_ticket t;
	struct mg_err err;
	size_t i;

	assert_int_equal(store_begin(f->st, &err), 0);
	new_ticket(f->st, "one", 10);
	new_ticket(f->st, "two", 10);
	assert_int_equal(store_add_correspondent(f->st, 1, "a@x.example",
	    "requestor", &err), 0);
	assert_int_equal(store_add_correspondent(f->st, 1, "cc@x.example",
	    "cc", &err), 0);
	assert_int_equal(store_add_correspondent(f->st, 1, "b@x.example",
	    "requestor", &err), 0);
	/* again, even with another role: ignored, not an error */
	assert_int_equal(store_add_correspondent(f->st, 1, "a@x.example",
	    "cc", &err), 0);
	assert_int_equal(store_add_correspondent(f->st, 1, "", "requestor",
	    &err), 0);
	assert_int_equal(store_commit(f->st, &err), 0);

	for (i = 0; i < sizeof(corr_cases) / sizeof(corr_cases[0]); i++) {
		const struct corr_case *c = &corr_cases[i];
		int rc = store_is_correspondent(f->st, c->ticket, c->addr,
		    &err);

		CHECK(c, rc == c->want, "got %d", rc);
	}
	assert_int_equal(sql_int(f->db, "SELECT count(*) FROM correspondent"),
	    3);
	memset(&t, 0, sizeof(t));
	assert_int_equal(store_ticket_get(f->st, 1, &t, &err), 1);
	assert_string_equal(t.requestors, "a@x.example, b@x.example");
	store_ticket_clear(&t);
}

struct link_case {
	const char	*name;
	int64_t		 ticket;
	size_t		 n;
	int64_t		 other;
	int		 outgoing;
};

/* ticket 3 was opened by a tag naming ticket 1 */
static const struct link_case link_cases[] = {
	{ "from the new ticket", 3, 1, 1, 1 },
	{ "to the old ticket", 1, 1, 3, 0 },
	{ "unrelated ticket", 2, 0, 0, 0 },
	{ "missing ticket", 9, 0, 0, 0 },
};

static void
test_links(void **state)
{
	struct fx *f = *state;
	struct mg_err err;
	size_t i;

	assert_int_equal(store_begin(f->st, &err), 0);
	new_ticket(f->st, "old", 10);
	new_ticket(f->st, "other", 11);
	new_ticket(f->st, "new", 12);
	assert_int_equal(store_add_link(f->st, 3, 1,
	    "tag-from-non-correspondent", 12, &err), 0);
	assert_int_equal(store_commit(f->st, &err), 0);

	for (i = 0; i < sizeof(link_cases) / sizeof(link_cases[0]); i++) {
		const struct link_case *c = &link_cases[i];
		struct store_link *l = NULL;
		size_t n = 99;

		CHECK(c, store_ticket_links(f->st, c->ticket, &l, &n,
		    &err) == 0, "failed: %s", err.msg);
		CHECK(c, n == c->n, "%zu links", n);
		CHECK(c, n == 0 || (l[0].other == c->other &&
		    l[0].outgoing == c->outgoing && l[0].reason != NULL &&
		    strcmp(l[0].reason, "tag-from-non-correspondent") == 0),
		    "link to %lld, outgoing %d", (long long)l[0].other,
		    l[0].outgoing);
		store_links_free(l, n);
	}
}

struct list_case {
	const char	*name;
	const char	*queue, *status;
	int64_t		 ids[5];	/* expected order, 0-terminated */
};

/* tickets 1..4; 2 is in queue "abuse", 3 has status "resolved" */
static const struct list_case list_cases[] = {
	{ "no filter, newest first", NULL, NULL, { 4, 3, 2, 1 } },
	{ "queue triage", "triage", NULL, { 4, 3, 1 } },
	{ "queue abuse", "abuse", NULL, { 2 } },
	{ "status new", NULL, "new", { 4, 2, 1 } },
	{ "status resolved", NULL, "resolved", { 3 } },
	{ "both", "triage", "resolved", { 3 } },
	{ "nothing matches", "abuse", "resolved", { 0 } },
	{ "unknown queue", "' OR '1'='1", NULL, { 0 } },
};

static void
test_ticket_list(void **state)
{
	struct fx *f = *state;
	struct mg_err err;
	size_t i, j, want;

	assert_int_equal(store_begin(f->st, &err), 0);
	for (i = 1; i <= 4; i++)
		new_ticket(f->st, "t", (time_t)(100 + i));
	assert_int_equal(store_commit(f->st, &err), 0);
	sql_exec(f->db, "UPDATE ticket SET queue = 'abuse' WHERE id = 2;"
	    "UPDATE ticket SET status = 'resolved' WHERE id = 3");

	for (i = 0; i < sizeof(list_cases) / sizeof(list_cases[0]); i++) {
		const struct list_case *c = &list_cases[i];
		struct store_filter flt = { c->queue, c->status };
		struct store_ticket *l = NULL;
		size_t n = 99;

		for (want = 0; want < 5 && c->ids[want] != 0; want++)
			;
		CHECK(c, store_ticket_list(f->st, &flt, &l, &n, &err) == 0,
		    "failed: %s", err.msg);
		CHECK(c, n == want, "%zu tickets, want %zu", n, want);
		for (j = 0; j < n; j++)
			CHECK(c, l[j].id == c->ids[j], "entry %zu is %lld", j,
			    (long long)l[j].id);
		store_tickets_free(l, n);
	}
}

static void
test_ticket_get(void **state)
{
	struct fx *f = *state;
	struct store_ticket t;
	struct mg_err err;

	memset(&t, 0, sizeof(t));
	assert_int_equal(store_ticket_get(f->st, 1, &t, &err), 0);
	assert_int_equal(store_ticket_get(f->st, -1, &t, &err), 0);
	assert_int_equal(store_begin(f->st, &err), 0);
	new_ticket(f->st, "Phishing", 1000);
	add_msg(f->st, 1, "s1", "m1", 1000);
	add_msg(f->st, 1, "s2", "m2", 1005);
	assert_int_equal(store_ticket_touch(f->st, 1, 1005, &err), 0);
	assert_int_equal(store_ticket_touch(f->st, 1, 900, &err), 0);
	assert_int_equal(store_commit(f->st, &err), 0);

	assert_int_equal(store_ticket_get(f->st, 1, &t, &err), 1);
	assert_int_equal(t.id, 1);
	assert_string_equal(t.subject, "Phishing");
	assert_string_equal(t.status, "new");
	assert_string_equal(t.queue, "triage");
	assert_string_equal(t.flags, "");
	assert_null(t.owner);
	assert_null(t.requestors);
	assert_int_equal(t.created, 1000);
	assert_int_equal(t.updated, 1005);	/* touch never goes back */
	assert_int_equal(t.nmessages, 2);
	store_ticket_clear(&t);
	assert_int_equal(store_ticket_get(f->st, 2, &t, &err), 0);
}

static void
test_ticket_messages(void **state)
{
	static const struct mime_attachment att[] = {
		{ "a.exe", "application/octet-stream", 27, "1902a403b0fc8ee9"
		    "1f9fdc410c0b95e16606a59b308c93d2faf0084d0797f9ca" },
		{ NULL, "message/rfc822", 81, "efa83d6dd189cf8d47fafde7eeb31c19"
		    "79716f101a41eaf859aee3251337cd66" },
	};
	struct fx *f = *state;
	struct store_message m = { 0, 1, "s-new", "in", "report", "new@x",
		"a@x.example", "Ａ さん", "件名", 1751371200, 200,
		"bounce@x.example", "csirt@y.example", 1, "good", "ABCD",
		"bad-date nul-bytes", "本文\nline 2", 4242,
		"{\"format\":\"arf\"}" };
	struct store_msgrow *r = NULL;
	struct mg_err err;
	int64_t id = 0, old;
	size_t n = 0, i;

	assert_int_equal(store_begin(f->st, &err), 0);
	new_ticket(f->st, "t", 100);
	assert_int_equal(store_add_message(f->st, &m, &id, &err), 0);
	old = add_msg(f->st, 1, "s-old", "old@x", 100);
	/* stored out of order: read back by idx */
	assert_int_equal(store_add_attachment(f->st, id, 1, &att[1], &err), 0);
	assert_int_equal(store_add_attachment(f->st, id, 0, &att[0], &err), 0);
	assert_int_equal(store_commit(f->st, &err), 0);

	assert_int_equal(store_ticket_messages(f->st, 1, &r, &n, &err), 0);
	assert_int_equal(n, 2);
	/* oldest first */
	assert_int_equal(r[0].m.id, old);
	assert_int_equal(r[0].m.date, 0);	/* unknown */
	assert_string_equal(r[0].m.signature, "none");
	assert_null(r[0].m.from_addr);
	assert_int_equal(r[0].natt, 0);

	assert_int_equal(r[1].m.id, id);
	assert_int_equal(r[1].m.ticket, 1);
	{
		const struct store_message *g = &r[1].m;
		const char *pairs[][2] = {
			{ g->spool_id, m.spool_id }, { g->kind, m.kind },
			{ g->direction, m.direction },
			{ g->message_id, m.message_id },
			{ g->from_addr, m.from_addr },
			{ g->from_name, m.from_name },
			{ g->subject, m.subject },
			{ g->env_sender, m.env_sender },
			{ g->env_recipient, m.env_recipient },
			{ g->signature, m.signature }, { g->signer, m.signer },
			{ g->flags, m.flags }, { g->body, m.body },
			{ g->arf, m.arf },
		};

		/* every string read back as written */
		for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++)
			if (pairs[i][0] == NULL ||
			    strcmp(pairs[i][0], pairs[i][1]) != 0)
				fail_msg("field %zu: [%s], want [%s]", i,
				    pairs[i][0] ? pairs[i][0] : "(null)",
				    pairs[i][1]);
	}
	assert_int_equal(r[1].m.date, m.date);
	assert_int_equal(r[1].m.received, m.received);
	assert_int_equal(r[1].m.encrypted, 1);
	assert_int_equal(r[1].m.size, 4242);
	assert_int_equal(r[1].natt, 2);
	assert_string_equal(r[1].att[0].filename, "a.exe");
	assert_string_equal(r[1].att[0].content_type,
	    "application/octet-stream");
	assert_int_equal(r[1].att[0].size, 27);
	assert_string_equal(r[1].att[0].sha256, att[0].sha256);
	assert_null(r[1].att[1].filename);
	assert_string_equal(r[1].att[1].content_type, "message/rfc822");
	assert_int_equal(r[1].att[1].size, 81);
	store_msgrows_free(r, n);

	r = NULL;
	assert_int_equal(store_ticket_messages(f->st, 2, &r, &n, &err), 0);
	assert_int_equal(n, 0);
	store_msgrows_free(r, n);
}

/* --- transactions ----------------------------------------------------- */

static void
test_rollback(void **state)
{
	struct fx *f = *state;
	struct mg_err err;

	assert_int_equal(store_begin(f->st, &err), 0);
	new_ticket(f->st, "kept", 10);
	assert_int_equal(store_commit(f->st, &err), 0);

	assert_int_equal(store_begin(f->st, &err), 0);
	assert_int_equal(new_ticket(f->st, "discarded", 11), 2);
	add_msg(f->st, 2, "s-gone", NULL, 11);
	store_rollback(f->st);
	assert_int_equal(sql_int(f->db, "SELECT count(*) FROM ticket"), 1);
	assert_int_equal(store_ticket_exists(f->st, 2, &err), 0);
	assert_int_equal(store_message_ticket(f->st, "s-gone", NULL, &err), 0);

	/* closing inside a transaction discards it too */
	assert_int_equal(store_begin(f->st, &err), 0);
	new_ticket(f->st, "discarded on close", 12);
	store_close(&f->st);
	assert_null(f->st);
	assert_int_equal(sql_int(f->db, "SELECT count(*) FROM ticket"), 1);
	assert_int_equal(store_open(f->db, 0, &f->st, &err), 0);

	/* and the store is usable afterwards; the number is not burnt */
	assert_int_equal(store_begin(f->st, &err), 0);
	assert_int_equal(new_ticket(f->st, "next", 13), 2);
	assert_int_equal(store_commit(f->st, &err), 0);
}

/* values that look like SQL are stored and read back as they are */
static void
test_injection(void **state)
{
	static const char evil[] = "x'); DROP TABLE ticket; --";
	struct fx *f = *state;
	struct store_ticket t, *l = NULL;
	struct store_filter flt = { evil, NULL };
	struct mg_err err;
	size_t n = 99;

	assert_int_equal(store_begin(f->st, &err), 0);
	assert_int_equal(new_ticket(f->st, evil, 10), 1);
	assert_int_equal(store_add_correspondent(f->st, 1, evil, "requestor",
	    &err), 0);
	add_msg(f->st, 1, evil, evil, 10);
	assert_int_equal(store_commit(f->st, &err), 0);

	memset(&t, 0, sizeof(t));
	assert_int_equal(store_ticket_get(f->st, 1, &t, &err), 1);
	assert_string_equal(t.subject, evil);
	assert_string_equal(t.requestors, evil);
	store_ticket_clear(&t);
	assert_int_equal(store_is_correspondent(f->st, 1, evil, &err), 1);
	assert_int_equal(store_message_ticket(f->st, evil, NULL, &err), 1);
	assert_int_equal(sql_int(f->db, "SELECT count(*) FROM sqlite_master "
	    "WHERE type = 'table' AND name = 'ticket'"), 1);
	assert_int_equal(store_ticket_list(f->st, &flt, &l, &n, &err), 0);
	assert_int_equal(n, 0);
	store_tickets_free(l, n);
	assert_int_equal(store_ticket_list(f->st, NULL, &l, &n, &err), 0);
	assert_int_equal(n, 1);
	store_tickets_free(l, n);
}

static double
now_s(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (double)tv.tv_sec + tv.tv_usec / 1e6;
}

/* the other writer: commits its transaction after 300 ms */
static void *
late_commit(void *arg)
{
	usleep(300 * 1000);
	return sqlite3_exec(arg, "COMMIT", NULL, NULL, NULL) == SQLITE_OK ?
	    arg : NULL;
}

/*
 * Another connection holds the write lock (BEGIN IMMEDIATE) and commits
 * 300 ms later: store_begin waits for it instead of failing.  (A thread,
 * not a child: SQLite connections must not be carried across fork.)
 */
static void
test_wait_for_lock(void **state)
{
	struct fx *f = *state;
	struct mg_err err;
	sqlite3 *h = NULL;
	pthread_t th;
	void *res = NULL;
	double t0;

	assert_int_equal(sqlite3_open(f->db, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, "BEGIN IMMEDIATE; INSERT INTO ticket("
	    "subject, created, updated) VALUES ('other', 1, 1)", NULL, NULL,
	    NULL), SQLITE_OK);
	assert_int_equal(pthread_create(&th, NULL, late_commit, h), 0);
	t0 = now_s();
	if (store_begin(f->st, &err) != 0)
		fail_msg("store_begin: %s", err.msg);
	assert_true(now_s() - t0 > 0.2);
	assert_int_equal(new_ticket(f->st, "mine", 2), 2);
	assert_int_equal(store_commit(f->st, &err), 0);
	assert_int_equal(pthread_join(th, &res), 0);
	assert_ptr_equal(res, h);	/* the other commit worked too */
	sqlite3_close(h);
	assert_int_equal(sql_int(f->db, "SELECT count(*) FROM ticket"), 2);
}

/* routing, observables and the audit trail of "ticket set" */
static void
test_classify_observables_audit(void **state)
{
	struct fx *f = *state;
	struct store_ticket t;
	struct store_obs *o = NULL;
	struct store_audit *a = NULL;
	struct mg_err err;
	size_t n = 0;
	int64_t t1, t2, m1, m2;
	int changed;

	static const struct store_class phish = { "phishing",
		"fraud/phishing", NULL, "TLP:GREEN", "phishing-words" };

	assert_int_equal(store_begin(f->st, &err), 0);
	assert_int_equal(store_ticket_new(f->st, "one", &phish, 100, &t1,
	    &err), 0);
	t2 = new_ticket(f->st, "two", 200);
	m1 = add_msg(f->st, t1, "s1", "m1@x", 100);
	m2 = add_msg(f->st, t2, "s2", "m2@x", 200);
	assert_int_equal(store_add_observable(f->st, t1, m1, "ipv4",
	    "192.0.2.1", &err), 0);
	assert_int_equal(store_add_observable(f->st, t1, m1, "domain",
	    "example.com", &err), 0);
	/* a value is data, never SQL */
	assert_int_equal(store_add_observable(f->st, t2, m2, "domain",
	    "x'); DROP TABLE observable; --", &err), 0);
	assert_int_equal(store_add_observable(f->st, t2, m2, "ipv4",
	    "192.0.2.1", &err), 0);
	assert_int_equal(store_commit(f->st, &err), 0);

	memset(&t, 0, sizeof(t));
	assert_int_equal(store_ticket_get(f->st, t1, &t, &err), 1);
	assert_string_equal(t.queue, "phishing");
	assert_string_equal(t.route, "phishing-words");
	assert_string_equal(t.tlp, "TLP:GREEN");
	assert_null(t.priority);
	store_ticket_clear(&t);

	assert_int_equal(store_observable_find(f->st, "192.0.2.1", &o, &n,
	    &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(o[0].ticket, t1);
	assert_int_equal(o[1].ticket, t2);
	assert_string_equal(o[1].queue, "triage");
	assert_int_equal(o[1].received, 200);
	store_obs_free(o, n);
	assert_int_equal(store_observable_find(f->st,
	    "x'); DROP TABLE observable; --", &o, &n, &err), 0);
	assert_int_equal(n, 1);
	store_obs_free(o, n);
	assert_int_equal(store_ticket_observables(f->st, t1, &o, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(o[1].value, "example.com");
	store_obs_free(o, n);

	assert_int_equal(store_begin(f->st, &err), 0);
	assert_int_equal(store_ticket_set(f->st, t1, STORE_F_STATUS, "triage",
	    "alice", 300, &changed, &err), 0);
	assert_int_equal(changed, 1);
	assert_int_equal(store_ticket_set(f->st, t1, STORE_F_STATUS, "triage",
	    "alice", 301, &changed, &err), 0);
	assert_int_equal(changed, 0);		/* same value: not recorded */
	assert_int_equal(store_ticket_set(f->st, t1, STORE_F_TLP, NULL,
	    "bob", 302, &changed, &err), 0);
	assert_int_equal(changed, 1);
	assert_int_equal(store_ticket_set(f->st, 999, STORE_F_OWNER, "x",
	    "bob", 303, &changed, &err), -1);
	assert_int_equal(err.cls, MG_ERR_PERM);
	assert_int_equal(store_commit(f->st, &err), 0);
	assert_int_equal(store_ticket_audit(f->st, t1, &a, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(a[0].field, "status");
	assert_string_equal(a[0].old, "new");
	assert_string_equal(a[0].new, "triage");
	assert_string_equal(a[0].who, "alice");
	assert_int_equal(a[0].at, 300);
	assert_string_equal(a[1].field, "tlp");
	assert_string_equal(a[1].old, "TLP:GREEN");
	assert_null(a[1].new);
	store_audit_free(a, n);
	assert_int_equal(sql_int(f->db, "SELECT updated FROM ticket WHERE "
	    "id = 1"), 302);
}

#define T(fn)	cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_open),
		T(test_ticket_numbers),
		T(test_messages),
		T(test_ticket_by_refs),
		T(test_correspondents),
		T(test_links),
		T(test_ticket_list),
		T(test_ticket_get),
		T(test_ticket_messages),
		T(test_rollback),
		T(test_injection),
		T(test_wait_for_lock),
		T(test_classify_observables_audit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
