/*
 * mimescan.h - one linear pass over a raw message before the real parse.
 *
 * libetpan rescans the rest of the message for every nesting level, so a
 * deeply nested message costs depth x size, and it allocates per part
 * without limit.  mimescan walks the boundary structure itself in linear
 * time with a fixed stack, reports what is wrong with it, and says where
 * to cut the message so that what the parser sees stays within max_depth
 * and max_parts.  It never allocates and never fails.
 */
#ifndef MADOGUCHI_MIMESCAN_H
#define MADOGUCHI_MIMESCAN_H

#include <stddef.h>

#define MIMESCAN_F_NO_HEADERS	0x0001	/* does not start with a header */
#define MIMESCAN_F_NO_BOUNDARY	0x0002	/* multipart without boundary= */
#define MIMESCAN_F_BOUNDARY_MISSING 0x0004 /* declared boundary never used */
#define MIMESCAN_F_UNTERMINATED	0x0008	/* close delimiter missing */
#define MIMESCAN_F_TOO_DEEP	0x0010	/* nesting beyond max_depth */
#define MIMESCAN_F_TOO_MANY_PARTS 0x0020 /* more than max_parts parts */
#define MIMESCAN_F_MIXED_EOL	0x0040	/* CRLF and bare LF mixed */
#define MIMESCAN_F_BARE_CR	0x0080	/* CR-only line ends */
#define MIMESCAN_F_NUL		0x0100	/* NUL bytes */
#define MIMESCAN_F_LONG_LINE	0x0200	/* a line over 998 bytes */
#define MIMESCAN_F_HEADER_UNTERMINATED 0x0400 /* headers run to the end */

#define MIMESCAN_MAX_DEPTH	1000	/* hard cap on the stack */

struct mimescan_result {
	unsigned flags;
	size_t	 depth;		/* deepest nesting seen, capped */
	size_t	 parts;		/* leaf parts seen, capped */
	size_t	 cut;		/* parse only [0, cut): == len when whole */
};

/*
 * mimescan - scan p[0..len).  max_depth counts multipart and message/rfc822
 * levels; max_parts counts leaves.  Input may use CRLF or LF line ends
 * (convert CR-only input first: see mimescan_crlf).
 */
void	mimescan(const char *p, size_t len, size_t max_depth,
	    size_t max_parts, struct mimescan_result *r);

/*
 * mimescan_eol - line-end census: sets MIMESCAN_F_MIXED_EOL,
 * MIMESCAN_F_BARE_CR and MIMESCAN_F_NUL in *flags; returns 1 if the
 * input uses CR alone as its line end and needs converting.
 */
int	mimescan_eol(const char *p, size_t len, unsigned *flags);

/*
 * mimescan_boundary - the boundary of a multipart Content-Type found in the
 * header block p[0..len), read as leniently as mimescan reads it (no ';'
 * before boundary=, an unquoted value with '=').  Points into p.  0, or
 * -1 if the block declares no multipart with a boundary.
 */
int	mimescan_boundary(const char *p, size_t len, const char **b_r,
	    size_t *blen_r);

/*
 * mimescan_ct_param - the raw value of parameter name of the Content-Type
 * in the header block p[0..len), for when the real parser rejected the
 * field (a type without a subtype loses its name= otherwise).  Points
 * into p; 0, or -1 if absent.
 */
int	mimescan_ct_param(const char *p, size_t len, const char *name,
	    const char **v_r, size_t *vlen_r);

#endif
