/*
 * util.h - small helpers shared by every module: numbers, sizes, hashes,
 * paths, durable file writes and time formatting.
 *
 * Functions that can fail return 0 or -1 and fill a struct mg_err.
 */
#ifndef MADOGUCHI_UTIL_H
#define MADOGUCHI_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>
#include <nettle/sha2.h>

#include "madoguchi/err.h"

#define UTIL_SHA256_HEX	65	/* 64 hex digits and a NUL */

/* util_parse_int - whole string as a decimal in [min, max]; 0 or -1 */
int	util_parse_int(const char *s, long long min, long long max,
	    long long *r);

/* util_parse_size - "512", "64K", "50M", "1G" (powers of 1024); 0 or -1 */
int	util_parse_size(const char *s, uint64_t *r);

/* incremental SHA-256, for data that streams through */
struct util_sha256 {
	struct sha256_ctx ctx;
};
void	util_sha256_init(struct util_sha256 *h);
void	util_sha256_update(struct util_sha256 *h, const void *p, size_t n);
void	util_sha256_hex_final(struct util_sha256 *h, char out[UTIL_SHA256_HEX]);
void	util_sha256_hex(const void *p, size_t n, char out[UTIL_SHA256_HEX]);

/* util_path - rel if absolute, else dir/rel; caller frees */
char	*util_path(const char *dir, const char *rel);

/* util_mkdir - create dir with mode (0700) unless it exists as a dir */
int	util_mkdir(const char *path, mode_t mode, struct mg_err *err);

/* util_mkdirs - like mkdir -p: missing parents too, each with mode */
int	util_mkdirs(const char *path, mode_t mode, struct mg_err *err);

/* util_fsync_dir - make a rename or create in dir durable */
int	util_fsync_dir(const char *path, struct mg_err *err);

/*
 * util_write_file - write data to path through a temporary file, fsync,
 * rename and directory fsync, with the given mode.  excl: fail (EEXIST)
 * if path exists.
 */
int	util_write_file(const char *path, const void *data, size_t n,
	    mode_t mode, struct mg_err *err);

/* util_read_fd - all of fd up to max bytes (else -1, MG_ERR_PERM); NUL added */
int	util_read_fd(int fd, size_t max, char **data_r, size_t *len_r,
	    struct mg_err *err);

/* util_read_file - whole file, at most max bytes (else -1); NUL added; caller frees */
int	util_read_file(const char *path, size_t max, char **data_r,
	    size_t *len_r, struct mg_err *err);

/* time as "2026-11-22T04:20:56Z" (utc) or "2026-11-22 13:20" (local) */
void	util_time_iso(time_t t, char out[32]);
void	util_time_local(time_t t, char out[32]);

/* util_addr_norm - lower-cased bare address from "<A@B>" or "A@B"; caller frees; NULL if empty */
char	*util_addr_norm(const char *addr);

/* util_fullwidth - the full-width form U+FF01..U+FF5E at p[i] (of len
 * bytes) as its ASCII twin, or -1 */
int	util_fullwidth(const unsigned char *p, size_t len, size_t i);

/*
 * util_fold_width - a copy of UTF-8 s[0..len) with full-width ASCII forms
 * (U+FF01..U+FF5E: "ＤＤｏＳ", "１９２．０") and the ideographic space made
 * ASCII, as Japanese text often writes them; NULL when s holds none (use
 * s itself).  Everything else is copied as it is.
 */
char	*util_fold_width(const char *s, size_t len, size_t *len_r);

/* util_str_lower - ASCII lower-case in place; returns s */
char	*util_str_lower(char *s);

#endif
