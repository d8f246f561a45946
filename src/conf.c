/*
 * conf.c - the configuration table, its INI parser (inih) and writer.
 *
 * Never touches a message: deliver loads the configuration before reading
 * stdin, and any failure here is reported as MG_ERR_TEMP (exit 75).
 */
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/stat.h>
#include <ini.h>

#include "madoguchi/conf.h"
#include "madoguchi/util.h"
#include "madoguchi/xalloc.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif

enum conf_type {
	CONF_STR,		/* any text */
	CONF_PATH,		/* text, resolved against the file's directory */
	CONF_OPTPATH,		/* the same, or empty for none (NULL) */
	CONF_TAG,		/* ticket prefix */
	CONF_SIZE,		/* 50M */
	CONF_INT,		/* bounded integer */
	CONF_BOOL		/* yes/no, stored as a long long 0/1 */
};

struct conf_key {
	const char	*section;
	const char	*name;
	enum conf_type	 type;
	size_t		 off;
	const char	*def;
	long long	 min, max;
	const char	*comment;
};

#define OFF(f) offsetof(struct conf, f)

static const struct conf_key conf_keys[] = {
	{ "team", "name", CONF_STR, OFF(team_name), "Example CSIRT", 0, 0,
	    "The team's name, used in mail sent on its behalf." },
	{ "team", "address", CONF_STR, OFF(team_address), "csirt@example.org",
	    0, 0, "The team's public address (what reporters write to)." },
	{ "team", "tag", CONF_TAG, OFF(team_tag), "CSIRT", 0, 0,
	    "Ticket prefix: tickets are CSIRT#1, CSIRT#2, ... "
	    "Letters, digits, '-' and '_'." },
	{ "team", "key", CONF_STR, OFF(team_key), "", 0, 0,
	    "Fingerprint of the team key in the GnuPG home below." },
	{ "team", "languages", CONF_STR, OFF(team_languages), "ja, en", 0, 0,
	    "Languages of mail sent to reporters, in order." },
	{ "team", "passphrase_file", CONF_OPTPATH, OFF(passphrase_file), "",
	    0, 0, "File holding the team key's passphrase (mode 0600, owned "
	    "by the instance's user); empty if the key has none." },
	{ "paths", "database", CONF_PATH, OFF(database), "madoguchi.db", 0, 0,
	    "SQLite database (its directory must be writable: WAL files)." },
	{ "paths", "spool", CONF_PATH, OFF(spool), "spool", 0, 0,
	    "Raw messages as received: tmp/, new/ (pending), cur/ (done), "
	    "quarantine/." },
	{ "paths", "gnupg", CONF_PATH, OFF(gnupg), "gnupg", 0, 0,
	    "GnuPG home holding the team key (keep the path short: "
	    "gpg-agent's socket path must stay under 107 bytes)." },
	{ "paths", "keyring", CONF_PATH, OFF(keyring), "keyring", 0, 0,
	    "GnuPG home of the correspondents' public keys (from attached "
	    "keys and Autocrypt headers), apart from the team's secrets." },
	{ "paths", "templates", CONF_PATH, OFF(templates), "templates", 0, 0,
	    "Local templates; missing ones fall back to the installed set." },
	{ "limits", "max_message_size", CONF_SIZE, OFF(max_message_size),
	    "50M", 1024, 1LL << 40,
	    "Larger messages are refused (exit 65: the MTA bounces them)." },
	{ "limits", "max_attempts", CONF_INT, OFF(max_attempts), "5", 1, 1000,
	    "Failed processings of one message before it is quarantined." },
	{ "limits", "max_mime_depth", CONF_INT, OFF(max_mime_depth), "50", 2,
	    1000, "Deeper MIME nesting is not walked (the message is "
	    "flagged; the raw copy keeps everything)." },
	{ "limits", "max_parts", CONF_INT, OFF(max_parts), "1000", 1, 100000,
	    "MIME parts recorded per message; beyond, flagged." },
	{ "limits", "max_header_size", CONF_SIZE, OFF(max_header_size), "64K",
	    1024, 16LL << 20, "Longest decoded header value kept." },
	{ "limits", "max_text_size", CONF_SIZE, OFF(max_text_size), "4M",
	    4096, 1LL << 30, "Longest report text stored per message." },
	{ "outbound", "relay", CONF_STR, OFF(relay), "smtp://127.0.0.1:25", 0,
	    0, "Where outbound mail goes: smtp://host[:port], "
	    "smtps://host[:port], or sendmail:/usr/sbin/sendmail." },
	{ "outbound", "starttls", CONF_STR, OFF(starttls), "no", 0, 0,
	    "smtp:// only: no, try (if offered) or require (certificate "
	    "checked)." },
	{ "outbound", "relay_user", CONF_STR, OFF(relay_user), "", 0, 0,
	    "SMTP AUTH user name; empty: no authentication." },
	{ "outbound", "relay_password_file", CONF_OPTPATH,
	    OFF(relay_password_file), "", 0, 0,
	    "File holding the SMTP AUTH password (mode 0600)." },
	{ "outbound", "ack", CONF_BOOL, OFF(ack), "yes", 0, 0,
	    "Acknowledge new reports (never to robots: RFC 3834)." },
	{ "outbound", "ack_followups", CONF_BOOL, OFF(ack_followups), "no", 0,
	    0, "Also acknowledge follow-ups to an open ticket." },
	{ "outbound", "ack_rate", CONF_INT, OFF(ack_rate), "3", 0, 10000,
	    "Acknowledgements per sender per hour; beyond, none (0: none "
	    "at all)." },
	{ "notify", "webhook_timeout", CONF_INT, OFF(webhook_timeout), "10",
	    1, 300, "Seconds a webhook POST may take before it is retried "
	    "later." },
};

