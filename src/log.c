/*
 * log.c - syslog (facility mail), mirrored to stderr on a terminal.
 *
 * Never logs message bodies, decrypted text or secrets: callers pass only
 * ids, counts and sanitised header snippets.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "madoguchi/log.h"

static int	 log_stderr;
static char	 log_id[80];

void
log_open(const char *progname)
{
	openlog(progname, LOG_PID, LOG_MAIL);
	log_stderr = isatty(STDERR_FILENO);
}

void
log_force_stderr(int on)
{
	log_stderr = on;
}

void
log_set_id(const char *id)
{
	if (id == NULL)
		log_id[0] = '\0';
	else
		(void)snprintf(log_id, sizeof(log_id), "%s", id);	/* cut is fine */
}

static void
log_emit(int prio, const char *tag, const char *fmt, va_list ap)
{
	char line[1024];

	(void)vsnprintf(line, sizeof(line), fmt, ap);	/* one line, cut is fine */
	if (log_id[0] != '\0') {
		syslog(prio, "%.16s: %s", log_id, line);
		if (log_stderr)
			fprintf(stderr, "madoguchi: %s%.16s: %s\n", tag,
			    log_id, line);
	} else {
		syslog(prio, "%s", line);
		if (log_stderr)
			fprintf(stderr, "madoguchi: %s%s\n", tag, line);
	}
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_emit(LOG_MAIL | LOG_INFO, "", fmt, ap);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_emit(LOG_MAIL | LOG_WARNING, "warning: ", fmt, ap);
	va_end(ap);
}

void
log_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_emit(LOG_MAIL | LOG_ERR, "error: ", fmt, ap);
	va_end(ap);
}

const char *
log_sanitize(const char *s, char *out, size_t n)
{
	size_t i, j = 0;

	if (n == 0)
		return out;
	for (i = 0; s != NULL && s[i] != '\0' && j + 1 < n; i++) {
		unsigned char c = (unsigned char)s[i];

		out[j++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	out[j] = '\0';
	return out;
}
