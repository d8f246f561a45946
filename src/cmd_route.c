/*
 * cmd_route.c - "madoguchi route --explain < message": how a message
 * would be classified, and why, storing nothing.
 *
 * route reads the message as deliver does (OpenPGP included, so an
 * encrypted report is routed on its text), but never opens the database
 * and never writes the spool.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "madoguchi/cmd.h"
#include "madoguchi/conf.h"
#include "madoguchi/intake.h"
#include "madoguchi/pgp.h"
#include "madoguchi/util.h"
#include "madoguchi/view.h"
#include "madoguchi/xalloc.h"

static const char route_usage[] =
	"usage: madoguchi route --explain [--recipient A] [--json] < message\n";

int
cmd_route(int argc, char **argv, const char *config)
{
	static const struct option opts[] = {
		{ "explain", no_argument, NULL, 'e' },
		{ "recipient", required_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	const char *recipient = "";
	struct conf *conf = NULL;
	struct intake_msg im;
	struct pgp *pgp = NULL;
	struct mg_err err;
	char *raw = NULL;
	size_t len = 0;
	int c, json = 0, explain = 0, rc = CMD_FAIL;

	optind = 0;
	while ((c = getopt_long(argc, argv, "er:j", opts, NULL)) != -1) {
		switch (c) {
		case 'e':
			explain = 1;
			break;
		case 'r':
			recipient = optarg;
			break;
		case 'j':
			json = 1;
			break;
		default:
			fputs(route_usage, stderr);
			return CMD_USAGE;
		}
	}
	if (optind != argc || !explain) {
		fputs(route_usage, stderr);
		return CMD_USAGE;
	}
	memset(&im, 0, sizeof(im));
	if (cmd_open(config, &conf, NULL) != 0)
		return CMD_FAIL;
	mg_err_clear(&err);
	if (util_read_fd(STDIN_FILENO, (size_t)conf->max_message_size + 1,
	    &raw, &len, &err) != 0 ||
	    intake_read(conf, raw, len, recipient, INTAKE_DRY, &pgp, &im,
	    &err) != 0) {
		fprintf(stderr, "madoguchi: %s\n", err.msg);
		goto out;
	}
	rc = view_route_explain(stdout, &im, json) == 0 ? CMD_OK : CMD_FAIL;
out:
	intake_msg_free(&im);
	pgp_close(&pgp);
	intake_end();
	if (raw != NULL)
		xfreezero(raw, len);
	conf_free(&conf);
	return rc;
}
