/*
 * dsn.c - reading bounces of our own mail (dsn.h).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "madoguchi/dsn.h"

/* param_is - does a Content-Type value hold name=value (quoted or not)? */
static int
param_is(const char *v, const char *name, const char *want)
{
	const char *p = v;
	size_t n = strlen(name), w = strlen(want);

	while ((p = strcasestr(p, name)) != NULL) {
		const char *q = p + n;

		p = q;
		q += strspn(q, " \t");
		if (*q++ != '=')
			continue;
		q += strspn(q, " \t\"");
		if (strncasecmp(q, want, w) == 0 &&
		    strchr("\"; \t\r\n", q[w]) != NULL)
			return 1;
	}
	return 0;
}

int
dsn_is(const char *ct)
{
	if (ct == NULL)
		return 0;
	ct += strspn(ct, " \t");
	return strncasecmp(ct, "multipart/report", 16) == 0 &&
	    param_is(ct + 16, "report-type", "delivery-status");
}

/* field - copy the value of a "Name: value" line (one line, trimmed) */
static void
field(const char *line, const char *end, char *out, size_t outlen)
{
	const char *v = memchr(line, ':', (size_t)(end - line));
	size_t n;

	out[0] = '\0';
	if (v == NULL)
		return;
	v++;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	n = (size_t)(end - v);
	while (n > 0 && (v[n - 1] == '\r' || v[n - 1] == ' '))
		n--;
	if (n >= outlen)
		n = outlen - 1;
	memcpy(out, v, n);
	out[n] = '\0';
}

static int
starts(const char *line, const char *end, const char *name)
{
	size_t n = strlen(name);

	return (size_t)(end - line) > n && strncasecmp(line, name, n) == 0;
}

/* strip "rfc822;" and <> around an address or id */
static void
bare(char *s)
{
	char *p = s, *e;

	if (strncasecmp(p, "rfc822;", 7) == 0)
		p += 7;
	p += strspn(p, " \t<");
	memmove(s, p, strlen(p) + 1);
	e = s + strcspn(s, "> \t");
	*e = '\0';
}

int
dsn_parse(const char *raw, size_t len, struct dsn *d)
{
	const char *p = raw, *end = raw + len, *nl;
	char rcpt[DSN_FIELD_MAX] = "", action[32] = "", status[32] = "";
	int in_body = 0;

	memset(d, 0, sizeof(*d));
	for (; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if (!in_body) {
			/* the DSN's own header block ends at the first blank */
			if (nl == p || (nl == p + 1 && *p == '\r'))
				in_body = 1;
			if (nl == end)
				break;
			continue;
		}
		if (starts(p, nl, "Final-Recipient:"))
			field(p, nl, rcpt, sizeof(rcpt));
		else if (starts(p, nl, "Action:"))
			field(p, nl, action, sizeof(action));
		else if (starts(p, nl, "Status:")) {
			field(p, nl, status, sizeof(status));
			if (strncasecmp(action, "failed", 6) == 0 &&
			    status[0] == '5' && !d->failed) {
				d->failed = 1;
				(void)snprintf(d->rcpt, sizeof(d->rcpt), "%s",
				    rcpt);
				bare(d->rcpt);
				(void)snprintf(d->status, sizeof(d->status),
				    "%s", status);
			}
		} else if (d->orig_id[0] == '\0' &&
		    starts(p, nl, "Message-ID:")) {
			field(p, nl, d->orig_id, sizeof(d->orig_id));
			bare(d->orig_id);
		}
		if (nl == end)
			break;
	}
	return d->orig_id[0] != '\0' ? 0 : -1;
}
