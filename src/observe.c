/*
 * observe.c - find indicators in report text and canonicalise them (see
 * observe.h).
 *
 * The text is copied once and folded: full-width forms become ASCII and
 * bracketed defangs ("[.]", "(dot)", "[:]", "[at]") are undone.  Bytes
 * >= 0x80 that are left are separators, so Japanese text glued to an
 * indicator never becomes part of it.  The folded copy is then scanned in
 * one pass.  Each detector starts only where the byte before is outside
 * its own character class, and either consumes what it read or reads a
 * small bounded window, so the work stays linear whatever the input is.
 *
 * Deliberately not found: IDN labels in UTF-8 (only punycode), URLs
 * without a scheme (www.example.com is a domain), bare " dot " defangs,
 * IPv4 in other than dotted-quad form, all-digit hashes.
 *
 * Nothing here fails: memory comes from xmalloc, which exits on
 * exhaustion.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "madoguchi/buf.h"
#include "madoguchi/observe.h"
#include "madoguchi/util.h"
#include "madoguchi/xalloc.h"

#define V6_TEXT_MAX	45	/* longest IPv6 text, INET6_ADDRSTRLEN - 1 */
#define DOMAIN_MAX	253
#define LABEL_MAX	63
#define LOCAL_MAX	64	/* e-mail local part */
#define DD_SLOTS	4096	/* dedup table, over twice OBS_MAX_PER_LIST */

#define DOM_STRICT	0x01	/* free text: TLD must be in tlds[] */
#define DOM_UNDERSCORE	0x02	/* URL hosts, single values: '_' in labels */

/* a canonical value being built; cut at OBS_VALUE_MAX - 1 bytes */
struct cbuf {
	char	s[OBS_VALUE_MAX];
	size_t	n;
};

/* one match in the folded text */
struct hit {
	enum obs_kind	 kind;
	struct cbuf	 v;		/* canonical value */
	enum obs_kind	 hkind;		/* URL host or e-mail domain ... */
	struct cbuf	 h;		/* ... h.n == 0 if none */
	size_t		 end;		/* the match stops before t[end] */
	size_t		 path, path_end; /* URL path, scanned for hashes */
};

struct dedup {
	uint32_t	slot[DD_SLOTS];	/* index into l->v + 1; 0: empty */
};

/*
 * TLDs accepted in free text: the ISO 3166 ccTLDs and the common gTLDs.
 * Without a table, report.pdf and setup.exe would be domains.  Left out
 * on purpose, because they are file extensions first: cab, cat, inc, mobi,
 * mov, one, pub, zip.  Kept sorted (LC_ALL=C) for bsearch.
 */
