/*
 * view.c - text and JSON views of tickets and of the spool (view.h).
 *
 * JSON goes through jansson; every string is checked to be UTF-8 (bad
 * bytes become U+FFFD) so that one odd value cannot drop a whole field.
 */
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "madoguchi/buf.h"
#include "madoguchi/charset.h"
#include "madoguchi/conf.h"
#include "madoguchi/spool.h"
#include "madoguchi/intake.h"
#include "madoguchi/observe.h"
#include "madoguchi/send.h"
#include "madoguchi/store.h"
#include "madoguchi/tag.h"
#include "madoguchi/util.h"
#include "madoguchi/view.h"
#include "madoguchi/xalloc.h"

/* a JSON string, or null; invalid UTF-8 repaired rather than dropped */
static json_t *
js(const char *s)
{
	json_t *j;
	struct buf b;
	unsigned f = 0;

	if (s == NULL)
		return json_null();
	if ((j = json_string(s)) != NULL)
		return j;
	buf_init(&b, strlen(s) * 3 + 16);
	(void)charset_to_utf8("utf-8", (const unsigned char *)s, strlen(s),
	    &b, &f);
	j = json_string(b.data ? b.data : "");
	buf_free(&b);
	return j ? j : json_null();
}

static json_t *
jtime(time_t t)
{
	char s[32];

	if (t == 0)
		return json_null();
	util_time_iso(t, s);
	return json_string(s);
}

/* "a b c" -> ["a","b","c"], skipping names already in seen (if given) */
static void
add_words(json_t *arr, const char *words)
{
	const char *p = words, *e;

	while (p != NULL && *p != '\0') {
		while (*p == ' ')
			p++;
		e = p;
		while (*e != '\0' && *e != ' ')
			e++;
		if (e > p) {
			char *w = xstrndup(p, (size_t)(e - p));
			size_t i;
			int dup = 0;

			for (i = 0; i < json_array_size(arr); i++)
				if (strcmp(json_string_value(
				    json_array_get(arr, i)), w) == 0)
					dup = 1;
			if (!dup)
				json_array_append_new(arr, json_string(w));
			free(w);
		}
		p = e;
	}
}

static json_t *
ticket_json(const struct conf *conf, const struct store_ticket *t)
{
	json_t *o = json_object(), *req = json_array();
	char tag[TAG_MAX];

	tag_format(conf->team_tag, t->id, tag);
	json_object_set_new(o, "tag", json_string(tag));
	json_object_set_new(o, "number", json_integer(t->id));
	json_object_set_new(o, "status", js(t->status));
	json_object_set_new(o, "queue", js(t->queue));
	json_object_set_new(o, "type", js(t->type));
	json_object_set_new(o, "priority", js(t->priority));
	json_object_set_new(o, "tlp", js(t->tlp));
	json_object_set_new(o, "owner", js(t->owner));
	json_object_set_new(o, "subject", js(t->subject));
	json_object_set_new(o, "route", js(t->route));
	if (t->requestors != NULL) {
		char *copy = xstrdup(t->requestors), *p = copy, *c;

		while (p != NULL) {
			c = strstr(p, ", ");
			if (c != NULL)
				*c = '\0';
			json_array_append_new(req, js(p));
			p = c ? c + 2 : NULL;
		}
		free(copy);
	}
	json_object_set_new(o, "requestors", req);
	json_object_set_new(o, "created", jtime(t->created));
	json_object_set_new(o, "updated", jtime(t->updated));
	json_object_set_new(o, "messages_count", json_integer(t->nmessages));
	return o;
}

/* obs_of - the observables of message id (obs is ordered by message) */
static void
obs_of(const struct store_obs *obs, size_t nobs, int64_t id, size_t *from,
    size_t *to)
{
	size_t i;

	for (i = 0; i < nobs && obs[i].message != id; i++)
		;
	*from = i;
	for (; i < nobs && obs[i].message == id; i++)
		;
	*to = i;
}

