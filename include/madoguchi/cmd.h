/*
 * cmd.h - the command front ends.  Each parses its own arguments, loads
 * the configuration, calls the modules and returns the process exit
 * status.  config is the -c argument or NULL.
 */
#ifndef MADOGUCHI_CMD_H
#define MADOGUCHI_CMD_H

int	cmd_init(int argc, char **argv, const char *config);
int	cmd_deliver(int argc, char **argv, const char *config);
int	cmd_ticket(int argc, char **argv, const char *config);
int	cmd_spool(int argc, char **argv, const char *config);
int	cmd_outbox(int argc, char **argv, const char *config);
int	cmd_route(int argc, char **argv, const char *config);
int	cmd_observable(int argc, char **argv, const char *config);

struct conf;
struct store;

/* cmd_open - load the configuration and, if st_r, open the database;
 * prints the reason and returns -1 on failure */
int	cmd_open(const char *config, struct conf **conf_r,
	    struct store **st_r);

/* exit statuses of the people-facing commands (deliver uses sysexits) */
#define CMD_OK		0
#define CMD_FAIL	1	/* it did not work; the reason is on stderr */
#define CMD_USAGE	2	/* bad arguments */
#define CMD_NOTFOUND	3	/* no such ticket */

#endif
