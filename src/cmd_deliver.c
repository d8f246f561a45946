/*
 * cmd_deliver.c - "madoguchi deliver": the MTA hands over one message.
 *
 * The exit status is the whole contract with the MTA (DESIGN.md):
 *   0   the message is durably in our spool (or was already);
 *   75  it could not be spooled: the MTA keeps it and retries;
 *   65  refused by policy (over max_message_size), with a one-line reason.
 * Everything after the spool runs in a child (spool_process) and can only
 * leave the message pending, never change the exit status.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "madoguchi/cmd.h"
#include "madoguchi/conf.h"
#include "madoguchi/intake.h"
#include "madoguchi/log.h"
#include "madoguchi/spool.h"
#include "madoguchi/tmpl.h"

/* why the MTA must keep the mail: to syslog, and to stderr, which the
 * MTA logs with the deferral (log_err writes there only on a terminal) */
static void
tempfail_reason(const char *why)
{
	log_err("deliver: %s", why);
	if (!isatty(STDERR_FILENO))
		fprintf(stderr, "madoguchi: %s\n", why);
}

int
cmd_deliver(int argc, char **argv, const char *config)
{
	static const struct option opts[] = {
		{ "sender", required_argument, NULL, 'f' },
		{ "recipient", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	const char *sender = NULL, *recipient = NULL;
	struct conf *conf = NULL;
	struct mg_err err;
	char id[UTIL_SHA256_HEX];
	enum spool_outcome out;
	int c, dup = 0;

	while ((c = getopt_long(argc, argv, "f:r:", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			sender = optarg;
			break;
		case 'r':
			recipient = optarg;
			break;
		default:
			/* a wrong transport definition is ours to fix */
			log_err("deliver: bad arguments; check the MTA's "
			    "transport definition");
			return EX_TEMPFAIL;
		}
	}
	if (optind != argc) {
		log_err("deliver: unexpected argument \"%s\"", argv[optind]);
		return EX_TEMPFAIL;
	}
	if (geteuid() == 0)
		log_warn("running as root; run deliver as an unprivileged "
		    "user (see contrib/)");
	mg_err_clear(&err);
	/* a broken template is a broken configuration: found before the
	 * message is taken, so it is never a blank in a sent mail */
	if (conf_load(conf_default_path(config), &conf, &err) != 0 ||
	    spool_check(conf->spool, &err) != 0 ||
	    tmpl_check(conf->templates, &err) != 0 ||
	    intake_init(conf, &err) != 0) {
		tempfail_reason(err.msg);
		conf_free(&conf);
		return EX_TEMPFAIL;
	}
	if (spool_receive(conf->spool, STDIN_FILENO, conf->max_message_size,
	    sender, recipient, id, &dup, &err) != 0) {
		intake_end();
		conf_free(&conf);
		if (err.cls == MG_ERR_PERM) {
			/* the MTA puts this line in its bounce */
			fprintf(stderr, "%s\n", err.msg);
			log_info("refused: %s", err.msg);
			return EX_DATAERR;
		}
		tempfail_reason(err.msg);
		return EX_TEMPFAIL;
	}
	/* from here on the message is ours: exit 0 whatever happens */
	log_set_id(id);
	log_info("spooled%s from=<%s> to=<%s>", dup ? " (already had it)" : "",
	    sender ? sender : "", recipient ? recipient : "");
	out = spool_process(conf, id, intake_process);
	log_set_id(id);
	if (out != SPOOL_OUT_DONE && !(dup && out == SPOOL_OUT_BUSY))
		log_info("processing %s; \"madoguchi spool retry\" will "
		    "finish it", spool_outcome_str(out));
	intake_end();
	conf_free(&conf);
	return EX_OK;
}