static const char *const tlds[] = {
	"ac", "academy", "accountant", "accountants", "actor", "ad",
	"adult", "ae", "aero", "af", "ag", "agency", "ai", "airforce",
	"al", "am", "ao", "apartments", "app", "aq", "ar", "archi",
	"army", "arpa", "art", "as", "asia", "associates", "at",
	"attorney", "au", "auction", "audio", "auto", "autos", "aw",
	"ax", "az", "ba", "baby", "band", "bar", "bargains", "bb",
	"bd", "be", "beauty", "beer", "best", "bet", "bf", "bg", "bh",
	"bi", "bid", "bike", "bingo", "bio", "biz", "bj", "black",
	"blackfriday", "blog", "blue", "bm", "bn", "bo", "boats",
	"bond", "boston", "boutique", "bq", "br", "bs", "bt", "build",
	"builders", "business", "buzz", "bw", "by", "bz", "ca", "cafe",
	"cam", "camera", "camp", "capital", "car", "cards", "care",
	"career", "careers", "cars", "casa", "cash", "casino", "cc",
	"cd", "center", "ceo", "cf", "cfd", "cg", "ch", "channel",
	"chat", "cheap", "christmas", "church", "ci", "city", "ck",
	"cl", "claims", "cleaning", "click", "clinic", "clothing",
	"cloud", "club", "cm", "cn", "co", "coach", "codes", "coffee",
	"college", "com", "community", "company", "computer", "condos",
	"construction", "consulting", "contractors", "cool", "coop",
	"country", "coupons", "courses", "cr", "credit", "creditcard",
	"cricket", "cruises", "cu", "cv", "cw", "cx", "cy", "cyou",
	"cz", "dad", "dance", "date", "dating", "day", "de", "deals",
	"degree", "delivery", "democrat", "dental", "design", "dev",
	"diamonds", "diet", "digital", "direct", "directory",
	"discount", "dj", "dk", "dm", "do", "doctor", "dog", "domains",
	"download", "dz", "earth", "ec", "eco", "edu", "education",
	"ee", "eg", "email", "energy", "engineer", "engineering",
	"enterprises", "equipment", "er", "es", "estate", "et", "eu",
	"events", "exchange", "expert", "exposed", "express", "fail",
	"faith", "family", "fan", "fans", "farm", "fashion",
	"feedback", "fi", "finance", "financial", "fish", "fit",
	"fitness", "fj", "fk", "flights", "florist", "flowers", "fm",
	"fo", "forsale", "foundation", "fr", "free", "fun", "fund",
	"furniture", "futbol", "fyi", "ga", "gallery", "game", "games",
	"garden", "gay", "gd", "gdn", "ge", "gf", "gg", "gh", "gi",
	"gift", "gifts", "gives", "gl", "glass", "global", "gm",
	"gmbh", "gn", "gold", "golf", "gov", "gp", "gq", "gr",
	"graphics", "gratis", "green", "gripe", "group", "gs", "gt",
	"gu", "guide", "guitars", "guru", "gw", "gy", "hair", "haus",
	"health", "healthcare", "help", "hiphop", "hk", "hm", "hn",
	"hockey", "holdings", "holiday", "homes", "horse", "hospital",
	"host", "hosting", "house", "how", "hr", "ht", "hu", "icu",
	"id", "ie", "il", "im", "immo", "immobilien", "in",
	"industries", "info", "ink", "institute", "insure", "int",
	"international", "investments", "io", "iq", "ir", "irish",
	"is", "it", "je", "jetzt", "jewelry", "jm", "jo", "jobs", "jp",
	"juegos", "kaufen", "ke", "kg", "kh", "ki", "kim", "kitchen",
	"kiwi", "km", "kn", "kp", "kr", "kw", "ky", "kyoto", "kz",
	"la", "land", "lat", "law", "lawyer", "lb", "lc", "lease",
	"legal", "lgbt", "li", "life", "lighting", "limited", "limo",
	"link", "live", "lk", "llc", "loan", "loans", "lol", "london",
	"love", "lr", "ls", "lt", "ltd", "lu", "luxe", "luxury", "lv",
	"ly", "ma", "maison", "makeup", "management", "market",
	"marketing", "markets", "mba", "mc", "md", "me", "media",
	"memorial", "men", "menu", "mg", "mh", "mil", "mk", "ml", "mm",
	"mn", "mo", "moda", "moe", "mom", "money", "monster",
	"mortgage", "motorcycles", "movie", "mp", "mq", "mr", "ms",
	"mt", "mu", "mv", "mw", "mx", "my", "mz", "na", "nagoya",
	"name", "navy", "nc", "ne", "net", "network", "news", "nexus",
	"nf", "ng", "ngo", "ni", "ninja", "nl", "no", "np", "nr", "nu",
	"nz", "okinawa", "om", "onl", "online", "ooo", "org",
	"organic", "osaka", "pa", "page", "paris", "partners", "parts",
	"party", "pe", "pet", "pf", "pg", "ph", "phd", "photo",
	"photography", "photos", "pics", "pictures", "pink", "pizza",
	"pk", "pl", "place", "plumbing", "plus", "pm", "pn", "poker",
	"porn", "post", "pr", "press", "pro", "productions", "promo",
	"properties", "property", "protection", "ps", "pt", "pw", "py",
	"qa", "quest", "racing", "radio", "re", "realestate", "realty",
	"recipes", "red", "rehab", "reise", "reisen", "rent",
	"rentals", "repair", "report", "republican", "rest",
	"restaurant", "review", "reviews", "rich", "rip", "ro",
	"rocks", "rodeo", "rs", "ru", "run", "rw", "ryukyu", "sa",
	"sale", "salon", "sb", "sbs", "sc", "school", "science", "sd",
	"se", "services", "sex", "sexy", "sg", "sh", "shoes", "shop",
	"shopping", "show", "si", "singles", "site", "sk", "ski",
	"skin", "sl", "sm", "sn", "so", "soccer", "social", "software",
	"solar", "solutions", "space", "sr", "ss", "st", "store",
	"stream", "studio", "study", "style", "su", "sucks",
	"supplies", "supply", "support", "surf", "surgery", "sv", "sx",
	"sy", "systems", "sz", "tattoo", "tax", "taxi", "tc", "td",
	"team", "tech", "technology", "tel", "tennis", "tf", "tg",
	"th", "theater", "tickets", "tips", "tires", "tj", "tk", "tl",
	"tm", "tn", "to", "today", "tokyo", "tools", "top", "tours",
	"town", "toys", "tr", "trade", "trading", "training", "travel",
	"tt", "tube", "tv", "tw", "tz", "ua", "ug", "uk", "university",
	"uno", "us", "uy", "uz", "va", "vacations", "vc", "ve",
	"vegas", "ventures", "vet", "vg", "vi", "viajes", "video",
	"villas", "vin", "vip", "vision", "vn", "vodka", "vote",
	"voting", "voto", "voyage", "vu", "wales", "wang", "watch",
	"webcam", "website", "wedding", "wf", "wiki", "win", "wine",
	"work", "works", "world", "ws", "wtf", "xin", "xxx", "xyz",
	"yachts", "ye", "yoga", "yokohama", "you", "yt", "za", "zm",
	"zone", "zw",
};

static const struct {
	const char	*in;
	const char	*out;
} schemes[] = {
	{ "http", "http" }, { "https", "https" }, { "ftp", "ftp" },
	{ "hxxp", "http" }, { "hxxps", "https" }, { "h**p", "http" },
	{ "h**ps", "https" }, { "fxp", "ftp" },
	/* "ttp://" is how Japanese boards keep a link from being one */
	{ "ttp", "http" }, { "ttps", "https" },
};

/* inside [], () or {}: what the defang stood for */
static const struct {
	const char	*in;
	const char	*out;
} defangs[] = {
	{ "://", "://" }, { ".", "." }, { "dot", "." }, { ":", ":" },
	{ "@", "@" }, { "at", "@" },
};

static const char *const kind_names[OBS_KIND_COUNT] = {
	"ipv4", "ipv6", "cidr", "domain", "url", "email", "md5", "sha1",
	"sha256",
};

/* ASCII only: the C library's ctype may take bytes >= 0x80 as letters */
static int
is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
is_alnum(int c)
{
	return is_alpha(c) || is_digit(c);
}

