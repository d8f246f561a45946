/*
 * dsn.h - delivery status notifications (RFC 3464) that come back for mail
 * the team sent: which of our messages bounced, and for whom for good.
 *
 * Read leniently over the raw bytes, the way every MTA writes them: the
 * per-recipient fields of the message/delivery-status part, and the
 * Message-ID of the returned message (text/rfc822-headers or
 * message/rfc822), which is the first Message-ID after the DSN's own
 * header block.
 */
#ifndef MADOGUCHI_DSN_H
#define MADOGUCHI_DSN_H

#include <stddef.h>

#define DSN_FIELD_MAX	256

struct dsn {
	char	orig_id[DSN_FIELD_MAX];	/* returned message's id, no <> */
	char	rcpt[DSN_FIELD_MAX];	/* first recipient that failed */
	char	status[32];		/* its Status, e.g. "5.1.1" */
	int	failed;			/* Action: failed with a 5.x.x status */
};

/* dsn_is - is the message (its Content-Type value) a delivery report? */
int	dsn_is(const char *content_type);

/* dsn_parse - fill d from raw[0..len); 0 if an original id was found */
int	dsn_parse(const char *raw, size_t len, struct dsn *d);

#endif
