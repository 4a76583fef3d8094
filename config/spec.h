/*
 * The OCI runtime-spec 1.2 config.json as typed C structs.
 *
 * Conventions:
 *  - Strings are malloc'ed, NULL when absent.
 *  - Lists are a pointer plus a count (`x` and `n_x`); string lists are also
 *    NULL-terminated so they can go straight to execve.
 *  - Optional numbers use spec_u64/spec_i64 with a `set` flag.
 *  - Optional objects are pointers, NULL when absent.
 *  - Enums are validated here; anything that needs the kernel is checked in
 *    libct/.
 */
#ifndef SHIM_SPEC_H
#define SHIM_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

typedef struct {
	bool set;
	uint64_t v;
} spec_u64;

typedef struct {
	bool set;
	int64_t v;
} spec_i64;

typedef struct {
	bool set;
	bool v;
} spec_bool;

struct spec_kv {
	char *key;
	char *value;
};

/* ---- process ---- */

struct spec_rlimit {
	char *type; /* "RLIMIT_NOFILE"; libct maps it */
	uint64_t hard;
	uint64_t soft;
};

struct spec_user {
	uint32_t uid;
	uint32_t gid;
	spec_u64 umask;
	uint32_t *additional_gids;
	size_t n_additional_gids;
	char *username;
};

struct spec_capabilities {
	/* Each list is NULL when the key is absent (no capabilities of that kind). */
	char **bounding;
	size_t n_bounding;
	char **effective;
	size_t n_effective;
	char **inheritable;
	size_t n_inheritable;
	char **permitted;
	size_t n_permitted;
	char **ambient;
	size_t n_ambient;
};

struct spec_io_priority {
	char *class; /* IOPRIO_CLASS_RT|BE|IDLE */
	int64_t priority;
};

struct spec_scheduler {
	char *policy; /* SCHED_OTHER ... */
	int64_t nice;
	int64_t priority;
	char **flags;
	size_t n_flags;
	uint64_t runtime;
	uint64_t deadline;
	uint64_t period;
};

struct spec_process {
	bool terminal;
	bool has_console_size;
	uint32_t console_height;
	uint32_t console_width;
	struct spec_user user;
	char **args; /* required unless command_line is set */
	size_t n_args;
	char *command_line; /* Windows only; parsed and ignored */
	char **env;
	size_t n_env;
	char *cwd; /* required, absolute */
	struct spec_capabilities *capabilities;
	struct spec_rlimit *rlimits;
	size_t n_rlimits;
	bool no_new_privileges;
	char *apparmor_profile;
	spec_i64 oom_score_adj;
	char *selinux_label;
	struct spec_io_priority *io_priority;
	struct spec_scheduler *scheduler;
	char *exec_cpu_affinity_initial;
	char *exec_cpu_affinity_final;
};

/* ---- root, mounts ---- */

struct spec_root {
	char *path; /* required */
	bool readonly;
};

struct spec_id_mapping {
	uint32_t container_id;
	uint32_t host_id;
	uint32_t size;
};

struct spec_mount {
	char *destination; /* required */
	char *type;
	char *source;
	char **options;
	size_t n_options;
	struct spec_id_mapping *uid_mappings;
	size_t n_uid_mappings;
	struct spec_id_mapping *gid_mappings;
	size_t n_gid_mappings;
};

/* ---- hooks ---- */

struct spec_hook {
	char *path; /* required, absolute */
	char **args;
	size_t n_args;
	char **env;
	size_t n_env;
	spec_i64 timeout; /* seconds, > 0 when set */
};

struct spec_hook_list {
	struct spec_hook *v;
	size_t n;
};

struct spec_hooks {
	struct spec_hook_list prestart;
	struct spec_hook_list create_runtime;
	struct spec_hook_list create_container;
	struct spec_hook_list start_container;
	struct spec_hook_list poststart;
	struct spec_hook_list poststop;
};

/* ---- linux ---- */

enum spec_ns_type {
	SPEC_NS_PID,
	SPEC_NS_NETWORK,
	SPEC_NS_MOUNT,
	SPEC_NS_IPC,
	SPEC_NS_UTS,
	SPEC_NS_USER,
	SPEC_NS_CGROUP,
	SPEC_NS_TIME,
	SPEC_NS_COUNT,
};