#define NKEYS (sizeof(conf_keys) / sizeof(conf_keys[0]))

struct conf_parse {
	struct conf	*conf;
	unsigned char	 seen[NKEYS];
	struct mg_err	*err;
	int		 failed;
};

const char *
conf_default_path(const char *arg)
{
	const char *env;

	if (arg != NULL && *arg != '\0')
		return arg;
	env = getenv("MADOGUCHI_CONFIG");
	if (env != NULL && *env != '\0')
		return env;
	return SYSCONFDIR "/madoguchi/madoguchi.conf";
}

int
conf_valid_tag(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++, n++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_')
			return 0;
	return n >= 1 && n <= 32;
}

int
conf_valid_name(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++, n++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) &&
		    *s != '-' && *s != '_')
			return 0;
	return n >= 1 && n <= 64;
}

/* named - "queue x" -> kind "queue", *name_r "x"; NULL if not such */
static const char *
named(const char *section, const char **name_r)
{
	static const char *kinds[] = { "queue", "route" };
	size_t i, n;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		n = strlen(kinds[i]);
		if (strncmp(section, kinds[i], n) == 0 && section[n] == ' ') {
			*name_r = section + n + 1 + strspn(section + n + 1, " ");
			return kinds[i];
		}
	}
	return NULL;
}

static void
section_add(struct conf *c, const char *kind, const char *name,
    const char *key, const char *value)
{
	struct conf_section *sc = NULL;
	size_t i;

	for (i = 0; i < c->nsects && sc == NULL; i++)
		if (strcmp(c->sects[i].kind, kind) == 0 &&
		    strcmp(c->sects[i].name, name) == 0)
			sc = &c->sects[i];
	if (sc == NULL) {
		c->sects = xrealloc(c->sects, (c->nsects + 1) *
		    sizeof(*c->sects));
		sc = &c->sects[c->nsects++];
		memset(sc, 0, sizeof(*sc));
		sc->kind = xstrdup(kind);
		sc->name = xstrdup(name);
	}
	if (key == NULL)
		return;
	sc->kv = xrealloc(sc->kv, (sc->nkv + 1) * sizeof(*sc->kv));
	sc->kv[sc->nkv].name = xstrdup(key);
	sc->kv[sc->nkv].value = xstrdup(value);
	sc->nkv++;
}

static int
conf_set(struct conf *c, const struct conf_key *k, const char *value,
    struct mg_err *err)
{
	char *base = (char *)c + k->off;
	long long iv;
	uint64_t sv;