static int
is_hex(int c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int
lc(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* in_word - bytes of a local part, a domain or an IPv4 address */
static int
in_word(int c)
{
	return is_alnum(c) || c == '.' || c == '-' || c == '_' || c == '%' ||
	    c == '+';
}

static void
cb_reset(struct cbuf *b)
{
	b->n = 0;
	b->s[0] = '\0';
}

static void
cb_put(struct cbuf *b, const void *p, size_t len)
{
	if (len > sizeof(b->s) - 1 - b->n)
		len = sizeof(b->s) - 1 - b->n;
	memcpy(b->s + b->n, p, len);
	b->n += len;
	b->s[b->n] = '\0';
}

static void
cb_puts(struct cbuf *b, const char *s)
{
	cb_put(b, s, strlen(s));
}

static void
cb_put_lc(struct cbuf *b, const unsigned char *p, size_t len)
{
	size_t i;

	if (len > sizeof(b->s) - 1 - b->n)
		len = sizeof(b->s) - 1 - b->n;
	for (i = 0; i < len; i++)
		b->s[b->n + i] = (char)lc(p[i]);
	b->n += len;
	b->s[b->n] = '\0';
}

/*
 * Folding.
 */

/* full_stop - U+3002 or U+FF61 at p[i] */
static int
full_stop(const unsigned char *p, size_t len, size_t i)
{
	if (i + 2 >= len)
		return 0;
	return (p[i] == 0xe3 && p[i + 1] == 0x80 && p[i + 2] == 0x82) ||
	    (p[i] == 0xef && p[i + 1] == 0xbd && p[i + 2] == 0xa1);
}

/*
 * refang - undo "[.]", "(dot)", "[:]", "[://]", "[@]", "(at)" and the
 * like in place; returns the new length, never more than n.  A defang is
 * matched on the output as each closing bracket is written, so that what
 * one replacement leaves ("[[.]]" gives "[.]") is replaced too and the
 * result has none left.  The spaced form "example [dot] com" is taken with
 * exactly one space on each side and a letter or digit beyond.
 */
static size_t
refang(unsigned char *s, size_t n)
{
	const char	*in, *out;
	size_t		 i, o = 0, j, k, tl, st = 0;
	int		 c, open;

	for (i = 0; i < n; i++) {
		c = s[i];
		s[o++] = (unsigned char)c;	/* o <= i + 1: never ahead */
		if (c != ']' && c != ')' && c != '}')
			continue;
		open = c == ']' ? '[' : c == ')' ? '(' : '{';
		for (j = 0; j < sizeof(defangs) / sizeof(defangs[0]); j++) {
			in = defangs[j].in;
			tl = strlen(in);
			if (o < tl + 2 || s[o - tl - 2] != open)
				continue;
			st = o - tl - 1;
			for (k = 0; k < tl && lc(s[st + k]) == in[k]; k++)
				;
			if (k == tl)
				break;
		}
		if (j == sizeof(defangs) / sizeof(defangs[0]))
			continue;
		out = defangs[j].out;
		o = st - 1;
		if (out[1] == '\0' && o >= 2 && s[o - 1] == ' ' &&
		    is_alnum(s[o - 2]) && i + 2 < n && s[i + 1] == ' ' &&
		    is_alnum(s[i + 2])) {
			o--;
			i++;
		}
		tl = strlen(out);
		memcpy(s + o, out, tl);
		o += tl;
	}
	return o;
}

/*
 * fold - a copy of text[0..len) with full-width ASCII folded and defangs
 * undone, NUL-terminated; length in *n_r.  "。" becomes a dot only between
 * letters or digits: after a sentence it is punctuation.
 */
static unsigned char *
fold(const char *text, size_t len, size_t *n_r)
{
	const unsigned char	*p = (const unsigned char *)text;
	unsigned char		*t = xmalloc(len + 1);
	size_t			 i = 0, o = 0;
	int			 c;

	while (i < len) {
		if ((c = util_fullwidth(p, len, i)) >= 0) {
			t[o++] = (unsigned char)c;
			i += 3;
		} else if (full_stop(p, len, i) && o > 0 &&
		    is_alnum(t[o - 1]) && i + 3 < len &&
		    (is_alnum(p[i + 3]) || is_alnum(util_fullwidth(p, len,
		    i + 3)))) {
			t[o++] = '.';
			i += 3;
		} else if (i + 2 < len && p[i] == 0xe3 && p[i + 1] == 0x80 &&
		    p[i + 2] == 0x80) {
			t[o++] = ' ';		/* U+3000 ideographic space */
			i += 3;
		} else
			t[o++] = p[i++];
	}
	o = refang(t, o);
	t[o] = '\0';
	*n_r = o;
	return t;
}

/*
 * Syntax checks, each linear and stopping early.
 */

/* ipv4_parse - s[0..n) is exactly a dotted quad; leading zeros allowed */
static int
ipv4_parse(const unsigned char *s, size_t n, uint8_t a[4])
{
	size_t		i = 0, d;
	unsigned	v;
	int		part;

	for (part = 0; part < 4; part++) {
		if (part > 0) {
			if (i >= n || s[i] != '.')
				return -1;
			i++;
		}
		for (v = 0, d = 0; i < n && is_digit(s[i]); i++, d++) {
			if (d == 3)
				return -1;
			v = v * 10 + (unsigned)(s[i] - '0');
		}
		if (d == 0 || v > 255)
			return -1;
		a[part] = (uint8_t)v;
	}
	return i == n ? 0 : -1;
}

/*
 * v6_parse - s[0..n) is an IPv6 address.  block: a prefix follows; else
 * the unspecified address ("::", "0::0") is refused, being a C++ scope or
 * a typo far more often than an indicator.
 */
static int
v6_parse(const unsigned char *s, size_t n, int block, struct in6_addr *a)
{
	char	tmp[V6_TEXT_MAX + 1];
	size_t	i;
	int	colons = 0;

	if (n < 2 || n > V6_TEXT_MAX)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] == ':')
			colons++;
		else if (!is_hex(s[i]) && s[i] != '.')
			return -1;
	}
	if (colons < 2)
		return -1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (inet_pton(AF_INET6, tmp, a) != 1)
		return -1;
	if (!block && IN6_IS_ADDR_UNSPECIFIED(a))
		return -1;
	return 0;
}

/* prefix_parse - s[0..n) is all digits, 1..3 of them, at most max */
static int
prefix_parse(const unsigned char *s, size_t n, unsigned max, unsigned *p_r)
{
	unsigned	v = 0;
	size_t		i;

	if (n == 0 || n > 3)
		return -1;
	for (i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return -1;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v > max)
		return -1;
	*p_r = v;
	return 0;
}

/*
 * prefix_at - "/nn" at t[i] ending a CIDR block in text; *end_r past it.
 * "/24" followed by more word ("/24abc", "/24.5") is no prefix.
 */
