/*
 * buf.h - one growable byte buffer, with a hard maximum.
 *
 * Every text built from untrusted input goes through a struct buf.  The
 * maximum is fixed at buf_init(); an append that would pass it appends what
 * fits, sets b->truncated and returns -1, so callers can flag the cut and
 * go on.  data is always NUL-terminated (the NUL is not counted in len), so
 * a buf holding text can be used as a C string; binary data may contain
 * NULs and is then read with len.
 */
#ifndef MADOGUCHI_BUF_H
#define MADOGUCHI_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
	size_t	 max;		/* hard limit on len */
	int	 truncated;	/* an append was cut at max */
	int	 secret;	/* plaintext: wiped when it moves or is freed */
};

void	 buf_init(struct buf *b, size_t max);
/* buf_init_secret - for decrypted text: growth and buf_free wipe */
void	 buf_init_secret(struct buf *b, size_t max);
int	 buf_append(struct buf *b, const void *p, size_t n);
int	 buf_puts(struct buf *b, const char *s);
int	 buf_putc(struct buf *b, int c);
int	 buf_printf(struct buf *b, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	 buf_reset(struct buf *b);
/* buf_steal - hand over data (caller frees with free()); b is reset */
char	*buf_steal(struct buf *b, size_t *len_r);
void	 buf_free(struct buf *b);

#endif
