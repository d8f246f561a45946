/*
 * html.h - text/html reduced to readable plain text.
 *
 * For mail that has no text/plain part.  Script, style, head/title
 * metadata and comments are dropped entirely (their content is never
 * shown); block elements (p, div, br, li, tr, h1-h6, blockquote, ...)
 * become line breaks; list items get "- "; links keep their target as
 * "text <url>" when it differs from the text, because a phishing report's
 * evidence is often the href; entities (named, decimal, hex) are decoded;
 * whitespace is collapsed as a browser would.  Linear time, bounded output,
 * never fails on malformed markup.
 */
#ifndef MADOGUCHI_HTML_H
#define MADOGUCHI_HTML_H

#include <stddef.h>

#include "madoguchi/buf.h"

/*
 * html_to_text - append the text of the UTF-8 document html[0..len) to
 * out.  Returns 0, or -1 if out reached its maximum (text cut).
 */
int	html_to_text(const char *html, size_t len, struct buf *out);

/*
 * html_meta_charset - the charset declared by <meta charset=...> or
 * <meta http-equiv="Content-Type" content="...; charset=...">, looked for
 * in the first 4096 bytes only; copied into name (size n).  Returns 0 if
 * found, -1 if not.
 */
int	html_meta_charset(const unsigned char *html, size_t len, char *name,
	    size_t n);

#endif
