/*
 * test_mimescan.c - the structural pre-scan (mimescan.h): flags, depth,
 * leaf count and the cut point for plain, multipart, nested, attached and
 * broken messages, the max_depth and max_parts limits, a 20000-level
 * nesting, long lines, and the line-end census mimescan_eol.
 *
 * Messages are written below with LF line ends; every table case is run
 * twice, as written and converted to CRLF, and must give the same result.
 * Each message is copied into a buffer of exactly its length (no NUL after
 * it), so that a read past the end shows under ASan and valgrind, and is
 * compared with the original afterwards: the scan must not change it.
 */
#include "unit.h"

#include <stdio.h>

#include "madoguchi/mimescan.h"

#define ALLF	(MIMESCAN_F_NO_HEADERS | MIMESCAN_F_NO_BOUNDARY | \
		    MIMESCAN_F_BOUNDARY_MISSING | MIMESCAN_F_UNTERMINATED | \
		    MIMESCAN_F_TOO_DEEP | MIMESCAN_F_TOO_MANY_PARTS | \
		    MIMESCAN_F_MIXED_EOL | MIMESCAN_F_BARE_CR | \
		    MIMESCAN_F_NUL | MIMESCAN_F_LONG_LINE | \
		    MIMESCAN_F_HEADER_UNTERMINATED)
#define EXACT(f)	(f), (ALLF & ~(unsigned)(f))
#define NOCHECK		((size_t)-1)	/* depth or parts not checked */
#define WHOLE		NULL, 0		/* cut == len */
#define CUT_BEFORE_END	NULL, -1	/* cut < len, where not checked */
#define BIG		1000		/* limits not reached */

#define HDR		"From: reporter@example.org\n" \
			"To: csirt@example.org\n" \
			"Subject: test\n" \
			"MIME-Version: 1.0\n"
#define MIXED(b)	"Content-Type: multipart/mixed; boundary=\"" b "\"\n"
#define ALT(b)		"Content-Type: multipart/alternative; boundary=\"" b \
			"\"\n"

struct scan_case {
	const char	*name;
	const char	*msg;		/* LF line ends */
	size_t		 max_depth;
	size_t		 max_parts;
	unsigned	 set;		/* flags that must be set */
	unsigned	 unset;		/* flags that must not be */
	size_t		 depth;
	size_t		 parts;
	const char	*cut_line;	/* the cut is at the start of ... */
	int		 cut_nth;	/* ... the nth line reading this;
					 * NULL, 0: none; NULL, -1: some */
};

/* msg with every LF turned into CRLF; caller frees */
static char *
to_crlf(const char *msg, size_t *len_r)
{
	size_t	 n = strlen(msg), i, o = 0;
	char	*out = malloc(2 * n + 1);

	assert_non_null(out);
	for (i = 0; i < n; i++) {
		if (msg[i] == '\n')
			out[o++] = '\r';
		out[o++] = msg[i];
	}
	*len_r = o;
	return out;
}

/* offset of the nth (from 1) line reading line, EOL aside; -1 if none */
static size_t
find_line(const char *p, size_t len, const char *line, int nth)
{
	size_t	ll = strlen(line), i = 0, n;

	while (i < len) {
		const char *nl = memchr(p + i, '\n', len - i);

		n = (nl ? (size_t)(nl - p) : len) - i;
		if (n > 0 && p[i + n - 1] == '\r')
			n--;
		if (n == ll && memcmp(p + i, line, ll) == 0 && --nth == 0)
			return i;
		if (nl == NULL)
			break;
		i = (size_t)(nl - p) + 1;
	}
	return (size_t)-1;
}