/* stored_defang - a stored observable as shown: defanged by its kind */
static char *
stored_defang(const struct store_obs *o)
{
	enum obs_kind k;

	/* a kind this program does not know: shown as a domain would be,
	 * so that no dot of it stays clickable */
	if (obs_kind_parse(o->kind, &k) != 0)
		k = OBS_DOMAIN;
	return obs_defang(o->value, k);
}

static int
obs_of_any(const struct store_obs *obs, size_t nobs, int64_t id)
{
	size_t a, b;

	obs_of(obs, nobs, id, &a, &b);
	return a < b;
}

static json_t *
obs_json(const struct store_obs *o)
{
	json_t *j = json_object();
	char *def = stored_defang(o);

	json_object_set_new(j, "kind", js(o->kind));
	json_object_set_new(j, "value", js(o->value));
	json_object_set_new(j, "defanged", js(def));
	free(def);
	return j;
}

static json_t *
message_json(const struct store_msgrow *r, const struct store_obs *obs,
    size_t nobs)
{
	const struct store_message *m = &r->m;
	json_t *o = json_object(), *fl = json_array(), *att = json_array();
	json_t *ob, *rep;
	size_t i, n;

	json_object_set_new(o, "direction", js(m->direction));
	json_object_set_new(o, "kind", js(m->kind));
	json_object_set_new(o, "message_id", js(m->message_id));
	json_object_set_new(o, "from", js(m->from_addr));
	json_object_set_new(o, "from_name", js(m->from_name));
	json_object_set_new(o, "subject", js(m->subject));
	json_object_set_new(o, "date", jtime(m->date));
	json_object_set_new(o, "received", jtime(m->received));
	json_object_set_new(o, "envelope_sender", js(m->env_sender));
	json_object_set_new(o, "envelope_recipient", js(m->env_recipient));
	json_object_set_new(o, "encrypted", json_boolean(m->encrypted));
	json_object_set_new(o, "signature", js(m->signature));
	json_object_set_new(o, "signer", js(m->signer));
	add_words(fl, m->flags);
	json_object_set_new(o, "flags", fl);
	json_object_set_new(o, "body", js(m->body));
	for (i = 0; i < r->natt; i++) {
		json_t *a = json_object();

		json_object_set_new(a, "filename", js(r->att[i].filename));
		json_object_set_new(a, "content_type",
		    js(r->att[i].content_type));
		json_object_set_new(a, "size", json_integer(
		    (json_int_t)r->att[i].size));
		json_object_set_new(a, "sha256", js(r->att[i].sha256));
		json_array_append_new(att, a);
	}
	json_object_set_new(o, "attachments", att);
	obs_of(obs, nobs, m->id, &i, &n);
	for (ob = json_array(); i < n; i++)
		json_array_append_new(ob, obs_json(&obs[i]));
	json_object_set_new(o, "observables", ob);
	rep = m->arf != NULL ? json_loads(m->arf, 0, NULL) : NULL;
	json_object_set_new(o, "report", rep != NULL ? rep : json_null());
	json_object_set_new(o, "spool_id", js(m->spool_id));
	json_object_set_new(o, "size", json_integer((json_int_t)m->size));
	return o;
}

