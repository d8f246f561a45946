/*
 * send.c - SMTP through libcurl, or a sendmail program (send.h).
 *
 * Addresses reach SMTP commands and sendmail's argv only after a strict
 * check (no spaces, controls, brackets or leading '-'); sendmail runs
 * without a shell.  The password file is read fresh for each mail and
 * wiped after use.
 *
 * Webhooks are JSON POSTs through the same libcurl, http(s) only.  A
 * webhook URL is a secret (its path or query holds the token): messages
 * name only scheme://host[:port], and the answer's body is never shown.
 *
 * libcurl is loaded with dlopen on the first SMTP mail or webhook (see
 * configure.ac: linked, its dependencies cost every process 8 ms at
 * start); its header still gives the types, so a mismatch is a compile
 * error.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <strings.h>
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

/* curl_once - load libcurl on first use; who prefixes the error */
static int
curl_once(const char *who, struct mg_err *err)
{
	static int done;
	void *lib;

	if (done)
		return 0;
	if ((lib = dlopen(CURL_SONAME, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		mg_err_set(err, MG_ERR_TEMP, "%s: cannot load %s: %s", who,
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
		mg_err_set(err, MG_ERR_TEMP, "%s: %s is unusable", who,
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

	if (curl_once("smtp", err) != 0)
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

/* --- webhook ------------------------------------------------------------ */

#define WEBHOOK_BODY_MAX	(64 * 1024)	/* answer bytes read, then hang up */
#define WEBHOOK_CONNECT_MAX	10L		/* seconds, at most, to connect */
#define ORIGIN_MAX		160		/* "scheme://host:port" shown */

struct sink {
	size_t		 seen;
	int		 full;		/* WEBHOOK_BODY_MAX reached */
};

/* discard - count the answer's body and drop it; stop past the cap */
static size_t
discard(char *b, size_t sz, size_t nm, void *u)
{
	struct sink *k = u;
	size_t n = sz * nm;

	(void)b;
	if (n > WEBHOOK_BODY_MAX - k->seen) {
		k->full = 1;
		return 0;		/* CURLE_WRITE_ERROR */
	}
	k->seen += n;
	return n;
}

/* url_scheme_len - length of url's "http" or "https" before "://", or 0 */
static size_t
url_scheme_len(const char *url)
{
	if (strncasecmp(url, "http://", 7) == 0)
		return 4;
	if (strncasecmp(url, "https://", 8) == 0)
		return 5;
	return 0;
}

void
send_url_origin(const char *url, char *buf, size_t sz)
{
	size_t slen = url_scheme_len(url), alen, i, o;
	const char *a = url + slen + 3, *at;

	/* curl ends the authority at '\' too (a Windows habit) */
	alen = strcspn(a, "/?#\\");
	for (at = a + alen; at > a && at[-1] != '@'; at--)
		;
	(void)snprintf(buf, sz, "%s://", slen == 5 ? "https" : "http");
	o = strlen(buf);
	for (i = 0; at + i < a + alen && o + 1 < sz; i++, o++)
		buf[o] = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUV"
		    "WXYZ0123456789.-_:[]%", at[i]) != NULL ? at[i] : '?';
	buf[o] = '\0';
}

/*
 * curl_text - curl's own error text if it is safe to show, else the
 * generic one: plain ASCII, and quoting no secret part of url (curl
 * rarely echoes a URL, but a message must never leak a token).
 */
static void
curl_text(const char *url, CURLcode rc, const char *errbuf, char *buf,
    size_t sz)
{
	const char *a = url + url_scheme_len(url) + 3, *tail, *at;
	size_t alen = strcspn(a, "/?#\\"), i;
	int leak = 0;

	tail = a + alen;
	if (strlen(tail) > 1 && strstr(errbuf, tail) != NULL)
		leak = 1;
	for (at = tail; at > a && at[-1] != '@'; at--)
		;
	if (at > a) {
		/* userinfo a[0 .. at-1), and its password alone */
		char *user = xstrndup(a, (size_t)(at - 1 - a)), *pw;

		if (*user != '\0' && strstr(errbuf, user) != NULL)
			leak = 1;
		if ((pw = strchr(user, ':')) != NULL && pw[1] != '\0' &&
		    strstr(errbuf, pw + 1) != NULL)
			leak = 1;
		xfreezero(user, strlen(user) + 1);
	}
	(void)snprintf(buf, sz, "%s", errbuf[0] != '\0' && !leak ? errbuf :
	    cu.easy_strerror(rc));
	for (i = 0; buf[i] != '\0'; i++)
		if ((unsigned char)buf[i] < ' ' || (unsigned char)buf[i] >= 0x7f)
			buf[i] = '?';
}

/*
 * http_class - what a final HTTP status means for the outbox: 2xx done;
 * 408, 429 and 5xx (or anything odd) worth a retry; other 3xx and 4xx
 * will not change by retrying (redirects are not followed).
 */
static enum mg_err_class
http_class(long code)
{
	if (code >= 200 && code < 300)
		return MG_ERR_NONE;
	if (code == 408 || code == 429)
		return MG_ERR_TEMP;
	if (code >= 300 && code < 500)
		return MG_ERR_PERM;
	return MG_ERR_TEMP;
}

/*
 * send_webhook - see send.h.  The environment's proxy settings
 * (https_proxy, http_proxy, no_proxy) are honoured as libcurl does by
 * default: an administrator behind a proxy expects them to work.  A URL's
 * userinfo, if any, goes out as Basic authentication.  A timeout below
 * one second is taken as one: the request is never unbounded.
 */
int
send_webhook(const char *url, const char *json, size_t len, long timeout,
    struct mg_err *err)
{
	struct curl_slist *hdrs = NULL, *l;
	struct sink sink = { 0, 0 };
	char errbuf[CURL_ERROR_SIZE] = "", origin[ORIGIN_MAX];
	char text[CURL_ERROR_SIZE];
	enum mg_err_class cls;
	CURL *h = NULL;
	CURLcode rc;
	long code = 0;
	int ret = -1;

	if (url == NULL || url_scheme_len(url) == 0) {
		size_t n = url != NULL ? strspn(url, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-") : 0;

		/* show the scheme alone: the rest may hold a token */
		if (n > 0 && n <= 16 && url[n] == ':')
			mg_err_set(err, MG_ERR_PERM, "webhook: %.*s: URL not "
			    "http(s)", (int)n, url);
		else
			mg_err_set(err, MG_ERR_PERM, "webhook: URL not http(s)");
		return -1;
	}
	send_url_origin(url, origin, sizeof(origin));
	if (timeout < 1)
		timeout = 1;
	if (json == NULL)
		json = "";
	if (curl_once("webhook", err) != 0)
		return -1;
	if ((h = cu.easy_init()) == NULL) {
		mg_err_set(err, MG_ERR_TEMP, "webhook: libcurl initialisation");
		return -1;
	}
	if ((l = cu.slist_append(hdrs, "Content-Type: application/json")) ==
	    NULL)
		goto nomem;
	hdrs = l;
	/* no "Expect: 100-continue" wait before a body above 1 KiB */
	if ((l = cu.slist_append(hdrs, "Expect:")) == NULL)
		goto nomem;
	hdrs = l;

#define SET(opt, val) ((rc = cu.easy_setopt(h, (opt), (val))) != CURLE_OK)
	if (SET(CURLOPT_ERRORBUFFER, errbuf) ||
	    SET(CURLOPT_URL, url) ||
	    SET(CURLOPT_PROTOCOLS_STR, "http,https") ||
	    SET(CURLOPT_REDIR_PROTOCOLS_STR, "http,https") ||
	    SET(CURLOPT_FOLLOWLOCATION, 0L) ||
	    SET(CURLOPT_SSL_VERIFYPEER, 1L) ||
	    SET(CURLOPT_SSL_VERIFYHOST, 2L) ||
	    SET(CURLOPT_TIMEOUT, timeout) ||
	    SET(CURLOPT_CONNECTTIMEOUT, timeout < WEBHOOK_CONNECT_MAX ?
	    timeout : WEBHOOK_CONNECT_MAX) ||
	    SET(CURLOPT_NOSIGNAL, 1L) ||
	    SET(CURLOPT_POST, 1L) ||
	    SET(CURLOPT_POSTFIELDS, json) ||
	    SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len) ||
	    SET(CURLOPT_HTTPHEADER, hdrs) ||
	    SET(CURLOPT_USERAGENT, "madoguchi/" PACKAGE_VERSION) ||
	    SET(CURLOPT_WRITEFUNCTION, discard) ||
	    SET(CURLOPT_WRITEDATA, &sink)) {
		mg_err_set(err, MG_ERR_TEMP, "webhook: libcurl option: %s "
		    "(%s)", cu.easy_strerror(rc), origin);
		goto out;
	}
#undef SET

	rc = cu.easy_perform(h);
	if (rc != CURLE_OK && !(rc == CURLE_WRITE_ERROR && sink.full)) {
		/* no answer: no connection, DNS, TLS, timeout */
		curl_text(url, rc, errbuf, text, sizeof(text));
		mg_err_set(err, MG_ERR_TEMP, "webhook: %s (%s)", text, origin);
		goto out;
	}
	/* an answer too long to read to the end still has its status */
	if (cu.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code) != CURLE_OK)
		code = 0;
	if ((cls = http_class(code)) == MG_ERR_NONE)
		ret = 0;
	else
		mg_err_set(err, cls, "webhook: HTTP %03ld (%s)", code, origin);
	goto out;
nomem:
	mg_err_set(err, MG_ERR_TEMP, "webhook: out of memory");
out:
	cu.slist_free_all(hdrs);		/* accepts NULL */
	cu.easy_cleanup(h);
	return ret;
}
