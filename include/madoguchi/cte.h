/*
 * cte.h - Content-Transfer-Encoding decoders (base64, quoted-printable).
 *
 * Lenient like every mail reader: what can be decoded is, what cannot is
 * skipped (base64) or kept literally (quoted-printable), and a flag says
 * the encoding was broken.  Output never exceeds the input size.
 */
#ifndef MADOGUCHI_CTE_H
#define MADOGUCHI_CTE_H

#include <stddef.h>
#include <stdint.h>

#include "madoguchi/buf.h"

#include "madoguchi/util.h"

enum cte {
	CTE_IDENTITY,		/* 7bit, 8bit, binary, absent, unknown */
	CTE_BASE64,
	CTE_QP
};

#define CTE_F_BAD	0x01	/* invalid characters or structure */
#define CTE_F_UNKNOWN	0x02	/* an encoding name we do not know */

/* cte_b64_value - the 6-bit value of a base64 character, -1 if none */
int	cte_b64_value(unsigned char c);

/* cte_b64_encode - append base64 of in[0..len), padded, no line breaks */
void	cte_b64_encode(const void *in, size_t len, struct buf *out);

/* cte_from_name - the encoding for a header value (trailing junk such as
 * "quoted-printable;" tolerated); unknown names are identity + CTE_F_UNKNOWN */
enum cte cte_from_name(const char *name, unsigned *flags_r);

/*
 * cte_decode - decode in[0..len) into a new buffer (*out_r, freed with
 * free(), NUL-terminated, *out_len_r bytes).  Never fails.
 */
void	cte_decode(enum cte e, const char *in, size_t len, char **out_r,
	    size_t *out_len_r, unsigned *flags_r);

/*
 * cte_digest - decode in[0..len) in bounded slices straight into a SHA-256
 * and a byte count, never holding the decoded data: how attachments are
 * recorded without a second copy of them in memory.
 */
void	cte_digest(enum cte e, const char *in, size_t len,
	    char sha256_r[UTIL_SHA256_HEX], uint64_t *size_r,
	    unsigned *flags_r);

#endif
