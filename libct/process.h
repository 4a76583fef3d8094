/* The container process's own settings, applied in the container process. */
#ifndef SHIM_LIBCT_PROCESS_H
#define SHIM_LIBCT_PROCESS_H

#include <stddef.h>

#include "config/spec.h"

/* Fails early, in the parent, on names that the library cannot map. */
int proc_validate(const struct spec_process *p, struct shim_err *err);
int proc_apply_rlimits(const struct spec_process *p, struct shim_err *err);
/*
 * runc's session keyring: joins a new one named "_ses.<id>" (not the
 * caller's) and makes it searchable by its user. ENOSYS (no keyrings) is
 * not an error.
 */
int proc_join_session_keyring(const char *id, struct shim_err *err);
int proc_apply_oom_score_adj(const struct spec_process *p, struct shim_err *err);
int proc_apply_personality(const struct spec_linux *l, struct shim_err *err);
/* Drops what is not in the bounding set; needs CAP_SETPCAP, so before the uid change. */
int proc_drop_bounding(const struct spec_process *p, struct shim_err *err);
/* setgroups/setresgid/setresuid, keeping permitted caps across the change. */
int proc_set_user(const struct spec_process *p, struct shim_err *err);
/* effective/permitted/inheritable, then ambient. */
int proc_apply_caps(const struct spec_process *p, struct shim_err *err);
/* Resolves args[0] with the PATH of process.env, as runc does. */
int proc_find_executable(const struct spec_process *p, char *out, size_t size,
			 struct shim_err *err);
/* process.env plus HOME from the container's /etc/passwd when it lacks one, as runc. */
char **proc_build_env(const struct spec_process *p);
/* chdir(cwd), refusing a cwd that ends up outside the root (CVE-2024-21626). */
int proc_enter_cwd(const struct spec_process *p, struct shim_err *err);

/* The capabilities this kernel knows, as a JSON list of "CAP_*" names. */
char *proc_caps_json(void);

#endif
