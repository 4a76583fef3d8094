/*
 * The process model (docs/architecture.md):
 *
 *   parent (shim create/run/exec)          container process (clone3 child)
 *   ---------------------------------      ----------------------------------
 *   state dir, config copy, seccomp BPF,
 *   cgroup, exec fifo, socketpair
 *   clone3(CLONE_NEW*, CLONE_PIDFD)  --->  waits for GO
 *   uid/gid maps, cgroup.procs, GO   --->  setns, rootfs mounts
 *   prestart + createRuntime hooks   <---  HOOKS
 *   HOOKS_DONE                       --->  createContainer hooks, pivot_root,
 *                                          masked/readonly paths, user, caps
 *   pidfd_getfd + listenerPath       <---  SECCOMP_FD n, seccomp(2)
 *   pid file, state.json, exit       <---  READY; blocks opening the exec fifo
 *   (shim start) reads the fifo      --->  startContainer hooks, execve
 */
#include "libct/container.h"
#include "libct/cgroups.h"
#include "libct/namespaces.h"
#include "libct/process.h"
#include "libct/rootfs.h"
#include "libct/seccomp.h"
#include "libct/sync.h"
#include "libct/terminal.h"
#include "libct/utils.h"
#include "hooks/hooks.h"

#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <linux/sched.h>
#include <linux/seccomp.h>

#ifndef PIDFD_NONBLOCK
#define PIDFD_NONBLOCK O_NONBLOCK
#endif

void ct_log_msg(const struct ct_log *log, enum ct_log_level level, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;

	if (!log || !log->fn)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	log->fn(level, buf, log->data);
}

static void log_warn(const char *msg, void *data)
{
	ct_log_msg(data, CT_LOG_WARN, "%s", msg);
}

/* What the container process needs; built by the parent before clone. */
struct spawn_ctx {
	const struct spec *spec;
	const struct spec_process *proc;
	const char *id;
	const char *bundle;
	const char *rootfs; /* NULL for exec */
	bool no_pivot;
	int ns_fds[SPEC_NS_COUNT];
	int sock;
	int fifo_fd;		     /* O_PATH of exec.fifo; -1 for exec */
	int lock_fd;		     /* the parent's state lock: flock is shared across fork */
	unsigned long unshare_flags; /* namespaces the init creates after clone */
	bool in_cgroup;		     /* SYNC_CGROUP received */
	pid_t host_pid;		     /* our pid as the host sees it, from SYNC_GO */
	const struct ct_seccomp_prog *seccomp;
	int preserve_fds;
	int console_fd; /* where the pty master goes when process.terminal; else -1 */
	bool new_keyring;
};

static char *child_state_json(const struct spawn_ctx *c, pid_t pid, const char *status)
{
	struct ct_state st = {.id = (char *)c->id, .bundle = (char *)c->bundle, .pid = pid};

	return ct_state_spec_json(&st, status, c->spec);
}

static int child_set_names(const struct spec *s, struct shim_err *err)
{
	if (s->hostname && sethostname(s->hostname, strlen(s->hostname)) < 0)
		return shim_error_sys(err, errno, "sethostname %s", s->hostname);
	if (s->domainname && setdomainname(s->domainname, strlen(s->domainname)) < 0)
		return shim_error_sys(err, errno, "setdomainname %s", s->domainname);
	return 0;
}

/* Blocks until the parent has moved us into the cgroup (once). */
static int child_wait_cgroup(void *data, struct shim_err *err)
{
	struct spawn_ctx *c = data;
	struct sync_msg m;
	int r;

	if (c->in_cgroup)
		return 0;
	r = sync_expect(c->sock, SYNC_CGROUP, &m, err);
	if (r < 0)
		return r;
	c->in_cgroup = true;
	return 0;
}

static int child_setup_console(struct spawn_ctx *c, struct shim_err *err)
{
	int r;

	if (c->console_fd < 0)
		return 0;
	r = term_setup_child(c->console_fd, c->proc, c->rootfs != NULL, err);
	close(c->console_fd);
	c->console_fd = -1;
	return r;
}

/* Everything that needs the new mount namespace, hooks included. */
static int child_setup_rootfs(struct spawn_ctx *c, pid_t host_pid, struct shim_err *err)
{
	const struct spec_hooks *h = c->spec->hooks;
	struct rootfs_opts ro = {.spec = c->spec,
				 .rootfs = c->rootfs,
				 .no_pivot = c->no_pivot,
				 .cgroupns = ns_wants_new(c->spec->linux_, SPEC_NS_CGROUP),
				 .wait_cgroup = child_wait_cgroup,
				 .wait_data = c};
	struct sync_msg m;
	int r;

	r = rootfs_prepare(&ro, err);
	if (r == 0)
		r = child_wait_cgroup(c, err);
	if (r < 0)
		return r;
	if (h && (h->prestart.n || h->create_runtime.n)) {
		sync_send(c->sock, SYNC_HOOKS, 0, NULL);
		r = sync_expect(c->sock, SYNC_HOOKS_DONE, &m, err);
		if (r < 0)
			return r;
	}
	if (h && h->create_container.n) {
		_cleanup_free_ char *state = child_state_json(c, host_pid, "creating");
		r = hooks_run(&h->create_container, "createContainer", state, err);
		if (r < 0)
			return r;
	}
	r = rootfs_pivot(&ro, err);
	if (r < 0)
		return r;
	/* After pivot_root (the container's /dev/ptmx), before / may turn read-only. */
	r = child_setup_console(c, err);
	if (r < 0)
		return r;
	return rootfs_finalize(&ro, err);
}

