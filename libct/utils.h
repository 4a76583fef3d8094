/* Small file and string helpers for libct. */
#ifndef SHIM_LIBCT_UTILS_H
#define SHIM_LIBCT_UTILS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "config/error.h"
#include "config/cleanup.h"

/* Reads a whole file (NUL-terminated). */
int util_read_file(const char *path, char **out, size_t *len, struct shim_err *err);
/* Writes `data` to an existing file (sysfs, procfs style). */
int util_write_file(const char *path, const char *data, size_t len, struct shim_err *err);
/*
 * Writes via a temp file and rename, so readers see old or new: the runtime's
 * state (on tmpfs in /run, and rebuilt by nothing after a reboot: no fsync,
 * as runc).
 */
int util_write_file_atomic(const char *path, const char *data, size_t len, mode_t mode,
			   struct shim_err *err);
/* The same, with an fsync before the rename: for the user's own files. */
int util_write_file_durable(const char *path, const char *data, size_t len, mode_t mode,
			    struct shim_err *err);
int util_mkdir_p(const char *path, mode_t mode, struct shim_err *err);
/* Start time of `pid` in clock ticks (field 22 of /proc/PID/stat), 0 when gone. */
unsigned long long util_pid_start_time(pid_t pid);
/* Retries on EINTR, handles short writes. */
int util_write_all(int fd, const void *buf, size_t len);
/* snprintf into a malloc'ed string; NULL on ENOMEM. */
char *util_strdup_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Name and home of `uid` in a passwd file (no NSS); -ENOENT when absent. */
int util_passwd_lookup(const char *path, uid_t uid, char **name, char **home);
/* Sets or clears O_CLOEXEC on every fd >= from. */
int util_fds_set_cloexec(int from);

#endif
