/*
 * spool.c - durable intake of raw messages and their processing attempts.
 *
 * Receiving: tmp/ file (O_EXCL, 0600), bounded copy, fsync, link into new/
 * under its sha256 (link, unlike rename, fails if the name exists: that is
 * how a re-delivery is recognised), fsync of the folders.  Only then may
 * deliver exit 0.  The name is the hash of the message without the trace
 * fields MTAs put on top (Return-Path, Received, Delivered-To,
 * X-Original-To): a sender that lost our "250" and sends the message again
 * gives it a new Received line, and it is still the same report.
 *
 * Processing: see spool_process().  A message only ever moves forward:
 * new/ -> cur/ or new/ -> quarantine/.  Nothing here deletes a message.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <unistd.h>

#include "madoguchi/conf.h"
#include "madoguchi/log.h"
#include "madoguchi/spool.h"
#include "madoguchi/xalloc.h"

#define SPOOL_CHUNK	65536
#define SPOOL_CPU_LIMIT	300	/* seconds of CPU for one processing */

static const char *spool_dirs[] = { "tmp", "new", "cur", "quarantine",
	"meta" };

static const char *
state_dir(enum spool_state st)
{
	switch (st) {
	case SPOOL_PENDING:
		return "new";
	case SPOOL_DONE:
		return "cur";
	case SPOOL_QUARANTINED:
		return "quarantine";
	}
	return "new";
}

const char *
spool_state_str(enum spool_state st)
{
	switch (st) {
	case SPOOL_PENDING:
		return "pending";
	case SPOOL_DONE:
		return "done";
	case SPOOL_QUARANTINED:
		return "quarantined";
	}
	return "pending";
}

const char *
spool_outcome_str(enum spool_outcome o)
{
	switch (o) {
	case SPOOL_OUT_DONE:
		return "done";
	case SPOOL_OUT_PENDING:
		return "pending";
	case SPOOL_OUT_QUARANTINED:
		return "quarantined";
	case SPOOL_OUT_BUSY:
		return "busy";
	}
	return "pending";
}

char *
spool_path(const char *spool, const char *id, enum spool_state st)
{
	return xasprintf("%s/%s/%s", spool, state_dir(st), id);
}

int
spool_create(const char *spool, struct mg_err *err)
{
	size_t i;

	if (util_mkdir(spool, 0700, err) != 0)
		return -1;
	for (i = 0; i < sizeof(spool_dirs) / sizeof(spool_dirs[0]); i++) {
		char *d = xasprintf("%s/%s", spool, spool_dirs[i]);
		int rc = util_mkdir(d, 0700, err);

		free(d);
		if (rc != 0)
			return -1;
	}
	return 0;
}

int
spool_check(const char *spool, struct mg_err *err)
{
	size_t i;

	for (i = 0; i < sizeof(spool_dirs) / sizeof(spool_dirs[0]); i++) {
		char *d = xasprintf("%s/%s", spool, spool_dirs[i]);
		int rc = access(d, W_OK | X_OK);

		if (rc != 0)
			mg_err_set(err, MG_ERR_TEMP, "spool %s: %s", d,
			    strerror(errno));
		free(d);
		if (rc != 0)
			return -1;
	}
	return 0;
}