static int
prefix_at(const unsigned char *t, size_t n, size_t i, unsigned max,
    unsigned *p_r, size_t *end_r)
{
	size_t	e;

	if (i >= n || t[i] != '/')
		return -1;
	for (e = i + 1; e < n && e - i <= 4 && is_digit(t[e]); e++)
		;
	if (e < n && (is_alnum(t[e]) || t[e] == '_' ||
	    (t[e] == '.' && e + 1 < n && is_alnum(t[e + 1]))))
		return -1;
	if (prefix_parse(t + i + 1, e - i - 1, max, p_r) != 0)
		return -1;
	*end_r = e;
	return 0;
}

static int
tld_cmp(const void *k, const void *e)
{
	return strcmp(k, *(const char *const *)e);
}

/* tld_ok - last label of a domain: alphabetic or punycode */
static int
tld_ok(const unsigned char *s, size_t n, int flags)
{
	char	key[LABEL_MAX + 1];
	size_t	i;

	if (n >= 5 && lc(s[0]) == 'x' && lc(s[1]) == 'n' && s[2] == '-' &&
	    s[3] == '-')
		return 1;
	if (n < 2)
		return 0;
	for (i = 0; i < n; i++) {
		if (!is_alpha(s[i]))
			return 0;
		key[i] = (char)lc(s[i]);
	}
	key[n] = '\0';
	if (!(flags & DOM_STRICT))
		return 1;
	return bsearch(key, tlds, sizeof(tlds) / sizeof(tlds[0]),
	    sizeof(tlds[0]), tld_cmp) != NULL;
}

/*
 * domain_ok - s[0..n) is a host name: two labels or more of letters,
 * digits and inner '-', up to 63 bytes each and 253 in all; the last one
 * a TLD.  In free text a capitalised TLD after a lower-case label is a
 * missing space after a full stop ("done.It was"), not a domain.
 */
static int
domain_ok(const unsigned char *s, size_t n, int flags)
{
	size_t	i, start = 0, prev = 0, labels = 0;
	int	upper = 0;

	if (n == 0 || n > DOMAIN_MAX)
		return 0;
	for (i = 0; i <= n; i++) {
		if (i < n && s[i] != '.') {
			if (!is_alnum(s[i]) && s[i] != '-' &&
			    !(s[i] == '_' && (flags & DOM_UNDERSCORE)))
				return 0;
			continue;
		}
		if (i == start || i - start > LABEL_MAX || s[start] == '-' ||
		    s[i - 1] == '-')
			return 0;
		labels++;
		prev = start;
		start = i + 1;
	}
	if (labels < 2)
		return 0;
	/* s[prev..n) is the TLD now */
	if (flags & DOM_STRICT) {
		for (i = 0; i + 1 < prev; i++)
			if (s[i] >= 'A' && s[i] <= 'Z')
				upper = 1;
		if (!upper && s[prev] >= 'A' && s[prev] <= 'Z') {
			for (i = prev + 1; i < n && !(s[i] >= 'A' &&
			    s[i] <= 'Z'); i++)
				;
			if (i == n)
				return 0;
		}
	}
	return tld_ok(s + prev, n - prev, flags);
}

/* local_ok - s[0..n) is a plain e-mail local part */
static int
local_ok(const unsigned char *s, size_t n)
{
	size_t	i;

	if (n == 0 || n > LOCAL_MAX || s[0] == '.' || s[n - 1] == '.')
		return 0;
	for (i = 0; i < n; i++) {
		if (!in_word(s[i]))
			return 0;
		if (s[i] == '.' && i + 1 < n && s[i + 1] == '.')
			return 0;
	}
	return 1;
}

static int
is_hash(const unsigned char *s, size_t n, enum obs_kind *kind_r)
{
	size_t	i;

	if (n == 32)
		*kind_r = OBS_MD5;
	else if (n == 40)
		*kind_r = OBS_SHA1;
	else if (n == 64)
		*kind_r = OBS_SHA256;
	else
		return 0;
	for (i = 0; i < n; i++)
		if (!is_hex(s[i]))
			return 0;
	/* all digits: a serial number far likelier than a hash */
	for (i = 0; i < n; i++)
		if (!is_digit(s[i]))
			return 1;
	return 0;
}

static void
put_v4(struct cbuf *b, const uint8_t a[4])
{
	char	tmp[16];
	int	i;
	size_t	o = 0;

	for (i = 0; i < 4; i++) {
		unsigned v = a[i];

		if (i > 0)
			tmp[o++] = '.';
		if (v >= 100)
			tmp[o++] = (char)('0' + v / 100);
		if (v >= 10)
			tmp[o++] = (char)('0' + v / 10 % 10);
		tmp[o++] = (char)('0' + v % 10);
	}
	cb_put(b, tmp, o);
}

static void
put_prefix(struct cbuf *b, unsigned p)
{
	char	tmp[5];
	size_t	o = 0;

	tmp[o++] = '/';
	if (p >= 100)
		tmp[o++] = (char)('0' + p / 100);
	if (p >= 10)
		tmp[o++] = (char)('0' + p / 10 % 10);
	tmp[o++] = (char)('0' + p % 10);
	cb_put(b, tmp, o);
}

/* set_cidr4 / set_cidr6 - network address of a block, then "/p" */
static void
set_cidr4(struct hit *h, uint8_t a[4], unsigned p)
{
	int	i;

	for (i = 0; i < 4; i++) {
		int bits = (int)p - 8 * i;

		if (bits <= 0)
			a[i] = 0;
		else if (bits < 8)
			a[i] &= (uint8_t)(0xff << (8 - bits));
	}
	h->kind = OBS_CIDR;
	cb_reset(&h->v);
	put_v4(&h->v, a);
	put_prefix(&h->v, p);
}

