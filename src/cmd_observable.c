/*
 * cmd_observable.c - "madoguchi observable find VALUE": every ticket that
 * mentions an indicator, looked up in its canonical form however the
 * value was typed (defanged, full-width).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "madoguchi/cmd.h"
#include "madoguchi/conf.h"
#include "madoguchi/observe.h"
#include "madoguchi/store.h"
#include "madoguchi/view.h"

static const char obs_usage[] =
	"usage: madoguchi observable find VALUE [--json]\n";

int
cmd_observable(int argc, char **argv, const char *config)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	struct conf *conf = NULL;
	struct store *st = NULL;
	struct store_obs *list = NULL;
	struct mg_err err;
	enum obs_kind kind;
	char *value = NULL;
	size_t n = 0;
	int c, json = 0, rc = CMD_FAIL;

	if (argc < 2 || strcmp(argv[1], "find") != 0) {
		fputs(obs_usage, stderr);
		return CMD_USAGE;
	}
	optind = 0;
	while ((c = getopt_long(argc - 1, argv + 1, "j", opts, NULL)) != -1) {
		if (c != 'j') {
			fputs(obs_usage, stderr);
			return CMD_USAGE;
		}
		json = 1;
	}
	if (optind + 1 != argc - 1) {
		fputs(obs_usage, stderr);
		return CMD_USAGE;
	}
	/* typed as a reporter would write it: defanged, full-width */
	if ((value = obs_canon(argv[optind + 1], &kind)) == NULL) {
		fprintf(stderr, "madoguchi: \"%s\" is not an IP address, "
		    "network, domain, URL, e-mail address or hash\n",
		    argv[optind + 1]);
		return CMD_USAGE;
	}
	if (cmd_open(config, &conf, &st) != 0)
		goto out;
	mg_err_clear(&err);
	if (store_observable_find(st, value, &list, &n, &err) != 0) {
		fprintf(stderr, "madoguchi: %s\n", err.msg);
		goto out;
	}
	rc = view_observable_find(stdout, conf, value, kind, list, n, json) ==
	    0 ? CMD_OK : CMD_FAIL;
out:
	store_obs_free(list, n);
	store_close(&st);
	conf_free(&conf);
	free(value);
	return rc;
}
