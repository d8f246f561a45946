/*
 * arf.h - machine-readable abuse reports: ARF (RFC 5965, with RFC 6650
 * and RFC 6591/6692 fields) and X-ARF (v0.1 and v0.2, the German abuse
 * reporting format: an "X-ARF: YES" header and a report part of
 * "Name: value" lines, YAML-style).
 *
 * Read leniently over the raw bytes of the message, the way robots write
 * them (the part headers may be folded, the report part may be
 * base64-encoded, CRLF or LF).  The result is what routing rules match on
 * and what becomes observables: every field of the report as written,
 * plus the common ones picked out.
 */
#ifndef MADOGUCHI_ARF_H
#define MADOGUCHI_ARF_H

#include <stddef.h>

#define ARF_FIELD_MAX	1024	/* longer values are cut */
#define ARF_MAX_FIELDS	200	/* beyond, ignored */

enum arf_format {
	ARF_NONE = 0,
	ARF_ARF,		/* multipart/report; report-type=feedback-report */
	ARF_XARF		/* X-ARF: YES */
};

struct arf_field {
	char	*name;		/* as written, e.g. "Feedback-Type" */
	char	*value;		/* unfolded, trimmed, UTF-8 or ASCII */
};

struct arf_report {
	enum arf_format	 format;
	/* picked out ("" if absent); all lower-case-insensitive matches */
	char	 feedback_type[64];	/* ARF Feedback-Type, X-ARF Category or Report-Type */
	char	 source_ip[64];		/* ARF Source-IP, X-ARF Source (when Source-Type is ipv4/ipv6/ip-address) */
	char	 url[ARF_FIELD_MAX];	/* ARF Reported-Uri (first), X-ARF Source when Source-Type is uri/url */
	char	 domain[256];		/* ARF Reported-Domain, X-ARF Source when Source-Type is domain */
	char	 arrival[128];		/* ARF Arrival-Date / Received-Date, X-ARF Date */
	char	 reporter[256];		/* ARF User-Agent, X-ARF Reported-From */
	/* every field of the feedback-report part (ARF) or the report part
	 * (X-ARF) in order, repeated names kept */
	struct arf_field *fields;
	size_t		  nfields;
};

/* arf_format_name - "none", "arf", "x-arf" */
const char *arf_format_name(enum arf_format f);

/*
 * arf_parse - read raw[0..len).  Returns 1 and fills r if the message is an
 * ARF or X-ARF report, 0 if it is not (r is then empty); r must be freed
 * with arf_free in both cases.  Never fails on hostile input.
 * The top-level header decides: a feedback-report Content-Type (wins) or
 * "X-ARF: YES" gives 1 even when no report part can be found (then no
 * fields).  Fields past ARF_MAX_FIELDS are not read, nor picked out.
 */
int	arf_parse(const char *raw, size_t len, struct arf_report *r);
void	arf_free(struct arf_report *r);

/* arf_get - the value of the first field called name (case-insensitive), or NULL */
const char *arf_get(const struct arf_report *r, const char *name);

#endif
