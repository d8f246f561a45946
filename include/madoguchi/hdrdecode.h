/*
 * hdrdecode.h - header values and MIME parameters to UTF-8.
 *
 * RFC 2047 encoded words (in unstructured text and, leniently, inside
 * quoted parameters as many clients send them), RFC 2231 parameters with
 * continuations and charsets, and raw 8-bit bytes that some clients put in
 * headers undeclared.  Output is always valid UTF-8 with every control
 * character (CR, LF, TAB, NUL, ...) turned into a space, so a decoded value
 * can go into a log line or a JSON string but never into an outbound
 * header without hdr encoding.  Decoding never fails on bad input.
 */
#ifndef MADOGUCHI_HDRDECODE_H
#define MADOGUCHI_HDRDECODE_H

#include <stddef.h>

/* flags ORed into *flags_r */
#define HDRDECODE_F_BAD_WORD	0x01	/* malformed encoded word or RFC 2231 value */
#define HDRDECODE_F_CHARSET	0x02	/* charset unknown/guessed/invalid bytes */
#define HDRDECODE_F_TRUNCATED	0x04	/* result cut at max bytes */

/*
 * hdrdecode_text - decode an unstructured header value (Subject, a display
 * name, ...).  raw is the value as it appears after the colon, possibly
 * folded (CRLF/LF + WSP is unfolded).  Whitespace between adjacent encoded
 * words is dropped (RFC 2047 section 6.2); runs of whitespace become one
 * space; leading and trailing whitespace is trimmed.  The result has at
 * most max bytes (cut on a character boundary).  Caller frees with free().
 */
char	*hdrdecode_text(const char *raw, size_t len, size_t max,
	    unsigned *flags_r);

/*
 * struct hdrdecode_param - one raw MIME parameter as the parser saw it:
 * name as written ("filename", "filename*", "filename*0*", "name") and
 * its value with quotes already removed.
 */
struct hdrdecode_param {
	const char *name;
	const char *value;
};

/*
 * hdrdecode_param - the UTF-8 value of parameter want ("filename",
 * "name", "boundary", ...) among params[0..n), or NULL if absent.
 * RFC 2231 forms (want*, want*0, want*0*, ... with charset'lang'%XX)
 * win over the plain form; continuations are joined in numeric order; a
 * plain value holding RFC 2047 words is decoded too.  At most max bytes.
 * Caller frees with free().
 */
char	*hdrdecode_param(const struct hdrdecode_param *params, size_t n,
	    const char *want, size_t max, unsigned *flags_r);

#endif