/* copy s into out (size n) with control characters made harmless */
static void
meta_clean(char *out, size_t n, const char *s)
{
	size_t i, j = 0;

	for (i = 0; s != NULL && s[i] != '\0' && j + 1 < n; i++) {
		unsigned char c = (unsigned char)s[i];

		out[j++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	out[j] = '\0';
}

/*
 * meta_write - store m; durable when the envelope is first recorded, not
 * for attempt counts (those only need to survive our own crashes, which
 * never lose the page cache).  Written in tmp/ and renamed into meta/.
 */
static int
meta_write(const char *spool, const struct spool_meta *m, int durable,
    struct mg_err *err)
{
	char *path, *tmp = NULL, text[2048];
	int n, fd = -1, rc = -1;

	n = snprintf(text, sizeof(text), "sender=%s\nrecipient=%s\n"
	    "received=%lld\nattempts=%ld\nsize=%llu\nerror=%s\n", m->sender,
	    m->recipient, (long long)m->received, m->attempts,
	    (unsigned long long)m->size, m->error);
	if (n < 0 || (size_t)n >= sizeof(text)) {
		mg_err_set(err, MG_ERR_TEMP, "meta for %s too long", m->id);
		return -1;
	}
	path = xasprintf("%s/meta/%s", spool, m->id);
	tmp = xasprintf("%s/tmp/meta.%s.%ld", spool, m->id, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, text, (size_t)n) != n) {
		mg_err_set(err, MG_ERR_TEMP, "write %s: %s", tmp,
		    strerror(errno));
		goto out;
	}
	/*
	 * The envelope must reach the disk with the message: its data is
	 * fsync'd here, and the rename is committed by the fsync of new/
	 * that follows (one journal on ext4 and XFS).  Were it lost anyway,
	 * only the envelope would be missing, never the message.
	 */
	if (durable && fsync(fd) != 0) {
		mg_err_set(err, MG_ERR_TEMP, "fsync %s: %s", tmp,
		    strerror(errno));
		goto out;
	}
	if (close(fd) != 0 || rename(tmp, path) != 0) {
		fd = -1;
		mg_err_set(err, MG_ERR_TEMP, "store %s: %s", path,
		    strerror(errno));
		goto out;
	}
	fd = -1;
	rc = 0;
out:
	if (fd >= 0)
		(void)close(fd);
	if (rc != 0)
		(void)unlink(tmp);	/* best effort */
	free(tmp);
	free(path);
	return rc;
}

int
spool_meta_read(const char *spool, const char *id, struct spool_meta *m,
    struct mg_err *err)
{
	char *path, *data = NULL, *line, *next;
	size_t len;
	struct stat st;
	long long v;
	int rc;

	memset(m, 0, sizeof(*m));
	meta_clean(m->id, sizeof(m->id), id);
	m->state = SPOOL_PENDING;
	for (enum spool_state s = SPOOL_PENDING; s <= SPOOL_QUARANTINED; s++) {
		char *p = spool_path(spool, id, s);

		rc = stat(p, &st);
		free(p);
		if (rc == 0) {
			m->state = s;
			m->size = (uint64_t)st.st_size;
			m->received = st.st_mtime;
			break;
		}
	}
	path = xasprintf("%s/meta/%s", spool, id);
	rc = util_read_file(path, 16384, &data, &len, err);
	free(path);
	if (rc != 0)
		return -1;
	for (line = data; line != NULL && *line != '\0'; line = next) {
		char *eq, *val;

		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		if ((eq = strchr(line, '=')) == NULL)
			continue;
		*eq = '\0';
		val = eq + 1;
		if (strcmp(line, "sender") == 0)
			meta_clean(m->sender, sizeof(m->sender), val);
		else if (strcmp(line, "recipient") == 0)
			meta_clean(m->recipient, sizeof(m->recipient), val);
		else if (strcmp(line, "error") == 0)
			meta_clean(m->error, sizeof(m->error), val);
		else if (strcmp(line, "received") == 0 &&
		    util_parse_int(val, 0, INT64_MAX, &v) == 0)
			m->received = (time_t)v;
		else if (strcmp(line, "attempts") == 0 &&
		    util_parse_int(val, 0, 1000000, &v) == 0)
			m->attempts = (long)v;
	}
	free(data);
	return 0;
}

static int
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * The content hash, fed as the message streams in: the leading block of
 * trace fields (and their continuation lines) is left out.  A line start
 * is held back until its field name is known.
 */
struct trace_hash {
	struct util_sha256	h;
	int			lead;		/* still in the trace block */
	int			skipping;	/* inside a trace line */
	char			head[32];	/* start of the current line */
	size_t			hl;
};

static int
is_trace(const char *line, size_t n)
{
	static const char *const names[] = { "return-path:", "received:",
	    "delivered-to:", "x-original-to:" };
	size_t i, k;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		k = strlen(names[i]);
		if (n >= k && strncasecmp(line, names[i], k) == 0)
			return 1;
	}
	return 0;
}