static void
set_v6(struct hit *h, struct in6_addr *a, int cidr, unsigned p)
{
	char	tmp[INET6_ADDRSTRLEN];
	int	i;

	if (cidr) {
		for (i = 0; i < 16; i++) {
			int bits = (int)p - 8 * i;

			if (bits <= 0)
				a->s6_addr[i] = 0;
			else if (bits < 8)
				a->s6_addr[i] &= (uint8_t)(0xff << (8 - bits));
		}
	}
	/* cannot fail: the buffer is INET6_ADDRSTRLEN */
	(void)inet_ntop(AF_INET6, a, tmp, sizeof(tmp));
	h->kind = cidr ? OBS_CIDR : OBS_IPV6;
	cb_reset(&h->v);
	cb_puts(&h->v, tmp);
	if (cidr)
		put_prefix(&h->v, p);
}

/*
 * Detectors.  Each looks at the folded text t[0..n) from t[i] and fills
 * a struct hit; 0 on a match, -1 if there is none.
 */

/* url_stop - bytes a URL never runs into in text */
static int
url_stop(int c)
{
	return c <= ' ' || c >= 0x7f || c == '<' || c == '>' || c == '"' ||
	    c == '\'' || c == '`';
}

/* in_auth - user info, host and port */
static int
in_auth(int c)
{
	return is_alnum(c) || c == '.' || c == '-' || c == '_' || c == '~' ||
	    c == '%' || c == ':' || c == '@';
}

/* url_trim - end of a path [p, e) in prose: no trailing punctuation, no
 * ')' that closes a parenthesis opened before the URL */
static size_t
url_trim(const unsigned char *t, size_t p, size_t e)
{
	size_t	i;
	long	paren = 0, brack = 0, brace = 0;

	for (i = p; i < e; i++) {
		paren += t[i] == '(' ? 1 : t[i] == ')' ? -1 : 0;
		brack += t[i] == '[' ? 1 : t[i] == ']' ? -1 : 0;
		brace += t[i] == '{' ? 1 : t[i] == '}' ? -1 : 0;
	}
	while (e > p) {
		switch (t[e - 1]) {
		case '.': case ',': case ';': case ':': case '!': case '?':
		case '*':
			e--;
			continue;
		case ')':
			if (paren < 0) {
				paren++;
				e--;
				continue;
			}
			break;
		case ']':
			if (brack < 0) {
				brack++;
				e--;
				continue;
			}
			break;
		case '}':
			if (brace < 0) {
				brace++;
				e--;
				continue;
			}
			break;
		}
		break;
	}
	return e;
}

/*
 * url_at - URL whose scheme starts at t[i].  whole: a single value, so
 * the path is taken to the first space as it is, punctuation included.
 */
static int
url_at(const unsigned char *t, size_t n, size_t i, int whole, struct hit *h)
{
	struct in6_addr	 a6;
	uint8_t		 a4[4];
	char		 sch[8], tmp[INET6_ADDRSTRLEN];
	const char	*out = NULL;
	size_t		 j, k, a, r, at, hs, he, q, pe;
	unsigned	 port;

	for (j = i; j < n && j - i < 6 && (is_alpha(t[j]) || t[j] == '*');
	    j++)
		sch[j - i] = (char)lc(t[j]);
	if (j + 3 > n || memcmp(t + j, "://", 3) != 0)
		return -1;
	sch[j - i] = '\0';
	for (k = 0; k < sizeof(schemes) / sizeof(schemes[0]); k++)
		if (strcmp(sch, schemes[k].in) == 0)
			out = schemes[k].out;
	if (out == NULL)
		return -1;
	h->kind = OBS_URL;
	cb_reset(&h->v);
	cb_reset(&h->h);
	cb_puts(&h->v, out);
	cb_puts(&h->v, "://");
	a = j + 3;
	if (a < n && t[a] == '[') {
		for (k = a + 1; k < n && k - a <= V6_TEXT_MAX + 1 &&
		    t[k] != ']'; k++)
			;
		if (k >= n || t[k] != ']' || v6_parse(t + a + 1, k - a - 1,
		    0, &a6) != 0)
			return -1;
		(void)inet_ntop(AF_INET6, &a6, tmp, sizeof(tmp));
		h->hkind = OBS_IPV6;
		cb_puts(&h->h, tmp);
		cb_puts(&h->v, "[");
		cb_puts(&h->v, tmp);
		cb_puts(&h->v, "]");
		hs = he = k + 1;
		r = n;
	} else {
		for (r = a; r < n && in_auth(t[r]); r++)
			;
		for (at = r, k = a; k < r; k++)
			if (t[k] == '@')
				at = k;
		hs = at < r ? at + 1 : a;
		for (he = hs; he < r && t[he] != ':'; he++)
			;
		while (he > hs && t[he - 1] == '.')
			he--;
		if (ipv4_parse(t + hs, he - hs, a4) == 0) {
			h->hkind = OBS_IPV4;
			put_v4(&h->h, a4);
		} else if (domain_ok(t + hs, he - hs, DOM_UNDERSCORE)) {
			h->hkind = OBS_DOMAIN;
			cb_put_lc(&h->h, t + hs, he - hs);
		} else
			return -1;
		if (at < r)
			cb_put(&h->v, t + a, at + 1 - a);	/* as written */
		cb_put(&h->v, h->h.s, h->h.n);
	}
	/* a port, when it is one; "http://example.com: see" ends at ':' */
	q = he;
	if (he < r && t[he] == ':') {
		for (port = 0, k = he + 1; k < n && k - he <= 6 &&
		    is_digit(t[k]); k++)
			port = port * 10 + (unsigned)(t[k] - '0');
		if (k > he + 1 && k - he <= 6 && port <= 65535 &&
		    (k == n || !in_auth(t[k]))) {
			cb_put(&h->v, t + he, k - he);
			q = k;
		}
	}
	pe = q;
	if (q < n && (t[q] == '/' || t[q] == '?' || t[q] == '#')) {
		for (pe = q; pe < n && !url_stop(t[pe]); pe++)
			;
		if (!whole)
			pe = url_trim(t, q, pe);
		cb_put(&h->v, t + q, pe - q);
	}
	h->path = q;
	h->path_end = pe;
	h->end = pe;
	return 0;
}

