/*
 * test_spool.c - the spool: creating and checking the folders, receiving
 * (content-addressed ids, duplicates, the mbox From_ line, the size limit,
 * envelope values in meta), processing attempts in a child (done, temporary
 * and permanent failures, crashes, quarantine, a locked file) and listing.
 *
 * Every test works in its own mkdtemp directory.  The spool_fn callbacks
 * run in the child spool_process forks, so they report through their
 * return value and error text only, never through cmocka.
 */
#include "unit.h"
#include <sysexits.h>

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "madoguchi/conf.h"
#include "madoguchi/spool.h"
#include "madoguchi/util.h"

struct fx {
	char		dir[32];
	char		spool[64];
	struct conf	conf;
};

#define CHECK(c, cond, ...) do {					\
	if (!(cond)) {							\
		print_error("case \"%s\": ", (c)->name);		\
		fail_msg(__VA_ARGS__);					\
	}								\
} while (0)
#define IN(s)	(s), sizeof(s) - 1

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct mg_err err;

	if (f == NULL)
		return -1;
	(void)snprintf(f->dir, sizeof(f->dir), "/tmp/mgsp.XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	(void)snprintf(f->spool, sizeof(f->spool), "%s/spool", f->dir);
	if (spool_create(f->spool, &err) != 0) {
		print_error("spool_create: %s\n", err.msg);
		return -1;
	}
	f->conf.spool = f->spool;
	f->conf.max_attempts = 3;
	*state = f;
	return 0;
}

