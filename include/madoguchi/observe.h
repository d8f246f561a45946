/*
 * observe.h - indicators ("observables") pulled out of report text and of
 * machine-readable report fields: IPv4/IPv6 addresses and CIDR blocks,
 * domains, URLs, e-mail addresses, MD5/SHA-1/SHA-256 hashes.
 *
 * Reporters write indicators defanged so that nothing is clickable
 * (hxxp://, example[.]com, 192.0.2[.]1, foo(dot)example(dot)com,
 * user[@]example.com) and, in Japanese text, often in full-width forms
 * (ＵＲＬ, １９２．０．２．１, ＠).  Extraction reads all of those and
 * stores one canonical, "refanged" form per indicator, so that the same
 * indicator written two ways is found as one.  Display goes the other
 * way: obs_defang makes a stored value safe to paste into chat or mail.
 *
 * Canonical forms: IPv4 dotted quad without leading zeros; IPv6 in RFC
 * 5952 form (inet_ntop); CIDR as network/prefix; domains lower-case
 * without a trailing dot; URLs with a lower-case scheme and host
 * (path kept as written); e-mail addresses lower-case; hashes lower-case
 * hex.  The kind of a hash is its length (32, 40, 64 hex digits).
 */
#ifndef MADOGUCHI_OBSERVE_H
#define MADOGUCHI_OBSERVE_H

#include <stddef.h>

enum obs_kind {
	OBS_IPV4 = 0,
	OBS_IPV6,
	OBS_CIDR,
	OBS_DOMAIN,
	OBS_URL,
	OBS_EMAIL,
	OBS_MD5,
	OBS_SHA1,
	OBS_SHA256,
	OBS_KIND_COUNT
};

#define OBS_MAX_PER_LIST	2000	/* beyond, extraction stops */
#define OBS_VALUE_MAX		2048	/* longer URLs are cut, never stored whole */

struct obs {
	enum obs_kind	 kind;
	char		*value;		/* canonical form, UTF-8 */
};

struct obs_list {
	struct obs	*v;
	size_t		 n;
	int		 truncated;	/* OBS_MAX_PER_LIST was reached */
};

/* obs_kind_name - "ipv4", "ipv6", "cidr", "domain", "url", "email",
 * "md5", "sha1", "sha256" */
const char *obs_kind_name(enum obs_kind kind);

/* obs_kind_parse - the kind obs_kind_name calls name: 0, or -1 if none */
int	obs_kind_parse(const char *name, enum obs_kind *kind_r);

/*
 * obs_extract - append every indicator found in text[0..len) (UTF-8, any
 * size, hostile input included) to l, skipping ones already in l.  Never
 * fails; stops quietly at OBS_MAX_PER_LIST (l->truncated).  A URL is
 * followed by its host (domain or address) and any hashes in its path; an
 * e-mail address by its domain.  In free text a domain needs a known TLD,
 * so that file names (report.pdf) are not taken; a URL's host does not.
 * Work is linear in len.
 */
void	obs_extract(const char *text, size_t len, struct obs_list *l);

/*
 * obs_add - append one value of a known field (an ARF Source-IP, a
 * Reported-Uri) after the same refanging and canonicalisation; kind is
 * detected.  0 if added or already there, -1 if value is no indicator
 * or the list is full (l->truncated then set).  The whole value must be
 * one indicator; surrounding blanks, <> or "" are dropped.  As in
 * obs_extract a URL's host and an address's domain are added after it.
 * A domain needs no known TLD here: the field says what it is.
 */
int	obs_add(struct obs_list *l, const char *value);

/*
 * obs_canon - the canonical form of one value as a user types it on the
 * command line ("hxxp://Example[.]com/x", "１９２．０．２．１"): malloc'ed,
 * *kind_r set; NULL if it is no indicator.  Read as obs_add reads it; only
 * the one value comes back.
 */
char	*obs_canon(const char *value, enum obs_kind *kind_r);

/*
 * obs_defang - value made unclickable for display: "http" -> "hxxp",
 * dots of domains and IPv4 addresses -> "[.]", "@" -> "[@]".  Hashes and
 * IPv6 come back unchanged.  Malloc'ed.  For a URL only the scheme and
 * the host part are changed, the path is kept; obs_canon reads the
 * result back as the value it came from.
 */
char	*obs_defang(const char *value, enum obs_kind kind);

void	obs_list_free(struct obs_list *l);

#endif
