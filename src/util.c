/*
 * util.c - numbers, sizes, hashes, paths, durable writes, time strings.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "madoguchi/buf.h"
#include "madoguchi/util.h"
#include "madoguchi/xalloc.h"

int
util_parse_int(const char *s, long long min, long long max, long long *r)
{
	char *end;
	long long v;

	if (s == NULL || *s == '\0')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*r = v;
	return 0;
}

int
util_parse_size(const char *s, uint64_t *r)
{
	char *end;
	unsigned long long v, mult = 1;

	if (s == NULL || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0)
		return -1;
	switch (toupper((unsigned char)*end)) {
	case '\0':
		break;
	case 'K':
		mult = 1024ULL;
		end++;
		break;
	case 'M':
		mult = 1024ULL * 1024;
		end++;
		break;
	case 'G':
		mult = 1024ULL * 1024 * 1024;
		end++;
		break;
	default:
		return -1;
	}
	if (*end == 'B' || *end == 'b')
		end++;
	if (*end != '\0' || v > UINT64_MAX / mult)
		return -1;
	*r = v * mult;
	return 0;
}

void
util_sha256_init(struct util_sha256 *h)
{
	sha256_init(&h->ctx);
}

void
util_sha256_update(struct util_sha256 *h, const void *p, size_t n)
{
	sha256_update(&h->ctx, n, p);
}

void
util_sha256_hex_final(struct util_sha256 *h, char out[UTIL_SHA256_HEX])
{
	static const char hex[] = "0123456789abcdef";
	uint8_t d[SHA256_DIGEST_SIZE];
	size_t i;

	sha256_digest(&h->ctx, sizeof(d), d);
	for (i = 0; i < sizeof(d); i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[2 * sizeof(d)] = '\0';
}

void
util_sha256_hex(const void *p, size_t n, char out[UTIL_SHA256_HEX])
{
	struct util_sha256 h;

	util_sha256_init(&h);
	util_sha256_update(&h, p, n);
	util_sha256_hex_final(&h, out);
}

char *
util_path(const char *dir, const char *rel)
{
	if (rel[0] == '/' || dir == NULL || dir[0] == '\0')
		return xstrdup(rel);
	return xasprintf("%s/%s", dir, rel);
}

int
util_mkdir(const char *path, mode_t mode, struct mg_err *err)
{
	struct stat st;

	if (mkdir(path, mode) == 0)
		return 0;
	if (errno == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	mg_err_set(err, MG_ERR_TEMP, "mkdir %s: %s", path, strerror(errno));
	return -1;
}

int
util_mkdirs(const char *path, mode_t mode, struct mg_err *err)
{
	char *copy = xstrdup(path), *p;
	int rc;

	for (p = copy + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		rc = util_mkdir(copy, mode, err);
		*p = '/';
		if (rc != 0) {
			free(copy);
			return -1;
		}
	}
	free(copy);
	return util_mkdir(path, mode, err);
}

int
util_fsync_dir(const char *path, struct mg_err *err)
{
	int fd, rc = 0;

	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		mg_err_set(err, MG_ERR_TEMP, "open %s: %s", path,
		    strerror(errno));
		return -1;
	}
	/* a rename is durable only once its directory is */
	if (fsync(fd) != 0) {
		mg_err_set(err, MG_ERR_TEMP, "fsync %s: %s", path,
		    strerror(errno));
		rc = -1;
	}
	if (close(fd) != 0 && rc == 0) {
		mg_err_set(err, MG_ERR_TEMP, "close %s: %s", path,
		    strerror(errno));
		rc = -1;
	}
	return rc;
}