static int
dump(FILE *out, json_t *j)
{
	int rc = json_dumpf(j, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

	fputc('\n', out);
	json_decref(j);
	return rc == 0 ? 0 : -1;
}

/* text for a terminal: no control characters but newline and tab */
static void
put_clean(FILE *out, const char *s, int keep_newlines)
{
	for (; s != NULL && *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\n' && keep_newlines)
			fputc('\n', out);
		else if (c == '\t')
			fputc(keep_newlines ? '\t' : ' ', out);
		else if (c < 0x20 || c == 0x7f)
			fputc('?', out);
		else if (c == 0xc2 && (unsigned char)s[1] >= 0x80 &&
		    (unsigned char)s[1] <= 0x9f) {
			fputc('?', out);	/* C1 controls, U+0080..U+009F */
			s++;
		} else
			fputc(c, out);
	}
}

int
view_ticket_list(FILE *out, struct store *st, const struct conf *conf,
    const struct store_filter *f, int json, struct mg_err *err)
{
	struct store_ticket *list = NULL;
	size_t n = 0, i, wtag = 3, wstat = 6, wq = 5, wreq = 9;
	char tag[TAG_MAX], when[32];

	if (store_ticket_list(st, f, &list, &n, err) != 0)
		return -1;
	if (json) {
		json_t *arr = json_array();

		for (i = 0; i < n; i++)
			json_array_append_new(arr, ticket_json(conf, &list[i]));
		store_tickets_free(list, n);
		return dump(out, arr);
	}
	for (i = 0; i < n; i++) {
		size_t l;

		tag_format(conf->team_tag, list[i].id, tag);
		if ((l = strlen(tag)) > wtag)
			wtag = l;
		if (list[i].status && (l = strlen(list[i].status)) > wstat)
			wstat = l;
		if (list[i].queue && (l = strlen(list[i].queue)) > wq)
			wq = l;
		if (list[i].requestors &&
		    (l = strlen(list[i].requestors)) > wreq)
			wreq = l > 32 ? 32 : l;
	}
	fprintf(out, "%-*s  %-*s  %-*s  %-16s  %4s  %-*s  %s\n", (int)wtag,
	    "TAG", (int)wstat, "STATUS", (int)wq, "QUEUE", "UPDATED", "MSGS",
	    (int)wreq, "REQUESTOR", "SUBJECT");
	for (i = 0; i < n; i++) {
		const struct store_ticket *t = &list[i];

		tag_format(conf->team_tag, t->id, tag);
		util_time_local(t->updated, when);
		fprintf(out, "%-*s  %-*s  %-*s  %-16s  %4lld  ", (int)wtag, tag,
		    (int)wstat, t->status ? t->status : "", (int)wq,
		    t->queue ? t->queue : "", when, (long long)t->nmessages);
		fprintf(out, "%-*.*s  ", (int)wreq, (int)wreq,
		    t->requestors ? t->requestors : "-");
		put_clean(out, t->subject ? t->subject : "(no subject)", 0);
		fputc('\n', out);
	}
	if (n == 0)
		fprintf(out, "(no tickets)\n");
	store_tickets_free(list, n);
	return 0;
}

/* show_report - the fields of an ARF/X-ARF report, indicators defanged */
static void
show_report(FILE *out, const char *arf)
{
	static const char *keys[] = { "format", "feedback_type", "source_ip",
		"url", "domain", "arrival_date", "reporter" };
	json_t *o = json_loads(arf, 0, NULL), *v;
	enum obs_kind kind;
	size_t i;

	if (o == NULL)
		return;
	fprintf(out, "Report:    ");
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *s;
		char *c, *d;

		if ((v = json_object_get(o, keys[i])) == NULL ||
		    (s = json_string_value(v)) == NULL)
			continue;
		c = obs_canon(s, &kind);
		d = c != NULL ? obs_defang(c, kind) : xstrdup(s);
		fprintf(out, " %s=", keys[i]);
		put_clean(out, d, 0);
		free(c);
		free(d);
	}
	fputc('\n', out);
	json_decref(o);
}