/* The listener fd reaches the parent by pidfd_getfd: no syscall of ours is needed. */
static int child_load_seccomp(const struct spawn_ctx *c, struct shim_err *err)
{
	int expected = -1, r;

	if (!c->seccomp)
		return 0;
	if (c->seccomp->flags & SECCOMP_FILTER_FLAG_NEW_LISTENER) {
		expected = fcntl(c->sock, F_DUPFD, 0);
		if (expected < 0)
			return shim_error_sys(err, errno, "probe free fd");
		close(expected);
		r = sync_send(c->sock, SYNC_SECCOMP_FD, expected, NULL);
		if (r < 0)
			return shim_error_sys(err, -r, "sync");
	}
	r = ct_seccomp_load(c->seccomp, err);
	if (r < 0)
		return r;
	if (expected >= 0 && r != expected)
		return shim_error(err, EBADF, "seccomp listener got fd %d, expected %d", r,
				  expected);
	/* Hold the fd until the parent has it: execve would close it (O_CLOEXEC). */
	if (expected >= 0) {
		struct sync_msg m;
		return sync_expect(c->sock, SYNC_SECCOMP_DONE, &m, err);
	}
	return 0;
}

/*
 * Unblocks `start` with a "0" and returns the write end. It stays open until
 * execve closes it (O_CLOEXEC): start reads to EOF, so poststart runs only
 * once the user process is executing. A failure before that is written here.
 */
static int child_open_exec_fifo(const struct spawn_ctx *c, struct shim_err *err)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", c->fifo_fd);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return shim_error_sys(err, errno, "open exec fifo");
	if (write(fd, "0", 1) != 1) {
		close(fd);
		return shim_error_sys(err, errno, "write exec fifo");
	}
	close(c->fifo_fd);
	return fd;
}

/* After READY nobody reads the sync socket: report through the fifo (start) or stderr. */
static void child_fail_late(int fifo, const struct shim_err *err) __attribute__((noreturn));
static void child_fail_late(int fifo, const struct shim_err *err)
{
	dprintf(fifo >= 0 ? fifo : 2, fifo >= 0 ? "%s" : "shim: %s\n", err->msg);
	_exit(127);
}

static int child_setup(struct spawn_ctx *c, char *exe, size_t exe_size, char ***envp,
		       struct shim_err *err)
{
	const struct spec_linux *l = c->spec->linux_;
	const struct spec_process *p = c->proc;
	struct sync_msg m;
	pid_t host_pid;
	int r;

