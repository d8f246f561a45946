/*
 * tmpl.c - mail text from templates (see tmpl.h and templates/README.md).
 *
 * A file is read whole (at most TMPL_MAX_FILE), checked and normalised
 * (CRLF to LF, a leading BOM dropped), split into its Subject and its
 * body, and expanded in one pass: a value is never expanded again, so a
 * reporter's subject holding "{{tag}}" stays text.  tmpl_check runs the
 * same code without values, so a template that passes the check is one
 * that renders.
 *
 * Never: quote the report ({{subject}} only, and only in Subject), build a
 * path from a name that was not checked, leave a placeholder blank.
 * Errors: 0, or -1 with a struct mg_err; MG_ERR_PERM for what a retry
 * cannot fix (a broken template, a bad name, a missing value), MG_ERR_TEMP
 * for I/O errors.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "madoguchi/buf.h"
#include "madoguchi/err.h"
#include "madoguchi/tmpl.h"
#include "madoguchi/util.h"
#include "madoguchi/xalloc.h"

#define NAME_MAX_LEN	64	/* of a template, queue, class or type name */
#define CHECKLIST_FILE	"checklist.txt"

/* the placeholders, and where each may appear */
enum var_id {
	V_TAG, V_RECEIVED, V_TEAM_NAME, V_TEAM_ADDRESS, V_FINGERPRINT,
	V_QUEUE, V_TYPE, V_SUBJECT, V_CHECKLIST_JA, V_CHECKLIST_EN
};

#define IN_SUBJECT	1
#define IN_BODY		2

static const struct {
	const char	*name;
	enum var_id	 id;
	int		 where;
} vars[] = {
	{ "tag", V_TAG, IN_SUBJECT | IN_BODY },
	{ "received", V_RECEIVED, IN_SUBJECT | IN_BODY },
	{ "team_name", V_TEAM_NAME, IN_SUBJECT | IN_BODY },
	{ "team_address", V_TEAM_ADDRESS, IN_SUBJECT | IN_BODY },
	{ "fingerprint", V_FINGERPRINT, IN_SUBJECT | IN_BODY },
	{ "queue", V_QUEUE, IN_SUBJECT | IN_BODY },
	{ "type", V_TYPE, IN_SUBJECT | IN_BODY },
	/* the report itself is never quoted: its subject only, in Subject */
	{ "subject", V_SUBJECT, IN_SUBJECT },
	/* several lines: body only */
	{ "checklist_ja", V_CHECKLIST_JA, IN_BODY },
	{ "checklist_en", V_CHECKLIST_EN, IN_BODY },
};

/* checklist sections; CL_N doubles as "basic items only" */
enum cl_sec {
	CL_BASIC, CL_DATA_LEAK, CL_MALWARE, CL_INTRUSION, CL_DDOS,
	CL_PHISHING, CL_VULNERABILITY, CL_N
};

static const char *const cl_names[CL_N] = {
	"basic", "data-leak", "malware", "intrusion", "ddos", "phishing",
	"vulnerability"
};

enum cl_lang { LANG_JA, LANG_EN, LANG_N };

struct checklist {
	struct buf	items[LANG_N][CL_N];	/* "- item\n" lines */
	size_t		count[LANG_N][CL_N];
	int		seen[CL_N];
};

/* one file: where it came from and its text, normalised */
struct source {
	char	*label;		/* path, or "built-in NAME": for messages */
	char	*text;
	size_t	 len;
};

/* a template split at the empty line */
struct parsed {
	const char	*subj;
	size_t		 subj_len;
	int		 subj_line;
	const char	*body;
	size_t		 body_len;
	int		 body_line;
};

/* one rendering (or one check, with v NULL) */
struct render {
	const char		*label;
	const char		*dir;
	const struct tmpl_vars	*v;
	enum cl_sec		 sec;
	struct checklist	*cl;		/* loaded at first use */
};

static int	tfail(struct mg_err *, const char *, int, const char *, ...)
		    __attribute__((format(printf, 4, 5)));