/* scan one case in one line-end form; returns the number of problems */
static int
check_one(const struct scan_case *c, const char *form, const char *text,
    size_t len)
{
	struct mimescan_result	 r;
	char			*buf = malloc(len ? len : 1);
	size_t			 want_cut = len;
	int			 bad = 0;

	assert_non_null(buf);
	memcpy(buf, text, len);
	if (c->cut_line != NULL) {
		want_cut = find_line(text, len, c->cut_line, c->cut_nth);
		if (want_cut == (size_t)-1)
			fail_msg("%s: bad case, no line \"%s\"", c->name,
			    c->cut_line);
	}
	memset(&r, 0xa5, sizeof(r));
	mimescan(buf, len, c->max_depth, c->max_parts, &r);
	if ((r.flags & c->set) != c->set || (r.flags & c->unset) != 0) {
		print_error("%s (%s): flags 0x%04x, want set 0x%04x, "
		    "unset 0x%04x\n", c->name, form, r.flags, c->set,
		    c->unset);
		bad++;
	}
	if (c->depth != NOCHECK && r.depth != c->depth) {
		print_error("%s (%s): depth %zu, want %zu\n", c->name, form,
		    r.depth, c->depth);
		bad++;
	}
	if (c->parts != NOCHECK && r.parts != c->parts) {
		print_error("%s (%s): parts %zu, want %zu\n", c->name, form,
		    r.parts, c->parts);
		bad++;
	}
	if (c->cut_line == NULL && c->cut_nth < 0) {
		if (r.cut >= len) {
			print_error("%s (%s): not cut (cut %zu of %zu)\n",
			    c->name, form, r.cut, len);
			bad++;
		}
	} else if (r.cut != want_cut) {
		print_error("%s (%s): cut at %zu, want %zu (of %zu)\n",
		    c->name, form, r.cut, want_cut, len);
		bad++;
	}
	if (r.depth > c->max_depth || r.depth > MIMESCAN_MAX_DEPTH) {
		print_error("%s (%s): depth %zu over the maximum\n", c->name,
		    form, r.depth);
		bad++;
	}
	if (memcmp(buf, text, len) != 0) {
		print_error("%s (%s): input changed\n", c->name, form);
		bad++;
	}
	free(buf);
	return bad;
}

static void
run_cases(const struct scan_case *cases, size_t ncases)
{
	size_t	i, crlflen;
	char	*crlf;
	int	bad = 0;

	for (i = 0; i < ncases; i++) {
		bad += check_one(&cases[i], "LF", cases[i].msg,
		    strlen(cases[i].msg));
		crlf = to_crlf(cases[i].msg, &crlflen);
		bad += check_one(&cases[i], "CRLF", crlf, crlflen);
		free(crlf);
	}
	assert_int_equal(bad, 0);
}