struct spec_namespace {
	enum spec_ns_type type;
	char *path; /* NULL: create a new one */
};

struct spec_time_offset {
	bool set;
	int64_t secs;
	uint32_t nanosecs;
};

struct spec_device {
	char *type; /* "c", "b", "u" or "p" */
	char *path; /* required */
	spec_i64 major;
	spec_i64 minor;
	spec_u64 file_mode;
	spec_u64 uid;
	spec_u64 gid;
};

struct spec_device_cgroup {
	bool allow;
	char *type; /* "a", "c", "b"; NULL means all */
	spec_i64 major;
	spec_i64 minor;
	char *access; /* "rwm" subset; NULL means all */
};

struct spec_memory {
	spec_i64 limit;
	spec_i64 reservation;
	spec_i64 swap;
	spec_i64 kernel;
	spec_i64 kernel_tcp;
	spec_u64 swappiness;
	spec_bool disable_oom_killer;
	spec_bool use_hierarchy;
	spec_bool check_before_update;
};

struct spec_cpu {
	spec_u64 shares;
	spec_i64 quota;
	spec_u64 burst;
	spec_u64 period;
	spec_i64 realtime_runtime;
	spec_u64 realtime_period;
	char *cpus;
	char *mems;
	spec_i64 idle;
};

struct spec_pids {
	int64_t limit;
};

struct spec_weight_device {
	int64_t major;
	int64_t minor;
	spec_u64 weight;
	spec_u64 leaf_weight;
};

struct spec_throttle_device {
	int64_t major;
	int64_t minor;
	uint64_t rate;
};

struct spec_throttle_list {
	struct spec_throttle_device *v;
	size_t n;
};

struct spec_blkio {
	spec_u64 weight;
	spec_u64 leaf_weight;
	struct spec_weight_device *weight_device;
	size_t n_weight_device;
	struct spec_throttle_list throttle_read_bps;
	struct spec_throttle_list throttle_write_bps;
	struct spec_throttle_list throttle_read_iops;
	struct spec_throttle_list throttle_write_iops;
};

struct spec_hugepage_limit {
	char *page_size; /* "2MB" */
	uint64_t limit;
};

struct spec_net_priority {
	char *name;
	uint32_t priority;
};

struct spec_network {
	spec_u64 class_id;
	struct spec_net_priority *priorities;
	size_t n_priorities;
};

struct spec_rdma {
	char *device;
	spec_u64 hca_handles;
	spec_u64 hca_objects;
};

struct spec_resources {
	struct spec_device_cgroup *devices;
	size_t n_devices;
	struct spec_memory *memory;
	struct spec_cpu *cpu;
	struct spec_pids *pids;
	struct spec_blkio *block_io;
	struct spec_hugepage_limit *hugepage_limits;
	size_t n_hugepage_limits;
	struct spec_network *network;
	struct spec_rdma *rdma;
	size_t n_rdma;
	struct spec_kv *unified;
	size_t n_unified;
};

enum spec_seccomp_action {
	SPEC_SCMP_ACT_KILL, /* = KILL_THREAD */
	SPEC_SCMP_ACT_KILL_PROCESS,
	SPEC_SCMP_ACT_KILL_THREAD,
	SPEC_SCMP_ACT_TRAP,
	SPEC_SCMP_ACT_ERRNO,
	SPEC_SCMP_ACT_TRACE,
	SPEC_SCMP_ACT_ALLOW,
	SPEC_SCMP_ACT_LOG,
	SPEC_SCMP_ACT_NOTIFY,
};

enum spec_seccomp_op {
	SPEC_SCMP_CMP_NE,
	SPEC_SCMP_CMP_LT,
	SPEC_SCMP_CMP_LE,
	SPEC_SCMP_CMP_EQ,
	SPEC_SCMP_CMP_GE,
	SPEC_SCMP_CMP_GT,
	SPEC_SCMP_CMP_MASKED_EQ,
};

struct spec_seccomp_arg {
	uint32_t index; /* 0..5 */
	uint64_t value;
	uint64_t value_two;
	enum spec_seccomp_op op;
};