static void
show_text(FILE *out, const struct conf *conf, const struct store_ticket *t,
    const struct store_msgrow *rows, size_t n, const struct store_link *l,
    size_t nl, const struct store_obs *obs, size_t nobs,
    const struct store_audit *au, size_t nau)
{
	char tag[TAG_MAX], when[32];
	size_t i, j, k;

	tag_format(conf->team_tag, t->id, tag);
	fprintf(out, "%s  [%s]  queue %s", tag, t->status, t->queue);
	if (t->type)
		fprintf(out, "  type %s", t->type);
	if (t->tlp)
		fprintf(out, "  %s", t->tlp);
	if (t->priority)
		fprintf(out, "  priority %s", t->priority);
	if (t->owner)
		fprintf(out, "  owner %s", t->owner);
	fprintf(out, "\nRoute:      %s", t->route ? t->route :
	    "(no rule matched)");
	fprintf(out, "\nSubject:    ");
	put_clean(out, t->subject ? t->subject : "(no subject)", 0);
	fprintf(out, "\nRequestors: %s\n", t->requestors ? t->requestors : "-");
	util_time_local(t->created, when);
	fprintf(out, "Created:    %s\n", when);
	util_time_local(t->updated, when);
	fprintf(out, "Updated:    %s\n", when);
	for (i = 0; i < nl; i++) {
		char other[TAG_MAX];

		tag_format(conf->team_tag, l[i].other, other);
		fprintf(out, "Linked:     %s %s (%s)\n",
		    l[i].outgoing ? "refers to" : "referred to by", other,
		    l[i].reason);
	}
	for (i = 0; i < nau; i++) {
		util_time_local(au[i].at, when);
		fprintf(out, "Changed:    %s by ", when);
		put_clean(out, au[i].who, 0);
		fprintf(out, ": %s ", au[i].field);
		put_clean(out, au[i].old ? au[i].old : "-", 0);
		fprintf(out, " -> ");
		put_clean(out, au[i].new ? au[i].new : "-", 0);
		fputc('\n', out);
	}
	for (i = 0; i < n; i++) {
		const struct store_message *m = &rows[i].m;

		util_time_local(m->received, when);
		fprintf(out, "\n--- %zu. %s %s, %s ", i + 1, m->kind,
		    strcmp(m->direction, "in") == 0 ? "received" : "sent",
		    when);
		fprintf(out, "-----------------------------------------\n");
		fprintf(out, "From:       ");
		if (m->from_name) {
			put_clean(out, m->from_name, 0);
			fputc(' ', out);
		}
		fprintf(out, "<");
		put_clean(out, m->from_addr ? m->from_addr :
		    (m->env_sender ? m->env_sender : ""), 0);
		fprintf(out, ">\nSubject:    ");
		put_clean(out, m->subject ? m->subject : "", 0);
		if (m->date) {
			util_time_local(m->date, when);
			fprintf(out, "\nDate:       %s", when);
		}
		fprintf(out, "\nSignature:  %s%s%s   Encrypted: %s\n",
		    m->signature, m->signer ? " by " : "",
		    m->signer ? m->signer : "", m->encrypted ? "yes" : "no");
		if (m->flags && *m->flags)
			fprintf(out, "Flags:      %s\n", m->flags);
		for (j = 0; j < rows[i].natt; j++) {
			const struct store_attachment *a = &rows[i].att[j];

			fprintf(out, "Attachment: ");
			put_clean(out, a->filename ? a->filename : "(unnamed)",
			    0);
			fprintf(out, "  %s  %llu bytes  sha256 %.16s…\n",
			    a->content_type, (unsigned long long)a->size,
			    a->sha256);
		}
		if (m->arf != NULL)
			show_report(out, m->arf);
		obs_of(obs, nobs, m->id, &j, &k);
		if (j < k)
			fprintf(out, "Indicators:");
		for (; j < k; j++) {
			char *d = stored_defang(&obs[j]);

			fprintf(out, " %s=", obs[j].kind);
			put_clean(out, d, 0);
			free(d);
		}
		if (nobs > 0 && obs_of_any(obs, nobs, m->id))
			fputc('\n', out);
		fputc('\n', out);
		put_clean(out, m->body, 1);
		if (m->body && *m->body &&
		    m->body[strlen(m->body) - 1] != '\n')
			fputc('\n', out);
	}
}