static void
th_feed(struct trace_hash *t, const char *p, size_t n)
{
	while (n > 0 && t->lead) {
		if (t->skipping) {
			const char *nl = memchr(p, '\n', n);

			if (nl == NULL)
				return;
			n -= (size_t)(nl + 1 - p);
			p = nl + 1;
			t->skipping = 0;
			t->hl = 0;
			continue;
		}
		while (n > 0 && t->hl < sizeof(t->head) && (t->hl == 0 ||
		    (t->head[t->hl - 1] != ':' && t->head[t->hl - 1] != '\n'))) {
			t->head[t->hl++] = *p++;
			n--;
		}
		if (t->hl < sizeof(t->head) && t->head[t->hl - 1] != ':' &&
		    t->head[t->hl - 1] != '\n')
			return;		/* undecided: wait for more */
		if (t->head[0] == ' ' || t->head[0] == '\t' ||
		    is_trace(t->head, t->hl)) {
			/* a trace field, or the continuation of one */
			if (t->head[t->hl - 1] == '\n')
				t->hl = 0;
			else
				t->skipping = 1;
			continue;
		}
		t->lead = 0;
		util_sha256_update(&t->h, t->head, t->hl);
	}
	if (n > 0)
		util_sha256_update(&t->h, p, n);
}

/* th_final - a message of nothing but trace lines is hashed whole */
static int
th_final(struct trace_hash *t, const char *path, char id[UTIL_SHA256_HEX])
{
	struct mg_err err;
	char *d = NULL;
	size_t n = 0;

	if (t->lead) {
		if (util_read_file(path, (size_t)-2, &d, &n, &err) != 0)
			return -1;
		util_sha256_init(&t->h);
		util_sha256_update(&t->h, d, n);
		free(d);
	}
	util_sha256_hex_final(&t->h, id);
	return 0;
}

/*
 * copy_in - fd to out, dropping a leading mbox "From " line, hashing what
 * is kept.  Returns 0, or -1 (errno set; E2BIG over max).
 */
static int
copy_in(int fd, int out, uint64_t max, struct trace_hash *h,
    char *from_sender, size_t fs_len, uint64_t *size_r)
{
	char *chunk = xmalloc(SPOOL_CHUNK);
	uint64_t total = 0;
	size_t have = 0, fl = 0;
	int first = 1, skipping = 0, rc = -1;

	for (;;) {
		ssize_t r = read(fd, chunk + have, SPOOL_CHUNK - have);
		const char *p;
		size_t n;

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			goto out;
		have += (size_t)r;
		/* decide about "From " only once 5 bytes (or EOF) are in */
		if (first && have < 5 && r > 0)
			continue;
		p = chunk;
		n = have;
		if (first) {
			first = 0;
			skipping = n >= 5 && memcmp(p, "From ", 5) == 0;
			if (skipping) {
				p += 5;
				n -= 5;
			}
		}
		if (skipping) {
			const char *nl = memchr(p, '\n', n);
			size_t upto = nl ? (size_t)(nl - p) : n;

			/* the first word of the From_ line is the sender;
			 * the line may arrive in several reads */
			for (size_t i = 0; i < upto && fl + 1 < fs_len; i++) {
				if (p[i] == ' ') {
					fl = fs_len;	/* word complete */
					break;
				}
				from_sender[fl++] = p[i];
				from_sender[fl] = '\0';
			}
			if (nl != NULL) {
				skipping = 0;
				fl = fs_len;	/* stop collecting */
				n -= upto + 1;
				p = nl + 1;
			} else
				n = 0;
		}
		if (n > 0) {
			if (total + n > max) {
				errno = E2BIG;
				goto out;
			}
			th_feed(h, p, n);
			if (write_all(out, p, n) != 0)
				goto out;
			total += n;
		}
		have = 0;
		if (r == 0)
			break;
	}
	*size_r = total;
	rc = 0;
out:
	free(chunk);
	return rc;
}