	r = sync_expect(c->sock, SYNC_GO, &m, err);
	if (r < 0)
		return r;
	host_pid = c->host_pid = m.value;
	if (c->rootfs && ns_wants_new(l, SPEC_NS_USER)) {
		r = ns_become_root(c->unshare_flags, err);
		if (r < 0)
			return r;
	}
	r = ns_join((int *)c->ns_fds, err);
	if (r < 0)
		return r;
	if (c->rootfs && ns_wants_new(l, SPEC_NS_NETWORK)) {
		r = ns_bring_up_loopback(err);
		if (r < 0)
			return r;
	}
	if (c->rootfs) {
		/* Once in our cgroup, so it becomes the namespace's root. */
		if (ns_wants_new(l, SPEC_NS_CGROUP)) {
			r = child_wait_cgroup(c, err);
			if (r < 0)
				return r;
			if (unshare(CLONE_NEWCGROUP) < 0)
				return shim_error_sys(err, errno, "create cgroup namespace");
		}
		if (ns_wants_new(l, SPEC_NS_UTS) || c->spec->hostname) {
			r = child_set_names(c->spec, err);
			if (r < 0)
				return r;
		}
		r = child_setup_rootfs(c, host_pid, err);
		if (r < 0)
			return r;
	}
	r = child_setup_console(c, err);
	if (r < 0)
		return r;
	/* In the user namespace, before the user changes (the keyring is theirs). */
	if (c->new_keyring) {
		r = proc_join_session_keyring(c->id, err);
		if (r < 0)
			return r;
	}
	r = child_wait_cgroup(c, err);
	if (r < 0)
		return r;
	r = proc_apply_oom_score_adj(p, err);
	if (!r)
		r = proc_apply_rlimits(p, err);
	if (!r)
		r = proc_apply_personality(l, err);
	if (!r)
		r = proc_find_executable(p, exe, exe_size, err);
	if (!r && !(*envp = proc_build_env(p)))
		r = shim_error(err, ENOMEM, "out of memory");
	/* Before any filter: a profile may deny close_range. */
	if (!r && util_fds_set_cloexec(3 + c->preserve_fds) < 0)
		r = shim_error_sys(err, errno, "close_range");
	/* Without NNP loading needs CAP_SYS_ADMIN: before the caps go. */
	if (!r && !p->no_new_privileges)
		r = child_load_seccomp(c, err);
	if (!r)
		r = proc_drop_bounding(p, err);
	if (!r)
		r = proc_set_user(p, err);
	if (!r)
		r = proc_apply_caps(p, err);
	if (!r)
		r = proc_enter_cwd(p, err);
	if (!r && p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		r = shim_error_sys(err, errno, "prctl(PR_SET_NO_NEW_PRIVS)");
	/* As late as possible: the runtime's own calls above stay unfiltered. */
	if (!r && p->no_new_privileges)
		r = child_load_seccomp(c, err);
	return r;
}

static void child_main(struct spawn_ctx *c) __attribute__((noreturn));
static void child_main(struct spawn_ctx *c)
{
	struct shim_err err = {0};
	char exe[PATH_MAX], **env = NULL;
	sigset_t none;
	int r, fifo = -1;

	/* run/exec block signals to forward them; the container starts clean. */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (c->lock_fd >= 0)
		close(c->lock_fd);
	r = child_setup(c, exe, sizeof(exe), &env, &err);
	if (r < 0)
		sync_fail(c->sock, &err);
	sync_send(c->sock, SYNC_READY, 0, NULL);
	if (c->fifo_fd >= 0) {
		const struct spec_hooks *h = c->spec->hooks;

		fifo = child_open_exec_fifo(c, &err);
		if (fifo < 0)
			child_fail_late(-1, &err);
		if (h && h->start_container.n) {
			_cleanup_free_ char *state = child_state_json(c, c->host_pid, "created");
			if (hooks_run(&h->start_container, "startContainer", state, &err) < 0)
				child_fail_late(fifo, &err);
		}
	}
	execve(exe, c->proc->args, env);
	shim_error_sys(&err, errno, "exec %s", exe);
	child_fail_late(fifo, &err);
}

/* ---- parent side ---- */

struct parent {
	pid_t pid;
	int pidfd;
	int sock;
	bool ready;
	/* What the seccomp listener is told: the new container, or the running one for exec. */
	const char *status;
	pid_t state_pid;
};

static pid_t parent_clone(unsigned long flags, int *pidfd)
{
	struct clone_args args = {
	    .flags = flags | CLONE_PIDFD,
	    .pidfd = (unsigned long)pidfd,
	    .exit_signal = SIGCHLD,
	};

	return syscall(SYS_clone3, &args, sizeof(args));
}

static bool parent_is_seccomp_fd(int fd)
{
	char path[64], target[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return false;
	target[n] = '\0';
	return strstr(target, "seccomp") != NULL;
}

/*
 * Grabs the listener fd from the child without its help: the profile may
 * NOTIFY any syscall the child would use to send it.
 */
static int parent_grab_listener(struct parent *pa, int fdnum, struct shim_err *err)
{
	struct timespec start, now;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		struct pollfd p = {.fd = pa->sock, .events = POLLIN};
		int fd = syscall(SYS_pidfd_getfd, pa->pidfd, fdnum, 0);

		if (fd >= 0 && parent_is_seccomp_fd(fd))
			return fd;
		if (fd >= 0)
			close(fd);
		if (poll(&p, 1, 2) > 0 && !pa->ready) {
			struct sync_msg m;
			int r = sync_expect(pa->sock, SYNC_READY, &m, err);
			if (r < 0)
				return r;
			pa->ready = true;
			continue;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec > 10)
			return shim_error(err, ETIMEDOUT,
					  "timed out waiting for the seccomp listener fd");
	}
}

static int parent_send_listener(struct parent *pa, const struct spec *s, const char *id,
				const char *bundle, int fdnum, struct shim_err *err)
{
	_cleanup_close_ int fd = parent_grab_listener(pa, fdnum, err);
	_cleanup_free_ char *state = NULL, *payload = NULL;
	struct ct_state st = {.id = (char *)id,
			      .bundle = (char *)bundle,
			      .pid = pa->state_pid ? pa->state_pid : pa->pid};

	if (fd < 0)
		return fd;
	state = ct_state_spec_json(&st, pa->status ? pa->status : "creating", s);
	payload = ct_seccomp_listener_payload(s->linux_->seccomp, pa->pid, state);
	if (!payload)
		return shim_error(err, ENOMEM, "out of memory");
	return ct_seccomp_send_listener(s->linux_->seccomp->listener_path, fd, payload, err);
}

static int parent_run_create_hooks(const struct spec *s, const char *id, const char *bundle,
				   pid_t pid, struct shim_err *err)
{
	struct ct_state st = {.id = (char *)id, .bundle = (char *)bundle, .pid = pid};
	_cleanup_free_ char *state = ct_state_spec_json(&st, "creating", s);
	int r;

	r = hooks_run(&s->hooks->prestart, "prestart", state, err);
	if (r < 0)
		return r;
	return hooks_run(&s->hooks->create_runtime, "createRuntime", state, err);
}

/* A send fails when the child died; its last message says why. */
static int parent_send(struct parent *pa, int type, int value, struct shim_err *err)
{
	struct sync_msg m;
	int r = sync_send(pa->sock, type, value, NULL);

	if (r == 0)
		return 0;
	if (sync_recv(pa->sock, &m) == 0 && m.type == SYNC_ERROR)
		return shim_error(err, m.value > 0 ? m.value : EINVAL, "%s", m.text);
	return shim_error(err, EPIPE, "container process exited during setup");
}

/* Drives the child until READY. */
static int parent_sync(struct parent *pa, const struct spec *s, const char *id, const char *bundle,
		       struct shim_err *err)
{
	while (!pa->ready) {
		struct sync_msg m;
		int r = sync_recv(pa->sock, &m);

		if (r == -EPIPE)
			return shim_error(err, EPIPE, "container process exited during setup");
		if (r < 0)
			return shim_error_sys(err, -r, "sync socket");
		switch (m.type) {
		case SYNC_ERROR:
			return shim_error(err, m.value > 0 ? m.value : EINVAL, "%s", m.text);
		case SYNC_HOOKS:
			r = parent_run_create_hooks(s, id, bundle, pa->pid, err);
			if (r < 0)
				return r;
			r = parent_send(pa, SYNC_HOOKS_DONE, 0, err);
			if (r < 0)
				return r;
			break;
		case SYNC_SECCOMP_FD:
			r = parent_send_listener(pa, s, id, bundle, m.value, err);
			if (r == 0)
				r = parent_send(pa, SYNC_SECCOMP_DONE, 0, err);
			if (r < 0)
				return r;
			break;
		case SYNC_READY:
			pa->ready = true;
			break;
		default:
			return shim_error(err, EPROTO, "sync: unexpected message %d", m.type);
		}
	}
	return 0;
}

static void parent_kill(struct parent *pa)
{
	if (pa->pid <= 0)
		return;
	syscall(SYS_pidfd_send_signal, pa->pidfd, SIGKILL, NULL, 0);
	waitpid(pa->pid, NULL, 0);
	pa->pid = 0;
}

static void parent_close(struct parent *pa)
{
	if (pa->pidfd >= 0)
		close(pa->pidfd);
	if (pa->sock >= 0)
		close(pa->sock);
	pa->pidfd = pa->sock = -1;
}

/* Forks the container process; its half of the socketpair goes into ctx. */
static int parent_spawn(struct spawn_ctx *c, unsigned long flags, struct parent *pa,
			struct shim_err *err)
{
	int sv[2], saved[2] = {-1, -1}, r;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return shim_error_sys(err, errno, "socketpair");
	r = ns_enter_for_children(c->spec->linux_, c->ns_fds, saved, err);
	if (r < 0) {
		ns_restore_for_children(saved);
		close(sv[0]);
		close(sv[1]);
		return r;
	}
	c->sock = sv[1];
	pa->pid = parent_clone(flags, &pa->pidfd);
	if (pa->pid == 0) {
		close(sv[0]);
		child_main(c);
	}
	r = -errno;
	ns_restore_for_children(saved);
	close(sv[1]);
	if (pa->pid < 0) {
		close(sv[0]);
		pa->pid = 0;
		return shim_error_sys(err, -r, "clone3");
	}
	pa->sock = sv[0];
	return 0;
}

static void now_rfc3339(char *buf, size_t size)
{
	struct timespec ts;
	struct tm tm;
	size_t n;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, size - n, ".%09ldZ", ts.tv_nsec);
}