static size_t	utf8_len(const unsigned char *, size_t);
static int	valid_word(const char *, size_t);
static int	valid_type(const char *);
static enum cl_sec type_section(const char *);
static int	read_opt(const char *, char **, size_t *, struct mg_err *);
static int	normalise(struct source *, struct mg_err *);
static int	find(const char *, char *const *, size_t, struct source *,
		    struct mg_err *);
static void	source_free(struct source *);
static int	parse(const struct source *, struct parsed *, struct mg_err *);
static void	checklist_free(struct checklist *);
static int	checklist_parse(const struct source *, struct checklist *,
		    struct mg_err *);
static int	checklist_load(const char *, struct checklist *,
		    struct mg_err *);
static void	put_clean(struct buf *, const char *, size_t);
static int	put_fingerprint(struct buf *, const char *);
static int	put_value(struct render *, enum var_id, const char *, int,
		    struct buf *, struct mg_err *);
static int	expand(struct render *, const char *, size_t, int, int,
		    struct buf *, struct mg_err *);
static int	check_one(struct source *, struct mg_err *);

/* tfail - a broken template: "tmpl: LABEL:LINE: reason", log-safe */
static int
tfail(struct mg_err *err, const char *label, int line, const char *fmt, ...)
{
	va_list	ap;
	char	why[384];
	size_t	i;

	va_start(ap, fmt);
	(void)vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (line > 0)
		mg_err_set(err, MG_ERR_PERM, "tmpl: %s:%d: %s", label, line,
		    why);
	else
		mg_err_set(err, MG_ERR_PERM, "tmpl: %s: %s", label, why);
	/* a file name from readdir may hold anything */
	if (err != NULL)
		for (i = 0; err->msg[i] != '\0'; i++)
			if ((unsigned char)err->msg[i] < 0x20 ||
			    err->msg[i] == 0x7f)
				err->msg[i] = '?';
	return -1;
}

/* snippet - printable ASCII of s[0..n), at most 40 bytes, for messages */
static void
snippet(const char *s, size_t n, char out[48])
{
	size_t i;

	if (n > 40)
		n = 40;
	for (i = 0; i < n; i++)
		out[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	out[i] = '\0';
}

/* utf8_len - length of the well-formed UTF-8 sequence at p, or 0 */
static size_t
utf8_len(const unsigned char *p, size_t n)
{
	size_t		len, i;
	unsigned int	cp;

	if (n == 0)
		return 0;
	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		len = 2;
		cp = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		len = 3;
		cp = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		len = 4;
		cp = p[0] & 0x07;
	} else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	/* overlong forms, surrogates, past U+10FFFF */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

/* valid_word - 1 if s[0..n) is 1 to NAME_MAX_LEN of [a-z0-9_-] */
static int
valid_word(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > NAME_MAX_LEN)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '-'))
			return 0;
	return 1;
}

/* valid_type - 1 if s is "class/type", both valid words */
static int
valid_type(const char *s)
{
	const char *slash = strchr(s, '/');

	return slash != NULL && valid_word(s, (size_t)(slash - s)) &&
	    valid_word(slash + 1, strlen(slash + 1));
}

/* type_section - the checklist section for an RSIT "class/type" */
static enum cl_sec
type_section(const char *type)
{
	const char	*t;
	size_t		 n;

	if (type == NULL || (t = strchr(type, '/')) == NULL)
		return CL_N;
	n = (size_t)(t - type);
	t++;
#define CLASS_IS(s)	(n == sizeof(s) - 1 && memcmp(type, s, n) == 0)
	if (CLASS_IS("information-content-security"))
		return CL_DATA_LEAK;
	if (CLASS_IS("malicious-code"))
		return CL_MALWARE;
	if (CLASS_IS("intrusions") || CLASS_IS("intrusion-attempts"))
		return CL_INTRUSION;
	if (CLASS_IS("availability") &&
	    (strcmp(t, "dos") == 0 || strcmp(t, "ddos") == 0))
		return CL_DDOS;
	if (CLASS_IS("fraud") && strcmp(t, "phishing") == 0)
		return CL_PHISHING;
	if (CLASS_IS("vulnerable"))
		return CL_VULNERABILITY;
#undef CLASS_IS
	return CL_N;
}

/*
 * read_opt - the bytes of path: 1 read, 0 no such file, -1 error.  A
 * FIFO or device is refused without blocking on it (O_NONBLOCK).
 */