int
spool_receive(const char *spool, int fd, uint64_t max, const char *sender,
    const char *recipient, char id_r[UTIL_SHA256_HEX], int *dup_r,
    struct mg_err *err)
{
	struct trace_hash h;
	struct spool_meta m;
	char from_sender[256] = "";
	char *tmp = NULL, *dst = NULL, *dir = NULL;
	uint64_t size = 0;
	int out = -1, rc = -1, saved;
	struct stat st;

	*dup_r = 0;
	tmp = xasprintf("%s/tmp/%lld.%ld.%08x", spool, (long long)time(NULL),
	    (long)getpid(), (unsigned)random());
	out = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (out < 0) {
		mg_err_set(err, MG_ERR_TEMP, "cannot create %s: %s", tmp,
		    strerror(errno));
		goto fail;
	}
	memset(&h, 0, sizeof(h));
	util_sha256_init(&h.h);
	h.lead = 1;
	if (copy_in(fd, out, max, &h, from_sender, sizeof(from_sender),
	    &size) != 0) {
		saved = errno;
		if (saved == E2BIG)
			mg_err_set(err, MG_ERR_PERM, "message larger than the "
			    "limit of %llu bytes", (unsigned long long)max);
		else
			mg_err_set(err, MG_ERR_TEMP, "spool write %s: %s", tmp,
			    strerror(saved));
		goto fail;
	}
	/* the data must be on disk before the name that promises it */
	if (fsync(out) != 0) {
		mg_err_set(err, MG_ERR_TEMP, "fsync %s: %s", tmp,
		    strerror(errno));
		goto fail;
	}
	rc = close(out);
	out = -1;
	if (rc != 0) {
		rc = -1;
		mg_err_set(err, MG_ERR_TEMP, "close %s: %s", tmp,
		    strerror(errno));
		goto fail;
	}
	rc = -1;
	if (th_final(&h, tmp, id_r) != 0) {
		mg_err_set(err, MG_ERR_TEMP, "reading back %s: %s", tmp,
		    strerror(errno));
		goto fail;
	}

	for (enum spool_state s = SPOOL_DONE; s <= SPOOL_QUARANTINED; s++) {
		char *p = spool_path(spool, id_r, s);
		int there = stat(p, &st) == 0;

		free(p);
		if (there) {
			*dup_r = 1;
			goto done;
		}
	}

	memset(&m, 0, sizeof(m));
	memcpy(m.id, id_r, UTIL_SHA256_HEX);
	meta_clean(m.sender, sizeof(m.sender),
	    sender != NULL ? sender : from_sender);
	meta_clean(m.recipient, sizeof(m.recipient), recipient);
	m.received = time(NULL);
	m.size = size;
	dst = spool_path(spool, id_r, SPOOL_PENDING);
	if (access(dst, F_OK) == 0) {
		*dup_r = 1;
		goto done;
	}
	if (meta_write(spool, &m, 1, err) != 0)
		goto fail;
	if (link(tmp, dst) != 0) {
		if (errno == EEXIST) {
			*dup_r = 1;
			goto done;
		}
		mg_err_set(err, MG_ERR_TEMP, "link %s: %s", dst,
		    strerror(errno));
		goto fail;
	}
	dir = xasprintf("%s/new", spool);
	if (util_fsync_dir(dir, err) != 0)
		goto fail;
done:
	(void)unlink(tmp);	/* new/ holds the link; tmp/ is scratch */
	rc = 0;
	goto out;
fail:
	if (out >= 0)
		(void)close(out);
	(void)unlink(tmp);
out:
	free(tmp);
	free(dst);
	free(dir);
	return rc;
}

