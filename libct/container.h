/*
 * Container lifecycle: create (parent + container init over a sync socket),
 * start (the exec fifo), run, exec, kill, delete. See docs/architecture.md.
 */
#ifndef SHIM_LIBCT_CONTAINER_H
#define SHIM_LIBCT_CONTAINER_H

#include <stdbool.h>
#include <sys/types.h>

#include "config/spec.h"
#include "libct/state.h"

enum ct_log_level {
	CT_LOG_ERROR,
	CT_LOG_WARN,
	CT_LOG_INFO,
	CT_LOG_DEBUG,
};

/* libct never prints: messages go to the caller's sink. */
struct ct_log {
	void (*fn)(enum ct_log_level level, const char *msg, void *data);
	void *data;
};

void ct_log_msg(const struct ct_log *log, enum ct_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

struct ct_create_opts {
	const char *root; /* state root, e.g. /run/shim */
	const char *id;
	const char *bundle; /* absolute */
	const char *pid_file;
	const char *console_socket;
	bool no_pivot;
	bool no_new_keyring;
	int preserve_fds;
	struct ct_log log;
};

/* Leaves the container in "created", its init waiting on the exec fifo. */
int ct_container_create(const struct ct_create_opts *o, pid_t *pid, struct shim_err *err);
/* Releases the exec fifo and runs poststart hooks. */
int ct_container_start(const char *root, const char *id, const struct ct_log *log,
		       struct shim_err *err);
/*
 * create + start. In the foreground it forwards signals, waits and returns the
 * exit status (128+N for signal N) after deleting the container.
 */
int ct_container_run(const struct ct_create_opts *o, bool detach, int *exit_status,
		     struct shim_err *err);
int ct_container_kill(const char *root, const char *id, int sig, bool all, struct shim_err *err);
int ct_container_delete(const char *root, const char *id, bool force, const struct ct_log *log,
			struct shim_err *err);

struct ct_exec_opts {
	const char *root;
	const char *id;
	struct spec_process *process; /* already parsed */
	const char *pid_file;
	const char *console_socket;
	bool detach;
	int preserve_fds;
	struct ct_log log;
};
/* Runs a process in a running container; in the foreground returns its status. */
int ct_container_exec(const struct ct_exec_opts *o, int *exit_status, struct shim_err *err);

#endif
