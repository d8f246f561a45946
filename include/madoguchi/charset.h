/*
 * charset.h - bytes in any charset to valid UTF-8.
 *
 * Reporters write in ISO-2022-JP, Shift_JIS/CP932, EUC-JP, the ISO-8859
 * family, windows-125x, UTF-8 and more; labels are often wrong or missing.
 * charset_to_utf8() always produces valid UTF-8 without NUL bytes (a NUL
 * becomes U+FFFD), never fails on bad input, and says through flags what it
 * had to guess or repair.  It uses glibc iconv.
 */
#ifndef MADOGUCHI_CHARSET_H
#define MADOGUCHI_CHARSET_H

#include <stddef.h>

#include "madoguchi/buf.h"

/* flags set by charset_to_utf8 (ORed into *flags_r, never cleared) */
#define CHARSET_F_GUESSED	0x01	/* no usable label: charset was guessed */
#define CHARSET_F_UNKNOWN	0x02	/* the label named no charset we know */
#define CHARSET_F_MISLABELLED	0x04	/* the bytes were not in the labelled charset */
#define CHARSET_F_INVALID	0x08	/* undecodable bytes replaced by U+FFFD */
#define CHARSET_F_NUL		0x10	/* NUL bytes replaced by U+FFFD */

/*
 * charset_to_utf8 - append the UTF-8 form of in[0..len) to out.
 *
 * label is the declared charset (MIME parameter, RFC 2047 word, HTML meta)
 * or NULL when none was declared.  Aliases that iconv lacks are mapped
 * (x-sjis, shift_jis -> CP932, ks_c_5601-1987 -> CP949, latin1/us-ascii ->
 * windows-1252 as WHATWG does, ...).  Without a usable label, or when the
 * bytes are invalid in the labelled charset, the charset is guessed: UTF-8
 * if valid, ISO-2022-JP if it has its escapes, else the better of CP932 and
 * EUC-JP for Japanese-looking bytes, else windows-1252.
 * Returns 0, or -1 only when out hit its maximum (text cut, b->truncated).
 */
int	charset_to_utf8(const char *label, const unsigned char *in, size_t len,
	    struct buf *out, unsigned *flags_r);

/*
 * charset_iconv_name - the iconv name for a MIME charset label, or NULL if
 * we know no converter for it.  The result is static storage or label's
 * normalised copy in the caller's buffer name_buf of size name_len.
 */
const char *charset_iconv_name(const char *label, char *name_buf,
	    size_t name_len);

/* charset_utf8_valid - 1 if s[0..len) is valid UTF-8 (no overlongs, no surrogates) */
int	charset_utf8_valid(const unsigned char *s, size_t len);

#endif