int
view_ticket_show(FILE *out, struct store *st, const struct conf *conf,
    int64_t id, int json, struct mg_err *err)
{
	struct store_ticket t;
	struct store_msgrow *rows = NULL;
	struct store_link *links = NULL;
	struct store_obs *obs = NULL;
	struct store_audit *au = NULL;
	size_t n = 0, nl = 0, nobs = 0, nau = 0, i;
	int r, rc = -1;

	memset(&t, 0, sizeof(t));
	r = store_ticket_get(st, id, &t, err);
	if (r <= 0)
		return r < 0 ? -1 : 1;
	if (store_ticket_messages(st, id, &rows, &n, err) != 0 ||
	    store_ticket_links(st, id, &links, &nl, err) != 0 ||
	    store_ticket_observables(st, id, &obs, &nobs, err) != 0 ||
	    store_ticket_audit(st, id, &au, &nau, err) != 0)
		goto out;
	if (json) {
		json_t *o = ticket_json(conf, &t), *msgs = json_array();
		json_t *fl = json_array(), *lk = json_array(), *au_j;
		char other[TAG_MAX];

		add_words(fl, t.flags);
		for (i = 0; i < n; i++) {
			add_words(fl, rows[i].m.flags);
			json_array_append_new(msgs, message_json(&rows[i],
			    obs, nobs));
		}
		for (i = 0; i < nl; i++) {
			json_t *l = json_object();

			tag_format(conf->team_tag, links[i].other, other);
			json_object_set_new(l, "tag", json_string(other));
			json_object_set_new(l, "reason", js(links[i].reason));
			json_object_set_new(l, "direction",
			    json_string(links[i].outgoing ? "to" : "from"));
			json_array_append_new(lk, l);
		}
		json_object_set_new(o, "flags", fl);
		json_object_set_new(o, "links", lk);
		for (au_j = json_array(), i = 0; i < nau; i++) {
			json_t *a = json_object();

			json_object_set_new(a, "at", jtime(au[i].at));
			json_object_set_new(a, "who", js(au[i].who));
			json_object_set_new(a, "field", js(au[i].field));
			json_object_set_new(a, "old", js(au[i].old));
			json_object_set_new(a, "new", js(au[i].new));
			json_array_append_new(au_j, a);
		}
		json_object_set_new(o, "audit", au_j);
		json_object_set_new(o, "messages", msgs);
		rc = dump(out, o);
	} else {
		show_text(out, conf, &t, rows, n, links, nl, obs, nobs, au,
		    nau);
		rc = 0;
	}
out:
	store_ticket_clear(&t);
	store_msgrows_free(rows, n);
	store_links_free(links, nl);
	store_obs_free(obs, nobs);
	store_audit_free(au, nau);
	return rc;
}

int
view_spool_list(FILE *out, const struct spool_meta *list, size_t n, int json)
{
	char when[32];
	size_t i;

	if (json) {
		json_t *arr = json_array();

		for (i = 0; i < n; i++) {
			json_t *o = json_object();

			json_object_set_new(o, "id", json_string(list[i].id));
			json_object_set_new(o, "state", json_string(
			    spool_state_str(list[i].state)));
			json_object_set_new(o, "received",
			    jtime(list[i].received));
			json_object_set_new(o, "attempts",
			    json_integer(list[i].attempts));
			json_object_set_new(o, "size",
			    json_integer((json_int_t)list[i].size));
			json_object_set_new(o, "sender", js(list[i].sender));
			json_object_set_new(o, "recipient",
			    js(list[i].recipient));
			json_object_set_new(o, "last_error", list[i].error[0] ?
			    js(list[i].error) : json_null());
			json_array_append_new(arr, o);
		}
		return dump(out, arr);
	}
	if (n == 0) {
		fprintf(out, "(nothing waiting)\n");
		return 0;
	}
	fprintf(out, "%-12s  %-11s  %-16s  %8s  %s\n", "ID", "STATE",
	    "RECEIVED", "ATTEMPTS", "LAST ERROR");
	for (i = 0; i < n; i++) {
		util_time_local(list[i].received, when);
		fprintf(out, "%-12.12s  %-11s  %-16s  %8ld  ", list[i].id,
		    spool_state_str(list[i].state), when, list[i].attempts);
		put_clean(out, list[i].error[0] ? list[i].error : "-", 0);
		fputc('\n', out);
	}
	return 0;
}

