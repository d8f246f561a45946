/*
 * send.c - SMTP through libcurl, or a sendmail program (send.h).
 *
 * Addresses reach SMTP commands and sendmail's argv only after a strict
 * check (no spaces, controls, brackets or leading '-'); sendmail runs
 * without a shell.  The password file is read fresh for each mail and
 * wiped after use.
 *
 * libcurl is loaded with dlopen on the first SMTP mail (see configure.ac:
 * linked, its dependencies cost every process 8 ms at start); its header
 * still gives the types, so a mismatch is a compile error.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <dlfcn.h>
#include <curl/curl.h>

#include "madoguchi/conf.h"
#include "madoguchi/send.h"
#include "madoguchi/util.h"
#include "madoguchi/xalloc.h"

extern char **environ;

#define PASS_MAX	1024

/* addr_safe - "" or a plain address: safe in MAIL FROM/RCPT TO and argv */
static int
addr_safe(const char *a, int empty_ok)
{
	const char *at;

	if (*a == '\0')
		return empty_ok;
	if (a[0] == '-' || strlen(a) > 254 || (at = strchr(a, '@')) == NULL ||
	    at == a || at[1] == '\0')
		return 0;
	for (; *a != '\0'; a++)
		if ((unsigned char)*a <= ' ' || *a == 0x7f ||
		    strchr("<>()[]\\,;:\"", *a) != NULL)
			return 0;
	return 1;
}

/* --- SMTP --------------------------------------------------------------- */

struct src {
	const char	*p;
	size_t		 left;
};

static size_t
rd(char *b, size_t sz, size_t nm, void *u)
{
	struct src *s = u;
	size_t n = sz * nm;

	if (n > s->left)
		n = s->left;
	memcpy(b, s->p, n);
	s->p += n;
	s->left -= n;
	return n;
}

/* read_secret - a 0600 file of ours, first line */
static char *
read_secret(const char *path, struct mg_err *err)
{
	struct stat st;
	char *d = NULL;
	size_t n = 0;

	if (util_read_file(path, PASS_MAX, &d, &n, err) != 0) {
		err->cls = MG_ERR_TEMP;
		return NULL;
	}
	if (stat(path, &st) != 0 || (st.st_mode & 077) != 0) {
		mg_err_set(err, MG_ERR_TEMP, "%s: must be mode 0600", path);
		xfreezero(d, n + 1);
		return NULL;
	}
	d[strcspn(d, "\r\n")] = '\0';
	return d;
}

/* the libcurl functions we call, from the library loaded at run time */
static struct {
	CURLcode	(*global_init)(long);
	CURL		*(*easy_init)(void);
	CURLcode	(*easy_setopt)(CURL *, CURLoption, ...);
	CURLcode	(*easy_perform)(CURL *);
	CURLcode	(*easy_getinfo)(CURL *, CURLINFO, ...);
	void		(*easy_cleanup)(CURL *);
	const char	*(*easy_strerror)(CURLcode);
	struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
	void		(*slist_free_all)(struct curl_slist *);
} cu;

#define CURL_SYM(f, name) \
	(*(void **)&cu.f = dlsym(lib, name)) == NULL