static const struct scan_case structure_cases[] = {
	{ "plain", HDR "\nHello.\n", BIG, BIG, EXACT(0), 0, 1, WHOLE },
	{ "plain text/plain", HDR
	    "Content-Type: text/plain; charset=utf-8\n\nbody\n", BIG, BIG,
	    EXACT(0), 0, 1, WHOLE },
	{ "plain, empty body", HDR "\n", BIG, BIG, EXACT(0), 0, 1, WHOLE },
	{ "plain, folded header", HDR "X-Long: one\n two\n\tthree\n\nbody\n",
	    BIG, BIG, EXACT(0), 0, 1, WHOLE },
	{ "plain, body lines that look like delimiters", HDR
	    "\n--b\n--b--\n-- \n", BIG, BIG, EXACT(0), 0, 1, WHOLE },
	{ "multipart, three parts", HDR MIXED("b") "\n"
	    "This is a multi-part message in MIME format.\n"
	    "--b\n"
	    "Content-Type: text/plain\n\none\n"
	    "--b\n"
	    "Content-Type: text/html\n\n<p>two</p>\n"
	    "--b\n"
	    "Content-Type: application/pdf\n"
	    "Content-Transfer-Encoding: base64\n\nJVBERi0=\n"
	    "--b--\n"
	    "epilogue\n", BIG, BIG, EXACT(0), 1, 3, WHOLE },
	{ "multipart, parts without headers", HDR MIXED("b") "\n"
	    "--b\n\nempty header block\n"
	    "--b\nbody right after the delimiter\n"
	    "--b--\n", BIG, BIG, EXACT(0), 1, 2, WHOLE },
	{ "alternative inside mixed", HDR MIXED("outer") "\n"
	    "--outer\n" ALT("inner") "\n"
	    "--inner\nContent-Type: text/plain\n\ntext\n"
	    "--inner\nContent-Type: text/html\n\n<p>html</p>\n"
	    "--inner--\n"
	    "--outer\nContent-Type: image/png\n\nPNG\n"
	    "--outer--\n", BIG, BIG, EXACT(0), 2, 3, WHOLE },
	{ "message/rfc822 holding a multipart", HDR MIXED("b") "\n"
	    "--b\nContent-Type: text/plain\n\nsee attached\n"
	    "--b\nContent-Type: message/rfc822\n\n"
	    "From: x@example.com\nSubject: inner\n" ALT("i") "\n"
	    "--i\nContent-Type: text/plain\n\ninner text\n"
	    "--i\nContent-Type: text/html\n\ninner html\n"
	    "--i--\n"
	    "--b--\n", BIG, BIG, EXACT(0), 3, 3, WHOLE },
	{ "message/rfc822 holding a plain message", HDR MIXED("b") "\n"
	    "--b\nContent-Type: text/plain\n\nsee attached\n"
	    "--b\nContent-Type: message/rfc822\n"
	    "Content-Disposition: attachment\n\n"
	    "From: x@example.com\nSubject: inner\n\ninner body\n"
	    "--b--\n", BIG, BIG, EXACT(0), 2, 2, WHOLE },
	{ "top-level message/rfc822", HDR "Content-Type: message/rfc822\n\n"
	    "From: x@example.com\n\nbody\n", BIG, BIG, EXACT(0), 1, 1,
	    WHOLE },
	{ "boundary b inside b1", HDR MIXED("b1") "\n"
	    "--b1\n" ALT("b") "\n"
	    "--b\n\nx\n--b\n\ny\n--b--\n"
	    "--b1\n\nz\n"
	    "--b1--\n", BIG, BIG, EXACT(0), 2, 3, WHOLE },
	{ "boundary b1 inside b", HDR MIXED("b") "\n"
	    "--b\n" ALT("b1") "\n"
	    "--b1\n\nx\n--b1\n\ny\n--b1--\n"
	    "--b\n\nz\n"
	    "--b--\n", BIG, BIG, EXACT(0), 2, 3, WHOLE },
	{ "boundary declared, never used", HDR MIXED("zz") "\n"
	    "just text\n--other\n", BIG, BIG,
	    EXACT(MIMESCAN_F_BOUNDARY_MISSING), 1, NOCHECK, WHOLE },
	{ "inner boundary never used", HDR MIXED("b") "\n"
	    "--b\n" ALT("a") "\nno delimiters at all\n"
	    "--b\n\nsecond\n"
	    "--b--\n", BIG, BIG, EXACT(MIMESCAN_F_BOUNDARY_MISSING), 2,
	    NOCHECK, WHOLE },
	{ "boundary compared case-sensitively", HDR MIXED("b") "\n"
	    "--B\n\nx\n--B--\n", BIG, BIG,
	    EXACT(MIMESCAN_F_BOUNDARY_MISSING), 1, NOCHECK, WHOLE },
	{ "missing close delimiter", HDR MIXED("b") "\n"
	    "--b\n\none\n--b\n\ntwo\n", BIG, BIG,
	    EXACT(MIMESCAN_F_UNTERMINATED), 1, 2, WHOLE },
	{ "inner close missing, outer closes", HDR MIXED("b") "\n"
	    "--b\n" ALT("a") "\n--a\n\nx\n"
	    "--b--\n", BIG, BIG, EXACT(MIMESCAN_F_UNTERMINATED), 2, 1,
	    WHOLE },
	{ "multipart without boundary", HDR
	    "Content-Type: multipart/mixed\n\n--b\n\nx\n", BIG, BIG,
	    EXACT(MIMESCAN_F_NO_BOUNDARY), 0, 1, WHOLE },
	{ "nested multipart without boundary", HDR MIXED("b") "\n"
	    "--b\nContent-Type: multipart/related\n\nx\n"
	    "--b\n\ny\n"
	    "--b--\n", BIG, BIG, EXACT(MIMESCAN_F_NO_BOUNDARY), 1, 2, WHOLE },
	{ "no headers", "This is not a header\n\nbody\n", BIG, BIG,
	    EXACT(MIMESCAN_F_NO_HEADERS), 0, 1, WHOLE },
	{ "mbox From_ line first", "From nobody Mon Jan  1 00:00:00 2024\n"
	    HDR "\nbody\n", BIG, BIG, EXACT(MIMESCAN_F_NO_HEADERS), 0, 1,
	    WHOLE },
	{ "delimiter with trailing whitespace", HDR MIXED("b") "\n"
	    "--b \t\n\none\n--b  \n\ntwo\n--b--\n", BIG, BIG, EXACT(0), 1,
	    2, WHOLE },
	{ "close delimiter with trailing space", HDR MIXED("b") "\n"
	    "--b\n\none\n--b-- \n", BIG, BIG, EXACT(0), 1, 1, WHOLE },
	{ "--bX and friends are not delimiters of b", HDR MIXED("b") "\n"
	    "--b\n\nline\n--bX\n--b-\n--b --\n--b--X\n-b\n --b\n--b--\n",
	    BIG, BIG, EXACT(0), 1, 1, WHOLE },
	{ "--bX-- does not close b", HDR MIXED("b") "\n"
	    "--b\n\nx\n--bX--\n", BIG, BIG, EXACT(MIMESCAN_F_UNTERMINATED), 1,
	    1, WHOLE },
	{ "folded Content-Type, boundary on the continuation", HDR
	    "Content-Type: multipart/mixed;\n\tboundary=\"fold\"\n\n"
	    "--fold\n\nx\n--fold--\n", BIG, BIG, EXACT(0), 1, 1, WHOLE },
	{ "folded over three lines, unquoted, header after", HDR
	    "Content-Type: multipart/mixed;\n charset=us-ascii;\n"
	    " boundary=fold2\nX-After: 1\n\n"
	    "--fold2\n\nx\n--fold2\n\ny\n--fold2--\n", BIG, BIG, EXACT(0), 1,
	    2, WHOLE },
	{ "folded Content-Type in a part", HDR MIXED("b") "\n"
	    "--b\nContent-Type: multipart/alternative;\n"
	    "     boundary=\"in\"\nContent-ID: <x@y>\n\n"
	    "--in\n\nx\n--in--\n--b--\n", BIG, BIG, EXACT(0), 2, 1, WHOLE },
	{ "unquoted boundary with '='", HDR
	    "Content-Type: multipart/alternative;\n"
	    "\tboundary=----=_NextPart_000_0012_01D9A1B2.3C4D5E60\n\n"
	    "------=_NextPart_000_0012_01D9A1B2.3C4D5E60\n\nx\n"
	    "------=_NextPart_000_0012_01D9A1B2.3C4D5E60\n\ny\n"
	    "------=_NextPart_000_0012_01D9A1B2.3C4D5E60--\n", BIG, BIG,
	    EXACT(0), 1, 2, WHOLE },
	{ "unquoted boundary with '=', then a parameter", HDR
	    "Content-Type: multipart/mixed; boundary==_b=_; charset=x\n\n"
	    "--=_b=_\n\nx\n--=_b=_--\n", BIG, BIG, EXACT(0), 1, 1, WHOLE },
	{ "unquoted boundary, blank before ';'", HDR
	    "Content-Type: multipart/mixed; boundary=sp ; charset=x\n\n"
	    "--sp\n\nx\n--sp--\n", BIG, BIG, EXACT(0), 1, 1, WHOLE },
	{ "xboundary= is not boundary=", HDR
	    "Content-Type: multipart/mixed; xboundary=zz; boundary=b\n\n"
	    "--b\n\nx\n--b--\n", BIG, BIG, EXACT(0), 1, 1, WHOLE },
	{ "quoted boundary with spaces and '='", HDR
	    "Content-Type: multipart/mixed; boundary=\"=_ a b =\"\n\n"
	    "--=_ a b =\n\nx\n--=_ a b =--\n", BIG, BIG, EXACT(0), 1, 1,
	    WHOLE },
	{ "type and parameter in upper case", HDR
	    "CONTENT-TYPE: Multipart/Mixed; BOUNDARY=\"B\"\n\n"
	    "--B\n\nx\n--B--\n", BIG, BIG, EXACT(0), 1, 1, WHOLE },
	{ "headers with no body", HDR, BIG, BIG,
	    EXACT(MIMESCAN_F_HEADER_UNTERMINATED), 0, NOCHECK, WHOLE },
};