/* --- outbox ------------------------------------------------------------ */

/* outbox_rcpt - a mail's recipient, or a webhook's origin: its URL
 * carries the hook's secret token */
static const char *
outbox_rcpt(const struct store_outbox *o, char *buf, size_t sz)
{
	if (strcmp(o->kind, "webhook") != 0)
		return o->rcpt;
	send_url_origin(o->rcpt, buf, sz);
	return buf;
}

static json_t *
outbox_json(const struct conf *conf, const struct store_outbox *o)
{
	json_t *j = json_object(), *rc = json_array();
	char tag[TAG_MAX], to[300];

	tag_format(conf->team_tag, o->ticket, tag);
	json_array_append_new(rc, js(outbox_rcpt(o, to, sizeof(to))));
	json_object_set_new(j, "id", json_integer(o->id));
	json_object_set_new(j, "ticket", o->ticket ? json_string(tag) :
	    json_null());
	json_object_set_new(j, "kind", js(o->kind));
	json_object_set_new(j, "recipients", rc);
	json_object_set_new(j, "envelope_sender", js(o->env_from));
	json_object_set_new(j, "message_id", js(o->message_id));
	json_object_set_new(j, "state", js(o->state));
	json_object_set_new(j, "attempts", json_integer(o->attempts));
	json_object_set_new(j, "created", jtime(o->created));
	json_object_set_new(j, "next_try", !strcmp(o->state, "queued") ?
	    jtime(o->next_try) : json_null());
	json_object_set_new(j, "sent", jtime(o->sent));
	json_object_set_new(j, "last_error", js(o->last_error));
	json_object_set_new(j, "size", json_integer((json_int_t)o->raw_len));
	return j;
}

int
view_outbox_list(FILE *out, const struct conf *conf,
    const struct store_outbox *list, size_t n, int json)
{
	char when[32], tag[TAG_MAX], to[300];
	size_t i;

	if (json) {
		json_t *arr = json_array();

		for (i = 0; i < n; i++)
			json_array_append_new(arr, outbox_json(conf, &list[i]));
		return dump(out, arr);
	}
	if (n == 0) {
		fprintf(out, "(outbox empty)\n");
		return 0;
	}
	fprintf(out, "%6s  %-10s  %-6s  %-8s  %-16s  %3s  %s\n", "ID", "TICKET",
	    "KIND", "STATE", "CREATED", "TRY", "TO / LAST ERROR");
	for (i = 0; i < n; i++) {
		util_time_local(list[i].created, when);
		tag_format(conf->team_tag, list[i].ticket, tag);
		fprintf(out, "%6lld  %-10s  %-6s  %-8s  %-16s  %3lld  ",
		    (long long)list[i].id, tag, list[i].kind, list[i].state,
		    when, (long long)list[i].attempts);
		put_clean(out, outbox_rcpt(&list[i], to, sizeof(to)), 0);
		if (list[i].last_error != NULL) {
			fputs(" / ", out);
			put_clean(out, list[i].last_error, 0);
		}
		fputc('\n', out);
	}
	return 0;
}

int
view_outbox_show(FILE *out, const struct conf *conf,
    const struct store_outbox *o, int json)
{
	char to[300];

	if (json) {
		json_t *j = outbox_json(conf, o);

		json_object_set_new(j, "raw", o->raw != NULL ? js(o->raw) :
		    json_null());
		return dump(out, j);
	}
	fprintf(out, "id: %lld\nstate: %s\nattempts: %lld\nto: ",
	    (long long)o->id, o->state, (long long)o->attempts);
	put_clean(out, outbox_rcpt(o, to, sizeof(to)), 0);
	fputs("\nlast error: ", out);
	put_clean(out, o->last_error != NULL ? o->last_error : "-", 0);
	fputs("\n\n", out);
	put_clean(out, o->raw != NULL ? o->raw : "", 1);
	fputc('\n', out);
	return 0;
}