static int
curl_once(struct mg_err *err)
{
	static int done;
	void *lib;

	if (done)
		return 0;
	if ((lib = dlopen(CURL_SONAME, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		mg_err_set(err, MG_ERR_TEMP, "smtp: cannot load %s: %s",
		    CURL_SONAME, dlerror());
		return -1;
	}
	if (CURL_SYM(global_init, "curl_global_init") ||
	    CURL_SYM(easy_init, "curl_easy_init") ||
	    CURL_SYM(easy_setopt, "curl_easy_setopt") ||
	    CURL_SYM(easy_perform, "curl_easy_perform") ||
	    CURL_SYM(easy_getinfo, "curl_easy_getinfo") ||
	    CURL_SYM(easy_cleanup, "curl_easy_cleanup") ||
	    CURL_SYM(easy_strerror, "curl_easy_strerror") ||
	    CURL_SYM(slist_append, "curl_slist_append") ||
	    CURL_SYM(slist_free_all, "curl_slist_free_all") ||
	    cu.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		mg_err_set(err, MG_ERR_TEMP, "smtp: %s is unusable",
		    CURL_SONAME);
		return -1;
	}
	done = 1;
	return 0;
}

static int
send_smtp(const struct conf *conf, const char *env_from, const char *rcpt,
    const char *data, size_t len, long connect_timeout, struct mg_err *err)
{
	struct src src = { data, len };
	struct curl_slist *rcpts = NULL;
	char errbuf[CURL_ERROR_SIZE] = "", *from, *to, *pass = NULL;
	CURL *h;
	CURLcode rc;
	long code = 0;
	int ret = -1;

	if (curl_once(err) != 0)
		return -1;
	if ((h = cu.easy_init()) == NULL) {
		mg_err_set(err, MG_ERR_TEMP, "smtp: libcurl initialisation");
		return -1;
	}
	from = xasprintf("<%s>", env_from);
	to = xasprintf("<%s>", rcpt);
	rcpts = cu.slist_append(NULL, to);
	(void)cu.easy_setopt(h, CURLOPT_URL, conf->relay);
	(void)cu.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	(void)cu.easy_setopt(h, CURLOPT_MAIL_FROM, from);
	(void)cu.easy_setopt(h, CURLOPT_MAIL_RCPT, rcpts);
	(void)cu.easy_setopt(h, CURLOPT_READFUNCTION, rd);
	(void)cu.easy_setopt(h, CURLOPT_READDATA, &src);
	(void)cu.easy_setopt(h, CURLOPT_UPLOAD, 1L);
	(void)cu.easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	(void)cu.easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	(void)cu.easy_setopt(h, CURLOPT_CONNECTTIMEOUT, connect_timeout);
	(void)cu.easy_setopt(h, CURLOPT_TIMEOUT, 300L);
	(void)cu.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	if (strncmp(conf->relay, "smtp://", 7) == 0 &&
	    strcmp(conf->starttls, "no") != 0)
		(void)cu.easy_setopt(h, CURLOPT_USE_SSL,
		    strcmp(conf->starttls, "require") == 0 ?
		    (long)CURLUSESSL_ALL : (long)CURLUSESSL_TRY);
	if (conf->relay_user[0] != '\0') {
		if (conf->relay_password_file == NULL ||
		    (pass = read_secret(conf->relay_password_file,
		    err)) == NULL) {
			if (conf->relay_password_file == NULL)
				mg_err_set(err, MG_ERR_TEMP, "smtp: relay_user "
				    "without relay_password_file");
			goto out;
		}
		(void)cu.easy_setopt(h, CURLOPT_USERNAME, conf->relay_user);
		(void)cu.easy_setopt(h, CURLOPT_PASSWORD, pass);
	}
	rc = cu.easy_perform(h);
	(void)cu.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	if (rc == CURLE_OK)
		ret = 0;
	else
		/* a 5xx reply is final; no answer, 4xx or TLS trouble: later.
		 * A refused login is ours to fix, not the mail's fault. */
		mg_err_set(err, code >= 500 && code < 600 &&
		    rc != CURLE_LOGIN_DENIED ? MG_ERR_PERM : MG_ERR_TEMP,
		    "smtp %s: %s%s%s", conf->relay,
		    cu.easy_strerror(rc), errbuf[0] ? ": " : "", errbuf);
out:
	if (pass != NULL)
		xfreezero(pass, strlen(pass) + 1);
	cu.slist_free_all(rcpts);
	cu.easy_cleanup(h);
	free(from);
	free(to);
	return ret;
}

/* --- sendmail ----------------------------------------------------------- */

static int
send_sendmail(const char *prog, const char *env_from, const char *rcpt,
    const char *data, size_t len, struct mg_err *err)
{
	posix_spawn_file_actions_t fa;
	struct sigaction ign, old_pipe;
	char *argv[8];
	int fds[2], status, ret = -1, saved;
	pid_t pid;
	size_t off = 0;
	ssize_t n;

	if (pipe2(fds, O_CLOEXEC) != 0) {
		mg_err_set(err, MG_ERR_TEMP, "sendmail: pipe: %s",
		    strerror(errno));
		return -1;
	}
	argv[0] = (char *)prog;
	argv[1] = (char *)"-i";		/* a lone "." is not the end */
	argv[2] = (char *)"-f";
	argv[3] = (char *)(*env_from != '\0' ? env_from : "<>");
	argv[4] = (char *)"--";
	argv[5] = (char *)rcpt;
	argv[6] = NULL;
	(void)posix_spawn_file_actions_init(&fa);
	(void)posix_spawn_file_actions_adddup2(&fa, fds[0], 0);
	if (posix_spawn(&pid, prog, &fa, NULL, argv, environ) != 0) {
		mg_err_set(err, MG_ERR_TEMP, "sendmail %s: %s", prog,
		    strerror(errno));
		(void)posix_spawn_file_actions_destroy(&fa);
		(void)close(fds[0]);
		(void)close(fds[1]);
		return -1;
	}
	(void)posix_spawn_file_actions_destroy(&fa);
	(void)close(fds[0]);
	/* a sendmail that exits without reading all of it must give EPIPE,
	 * not kill us with the mail claimed and unrecorded */
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	(void)sigaction(SIGPIPE, &ign, &old_pipe);
	/* sendmail reads LF line ends; CRLF would double the CRs */
	while (off < len) {
		const char *cr = memmem(data + off, len - off, "\r\n", 2);
		size_t chunk = cr != NULL ? (size_t)(cr - (data + off)) :
		    len - off;

		if (chunk > 0 && (n = write(fds[1], data + off, chunk)) <= 0)
			break;
		if (chunk > 0 && (size_t)n < chunk) {
			off += (size_t)n;
			continue;
		}
		off += chunk;
		if (cr != NULL) {
			if (write(fds[1], "\n", 1) != 1)
				break;
			off += 2;
		}
	}
	saved = errno;
	(void)close(fds[1]);
	(void)sigaction(SIGPIPE, &old_pipe, NULL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	errno = saved;
	if (off < len)
		mg_err_set(err, MG_ERR_TEMP, "sendmail: writing: %s",
		    strerror(errno));
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		ret = 0;
	else if (WIFEXITED(status) && WEXITSTATUS(status) >= 64 &&
	    WEXITSTATUS(status) <= 68)
		mg_err_set(err, MG_ERR_PERM, "sendmail: refused (exit %d)",
		    WEXITSTATUS(status));
	else
		mg_err_set(err, MG_ERR_TEMP, "sendmail: failed (status %d)",
		    status);
	return ret;
}

int
send_mail(const struct conf *conf, const char *env_from, const char *rcpt,
    const char *data, size_t len, long connect_timeout, struct mg_err *err)
{
	if (!addr_safe(env_from, 1) || !addr_safe(rcpt, 0)) {
		mg_err_set(err, MG_ERR_PERM, "unusable address");
		return -1;
	}
	if (strncmp(conf->relay, "sendmail:", 9) == 0)
		return send_sendmail(conf->relay + 9, env_from, rcpt, data, len,
		    err);
	return send_smtp(conf, env_from, rcpt, data, len, connect_timeout,
	    err);
}
