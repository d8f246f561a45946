/*
 * log.h - one line per event to syslog (facility mail), and to stderr when
 * stderr is a terminal.
 *
 * log_set_id() names the message being handled (its spool id) so that every
 * line about it carries that id.  Untrusted text must go through
 * log_sanitize() first: it turns control characters into '?' and caps the
 * length, so a Subject cannot forge a log line.
 */
#ifndef MADOGUCHI_LOG_H
#define MADOGUCHI_LOG_H

#include <stddef.h>

void	log_open(const char *progname);
void	log_set_id(const char *id);		/* NULL clears */
void	log_force_stderr(int on);		/* tests, and -v */
void	log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* log_sanitize - printable copy of s (at most n-1 bytes) in out; returns out */
const char *log_sanitize(const char *s, char *out, size_t n);

#endif