static int write_pid_file(const char *path, pid_t pid, struct shim_err *err)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%d", pid);

	if (!path)
		return 0;
	return util_write_file_atomic(path, buf, n, 0644, err);
}

/* process.terminal: where the container sends its pty master. */
struct console {
	int child;  /* the caller's --console-socket, or our socketpair's far end */
	int parent; /* foreground: our end, where the master arrives; else -1 */
};

static int console_open(struct console *co, const struct spec_process *p, bool detach,
			const char *socket_path, struct shim_err *err)
{
	int sv[2], r;

	r = term_check_opts(p->terminal, detach, socket_path, err);
	if (r < 0 || !p->terminal)
		return r;
	if (socket_path) {
		co->child = term_connect_socket(socket_path, err);
		return co->child < 0 ? co->child : 0;
	}
	r = term_socketpair(sv, err);
	if (r < 0)
		return r;
	co->parent = sv[0];
	co->child = sv[1];
	return 0;
}

/* The child has its copy of `child` once spawned. */
static void console_close_child(struct console *co)
{
	if (co->child >= 0)
		close(co->child);
	co->child = -1;
}

static void console_close(struct console *co)
{
	console_close_child(co);
	if (co->parent >= 0)
		close(co->parent);
	co->parent = -1;
}

/* Foreground: the master the child sent us, or -1 without a terminal. */
static int console_recv_master(struct console *co, int *master, struct shim_err *err)
{
	*master = -1;
	if (co->parent < 0)
		return 0;
	*master = term_recv_master(co->parent, err);
	return *master < 0 ? *master : 0;
}

/* Everything create sets up, so a failure can undo exactly that. */
struct create_ctx {
	const struct ct_create_opts *o;
	struct spec *spec;
	struct ct_state st;
	struct ct_seccomp_prog prog;
	bool have_prog;
	bool state_dir;
	bool cgroup;
	int lock;
	int fifo;
	int ns_fds[SPEC_NS_COUNT];
	struct parent pa;
	bool detach;
	struct console con;
	int master; /* foreground run with a terminal */
};

static void create_ctx_undo(struct create_ctx *c)
{
	const struct spec_hooks *h = c->spec ? c->spec->hooks : NULL;
	bool spawned = c->pa.pid > 0;

	parent_kill(&c->pa);
	/* The spec's lifecycle goes on to delete, poststop included, once the container existed. */
	if (spawned && h && h->poststop.n) {
		_cleanup_free_ char *state = ct_state_spec_json(&c->st, "stopped", c->spec);
		hooks_run_all(&h->poststop, "poststop", state, log_warn, (void *)&c->o->log);
	}
	if (c->cgroup)
		ct_cgroup_destroy(c->st.cgroup_path, NULL);
	if (c->state_dir)
		ct_state_remove(c->o->root, c->o->id, NULL);
}

static void create_ctx_free(struct create_ctx *c)
{
	parent_close(&c->pa);
	console_close(&c->con);
	if (c->master >= 0)
		close(c->master);
	ns_close_fds(c->ns_fds);
	if (c->fifo >= 0)
		close(c->fifo);
	if (c->lock >= 0)
		close(c->lock);
	if (c->have_prog)
		ct_seccomp_prog_free(&c->prog);
	spec_free(c->spec);
	ct_state_clear(&c->st);
}

static int create_load_spec(struct create_ctx *c, struct shim_err *err)
{
	const struct ct_create_opts *o = c->o;
	_cleanup_free_ char *path = util_strdup_printf("%s/config.json", o->bundle);
	_cleanup_free_ char *data = NULL, *rootfs = NULL;
	char real[PATH_MAX];
	size_t len;
	int r;

	r = util_read_file(path, &data, &len, err);
	if (r < 0)
		return r;
	r = spec_parse_data(data, len, path, &c->spec, err);
	if (r < 0)
		return r;
	if (!c->spec->process)
		return shim_error(err, EINVAL, "%s: process: required to create a container", path);
	if (!c->spec->root)
		return shim_error(err, EINVAL, "%s: root: required to create a container", path);
	r = proc_validate(c->spec->process, err);
	if (r == 0)
		r = ns_validate_sysctl(c->spec->linux_, err);
	if (r < 0)
		return shim_error_wrap(err, "%s", path);
	if (c->spec->root->path[0] == '/')
		rootfs = strdup(c->spec->root->path);
	else
		rootfs = util_strdup_printf("%s/%s", o->bundle, c->spec->root->path);
	if (!realpath(rootfs, real))
		return shim_error_sys(err, errno, "rootfs (%s)", rootfs);
	c->st.rootfs = strdup(real);
	c->st.id = strdup(o->id);
	c->st.no_new_keyring = o->no_new_keyring;
	c->st.bundle = strdup(o->bundle);
	/* Keep the config for exec, delete's poststop hooks and state's annotations. */
	r = ct_state_dir_create(o->root, o->id, err);
	if (r < 0)
		return r;
	c->state_dir = true;
	free(path);
	path = ct_state_path(o->root, o->id, "config.json");
	return util_write_file_atomic(path, data, len, 0600, err);
}

