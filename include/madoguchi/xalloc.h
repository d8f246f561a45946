/*
 * xalloc.h - allocation that never returns NULL.
 *
 * On exhaustion these log and exit 75 (EX_TEMPFAIL): before the spool that
 * makes the MTA retry; after it the message is safe on disk and "spool
 * retry" picks it up.  Every returned pointer is released with free().
 */
#ifndef MADOGUCHI_XALLOC_H
#define MADOGUCHI_XALLOC_H

#include <stddef.h>

void	*xmalloc(size_t n);
void	*xcalloc(size_t nmemb, size_t size);
void	*xrealloc(void *p, size_t n);
char	*xstrdup(const char *s);
char	*xstrndup(const char *s, size_t n);
void	*xmemdup(const void *p, size_t n);	/* adds a NUL after n bytes */
char	*xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* xfreezero - wipe then free; for decrypted text and secrets */
void	 xfreezero(void *p, size_t n);

#endif
