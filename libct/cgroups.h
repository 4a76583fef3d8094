/*
 * cgroups through cgroupfs, as runc's fs driver: v1, v2 and hybrid hosts.
 * Everything is keyed on the resolved cgroup path ("/shim/<id>"), which the
 * state directory stores so later commands can find the cgroup again.
 * All calls return 0 or -errno; messages look like
 * "cgroup /shim/x: write memory.limit_in_bytes=33554432: Device or resource busy".
 */
#ifndef SHIM_LIBCT_CGROUPS_H
#define SHIM_LIBCT_CGROUPS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "config/spec.h"

enum ct_cgroup_mode {
	CT_CGROUP_V1,
	CT_CGROUP_V2,
	CT_CGROUP_HYBRID,
};

/*
 * statfs(/sys/fs/cgroup): cgroup2 -> V2; else /sys/fs/cgroup/unified being
 * cgroup2 -> HYBRID (v1 controllers plus a v2 tree); else V1.
 */
enum ct_cgroup_mode ct_cgroup_detect_mode(void);

/*
 * cgroupsPath -> the path every other call takes (malloc'ed into *out):
 * NULL or "" -> "/shim/<id>"; absolute -> cleaned; relative -> joined under
 * our own cgroup (the "0::" entry of /proc/self/cgroup on v2, the memory
 * hierarchy's entry -- else pids, else the first -- on v1 and hybrid hosts;
 * runc instead uses each hierarchy's own entry). ".." that would climb out is
 * rejected with -EINVAL.
 */
int ct_cgroup_resolve_path(const char *cgroups_path, const char *id, char **out,
			   struct shim_err *err);
/*
 * Creates the cgroup in every v1 hierarchy and in the v2 tree (hybrid too;
 * controllers get enabled in the parents' cgroup.subtree_control), then
 * applies `r` (may be NULL) with runc's file names and order. Controllers
 * are set on v1 where mounted there, on v2 otherwise (hybrid). A value for a
 * controller that is mounted nowhere fails the call; otherwise missing
 * controllers are skipped. Device rules (r->n_devices > 0): v1 resets with
 * "a" in devices.deny then writes each rule; v2 attaches an eBPF filter.
 * What was created is removed again on failure.
 */
int ct_cgroup_create(const char *path, const struct spec_resources *r, struct shim_err *err);
/*
 * What ct_cgroup_create/update will leave alone in `r` although it is set
 * (kernel memory limits, like runc 1.1), as a note for the caller to log;
 * NULL when there is nothing to say. The string is static.
 */
const char *ct_cgroup_ignored_note(const struct spec_resources *r);
/*
 * The device rules runc gives a container: linux.resources.devices, then
 * runc's default allow list (mknod of any char/block device; /dev/null,
 * zero, full, random, urandom, tty, ptmx, pts/N, net/tun). As in runc and
 * crun, linux.devices entries get no rule of their own: the config's
 * resources.devices must allow them. Put the result in
 * spec_resources.devices before ct_cgroup_create. *out is one malloc'ed
 * array (free() it); its strings are static or borrowed from `l`.
 */
int ct_cgroup_device_rules(const struct spec_linux *l, struct spec_device_cgroup **out, size_t *n,
			   struct shim_err *err);
/* Writes pid to cgroup.procs in every hierarchy (v1 ones and v2). */
int ct_cgroup_enter(const char *path, pid_t pid, struct shim_err *err);
/* Applies `r` again; empty device lists leave the device rules alone. */
int ct_cgroup_update(const char *path, const struct spec_resources *r, struct shim_err *err);
/* v1 freezer.state (runc's retry loop) or v2 cgroup.freeze + cgroup.events. */
int ct_cgroup_freeze(const char *path, bool frozen, struct shim_err *err);
/* false (and 0) when the cgroup or the freezer does not exist. err may be NULL. */
int ct_cgroup_is_frozen(const char *path, bool *out, struct shim_err *err);
/*
 * Process ids in the cgroup and its sub-cgroups (from the pids hierarchy,
 * else the first v1 hierarchy, else v2); *out is malloc'ed.
 */
int ct_cgroup_pids(const char *path, pid_t **out, size_t *n, struct shim_err *err);
/* runc's `events --stats` "data" object as JSON text (malloc'ed). */
int ct_cgroup_stats_json(const char *path, char **out, struct shim_err *err);
/* How many tasks the OOM killer has killed in the cgroup (the kernel's oom_kill count). */
int ct_cgroup_oom_kills(const char *path, uint64_t *n, struct shim_err *err);
/*
 * SIGKILLs what is left (freeze, kill, thaw; cgroup.kill on v2), waits up to
 * ~1 s for the cgroup to empty and removes the cgroup's directory (and any
 * sub-cgroups) in every hierarchy. Parents such as /shim stay. A cgroup that
 * does not exist is not an error.
 */
int ct_cgroup_destroy(const char *path, struct shim_err *err);

#endif