static void
test_structure(void **state)
{
	(void)state;
	run_cases(structure_cases,
	    sizeof(structure_cases) / sizeof(structure_cases[0]));
}

#define THREE_LEVELS	HDR MIXED("b") "\n" \
	"--b\n\nfirst\n" \
	"--b\n" MIXED("c") "\n" \
	"--c\n\nsecond\n" \
	"--c\n" MIXED("d") "\n" \
	"--d\n\ndeep\n" \
	"--d--\n" \
	"--c--\n" \
	"--b--\n"

#define ATTACHED	HDR MIXED("b") "\n" \
	"--b\nContent-Type: text/plain\n\nsee attached\n" \
	"--b\nContent-Type: message/rfc822\n\n" \
	"From: x@example.com\n" ALT("i") "\n" \
	"--i\n\ninner text\n" \
	"--i--\n" \
	"--b--\n"

#define FOUR_PARTS	HDR MIXED("b") "\n" \
	"--b\n\none\n--b\n\ntwo\n--b\n\nthree\n--b\n\nfour\n--b--\n"

#define NESTED_PARTS	HDR MIXED("b") "\n" \
	"--b\n\none\n" \
	"--b\n" ALT("a") "\n" \
	"--a\n\ntwo\n--a\n\nthree\n--a\n\nfour\n--a--\n" \
	"--b--\n"

