/*
 * cmd_init.c - "madoguchi init DIR": a self-contained instance.
 *
 * DIR/madoguchi.conf (every key, commented), the SQLite database, the
 * spool, a templates folder for local overrides, a GnuPG home with a new
 * team key and a second one for the correspondents' public keys.  Folders 0700, files 0600.  Refuses to touch a folder
 * that already holds an instance.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "madoguchi/cmd.h"
#include "madoguchi/conf.h"
#include "madoguchi/route.h"
#include "madoguchi/pgp.h"
#include "madoguchi/spool.h"
#include "madoguchi/store.h"
#include "madoguchi/util.h"
#include "madoguchi/xalloc.h"

/* gpg-agent's socket is GNUPGHOME/S.gpg-agent.browser: keep it in sun_path */
#define GNUPG_HOME_MAX	(107 - sizeof("/S.gpg-agent.browser"))

int
cmd_init(int argc, char **argv, const char *config)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "address", required_argument, NULL, 'a' },
		{ "tag", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *name = "Example CSIRT", *address = "csirt@example.org";
	const char *tag = "CSIRT";
	struct conf *conf = NULL;
	struct store *st = NULL;
	struct mg_err err;
	char fpr[PGP_FPR_MAX], *dir, *cpath = NULL, *uid = NULL, *tmp = NULL;
	FILE *fp = NULL;
	int c, rc = CMD_FAIL;

	(void)config;
	while ((c = getopt_long(argc, argv, "n:a:t:h", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			name = optarg;
			break;
		case 'a':
			address = optarg;
			break;
		case 't':
			tag = optarg;
			break;
		case 'h':
			printf("usage: madoguchi init DIR [--name N] "
			    "[--address A] [--tag T]\n");
			return CMD_OK;
		default:
			return CMD_USAGE;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "usage: madoguchi init DIR [--name N] "
		    "[--address A] [--tag T]\n");
		return CMD_USAGE;
	}
	/* ";" would start an inline comment when the file is read back */
	if (!conf_valid_tag(tag) || strpbrk(name, "\r\n;") != NULL ||
	    strpbrk(address, "\r\n<> \t;") != NULL ||
	    strchr(address, '@') == NULL) {
		fprintf(stderr, "madoguchi: bad --tag, --name or --address\n");
		return CMD_USAGE;
	}
	mg_err_clear(&err);
	umask(077);
	dir = realpath(argv[optind], NULL);
	if (dir == NULL) {
		if (util_mkdirs(argv[optind], 0700, &err) != 0) {
			fprintf(stderr, "madoguchi: %s\n", err.msg);
			return CMD_FAIL;
		}
		dir = realpath(argv[optind], NULL);
		if (dir == NULL) {
			fprintf(stderr, "madoguchi: %s: %s\n", argv[optind],
			    strerror(errno));
			return CMD_FAIL;
		}
	}
	cpath = xasprintf("%s/madoguchi.conf", dir);
	if (access(cpath, F_OK) == 0) {
		fprintf(stderr, "madoguchi: %s exists: %s already holds an "
		    "instance\n", cpath, dir);
		goto out;
	}
	/* load the defaults as they would resolve here, to get the paths */
	tmp = xasprintf("%s/.madoguchi.conf.new", dir);
	fp = fopen(tmp, "w");
	if (fp == NULL || conf_write_default(fp, name, address, tag, "") != 0 ||
	    route_write_default(fp) != 0 ||
	    fclose(fp) != 0) {
		fp = NULL;
		fprintf(stderr, "madoguchi: %s: %s\n", tmp, strerror(errno));
		goto out;
	}
	fp = NULL;
	if (conf_load(tmp, &conf, &err) != 0)
		goto fail;
	if (strlen(conf->gnupg) > GNUPG_HOME_MAX)
		fprintf(stderr, "madoguchi: warning: %s is long: gpg-agent may "
		    "fail to create its socket (keep it under %zu bytes)\n",
		    conf->gnupg, GNUPG_HOME_MAX);
	/* both GnuPG homes get the no-network gpg.conf before any key */
	if (spool_create(conf->spool, &err) != 0 ||
	    pgp_homes_setup(conf->gnupg, conf->keyring, &err) != 0 ||
	    util_mkdir(conf->templates, 0700, &err) != 0)
		goto fail;
	uid = xasprintf("%s <%s>", name, address);
	fprintf(stderr, "madoguchi: generating the team key (ed25519 + "
	    "cv25519) for %s ...\n", uid);
	if (pgp_team_keygen(conf->gnupg, uid, fpr, &err) != 0)
		goto fail;
	if (store_open(conf->database, STORE_CREATE, &st, &err) != 0)
		goto fail;
	store_close(&st);
	if (chmod(conf->database, 0600) != 0) {
		fprintf(stderr, "madoguchi: chmod %s: %s\n", conf->database,
		    strerror(errno));
		goto out;
	}
	/* the final file, with the key, appears last: it marks completion */
	fp = fopen(tmp, "w");
	if (fp == NULL || conf_write_default(fp, name, address, tag, fpr) != 0 ||
	    route_write_default(fp) != 0 ||
	    fflush(fp) != 0 || fsync(fileno(fp)) != 0 || fclose(fp) != 0) {
		fp = NULL;
		fprintf(stderr, "madoguchi: %s: %s\n", tmp, strerror(errno));
		goto out;
	}
	fp = NULL;
	if (rename(tmp, cpath) != 0) {
		fprintf(stderr, "madoguchi: %s: %s\n", cpath, strerror(errno));
		goto out;
	}
	printf("instance created in %s\n"
	    "  configuration  %s\n"
	    "  team key       %s\n"
	    "deliver into it with:\n"
	    "  madoguchi -c %s deliver --sender S --recipient R < message\n",
	    dir, cpath, fpr, cpath);
	rc = CMD_OK;
	goto out;
fail:
	fprintf(stderr, "madoguchi: %s\n", err.msg);
out:
	if (fp != NULL)
		fclose(fp);
	if (tmp != NULL)
		(void)unlink(tmp);	/* gone after the rename, or scrap */
	conf_free(&conf);
	free(uid);
	free(tmp);
	free(cpath);
	free(dir);
	return rc;
}
