/*
 * main.c - madoguchi: the e-mail point of contact of a CSIRT.
 *
 * Parses the global options, then hands over to one command front end.
 */
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "madoguchi/cmd.h"
#include "madoguchi/log.h"

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: madoguchi [-c FILE] [-v] COMMAND [ARGS]\n"
	    "\n"
	    "  init DIR [--name N] [--address A] [--tag T]\n"
	    "                          create a self-contained instance in DIR\n"
	    "  deliver [--sender A] [--recipient A] < message\n"
	    "                          take one message from the MTA\n"
	    "  ticket list [--queue Q] [--status S] [--json]\n"
	    "  ticket show TAG [--json]\n"
	    "  ticket set TAG FIELD=VALUE...\n"
	    "                          queue, type, priority, tlp, status, "
	    "owner\n"
	    "  spool list [--json]     messages waiting or quarantined\n"
	    "  spool retry             finish what waits in the spool\n"
	    "  outbox list [--json]    mail the team sends, and its state\n"
	    "  outbox show ID [--raw|--json]\n"
	    "  outbox flush [--due]    send what waits (--due: only what is "
	    "due)\n"
	    "  route --explain [--recipient A] [--json] < message\n"
	    "                          how a message would be routed, and why\n"
	    "  observable find VALUE [--json]\n"
	    "                          every ticket that mentions an indicator\n"
	    "\n"
	    "  -c FILE   the instance's madoguchi.conf (else $MADOGUCHI_CONFIG,\n"
	    "            else %s/madoguchi/madoguchi.conf)\n"
	    "  -v        log to stderr too\n"
	    "  -V, --version\n"
	    "\n"
	    "See madoguchi(1) and madoguchi.conf(5).\n", SYSCONFDIR);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const char *config = NULL, *cmd;
	int c, i, deliver = 0;

	setlocale(LC_ALL, "");
	log_open("madoguchi");
	/* deliver's bad arguments are our transport mistake: tempfail */
	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "deliver") == 0)
			deliver = 1;
	while ((c = getopt_long(argc, argv, "+c:hvV", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			config = optarg;
			break;
		case 'h':
			usage(stdout);
			return CMD_OK;
		case 'v':
			log_force_stderr(1);
			break;
		case 'V':
			printf("madoguchi %s\n", PACKAGE_VERSION);
			return CMD_OK;
		default:
			usage(stderr);
			return deliver ? EX_TEMPFAIL : CMD_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return CMD_USAGE;
	}
	cmd = argv[optind];
	argc -= optind;
	argv += optind;
	optind = 0;	/* restart getopt for the command's own options */
	if (strcmp(cmd, "init") == 0)
		return cmd_init(argc, argv, config);
	if (strcmp(cmd, "deliver") == 0)
		return cmd_deliver(argc, argv, config);
	if (strcmp(cmd, "ticket") == 0)
		return cmd_ticket(argc, argv, config);
	if (strcmp(cmd, "spool") == 0)
		return cmd_spool(argc, argv, config);
	if (strcmp(cmd, "outbox") == 0)
		return cmd_outbox(argc, argv, config);
	if (strcmp(cmd, "route") == 0)
		return cmd_route(argc, argv, config);
	if (strcmp(cmd, "observable") == 0)
		return cmd_observable(argc, argv, config);
	if (strcmp(cmd, "help") == 0) {
		usage(stdout);
		return CMD_OK;
	}
	fprintf(stderr, "madoguchi: unknown command \"%s\"\n", cmd);
	usage(stderr);
	return CMD_USAGE;
}
