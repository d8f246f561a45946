/*
 * cmd_route.c - "madoguchi route --explain < message": how a message
 * would be classified, and why, storing nothing; and "madoguchi
 * observable find VALUE": every ticket that mentions an indicator.
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
#include <jansson.h>

#include "madoguchi/cmd.h"
#include "madoguchi/conf.h"
#include "madoguchi/intake.h"
#include "madoguchi/observe.h"
#include "madoguchi/pgp.h"
#include "madoguchi/store.h"
#include "madoguchi/tag.h"
#include "madoguchi/util.h"
#include "madoguchi/xalloc.h"

static const char route_usage[] =
	"usage: madoguchi route --explain [--recipient A] [--json] < message\n";
static const char obs_usage[] =
	"usage: madoguchi observable find VALUE [--json]\n";

static json_t *
jstr(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

static void
explain_json(const struct intake_msg *im)
{
	const struct route_out *ro = &im->route;
	json_t *o = json_object(), *ob = json_array();
	size_t i;

	json_object_set_new(o, "queue", jstr(ro->queue));
	json_object_set_new(o, "type", jstr(ro->type));
	json_object_set_new(o, "priority", jstr(ro->priority));
	json_object_set_new(o, "tlp", jstr(ro->tlp));
	json_object_set_new(o, "ack", json_boolean(ro->ack));
	json_object_set_new(o, "rule", jstr(ro->rule));
	json_object_set_new(o, "why", jstr(ro->why));
	json_object_set_new(o, "report", jstr(im->arf.format != ARF_NONE ?
	    arf_format_name(im->arf.format) : NULL));
	for (i = 0; i < im->obs.n; i++) {
		json_t *x = json_object();

		json_object_set_new(x, "kind",
		    json_string(obs_kind_name(im->obs.v[i].kind)));
		json_object_set_new(x, "value", json_string(im->obs.v[i].value));
		json_array_append_new(ob, x);
	}
	json_object_set_new(o, "observables", ob);
	(void)json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	putchar('\n');
	json_decref(o);
}

static void
explain_text(const struct intake_msg *im)
{
	const struct route_out *ro = &im->route;
	size_t i;

	printf("queue:     %s\ntype:      %s\npriority:  %s\ntlp:       %s\n"
	    "ack:       %s\nrule:      %s\nwhy:       %s\n", ro->queue,
	    ro->type ? ro->type : "-", ro->priority ? ro->priority : "-",
	    ro->tlp ? ro->tlp : "-", ro->ack ? "yes" : "no",
	    ro->rule ? ro->rule : "(none: the triage queue)", ro->why);
	if (im->arf.format != ARF_NONE)
		printf("report:    %s%s%s%s%s\n", arf_format_name(im->arf.format),
		    im->arf.feedback_type[0] ? ", type " : "",
		    im->arf.feedback_type, im->arf.source_ip[0] ?
		    ", source " : "", im->arf.source_ip);
	for (i = 0; i < im->obs.n; i++) {
		char *d = obs_defang(im->obs.v[i].value, im->obs.v[i].kind);

		printf("%s%s=%s", i == 0 ? "indicators:" : "",
		    obs_kind_name(im->obs.v[i].kind), d);
		putchar(i + 1 == im->obs.n ? '\n' : ' ');
		free(d);
	}
}

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
	if (json)
		explain_json(&im);
	else
		explain_text(&im);
	rc = CMD_OK;
out:
	intake_msg_free(&im);
	pgp_close(&pgp);
	intake_end();
	if (raw != NULL)
		xfreezero(raw, len);
	conf_free(&conf);
	return rc;
}

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
	char *value = NULL, tag[TAG_MAX], when[32];
	size_t n = 0, i;
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
	if (json) {
		json_t *o = json_object(), *arr = json_array();

		json_object_set_new(o, "value", json_string(value));
		json_object_set_new(o, "kind", json_string(obs_kind_name(kind)));
		for (i = 0; i < n; i++) {
			json_t *x = json_object();

			tag_format(conf->team_tag, list[i].ticket, tag);
			util_time_iso(list[i].received, when);
			json_object_set_new(x, "tag", json_string(tag));
			json_object_set_new(x, "queue", jstr(list[i].queue));
			json_object_set_new(x, "status", jstr(list[i].status));
			json_object_set_new(x, "kind", jstr(list[i].kind));
			json_object_set_new(x, "received", json_string(when));
			json_array_append_new(arr, x);
		}
		json_object_set_new(o, "mentions", arr);
		(void)json_dumpf(o, stdout, JSON_INDENT(2) |
		    JSON_PRESERVE_ORDER);
		putchar('\n');
		json_decref(o);
	} else {
		char *d = obs_defang(value, kind);

		printf("%s %s: %zu mention%s\n", obs_kind_name(kind), d, n,
		    n == 1 ? "" : "s");
		free(d);
		for (i = 0; i < n; i++) {
			tag_format(conf->team_tag, list[i].ticket, tag);
			util_time_local(list[i].received, when);
			printf("  %-12s %-14s %-9s %s\n", tag, list[i].queue,
			    list[i].status, when);
		}
	}
	rc = CMD_OK;
out:
	store_obs_free(list, n);
	store_close(&st);
	conf_free(&conf);
	free(value);
	return rc;
}