static const struct scan_case limit_cases[] = {
	{ "third level, max_depth 2", THREE_LEVELS, 2, BIG,
	    EXACT(MIMESCAN_F_TOO_DEEP), 2, 2, "--c", 2 },
	{ "third level, max_depth 3", THREE_LEVELS, 3, BIG, EXACT(0), 3, 3,
	    WHOLE },
	{ "second level, max_depth 1", THREE_LEVELS, 1, BIG,
	    EXACT(MIMESCAN_F_TOO_DEEP), 1, 1, "--b", 2 },
	{ "message/rfc822 level, max_depth 1", ATTACHED, 1, BIG,
	    EXACT(MIMESCAN_F_TOO_DEEP), 1, 1, "--b", 2 },
	{ "multipart in message/rfc822, max_depth 2", ATTACHED, 2, BIG,
	    EXACT(MIMESCAN_F_TOO_DEEP), 2, 1, "--b", 2 },
	{ "multipart in message/rfc822, max_depth 3", ATTACHED, 3, BIG,
	    EXACT(0), 3, 2, WHOLE },
	{ "four parts, max_parts 2", FOUR_PARTS, BIG, 2,
	    EXACT(MIMESCAN_F_TOO_MANY_PARTS), 1, 2, "--b", 3 },
	{ "four parts, max_parts 3", FOUR_PARTS, BIG, 3,
	    EXACT(MIMESCAN_F_TOO_MANY_PARTS), 1, 3, "--b", 4 },
	{ "four parts, max_parts 4", FOUR_PARTS, BIG, 4, EXACT(0), 1, 4,
	    WHOLE },
	{ "four parts, max_parts 1", FOUR_PARTS, BIG, 1,
	    EXACT(MIMESCAN_F_TOO_MANY_PARTS), 1, 1, "--b", 2 },
	{ "nested parts, max_parts 2", NESTED_PARTS, BIG, 2,
	    EXACT(MIMESCAN_F_TOO_MANY_PARTS), 2, 2, "--a", 2 },
	{ "nested parts, max_parts 4", NESTED_PARTS, BIG, 4, EXACT(0), 2, 4,
	    WHOLE },
	{ "both limits, depth reached first", THREE_LEVELS, 2, 3,
	    EXACT(MIMESCAN_F_TOO_DEEP), 2, 2, "--c", 2 },
};

static void
test_limits(void **state)
{
	(void)state;
	run_cases(limit_cases, sizeof(limit_cases) / sizeof(limit_cases[0]));
}

/*
 * A delimiter line ends the part it is in, even when that part is still
 * in its header block: "Content-Type: text/plain" CRLF "--b" is a header
 * field followed by a delimiter (RFC 2046 5.1.1: the CRLF before "--b"
 * belongs to the delimiter).  libetpan splits the body at such lines
 * (checked: it sees 2 leaves in the first case, 4 in the second and three
 * multipart levels in the third), so a scan that reads them as bad header
 * fields counts fewer parts and less nesting than the parser will meet,
 * and max_parts and max_depth can be bypassed.
 */
static const struct scan_case header_delim_cases[] = {
	{ "header-only part", HDR MIXED("b") "\n"
	    "--b\nContent-Type: text/plain\n"
	    "--b\nContent-Type: text/plain\n\ntwo\n"
	    "--b--\n", BIG, BIG, 0,
	    MIMESCAN_F_UNTERMINATED | MIMESCAN_F_BOUNDARY_MISSING, 1, 2,
	    WHOLE },
	{ "header-only parts count against max_parts", HDR MIXED("b") "\n"
	    "--b\nX-A: 1\n--b\nX-A: 2\n--b\nX-A: 3\n--b\nX-A: 4\n\nbody\n"
	    "--b--\n", BIG, 2, MIMESCAN_F_TOO_MANY_PARTS, 0, 1, 2, "--b", 3 },
	{ "nesting after a header-only part counts", HDR MIXED("b") "\n"
	    "--b\nContent-Type: message/rfc822\n"
	    "--b\n" MIXED("c") "\n"
	    "--c\n" MIXED("d") "\n"
	    "--d\n\ndeep\n--d--\n"
	    "--c--\n"
	    "--b--\n", 2, BIG, MIMESCAN_F_TOO_DEEP, 0, 2, NOCHECK, "--c", 1 },
};

static void
test_delimiter_ends_headers(void **state)
{
	(void)state;
	run_cases(header_delim_cases,
	    sizeof(header_delim_cases) / sizeof(header_delim_cases[0]));
}