static int
spool_move(const char *spool, const char *id, enum spool_state to)
{
	char *from = spool_path(spool, id, SPOOL_PENDING);
	char *dst = spool_path(spool, id, to);
	int rc = rename(from, dst);

	if (rc != 0)
		log_err("cannot move %s to %s: %s", from, dst,
		    strerror(errno));
	free(from);
	free(dst);
	return rc;
}

/*
 * The child's verdict comes back through a pipe as one status byte and the
 * error text.  Only an explicit 'T' is "our outage, do not count it": a
 * child that dies without saying (a crash, a CPU limit, xmalloc's exit 75
 * on a hostile message) is counted, so nothing is retried forever.
 */
#define CHILD_DONE	'D'
#define CHILD_TEMP	'T'
#define CHILD_PERM	'P'

/* run fn in a child; *verdict_r is its status byte, 0 if it said none */
static int
run_child(const struct conf *conf, const struct spool_meta *m, spool_fn fn,
    int *status_r, int *verdict_r, char *why, size_t why_len)
{
	char buf[1 + sizeof(((struct mg_err *)0)->msg)];
	int p[2];
	pid_t pid;
	size_t got = 0;

	if (pipe(p) != 0)
		return -1;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		(void)close(p[0]);
		(void)close(p[1]);
		return -1;
	}
	if (pid == 0) {
		struct mg_err err;
		struct rlimit rl = { SPOOL_CPU_LIMIT, SPOOL_CPU_LIMIT + 5 };
		size_t n;

		(void)close(p[0]);
		/* bounded time even if a parser loops on hostile input */
		(void)setrlimit(RLIMIT_CPU, &rl);
		mg_err_clear(&err);
		if (fn(conf, m, &err) == 0)
			buf[0] = CHILD_DONE;
		else
			buf[0] = err.cls == MG_ERR_TEMP ? CHILD_TEMP : CHILD_PERM;
		n = strlen(err.msg);
		memcpy(buf + 1, err.msg, n);
		(void)write_all(p[1], buf, n + 1);
		(void)close(p[1]);
		fflush(NULL);
		_exit(EX_OK);
	}
	(void)close(p[1]);
	for (;;) {
		ssize_t r = read(p[0], buf + got, sizeof(buf) - 1 - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
		if (got == sizeof(buf) - 1)
			break;
	}
	buf[got] = '\0';
	(void)close(p[0]);
	*verdict_r = got > 0 ? buf[0] : 0;
	(void)snprintf(why, why_len, "%s", got > 1 ? buf + 1 : "");
	while (waitpid(pid, status_r, 0) < 0)
		if (errno != EINTR)
			return -1;
	return 0;
}

