/*
 * outbox.c - send what is due, record what happened (outbox.h).
 */
#include <fcntl.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>
#include <sys/wait.h>

#include "madoguchi/conf.h"
#include "madoguchi/log.h"
#include "madoguchi/notify.h"
#include "madoguchi/outbox.h"
#include "madoguchi/send.h"
#include "madoguchi/store.h"

time_t
outbox_next_try(time_t now, int64_t attempts)
{
	time_t d = 60;

	while (--attempts > 0 && d < 4 * 3600)
		d *= 4;
	return now + (d > 4 * 3600 ? 4 * 3600 : d);
}

/*
 * fresh - a webhook's body made again from the ticket as it is now (its
 * TLP may have been raised since); the planned body if that fails.
 */
static void
fresh(const struct conf *conf, struct store *st, struct store_outbox *o)
{
	struct mg_err e;
	char *json;
	size_t len;

	mg_err_clear(&e);
	if (o->ticket == 0 ||
	    notify_hook_body(conf, st, o, &json, &len, &e) != 0)
		return;
	free(o->raw);
	o->raw = json;
	o->raw_len = len;
}

/* try_one - send row o (its bytes read now) and record the outcome */
static int
try_one(const struct conf *conf, struct store *st, int64_t id,
    long connect_timeout, struct outbox_stats *stats, struct mg_err *err)
{
	struct store_outbox o;
	struct mg_err e;
	time_t now = time(NULL);
	char to[300];
	int r, hook;

	if ((r = store_outbox_claim(st, id, now, err)) != 1)
		return r;	/* 0: another flush got it first */
	if ((r = store_outbox_get(st, id, &o, err)) != 1)
		return r;
	mg_err_clear(&e);
	/* a hook URL holds its secret token: logs show its origin only */
	hook = strcmp(o.kind, "webhook") == 0;
	if (hook) {
		send_url_origin(o.rcpt, to, sizeof(to));
		fresh(conf, st, &o);
	} else
		(void)snprintf(to, sizeof(to), "<%s>", o.rcpt);
	if (o.raw == NULL)
		r = store_outbox_result(st, id, "failed", 0, "no content", 0,
		    err);
	else if ((hook ? send_webhook(o.rcpt, o.raw, o.raw_len,
	    conf->webhook_timeout, &e) : send_mail(conf, o.env_from, o.rcpt,
	    o.raw, o.raw_len, connect_timeout, &e)) == 0) {
		r = store_outbox_result(st, id, "sent", 0, NULL, now, err);
		stats->sent++;
		log_info("outbox %lld: %s to %s sent", (long long)id, o.kind,
		    to);
	} else if (e.cls == MG_ERR_PERM || now - o.created >= OUTBOX_GIVE_UP) {
		r = store_outbox_result(st, id, "failed", 0, e.msg, 0, err);
		stats->failed++;
		log_err("outbox %lld: %s to %s failed: %s", (long long)id,
		    o.kind, to, e.msg);
	} else {
		r = store_outbox_result(st, id, "queued",
		    outbox_next_try(now, o.attempts + 1), e.msg, 0, err);
		stats->deferred++;
		log_warn("outbox %lld: %s to %s deferred: %s", (long long)id,
		    o.kind, to, e.msg);
	}
	store_outbox_clear(&o);
	return r < 0 ? -1 : 0;
}

int
outbox_flush(const struct conf *conf, struct store *st, int force,
    long connect_timeout, struct outbox_stats *stats, struct mg_err *err)
{
	struct store_outbox *list = NULL;
	size_t n = 0, i;
	int rc = 0;

	memset(stats, 0, sizeof(*stats));
	/* queued and due, then claims left by a sender that died */
	if (store_outbox_list(st, "queued", force ? 0 : time(NULL), &list, &n,
	    err) != 0)
		return -1;
	for (i = 0; i < n && rc == 0; i++)
		rc = try_one(conf, st, list[i].id, connect_timeout, stats, err);
	store_outbox_free(list, n);
	if (rc != 0 || store_outbox_list(st, "sending", time(NULL), &list, &n,
	    err) != 0)
		return -1;
	for (i = 0; i < n && rc == 0; i++)
		rc = try_one(conf, st, list[i].id, connect_timeout, stats, err);
	store_outbox_free(list, n);
	return rc;
}

void
outbox_send_later(const struct conf *conf, const int64_t *ids, size_t n)
{
	struct outbox_stats os;
	struct store *st = NULL;
	struct mg_err err;
	pid_t pid;
	size_t i;
	int fd;

	if (n == 0)
		return;
	if ((pid = fork()) != 0) {
		if (pid > 0)
			while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
				;
		return;		/* the timer's flush covers a failed fork */
	}
	/* the middle process: a new session, then gone, so the sender is
	 * nobody's child and holds none of the MTA's pipes */
	(void)setsid();
	if (fork() != 0)
		_exit(0);
	if ((fd = open("/dev/null", O_RDWR)) >= 0) {
		(void)dup2(fd, 0);
		(void)dup2(fd, 1);
		(void)dup2(fd, 2);
	}
	closefrom(3);
	memset(&os, 0, sizeof(os));
	mg_err_clear(&err);
	if (store_open(conf->database, 0, &st, &err) == 0)
		for (i = 0; i < n; i++)
			if (try_one(conf, st, ids[i], 30, &os, &err) != 0)
				break;
	if (err.cls != MG_ERR_NONE)
		log_warn("outbox: %s", err.msg);
	store_close(&st);
	_exit(0);
}
