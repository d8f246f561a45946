/*
 * cmd_ticket.c - "madoguchi ticket list|show|set": tickets for people and
 * scripts.  set checks every value against the vocabularies of route.h
 * before it writes anything, and records each change in the audit trail.
 */
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "madoguchi/cmd.h"
#include "madoguchi/conf.h"
#include "madoguchi/route.h"
#include "madoguchi/store.h"
#include "madoguchi/tag.h"
#include "madoguchi/view.h"
#include "madoguchi/xalloc.h"

static const char ticket_usage[] =
	"usage: madoguchi ticket list [--queue Q] [--status S] [--json]\n"
	"       madoguchi ticket show TAG [--json]\n"
	"       madoguchi ticket set TAG FIELD=VALUE ...\n"
	"         FIELD: queue, type, priority, tlp, status, owner\n";

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

/* who - the person behind this command, for the audit trail */
static char *
who(void)
{
	const char *sudo = getenv("SUDO_USER");
	struct passwd *pw = getpwuid(getuid());
	char *w;

	if (getuid() == 0 && sudo != NULL && *sudo != '\0')
		w = xasprintf("%s (sudo)", sudo);
	else if (pw != NULL)
		w = xstrdup(pw->pw_name);
	else
		w = xasprintf("uid %ld", (long)getuid());
	return w;
}

/* owner_ok - a name or address: printable, no controls, not too long */
static int
owner_ok(const char *s)
{
	size_t n = strlen(s);
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	return n <= 128;
}

static int
ticket_set(int argc, char **argv, struct conf *conf, struct store *st)
{
	static const struct {
		const char	 *name;
		enum store_field  f;
	} fields[] = {
		{ "queue", STORE_F_QUEUE }, { "type", STORE_F_TYPE },
		{ "priority", STORE_F_PRIORITY }, { "tlp", STORE_F_TLP },
		{ "status", STORE_F_STATUS }, { "owner", STORE_F_OWNER },
	};
	struct routing *r = NULL;
	struct mg_err err;
	enum store_field *fv = NULL;
	const char **vv = NULL;
	char *by = NULL, tag[TAG_MAX];
	int64_t num;
	int i, n = argc - 2, rc = CMD_USAGE, changed, nchanged = 0;
	size_t k;

	if (argc < 3) {
		fputs(ticket_usage, stderr);
		return CMD_USAGE;
	}
	if (tag_parse(argv[1], conf->team_tag, &num) != 0) {
		fprintf(stderr, "madoguchi: \"%s\" is not a ticket tag (like "
		    "%s#12)\n", argv[1], conf->team_tag);
		return CMD_USAGE;
	}
	mg_err_clear(&err);
	if (route_load(conf, &r, &err) != 0) {
		fprintf(stderr, "madoguchi: %s\n", err.msg);
		return CMD_FAIL;
	}
	fv = xcalloc((size_t)n, sizeof(*fv));
	vv = xcalloc((size_t)n, sizeof(*vv));
	/* every value is checked before anything is written */
	for (i = 0; i < n; i++) {
		const char *a = argv[i + 2], *eq = strchr(a, '='), *v;

		for (k = 0; eq != NULL && k < sizeof(fields) /
		    sizeof(fields[0]); k++)
			if (strlen(fields[k].name) == (size_t)(eq - a) &&
			    strncmp(a, fields[k].name, (size_t)(eq - a)) == 0)
				break;
		if (eq == NULL || k == sizeof(fields) / sizeof(fields[0])) {
			fprintf(stderr, "madoguchi: \"%s\": expected FIELD="
			    "VALUE, FIELD one of queue, type, priority, tlp, "
			    "status, owner\n", a);
			goto out;
		}
		fv[i] = fields[k].f;
		v = eq + 1;
		switch (fv[i]) {
		case STORE_F_QUEUE:
			vv[i] = route_queue(r, v) ? v : NULL;
			break;
		case STORE_F_TYPE:
			vv[i] = route_type(v);
			break;
		case STORE_F_PRIORITY:
			vv[i] = route_priority(v);
			break;
		case STORE_F_TLP:
			vv[i] = route_tlp(v);
			break;
		case STORE_F_STATUS:
			vv[i] = route_status(v);
			break;
		case STORE_F_OWNER:
			vv[i] = owner_ok(v) ? v : NULL;
			break;
		}
		/* an empty value clears what may be unset */
		if (*v == '\0' && (fv[i] == STORE_F_TYPE ||
		    fv[i] == STORE_F_PRIORITY || fv[i] == STORE_F_TLP ||
		    fv[i] == STORE_F_OWNER)) {
			vv[i] = NULL;
			continue;
		}
		if (vv[i] == NULL) {
			fprintf(stderr, "madoguchi: %s: \"%s\" is not valid "
			    "(see madoguchi(1), TICKET FIELDS)\n",
			    fields[k].name, v);
			goto out;
		}
	}
	by = who();
	rc = CMD_FAIL;
	if (store_begin(st, &err) != 0)
		goto fail;
	for (i = 0; i < n; i++) {
		if (store_ticket_set(st, num, fv[i], vv[i], by, time(NULL),
		    &changed, &err) != 0) {
			store_rollback(st);
			goto fail;
		}
		nchanged += changed;
	}
	if (store_commit(st, &err) != 0)
		goto fail;
	tag_format(conf->team_tag, num, tag);
	printf("%s: %d field%s changed\n", tag, nchanged,
	    nchanged == 1 ? "" : "s");
	rc = CMD_OK;
	goto out;
fail:
	if (strcmp(err.msg, "no such ticket") == 0) {
		fprintf(stderr, "madoguchi: no ticket %s#%lld\n",
		    conf->team_tag, (long long)num);
		rc = CMD_NOTFOUND;
	} else
		fprintf(stderr, "madoguchi: %s\n", err.msg);
out:
	route_free(&r);
	free(fv);
	free(vv);
	free(by);
	return rc;
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
	if (strcmp(sub, "list") != 0 && strcmp(sub, "show") != 0 &&
	    strcmp(sub, "set") != 0) {
		fputs(ticket_usage, stderr);
		return CMD_USAGE;
	}
	if (cmd_open(config, &conf, &st) != 0)
		return CMD_FAIL;
	optind = 0;
	if (strcmp(sub, "list") == 0)
		rc = ticket_list(argc - 1, argv + 1, conf, st);
	else if (strcmp(sub, "set") == 0)
		rc = ticket_set(argc - 1, argv + 1, conf, st);
	else
		rc = ticket_show(argc - 1, argv + 1, conf, st);
	store_close(&st);
	conf_free(&conf);
	return rc;
}