	switch (k->type) {
	case CONF_TAG:
		if (!conf_valid_tag(value)) {
			mg_err_set(err, MG_ERR_TEMP, "[%s] %s: \"%s\" is not a "
			    "valid tag", k->section, k->name, value);
			return -1;
		}
		/* FALLTHROUGH */
	case CONF_STR:
		free(*(char **)base);
		*(char **)base = xstrdup(value);
		return 0;
	case CONF_OPTPATH:
		free(*(char **)base);
		*(char **)base = *value == '\0' ? NULL : util_path(c->dir, value);
		return 0;
	case CONF_PATH:
		if (*value == '\0') {
			mg_err_set(err, MG_ERR_TEMP, "[%s] %s: empty path",
			    k->section, k->name);
			return -1;
		}
		free(*(char **)base);
		*(char **)base = util_path(c->dir, value);
		return 0;
	case CONF_SIZE:
		if (util_parse_size(value, &sv) != 0 ||
		    sv < (uint64_t)k->min || sv > (uint64_t)k->max) {
			mg_err_set(err, MG_ERR_TEMP, "[%s] %s: \"%s\" is not a "
			    "size between %lld and %lld bytes", k->section,
			    k->name, value, k->min, k->max);
			return -1;
		}
		*(uint64_t *)base = sv;
		return 0;
	case CONF_INT:
		if (util_parse_int(value, k->min, k->max, &iv) != 0) {
			mg_err_set(err, MG_ERR_TEMP, "[%s] %s: \"%s\" is not a "
			    "number between %lld and %lld", k->section,
			    k->name, value, k->min, k->max);
			return -1;
		}
		*(long long *)base = iv;
		return 0;
	case CONF_BOOL:
		if (strcasecmp(value, "yes") == 0 ||
		    strcasecmp(value, "true") == 0 || strcmp(value, "1") == 0)
			iv = 1;
		else if (strcasecmp(value, "no") == 0 ||
		    strcasecmp(value, "false") == 0 || strcmp(value, "0") == 0)
			iv = 0;
		else {
			mg_err_set(err, MG_ERR_TEMP, "[%s] %s: \"%s\" is not "
			    "yes or no", k->section, k->name, value);
			return -1;
		}
		*(long long *)base = iv;
		return 0;
	}
	return -1;
}

static int
conf_handler(void *user, const char *section, const char *name,
    const char *value)
{
	struct conf_parse *cp = user;
	size_t i;

	const char *kind, *sname;

	if (cp->failed)
		return 0;
	if ((kind = named(section, &sname)) != NULL) {
		section_add(cp->conf, kind, sname, name, value);
		return 1;
	}
	for (i = 0; i < NKEYS; i++) {
		if (strcmp(conf_keys[i].section, section) != 0 ||
		    strcmp(conf_keys[i].name, name) != 0)
			continue;
		if (cp->seen[i]) {
			mg_err_set(cp->err, MG_ERR_TEMP, "[%s] %s: set twice",
			    section, name);
			cp->failed = 1;
			return 0;
		}
		cp->seen[i] = 1;
		if (conf_set(cp->conf, &conf_keys[i], value, cp->err) != 0) {
			cp->failed = 1;
			return 0;
		}
		return 1;
	}
	mg_err_set(cp->err, MG_ERR_TEMP, "[%s] %s: unknown key", section,
	    name);
	cp->failed = 1;
	return 0;
}

/*
 * check_sections - every [section] is one we know, and named ones are
 * unique and well named.  inih calls the handler only for key = value
 * lines, so a misspelt section left empty ([limtis]) would otherwise pass
 * unnoticed.  Named sections are recorded here, in order, even empty ones
 * (an empty [queue x] declares a queue).
 */
static int
check_sections(const char *path, struct conf *c, struct mg_err *err)
{
	static const char *known[] = { "team", "paths", "limits",
	    "outbound", "notify" };
	char line[1024];
	const char *kind, *sname;
	FILE *fp;
	int n = 0, rc = 0;

	if ((fp = fopen(path, "r")) == NULL)
		return 0;	/* ini_parse reports it */
	while (rc == 0 && fgets(line, sizeof(line), fp) != NULL) {
		char *b = line, *e;
		size_t i;

		n++;
		while (*b == ' ' || *b == '\t')
			b++;
		if (*b != '[' || (e = strchr(b, ']')) == NULL)
			continue;
		*e = '\0';
		if ((kind = named(b + 1, &sname)) != NULL) {
			for (i = 0; i < c->nsects; i++)
				if (strcmp(c->sects[i].kind, kind) == 0 &&
				    strcmp(c->sects[i].name, sname) == 0)
					break;
			if (!conf_valid_name(sname) || i < c->nsects) {
				mg_err_set(err, MG_ERR_TEMP, "%s:%d: [%s]: %s",
				    path, n, b + 1, i < c->nsects ?
				    "set twice" : "names are a-z, 0-9, '-' "
				    "and '_'");
				rc = -1;
			} else
				section_add(c, kind, sname, NULL, NULL);
			continue;
		}
		for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
			if (strcmp(b + 1, known[i]) == 0)
				break;
		if (i == sizeof(known) / sizeof(known[0])) {
			mg_err_set(err, MG_ERR_TEMP, "%s:%d: unknown section "
			    "[%s]", path, n, b + 1);
			rc = -1;
		}
	}
	fclose(fp);
	return rc;
}

