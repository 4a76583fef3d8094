/* The container's filesystem view, built in its mount namespace. */
#ifndef SHIM_LIBCT_ROOTFS_H
#define SHIM_LIBCT_ROOTFS_H

#include <stdbool.h>

#include "config/spec.h"

struct rootfs_opts {
	const struct spec *spec;
	const char *rootfs; /* absolute host path */
	bool no_pivot;
	bool cgroupns; /* the container has its own cgroup namespace */
	/* Called once before the first "cgroup" mount: the process must be in its cgroup. */
	int (*wait_cgroup)(void *data, struct shim_err *err);
	void *wait_data;
};

/* Before hooks: propagation, the rootfs bind, every mount, the devices. */
int rootfs_prepare(const struct rootfs_opts *o, struct shim_err *err);
/* After createContainer hooks: pivot_root (or MS_MOVE+chroot). */
int rootfs_pivot(const struct rootfs_opts *o, struct shim_err *err);
/* Inside the new root: masked, readonly paths, root.readonly, sysctl. */
int rootfs_finalize(const struct rootfs_opts *o, struct shim_err *err);

/* Mount option parsing, exposed for unit tests. */
struct rootfs_mount_flags {
	unsigned long flags;	   /* MS_* set */
	unsigned long clear;	   /* MS_* cleared by "rw", "suid"... */
	unsigned long propagation; /* MS_SHARED|MS_SLAVE|MS_PRIVATE|MS_UNBINDABLE (+MS_REC) */
	char data[4096];	   /* the rest, comma-joined for the filesystem */
};
int rootfs_parse_options(char **options, size_t n, struct rootfs_mount_flags *out,
			 struct shim_err *err);

#endif