/*
 * boundary= is a parameter name, not a substring: "x-boundary=" or a
 * quoted value holding "boundary=" is something else (libetpan parses the
 * parameters and takes the real one, and sees the 2, 2 and 3 leaves of
 * the first three cases).  And boundary="" is a multipart to libetpan,
 * split at "--" lines (it sees three multipart levels in the fourth case,
 * four leaves in the fifth): whatever the scan makes of it, the parser
 * must not be handed more than the limits.
 */
static const struct scan_case boundary_param_cases[] = {
	{ "x-boundary before boundary", HDR
	    "Content-Type: multipart/mixed; x-boundary=\"zz\"; "
	    "boundary=\"b\"\n\n"
	    "--b\n\none\n--b\n\ntwo\n--b--\n", BIG, BIG, EXACT(0), 1, 2,
	    WHOLE },
	{ "boundary= inside a quoted value", HDR
	    "Content-Type: multipart/mixed; name=\"boundary=zz\";\n"
	    " boundary=\"b\"\n\n"
	    "--b\n\none\n--b\n\ntwo\n--b--\n", BIG, BIG, EXACT(0), 1, 2,
	    WHOLE },
	{ "x-boundary does not hide parts from max_parts", HDR
	    "Content-Type: multipart/mixed; x-boundary=\"zz\"; "
	    "boundary=\"b\"\n\n"
	    "--b\n\none\n--b\n\ntwo\n--b\n\nthree\n--b--\n", BIG, 1,
	    EXACT(MIMESCAN_F_TOO_MANY_PARTS), 1, 1, "--b", 2 },
	{ "empty boundary does not hide nesting", HDR
	    "Content-Type: multipart/mixed; boundary=\"\"\n\n"
	    "--\n" MIXED("c") "\n"
	    "--c\n" MIXED("d") "\n"
	    "--d\n\ndeep\n--d--\n"
	    "--c--\n"
	    "----\n", 2, BIG, 0, 0, NOCHECK, NOCHECK, CUT_BEFORE_END },
	{ "empty boundary does not hide parts", HDR
	    "Content-Type: multipart/mixed; boundary=\"\"\n\n"
	    "--\n\n1\n--\n\n2\n--\n\n3\n--\n\n4\n----\n", BIG, 2, 0, 0,
	    NOCHECK, NOCHECK, CUT_BEFORE_END },
};

static void
test_boundary_parameter(void **state)
{
	(void)state;
	run_cases(boundary_param_cases,
	    sizeof(boundary_param_cases) / sizeof(boundary_param_cases[0]));
}

/* levels nested multiparts, one boundary each; offsets of each "--Li" */
static char *
make_deep_multipart(size_t levels, size_t *len_r, size_t *delim_off)
{
	size_t	 cap = levels * 80 + 200, o = 0, i;
	char	*p = malloc(cap);

	assert_non_null(p);
	o += (size_t)snprintf(p + o, cap - o, HDR);
	for (i = 0; i < levels; i++) {
		o += (size_t)snprintf(p + o, cap - o,
		    "Content-Type: multipart/mixed; boundary=\"L%zu\"\n\n", i);
		delim_off[i] = o;
		o += (size_t)snprintf(p + o, cap - o, "--L%zu\n", i);
	}
	o += (size_t)snprintf(p + o, cap - o, "\nthe innermost leaf\n");
	for (i = levels; i-- > 0;)
		o += (size_t)snprintf(p + o, cap - o, "--L%zu--\n", i);
	assert_true(o < cap);
	*len_r = o;
	return p;
}

struct deep_case {
	const char	*name;
	size_t		 max_depth;
	size_t		 want_depth;	/* also: cut at "--L<want_depth - 1>" */
};

static const struct deep_case deep_cases[] = {
	{ "max_depth 2", 2, 2 },
	{ "max_depth 50", 50, 50 },
	{ "max_depth 1000", 1000, 1000 },
	{ "max_depth 5000, capped", 5000, MIMESCAN_MAX_DEPTH },
	{ "max_depth 30000, capped", 30000, MIMESCAN_MAX_DEPTH },
};

