/*
 * tmpl.h - mail text from templates: acknowledgements now, notifications
 * and advisories later.
 *
 * A template is a UTF-8 file: a header block of "Name: value" lines (only
 * "Subject:" so far, and it is required), one empty line, then the body.
 * {{name}} (or {{ name }}) is replaced by a value the caller gives or by
 * the checklist of what the team needs for the ticket's kind of incident.
 * Anything doubtful in a template -- an unknown placeholder, an unclosed
 * "{{", a header other than Subject, no empty line, a NUL byte, invalid
 * UTF-8, a control character, a file over TMPL_MAX_FILE -- is an error
 * (MG_ERR_PERM, "tmpl: FILE:LINE: reason"), never a blank in a sent mail.
 *
 * Templates are looked up in the instance's templates directory, then in
 * the set built into the program (the .txt files of templates/ in the
 * source tree); see tmpl_render and templates/README.md.
 */
#ifndef MADOGUCHI_TMPL_H
#define MADOGUCHI_TMPL_H

#include <stddef.h>

#include "madoguchi/err.h"

#define TMPL_MAX_FILE		(256 * 1024)	/* template or checklist */
#define TMPL_MAX_SUBJECT	4096		/* rendered Subject */
#define TMPL_MAX_BODY		(1024 * 1024)	/* rendered body */
#define TMPL_MAX_SUBJECT_VAR	200		/* of {{subject}}, then "…" */

/*
 * The values of one rendering.  Strings are UTF-8; control characters
 * (CR and LF included) become spaces and invalid UTF-8 becomes U+FFFD, so
 * no value can start a new header line.  tag, received, team_name,
 * team_address and fingerprint must be set (non-empty) when the template
 * uses them: rendering fails rather than leave a blank.
 */
struct tmpl_vars {
	const char *tag;		/* "CSIRT#12" */
	const char *received;		/* already formatted by the caller */
	const char *team_name;
	const char *team_address;
	const char *fingerprint;	/* 40 hex digits; shown as gpg does */
	const char *queue;		/* NULL: "triage" */
	const char *type;		/* RSIT "class/type", or NULL */
	const char *subject;	/* the report's subject, or NULL (encrypted) */
};

/*
 * tmpl_render - render template NAME ("ack") for v.
 *
 * dir is the instance's templates directory; NULL or missing means the
 * built-in set only.  NAME, v->queue and v->type are checked first
 * ([a-z0-9_-], type "class/type"; anything else is MG_ERR_PERM).  The
 * first file that exists wins, in dir and then built in:
 *	NAME.q-QUEUE.t-CLASS-TYPE.txt, NAME.t-CLASS-TYPE.txt,
 *	NAME.q-QUEUE.txt, NAME.txt
 * ("/" of the type becomes "-"; QUEUE is "triage" when v->queue is NULL).
 * The checklist comes from dir/checklist.txt, else the built-in one.
 *
 * On success *subject_r (one line, no trailing blanks) and *body_r (LF
 * line ends, ending in exactly one newline) are new UTF-8 strings the
 * caller frees with free().  On failure -1, nothing allocated, and err:
 * MG_ERR_PERM for a broken template, a bad name or a missing value;
 * MG_ERR_TEMP for an I/O error other than a missing file.
 */
int	tmpl_render(const char *dir, const char *name,
	    const struct tmpl_vars *v, char **subject_r, char **body_r,
	    struct mg_err *err);

/*
 * tmpl_check - parse every *.txt in dir (checklist.txt as a checklist,
 * the others as templates; dir may be NULL or missing) and then the
 * built-in set.  0, or -1 with the first error, which names the file.
 * For start-up checks: a broken template is found before a mail needs it.
 */
int	tmpl_check(const char *dir, struct mg_err *err);

/* the built-in set, generated from templates/ by templates/embed.sh */
struct tmpl_file {
	const char	*name;		/* "ack.txt" */
	const char	*text;
	size_t		 len;
};
extern const struct tmpl_file tmpl_builtin[];
extern const size_t tmpl_builtin_n;

#endif
