/*
 * view.h - what people and scripts see: ticket and spool listings as
 * aligned text for a terminal, or JSON (the stable view, see DESIGN.md).
 *
 * Text output never passes a control character from a message to the
 * terminal (escape sequences in a report must not drive the handler's
 * terminal); JSON escapes everything.
 */
#ifndef MADOGUCHI_VIEW_H
#define MADOGUCHI_VIEW_H

#include <stdint.h>
#include <stdio.h>

#include "madoguchi/err.h"
#include "madoguchi/observe.h"

struct conf;
struct spool_meta;
struct store;
struct store_filter;

int	view_ticket_list(FILE *out, struct store *st, const struct conf *conf,
	    const struct store_filter *f, int json, struct mg_err *err);

/* view_ticket_show - 0 shown, 1 no such ticket, -1 error */
int	view_ticket_show(FILE *out, struct store *st, const struct conf *conf,
	    int64_t id, int json, struct mg_err *err);

int	view_spool_list(FILE *out, const struct spool_meta *list, size_t n,
	    int json);

struct store_outbox;

int	view_outbox_list(FILE *out, const struct conf *conf,
	    const struct store_outbox *list, size_t n, int json);
/* view_outbox_show - one mail; its exact bytes are for --raw (cmd) */
int	view_outbox_show(FILE *out, const struct conf *conf,
	    const struct store_outbox *o, int json);

struct intake_msg;
struct store_obs;

/* view_route_explain - how a message was classified ("route --explain") */
int	view_route_explain(FILE *out, const struct intake_msg *im, int json);

/* view_observable_find - the mentions of value ("observable find") */
int	view_observable_find(FILE *out, const struct conf *conf,
	    const char *value, enum obs_kind kind, const struct store_obs *list,
	    size_t n, int json);

#endif
