/*
 * tag.h - ticket tags: "CSIRT#12" in text, "[CSIRT#12]" in subjects.
 *
 * tag_find recognises the tag however mail clients and people mangle it:
 * any case, spaces around '#' and inside the brackets (RT's "[prefix #N]"),
 * full-width forms typed with a Japanese input method ("［ＣＳＩＲＴ＃１２］"),
 * and 【】 or () instead of [].  Prefixes such as Re:, AW:, 返信:, Fwd: need
 * no handling: the tag is searched anywhere in the subject.
 */
#ifndef MADOGUCHI_TAG_H
#define MADOGUCHI_TAG_H

#include <stddef.h>
#include <stdint.h>

#define TAG_MAX	 64

/*
 * tag_find - the number in the first well-formed tag for prefix in the
 * UTF-8 text s.  Returns 0 and *num_r (>= 1), or -1 if there is none.
 */
int	tag_find(const char *s, const char *prefix, int64_t *num_r);

/*
 * tag_parse - a tag typed on the command line: "CSIRT#12", "csirt #12",
 * "#12" or "12".  Returns 0 and *num_r, or -1.
 */
int	tag_parse(const char *s, const char *prefix, int64_t *num_r);

/* tag_format - "PREFIX#N" into out */
void	tag_format(const char *prefix, int64_t num, char out[TAG_MAX]);

#endif
