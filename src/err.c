/*
 * err.c - the bounded error record (see err.h).
 */
#include <stdarg.h>
#include <stdio.h>

#include "madoguchi/err.h"

void
mg_err_set(struct mg_err *err, enum mg_err_class cls, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return;
	err->cls = cls;
	va_start(ap, fmt);
	/* truncation is fine: the record is a one-line summary */
	(void)vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
}

void
mg_err_clear(struct mg_err *err)
{
	if (err == NULL)
		return;
	err->cls = MG_ERR_NONE;
	err->msg[0] = '\0';
}
