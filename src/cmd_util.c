/*
 * cmd_util.c - what every people-facing command does first.
 */
#include <stdio.h>

#include "madoguchi/cmd.h"
#include "madoguchi/conf.h"
#include "madoguchi/store.h"

int
cmd_open(const char *config, struct conf **conf_r, struct store **st_r)
{
	struct mg_err err;

	mg_err_clear(&err);
	if (conf_load(conf_default_path(config), conf_r, &err) != 0) {
		fprintf(stderr, "madoguchi: %s\n", err.msg);
		return -1;
	}
	if (st_r != NULL &&
	    store_open((*conf_r)->database, 0, st_r, &err) != 0) {
		fprintf(stderr, "madoguchi: %s\n", err.msg);
		conf_free(conf_r);
		return -1;
	}
	return 0;
}
