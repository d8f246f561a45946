/*
 * cmd_spool.c - "madoguchi spool list|retry": what waits, and finishing it.
 *
 * retry is what the systemd timer (contrib/) runs: every pending message
 * is processed again through the same path as deliver; one that fails
 * max_attempts times is quarantined, never retried forever.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "madoguchi/cmd.h"
#include "madoguchi/conf.h"
#include "madoguchi/intake.h"
#include "madoguchi/spool.h"
#include "madoguchi/view.h"

static const char spool_usage[] =
	"usage: madoguchi spool list [--json]\n"
	"       madoguchi spool retry\n";

int
cmd_spool(int argc, char **argv, const char *config)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	struct spool_meta *list = NULL;
	struct conf *conf = NULL;
	struct mg_err err;
	size_t n = 0, i, count[4] = { 0, 0, 0, 0 };
	int c, json = 0, rc = CMD_FAIL, retry;

	if (argc < 2 || (strcmp(argv[1], "list") != 0 &&
	    strcmp(argv[1], "retry") != 0)) {
		fputs(spool_usage, stderr);
		return CMD_USAGE;
	}
	retry = strcmp(argv[1], "retry") == 0;
	optind = 0;
	while ((c = getopt_long(argc - 1, argv + 1, "j", opts, NULL)) != -1) {
		if (c != 'j' || retry) {
			fputs(spool_usage, stderr);
			return CMD_USAGE;
		}
		json = 1;
	}
	if (optind != argc - 1) {
		fputs(spool_usage, stderr);
		return CMD_USAGE;
	}
	if (cmd_open(config, &conf, NULL) != 0)
		return CMD_FAIL;
	mg_err_clear(&err);
	if (spool_list(conf->spool, &list, &n, &err) != 0) {
		fprintf(stderr, "madoguchi: %s\n", err.msg);
		goto out;
	}
	if (!retry) {
		rc = view_spool_list(stdout, list, n, json) == 0 ? CMD_OK :
		    CMD_FAIL;
		goto out;
	}
	/* a broken rule waits for its fix: nothing is tried, nothing counted */
	if (intake_init(conf, &err) != 0) {
		fprintf(stderr, "madoguchi: %s\n", err.msg);
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (list[i].state != SPOOL_PENDING)
			continue;
		count[spool_process(conf, list[i].id, intake_process)]++;
	}
	printf("retried %zu: %zu done, %zu still pending, %zu quarantined, "
	    "%zu busy\n", count[0] + count[1] + count[2] + count[3],
	    count[SPOOL_OUT_DONE], count[SPOOL_OUT_PENDING],
	    count[SPOOL_OUT_QUARANTINED], count[SPOOL_OUT_BUSY]);
	rc = CMD_OK;
out:
	intake_end();
	free(list);
	conf_free(&conf);
	return rc;
}