static int
rm_one(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)remove(path);
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	(void)nftw(f->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

/* entries in spool/sub, . and .. aside */
static int
count(const struct fx *f, const char *sub)
{
	char path[128];
	struct dirent *de;
	DIR *d;
	int n = 0;

	(void)snprintf(path, sizeof(path), "%s/%s", f->spool, sub);
	if ((d = opendir(path)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

/* the file of id is in the folder of state want, and only there */
static int
only_in(const struct fx *f, const char *id, enum spool_state want)
{
	enum spool_state s;
	struct stat sb;

	for (s = SPOOL_PENDING; s <= SPOOL_QUARANTINED; s++) {
		char *p = spool_path(f->spool, id, s);
		int there = stat(p, &sb) == 0;

		free(p);
		if (there != (s == want))
			return 0;
	}
	return 1;
}

/* an fd reading data: a pipe fed by a child, or an unlinked temp file */
static int
source(const struct fx *f, const char *data, size_t len, int via_pipe)
{
	char path[64];
	int fd, p[2];

	if (via_pipe) {
		assert_int_equal(pipe(p), 0);
		fflush(NULL);
		if (fork() == 0) {
			close(p[0]);
			_exit(write(p[1], data, len) == (ssize_t)len ? 0 : 1);
		}
		close(p[1]);
		return p[0];
	}
	(void)snprintf(path, sizeof(path), "%s/in.XXXXXX", f->dir);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	(void)unlink(path);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

static int
receive(const struct fx *f, const char *data, size_t len, int via_pipe,
    uint64_t max, const char *sender, const char *rcpt,
    char id[UTIL_SHA256_HEX], int *dup, struct mg_err *err)
{
	int fd = source(f, data, len, via_pipe), rc;

	rc = spool_receive(f->spool, fd, max, sender, rcpt, id, dup, err);
	close(fd);
	if (via_pipe)
		while (wait(NULL) > 0)
			;
	return rc;
}

/* receive data that must be new; its id */
static void
put(const struct fx *f, const char *data, char id[UTIL_SHA256_HEX])
{
	struct mg_err err;
	int dup = -1;

	if (receive(f, data, strlen(data), 0, 1 << 20, "s@x.example",
	    "r@y.example", id, &dup, &err) != 0)
		fail_msg("spool_receive: %s", err.msg);
	assert_int_equal(dup, 0);
}

/* --- folders ----------------------------------------------------------- */

static const char *const folders[] = { "tmp", "new", "cur", "quarantine",
	"meta" };

static void
test_create_check(void **state)
{
	struct fx *f = *state;
	struct mg_err err;
	char path[128], away[128], id[UTIL_SHA256_HEX];
	struct stat sb;
	size_t i;
	int dup;

	assert_int_equal(spool_check(f->spool, &err), 0);
	assert_int_equal(spool_create(f->spool, &err), 0);	/* again */
	for (i = 0; i < sizeof(folders) / sizeof(folders[0]); i++) {
		(void)snprintf(path, sizeof(path), "%s/%s", f->spool,
		    folders[i]);
		(void)snprintf(away, sizeof(away), "%s/away", f->dir);
		if (stat(path, &sb) != 0 || (sb.st_mode & 07777) != 0700)
			fail_msg("%s: missing or mode %o", folders[i],
			    (unsigned)sb.st_mode & 07777);
		assert_int_equal(rename(path, away), 0);
		mg_err_clear(&err);
		if (spool_check(f->spool, &err) != -1 ||
		    err.cls != MG_ERR_TEMP ||
		    strstr(err.msg, folders[i]) == NULL)
			fail_msg("%s missing: class %d [%s]", folders[i],
			    err.cls, err.msg);
		assert_int_equal(rename(away, path), 0);
	}
	assert_int_equal(spool_check(f->spool, &err), 0);
	(void)snprintf(path, sizeof(path), "%s/none", f->dir);
	assert_int_equal(spool_check(path, &err), -1);
	assert_int_equal(err.cls, MG_ERR_TEMP);

	/* receiving into a broken spool: MG_ERR_TEMP, the MTA keeps it */
	(void)snprintf(path, sizeof(path), "%s/tmp", f->spool);
	assert_int_equal(rmdir(path), 0);
	assert_int_equal(receive(f, IN("Subject: x\n\ny\n"), 0, 1 << 20,
	    "s@x", "r@y", id, &dup, &err), -1);
	assert_int_equal(err.cls, MG_ERR_TEMP);
	assert_int_equal(count(f, "new"), 0);
}

/* --- receiving ------------------------------------------------------- */

struct recv_case {
	const char	*name;
	const char	*in;
	size_t		 inlen;
	int		 via_pipe;
	uint64_t	 max;
	const char	*sender, *rcpt;		/* arguments */
	int		 rc;
	const char	*stored;		/* NULL: same as in */
	size_t		 storedlen;
	const char	*meta_sender, *meta_rcpt;
};

#define FROM_	"From alice@example.org  Thu Jan  1 00:00:00 2025\n"
#define MSG(s)	"Subject: " s "\n\nbody\n"

static const struct recv_case recv_cases[] = {
	{ "plain, from a file", IN(MSG("a")), 0, 1 << 20, "S@x.example",
	    "r@y.example", 0, NULL, 0, "S@x.example", "r@y.example" },
	{ "plain, from a pipe", IN(MSG("b")), 1, 1 << 20, "s@x.example",
	    "r@y.example", 0, NULL, 0, "s@x.example", "r@y.example" },
	{ "From_ line dropped, its sender used", IN(FROM_ MSG("c")), 0,
	    1 << 20, NULL, "r@y.example", 0, IN(MSG("c")),
	    "alice@example.org", "r@y.example" },
	{ "From_ line dropped, the argument wins", IN(FROM_ MSG("d")), 1,
	    1 << 20, "env@x.example", NULL, 0, IN(MSG("d")), "env@x.example",
	    "" },
	{ "\"From:\" is a header, not a From_ line", IN("From: a@b\n\nx\n"),
	    0, 1 << 20, NULL, NULL, 0, NULL, 0, "", "" },
	{ "CR LF in the envelope neutralised",
	    IN(MSG("e")), 0, 1 << 20, "evil@x\r\nattempts=99\nerror=x",
	    "r@y\nsender=z", 0, NULL, 0, "evil@x??attempts=99?error=x",
	    "r@y?sender=z" },
	{ "binary with NUL bytes", IN("Subject: \0\xff\n\n\0\0\r\r\n"), 0,
	    1 << 20, "s@x", "r@y", 0, NULL, 0, "s@x", "r@y" },
	{ "exactly max bytes", IN(MSG("f")), 0, sizeof(MSG("f")) - 1, "s@x",
	    "r@y", 0, NULL, 0, "s@x", "r@y" },
	{ "the From_ line does not count", IN(FROM_ MSG("g")), 0,
	    sizeof(MSG("g")) - 1, NULL, "r@y", 0, IN(MSG("g")),
	    "alice@example.org", "r@y" },
	{ "one byte over max", IN(MSG("h")), 0, sizeof(MSG("h")) - 2, "s@x",
	    "r@y", -1, NULL, 0, NULL, NULL },
	{ "over max, from a pipe", IN(MSG("i")), 1, 4, "s@x", "r@y", -1,
	    NULL, 0, NULL, NULL },
	{ "empty message", IN(""), 0, 1 << 20, "s@x", "r@y", 0, NULL, 0,
	    "s@x", "r@y" },
};

static void
check_stored(const struct fx *f, const struct recv_case *c, const char *id)
{
	const char *want = c->stored ? c->stored : c->in;
	size_t wlen = c->stored ? c->storedlen : c->inlen;
	char hex[UTIL_SHA256_HEX], *path, *data = NULL;
	struct spool_meta m;
	struct mg_err err;
	struct stat sb;
	size_t len = 0;

	util_sha256_hex(want, wlen, hex);
	CHECK(c, strcmp(id, hex) == 0, "id %s, want %s", id, hex);
	path = spool_path(f->spool, id, SPOOL_PENDING);
	CHECK(c, stat(path, &sb) == 0 && (sb.st_mode & 07777) == 0600,
	    "new/ file missing or mode %o", (unsigned)sb.st_mode & 07777);
	CHECK(c, util_read_file(path, 1 << 20, &data, &len, &err) == 0,
	    "read: %s", err.msg);
	free(path);
	CHECK(c, len == wlen && memcmp(data, want, len) == 0,
	    "stored %zu bytes, want %zu", len, wlen);
	free(data);
	CHECK(c, spool_meta_read(f->spool, id, &m, &err) == 0, "meta: %s",
	    err.msg);
	CHECK(c, strcmp(m.id, id) == 0 && m.state == SPOOL_PENDING &&
	    m.attempts == 0 && m.error[0] == '\0' && m.size == wlen &&
	    m.received > 0, "meta state %d attempts %ld error [%s] size %llu",
	    m.state, m.attempts, m.error, (unsigned long long)m.size);
	CHECK(c, strcmp(m.sender, c->meta_sender) == 0, "sender [%s]",
	    m.sender);
	CHECK(c, strcmp(m.recipient, c->meta_rcpt) == 0, "recipient [%s]",
	    m.recipient);
}

static void
test_receive(void **state)
{
	struct fx *f = *state;
	char id[UTIL_SHA256_HEX];
	struct mg_err err;
	size_t i;
	int rc, dup, nnew = 0;

	for (i = 0; i < sizeof(recv_cases) / sizeof(recv_cases[0]); i++) {
		const struct recv_case *c = &recv_cases[i];

		dup = -1;
		mg_err_clear(&err);
		rc = receive(f, c->in, c->inlen, c->via_pipe, c->max,
		    c->sender, c->rcpt, id, &dup, &err);
		CHECK(c, rc == c->rc, "rc %d [%s]", rc, err.msg);
		CHECK(c, count(f, "tmp") == 0, "tmp/ not empty");
		if (rc == 0) {
			nnew++;
			CHECK(c, dup == 0, "dup %d", dup);
			check_stored(f, c, id);
		} else
			CHECK(c, err.cls == MG_ERR_PERM && err.msg[0] != '\0',
			    "class %d [%s]", err.cls, err.msg);
		CHECK(c, count(f, "new") == nnew && count(f, "meta") == nnew,
		    "%d in new/, %d in meta/, want %d", count(f, "new"),
		    count(f, "meta"), nnew);
	}
}

/* 300 KB through a pipe: many reads, the From_ line in the first */
static void
test_receive_large(void **state)
{
	static const char from_[] = "From big@x.example Mon Jan  6 00:00:00"
	    " 2025\n";
	const size_t blen = 300 * 1024, flen = sizeof(from_) - 1;
	struct fx *f = *state;
	char id[UTIL_SHA256_HEX], hex[UTIL_SHA256_HEX], *in, *path, *got;
	struct spool_meta m;
	struct mg_err err;
	size_t i, len = 0;
	int dup = -1;

	in = malloc(flen + blen);
	assert_non_null(in);
	memcpy(in, from_, flen);
	for (i = 0; i < blen; i++)
		in[flen + i] = i % 77 == 76 ? '\n' : (char)('A' + i % 26);
	assert_int_equal(receive(f, in, flen + blen, 1, blen, NULL, "r@y",
	    id, &dup, &err), 0);
	util_sha256_hex(in + flen, blen, hex);
	assert_string_equal(id, hex);
	path = spool_path(f->spool, id, SPOOL_PENDING);
	assert_int_equal(util_read_file(path, blen, &got, &len, &err), 0);
	assert_int_equal(len, blen);
	assert_memory_equal(got, in + flen, blen);
	assert_int_equal(spool_meta_read(f->spool, id, &m, &err), 0);
	assert_string_equal(m.sender, "big@x.example");
	assert_int_equal(m.size, blen);
	/* and one byte less allowed: refused, nothing kept */
	assert_int_equal(receive(f, in, flen + blen, 1, blen - 1, NULL, "r@y",
	    id, &dup, &err), -1);
	assert_int_equal(err.cls, MG_ERR_PERM);
	assert_int_equal(count(f, "tmp"), 0);
	assert_int_equal(count(f, "new"), 1);
	free(got);
	free(path);
	free(in);
}

/* the same bytes again, wherever the first copy now is: nothing new */
static void
test_duplicate(void **state)
{
	struct fx *f = *state;
	char id[UTIL_SHA256_HEX], id2[UTIL_SHA256_HEX];
	struct spool_meta m;
	struct mg_err err;
	enum spool_state s;
	int dup;

	put(f, MSG("dup"), id);
	for (s = SPOOL_PENDING; s <= SPOOL_QUARANTINED; s++) {
		if (s != SPOOL_PENDING) {
			/* move it on by hand: pending, done, quarantined */
			char *a = spool_path(f->spool, id, s - 1);
			char *b = spool_path(f->spool, id, s);

			assert_int_equal(rename(a, b), 0);
			free(a);
			free(b);
		}
		dup = -1;
		assert_int_equal(receive(f, IN(MSG("dup")), s == SPOOL_DONE,
		    1 << 20, "other@z", "other@z", id2, &dup, &err), 0);
		assert_int_equal(dup, 1);
		assert_string_equal(id, id2);
		assert_true(only_in(f, id, s));
		assert_int_equal(count(f, "tmp"), 0);
		assert_int_equal(count(f, "meta"), 1);
		assert_int_equal(spool_meta_read(f->spool, id, &m, &err), 0);
		assert_string_equal(m.sender, "s@x.example");	/* the first */
		assert_int_equal(m.state, s);
	}
}

/*
 * The From_ line arriving in two reads.  The writer sends the second part
 * only once the first has been read, so spool_receive sees exactly these
 * two chunks.
 */
struct split_case {
	const char	*name;
	const char	*part1, *part2;
	const char	*sender;	/* in meta */
	const char	*stored;
};

static const struct split_case split_cases[] = {
	{ "split inside the address", "From a@", "b.example Thu Jan  1 "
	    "00:00:00 2025\nSubject: s1\n\nx\n", "a@b.example",
	    "Subject: s1\n\nx\n" },
	{ "split after the address", "From a@b", " Thu Jan  1 00:00:00 "
	    "2025\nSubject: s3\n\nx\n", "a@b", "Subject: s3\n\nx\n" },
	{ "split inside \"From \"", "Fro", "m a@b Thu\nSubject: s4\n\nx\n",
	    "a@b", "Subject: s4\n\nx\n" },
	{ "split inside \"From:\"", "From", ": a@b\n\nx\n", "",
	    "From: a@b\n\nx\n" },
	{ "split inside the date", "From a@b Thu J", "an  1 00:00:00 2025\n"
	    "Subject: s2\n\nx\n", "a@b", "Subject: s2\n\nx\n" },
};

static void
test_from_split(void **state)
{
	struct fx *f = *state;
	char id[UTIL_SHA256_HEX], hex[UTIL_SHA256_HEX];
	struct spool_meta m;
	struct mg_err err;
	size_t i;
	int p[2], dup, rc, n;
	pid_t pid;

	for (i = 0; i < sizeof(split_cases) / sizeof(split_cases[0]); i++) {
		const struct split_case *c = &split_cases[i];

		assert_int_equal(pipe(p), 0);
		fflush(NULL);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			close(p[0]);
			if (write(p[1], c->part1, strlen(c->part1)) < 0)
				_exit(1);
			/* wait until the reader took it */
			while (ioctl(p[1], FIONREAD, &n) == 0 && n > 0)
				usleep(1000);
			usleep(20 * 1000);
			_exit(write(p[1], c->part2, strlen(c->part2)) < 0);
		}
		close(p[1]);
		rc = spool_receive(f->spool, p[0], 1 << 20, NULL, "r@y", id,
		    &dup, &err);
		close(p[0]);
		assert_int_equal(waitpid(pid, NULL, 0), pid);
		CHECK(c, rc == 0 && dup == 0, "rc %d dup %d [%s]", rc, dup,
		    err.msg);
		util_sha256_hex(c->stored, strlen(c->stored), hex);
		CHECK(c, strcmp(id, hex) == 0, "stored bytes differ");
		CHECK(c, spool_meta_read(f->spool, id, &m, &err) == 0, "meta");
		CHECK(c, strcmp(m.sender, c->sender) == 0, "sender [%s], "
		    "want [%s]", m.sender, c->sender);
	}
}

/* --- processing ------------------------------------------------------ */

static int
fn_ok(const struct conf *conf, const struct spool_meta *meta,
    struct mg_err *err)
{
	return 0;
}

static int
fn_temp(const struct conf *conf, const struct spool_meta *meta,
    struct mg_err *err)
{
	mg_err_set(err, MG_ERR_TEMP, "database locked\nretry");
	return -1;
}

static int
fn_perm(const struct conf *conf, const struct spool_meta *meta,
    struct mg_err *err)
{
	mg_err_set(err, MG_ERR_PERM, "cannot parse");
	return -1;
}

static int
fn_silent(const struct conf *conf, const struct spool_meta *meta,
    struct mg_err *err)
{
	err->cls = MG_ERR_PERM;
	return -1;
}

static int
fn_abort(const struct conf *conf, const struct spool_meta *meta,
    struct mg_err *err)
{
	/* the child inherits cmocka's handlers: crash for real */
	(void)signal(SIGABRT, SIG_DFL);
	abort();
}

/* what xmalloc does when a hostile message exhausts memory */
static int
fn_oom_exit(const struct conf *conf, const struct spool_meta *meta,
    struct mg_err *err)
{
	_exit(EX_TEMPFAIL);
}

/* the child is given the message's envelope with this attempt counted */
static int
fn_meta(const struct conf *conf, const struct spool_meta *meta,
    struct mg_err *err)
{
	char hex[UTIL_SHA256_HEX];

	util_sha256_hex(IN(MSG("meta")), hex);
	if (strcmp(meta->id, hex) == 0 && meta->attempts == 1 &&
	    strcmp(meta->sender, "s@x.example") == 0 &&
	    strcmp(meta->recipient, "r@y.example") == 0 &&
	    meta->state == SPOOL_PENDING && conf->max_attempts == 3)
		return 0;
	mg_err_set(err, MG_ERR_PERM, "wrong meta");
	return -1;
}

struct proc_case {
	const char		*name;
	spool_fn		 fn;
	const char		*msg;
	long long		 max_attempts;
	int			 runs;
	enum spool_outcome	 out;		/* of the last run */
	long			 attempts;
	const char		*error;		/* substring; "": empty */
	enum spool_state	 state;
};

static const struct proc_case proc_cases[] = {
	{ "done", fn_ok, MSG("p1"), 3, 1, SPOOL_OUT_DONE, 1, "", SPOOL_DONE },
	{ "the child sees its meta", fn_meta, MSG("meta"), 3, 1,
	    SPOOL_OUT_DONE, 1, "", SPOOL_DONE },
	{ "temporary failures are not counted", fn_temp, MSG("p2"), 3, 5,
	    SPOOL_OUT_PENDING, 0, "database locked?retry", SPOOL_PENDING },
	{ "a permanent failure counts", fn_perm, MSG("p3"), 3, 1,
	    SPOOL_OUT_PENDING, 1, "cannot parse", SPOOL_PENDING },
	{ "a failure without text", fn_silent, MSG("p4"), 3, 2,
	    SPOOL_OUT_PENDING, 2, "processing failed", SPOOL_PENDING },
	{ "a crash counts", fn_abort, MSG("p5"), 3, 1, SPOOL_OUT_PENDING, 1,
	    "crashed", SPOOL_PENDING },
	{ "quarantined after max_attempts failures", fn_perm, MSG("p6"), 3,
	    3, SPOOL_OUT_QUARANTINED, 3, "cannot parse", SPOOL_QUARANTINED },
	{ "an exit 75 without a verdict counts", fn_oom_exit, MSG("p9"), 3,
	    2, SPOOL_OUT_PENDING, 2, "without a result (exit 75)",
	    SPOOL_PENDING },
	{ "crashes quarantined", fn_abort, MSG("p7"), 2, 2,
	    SPOOL_OUT_QUARANTINED, 2, "crashed", SPOOL_QUARANTINED },
	{ "max_attempts 1", fn_perm, MSG("p8"), 1, 1, SPOOL_OUT_QUARANTINED,
	    1, "cannot parse", SPOOL_QUARANTINED },
};

static void
test_process(void **state)
{
	struct fx *f = *state;
	char id[UTIL_SHA256_HEX];
	struct spool_meta m;
	struct mg_err err;
	enum spool_outcome out = SPOOL_OUT_BUSY;
	size_t i;
	int r;

	for (i = 0; i < sizeof(proc_cases) / sizeof(proc_cases[0]); i++) {
		const struct proc_case *c = &proc_cases[i];

		put(f, c->msg, id);
		f->conf.max_attempts = c->max_attempts;
		for (r = 0; r < c->runs; r++) {
			out = spool_process(&f->conf, id, c->fn);
			CHECK(c, r + 1 == c->runs || out == SPOOL_OUT_PENDING,
			    "run %d: %s", r + 1, spool_outcome_str(out));
		}
		CHECK(c, out == c->out, "outcome %s, want %s",
		    spool_outcome_str(out), spool_outcome_str(c->out));
		CHECK(c, only_in(f, id, c->state), "file not only in %s",
		    spool_state_str(c->state));
		CHECK(c, spool_meta_read(f->spool, id, &m, &err) == 0, "meta");
		CHECK(c, m.state == c->state && m.attempts == c->attempts,
		    "state %s, attempts %ld", spool_state_str(m.state),
		    m.attempts);
		CHECK(c, c->error[0] == '\0' ? m.error[0] == '\0' :
		    strstr(m.error, c->error) != NULL, "error [%s]", m.error);
		CHECK(c, strcmp(m.sender, "s@x.example") == 0, "sender lost");
		CHECK(c, count(f, "tmp") == 0, "tmp/ not empty");
		/* done or quarantined: never processed again */
		if (c->state != SPOOL_PENDING)
			CHECK(c, spool_process(&f->conf, id, fn_ok) ==
			    SPOOL_OUT_BUSY && only_in(f, id, c->state),
			    "processed again");
	}
}

/* a message locked by another processor is left alone */
static void
test_busy(void **state)
{
	struct fx *f = *state;
	char id[UTIL_SHA256_HEX], *path;
	struct spool_meta m;
	struct mg_err err;
	int fd;

	put(f, MSG("busy"), id);
	path = spool_path(f->spool, id, SPOOL_PENDING);
	fd = open(path, O_RDONLY);
	free(path);
	assert_true(fd >= 0);
	assert_int_equal(flock(fd, LOCK_EX), 0);
	assert_int_equal(spool_process(&f->conf, id, fn_perm),
	    SPOOL_OUT_BUSY);
	assert_true(only_in(f, id, SPOOL_PENDING));
	assert_int_equal(spool_meta_read(f->spool, id, &m, &err), 0);
	assert_int_equal(m.attempts, 0);
	assert_string_equal(m.error, "");
	close(fd);
	assert_int_equal(spool_process(&f->conf, id, fn_ok), SPOOL_OUT_DONE);
	/* an id the spool never saw */
	assert_int_equal(spool_process(&f->conf, "0000000000000000000000000"
	    "000000000000000000000000000000000000000", fn_ok), SPOOL_OUT_BUSY);
	assert_int_equal(spool_meta_read(f->spool, "1234", &m, &err), -1);
}

/* --- listing ------------------------------------------------------------ */

static void
set_received(const struct fx *f, const char *id, long t)
{
	char path[256];
	FILE *fp;

	(void)snprintf(path, sizeof(path), "%s/meta/%s", f->spool, id);
	assert_non_null(fp = fopen(path, "w"));
	fprintf(fp, "sender=s@x.example\nrecipient=r@y.example\n"
	    "received=%ld\nattempts=0\nsize=1\nerror=\n", t);
	assert_int_equal(fclose(fp), 0);
}

static void
test_list(void **state)
{
	static const char nometa[] = "ffffffffffffffffffffffffffffffff"
	    "ffffffffffffffffffffffffffffffff";
	struct fx *f = *state;
	char a[UTIL_SHA256_HEX], b[UTIL_SHA256_HEX], c[UTIL_SHA256_HEX];
	char d[UTIL_SHA256_HEX], path[256];
	struct timeval tv[2] = { { 150, 0 }, { 150, 0 } };
	struct spool_meta *l = NULL;
	struct mg_err err;
	size_t n = 99;
	FILE *fp;

	assert_int_equal(spool_list(f->spool, &l, &n, &err), 0);
	assert_int_equal(n, 0);
	free(l);

	put(f, MSG("A"), a);
	put(f, MSG("B"), b);
	put(f, MSG("C"), c);
	put(f, MSG("D"), d);
	set_received(f, a, 300);
	set_received(f, b, 100);
	set_received(f, c, 200);
	set_received(f, d, 50);
	f->conf.max_attempts = 1;
	assert_int_equal(spool_process(&f->conf, b, fn_perm),
	    SPOOL_OUT_QUARANTINED);
	assert_int_equal(spool_process(&f->conf, d, fn_ok), SPOOL_OUT_DONE);
	/* a message whose envelope is lost, and a file that is no message */
	(void)snprintf(path, sizeof(path), "%s/new/%s", f->spool, nometa);
	assert_non_null(fp = fopen(path, "w"));
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(utimes(path, tv), 0);
	(void)snprintf(path, sizeof(path), "%s/new/README", f->spool);
	assert_non_null(fp = fopen(path, "w"));
	assert_int_equal(fclose(fp), 0);

	assert_int_equal(spool_list(f->spool, &l, &n, &err), 0);
	assert_int_equal(n, 4);
	assert_string_equal(l[0].id, b);
	assert_int_equal(l[0].state, SPOOL_QUARANTINED);
	assert_int_equal(l[0].received, 100);
	assert_int_equal(l[0].attempts, 1);
	assert_string_equal(l[1].id, nometa);
	assert_int_equal(l[1].state, SPOOL_PENDING);
	assert_string_equal(l[1].error, "no envelope");
	assert_string_equal(l[2].id, c);
	assert_int_equal(l[2].state, SPOOL_PENDING);
	assert_string_equal(l[2].sender, "s@x.example");
	assert_string_equal(l[3].id, a);
	assert_int_equal(l[3].received, 300);
	free(l);
}

#define T(fn)	cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_create_check),
		T(test_receive),
		T(test_receive_large),
		T(test_duplicate),
		T(test_from_split),
		T(test_process),
		T(test_busy),
		T(test_list),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
