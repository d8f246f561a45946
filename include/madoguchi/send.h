/*
 * send.h - hand one finished mail to the relay: SMTP through libcurl
 * (smtp://, smtps://, STARTTLS, optional AUTH) or a sendmail program.
 *
 * Failures: MG_ERR_PERM when the relay refused the mail for good (an SMTP
 * 5xx reply, sendmail's EX_DATAERR/EX_NOUSER family); MG_ERR_TEMP for
 * everything else (no connection, a timeout, 4xx, a missing program), so
 * the outbox tries again later.
 */
#ifndef MADOGUCHI_SEND_H
#define MADOGUCHI_SEND_H

#include <stddef.h>

#include "madoguchi/err.h"

struct conf;

/*
 * send_mail - data[0..len) (CRLF) from env_from ("" for the null sender
 * of automatic mail, RFC 3834) to rcpt, through conf's relay.
 * connect_timeout in seconds (deliver keeps it short).
 */
int	send_mail(const struct conf *conf, const char *env_from,
	    const char *rcpt, const char *data, size_t len,
	    long connect_timeout, struct mg_err *err);

/*
 * send_webhook - POST json[0..len) (Content-Type: application/json) to
 * url, http:// or https:// only, no redirects followed, certificate
 * checked.  A 2xx answer is success; 3xx (never followed) and 4xx
 * answers other than 408 and 429 are MG_ERR_PERM; the rest (no
 * connection, timeout, 408, 429, 5xx) MG_ERR_TEMP.  timeout in seconds bounds the whole request.
 */
int	send_webhook(const char *url, const char *json, size_t len,
	    long timeout, struct mg_err *err);

/*
 * send_url_origin - "scheme://host[:port]" of an http(s) url, for logs
 * and listings: never the userinfo, path or query, where hook tokens
 * live.  Anything but plain host characters shows as '?'.
 */
void	send_url_origin(const char *url, char *buf, size_t sz);

#endif