/* 20000 levels: finishes, stops at the limit, cuts where it stopped */
static void
test_deep_multipart(void **state)
{
	const size_t		 levels = 20000;
	struct mimescan_result	 r;
	const struct deep_case	*c;
	size_t			*off, len, i;
	char			*msg;
	int			 bad = 0;

	(void)state;
	off = malloc(levels * sizeof(*off));
	assert_non_null(off);
	msg = make_deep_multipart(levels, &len, off);
	for (i = 0; i < sizeof(deep_cases) / sizeof(deep_cases[0]); i++) {
		c = &deep_cases[i];
		mimescan(msg, len, c->max_depth, 100000, &r);
		if (r.flags != MIMESCAN_F_TOO_DEEP ||
		    r.depth != c->want_depth || r.parts != 0 || r.cut != off[c->want_depth - 1]) {
			print_error("%s: flags 0x%x depth %zu parts %zu cut "
			    "%zu; want 0x%x, %zu, 0, %zu\n", c->name, r.flags,
			    r.depth, r.parts, r.cut, MIMESCAN_F_TOO_DEEP,
			    c->want_depth, off[c->want_depth - 1]);
			bad++;
		}
	}
	free(msg);

	/* 1000 levels fit exactly under the hard cap */
	msg = make_deep_multipart(MIMESCAN_MAX_DEPTH, &len, off);
	mimescan(msg, len, MIMESCAN_MAX_DEPTH, 100000, &r);
	if (r.flags != 0 || r.depth != MIMESCAN_MAX_DEPTH || r.parts != 1 ||
	    r.cut != len) {
		print_error("1000 levels: flags 0x%x depth %zu parts %zu cut "
		    "%zu of %zu\n", r.flags, r.depth, r.parts, r.cut, len);
		bad++;
	}
	free(msg);
	free(off);
	assert_int_equal(bad, 0);
}

/* 20000 message/rfc822 levels, each the body of the one before */
static void
test_deep_rfc822(void **state)
{
	static const char	 lvl[] = "Content-Type: message/rfc822\n\n";
	static const char	 leaf[] = "From: x@example.org\n\nbody\n";
	const size_t		 levels = 20000;
	struct mimescan_result	 r;
	size_t			 len, i;
	char			*msg, *o;

	(void)state;
	len = levels * (sizeof(lvl) - 1) + sizeof(leaf) - 1;
	msg = malloc(len);
	assert_non_null(msg);
	for (o = msg, i = 0; i < levels; i++, o += sizeof(lvl) - 1)
		memcpy(o, lvl, sizeof(lvl) - 1);
	memcpy(o, leaf, sizeof(leaf) - 1);

	mimescan(msg, len, 50, 1000, &r);
	assert_int_equal(r.flags, MIMESCAN_F_TOO_DEEP);
	assert_int_equal(r.depth, 50);
	assert_true(r.cut < len);

	mimescan(msg, len, 100000, 1000, &r);
	assert_int_equal(r.flags, MIMESCAN_F_TOO_DEEP);
	assert_int_equal(r.depth, MIMESCAN_MAX_DEPTH);
	assert_true(r.cut < len);
	free(msg);
}

/* the same scan twice gives the same answer (no state left behind) */
static void
test_repeatable(void **state)
{
	static const char	 msg[] = THREE_LEVELS;
	struct mimescan_result	 a, b, c;

	(void)state;
	mimescan(msg, sizeof(msg) - 1, 2, BIG, &a);
	mimescan(msg, sizeof(msg) - 1, 3, BIG, &b);
	mimescan(msg, sizeof(msg) - 1, 2, BIG, &c);
	assert_int_equal(a.flags, MIMESCAN_F_TOO_DEEP);
	assert_int_equal(b.flags, 0);
	assert_memory_equal(&a, &c, sizeof(a));
	assert_int_equal(b.cut, sizeof(msg) - 1);
	assert_true(a.cut < b.cut);
}

struct long_case {
	const char	*name;
	size_t		 linelen;
	const char	*eol;
	int		 in_header;
	unsigned	 want;
};

static const struct long_case long_cases[] = {
	{ "998 bytes, LF", 998, "\n", 0, 0 },
	{ "998 bytes, CRLF", 998, "\r\n", 0, 0 },
	{ "999 bytes, LF", 999, "\n", 0, MIMESCAN_F_LONG_LINE },
	{ "999 bytes, CRLF", 999, "\r\n", 0, MIMESCAN_F_LONG_LINE },
	{ "999 bytes, no line end", 999, "", 0, MIMESCAN_F_LONG_LINE },
	{ "5000 bytes", 5000, "\n", 0, MIMESCAN_F_LONG_LINE },
	{ "999-byte header field", 999, "\n", 1, MIMESCAN_F_LONG_LINE },
	{ "998-byte header field", 998, "\r\n", 1, 0 },
};

