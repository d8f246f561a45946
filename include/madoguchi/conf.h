/*
 * conf.h - the instance configuration: one INI file, parsed with inih.
 *
 * One static table in conf.c lists every key with its type, default,
 * bounds and comment; it drives both the parser and the commented file
 * that "madoguchi init" writes, so the two cannot drift apart.  Unknown
 * sections or keys and out-of-range values are errors.  Relative paths are
 * relative to the configuration file's directory.  The loaded struct is
 * read-only for the rest of the program.
 */
#ifndef MADOGUCHI_CONF_H
#define MADOGUCHI_CONF_H

#include <stdint.h>
#include <stdio.h>

#include "madoguchi/err.h"

/*
 * A named section ("[queue phishing]", "[route spam-flag]") kept as its
 * key = value lines, in file order, for the module that owns its meaning
 * (route.h) to check.  A key may repeat; an indented continuation line
 * arrives as the same key again.
 */
struct conf_kv {
	char	*name;
	char	*value;
};

struct conf_section {
	char		*kind;		/* "queue", "route" */
	char		*name;
	struct conf_kv	*kv;
	size_t		 nkv;
};

struct conf {
	char	*file;			/* the file read, as given */
	char	*dir;			/* its directory: base of relative paths */

	/* [team] */
	char	*team_name;
	char	*team_address;
	char	*team_tag;		/* ticket tag prefix: "CSIRT" */
	char	*team_key;		/* team key fingerprint, may be "" */
	char	*team_languages;
	char	*passphrase_file;	/* NULL: the team key has none */

	/* [paths], already resolved against dir */
	char	*database;
	char	*spool;
	char	*gnupg;
	char	*keyring;		/* correspondents' public keys */
	char	*templates;

	/* [limits] */
	uint64_t max_message_size;
	long long max_attempts;		/* failed processings before quarantine */
	long long max_mime_depth;
	long long max_parts;
	uint64_t max_header_size;	/* per decoded header value */
	uint64_t max_text_size;		/* stored report text per message */

	/* [outbound] */
	char	*relay;			/* smtp://, smtps://, sendmail:/path */
	char	*starttls;		/* "no", "try", "require" */
	char	*relay_user;		/* "" : no SMTP AUTH */
	char	*relay_password_file;	/* NULL: none */
	long long ack;			/* 0/1 */
	long long ack_followups;	/* 0/1 */
	long long ack_rate;		/* per sender and hour */

	/* [notify] */
	long long webhook_timeout;	/* seconds */

	/* [queue NAME] and [route NAME] sections, in file order */
	struct conf_section *sects;
	size_t		 nsects;
};

/* the file to use: -c argument, else $MADOGUCHI_CONFIG, else the default */
const char *conf_default_path(const char *arg);

/*
 * conf_load - parse and validate path.  On success *conf_r is a new struct
 * (free with conf_free).  Every failure is MG_ERR_TEMP: a broken
 * configuration is our problem and must never bounce mail.
 */
int	conf_load(const char *path, struct conf **conf_r, struct mg_err *err);
void	conf_free(struct conf **conf);

/*
 * conf_write_default - the complete commented file for a new instance,
 * with the given team values (NULL: the table's defaults).
 */
int	conf_write_default(FILE *fp, const char *team_name,
	    const char *team_address, const char *team_tag,
	    const char *team_key);

/* conf_valid_name - 1 if s is a usable queue or rule name ([a-z0-9_-]{1,64}) */
int	conf_valid_name(const char *s);

/* conf_valid_tag - 1 if s is a usable ticket prefix ([A-Za-z0-9_-]{1,32}) */
int	conf_valid_tag(const char *s);

#endif
