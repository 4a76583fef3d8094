/*
 * Per-container state under <root>/<id>/: state.json (atomic writes),
 * config.json (a copy of the bundle's, for exec), exec.fifo, and a lock file.
 */
#ifndef SHIM_LIBCT_STATE_H
#define SHIM_LIBCT_STATE_H

#include <stdbool.h>
#include <sys/types.h>

#include "config/error.h"
#include "config/spec.h"

struct ct_state {
	char *id;
	char *bundle;
	char *rootfs;
	char *cgroup_path;
	char *created; /* RFC 3339 */
	char *owner;
	pid_t pid;
	unsigned long long start_time; /* /proc/PID/stat starttime: guards against pid reuse */
	bool use_terminal;
	bool no_new_keyring; /* create --no-new-keyring: exec keeps the caller's too */
};

enum ct_status {
	CT_STATUS_CREATING,
	CT_STATUS_CREATED,
	CT_STATUS_RUNNING,
	CT_STATUS_PAUSED,
	CT_STATUS_STOPPED,
};

const char *ct_status_name(enum ct_status s);

/* "<root>/<id>" or "<root>/<id>/<file>"; NULL on ENOMEM. */
char *ct_state_path(const char *root, const char *id, const char *file);
int ct_state_validate_id(const char *id, struct shim_err *err);

/* Creates <root>/<id> exclusively: fails with EEXIST when the id is taken. */
int ct_state_dir_create(const char *root, const char *id, struct shim_err *err);
/* Takes the container's lock (flock, exclusive); returns the fd. */
int ct_state_lock(const char *root, const char *id, struct shim_err *err);
int ct_state_save(const char *root, const struct ct_state *st, struct shim_err *err);
/* ENOENT with "container X does not exist" when there is no such container. */
int ct_state_load(const char *root, const char *id, struct ct_state *st, struct shim_err *err);
void ct_state_clear(struct ct_state *st);
/* Removes the state directory and everything in it. */
int ct_state_remove(const char *root, const char *id, struct shim_err *err);

/* Loads the config.json copy kept in the state dir. */
int ct_state_load_spec(const char *root, const char *id, struct spec **out, struct shim_err *err);

/* Current status from the pid, its start time, the exec fifo and the freezer. */
enum ct_status ct_state_status(const char *root, const struct ct_state *st);
bool ct_state_pid_alive(const struct ct_state *st);

/* The runtime-spec state JSON (ociVersion, id, status, pid, bundle, annotations). */
char *ct_state_spec_json(const struct ct_state *st, const char *status, const struct spec *spec);
/* runc's `state` output: the spec fields plus rootfs, created, owner. */
char *ct_state_runc_json(const struct ct_state *st, const char *status, const struct spec *spec,
			 bool pretty);

#endif
