/*
 * err.h - a bounded error record passed down by the caller.
 *
 * A function that can fail returns 0 or -1 and fills a struct mg_err.  The
 * class tells the caller whether trying again later may help (MG_ERR_TEMP:
 * a locked database, a full disk, an unavailable crypto engine) or not
 * (MG_ERR_PERM: the input itself is bad).  The message is one line, already
 * safe for a log: callers never put raw message data in it unsanitised.
 */
#ifndef MADOGUCHI_ERR_H
#define MADOGUCHI_ERR_H

enum mg_err_class {
	MG_ERR_NONE = 0,
	MG_ERR_TEMP,		/* retry may succeed */
	MG_ERR_PERM		/* retry will not help */
};

struct mg_err {
	enum mg_err_class cls;
	char msg[512];
};

/* mg_err_set - record a failure; err may be NULL; the text is truncated */
void mg_err_set(struct mg_err *err, enum mg_err_class cls, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* mg_err_clear - reset to "no error" */
void mg_err_clear(struct mg_err *err);

#endif