enum spool_outcome
spool_process(const struct conf *conf, const char *id, spool_fn fn)
{
	struct spool_meta m;
	struct mg_err err;
	struct stat st1, st2;
	char *path, why[sizeof(m.error)];
	enum spool_outcome out = SPOOL_OUT_PENDING;
	int fd, status = 0, verdict = 0;

	log_set_id(id);
	path = spool_path(conf->spool, id, SPOOL_PENDING);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		out = SPOOL_OUT_BUSY;	/* moved on by someone else */
		goto done;
	}
	/* one processor per message: deliver and retry may race */
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		out = SPOOL_OUT_BUSY;
		goto done;
	}
	if (fstat(fd, &st1) != 0 || stat(path, &st2) != 0 ||
	    st1.st_ino != st2.st_ino) {
		out = SPOOL_OUT_BUSY;	/* finished while we waited */
		goto done;
	}
	if (spool_meta_read(conf->spool, id, &m, &err) != 0) {
		/* the envelope is lost, the message is not: go on */
		log_warn("no envelope for %s: %s", id, err.msg);
		memset(&m, 0, sizeof(m));
		memcpy(m.id, id, UTIL_SHA256_HEX);
		m.received = st1.st_mtime;
		m.size = (uint64_t)st1.st_size;
	}
	if (m.attempts >= conf->max_attempts) {
		out = SPOOL_OUT_QUARANTINED;
		goto settle;
	}
	m.attempts++;
	if (meta_write(conf->spool, &m, 0, &err) != 0)
		log_warn("%s", err.msg);

	why[0] = '\0';
	if (run_child(conf, &m, fn, &status, &verdict, why, sizeof(why)) != 0) {
		(void)snprintf(m.error, sizeof(m.error), "cannot start "
		    "processing: %s", strerror(errno));
		m.attempts--;	/* our resources, not the message */
		goto settle;
	}
	if (verdict == CHILD_DONE && WIFEXITED(status) &&
	    WEXITSTATUS(status) == EX_OK) {
		out = SPOOL_OUT_DONE;
		m.error[0] = '\0';
	} else if (verdict == CHILD_TEMP) {
		m.attempts--;	/* our outage: this message is not at fault */
		meta_clean(m.error, sizeof(m.error), why);
	} else {
		if (WIFSIGNALED(status))
			(void)snprintf(m.error, sizeof(m.error),
			    "processing crashed (signal %d)",
			    WTERMSIG(status));
		else if (verdict == 0)
			(void)snprintf(m.error, sizeof(m.error), "processing "
			    "ended without a result (exit %d)",
			    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		else
			meta_clean(m.error, sizeof(m.error), why[0] ? why :
			    "processing failed");
		if (m.attempts >= conf->max_attempts)
			out = SPOOL_OUT_QUARANTINED;
	}
settle:
	if (out == SPOOL_OUT_DONE) {
		if (spool_move(conf->spool, id, SPOOL_DONE) != 0)
			out = SPOOL_OUT_PENDING;	/* next retry finds it stored */
	} else if (out == SPOOL_OUT_QUARANTINED) {
		if (m.error[0] == '\0')
			(void)snprintf(m.error, sizeof(m.error),
			    "quarantined after %ld attempts", m.attempts);
		log_err("quarantined after %ld attempts: %s", m.attempts,
		    m.error);
		if (spool_move(conf->spool, id, SPOOL_QUARANTINED) != 0)
			out = SPOOL_OUT_PENDING;
	} else
		log_warn("left pending (attempt %ld of %lld): %s",
		    m.attempts, conf->max_attempts, m.error);
	if (meta_write(conf->spool, &m, 0, &err) != 0)
		log_warn("%s", err.msg);
done:
	if (fd >= 0)
		(void)close(fd);	/* releases the lock */
	free(path);
	log_set_id(NULL);
	return out;
}

static int
meta_cmp(const void *a, const void *b)
{
	const struct spool_meta *x = a, *y = b;

	if (x->received != y->received)
		return x->received < y->received ? -1 : 1;
	return strcmp(x->id, y->id);
}

static int
is_id(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++, n++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return 0;
	return n == 64;
}

int
spool_list(const char *spool, struct spool_meta **list_r, size_t *n_r,
    struct mg_err *err)
{
	static const enum spool_state states[] = { SPOOL_PENDING,
		SPOOL_QUARANTINED };
	struct spool_meta *list = NULL;
	size_t n = 0, cap = 0, i;

	for (i = 0; i < 2; i++) {
		char *dir = xasprintf("%s/%s", spool, state_dir(states[i]));
		DIR *d = opendir(dir);
		struct dirent *de;

		if (d == NULL) {
			mg_err_set(err, MG_ERR_TEMP, "opendir %s: %s", dir,
			    strerror(errno));
			free(dir);
			free(list);
			return -1;
		}
		while ((de = readdir(d)) != NULL) {
			struct mg_err e2;

			if (!is_id(de->d_name))
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 16;
				list = xrealloc(list, cap * sizeof(*list));
			}
			if (spool_meta_read(spool, de->d_name, &list[n],
			    &e2) != 0)
				(void)snprintf(list[n].error,
				    sizeof(list[n].error), "no envelope");
			list[n].state = states[i];
			n++;
		}
		closedir(d);
		free(dir);
	}
	if (n > 0)
		qsort(list, n, sizeof(*list), meta_cmp);
	*list_r = list;
	*n_r = n;
	return 0;
}