/* runc's default device allow list goes in with the config's rules. */
static int create_cgroup(struct create_ctx *c, struct shim_err *err)
{
	const struct spec_linux *l = c->spec->linux_;
	struct spec_resources res = {0};
	_cleanup_free_ struct spec_device_cgroup *rules = NULL;
	const char *note;
	size_t n = 0;
	int r;

	if (l && l->resources)
		res = *l->resources;
	r = ct_cgroup_device_rules(l, &rules, &n, err);
	if (r < 0)
		return r;
	res.devices = rules;
	res.n_devices = n;
	note = ct_cgroup_ignored_note(&res);
	if (note)
		ct_log_msg(&c->o->log, CT_LOG_WARN, "%s", note);
	r = ct_cgroup_create(c->st.cgroup_path, &res, err);
	if (r < 0)
		return r;
	c->cgroup = true;
	return 0;
}

static int create_prepare(struct create_ctx *c, struct shim_err *err)
{
	const struct ct_create_opts *o = c->o;
	const struct spec_linux *l = c->spec->linux_;
	_cleanup_free_ char *fifo = NULL, *cache = NULL;
	char created[64];
	int r;

	c->lock = ct_state_lock(o->root, o->id, err);
	if (c->lock < 0)
		return c->lock;
	now_rfc3339(created, sizeof(created));
	c->st.created = strdup(created);
	/* Not getpwuid: NSS would load its modules on every start. */
	if (util_passwd_lookup("/etc/passwd", geteuid(), &c->st.owner, NULL) < 0)
		c->st.owner = strdup("");
	r = ct_cgroup_resolve_path(l ? l->cgroups_path : NULL, o->id, &c->st.cgroup_path, err);
	if (r < 0)
		return r;
	/* pid 0 ("creating"): from here a killed runtime leaves what delete --force needs. */
	r = ct_state_save(o->root, &c->st, err);
	if (r < 0)
		return r;
	if (l && l->seccomp) {
		cache = util_strdup_printf("%s/seccomp-cache", o->root);
		r = ct_seccomp_compile(l->seccomp, cache, log_warn, (void *)&o->log, &c->prog, err);
		if (r < 0)
			return r;
		c->have_prog = true;
	}
	r = create_cgroup(c, err);
	if (r < 0)
		return r;
	r = console_open(&c->con, c->spec->process, c->detach, o->console_socket, err);
	if (r < 0)
		return r;
	fifo = ct_state_path(o->root, o->id, "exec.fifo");
	/* chmod: the umask must not take the write bit the container user needs. */
	if (mkfifo(fifo, 0622) < 0 || chmod(fifo, 0622) < 0)
		return shim_error_sys(err, errno, "mkfifo %s", fifo);
	c->fifo = open(fifo, O_PATH | O_CLOEXEC);
	if (c->fifo < 0)
		return shim_error_sys(err, errno, "open %s", fifo);
	return ns_open_paths(l, c->ns_fds, err);
}

static int create_spawn(struct create_ctx *c, struct shim_err *err)
{
	const struct ct_create_opts *o = c->o;
	const struct spec_linux *l = c->spec->linux_;
	struct spawn_ctx sc = {
	    .spec = c->spec,
	    .proc = c->spec->process,
	    .id = o->id,
	    .bundle = o->bundle,
	    .rootfs = c->st.rootfs,
	    .no_pivot = o->no_pivot,
	    .fifo_fd = c->fifo,
	    .lock_fd = c->lock,
	    .seccomp = c->have_prog ? &c->prog : NULL,
	    .preserve_fds = o->preserve_fds,
	    .console_fd = c->con.child,
	    .new_keyring = !o->no_new_keyring,
	};
	unsigned long flags = ns_clone_flags(l);
	int r;

	memcpy(sc.ns_fds, c->ns_fds, sizeof(sc.ns_fds));
	/*
	 * With a new user namespace only it and the pid namespace come from clone;
	 * the init unshares the rest once it is root there, so they belong to it
	 * (the ipc namespace's mqueue then gets the owner runc gives it).
	 */
	if (flags & CLONE_NEWUSER) {
		sc.unshare_flags = flags & ~(CLONE_NEWUSER | CLONE_NEWPID);
		flags &= CLONE_NEWUSER | CLONE_NEWPID;
	}
	r = parent_spawn(&sc, flags, &c->pa, err);
	console_close_child(&c->con);
	if (r < 0)
		return r;
	c->st.pid = c->pa.pid;
	c->st.start_time = util_pid_start_time(c->pa.pid);
	if (ns_wants_new(l, SPEC_NS_USER)) {
		r = ns_write_id_maps(c->pa.pid, l, err);
		if (r < 0)
			return r;
	}
	r = parent_send(&c->pa, SYNC_GO, c->pa.pid, err);
	if (r < 0)
		return r;
	/*
	 * Saved while the child mounts, and before it can get anywhere: it waits
	 * for SYNC_CGROUP. From here `delete --force` can clean up whatever
	 * happens next; before, a dying runtime takes the child with it (EOF).
	 */
	r = ct_state_save(o->root, &c->st, err);
	if (r < 0)
		return r;
	/* The child sets up its mounts meanwhile; it waits for SYNC_CGROUP before any use. */
	r = ct_cgroup_enter(c->st.cgroup_path, c->pa.pid, err);
	if (r < 0)
		return r;
	r = parent_send(&c->pa, SYNC_CGROUP, 0, err);
	if (r < 0)
		return r;
	r = parent_sync(&c->pa, c->spec, o->id, o->bundle, err);
	if (r == 0)
		r = console_recv_master(&c->con, &c->master, err);
	if (r < 0)
		return r;
	return write_pid_file(o->pid_file, c->pa.pid, err);
}