/*
 * v6_start - an IPv6 address may start at t[i]: not inside a word, or
 * right after "label:" ("IPv6:2001:db8::1") when the label is no hex
 * group itself, so that "12:34:56" and MAC addresses are not re-read from
 * each colon.
 */
static int
v6_start(const unsigned char *t, size_t i)
{
	size_t	k;
	int	c = t[i], p;

	if (!is_hex(c) && c != ':')
		return 0;
	if (i == 0)
		return 1;
	p = t[i - 1];
	if (p != ':')
		return !is_alnum(p) && p != '.' && p != '_';
	if (!is_hex(c) || i < 2)
		return 0;
	for (k = i - 1; k > 0 && i - k <= 16 && is_alnum(t[k - 1]); k--)
		if (!is_hex(t[k - 1]))
			return 1;
	return 0;
}

/*
 * v6_at - IPv6 address or block from t[i].  *skip_r is raised past a run
 * of address bytes too long to be one, so that no start inside it is
 * tried again.
 */
static int
v6_at(const unsigned char *t, size_t n, size_t i, struct hit *h,
    size_t *skip_r)
{
	struct in6_addr	a;
	size_t		e, x, y;
	unsigned	p;

	for (e = i; e < n && (is_hex(t[e]) || t[e] == ':' || t[e] == '.');
	    e++) {
		if (e - i > V6_TEXT_MAX + 1) {
			while (e < n && (is_hex(t[e]) || t[e] == ':' ||
			    t[e] == '.'))
				e++;
			*skip_r = e;
			return -1;
		}
	}
	if (e < n && (is_alnum(t[e]) || t[e] == '_'))
		return -1;
	x = e;
	while (x > i && t[x - 1] == '.')
		x--;
	if (x - i >= 2 && t[x - 1] == ':' && t[x - 2] != ':')
		x--;
	if (x == e && prefix_at(t, n, e, 128, &p, &y) == 0 &&
	    v6_parse(t + i, x - i, 1, &a) == 0) {
		set_v6(h, &a, 1, p);
		e = y;
	} else if (v6_parse(t + i, x - i, 0, &a) == 0) {
		set_v6(h, &a, 0, 0);
		e = x;
	} else
		return -1;
	cb_reset(&h->h);
	h->end = e;
	return 0;
}

/*
 * Adding to the list.
 */

static uint32_t
dd_hash(enum obs_kind kind, const char *v, size_t len)
{
	uint32_t	h = 2166136261u ^ (uint32_t)kind;
	size_t		i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)v[i];
		h *= 16777619u;
	}
	return h;
}

static int
same(const struct obs *o, enum obs_kind kind, const char *v, size_t len)
{
	return o->kind == kind && strncmp(o->value, v, len) == 0 &&
	    o->value[len] == '\0';
}

/*
 * push - append kind/value unless it is there already (found through dd
 * when there is one, else by a walk over the list).  0; -1 when the list
 * is full, l->truncated then set.
 */
static int
push(struct obs_list *l, struct dedup *dd, enum obs_kind kind,
    const char *v, size_t len)
{
	uint32_t	slot = 0;
	size_t		i;

	if (len >= OBS_VALUE_MAX)
		len = OBS_VALUE_MAX - 1;
	if (len == 0)
		return 0;
	if (dd != NULL) {
		for (slot = dd_hash(kind, v, len) & (DD_SLOTS - 1);
		    dd->slot[slot] != 0; slot = (slot + 1) & (DD_SLOTS - 1))
			if (same(&l->v[dd->slot[slot] - 1], kind, v, len))
				return 0;
	} else {
		for (i = 0; i < l->n; i++)
			if (same(&l->v[i], kind, v, len))
				return 0;
	}
	if (l->n >= OBS_MAX_PER_LIST) {
		l->truncated = 1;
		return -1;
	}
	/* capacity is 8, then the next power of two: not stored */
	if (l->n == 0 || (l->n >= 8 && (l->n & (l->n - 1)) == 0))
		l->v = xrealloc(l->v, (l->n == 0 ? 8 : l->n * 2) *
		    sizeof(l->v[0]));
	l->v[l->n].kind = kind;
	l->v[l->n].value = xmemdup(v, len);
	l->n++;
	if (dd != NULL)
		dd->slot[slot] = (uint32_t)l->n;
	return 0;
}

struct scan {
	const unsigned char	*t;
	size_t			 n;
	struct obs_list		*l;
	struct dedup		*dd;
	int			 full;		/* stop scanning */
};

static void
add(struct scan *s, enum obs_kind kind, const char *v, size_t len)
{
	if (!s->full && push(s->l, s->dd, kind, v, len) != 0)
		s->full = 1;
}

static void
add_lc(struct scan *s, enum obs_kind kind, const unsigned char *p,
    size_t len)
{
	struct cbuf	b;

	cb_reset(&b);
	cb_put_lc(&b, p, len);
	add(s, kind, b.s, b.n);
}

/* hashes - every run of letters and digits in t[a..b) that is a hash */
static void
hashes(struct scan *s, size_t a, size_t b)
{
	enum obs_kind	kind;
	size_t		e;

	while (a < b) {
		if (!is_alnum(s->t[a])) {
			a++;
			continue;
		}
		for (e = a; e < b && is_alnum(s->t[e]); e++)
			;
		if (is_hash(s->t + a, e - a, &kind))
			add_lc(s, kind, s->t + a, e - a);
		a = e;
	}
}

/*
 * addresses - a run of digits, dots and '-': IPv4 addresses, "-" between
 * the ends of a range.  Anything but exactly four parts (a version
 * number, a date, "1.1.1.1.1") is nothing.  we is the end of the word,
 * where a "/nn" may follow.
 */
