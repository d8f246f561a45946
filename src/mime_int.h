/*
 * mime_int.h - what mime.c shares with mimepgp.c, and no one else.
 *
 * mime.c walks the MIME tree; mimepgp.c handles the OpenPGP entities met
 * on the way and hands what it decrypts or verifies back to the walk.
 */
#ifndef MADOGUCHI_MIME_INT_H
#define MADOGUCHI_MIME_INT_H

#include <libetpan/libetpan.h>

#include "madoguchi/buf.h"
#include "madoguchi/cte.h"
#include "madoguchi/mime.h"

#define SET(m, f)	((m)->flags |= 1u << (f))

struct walk {
	struct mime_msg		*msg;
	const struct mime_limits *lim;
	const struct mime_crypto *crypto;	/* may be NULL */
	struct buf		 text;
	size_t			 attcap;
	const char		*top_hdr;	/* the message's header block */
	size_t			 top_hdr_len;
	int			 failed;	/* the crypto engine was down */
	struct mg_err		*err;		/* why, if failed */
	/* OpenPGP work per message is bounded (hostile nesting, many blocks) */
	int			 crypto_ops;
	int			 enc_depth;
	size_t			 decrypted;	/* bytes so far */
	/* keys found are imported after the walk, never before a
	 * signature of the same message is judged */
	struct pending_key {
		char	*data;
		size_t	 len;
	}			*keys;
	size_t			 nkeys;
};

/*
 * mime_walk - read entity p at depth; whole says p stands for the whole
 * message (so a signature or encryption on it covers the message).
 */
void	mime_walk(struct walk *w, struct mailmime *p, size_t depth, int whole);

/* mime_parse_bounded - libetpan on data, cut by mimescan; NULL if unusable */
struct mailmime *mime_parse_bounded(struct walk *w, const char *data,
	    size_t len);

/* mime_append_text - text in charset label (NULL: guess) to the report */
void	mime_append_text(struct walk *w, const char *label, const char *data,
	    size_t len, int html);

/* mime_add_file - record an attachment from decoded bytes */
void	mime_add_file(struct walk *w, const char *filename,
	    const char *ctype, const char *data, size_t len);

/* mime_decode_part - the transfer-decoded body of a single part; free() */
void	mime_decode_part(struct walk *w, const struct mailmime *p, char **out,
	    size_t *len);

/* mime_part_filename - the decoded filename (or name) of p, or NULL; free() */
char	*mime_part_filename(struct walk *w, const struct mailmime *p);

/* mime_ctype - lower-case "type/subtype" of p; free() */
char	*mime_ctype(const struct mailmime *p);

/* mime_header_in - decoded value of header name in block data[0..len) */
char	*mime_header_in(struct walk *w, const char *data, size_t len,
	    const char *name);

/* mimepgp.c: each returns 1 if it took care of p (or the text), else 0 */
int	mimepgp_multipart(struct walk *w, struct mailmime *p,
	    const char *ctype, size_t depth, int whole);
int	mimepgp_text(struct walk *w, const char *label, const char *data,
	    size_t len, int whole);
int	mimepgp_leaf(struct walk *w, struct mailmime *p, const char *ctype,
	    size_t depth, int whole);
/* mimepgp_import_keys - after the walk: attached and Autocrypt keys */
void	mimepgp_import_keys(struct walk *w);

#endif
