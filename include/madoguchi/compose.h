/*
 * compose.h - outbound mail: RFC 5322 headers and PGP/MIME, built with
 * libetpan and signed (and encrypted) through pgp.h.
 *
 * Every mail the team sends is made here: acknowledgements now, handler
 * replies, notifications and advisories later.  Text that may come from a
 * message (a subject, a Message-ID) never reaches a header as it is:
 * control characters (CR and LF included) become spaces, non-ASCII text
 * is RFC 2047-encoded in words of at most 75 characters that the writer
 * folds, and message ids that are not plain dot-atoms are dropped.
 *
 * Output is CRLF throughout, ready for SMTP or sendmail.
 */
#ifndef MADOGUCHI_COMPOSE_H
#define MADOGUCHI_COMPOSE_H

#include <stddef.h>
#include <time.h>

#include "madoguchi/buf.h"
#include "madoguchi/err.h"

struct pgp;

#define COMPOSE_ID_MAX	256

struct compose_msg {
	const char	*from_name;	/* the team's name (UTF-8) */
	const char	*from_addr;	/* the team's address */
	const char	*to_addr;	/* one recipient (no display name) */
	const char	*subject;	/* UTF-8; may hold untrusted text */
	const char	*in_reply_to;	/* a message id without <>, or NULL */
	char *const	*refs;		/* References, oldest first */
	size_t		 nrefs;
	time_t		 date;
	const char	*auto_submitted; /* "auto-replied", or NULL */
	const char	*body;		/* UTF-8 text, LF line ends */
};

/*
 * compose_mail - build m into out: text/plain (UTF-8, quoted-printable)
 * inside multipart/signed by signer (RFC 3156); if enc_fpr is not NULL,
 * signed and encrypted to enc_fpr (and to the signer) in
 * multipart/encrypted instead.  A new Message-ID under from_addr's domain
 * is written to msgid_r (without <>).  Returns 0, or -1 with err
 * (MG_ERR_TEMP: the signing key or agent; MG_ERR_PERM: unusable input
 * such as a bad address).
 */
int	compose_mail(const struct compose_msg *m, struct pgp *p,
	    const char *signer, const char *enc_fpr, struct buf *out,
	    char msgid_r[COMPOSE_ID_MAX], struct mg_err *err);

/*
 * compose_header_text - utf8 made safe for an unstructured header:
 * controls to spaces, runs of spaces collapsed, cut at max_chars
 * characters, and RFC 2047-encoded (UTF-8, B) when not plain ASCII.
 * Malloc'ed.
 */
char	*compose_header_text(const char *utf8, size_t max_chars);

/* compose_msgid_ok - is id (without <>) safe to repeat in a header? */
int	compose_msgid_ok(const char *id);

#endif