static void
addresses(struct scan *s, size_t a, size_t b, size_t we)
{
	struct hit	h;
	uint8_t		a4[4];
	unsigned	p;
	size_t		e, x, y, pe;

	while (a < b) {
		for (e = a; e < b && s->t[e] != '-'; e++)
			;
		for (x = a; x < e && s->t[x] == '.'; x++)
			;
		for (y = e; y > x && s->t[y - 1] == '.'; y--)
			;
		if (ipv4_parse(s->t + x, y - x, a4) == 0) {
			if (y == we && prefix_at(s->t, s->n, we, 32, &p,
			    &pe) == 0)
				set_cidr4(&h, a4, p);
			else {
				h.kind = OBS_IPV4;
				cb_reset(&h.v);
				put_v4(&h.v, a4);
			}
			add(s, h.kind, h.v.s, h.v.n);
		}
		a = e + 1;
	}
}

/* segment - a part of a word between '_', '%', '+' and ".." */
static void
segment(struct scan *s, size_t a, size_t b, size_t we)
{
	size_t	i;
	int	dot = 0, other = 0;

	while (a < b && (s->t[a] == '.' || s->t[a] == '-'))
		a++;
	while (b > a && (s->t[b - 1] == '.' || s->t[b - 1] == '-'))
		b--;
	for (i = a; i < b; i++) {
		if (s->t[i] == '.')
			dot = 1;
		else if (!is_digit(s->t[i]) && s->t[i] != '-')
			other = 1;
	}
	if (a == b)
		return;
	if (!other) {
		addresses(s, a, b, we);
		return;
	}
	if (dot && domain_ok(s->t + a, b - a, DOM_STRICT)) {
		add_lc(s, OBS_DOMAIN, s->t + a, b - a);
		return;
	}
	hashes(s, a, b);
}

/*
 * email_at - word t[a..w) is followed by '@': a local part when a domain
 * follows.  The domain is read again as a word of its own later, so only
 * the address is added here.
 */
static int
email_at(struct scan *s, size_t a, size_t w)
{
	struct cbuf	b;
	size_t		d, e;

	if (!local_ok(s->t + a, w - a))
		return -1;
	d = w + 1;
	for (e = d; e < s->n && (is_alnum(s->t[e]) || s->t[e] == '.' ||
	    s->t[e] == '-'); e++)
		;
	while (e > d && (s->t[e - 1] == '.' || s->t[e - 1] == '-'))
		e--;
	if (!domain_ok(s->t + d, e - d, DOM_STRICT))
		return -1;
	cb_reset(&b);
	cb_put_lc(&b, s->t + a, e - a);
	add(s, OBS_EMAIL, b.s, b.n);
	return 0;
}

/* word - a run of in_word bytes from t[i]: an e-mail local part, or
 * segments holding domains, addresses and hashes */
static void
word(struct scan *s, size_t i)
{
	size_t	e, a, b;

	for (e = i; e < s->n && in_word(s->t[e]); e++)
		;
	if (e < s->n && s->t[e] == '@' && email_at(s, i, e) == 0)
		return;
	for (a = i; a < e && !s->full; a = b) {
		for (b = a; b < e; b++)
			if (s->t[b] == '_' || s->t[b] == '%' ||
			    s->t[b] == '+' || (s->t[b] == '.' && b + 1 < e &&
			    s->t[b + 1] == '.'))
				break;
		segment(s, a, b, e);
		while (b < e && (s->t[b] == '_' || s->t[b] == '%' ||
		    s->t[b] == '+' || s->t[b] == '.'))
			b++;
	}
}

static void
scan(struct scan *s)
{
	struct hit	h;
	const unsigned char *t = s->t;
	size_t		i, v6skip = 0;

	for (i = 0; i < s->n && !s->full; ) {
		if (is_alpha(t[i]) && (i == 0 || !is_alnum(t[i - 1])) &&
		    url_at(t, s->n, i, 0, &h) == 0) {
			add(s, OBS_URL, h.v.s, h.v.n);
			add(s, h.hkind, h.h.s, h.h.n);
			hashes(s, h.path, h.path_end);
			i = h.end;
			continue;
		}
		if (i >= v6skip && v6_start(t, i) &&
		    v6_at(t, s->n, i, &h, &v6skip) == 0) {
			add(s, h.kind, h.v.s, h.v.n);
			i = h.end;
			continue;
		}
		if (in_word(t[i]) && (i == 0 || !in_word(t[i - 1])))
			word(s, i);
		i++;
	}
}

/*
 * Single values.
 */

/* single - t[0..n) as one whole indicator; 0 or -1 */
static int
single(const unsigned char *t, size_t n, struct hit *h)
{
	struct in6_addr	a6;
	uint8_t		a4[4];
	unsigned	p;
	size_t		k, at;

	cb_reset(&h->h);
	if (url_at(t, n, 0, 1, h) == 0)
		return h->end == n ? 0 : -1;
	if (n >= 2 && t[0] == '[' && t[n - 1] == ']') {
		if (v6_parse(t + 1, n - 2, 0, &a6) != 0)
			return -1;
		set_v6(h, &a6, 0, 0);
		return 0;
	}
	for (k = 0; k < n && t[k] != '/'; k++)
		;
	if (k < n) {
		if (v6_parse(t, k, 1, &a6) == 0 &&
		    prefix_parse(t + k + 1, n - k - 1, 128, &p) == 0) {
			set_v6(h, &a6, 1, p);
			return 0;
		}
		if (ipv4_parse(t, k, a4) == 0 &&
		    prefix_parse(t + k + 1, n - k - 1, 32, &p) == 0) {
			set_cidr4(h, a4, p);
			return 0;
		}
		return -1;
	}
	if (v6_parse(t, n, 0, &a6) == 0) {
		set_v6(h, &a6, 0, 0);
		return 0;
	}
	if (ipv4_parse(t, n, a4) == 0) {
		h->kind = OBS_IPV4;
		cb_reset(&h->v);
		put_v4(&h->v, a4);
		return 0;
	}
	if (n > 0 && t[n - 1] == '.')
		n--;
	for (at = n, k = 0; k < n; k++)
		if (t[k] == '@')
			at = k;
	cb_reset(&h->v);
	if (at < n) {
		if (!local_ok(t, at) || !domain_ok(t + at + 1, n - at - 1, 0))
			return -1;
		h->kind = OBS_EMAIL;
		cb_put_lc(&h->v, t, n);
		h->hkind = OBS_DOMAIN;
		cb_put_lc(&h->h, t + at + 1, n - at - 1);
		return 0;
	}
	if (is_hash(t, n, &h->kind)) {
		cb_put_lc(&h->v, t, n);
		return 0;
	}
	/* typed or in a field: no TLD table, the value says what it is */
	if (domain_ok(t, n, DOM_UNDERSCORE)) {
		h->kind = OBS_DOMAIN;
		cb_put_lc(&h->v, t, n);
		return 0;
	}
	return -1;
}

