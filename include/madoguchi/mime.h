/*
 * mime.h - a raw message read into what handlers and later steps need:
 * decoded headers, the report text as UTF-8, attachment records, and flags
 * naming whatever was wrong with it.
 *
 * Built on libetpan for the MIME structure, with mimescan bounding what
 * libetpan is given, cte for transfer encodings, charset/hdrdecode for
 * text and html for HTML-only mail.  mime_parse never fails on bad input:
 * it reads what can be read and says what could not in msg->flags.
 */
#ifndef MADOGUCHI_MIME_H
#define MADOGUCHI_MIME_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "madoguchi/buf.h"
#include "madoguchi/err.h"
#include "madoguchi/pgp.h"
#include "madoguchi/util.h"

/* flags: what was wrong or guessed; names from mime_flag_name() */
enum mime_flag {
	MIME_F_MALFORMED = 0,		/* "malformed-mime": any structural fault */
	MIME_F_NO_HEADERS,
	MIME_F_NO_BOUNDARY,
	MIME_F_BOUNDARY_MISSING,
	MIME_F_UNTERMINATED,
	MIME_F_TOO_DEEP,
	MIME_F_TOO_MANY_PARTS,
	MIME_F_MIXED_EOL,
	MIME_F_BARE_CR,
	MIME_F_NUL,
	MIME_F_BAD_BASE64,
	MIME_F_BAD_QP,
	MIME_F_UNKNOWN_CTE,
	MIME_F_UNKNOWN_CHARSET,
	MIME_F_CHARSET_GUESSED,
	MIME_F_CHARSET_MISLABELLED,
	MIME_F_INVALID_CHARS,
	MIME_F_BAD_ENCODED_WORD,
	MIME_F_HEADER_TRUNCATED,
	MIME_F_TEXT_TRUNCATED,
	MIME_F_NO_CONTENT_TYPE,
	MIME_F_BAD_DATE,
	MIME_F_PARSE_FAILED,
	MIME_F_NO_BODY,
	MIME_F_TOO_MANY_HEADERS,
	MIME_F_UNDECRYPTABLE,		/* encrypted, but not to us or damaged */
	MIME_F_WEAK_DIGEST,		/* a signature over SHA-1 */
	MIME_F_PARTLY_SIGNED,		/* a signature over a part only */
	MIME_F_PARTLY_ENCRYPTED,	/* encrypted parts beside clear ones */
	MIME_F_SIG_UNCHECKED,		/* signed content over the limit */
	MIME_F_COUNT
};

struct mime_limits {
	size_t	max_depth;
	size_t	max_parts;
	size_t	max_header;		/* bytes per decoded header value */
	size_t	max_text;		/* bytes of report text */
	size_t	max_decrypted;		/* bytes of one decrypted payload */
};

struct mime_header {
	char	*name;			/* as written, e.g. "Auto-Submitted" */
	char	*value;			/* decoded UTF-8, controls made spaces */
};

struct mime_attachment {
	char	*filename;		/* decoded UTF-8, or NULL */
	char	*content_type;		/* lower-case "type/subtype" */
	uint64_t size;			/* decoded bytes */
	char	 sha256[UTIL_SHA256_HEX];	/* of the decoded bytes */
};

/*
 * struct mime_crypto - the OpenPGP operations mime_parse may need, given
 * by the caller (intake wires pgp.c in).  mime never calls gpgme itself,
 * and the caller can start the engine only when a message needs it.  Each
 * returns 0, or -1 with err: MG_ERR_PERM for bad input (the message is
 * flagged and reading goes on), MG_ERR_TEMP for an engine outage (reading
 * stops and mime_parse fails: the message must wait in the spool).
 */
struct mime_crypto {
	void	*ctx;
	int	(*decrypt)(void *ctx, const char *in, size_t len,
		    struct buf *out, struct pgp_sig *sig, struct mg_err *err);
	int	(*verify_detached)(void *ctx, const char *data, size_t len,
		    const char *sig, size_t siglen, struct pgp_sig *res,
		    struct mg_err *err);
	int	(*verify_opaque)(void *ctx, const char *in, size_t len,
		    struct buf *out, struct pgp_sig *res, struct mg_err *err);
	int	(*import_keys)(void *ctx, const char *data, size_t len,
		    const char *addr, struct mg_err *err);	/* may be NULL */
};

struct mime_msg {
	struct mime_header	*hdr;	/* top-level headers, in order */
	size_t			 nhdr;

	char	*subject;		/* decoded, or NULL */
	char	*from;			/* bare address, lower case, or NULL */
	char	*from_name;		/* display name, decoded, or NULL */
	char	*message_id;		/* without <>, or NULL */
	char	**refs;			/* In-Reply-To then References ids */
	size_t	 nrefs;
	time_t	 date;			/* 0 if absent or unreadable */

	char	*text;			/* the report text, UTF-8 */
	size_t	 text_len;
	int	 text_from_html;

	struct mime_attachment	*att;
	size_t			 natt;

	int	 encrypted;		/* OpenPGP-encrypted content arrived */
	struct pgp_sig sig;		/* signature over the whole message */
	int	 keys_imported;		/* reporter keys kept from it */

	uint32_t flags;			/* 1u << enum mime_flag */
};

/*
 * mime_parse - read raw[0..len).  *msg_r is always set to a new message
 * (free with mime_msg_free), even for hostile input.  crypto may be NULL
 * (OpenPGP content is then left as it is).  Returns 0, or -1 with err
 * (MG_ERR_TEMP) when the crypto engine was needed and unavailable.
 */
int	mime_parse(const char *raw, size_t len, const struct mime_limits *lim,
	    const struct mime_crypto *crypto, struct mime_msg **msg_r,
	    struct mg_err *err);
void	mime_msg_free(struct mime_msg **msg);

/* mime_header_get - decoded value of the first header called name, or NULL */
const char *mime_header_get(const struct mime_msg *msg, const char *name);

/* mime_flag_name - "malformed-mime", "bad-base64", ... */
const char *mime_flag_name(enum mime_flag f);

#endif