static int create_run(struct create_ctx *c, struct shim_err *err)
{
	int r = create_load_spec(c, err);

	if (!r)
		r = create_prepare(c, err);
	if (!r)
		r = create_spawn(c, err);
	return r;
}

static void create_ctx_init(struct create_ctx *c, const struct ct_create_opts *o, bool detach)
{
	memset(c, 0, sizeof(*c));
	c->o = o;
	c->detach = detach;
	c->lock = c->fifo = c->master = -1;
	c->con = (struct console){-1, -1};
	c->pa.pidfd = c->pa.sock = -1;
	for (int t = 0; t < SPEC_NS_COUNT; t++)
		c->ns_fds[t] = -1;
}

/* `master`: foreground run with a terminal gets the pty master here (else -1). */
static int container_create(const struct ct_create_opts *o, bool detach, pid_t *pid, int *master,
			    struct spec **spec, struct shim_err *err)
{
	struct create_ctx c;
	int r;

	r = ct_state_validate_id(o->id, err);
	if (r < 0)
		return r;
	create_ctx_init(&c, o, detach);
	r = create_run(&c, err);
	if (r < 0) {
		create_ctx_undo(&c);
	} else {
		if (pid)
			*pid = c.pa.pid;
		if (master)
			*master = take_fd(&c.master);
		if (spec)
			*spec = TAKE_PTR(c.spec);
	}
	create_ctx_free(&c);
	return r;
}

int ct_container_create(const struct ct_create_opts *o, pid_t *pid, struct shim_err *err)
{
	return container_create(o, true, pid, NULL, NULL, err);
}

/* ---- start, kill, delete ---- */

/* Reads the fifo to EOF: the init's execve closes it. More than "0" is its error. */
static int start_release_fifo(const char *root, const struct ct_state *st, struct shim_err *err)
{
	_cleanup_free_ char *path = ct_state_path(root, st->id, "exec.fifo");
	_cleanup_close_ int fd = -1;
	char buf[1024];
	size_t len = 0;

	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return shim_error_sys(err, errno, "open exec fifo");
	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		ssize_t n;

		if (poll(&p, 1, 100) == 0) {
			/* No writer yet and the init is gone: it will never come. */
			if (!len && !ct_state_pid_alive(st))
				return shim_error(err, ESRCH, "container %s exited before start",
						  st->id);
			continue;
		}
		n = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (n > 0) {
			len += n;
			if (len < sizeof(buf) - 1)
				continue;
		}
		/* EOF before any byte: the writer has not opened yet (or never will). */
		if (n == 0 && len == 0) {
			if (!ct_state_pid_alive(st))
				return shim_error(err, ESRCH, "container %s exited before start",
						  st->id);
			usleep(1000);
			continue;
		}
		if (n < 0 && errno == EAGAIN)
			continue;
		break;
	}
	unlink(path);
	buf[len] = '\0';
	if (len > 1)
		return shim_error(err, ECANCELED, "%s", buf + 1);
	return 0;
}

static int load_locked(const char *root, const char *id, int *lock, struct ct_state *st,
		       struct spec **spec, struct shim_err *err)
{
	int r = ct_state_validate_id(id, err);

	if (r < 0)
		return r;
	r = ct_state_load(root, id, st, err);
	if (r < 0)
		return r;
	*lock = ct_state_lock(root, id, err);
	if (*lock < 0)
		return *lock;
	/* Deleted while we waited for the lock? */
	ct_state_clear(st);
	r = ct_state_load(root, id, st, err);
	if (r < 0)
		return r;
	return spec ? ct_state_load_spec(root, id, spec, err) : 0;
}

/* `known`: the config when the caller has it parsed already (run). */
static int container_start(const char *root, const char *id, const struct spec *known,
			   const struct ct_log *log, struct shim_err *err)
{
	_cleanup_close_ int lock = -1;
	struct ct_state st = {0};
	struct spec *loaded = NULL;
	const struct spec *spec = known;
	enum ct_status status;
	int r;

	r = load_locked(root, id, &lock, &st, known ? NULL : &loaded, err);
	if (r < 0)
		goto out;
	if (!known)
		spec = loaded;
	status = ct_state_status(root, &st);
	if (status != CT_STATUS_CREATED) {
		r = shim_error(err, EINVAL, "cannot start a container that has %s",
			       status == CT_STATUS_STOPPED ? "stopped" : "already been started");
		if (status == CT_STATUS_CREATING)
			r = shim_error(err, EINVAL,
				       "cannot start a container that is still being created");
		goto out;
	}
	r = start_release_fifo(root, &st, err);
	if (r < 0)
		goto out;
	if (spec->hooks && spec->hooks->poststart.n) {
		_cleanup_free_ char *state = ct_state_spec_json(&st, "running", spec);
		hooks_run_all(&spec->hooks->poststart, "poststart", state, log_warn, (void *)log);
	}
out:
	spec_free(loaded);
	ct_state_clear(&st);
	return r;
}

