/*
 * test_conf.c - the configuration (conf.h) and the number, size and
 * address helpers it and the rest of the program rely on (util.h).
 *
 * Configuration files are written into a fresh mkdtemp directory under
 * /tmp: the file conf_write_default produces, and hand-written broken ones.
 * Every failure must be MG_ERR_TEMP and name what is wrong.
 */
#include "unit.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <unistd.h>

#include "madoguchi/conf.h"
#include "madoguchi/err.h"
#include "madoguchi/util.h"

#define CONF_NAME	"madoguchi.conf"

static char tmpdir[64];

static int
setup_dir(void **state)
{
	(void)state;
	(void)snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_conf.XXXXXX");
	if (mkdtemp(tmpdir) == NULL) {
		print_error("mkdtemp: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

static int
teardown_dir(void **state)
{
	char path[128];

	(void)state;
	(void)snprintf(path, sizeof(path), "%s/%s", tmpdir, CONF_NAME);
	(void)unlink(path);
	return rmdir(tmpdir) == 0 ? 0 : -1;
}

/* write text to tmpdir/name; the path goes to path[128] */
static void
write_conf(const char *name, const char *text, char path[128])
{
	FILE *fp;

	(void)snprintf(path, 128, "%s/%s", tmpdir, name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
}

/* tmpdir/rel, for comparing resolved paths */
static void
in_dir(const char *rel, char out[128])
{
	(void)snprintf(out, 128, "%s/%s", tmpdir, rel);
}

/* the file "madoguchi init" writes loads and gives the defaults */
static void
test_default_file_loads(void **state)
{
	struct conf	*c = NULL;
	struct mg_err	 err;
	char		 path[128], want[128];
	FILE		*fp;

	(void)state;
	(void)snprintf(path, sizeof(path), "%s/%s", tmpdir, CONF_NAME);
	fp = fopen(path, "w");
	assert_non_null(fp);
	assert_int_equal(conf_write_default(fp, NULL, NULL, NULL, NULL), 0);
	assert_int_equal(fclose(fp), 0);

	mg_err_clear(&err);
	if (conf_load(path, &c, &err) != 0)
		fail_msg("conf_load: %s", err.msg);
	assert_non_null(c);
	assert_string_equal(c->file, path);
	assert_string_equal(c->dir, tmpdir);
	assert_string_equal(c->team_name, "Example CSIRT");
	assert_string_equal(c->team_address, "csirt@example.org");
	assert_string_equal(c->team_tag, "CSIRT");
	assert_string_equal(c->team_key, "");
	assert_string_equal(c->team_languages, "ja, en");
	in_dir("madoguchi.db", want);
	assert_string_equal(c->database, want);
	in_dir("spool", want);
	assert_string_equal(c->spool, want);
	in_dir("gnupg", want);
	assert_string_equal(c->gnupg, want);
	in_dir("keyring", want);
	assert_string_equal(c->keyring, want);
	/* an empty passphrase_file means the team key has none */
	assert_null(c->passphrase_file);
	in_dir("templates", want);
	assert_string_equal(c->templates, want);
	assert_int_equal(c->max_message_size, 52428800);
	assert_int_equal(c->max_attempts, 5);
	assert_int_equal(c->max_mime_depth, 50);
	assert_int_equal(c->max_parts, 1000);
	assert_int_equal(c->max_header_size, 65536);
	assert_int_equal(c->max_text_size, 4194304);
	conf_free(&c);
	assert_null(c);
}

/* an empty file: every key takes its default */
static void
test_empty_file_defaults(void **state)
{
	struct conf	*c = NULL;
	struct mg_err	 err;
	char		 path[128], want[128];

	(void)state;
	write_conf(CONF_NAME, "; nothing set\n", path);
	mg_err_clear(&err);
	if (conf_load(path, &c, &err) != 0)
		fail_msg("conf_load: %s", err.msg);
	assert_string_equal(c->team_tag, "CSIRT");
	assert_int_equal(c->max_message_size, 52428800);
	assert_int_equal(c->max_attempts, 5);
	in_dir("spool", want);
	assert_string_equal(c->spool, want);
	conf_free(&c);
}

/* team values given to "madoguchi init" come back */
static void
test_default_file_team_values(void **state)
{
	struct conf	*c = NULL;
	struct mg_err	 err;
	char		 path[128];
	FILE		*fp;

	(void)state;
	(void)snprintf(path, sizeof(path), "%s/%s", tmpdir, CONF_NAME);
	fp = fopen(path, "w");
	assert_non_null(fp);
	assert_int_equal(conf_write_default(fp, "Tokyo Example CERT",
	    "cert@example.jp", "JP-CERT",
	    "0123456789ABCDEF0123456789ABCDEF01234567"), 0);
	assert_int_equal(fclose(fp), 0);
	mg_err_clear(&err);
	if (conf_load(path, &c, &err) != 0)
		fail_msg("conf_load: %s", err.msg);
	assert_string_equal(c->team_name, "Tokyo Example CERT");
	assert_string_equal(c->team_address, "cert@example.jp");
	assert_string_equal(c->team_tag, "JP-CERT");
	assert_string_equal(c->team_key,
	    "0123456789ABCDEF0123456789ABCDEF01234567");
	assert_int_equal(c->max_attempts, 5);
	conf_free(&c);
}

/* every key of struct conf, in the file */
static const char *const all_keys[] = {
	"name", "address", "tag", "key", "languages", "passphrase_file",
	"database", "spool", "gnupg", "keyring", "templates",
	"max_message_size", "max_attempts", "max_mime_depth", "max_parts",
	"max_header_size", "max_text_size",
	"relay", "starttls", "relay_user", "relay_password_file", "ack",
	"ack_followups", "ack_rate", "webhook_timeout",
};

/* every key is written once, with a "; " comment line right above it */
static void
test_default_file_comments(void **state)
{
	char		*text = NULL, *line, *save = NULL, *prev = NULL;
	size_t		 len = 0, i, keylen;
	unsigned	 seen[sizeof(all_keys) / sizeof(all_keys[0])];
	FILE		*fp;
	int		 bad = 0;

	(void)state;
	memset(seen, 0, sizeof(seen));
	fp = open_memstream(&text, &len);
	assert_non_null(fp);
	assert_int_equal(conf_write_default(fp, NULL, NULL, NULL, NULL), 0);
	assert_int_equal(fclose(fp), 0);
	assert_non_null(text);

	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == ';' || line[0] == '[') {
			prev = line;
			continue;
		}
		for (i = 0; i < sizeof(all_keys) / sizeof(all_keys[0]); i++) {
			keylen = strlen(all_keys[i]);
			if (strncmp(line, all_keys[i], keylen) == 0 &&
			    strncmp(line + keylen, " = ", 3) == 0)
				break;
		}
		if (i == sizeof(all_keys) / sizeof(all_keys[0])) {
			print_error("unexpected line \"%s\"\n", line);
			bad++;
		} else {
			seen[i]++;
			if (prev == NULL || strncmp(prev, "; ", 2) != 0 ||
			    strlen(prev) < 10) {
				print_error("%s: no comment line above\n",
				    all_keys[i]);
				bad++;
			}
		}
		prev = line;
	}
	for (i = 0; i < sizeof(all_keys) / sizeof(all_keys[0]); i++)
		if (seen[i] != 1) {
			print_error("%s: written %u times\n", all_keys[i],
			    seen[i]);
			bad++;
		}
	free(text);
	assert_int_equal(bad, 0);
}

/* relative paths are relative to the file's directory; absolute kept */
static void
test_paths(void **state)
{
	struct conf	*c = NULL;
	struct mg_err	 err;
	char		 path[128], want[128];

	(void)state;
	write_conf(CONF_NAME, "[paths]\n"
	    "database = /var/lib/madoguchi/x.db\n"
	    "spool = sub/spool\n"
	    "gnupg = /srv/gnupg\n"
	    "templates = ../shared/templates\n", path);
	mg_err_clear(&err);
	if (conf_load(path, &c, &err) != 0)
		fail_msg("conf_load: %s", err.msg);
	assert_string_equal(c->database, "/var/lib/madoguchi/x.db");
	in_dir("sub/spool", want);
	assert_string_equal(c->spool, want);
	assert_string_equal(c->gnupg, "/srv/gnupg");
	in_dir("../shared/templates", want);
	assert_string_equal(c->templates, want);
	conf_free(&c);
}

/* a file named without a directory: paths relative to "." */
static void
test_paths_no_directory(void **state)
{
	struct conf	*c = NULL;
	struct mg_err	 err;
	char		 path[128], cwd[4096];
	int		 rc;

	(void)state;
	write_conf(CONF_NAME, "[paths]\nspool = sp\n", path);
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(tmpdir), 0);
	mg_err_clear(&err);
	rc = conf_load(CONF_NAME, &c, &err);
	assert_int_equal(chdir(cwd), 0);
	if (rc != 0)
		fail_msg("conf_load: %s", err.msg);
	assert_string_equal(c->file, CONF_NAME);
	assert_string_equal(c->dir, ".");
	assert_string_equal(c->spool, "./sp");
	assert_string_equal(c->database, "./madoguchi.db");
	conf_free(&c);
}

/* "; like this" after a value is a comment, not part of the value */
static void
test_inline_comments(void **state)
{
	struct conf	*c = NULL;
	struct mg_err	 err;
	char		 path[128], want[128];

	(void)state;
	write_conf(CONF_NAME, "[team]\n"
	    "name = Example Team ; the name\n"
	    "tag = TEAM ; the prefix\n"
	    "[limits] ; the limits\n"
	    "max_attempts = 7 ; seven tries\n"
	    "max_message_size = 2M\t; two megabytes\n"
	    "[paths]\n"
	    "spool = myspool ; relative\n"
	    "# a hash comment line\n", path);
	mg_err_clear(&err);
	if (conf_load(path, &c, &err) != 0)
		fail_msg("conf_load: %s", err.msg);
	assert_string_equal(c->team_name, "Example Team");
	assert_string_equal(c->team_tag, "TEAM");
	assert_int_equal(c->max_attempts, 7);
	assert_int_equal(c->max_message_size, 2097152);
	in_dir("myspool", want);
	assert_string_equal(c->spool, want);
	conf_free(&c);
}

struct bad_case {
	const char	*name;
	const char	*text;
	const char	*mention;	/* must appear in the error message */
};

static const struct bad_case bad_cases[] = {
	{ "unknown key", "[team]\nname = x\ncolour = blue\n", "colour" },
	{ "unknown key in limits", "[limits]\nmax_size = 1M\n", "max_size" },
	{ "unknown section", "[bogus]\nname = x\n", "bogus" },
	{ "section name in the wrong case", "[Team]\nname = x\n", "Team" },
	{ "key before any section", "name = x\n", "name" },
	{ "key in the wrong section", "[paths]\nmax_attempts = 3\n",
	    "max_attempts" },
	{ "duplicate key", "[limits]\nmax_attempts = 3\nmax_attempts = 4\n",
	    "max_attempts" },
	{ "duplicate key names its line",
	    "[limits]\nmax_attempts = 3\nmax_attempts = 4\n", CONF_NAME ":3:" },
	{ "duplicate key, section repeated",
	    "[limits]\nmax_parts = 10\n[team]\nname = x\n[limits]\n"
	    "max_parts = 20\n", "max_parts" },
	{ "bad size", "[limits]\nmax_message_size = 50X\n",
	    "max_message_size" },
	{ "size too small", "[limits]\nmax_message_size = 512\n",
	    "max_message_size" },
	{ "size too large", "[limits]\nmax_message_size = 2048G\n",
	    "max_message_size" },
	{ "size empty", "[limits]\nmax_header_size =\n", "max_header_size" },
	{ "max_attempts 0", "[limits]\nmax_attempts = 0\n", "max_attempts" },
	{ "relay scheme", "[outbound]\nrelay = http://x\n", "relay" },
	{ "starttls value", "[outbound]\nstarttls = maybe\n", "starttls" },
	{ "ack not a boolean", "[outbound]\nack = sometimes\n", "ack" },
	{ "ack_rate negative", "[outbound]\nack_rate = -1\n", "ack_rate" },
	{ "max_attempts too large", "[limits]\nmax_attempts = 1001\n",
	    "max_attempts" },
	{ "max_attempts negative", "[limits]\nmax_attempts = -5\n",
	    "max_attempts" },
	{ "max_attempts not a number", "[limits]\nmax_attempts = five\n",
	    "max_attempts" },
	{ "max_mime_depth 1", "[limits]\nmax_mime_depth = 1\n",
	    "max_mime_depth" },
	{ "max_parts with junk", "[limits]\nmax_parts = 10x\n", "max_parts" },
	{ "tag with a space", "[team]\ntag = CS IRT\n", "tag" },
	{ "tag with #", "[team]\ntag = CSIRT#\n", "tag" },
	{ "tag empty", "[team]\ntag =\n", "tag" },
	{ "tag too long", "[team]\ntag = ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456\n",
	    "tag" },
	{ "empty path", "[paths]\nspool =\n", "spool" },
	{ "line without =", "[team]\nname = x\njust some words\n",
	    CONF_NAME ":3:" },
	{ "unclosed section", "[team\nname = x\n", CONF_NAME ":1:" },
};

static void
test_bad_files(void **state)
{
	const struct bad_case	*c;
	struct conf		*conf;
	struct mg_err		 err;
	char			 path[128];
	size_t			 i;
	int			 rc, bad = 0;

	(void)state;
	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		c = &bad_cases[i];
		write_conf(CONF_NAME, c->text, path);
		conf = NULL;
		mg_err_clear(&err);
		rc = conf_load(path, &conf, &err);
		if (rc != -1 || conf != NULL) {
			print_error("%s: loaded (rc %d)\n", c->name, rc);
			bad++;
			conf_free(&conf);
			continue;
		}
		if (err.cls != MG_ERR_TEMP) {
			print_error("%s: class %d, want MG_ERR_TEMP\n", c->name,
			    (int)err.cls);
			bad++;
		}
		if (strstr(err.msg, c->mention) == NULL) {
			print_error("%s: \"%s\" does not mention \"%s\"\n",
			    c->name, err.msg, c->mention);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

/* "Unknown sections ... are errors" (conf.h), even with no key in them */
static void
test_empty_unknown_section(void **state)
{
	struct conf	*conf = NULL;
	struct mg_err	 err;
	char		 path[128];
	int		 rc;

	(void)state;
	write_conf(CONF_NAME, "[team]\nname = x\n[limtis]\n", path);
	mg_err_clear(&err);
	rc = conf_load(path, &conf, &err);
	if (rc != -1) {
		conf_free(&conf);
		fail_msg("a file with an empty [limtis] section loaded");
	}
	assert_int_equal(err.cls, MG_ERR_TEMP);
	assert_non_null(strstr(err.msg, "limtis"));
}

static void
test_missing_file(void **state)
{
	struct conf	*conf = NULL;
	struct mg_err	 err;
	char		 path[128];

	(void)state;
	(void)snprintf(path, sizeof(path), "%s/no-such.conf", tmpdir);
	mg_err_clear(&err);
	assert_int_equal(conf_load(path, &conf, &err), -1);
	assert_null(conf);
	assert_int_equal(err.cls, MG_ERR_TEMP);
	assert_non_null(strstr(err.msg, path));
}

/* "-c /etc/madoguchi/" by mistake: a directory is not a configuration */
static void
test_directory_as_file(void **state)
{
	struct conf	*conf = NULL;
	struct mg_err	 err;
	int		 rc;

	(void)state;
	mg_err_clear(&err);
	rc = conf_load(tmpdir, &conf, &err);
	if (rc != -1) {
		conf_free(&conf);
		fail_msg("the directory %s loaded as a configuration", tmpdir);
	}
	assert_null(conf);
	assert_int_equal(err.cls, MG_ERR_TEMP);
	assert_non_null(strstr(err.msg, tmpdir));
}

/* conf_free on NULL is a no-op */
static void
test_free_null(void **state)
{
	struct conf *conf = NULL;

	(void)state;
	conf_free(&conf);
	assert_null(conf);
}

static void
test_default_path(void **state)
{
	const char	*old = getenv("MADOGUCHI_CONFIG"), *p;
	char		*saved = old ? strdup(old) : NULL;
	const char	*suffix = "/madoguchi/madoguchi.conf";

	(void)state;
	assert_int_equal(setenv("MADOGUCHI_CONFIG", "/env/m.conf", 1), 0);
	assert_string_equal(conf_default_path("/arg/m.conf"), "/arg/m.conf");
	assert_string_equal(conf_default_path("rel.conf"), "rel.conf");
	assert_string_equal(conf_default_path(NULL), "/env/m.conf");
	assert_string_equal(conf_default_path(""), "/env/m.conf");

	assert_int_equal(unsetenv("MADOGUCHI_CONFIG"), 0);
	assert_string_equal(conf_default_path("/arg/m.conf"), "/arg/m.conf");
	p = conf_default_path(NULL);
	assert_non_null(p);
	assert_true(p[0] == '/');
	assert_true(strlen(p) > strlen(suffix));
	assert_string_equal(p + strlen(p) - strlen(suffix), suffix);

	/* an empty variable counts as unset */
	assert_int_equal(setenv("MADOGUCHI_CONFIG", "", 1), 0);
	assert_string_equal(conf_default_path(NULL), p);

	if (saved != NULL) {
		assert_int_equal(setenv("MADOGUCHI_CONFIG", saved, 1), 0);
		free(saved);
	} else
		assert_int_equal(unsetenv("MADOGUCHI_CONFIG"), 0);
}

struct tag_case {
	const char	*name;
	const char	*in;
	int		 want;
};

static const struct tag_case tag_cases[] = {
	{ "CSIRT", "CSIRT", 1 },
	{ "with '-'", "JP-CERT", 1 },
	{ "with '_'", "my_team", 1 },
	{ "digits", "CERT2", 1 },
	{ "one character", "C", 1 },
	{ "32 characters", "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345", 1 },
	{ "33 characters", "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456", 0 },
	{ "empty", "", 0 },
	{ "space", "CS IRT", 0 },
	{ "leading space", " CSIRT", 0 },
	{ "tab", "CS\tIRT", 0 },
	{ "#", "CSIRT#", 0 },
	{ "bracket", "[CSIRT]", 0 },
	{ "dot", "CS.IRT", 0 },
	{ "full-width", "ＣＳＩＲＴ", 0 },
	{ "8-bit byte", "CSIRT\xe9", 0 },
};

static void
test_valid_tag(void **state)
{
	const struct tag_case	*c;
	size_t			 i;
	int			 got, bad = 0;

	(void)state;
	for (i = 0; i < sizeof(tag_cases) / sizeof(tag_cases[0]); i++) {
		c = &tag_cases[i];
		got = conf_valid_tag(c->in);
		if (got != c->want) {
			print_error("%s: \"%s\" gave %d, want %d\n", c->name,
			    c->in, got, c->want);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

struct size_case {
	const char	*name;
	const char	*in;
	int		 rc;
	uint64_t	 want;
};

static const struct size_case size_cases[] = {
	{ "bytes", "512", 0, 512 },
	{ "zero", "0", 0, 0 },
	{ "1K", "1K", 0, 1024 },
	{ "64k", "64k", 0, 65536 },
	{ "2M", "2M", 0, 2097152 },
	{ "50M", "50M", 0, 52428800 },
	{ "3G", "3G", 0, UINT64_C(3221225472) },
	{ "10MB", "10MB", 0, 10485760 },
	{ "1kb", "1kb", 0, 1024 },
	{ "largest", "18446744073709551615", 0, UINT64_MAX },
	{ "largest G", "17179869183G", 0, UINT64_C(17179869183) << 30 },
	{ "empty", "", -1, 0 },
	{ "letters", "abc", -1, 0 },
	{ "unit only", "M", -1, 0 },
	{ "terabytes", "1T", -1, 0 },
	{ "unknown unit", "5X", -1, 0 },
	{ "negative", "-1", -1, 0 },
	{ "negative with unit", "-1M", -1, 0 },
	{ "overflow", "18446744073709551616", -1, 0 },
	{ "overflow by unit", "17179869184G", -1, 0 },
	{ "overflow by K", "18014398509481984K", -1, 0 },
	{ "junk after unit", "1MBx", -1, 0 },
	{ "two units", "1KM", -1, 0 },
	{ "space before unit", "1 M", -1, 0 },
	{ "fraction", "1.5M", -1, 0 },
};

static void
test_parse_size(void **state)
{
	const struct size_case	*c;
	uint64_t		 v;
	size_t			 i;
	int			 rc, bad = 0;

	(void)state;
	for (i = 0; i < sizeof(size_cases) / sizeof(size_cases[0]); i++) {
		c = &size_cases[i];
		v = 12345;
		rc = util_parse_size(c->in, &v);
		if (rc != c->rc || (rc == 0 && v != c->want)) {
			print_error("%s: \"%s\" gave %d, %llu; want %d, %llu\n",
			    c->name, c->in, rc, (unsigned long long)v, c->rc,
			    (unsigned long long)c->want);
			bad++;
		}
	}
	assert_int_equal(util_parse_size(NULL, &v), -1);
	assert_int_equal(bad, 0);
}

struct int_case {
	const char	*name;
	const char	*in;
	long long	 min, max;
	int		 rc;
	long long	 want;
};

static const struct int_case int_cases[] = {
	{ "in range", "5", 1, 10, 0, 5 },
	{ "at min", "1", 1, 10, 0, 1 },
	{ "at max", "10", 1, 10, 0, 10 },
	{ "below min", "0", 1, 10, -1, 0 },
	{ "above max", "11", 1, 10, -1, 0 },
	{ "negative allowed", "-3", -5, 5, 0, -3 },
	{ "negative not allowed", "-1", 0, 10, -1, 0 },
	{ "empty", "", 0, 10, -1, 0 },
	{ "letters", "abc", 0, 10, -1, 0 },
	{ "junk after", "5x", 0, 10, -1, 0 },
	{ "trailing space", "5 ", 0, 10, -1, 0 },
	{ "fraction", "1.5", 0, 10, -1, 0 },
	{ "hex", "0x10", 0, 100, -1, 0 },
	{ "LLONG_MAX", "9223372036854775807", 0, LLONG_MAX, 0, LLONG_MAX },
	{ "LLONG_MIN", "-9223372036854775808", LLONG_MIN, 0, 0, LLONG_MIN },
	{ "overflow", "9223372036854775808", 0, LLONG_MAX, -1, 0 },
	{ "underflow", "-9223372036854775809", LLONG_MIN, 0, -1, 0 },
	{ "huge", "99999999999999999999999", 0, LLONG_MAX, -1, 0 },
};

static void
test_parse_int(void **state)
{
	const struct int_case	*c;
	long long		 v;
	size_t			 i;
	int			 rc, bad = 0;

	(void)state;
	for (i = 0; i < sizeof(int_cases) / sizeof(int_cases[0]); i++) {
		c = &int_cases[i];
		v = 12345;
		rc = util_parse_int(c->in, c->min, c->max, &v);
		if (rc != c->rc || (rc == 0 && v != c->want)) {
			print_error("%s: \"%s\" gave %d, %lld; want %d, %lld\n",
			    c->name, c->in, rc, v, c->rc, c->want);
			bad++;
		}
	}
	assert_int_equal(util_parse_int(NULL, 0, 10, &v), -1);
	assert_int_equal(bad, 0);
}

struct addr_case {
	const char	*name;
	const char	*in;
	const char	*want;		/* NULL: no address */
};

static const struct addr_case addr_cases[] = {
	{ "angle brackets, mixed case", "<Alice@Example.ORG>",
	    "alice@example.org" },
	{ "bare", "Bob@EXAMPLE.org", "bob@example.org" },
	{ "blanks around", "  <carol@example.net>  ", "carol@example.net" },
	{ "tabs around", "\t<Dave@X.Y>\t", "dave@x.y" },
	{ "already normal", "erin@example.com", "erin@example.com" },
	{ "empty brackets with blanks", "  <>  ", NULL },
	{ "empty brackets", "<>", NULL },
	{ "empty", "", NULL },
	{ "blanks", "   ", NULL },
	{ "NULL", NULL, NULL },
};

static void
test_addr_norm(void **state)
{
	const struct addr_case	*c;
	char			*got;
	size_t			 i;
	int			 bad = 0;

	(void)state;
	for (i = 0; i < sizeof(addr_cases) / sizeof(addr_cases[0]); i++) {
		c = &addr_cases[i];
		got = util_addr_norm(c->in);
		if (c->want == NULL ? got != NULL :
		    (got == NULL || strcmp(got, c->want) != 0)) {
			print_error("%s: got \"%s\", want \"%s\"\n", c->name,
			    got ? got : "(NULL)", c->want ? c->want : "(NULL)");
			bad++;
		}
		free(got);
	}
	assert_int_equal(bad, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_default_file_loads,
		    setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_empty_file_defaults,
		    setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_default_file_team_values,
		    setup_dir, teardown_dir),
		cmocka_unit_test(test_default_file_comments),
		cmocka_unit_test_setup_teardown(test_paths,
		    setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_paths_no_directory,
		    setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_inline_comments,
		    setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_bad_files,
		    setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_empty_unknown_section,
		    setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_missing_file,
		    setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_directory_as_file,
		    setup_dir, teardown_dir),
		cmocka_unit_test(test_free_null),
		cmocka_unit_test(test_default_path),
		cmocka_unit_test(test_valid_tag),
		cmocka_unit_test(test_parse_size),
		cmocka_unit_test(test_parse_int),
		cmocka_unit_test(test_addr_norm),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