struct spec_seccomp_syscall {
	char **names;
	size_t n_names;
	enum spec_seccomp_action action;
	spec_u64 errno_ret;
	struct spec_seccomp_arg *args;
	size_t n_args;
};

struct spec_seccomp {
	enum spec_seccomp_action default_action;
	spec_u64 default_errno_ret;
	char **architectures; /* validated "SCMP_ARCH_*" names */
	size_t n_architectures;
	char **flags; /* validated "SECCOMP_FILTER_FLAG_*" names; NULL when absent */
	size_t n_flags;
	bool has_flags;	     /* "flags" present (even if empty) */
	char *listener_path; /* absolute when set */
	char *listener_metadata;
	struct spec_seccomp_syscall *syscalls;
	size_t n_syscalls;
};

struct spec_personality {
	char *domain; /* LINUX or LINUX32 */
	char **flags;
	size_t n_flags;
};

struct spec_intel_rdt {
	char *clos_id;
	char *l3_cache_schema;
	char *mem_bw_schema;
};

struct spec_linux {
	struct spec_namespace *namespaces;
	size_t n_namespaces;
	struct spec_id_mapping *uid_mappings;
	size_t n_uid_mappings;
	struct spec_id_mapping *gid_mappings;
	size_t n_gid_mappings;
	struct spec_time_offset time_monotonic;
	struct spec_time_offset time_boottime;
	struct spec_device *devices;
	size_t n_devices;
	char *cgroups_path;
	struct spec_resources *resources;
	struct spec_kv *sysctl;
	size_t n_sysctl;
	struct spec_seccomp *seccomp;
	char *rootfs_propagation; /* validated: shared|slave|private|unbindable|r* */
	char **masked_paths;
	size_t n_masked_paths;
	char **readonly_paths;
	size_t n_readonly_paths;
	char *mount_label;
	struct spec_personality *personality;
	struct spec_intel_rdt *intel_rdt;
};

/* ---- top level ---- */

struct spec {
	char *oci_version; /* required */
	struct spec_process *process;
	struct spec_root *root;
	char *hostname;
	char *domainname;
	struct spec_mount *mounts;
	size_t n_mounts;
	struct spec_hooks *hooks;
	struct spec_kv *annotations;
	size_t n_annotations;
	struct spec_linux *linux_;
};

/*
 * Parsers. `name` is the file name used in messages ("config.json").
 * Messages look like "config.json: process.args[1]: expected a string".
 * On error the output is left zeroed and nothing needs freeing.
 */
int spec_parse_data(const char *data, size_t len, const char *name, struct spec **out,
		    struct shim_err *err);
int spec_parse_file(const char *path, struct spec **out, struct shim_err *err);
/* process.json for `exec --process`; same message format. */
int spec_process_parse_file(const char *path, struct spec_process **out, struct shim_err *err);
int spec_process_parse_data(const char *data, size_t len, const char *name,
			    struct spec_process **out, struct shim_err *err);
/* linux.resources JSON for `update --resources`. */
int spec_resources_parse_data(const char *data, size_t len, const char *name,
			      struct spec_resources **out, struct shim_err *err);
/* A bare linux.seccomp object (OCI form). */
int spec_seccomp_parse_data(const char *data, size_t len, const char *name,
			    struct spec_seccomp **out, struct shim_err *err);

void spec_free(struct spec *s);
void spec_process_free(struct spec_process *p);
void spec_resources_free(struct spec_resources *r);
void spec_seccomp_free(struct spec_seccomp *s);

/* Table helpers: names <-> enums (NULL/-1 when unknown). */
const char *spec_ns_type_name(enum spec_ns_type t);
int spec_seccomp_action_from_name(const char *name);
const char *spec_seccomp_action_name(enum spec_seccomp_action a);
int spec_seccomp_op_from_name(const char *name);
const char *spec_seccomp_op_name(enum spec_seccomp_op op);
/* Known SCMP_ARCH_* and SECCOMP_FILTER_FLAG_* names, NULL-terminated. */
extern const char *const spec_seccomp_arch_names[];
extern const char *const spec_seccomp_flag_names[];

/* Looks up an annotation; NULL when absent. */
const char *spec_annotation(const struct spec *s, const char *key);

#endif