int
conf_load(const char *path, struct conf **conf_r, struct mg_err *err)
{
	struct conf_parse cp;
	struct conf *c;
	struct stat st;
	char *slash;
	size_t i;
	int r;

	c = xcalloc(1, sizeof(*c));
	c->file = xstrdup(path);
	c->dir = xstrdup(path);
	slash = strrchr(c->dir, '/');
	if (slash == NULL) {
		free(c->dir);
		c->dir = xstrdup(".");
	} else if (slash == c->dir)
		slash[1] = '\0';
	else
		*slash = '\0';

	/* fopen succeeds on a folder, and inih then reads it as empty */
	if (stat(path, &st) != 0) {
		mg_err_set(err, MG_ERR_TEMP, "cannot read configuration %s: %s",
		    path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		mg_err_set(err, MG_ERR_TEMP, "configuration %s is not a file",
		    path);
		goto fail;
	}
	if (check_sections(path, c, err) != 0)
		goto fail;
	memset(&cp, 0, sizeof(cp));
	cp.conf = c;
	cp.err = err;
	r = ini_parse(path, conf_handler, &cp);
	if (r == -1) {
		mg_err_set(err, MG_ERR_TEMP, "cannot read configuration %s: %s",
		    path, strerror(errno));
		goto fail;
	}
	if (r != 0) {
		char why[sizeof(err->msg)];

		if (cp.failed)
			(void)snprintf(why, sizeof(why), "%s", err->msg);
		else
			(void)snprintf(why, sizeof(why), "syntax error");
		mg_err_set(err, MG_ERR_TEMP, "%s:%d: %s", path, r, why);
		goto fail;
	}
	for (i = 0; i < NKEYS; i++)
		if (!cp.seen[i] &&
		    conf_set(c, &conf_keys[i], conf_keys[i].def, err) != 0)
			goto fail;
	if (strncmp(c->relay, "smtp://", 7) != 0 &&
	    strncmp(c->relay, "smtps://", 8) != 0 &&
	    strncmp(c->relay, "sendmail:/", 10) != 0) {
		mg_err_set(err, MG_ERR_TEMP, "%s: [outbound] relay: \"%s\" is "
		    "not smtp://, smtps:// or sendmail:/path", path, c->relay);
		goto fail;
	}
	if (strcmp(c->starttls, "no") != 0 && strcmp(c->starttls, "try") != 0 &&
	    strcmp(c->starttls, "require") != 0) {
		mg_err_set(err, MG_ERR_TEMP, "%s: [outbound] starttls: \"%s\" "
		    "is not no, try or require", path, c->starttls);
		goto fail;
	}
	*conf_r = c;
	return 0;
fail:
	conf_free(&c);
	return -1;
}

void
conf_free(struct conf **cp)
{
	struct conf *c = *cp;
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < NKEYS; i++)
		if (conf_keys[i].type == CONF_STR ||
		    conf_keys[i].type == CONF_PATH ||
		    conf_keys[i].type == CONF_OPTPATH ||
		    conf_keys[i].type == CONF_TAG)
			free(*(char **)((char *)c + conf_keys[i].off));
	for (i = 0; i < c->nsects; i++) {
		size_t j;

		for (j = 0; j < c->sects[i].nkv; j++) {
			free(c->sects[i].kv[j].name);
			free(c->sects[i].kv[j].value);
		}
		free(c->sects[i].kv);
		free(c->sects[i].kind);
		free(c->sects[i].name);
	}
	free(c->sects);
	free(c->file);
	free(c->dir);
	free(c);
	*cp = NULL;
}

int
conf_write_default(FILE *fp, const char *team_name, const char *team_address,
    const char *team_tag, const char *team_key)
{
	const char *section = "";
	size_t i;

	fprintf(fp, "; madoguchi.conf - one madoguchi instance.  See "
	    "madoguchi.conf(5).\n; Relative paths are relative to this "
	    "file's directory.\n");
	for (i = 0; i < NKEYS; i++) {
		const struct conf_key *k = &conf_keys[i];
		const char *v = k->def;

		if (strcmp(section, k->section) != 0) {
			section = k->section;
			fprintf(fp, "\n[%s]\n", section);
		}
		if (strcmp(k->section, "team") == 0) {
			if (strcmp(k->name, "name") == 0 && team_name)
				v = team_name;
			else if (strcmp(k->name, "address") == 0 &&
			    team_address)
				v = team_address;
			else if (strcmp(k->name, "tag") == 0 && team_tag)
				v = team_tag;
			else if (strcmp(k->name, "key") == 0 && team_key)
				v = team_key;
		}
		fprintf(fp, "; %s\n%s = %s\n", k->comment, k->name, v);
	}
	return ferror(fp) ? -1 : 0;
}
