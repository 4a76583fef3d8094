/*
 * Docker/moby (and containers/common) seccomp profiles -> OCI linux.seccomp.
 *
 * The conversion is moby's profiles/seccomp setupSeccomp():
 *  - No "defaultAction" and no (or an empty) "syscalls": seccomp is disabled;
 *    *out is NULL and the call succeeds.
 *  - "architectures" is copied; then the "archMap" entry whose "architecture"
 *    is the native arch adds itself and its "subArchitectures" (the other
 *    entries are dropped). Both keys non-empty is an error.
 *  - A rule is dropped when: excludes.arches holds the native arch, any of
 *    excludes.caps is in `caps`, the kernel is >= excludes.minKernel,
 *    includes.arches does not hold the native arch, one of includes.caps is
 *    missing from `caps` (all of them are needed), or the kernel is below
 *    includes.minKernel. Arches in includes/excludes use libseccomp's names
 *    ("amd64", "x86", "x32", "arm64", ...), as moby does.
 *  - minKernel is "<kernel>.<major>" (each 0..255, not "0.0"; "" means 0.0);
 *    the host release compares on its first two numbers ("6.18.44-x" is 6.18).
 *  - "name" (legacy, one syscall) works instead of "names"; both is an error.
 *  - "defaultErrnoRet", "flags", "listenerPath", "listenerMetadata", rule
 *    "errnoRet" and "args" pass through; "comment" is ignored.
 *  - containers/common's "defaultErrno" and rule "errno" (an errno name such
 *    as "EPERM", or a number as a string) override the *Ret numbers.
 *  - An OCI linux.seccomp object is a profile without conditions: it
 *    converts to itself.
 *
 * Stricter than moby (which leaves these to the runtime): every rule is
 * validated, kept or not, with the checks config/spec_seccomp.c makes
 * (known actions, operators, architectures and flags, errnoRet only with
 * SCMP_ACT_ERRNO/TRACE, non-empty names, NOTIFY rules need listenerPath),
 * so the result always passes spec_seccomp_parse_data(). Errors name the
 * JSON path: "prof.json: syscalls[3].action: unknown action \"SCMP_ACT_X\"".
 *
 * Nothing here looks at the running kernel: the caller passes the arch,
 * release and capabilities in.
 */
#ifndef SHIM_PROFILE_H
#define SHIM_PROFILE_H

#include <stddef.h>

#include "error.h"
#include "spec.h"

struct profile_opts {
	/* "SCMP_ARCH_X86_64"; NULL or unknown: no archMap entry or arch rule matches. */
	const char *native_arch;
	/* "6.18.44"; NULL is an error only when a rule's minKernel must be compared. */
	const char *kernel_release;
	/* The container's bounding set ("CAP_SYS_ADMIN", ...), as moby checks. */
	const char *const *caps;
	size_t n_caps;
};

/* Docker's default capability set (moby oci/caps), NULL-terminated. */
extern const char *const profile_docker_default_caps[];
#define PROFILE_N_DOCKER_DEFAULT_CAPS 14

/*
 * Converts the profile in data[0..len) (`name` prefixes messages). On success
 * *out is the OCI form (free with spec_seccomp_free), or NULL when the
 * profile disables seccomp. Returns 0 or -errno with `err` set.
 */
int profile_parse_docker(const char *data, size_t len, const char *name,
			 const struct profile_opts *o, struct spec_seccomp **out,
			 struct shim_err *err);
/* Same, reading `path`. */
int profile_parse_docker_file(const char *path, const struct profile_opts *o,
			      struct spec_seccomp **out, struct shim_err *err);

/*
 * The forbidden-syscall notifier (what CRI-O's seccompNotifierAction does, as
 * a profile rewrite): every rule that blocks (KILL*, TRAP, ERRNO) becomes
 * SCMP_ACT_NOTIFY, and so do the syscalls the default action blocks, listed
 * in one added rule (runtimes refuse NOTIFY as the default action): every
 * syscall of this build's arch, up to the highest one the profile names (the
 * ENOSYS stub's line), that no rule names. write (the kernel cannot notify it
 * for the runtime) and ERRNO rules returning ENOSYS (a syscall made to look
 * absent, e.g. clone3) stay as they are; so does a default of ENOSYS.
 * listenerMetadata tells the agent what each blocked syscall returned, so it
 * answers the same and the workload sees no difference:
 *     "shim-forbidden:DEFAULT_ERRNO[,NAME=ERRNO]..."
 */
#define PROFILE_FORBIDDEN_METADATA "shim-forbidden:"
int profile_notify_forbidden(struct spec_seccomp *s, const char *listener_path,
			     struct shim_err *err);

/*
 * Profile recording: a linux.seccomp that allows everything but has every
 * syscall of this build's arch except write NOTIFY the agent at
 * `listener_path` (metadata PROFILE_RECORD_METADATA), which lets each one
 * through and, when the container ends, writes the profile of what it saw.
 */
#define PROFILE_RECORD_METADATA "shim-record:"
int profile_record(const char *listener_path, struct spec_seccomp **out, struct shim_err *err);

/* "SCMP_ARCH_X86_64" -> "amd64", the name includes/excludes.arches use; NULL when unknown. */
const char *profile_arch_native_name(const char *scmp_arch);
/* Errno name ("ENOSYS") -> number; -1 when unknown. */
int profile_errno_from_name(const char *name);

#endif