int
view_route_explain(FILE *out, const struct intake_msg *im, int json)
{
	const struct route_out *ro = &im->route;
	size_t i;

	if (json) {
		json_t *o = json_object(), *ob = json_array();

		json_object_set_new(o, "queue", js(ro->queue));
		json_object_set_new(o, "type", js(ro->type));
		json_object_set_new(o, "priority", js(ro->priority));
		json_object_set_new(o, "tlp", js(ro->tlp));
		json_object_set_new(o, "ack", json_boolean(ro->ack));
		json_object_set_new(o, "rule", js(ro->rule));
		json_object_set_new(o, "why", js(ro->why));
		json_object_set_new(o, "report", js(im->arf.format != ARF_NONE ?
		    arf_format_name(im->arf.format) : NULL));
		for (i = 0; i < im->obs.n; i++) {
			json_t *x = json_object();

			json_object_set_new(x, "kind",
			    js(obs_kind_name(im->obs.v[i].kind)));
			json_object_set_new(x, "value", js(im->obs.v[i].value));
			json_array_append_new(ob, x);
		}
		json_object_set_new(o, "observables", ob);
		return dump(out, o);
	}
	fprintf(out, "queue:     %s\ntype:      %s\npriority:  %s\n"
	    "tlp:       %s\nack:       %s\nrule:      %s\nwhy:       ",
	    ro->queue, ro->type ? ro->type : "-",
	    ro->priority ? ro->priority : "-", ro->tlp ? ro->tlp : "-",
	    ro->ack ? "yes" : "no", ro->rule ? ro->rule :
	    "(none: the triage queue)");
	put_clean(out, ro->why, 0);
	fputc('\n', out);
	if (im->arf.format != ARF_NONE) {
		fprintf(out, "report:    %s, type ",
		    arf_format_name(im->arf.format));
		put_clean(out, im->arf.feedback_type[0] ?
		    im->arf.feedback_type : "-", 0);
		fputc('\n', out);
	}
	for (i = 0; i < im->obs.n; i++) {
		char *d = obs_defang(im->obs.v[i].value, im->obs.v[i].kind);

		fprintf(out, "%s%s=", i == 0 ? "indicators:" : " ",
		    obs_kind_name(im->obs.v[i].kind));
		put_clean(out, d, 0);
		free(d);
	}
	if (im->obs.n > 0)
		fputc('\n', out);
	return 0;
}

int
view_observable_find(FILE *out, const struct conf *conf, const char *value,
    enum obs_kind kind, const struct store_obs *list, size_t n, int json)
{
	char tag[TAG_MAX], when[32], *d;
	size_t i;

	if (json) {
		json_t *o = json_object(), *arr = json_array();

		json_object_set_new(o, "value", js(value));
		json_object_set_new(o, "kind", js(obs_kind_name(kind)));
		for (i = 0; i < n; i++) {
			json_t *x = json_object();

			tag_format(conf->team_tag, list[i].ticket, tag);
			json_object_set_new(x, "tag", json_string(tag));
			json_object_set_new(x, "queue", js(list[i].queue));
			json_object_set_new(x, "status", js(list[i].status));
			json_object_set_new(x, "kind", js(list[i].kind));
			json_object_set_new(x, "received",
			    jtime(list[i].received));
			json_array_append_new(arr, x);
		}
		json_object_set_new(o, "mentions", arr);
		return dump(out, o);
	}
	d = obs_defang(value, kind);
	fprintf(out, "%s ", obs_kind_name(kind));
	put_clean(out, d, 0);
	fprintf(out, ": %zu mention%s\n", n, n == 1 ? "" : "s");
	free(d);
	for (i = 0; i < n; i++) {
		tag_format(conf->team_tag, list[i].ticket, tag);
		util_time_local(list[i].received, when);
		fprintf(out, "  %-12s %-14s %-9s %s\n", tag, list[i].queue,
		    list[i].status, when);
	}
	return 0;
}
