/*
 * cmd_outbox.c - "madoguchi outbox list|show|flush": what the team sends.
 *
 * flush composes what was planned but not yet composed (the OpenPGP
 * engine was down, say), then tries every queued mail now, whatever its
 * backoff; with --due (what the systemd timer in contrib/ runs) only the
 * mails whose retry time has come.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "madoguchi/cmd.h"
#include "madoguchi/conf.h"
#include "madoguchi/outbox.h"
#include "madoguchi/pgp.h"
#include "madoguchi/respond.h"
#include "madoguchi/store.h"
#include "madoguchi/util.h"
#include "madoguchi/view.h"

static const char outbox_usage[] =
	"usage: madoguchi outbox list [--json]\n"
	"       madoguchi outbox show ID [--raw | --json]\n"
	"       madoguchi outbox flush [--due]\n";

static int
flush(const struct conf *conf, struct store *st, int due_only)
{
	struct outbox_stats os;
	struct pgp *pgp = NULL;
	struct mg_err err;
	int rc = CMD_OK, n;

	mg_err_clear(&err);
	if ((n = respond_compose(conf, st, &pgp, NULL, NULL, &err)) < 0) {
		fprintf(stderr, "madoguchi: composing: %s\n", err.msg);
		rc = CMD_FAIL;
	}
	pgp_close(&pgp);
	mg_err_clear(&err);
	if (outbox_flush(conf, st, !due_only, 30, &os, &err) != 0) {
		fprintf(stderr, "madoguchi: %s\n", err.msg);
		return CMD_FAIL;
	}
	printf("outbox: %d composed, %d sent, %d deferred, %d failed\n",
	    n > 0 ? n : 0, os.sent, os.deferred, os.failed);
	return rc;
}

int
cmd_outbox(int argc, char **argv, const char *config)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "raw", no_argument, NULL, 'r' },
		{ "due", no_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 }
	};
	struct store_outbox *list = NULL, one;
	struct conf *conf = NULL;
	struct store *st = NULL;
	struct mg_err err;
	const char *sub;
	size_t n = 0;
	long long id = 0;
	int c, json = 0, raw = 0, due = 0, rc = CMD_FAIL, r;

	if (argc < 2) {
		fputs(outbox_usage, stderr);
		return CMD_USAGE;
	}
	sub = argv[1];
	optind = 0;
	while ((c = getopt_long(argc - 1, argv + 1, "", opts, NULL)) != -1) {
		if (c == 'j')
			json = 1;
		else if (c == 'r')
			raw = 1;
		else if (c == 'd')
			due = 1;
		else {
			fputs(outbox_usage, stderr);
			return CMD_USAGE;
		}
	}
	argc -= optind + 1;
	argv += optind + 1;
	if ((strcmp(sub, "list") == 0 && (argc != 0 || raw || due)) ||
	    (strcmp(sub, "show") == 0 && (argc != 1 || due || (raw && json) ||
	    util_parse_int(argv[0], 1, INT64_MAX, &id) != 0)) ||
	    (strcmp(sub, "flush") == 0 && (argc != 0 || json || raw)) ||
	    (strcmp(sub, "list") != 0 && strcmp(sub, "show") != 0 &&
	    strcmp(sub, "flush") != 0)) {
		fputs(outbox_usage, stderr);
		return CMD_USAGE;
	}
	if (cmd_open(config, &conf, &st) != 0)
		return CMD_FAIL;
	mg_err_clear(&err);
	if (strcmp(sub, "flush") == 0)
		rc = flush(conf, st, due);
	else if (strcmp(sub, "list") == 0) {
		if (store_outbox_list(st, NULL, 0, &list, &n, &err) == 0)
			rc = view_outbox_list(stdout, conf, list, n, json) == 0 ?
			    CMD_OK : CMD_FAIL;
		store_outbox_free(list, n);
	} else if ((r = store_outbox_get(st, id, &one, &err)) == 1) {
		if (raw)
			rc = fwrite(one.raw != NULL ? one.raw : "", 1,
			    one.raw_len, stdout) == one.raw_len ? CMD_OK :
			    CMD_FAIL;
		else
			rc = view_outbox_show(stdout, conf, &one, json) == 0 ?
			    CMD_OK : CMD_FAIL;
		store_outbox_clear(&one);
	} else if (r == 0) {
		fprintf(stderr, "madoguchi: no outbox mail %lld\n", id);
		rc = CMD_NOTFOUND;
	}
	if (err.cls != MG_ERR_NONE)
		fprintf(stderr, "madoguchi: %s\n", err.msg);
	store_close(&st);
	conf_free(&conf);
	return rc;
}