int ct_container_start(const char *root, const char *id, const struct ct_log *log,
		       struct shim_err *err)
{
	return container_start(root, id, NULL, log, err);
}

static int signal_pid(const struct ct_state *st, int sig, struct shim_err *err)
{
	_cleanup_close_ int pidfd = syscall(SYS_pidfd_open, st->pid, 0);

	/* The pidfd pins the process: check the start time after opening it. */
	if (pidfd < 0 || !ct_state_pid_alive(st))
		return shim_error(err, ESRCH, "container not running");
	if (syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0)
		return shim_error_sys(err, errno, "kill %d", st->pid);
	return 0;
}

static int signal_all(const struct ct_state *st, int sig, struct shim_err *err)
{
	_cleanup_free_ pid_t *pids = NULL;
	size_t n = 0;
	int r;

	if (!st->cgroup_path)
		return signal_pid(st, sig, err);
	r = ct_cgroup_pids(st->cgroup_path, &pids, &n, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++)
		kill(pids[i], sig);
	return 0;
}

int ct_container_kill(const char *root, const char *id, int sig, bool all, struct shim_err *err)
{
	struct ct_state st = {0};
	enum ct_status status;
	int r;

	r = ct_state_load(root, id, &st, err);
	if (r < 0)
		return r;
	status = ct_state_status(root, &st);
	if (status == CT_STATUS_STOPPED && !all)
		r = shim_error(err, ESRCH, "container not running");
	else if (all)
		r = signal_all(&st, sig, err);
	else
		r = signal_pid(&st, sig, err);
	ct_state_clear(&st);
	return r;
}

static void wait_pid_gone(const struct ct_state *st)
{
	for (int i = 0; i < 1000 && ct_state_pid_alive(st); i++) {
		waitpid(st->pid, NULL, WNOHANG);
		usleep(1000);
	}
}

/* Kills what is left, removes the cgroup, runs poststop, removes the state. */
static int destroy(const char *root, const struct ct_state *st, const struct spec *spec,
		   const struct ct_log *log, struct shim_err *err)
{
	int r;

	if (ct_state_pid_alive(st)) {
		signal_pid(st, SIGKILL, NULL);
		wait_pid_gone(st);
	}
	if (st->cgroup_path) {
		r = ct_cgroup_destroy(st->cgroup_path, err);
		if (r < 0)
			return r;
	}
	if (spec && spec->hooks && spec->hooks->poststop.n) {
		_cleanup_free_ char *state = ct_state_spec_json(st, "stopped", spec);
		hooks_run_all(&spec->hooks->poststop, "poststop", state, log_warn, (void *)log);
	}
	return ct_state_remove(root, st->id, err);
}

static int container_delete(const char *root, const char *id, bool force, const struct spec *known,
			    const struct ct_log *log, struct shim_err *err)
{
	_cleanup_close_ int lock = -1;
	struct ct_state st = {0};
	struct spec *loaded = NULL;
	const struct spec *spec = known;
	enum ct_status status;
	int r;

	r = load_locked(root, id, &lock, &st, NULL, err);
	/* A runtime killed before its first state.json left just the directory. */
	if (r == -ENOENT && force)
		ct_state_remove(root, id, NULL);
	if (r < 0)
		goto out;
	/* A config that cannot be read must not block the cleanup. */
	if (!known && ct_state_load_spec(root, id, &loaded, NULL) == 0)
		spec = loaded;
	status = ct_state_status(root, &st);
	if (!force && (status == CT_STATUS_RUNNING || status == CT_STATUS_PAUSED)) {
		r = shim_error(err, EBUSY, "cannot delete container %s that is not stopped: %s", id,
			       ct_status_name(status));
		goto out;
	}
	if (status == CT_STATUS_PAUSED && st.cgroup_path)
		ct_cgroup_freeze(st.cgroup_path, false, NULL);
	r = destroy(root, &st, spec, log, err);
out:
	spec_free(loaded);
	ct_state_clear(&st);
	return r;
}

int ct_container_delete(const char *root, const char *id, bool force, const struct ct_log *log,
			struct shim_err *err)
{
	return container_delete(root, id, force, NULL, log, err);
}

/* ---- run ---- */

static int exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 255;
}

/* Forwards signals to `pid` until it exits; returns its wait status. */
static int forward_signals(pid_t pid, const sigset_t *set)
{
	for (;;) {
		siginfo_t si;
		int status;
		int sig = sigwaitinfo(set, &si);

		if (sig < 0)
			continue;
		if (sig != SIGCHLD) {
			kill(pid, sig);
			continue;
		}
		for (;;) {
			pid_t w = waitpid(-1, &status, WNOHANG);
			if (w == pid)
				return status;
			if (w <= 0)
				break;
		}
	}
}

static void block_signals(sigset_t *set, sigset_t *old)
{
	sigfillset(set);
	sigdelset(set, SIGSEGV);
	sigdelset(set, SIGBUS);
	sigdelset(set, SIGILL);
	sigdelset(set, SIGFPE);
	sigdelset(set, SIGABRT);
	sigdelset(set, SIGKILL);
	sigdelset(set, SIGSTOP);
	sigprocmask(SIG_BLOCK, set, old);
}

/* Foreground with a terminal: the proxy copies our stdio to and from the pty. */
static int proxy_start(struct term_proxy *tp, int *master, pid_t pid, struct shim_err *err)
{
	int r;

	if (*master < 0)
		return 0;
	r = term_proxy_start(tp, *master, pid, err);
	close(*master);
	*master = -1;
	return r;
}