static int
read_opt(const char *path, char **data_r, size_t *len_r, struct mg_err *err)
{
	struct stat	st;
	struct buf	b;
	char		chunk[8192];
	ssize_t		r;
	int		fd, rc = -1;

	buf_init(&b, TMPL_MAX_FILE + 1);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		mg_err_set(err, MG_ERR_TEMP, "tmpl: open %s: %s", path,
		    strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0) {
		mg_err_set(err, MG_ERR_TEMP, "tmpl: stat %s: %s", path,
		    strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		(void)tfail(err, path, 0, "not a regular file");
		goto out;
	}
	if (st.st_size > TMPL_MAX_FILE)
		goto too_big;
	for (;;) {
		r = read(fd, chunk, sizeof(chunk));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			mg_err_set(err, MG_ERR_TEMP, "tmpl: read %s: %s", path,
			    strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		/* the file may have grown since fstat */
		if (buf_append(&b, chunk, (size_t)r) != 0 ||
		    b.len > TMPL_MAX_FILE)
			goto too_big;
	}
	*data_r = buf_steal(&b, len_r);
	rc = 1;
	goto out;
too_big:
	(void)tfail(err, path, 0, "larger than %d bytes", TMPL_MAX_FILE);
out:
	(void)close(fd);	/* read-only: nothing to lose */
	buf_free(&b);
	return rc;
}

/*
 * normalise - check src->text (no NUL, UTF-8, no control character but
 * TAB, CR only before LF) and replace it by its LF-only form, BOM dropped
 */
static int
normalise(struct source *src, struct mg_err *err)
{
	const unsigned char	*p = (const unsigned char *)src->text;
	size_t			 n = src->len, i = 0, k;
	struct buf		 b;
	int			 line = 1;

	if (n > TMPL_MAX_FILE)
		return tfail(err, src->label, 0, "larger than %d bytes",
		    TMPL_MAX_FILE);
	if (n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	buf_init(&b, n);
	while (i < n) {
		if (p[i] == '\0') {
			buf_free(&b);
			return tfail(err, src->label, line, "NUL byte");
		}
		if (p[i] == '\r') {
			if (i + 1 < n && p[i + 1] == '\n') {
				i++;
				continue;
			}
			buf_free(&b);
			return tfail(err, src->label, line, "CR without LF");
		}
		if (p[i] == '\n')
			line++;
		else if ((p[i] < 0x20 && p[i] != '\t') || p[i] == 0x7f) {
			buf_free(&b);
			return tfail(err, src->label, line,
			    "control character 0x%02x", p[i]);
		}
		k = utf8_len(p + i, n - i);
		if (k == 0) {
			buf_free(&b);
			return tfail(err, src->label, line, "invalid UTF-8");
		}
		/* never longer than the input: cannot be cut */
		(void)buf_append(&b, p + i, k);
		i += k;
	}
	free(src->text);
	src->text = buf_steal(&b, &src->len);
	return 0;
}

static void
source_free(struct source *src)
{
	free(src->label);
	free(src->text);
	src->label = src->text = NULL;
	src->len = 0;
}

/*
 * find - the first of names found in dir (may be NULL), else in the
 * built-in set: 0 with *src filled (raw text), 1 if none exists, -1 on
 * an I/O error or a file over the limit
 */
static int
find(const char *dir, char *const *names, size_t n, struct source *src,
    struct mg_err *err)
{
	size_t	 i, j;
	char	*path;
	int	 rc;

	for (i = 0; dir != NULL && i < n; i++) {
		path = util_path(dir, names[i]);
		rc = read_opt(path, &src->text, &src->len, err);
		if (rc != 0) {
			if (rc < 0) {
				free(path);
				return -1;
			}
			src->label = path;
			return 0;
		}
		free(path);
	}
	for (i = 0; i < n; i++)
		for (j = 0; j < tmpl_builtin_n; j++)
			if (strcmp(tmpl_builtin[j].name, names[i]) == 0) {
				src->label = xasprintf("built-in %s",
				    names[i]);
				src->text = xmemdup(tmpl_builtin[j].text,
				    tmpl_builtin[j].len);
				src->len = tmpl_builtin[j].len;
				return 0;
			}
	return 1;
}

/* parse - split a normalised template into Subject and body */
static int
parse(const struct source *src, struct parsed *t, struct mg_err *err)
{
	const char	*p = src->text, *end = src->text + src->len;
	const char	*eol, *v, *ve;
	size_t		 llen, nlen;
	int		 line = 1;
	char		 show[48];

	memset(t, 0, sizeof(*t));
	for (;; line++) {
		if (p == end)
			return tfail(err, src->label, line, t->subj == NULL ?
			    "no Subject header" :
			    "no empty line after the headers");
		eol = memchr(p, '\n', (size_t)(end - p));
		llen = eol != NULL ? (size_t)(eol - p) : (size_t)(end - p);
		if (llen == 0)
			break;
		if (*p == ' ' || *p == '\t')
			return tfail(err, src->label, line,
			    "folded header lines are not supported");
		for (nlen = 0; nlen < llen && (p[nlen] == '-' ||
		    (p[nlen] >= 'A' && p[nlen] <= 'Z') ||
		    (p[nlen] >= 'a' && p[nlen] <= 'z') ||
		    (p[nlen] >= '0' && p[nlen] <= '9')); nlen++)
			;
		if (nlen == 0 || nlen == llen || p[nlen] != ':')
			return tfail(err, src->label, line,
			    "not a \"Name: value\" header line (no empty line "
			    "after the headers?)");
		if (nlen != 7 || strncasecmp(p, "Subject", 7) != 0) {
			snippet(p, nlen, show);
			return tfail(err, src->label, line,
			    "header %s not allowed (only Subject)", show);
		}
		if (t->subj != NULL)
			return tfail(err, src->label, line,
			    "Subject given twice");
		v = p + nlen + 1;
		ve = p + llen;
		while (v < ve && (*v == ' ' || *v == '\t'))
			v++;
		while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
			ve--;
		if (v == ve)
			return tfail(err, src->label, line, "empty Subject");
		t->subj = v;
		t->subj_len = (size_t)(ve - v);
		t->subj_line = line;
		if (eol == NULL)
			return tfail(err, src->label, line + 1,
			    "no empty line after the headers");
		p = eol + 1;
	}
	if (t->subj == NULL)
		return tfail(err, src->label, line, "no Subject header");
	t->body = eol + 1;
	t->body_len = (size_t)(end - t->body);
	t->body_line = line + 1;
	/* a non-blank body never renders empty: no value is ever blank */
	for (v = t->body; v < end; v++)
		if (*v != '\n' && *v != ' ' && *v != '\t')
			return 0;
	return tfail(err, src->label, t->body_line, "empty body");
}

static void
checklist_free(struct checklist *cl)
{
	int l, s;

	if (cl == NULL)
		return;
	for (l = 0; l < LANG_N; l++)
		for (s = 0; s < CL_N; s++)
			buf_free(&cl->items[l][s]);
}

/*
 * checklist_parse - "[section]" lines, then "ja: item" and "en: item"
 * lines; "#" lines and blank lines ignored.  [basic] is required, every
 * section has as many ja: items as en: items.
 */
static int
checklist_parse(const struct source *src, struct checklist *cl,
    struct mg_err *err)
{
	const char	*p = src->text, *end = src->text + src->len;
	const char	*eol, *le, *v;
	int		 line, sec = -1, s, l, last = 0;
	char		 show[48];

	memset(cl, 0, sizeof(*cl));
	for (l = 0; l < LANG_N; l++)
		for (s = 0; s < CL_N; s++)
			buf_init(&cl->items[l][s], TMPL_MAX_FILE * 2);
	for (line = 1; p < end; line++, p = eol < end ? eol + 1 : end) {
		eol = memchr(p, '\n', (size_t)(end - p));
		if (eol == NULL)
			eol = end;
		last = line;
		le = eol;
		while (p < le && (*p == ' ' || *p == '\t'))
			p++;
		while (le > p && (le[-1] == ' ' || le[-1] == '\t'))
			le--;
		if (p == le || *p == '#')
			continue;
		if (*p == '[') {
			if (le[-1] != ']' || le - p < 3)
				return tfail(err, src->label, line,
				    "bad section line");
			for (sec = 0; sec < CL_N; sec++)
				if ((size_t)(le - p - 2) ==
				    strlen(cl_names[sec]) &&
				    memcmp(p + 1, cl_names[sec],
				    (size_t)(le - p - 2)) == 0)
					break;
			if (sec == CL_N) {
				snippet(p, (size_t)(le - p), show);
				return tfail(err, src->label, line,
				    "unknown section %s", show);
			}
			if (cl->seen[sec])
				return tfail(err, src->label, line,
				    "section [%s] given twice", cl_names[sec]);
			cl->seen[sec] = 1;
			continue;
		}
		if (le - p >= 3 && memcmp(p, "ja:", 3) == 0)
			l = LANG_JA;
		else if (le - p >= 3 && memcmp(p, "en:", 3) == 0)
			l = LANG_EN;
		else
			return tfail(err, src->label, line,
			    "expected [section], \"ja: item\" or \"en: item\"");
		if (sec < 0)
			return tfail(err, src->label, line,
			    "item before any [section]");
		for (v = p + 3; v < le && (*v == ' ' || *v == '\t'); v++)
			;
		if (v == le)
			return tfail(err, src->label, line, "empty item");
		/* at most twice the file: cannot be cut */
		(void)buf_puts(&cl->items[l][sec], "- ");
		(void)buf_append(&cl->items[l][sec], v, (size_t)(le - v));
		(void)buf_putc(&cl->items[l][sec], '\n');
		cl->count[l][sec]++;
	}
	if (!cl->seen[CL_BASIC] || cl->count[LANG_JA][CL_BASIC] == 0)
		return tfail(err, src->label, last,
		    "no [basic] section with items");
	for (s = 0; s < CL_N; s++)
		if (cl->count[LANG_JA][s] != cl->count[LANG_EN][s])
			return tfail(err, src->label, last,
			    "section [%s]: %zu ja: items but %zu en: items",
			    cl_names[s], cl->count[LANG_JA][s],
			    cl->count[LANG_EN][s]);
	return 0;
}

/* checklist_load - dir/checklist.txt, else the built-in one */
static int
checklist_load(const char *dir, struct checklist *cl, struct mg_err *err)
{
	char		*names[] = { CHECKLIST_FILE };
	struct source	 src = { NULL, NULL, 0 };
	int		 rc;

	memset(cl, 0, sizeof(*cl));
	rc = find(dir, names, 1, &src, err);
	if (rc > 0)
		return tfail(err, CHECKLIST_FILE, 0, "not found");
	if (rc == 0 && (rc = normalise(&src, err)) == 0)
		rc = checklist_parse(&src, cl, err);
	source_free(&src);
	return rc;
}

/*
 * put_clean - s with control characters as spaces and invalid UTF-8 as
 * U+FFFD, cut to at most max bytes (then "…")
 */
static void
put_clean(struct buf *out, const char *s, size_t max)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 n = strlen(s), i = 0, k, done = 0;

	while (i < n) {
		k = utf8_len(p + i, n - i);
		if (done + (k ? k : 3) > max) {
			(void)buf_puts(out, "\xe2\x80\xa6");
			return;
		}
		if (k == 0) {
			(void)buf_puts(out, "\xef\xbf\xbd");
			done += 3;
			i++;
		} else if (k == 1 && (p[i] < 0x20 || p[i] == 0x7f)) {
			(void)buf_putc(out, ' ');
			done++;
			i++;
		} else {
			(void)buf_append(out, p + i, k);
			done += k;
			i += k;
		}
	}
}

/*
 * put_fingerprint - hex digits in groups of 4, as gpg shows them: for a
 * 40-digit (v4) fingerprint, two spaces between the halves.  Spaces in the
 * input are ignored; -1 if it is not hex or not a multiple of 4 digits.
 */
static int
put_fingerprint(struct buf *out, const char *fp)
{
	char	hex[129];
	size_t	n = 0, i;

	for (; *fp != '\0'; fp++) {
		if (*fp == ' ')
			continue;
		if (n == sizeof(hex) - 1)
			return -1;
		if (*fp >= '0' && *fp <= '9')
			hex[n++] = *fp;
		else if (*fp >= 'a' && *fp <= 'f')
			hex[n++] = (char)(*fp - 'a' + 'A');
		else if (*fp >= 'A' && *fp <= 'F')
			hex[n++] = *fp;
		else
			return -1;
	}
	if (n == 0 || n % 4 != 0)
		return -1;
	for (i = 0; i < n; i += 4) {
		if (i > 0)
			(void)buf_puts(out, n == 40 && i == 20 ? "  " : " ");
		(void)buf_append(out, hex + i, 4);
	}
	return 0;
}

/* put_value - the value of placeholder id (named name) at line */
static int
put_value(struct render *r, enum var_id id, const char *name, int line,
    struct buf *out, struct mg_err *err)
{
	const struct tmpl_vars	*v = r->v;
	const char		*s = NULL;
	struct buf		*items;
	size_t			 start = out->len;
	int			 l;

	switch (id) {
	case V_TAG:
		s = v->tag;
		break;
	case V_RECEIVED:
		s = v->received;
		break;
	case V_TEAM_NAME:
		s = v->team_name;
		break;
	case V_TEAM_ADDRESS:
		s = v->team_address;
		break;
	case V_FINGERPRINT:
		if (v->fingerprint == NULL || *v->fingerprint == '\0')
			break;
		if (put_fingerprint(out, v->fingerprint) != 0)
			return tfail(err, r->label, line,
			    "{{fingerprint}}: the team key fingerprint is not "
			    "hex digits");
		return 0;
	case V_QUEUE:
		s = v->queue != NULL ? v->queue : "triage";
		break;
	case V_TYPE:
		s = v->type != NULL ? v->type : "unclassified";
		break;
	case V_SUBJECT:
		/* empty for an encrypted report: its subject stays secret */
		if (v->subject != NULL)
			put_clean(out, v->subject, TMPL_MAX_SUBJECT_VAR);
		return 0;
	case V_CHECKLIST_JA:
	case V_CHECKLIST_EN:
		if (r->cl == NULL) {
			r->cl = xmalloc(sizeof(*r->cl));
			if (checklist_load(r->dir, r->cl, err) != 0) {
				checklist_free(r->cl);
				free(r->cl);
				r->cl = NULL;
				return -1;
			}
		}
		l = id == V_CHECKLIST_JA ? LANG_JA : LANG_EN;
		items = &r->cl->items[l][CL_BASIC];
		(void)buf_append(out, items->data, items->len);
		if (r->sec != CL_N) {
			items = &r->cl->items[l][r->sec];
			if (items->len > 0)
				(void)buf_append(out, items->data,
				    items->len);
		}
		/* the template's own line end follows the placeholder */
		if (out->len > start && out->data[out->len - 1] == '\n' &&
		    !out->truncated)
			out->data[--out->len] = '\0';
		return 0;
	}
	if (s == NULL || *s == '\0')
		return tfail(err, r->label, line, "{{%s}} has no value", name);
	put_clean(out, s, TMPL_MAX_BODY);
	return 0;
}

/*
 * expand - s[0..n), starting at line, with its placeholders replaced, to
 * out (NULL with r->v NULL: check only).  where is IN_SUBJECT or IN_BODY.
 */
static int
expand(struct render *r, const char *s, size_t n, int line, int where,
    struct buf *out, struct mg_err *err)
{
	const char	*p = s, *end = s + n, *open, *close, *eol;
	const char	*a, *b, *lim;
	char		 show[48];
	size_t		 i;

	while (p < end) {
		open = memmem(p, (size_t)(end - p), "{{", 2);
		lim = open != NULL ? open : end;
		for (a = p; a < lim; a++)
			if (*a == '\n')
				line++;
		if (out != NULL)
			(void)buf_append(out, p, (size_t)(lim - p));
		if (open == NULL)
			break;
		eol = memchr(open, '\n', (size_t)(end - open));
		if (eol == NULL)
			eol = end;
		close = memmem(open + 2, (size_t)(eol - open - 2), "}}", 2);
		if (close == NULL)
			return tfail(err, r->label, line,
			    "unterminated {{ (a placeholder ends with }} on "
			    "its line)");
		for (a = open + 2; a < close && (*a == ' ' || *a == '\t'); a++)
			;
		for (b = a; b < close && ((*b >= 'a' && *b <= 'z') ||
		    (*b >= '0' && *b <= '9') || *b == '_'); b++)
			;
		snippet(a, (size_t)(b - a), show);
		lim = b;
		while (b < close && (*b == ' ' || *b == '\t'))
			b++;
		if (a == lim || b != close) {
			snippet(open + 2, (size_t)(close - open - 2), show);
			return tfail(err, r->label, line,
			    "bad placeholder {{%s}}", show);
		}
		for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
			if (strlen(vars[i].name) == (size_t)(lim - a) &&
			    memcmp(vars[i].name, a, (size_t)(lim - a)) == 0)
				break;
		if (i == sizeof(vars) / sizeof(vars[0]))
			return tfail(err, r->label, line,
			    "unknown placeholder {{%s}}", show);
		if (!(vars[i].where & where))
			return tfail(err, r->label, line,
			    vars[i].id == V_SUBJECT ?
			    "{{%s}} is allowed only in the Subject header "
			    "(a reply never quotes the report)" :
			    "{{%s}} is allowed only in the body", show);
		if (r->v != NULL && out != NULL &&
		    put_value(r, vars[i].id, vars[i].name, line, out,
		    err) != 0)
			return -1;
		p = close + 2;
	}
	return 0;
}

int
tmpl_render(const char *dir, const char *name, const struct tmpl_vars *v,
    char **subject_r, char **body_r, struct mg_err *err)
{
	struct source	 src = { NULL, NULL, 0 };
	struct parsed	 t;
	struct render	 r;
	struct buf	 subj, body;
	char		*names[4], slug[2 * NAME_MAX_LEN + 2], *q;
	const char	*queue;
	size_t		 nn = 0, i;
	int		 rc = -1;

	buf_init(&subj, TMPL_MAX_SUBJECT);
	buf_init(&body, TMPL_MAX_BODY);
	memset(&r, 0, sizeof(r));
	/* every part of a file name is checked before any path is built */
	if (name == NULL || !valid_word(name, strlen(name))) {
		mg_err_set(err, MG_ERR_PERM, "tmpl: bad template name");
		return -1;
	}
	if (v == NULL) {
		mg_err_set(err, MG_ERR_PERM, "tmpl: no values");
		return -1;
	}
	queue = v->queue != NULL ? v->queue : "triage";
	if (!valid_word(queue, strlen(queue))) {
		mg_err_set(err, MG_ERR_PERM, "tmpl: bad queue name");
		return -1;
	}
	if (v->type != NULL && !valid_type(v->type)) {
		mg_err_set(err, MG_ERR_PERM, "tmpl: bad type (not "
		    "\"class/type\" of [a-z0-9_-])");
		return -1;
	}
	if (v->type != NULL) {
		(void)snprintf(slug, sizeof(slug), "%s", v->type);
		*strchr(slug, '/') = '-';
		names[nn++] = xasprintf("%s.q-%s.t-%s.txt", name, queue, slug);
		names[nn++] = xasprintf("%s.t-%s.txt", name, slug);
	}
	names[nn++] = xasprintf("%s.q-%s.txt", name, queue);
	names[nn++] = xasprintf("%s.txt", name);

	rc = find(dir, names, nn, &src, err);
	if (rc > 0) {
		mg_err_set(err, MG_ERR_PERM, "tmpl: no template %s.txt in %s "
		    "or built in", name, dir != NULL ? dir : "(none)");
		rc = -1;
	}
	if (rc != 0 || normalise(&src, err) != 0 ||
	    parse(&src, &t, err) != 0)
		goto fail;
	r.label = src.label;
	r.dir = dir;
	r.v = v;
	r.sec = type_section(v->type);
	if (expand(&r, t.subj, t.subj_len, t.subj_line, IN_SUBJECT, &subj,
	    err) != 0 ||
	    expand(&r, t.body, t.body_len, t.body_line, IN_BODY, &body,
	    err) != 0)
		goto fail;
	if (subj.truncated || body.truncated) {
		(void)tfail(err, src.label, 0, "rendered %s larger than %d "
		    "bytes", subj.truncated ? "Subject" : "body",
		    subj.truncated ? TMPL_MAX_SUBJECT : TMPL_MAX_BODY);
		goto fail;
	}
	/* "Received: " with an empty {{subject}} ends without a blank */
	while (subj.len > 0 && (subj.data[subj.len - 1] == ' ' ||
	    subj.data[subj.len - 1] == '\t'))
		subj.data[--subj.len] = '\0';
	while (body.len > 0 && body.data[body.len - 1] == '\n')
		body.data[--body.len] = '\0';
	if (subj.len == 0 || body.len == 0) {
		(void)tfail(err, src.label, 0, "renders an empty %s",
		    subj.len == 0 ? "Subject" : "body");
		goto fail;
	}
	(void)buf_putc(&body, '\n');	/* removed above: room for it */
	q = buf_steal(&subj, NULL);
	*body_r = buf_steal(&body, NULL);
	*subject_r = q;
	rc = 0;
	goto out;
fail:
	rc = -1;
out:
	for (i = 0; i < nn; i++)
		free(names[i]);
	source_free(&src);
	checklist_free(r.cl);
	free(r.cl);
	buf_free(&subj);
	buf_free(&body);
	return rc;
}

/* check_one - a raw file: as a checklist, or as a template without values */
static int
check_one(struct source *src, struct mg_err *err)
{
	const char	*base = strrchr(src->label, '/');
	struct checklist cl;
	struct parsed	 t;
	struct render	 r;
	int		 rc;

	base = base != NULL ? base + 1 : src->label;
	if (strncmp(base, "built-in ", 9) == 0)
		base += 9;
	if (normalise(src, err) != 0)
		return -1;
	if (strcmp(base, CHECKLIST_FILE) == 0) {
		rc = checklist_parse(src, &cl, err);
		checklist_free(&cl);
		return rc;
	}
	memset(&r, 0, sizeof(r));
	r.label = src->label;
	r.sec = CL_N;
	if (parse(src, &t, err) != 0 ||
	    expand(&r, t.subj, t.subj_len, t.subj_line, IN_SUBJECT, NULL,
	    err) != 0 ||
	    expand(&r, t.body, t.body_len, t.body_line, IN_BODY, NULL,
	    err) != 0)
		return -1;
	return 0;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
tmpl_check(const char *dir, struct mg_err *err)
{
	struct source	 src = { NULL, NULL, 0 };
	struct dirent	*de;
	DIR		*d = NULL;
	char		**names = NULL;
	size_t		 n = 0, cap = 0, i, len;
	int		 rc = -1;

	if (dir != NULL && (d = opendir(dir)) == NULL && errno != ENOENT) {
		mg_err_set(err, MG_ERR_TEMP, "tmpl: open %s: %s", dir,
		    strerror(errno));
		return -1;
	}
	while (d != NULL && (errno = 0, de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len < 5 ||
		    strcmp(de->d_name + len - 4, ".txt") != 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			names = xrealloc(names, cap * sizeof(*names));
		}
		names[n++] = xstrdup(de->d_name);
	}
	if (d != NULL && errno != 0) {
		mg_err_set(err, MG_ERR_TEMP, "tmpl: read %s: %s", dir,
		    strerror(errno));
		goto out;
	}
	/* the same file reported first on every run */
	if (n > 1)
		qsort(names, n, sizeof(*names), cmp_str);
	for (i = 0; i < n; i++) {
		src.label = util_path(dir, names[i]);
		rc = read_opt(src.label, &src.text, &src.len, err);
		if (rc < 0 || (rc > 0 && check_one(&src, err) != 0)) {
			rc = -1;
			goto out;
		}
		source_free(&src);
	}
	for (i = 0; i < tmpl_builtin_n; i++) {
		src.label = xasprintf("built-in %s", tmpl_builtin[i].name);
		src.text = xmemdup(tmpl_builtin[i].text, tmpl_builtin[i].len);
		src.len = tmpl_builtin[i].len;
		if (check_one(&src, err) != 0) {
			rc = -1;
			goto out;
		}
		source_free(&src);
	}
	rc = 0;
out:
	source_free(&src);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (d != NULL)
		(void)closedir(d);	/* read-only */
	return rc;
}