/* canon_value - fold, trim blanks and <> or "" around, then single() */
static int
canon_value(const char *value, struct hit *h)
{
	unsigned char	*t;
	size_t		 n, a = 0;
	int		 rc;

	t = fold(value, strlen(value), &n);
	while (a < n && t[a] <= ' ')
		a++;
	while (n > a && t[n - 1] <= ' ')
		n--;
	if (n - a >= 2 && ((t[a] == '<' && t[n - 1] == '>') ||
	    (t[a] == '"' && t[n - 1] == '"'))) {
		a++;
		n--;
	}
	rc = single(t + a, n - a, h);
	free(t);
	return rc;
}

/*
 * Public.
 */

const char *
obs_kind_name(enum obs_kind kind)
{
	if ((unsigned)kind >= OBS_KIND_COUNT)
		return "unknown";
	return kind_names[kind];
}

int
obs_kind_parse(const char *name, enum obs_kind *kind_r)
{
	int k;

	for (k = 0; k < OBS_KIND_COUNT; k++)
		if (strcmp(kind_names[k], name) == 0) {
			*kind_r = (enum obs_kind)k;
			return 0;
		}
	return -1;
}

void
obs_extract(const char *text, size_t len, struct obs_list *l)
{
	struct scan	s;
	size_t		i;
	uint32_t	slot;

	if (text == NULL || len == 0)
		return;
	s.l = l;
	s.full = 0;
	s.dd = xcalloc(1, sizeof(*s.dd));
	/* a list filled by obs_add before: its values count as seen */
	for (i = 0; i < l->n; i++) {
		slot = dd_hash(l->v[i].kind, l->v[i].value,
		    strlen(l->v[i].value)) & (DD_SLOTS - 1);
		while (s.dd->slot[slot] != 0)
			slot = (slot + 1) & (DD_SLOTS - 1);
		s.dd->slot[slot] = (uint32_t)i + 1;
	}
	s.t = fold(text, len, &s.n);
	scan(&s);
	free((void *)s.t);
	free(s.dd);
}

int
obs_add(struct obs_list *l, const char *value)
{
	struct hit	*h;
	int		 rc = -1;

	if (value == NULL)
		return -1;
	h = xmalloc(sizeof(*h));
	if (canon_value(value, h) != 0)
		goto out;
	if (push(l, NULL, h->kind, h->v.s, h->v.n) != 0)
		goto out;
	if (h->h.n > 0 && push(l, NULL, h->hkind, h->h.s, h->h.n) != 0)
		goto out;
	rc = 0;
out:
	free(h);
	return rc;
}

char *
obs_canon(const char *value, enum obs_kind *kind_r)
{
	struct hit	*h;
	char		*r = NULL;

	if (value == NULL)
		return NULL;
	h = xmalloc(sizeof(*h));
	if (canon_value(value, h) == 0) {
		r = xmemdup(h->v.s, h->v.n);
		*kind_r = h->kind;
	}
	free(h);
	return r;
}

/* put_dots - s[0..n) with '.' as "[.]" and, if at, '@' as "[@]" */
static void
put_dots(struct buf *b, const char *s, size_t n, int at)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (s[i] == '.')
			buf_puts(b, "[.]");
		else if (s[i] == '@' && at)
			buf_puts(b, "[@]");
		else
			buf_putc(b, s[i]);
	}
}

char *
obs_defang(const char *value, enum obs_kind kind)
{
	struct buf	 b;
	const char	*p, *q;
	size_t		 n = strlen(value);

	/* at most three bytes out for one in */
	buf_init(&b, 3 * n + 8);
	switch (kind) {
	case OBS_URL:
		if ((p = strstr(value, "://")) == NULL) {
			put_dots(&b, value, n, 1);
			break;
		}
		if (p - value == 4 && strncasecmp(value, "http", 4) == 0)
			buf_puts(&b, "hxxp");
		else if (p - value == 5 && strncasecmp(value, "https", 5) == 0)
			buf_puts(&b, "hxxps");
		else if (p - value == 3 && strncasecmp(value, "ftp", 3) == 0)
			buf_puts(&b, "fxp");
		else
			buf_append(&b, value, (size_t)(p - value));
		buf_puts(&b, "://");
		p += 3;
		q = p + strcspn(p, "/?#");
		if (*p == '[')
			buf_append(&b, p, (size_t)(q - p));
		else
			put_dots(&b, p, (size_t)(q - p), 1);
		buf_puts(&b, q);
		break;
	case OBS_DOMAIN:
	case OBS_IPV4:
		put_dots(&b, value, n, 0);
		break;
	case OBS_CIDR:
		if (strchr(value, ':') != NULL)
			buf_puts(&b, value);
		else
			put_dots(&b, value, n, 0);
		break;
	case OBS_EMAIL:
		if ((p = strrchr(value, '@')) == NULL) {
			put_dots(&b, value, n, 0);
			break;
		}
		buf_append(&b, value, (size_t)(p - value));
		put_dots(&b, p, strlen(p), 1);
		break;
	default:
		buf_puts(&b, value);
		break;
	}
	return buf_steal(&b, NULL);
}

void
obs_list_free(struct obs_list *l)
{
	size_t	i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++)
		free(l->v[i].value);
	free(l->v);
	l->v = NULL;
	l->n = 0;
	l->truncated = 0;
}