int ct_container_run(const struct ct_create_opts *o, bool detach, int *exit_status,
		     struct shim_err *err)
{
	struct term_proxy tp = TERM_PROXY_INIT;
	struct spec *spec = NULL;
	sigset_t set, old;
	pid_t pid = 0;
	int r, status, master = -1;

	*exit_status = 0;
	if (!detach)
		block_signals(&set, &old);
	/* The config is parsed once, here, for create, start and delete. */
	r = container_create(o, detach, &pid, &master, &spec, err);
	if (r == 0)
		r = proxy_start(&tp, &master, pid, err);
	if (r == 0)
		r = container_start(o->root, o->id, spec, &o->log, err);
	if (r < 0 && pid > 0)
		container_delete(o->root, o->id, true, spec, &o->log, NULL);
	if (r < 0 || detach) {
		term_proxy_wait(&tp);
		if (!detach)
			sigprocmask(SIG_SETMASK, &old, NULL);
		spec_free(spec);
		return r;
	}
	status = forward_signals(pid, &set);
	term_proxy_wait(&tp);
	sigprocmask(SIG_SETMASK, &old, NULL);
	*exit_status = exit_code(status);
	r = container_delete(o->root, o->id, true, spec, &o->log, err);
	spec_free(spec);
	return r;
}

/* ---- exec ---- */

/* exec joins every namespace of the container's init, time and pid included. */
static int exec_point_namespaces(struct spec_linux *l, pid_t pid, struct shim_err *err)
{
	for (size_t i = 0; l && i < l->n_namespaces; i++) {
		enum spec_ns_type t = l->namespaces[i].type;
		const char *name = t == SPEC_NS_NETWORK ? "net"
				   : t == SPEC_NS_MOUNT ? "mnt"
							: spec_ns_type_name(t);

		free(l->namespaces[i].path);
		l->namespaces[i].path = util_strdup_printf("/proc/%d/ns/%s", pid, name);
		if (!l->namespaces[i].path)
			return shim_error(err, ENOMEM, "out of memory");
	}
	return 0;
}

static int exec_spawn(const struct ct_exec_opts *o, const struct ct_state *st,
		      const struct spec *spec, struct parent *pa, int *master, struct shim_err *err)
{
	struct console con = {-1, -1};
	struct spawn_ctx sc = {
	    .spec = spec,
	    .proc = o->process,
	    .id = o->id,
	    .bundle = st->bundle,
	    .fifo_fd = -1,
	    .lock_fd = -1,
	    .preserve_fds = o->preserve_fds,
	    .new_keyring = !st->no_new_keyring,
	};
	struct ct_seccomp_prog prog = {0};
	bool have_prog = false;
	int r;

	if (spec->linux_ && spec->linux_->seccomp) {
		_cleanup_free_ char *cache = util_strdup_printf("%s/seccomp-cache", o->root);
		r = ct_seccomp_compile(spec->linux_->seccomp, cache, log_warn, (void *)&o->log,
				       &prog, err);
		if (r < 0)
			return r;
		have_prog = true;
		sc.seccomp = &prog;
	}
	r = console_open(&con, o->process, o->detach, o->console_socket, err);
	sc.console_fd = con.child;
	if (r == 0)
		r = ns_open_paths(spec->linux_, sc.ns_fds, err);
	if (r == 0) {
		r = parent_spawn(&sc, 0, pa, err);
		ns_close_fds(sc.ns_fds);
	}
	console_close_child(&con);
	if (r == 0)
		r = parent_send(pa, SYNC_GO, pa->pid, err);
	if (r == 0 && st->cgroup_path)
		r = ct_cgroup_enter(st->cgroup_path, pa->pid, err);
	if (r == 0)
		r = parent_send(pa, SYNC_CGROUP, 0, err);
	if (r == 0)
		r = parent_sync(pa, spec, o->id, st->bundle, err);
	if (r == 0)
		r = console_recv_master(&con, master, err);
	console_close(&con);
	if (have_prog)
		ct_seccomp_prog_free(&prog);
	return r;
}

int ct_container_exec(const struct ct_exec_opts *o, int *exit_status, struct shim_err *err)
{
	struct parent pa = {.pidfd = -1, .sock = -1, .status = "running"};
	struct term_proxy tp = TERM_PROXY_INIT;
	struct ct_state st = {0};
	struct spec *spec = NULL;
	sigset_t set, old;
	int r, status, master = -1;

	*exit_status = 0;
	r = ct_state_load(o->root, o->id, &st, err);
	if (r == 0 && ct_state_status(o->root, &st) != CT_STATUS_RUNNING &&
	    ct_state_status(o->root, &st) != CT_STATUS_CREATED)
		r = shim_error(err, EINVAL, "cannot exec in a stopped container");
	if (r == 0)
		r = ct_state_load_spec(o->root, o->id, &spec, err);
	if (r == 0)
		r = proc_validate(o->process, err);
	if (r < 0)
		goto out;
	pa.state_pid = st.pid;
	r = exec_point_namespaces(spec->linux_, st.pid, err);
	if (r < 0)
		goto out;
	if (!o->detach)
		block_signals(&set, &old);
	r = exec_spawn(o, &st, spec, &pa, &master, err);
	if (r == 0)
		r = write_pid_file(o->pid_file, pa.pid, err);
	if (r == 0 && !o->detach)
		r = proxy_start(&tp, &master, pa.pid, err);
	if (r < 0) {
		parent_kill(&pa);
	} else if (!o->detach) {
		status = forward_signals(pa.pid, &set);
		*exit_status = exit_code(status);
	}
	term_proxy_wait(&tp);
	if (master >= 0)
		close(master);
	if (!o->detach)
		sigprocmask(SIG_SETMASK, &old, NULL);
	parent_close(&pa);
out:
	spec_free(spec);
	ct_state_clear(&st);
	return r;
}
