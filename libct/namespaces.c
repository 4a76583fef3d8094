#include "libct/namespaces.h"
#include "libct/utils.h"

#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const int ns_flags[SPEC_NS_COUNT] = {
    [SPEC_NS_PID] = CLONE_NEWPID,	[SPEC_NS_NETWORK] = CLONE_NEWNET,
    [SPEC_NS_MOUNT] = CLONE_NEWNS,	[SPEC_NS_IPC] = CLONE_NEWIPC,
    [SPEC_NS_UTS] = CLONE_NEWUTS,	[SPEC_NS_USER] = CLONE_NEWUSER,
    [SPEC_NS_CGROUP] = CLONE_NEWCGROUP, [SPEC_NS_TIME] = CLONE_NEWTIME,
};

int ns_clone_flag(enum spec_ns_type t)
{
	return ns_flags[t];
}

bool ns_wants_new(const struct spec_linux *l, enum spec_ns_type t)
{
	for (size_t i = 0; l && i < l->n_namespaces; i++)
		if (l->namespaces[i].type == t && !l->namespaces[i].path)
			return true;
	return false;
}

bool ns_in_own(const struct spec_linux *l, enum spec_ns_type t)
{
	for (size_t i = 0; l && i < l->n_namespaces; i++)
		if (l->namespaces[i].type == t)
			return true;
	return false;
}

unsigned long ns_clone_flags(const struct spec_linux *l)
{
	unsigned long flags = 0;

	for (size_t i = 0; l && i < l->n_namespaces; i++) {
		enum spec_ns_type t = l->namespaces[i].type;
		if (l->namespaces[i].path || t == SPEC_NS_CGROUP || t == SPEC_NS_TIME)
			continue;
		flags |= ns_flags[t];
	}
	return flags;
}

int ns_open_paths(const struct spec_linux *l, int fds[SPEC_NS_COUNT], struct shim_err *err)
{
	for (int t = 0; t < SPEC_NS_COUNT; t++)
		fds[t] = -1;
	for (size_t i = 0; l && i < l->n_namespaces; i++) {
		const struct spec_namespace *ns = &l->namespaces[i];
		if (!ns->path)
			continue;
		fds[ns->type] = open(ns->path, O_RDONLY | O_CLOEXEC);
		if (fds[ns->type] < 0) {
			int e = errno;
			ns_close_fds(fds);
			return shim_error_sys(err, e, "linux.namespaces[%zu]: open %s namespace %s",
					      i, spec_ns_type_name(ns->type), ns->path);
		}
	}
	return 0;
}

void ns_close_fds(int fds[SPEC_NS_COUNT])
{
	for (int t = 0; t < SPEC_NS_COUNT; t++) {
		if (fds[t] >= 0)
			close(fds[t]);
		fds[t] = -1;
	}
}

int ns_join(int fds[SPEC_NS_COUNT], struct shim_err *err)
{
	/* The user namespace first: it grants the rights to join the others. */
	static const enum spec_ns_type order[] = {SPEC_NS_USER,	   SPEC_NS_IPC,	   SPEC_NS_UTS,
						  SPEC_NS_NETWORK, SPEC_NS_CGROUP, SPEC_NS_TIME,
						  SPEC_NS_MOUNT};

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		enum spec_ns_type t = order[i];
		if (fds[t] < 0)
			continue;
		if (setns(fds[t], ns_flags[t]) < 0)
			return shim_error_sys(err, errno, "join %s namespace",
					      spec_ns_type_name(t));
	}
	return 0;
}

static int ns_write_map(pid_t pid, const char *file, const struct spec_id_mapping *m, size_t n,
			struct shim_err *err)
{
	char path[64], buf[4096];
	size_t len = 0;

	if (!n)
		return 0;
	for (size_t i = 0; i < n && len < sizeof(buf); i++)
		len += snprintf(buf + len, sizeof(buf) - len, "%u %u %u\n", m[i].container_id,
				m[i].host_id, m[i].size);
	if (len >= sizeof(buf))
		return shim_error(err, E2BIG, "%s: too many id mappings", file);
	snprintf(path, sizeof(path), "/proc/%d/%s", pid, file);
	return util_write_file(path, buf, len, err);
}