static void
test_long_lines(void **state)
{
	const struct long_case	*c;
	struct mimescan_result	 r;
	const char		*heol;
	char			*msg;
	size_t			 i, o;
	int			 bad = 0;

	(void)state;
	for (i = 0; i < sizeof(long_cases) / sizeof(long_cases[0]); i++) {
		c = &long_cases[i];
		msg = malloc(c->linelen + 64);
		assert_non_null(msg);
		o = 0;
		heol = *c->eol != '\0' ? c->eol : "\n";
		if (c->in_header) {
			memcpy(msg, "X-Long: ", 8);
			memset(msg + 8, 'h', c->linelen - 8);
			o = c->linelen;
			o += (size_t)snprintf(msg + o, 64, "%s%s", heol, heol);
		} else {
			o += (size_t)snprintf(msg, 64, "From: a%s%s", heol, heol);
			memset(msg + o, 'x', c->linelen);
			o += c->linelen;
			o += (size_t)snprintf(msg + o, 64 - 16, "%s", c->eol);
		}
		mimescan(msg, o, BIG, BIG, &r);
		if (r.flags != c->want || r.parts != 1 || r.cut != o) {
			print_error("%s: flags 0x%x parts %zu cut %zu of %zu, "
			    "want flags 0x%x\n", c->name, r.flags, r.parts,
			    r.cut, o, c->want);
			bad++;
		}
		free(msg);
	}
	assert_int_equal(bad, 0);
}

/* an empty message: nothing to scan, nothing to cut */
static void
test_empty(void **state)
{
	struct mimescan_result r;

	(void)state;
	mimescan("", 0, BIG, BIG, &r);
	assert_int_equal(r.cut, 0);
	assert_int_equal(r.depth, 0);
	assert_int_equal(r.flags & (MIMESCAN_F_TOO_DEEP |
	    MIMESCAN_F_TOO_MANY_PARTS | MIMESCAN_F_NO_BOUNDARY), 0);
}

#define IN(s)	(s), sizeof(s) - 1

struct eol_case {
	const char	*name;
	const char	*in;
	size_t		 len;
	unsigned	 flags;		/* exact */
	int		 rc;
};

static const struct eol_case eol_cases[] = {
	{ "CRLF only", IN("From: a\r\n\r\nbody\r\n"), 0, 0 },
	{ "LF only", IN("From: a\n\nbody\n"), 0, 0 },
	{ "no line end", IN("abc"), 0, 0 },
	{ "empty", IN(""), 0, 0 },
	{ "mixed CRLF and LF", IN("From: a\r\n\nbody\r\n"),
	    MIMESCAN_F_MIXED_EOL, 0 },
	{ "one LF among CRLFs", IN("a\r\nb\r\nc\r\nd\ne\r\n"),
	    MIMESCAN_F_MIXED_EOL, 0 },
	{ "CR only", IN("From: a\r\rbody\r"), MIMESCAN_F_BARE_CR, 1 },
	{ "one CR", IN("\r"), MIMESCAN_F_BARE_CR, 1 },
	{ "CR only, no final CR", IN("a\rb"), MIMESCAN_F_BARE_CR, 1 },
	{ "stray CR in LF text", IN("a\rb\nc\n"), MIMESCAN_F_BARE_CR, 0 },
	{ "stray CR in CRLF text", IN("a\r\r\nb\r\n"), MIMESCAN_F_BARE_CR, 0 },
	{ "CR at the very end of CRLF text", IN("a\r\nb\r"),
	    MIMESCAN_F_BARE_CR, 0 },
	{ "NUL", IN("From: a\n\nb\0dy\n"), MIMESCAN_F_NUL, 0 },
	{ "NUL only", IN("\0"), MIMESCAN_F_NUL, 0 },
	{ "NUL in CR-only text", IN("a\r\0\r"),
	    MIMESCAN_F_NUL | MIMESCAN_F_BARE_CR, 1 },
	{ "everything", IN("a\r\nb\nc\rd\0"), MIMESCAN_F_MIXED_EOL |
	    MIMESCAN_F_BARE_CR | MIMESCAN_F_NUL, 0 },
};

static void
test_eol(void **state)
{
	const struct eol_case	*c;
	unsigned		 flags;
	size_t			 i;
	int			 rc, bad = 0;

	(void)state;
	for (i = 0; i < sizeof(eol_cases) / sizeof(eol_cases[0]); i++) {
		c = &eol_cases[i];
		flags = 0;
		rc = mimescan_eol(c->in, c->len, &flags);
		if (rc != c->rc || flags != c->flags) {
			print_error("%s: rc %d flags 0x%x, want %d and 0x%x\n",
			    c->name, rc, flags, c->rc, c->flags);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_structure),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_delimiter_ends_headers),
		cmocka_unit_test(test_boundary_parameter),
		cmocka_unit_test(test_deep_multipart),
		cmocka_unit_test(test_deep_rfc822),
		cmocka_unit_test(test_repeatable),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_eol),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
