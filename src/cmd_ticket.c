/*
 * cmd_ticket.c - "madoguchi ticket list|show": tickets for people and
 * scripts.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "madoguchi/cmd.h"
#include "madoguchi/conf.h"
#include "madoguchi/store.h"
#include "madoguchi/tag.h"
#include "madoguchi/view.h"

static const char ticket_usage[] =
	"usage: madoguchi ticket list [--queue Q] [--status S] [--json]\n"
	"       madoguchi ticket show TAG [--json]\n";

static int
ticket_list(int argc, char **argv, struct conf *conf, struct store *st)
{
	static const struct option opts[] = {
		{ "queue", required_argument, NULL, 'q' },
		{ "status", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	struct store_filter f = { NULL, NULL };
	struct mg_err err;
	int c, json = 0;

	while ((c = getopt_long(argc, argv, "q:s:j", opts, NULL)) != -1) {
		switch (c) {
		case 'q':
			f.queue = optarg;
			break;
		case 's':
			f.status = optarg;
			break;
		case 'j':
			json = 1;
			break;
		default:
			fputs(ticket_usage, stderr);
			return CMD_USAGE;
		}
	}
	if (optind != argc) {
		fputs(ticket_usage, stderr);
		return CMD_USAGE;
	}
	mg_err_clear(&err);
	if (view_ticket_list(stdout, st, conf, &f, json, &err) != 0) {
		fprintf(stderr, "madoguchi: %s\n", err.msg);
		return CMD_FAIL;
	}
	return CMD_OK;
}

static int
ticket_show(int argc, char **argv, struct conf *conf, struct store *st)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	struct mg_err err;
	int64_t num;
	int c, json = 0, r;

	while ((c = getopt_long(argc, argv, "j", opts, NULL)) != -1) {
		if (c != 'j') {
			fputs(ticket_usage, stderr);
			return CMD_USAGE;
		}
		json = 1;
	}
	if (optind + 1 != argc) {
		fputs(ticket_usage, stderr);
		return CMD_USAGE;
	}
	if (tag_parse(argv[optind], conf->team_tag, &num) != 0) {
		fprintf(stderr, "madoguchi: \"%s\" is not a ticket tag (like "
		    "%s#12)\n", argv[optind], conf->team_tag);
		return CMD_USAGE;
	}
	mg_err_clear(&err);
	r = view_ticket_show(stdout, st, conf, num, json, &err);
	if (r == 1) {
		fprintf(stderr, "madoguchi: no ticket %s#%lld\n",
		    conf->team_tag, (long long)num);
		return CMD_NOTFOUND;
	}
	if (r != 0) {
		fprintf(stderr, "madoguchi: %s\n", err.msg);
		return CMD_FAIL;
	}
	return CMD_OK;
}

int
cmd_ticket(int argc, char **argv, const char *config)
{
	struct conf *conf = NULL;
	struct store *st = NULL;
	const char *sub;
	int rc;

	if (argc < 2) {
		fputs(ticket_usage, stderr);
		return CMD_USAGE;
	}
	sub = argv[1];
	if (strcmp(sub, "list") != 0 && strcmp(sub, "show") != 0) {
		fputs(ticket_usage, stderr);
		return CMD_USAGE;
	}
	if (cmd_open(config, &conf, &st) != 0)
		return CMD_FAIL;
	optind = 0;
	if (strcmp(sub, "list") == 0)
		rc = ticket_list(argc - 1, argv + 1, conf, st);
	else
		rc = ticket_show(argc - 1, argv + 1, conf, st);
	store_close(&st);
	conf_free(&conf);
	return rc;
}