int ns_write_id_maps(pid_t pid, const struct spec_linux *l, struct shim_err *err)
{
	int r = ns_write_map(pid, "uid_map", l->uid_mappings, l->n_uid_mappings, err);
	if (r < 0)
		return r;
	return ns_write_map(pid, "gid_map", l->gid_mappings, l->n_gid_mappings, err);
}

static int ns_write_time_offsets(const struct spec_linux *l, struct shim_err *err)
{
	char buf[128];
	size_t len = 0;

	if (l->time_monotonic.set)
		len += snprintf(buf + len, sizeof(buf) - len, "monotonic %lld %u\n",
				(long long)l->time_monotonic.secs, l->time_monotonic.nanosecs);
	if (l->time_boottime.set)
		len += snprintf(buf + len, sizeof(buf) - len, "boottime %lld %u\n",
				(long long)l->time_boottime.secs, l->time_boottime.nanosecs);
	if (!len)
		return 0;
	return util_write_file("/proc/self/timens_offsets", buf, len, err);
}

int ns_enter_for_children(const struct spec_linux *l, int fds[SPEC_NS_COUNT], int saved[2],
			  struct shim_err *err)
{
	int r;

	saved[0] = saved[1] = -1;
	if (fds[SPEC_NS_PID] >= 0) {
		saved[0] = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
		if (saved[0] < 0 || setns(fds[SPEC_NS_PID], CLONE_NEWPID) < 0)
			return shim_error_sys(err, errno, "join pid namespace");
	}
	if (ns_wants_new(l, SPEC_NS_TIME)) {
		saved[1] = open("/proc/self/ns/time", O_RDONLY | O_CLOEXEC);
		if (saved[1] < 0)
			return shim_error_sys(err, errno, "open /proc/self/ns/time");
		/* Offsets can be written only before a process enters, hence unshare here. */
		if (unshare(CLONE_NEWTIME) < 0)
			return shim_error_sys(err, errno, "create time namespace");
		r = ns_write_time_offsets(l, err);
		if (r < 0)
			return r;
	}
	return 0;
}

void ns_restore_for_children(int saved[2])
{
	if (saved[0] >= 0) {
		setns(saved[0], CLONE_NEWPID);
		close(saved[0]);
	}
	if (saved[1] >= 0) {
		setns(saved[1], CLONE_NEWTIME);
		close(saved[1]);
	}
	saved[0] = saved[1] = -1;
}

int ns_become_root(unsigned long unshare_flags, struct shim_err *err)
{
	/* Fresh from clone we hold the overflow ids; 0 is mapped by now. */
	if (setresuid(0, 0, 0) < 0)
		return shim_error_sys(err, errno, "setuid 0 in the user namespace");
	if (unshare_flags && unshare(unshare_flags) < 0)
		return shim_error_sys(err, errno, "create namespaces");
	if (setresgid(0, 0, 0) < 0)
		return shim_error_sys(err, errno, "setgid 0 in the user namespace");
	return 0;
}

int ns_bring_up_loopback(struct shim_err *err)
{
	struct ifreq ifr = {0};
	_cleanup_close_ int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return shim_error_sys(err, errno, "socket");
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		return shim_error_sys(err, errno, "get lo flags");
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		return shim_error_sys(err, errno, "bring lo up");
	return 0;
}

/* runc's rule: a sysctl must belong to a namespace the container has its own of. */
int ns_validate_sysctl(const struct spec_linux *l, struct shim_err *err)
{
	static const char *const ipc_keys[] = {
	    "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
	    "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced"};

	for (size_t i = 0; l && i < l->n_sysctl; i++) {
		const char *k = l->sysctl[i].key;
		bool ok = false;

		for (size_t j = 0; j < sizeof(ipc_keys) / sizeof(ipc_keys[0]); j++)
			if (!strcmp(k, ipc_keys[j]))
				ok = ns_in_own(l, SPEC_NS_IPC);
		if (!strncmp(k, "fs.mqueue.", 10))
			ok = ns_in_own(l, SPEC_NS_IPC);
		else if (!strncmp(k, "net.", 4))
			ok = ns_in_own(l, SPEC_NS_NETWORK);
		else if (!strcmp(k, "kernel.hostname") || !strcmp(k, "kernel.domainname"))
			ok = ns_in_own(l, SPEC_NS_UTS);
		if (!ok)
			return shim_error(
			    err, EINVAL,
			    "linux.sysctl: \"%s\" is not in a separate kernel namespace", k);
	}
	return 0;
}
