/* The runc-compatible command line: global options, logging, one file per command. */
#ifndef SHIM_CLI_H
#define SHIM_CLI_H

#include <stdbool.h>

#include "config/error.h"
#include "libct/container.h"

struct cli {
	const char *root;
	const char *log_path;
	bool log_json;
	bool debug;
	bool systemd_cgroup;
	struct ct_log log; /* libct's sink: the --log file */
};

/* Logs to --log (text or json) and prints errors on stderr; returns 1. */
int cli_fail(struct cli *g, const struct shim_err *err);
int cli_failf(struct cli *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cli_log(struct cli *g, enum ct_log_level level, const char *msg);
/* "ID" from the one positional argument, or a usage error. */
int cli_need_id(struct cli *g, const char *cmd, int argc, char **argv, int optind, const char **id);
/* Absolute form of `path` (NULL: the cwd). */
char *cli_abs_path(const char *path);

/* create and run share their options; `detach` is NULL for create. */
int cli_parse_create(struct cli *g, const char *cmd, int argc, char **argv,
		     struct ct_create_opts *o, bool *detach, char **bundle_buf, char **id_buf);
/* Parses "TERM", "SIGTERM" or "15"; -1 when unknown. */
int cli_parse_signal(const char *s);

typedef int (*cli_cmd_fn)(struct cli *g, int argc, char **argv);

int cmd_create(struct cli *g, int argc, char **argv);
int cmd_delete(struct cli *g, int argc, char **argv);
int cmd_events(struct cli *g, int argc, char **argv);
int cmd_exec(struct cli *g, int argc, char **argv);
int cmd_features(struct cli *g, int argc, char **argv);
int cmd_kill(struct cli *g, int argc, char **argv);
int cmd_list(struct cli *g, int argc, char **argv);
int cmd_pause(struct cli *g, int argc, char **argv);
int cmd_ps(struct cli *g, int argc, char **argv);
int cmd_resume(struct cli *g, int argc, char **argv);
int cmd_run(struct cli *g, int argc, char **argv);
int cmd_seccomp_profile(struct cli *g, int argc, char **argv);
int cmd_spec(struct cli *g, int argc, char **argv);
int cmd_start(struct cli *g, int argc, char **argv);
int cmd_state(struct cli *g, int argc, char **argv);
int cmd_update(struct cli *g, int argc, char **argv);

#endif