static int
write_all(int fd, const void *data, size_t n)
{
	const char *p = data;

	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int
util_write_file(const char *path, const void *data, size_t n, mode_t mode,
    struct mg_err *err)
{
	char *tmp = NULL, *dir = NULL, *slash;
	int fd = -1, rc = -1;

	tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		goto fail;
	if (fchmod(fd, mode) != 0 || write_all(fd, data, n) != 0 ||
	    fsync(fd) != 0)
		goto fail;
	rc = close(fd);
	fd = -1;
	if (rc != 0 || rename(tmp, path) != 0) {
		rc = -1;
		goto fail;
	}
	dir = xstrdup(path);
	slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = '\0';
	else if (slash != NULL)
		*slash = '\0';
	else {
		free(dir);
		dir = xstrdup(".");
	}
	rc = util_fsync_dir(dir, err);
	goto out;
fail:
	mg_err_set(err, MG_ERR_TEMP, "write %s: %s", path, strerror(errno));
	if (fd >= 0)
		(void)close(fd);	/* already failing */
	(void)unlink(tmp);		/* best effort: a stray tmp is harmless */
	rc = -1;
out:
	free(tmp);
	free(dir);
	return rc;
}

int
util_read_file(const char *path, size_t max, char **data_r, size_t *len_r,
    struct mg_err *err)
{
	struct stat st;
	char *data = NULL;
	size_t got = 0;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0) {
		mg_err_set(err, MG_ERR_TEMP, "open %s: %s", path,
		    strerror(errno));
		goto fail;
	}
	if ((uint64_t)st.st_size > max) {
		mg_err_set(err, MG_ERR_PERM, "%s: larger than %zu bytes",
		    path, max);
		goto fail;
	}
	data = xmalloc((size_t)st.st_size + 1);
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, data + got, (size_t)st.st_size - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			mg_err_set(err, MG_ERR_TEMP, "read %s: %s", path,
			    r < 0 ? strerror(errno) : "short read");
			goto fail;
		}
		got += (size_t)r;
	}
	data[got] = '\0';
	(void)close(fd);	/* read-only: nothing to lose */
	*data_r = data;
	*len_r = got;
	return 0;
fail:
	if (fd >= 0)
		(void)close(fd);
	free(data);
	return -1;
}

int
util_read_fd(int fd, size_t max, char **data_r, size_t *len_r,
    struct mg_err *err)
{
	struct buf b;
	char chunk[65536];
	ssize_t r;

	buf_init(&b, max);
	for (;;) {
		r = read(fd, chunk, sizeof(chunk));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			mg_err_set(err, MG_ERR_TEMP, "read: %s",
			    strerror(errno));
			buf_free(&b);
			return -1;
		}
		if (r == 0)
			break;
		if (buf_append(&b, chunk, (size_t)r) != 0 || b.truncated) {
			mg_err_set(err, MG_ERR_PERM, "input larger than %zu "
			    "bytes", max);
			buf_free(&b);
			return -1;
		}
	}
	*data_r = buf_steal(&b, len_r);
	if (*data_r == NULL)
		*data_r = xstrdup("");
	return 0;
}

void
util_time_iso(time_t t, char out[32])
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		(void)snprintf(out, 32, "%lld", (long long)t);
}

void
util_time_local(time_t t, char out[32])
{
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL ||
	    strftime(out, 32, "%Y-%m-%d %H:%M", &tm) == 0)
		(void)snprintf(out, 32, "%lld", (long long)t);
}

char *
util_str_lower(char *s)
{
	char *p;

	for (p = s; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	return s;
}

char *
util_addr_norm(const char *addr)
{
	const char *b, *e;

	if (addr == NULL)
		return NULL;
	b = addr;
	while (*b == ' ' || *b == '\t' || *b == '<')
		b++;
	e = b + strlen(b);
	while (e > b && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '>'))
		e--;
	if (e == b)
		return NULL;
	return util_str_lower(xstrndup(b, (size_t)(e - b)));
}

int
util_fullwidth(const unsigned char *p, size_t len, size_t i)
{
	if (i + 2 >= len || p[i] != 0xef)
		return -1;
	if (p[i + 1] == 0xbc && p[i + 2] >= 0x81 && p[i + 2] <= 0xbf)
		return p[i + 2] - 0x81 + 0x21;
	if (p[i + 1] == 0xbd && p[i + 2] >= 0x80 && p[i + 2] <= 0x9e)
		return p[i + 2] - 0x80 + 0x60;
	return -1;
}

char *
util_fold_width(const char *s, size_t len, size_t *len_r)
{
	const unsigned char *p = (const unsigned char *)s;
	char *out, *o;
	size_t i = 0;
	int c;

	/* the common case, ASCII or no full-width form: no copy */
	if (memmem(s, len, "\xef\xbc", 2) == NULL &&
	    memmem(s, len, "\xef\xbd", 2) == NULL &&
	    memmem(s, len, "\xe3\x80\x80", 3) == NULL)
		return NULL;
	o = out = xmalloc(len + 1);
	while (i < len) {
		if ((c = util_fullwidth(p, len, i)) >= 0) {
			*o++ = (char)c;
			i += 3;
		} else if (i + 2 < len && p[i] == 0xe3 && p[i + 1] == 0x80 &&
		    p[i + 2] == 0x80) {
			*o++ = ' ';	/* the ideographic space */
			i += 3;
		} else
			*o++ = (char)p[i++];
	}
	*o = '\0';
	*len_r = (size_t)(o - out);
	return out;
}
