/*
 * notify-agent: a small seccomp notify agent for tests and the demo.
 *
 *	notify-agent SOCKET_PATH LOGFILE [--once]
 *
 * Listens on SOCKET_PATH (AF_UNIX, SOCK_STREAM) for a runtime's seccomp
 * listener connection: the containerProcessState JSON with the seccomp fd in
 * SCM_RIGHTS (runtime-spec, "listenerPath"). Each received JSON document is
 * appended to LOGFILE as one line, then every notification on the fd is
 * logged as "syscall=<name> pid=<pid>" and answered:
 *	mkdir, mkdirat: success (0) without doing anything;
 *	anything else:  SECCOMP_USER_NOTIF_FLAG_CONTINUE (the kernel runs it).
 *
 * A runtime state whose listenerMetadata is "shim-forbidden:E[,NAME=E]..."
 * (from `shim seccomp-profile --notify-forbidden`) turns on the forbidden-
 * syscall report for that container: each notification is a syscall the
 * profile blocks; it is logged as "forbidden syscall=<name> pid=<pid>" and
 * answered with the errno the profile gives it (E by default), so the
 * workload sees no change. When the container's fd hangs up the agent logs
 * "container <id>: used forbidden syscalls: chroot (2x), swapoff (1x)", as
 * CRI-O's seccomp notifier reports it.
 *
 * Metadata "shim-record:" (`shim seccomp-profile --record`) records instead:
 * every notified syscall is let through and remembered, and when the
 * container's fd hangs up the agent writes LOGFILE.<id>.json, an OCI
 * linux.seccomp that allows what was seen (plus write, which cannot be
 * notified) and denies the rest with EPERM.
 *
 * With --once the agent exits when every notify fd it received has hung up
 * (all processes using the filter are gone); otherwise it runs until SIGTERM
 * or SIGINT. It removes SOCKET_PATH on exit. Exit status: 0, or 1 on error.
 */
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <seccomp.h>
#include <yajl/yajl_tree.h>
#include <linux/audit.h>
#include <linux/seccomp.h>

#define AGENT_MAX_FDS	 256
#define AGENT_MAX_JSON	 (1 << 20)
#define X32_SYSCALL_BIT	 0x40000000u
#define RECV_TIMEOUT_SEC 5
#define FORBIDDEN_PREFIX "shim-forbidden:"
#define RECORD_PREFIX	 "shim-record:"
#define MAX_SEEN	 512

/* One container's forbidden-syscall report, or its recording. */
struct forbidden {
	bool record;
	char *id;
	char *errnos; /* ",NAME=E,..." from the metadata */
	int default_errno;
	struct {
		char name[40];
		unsigned long count;
	} seen[MAX_SEEN];
	size_t n_seen;
};

struct target {
	int fd;
	struct forbidden *fb; /* NULL: the default mode */
};

struct agent {
	int listen_fd;
	int log_fd;
	const char *log_path;
	bool once;
	struct target notify[AGENT_MAX_FDS];
	size_t n_notify;
	size_t n_received;
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;
	struct seccomp_notif_sizes sizes;
};

static volatile sig_atomic_t agent_stop;

static void agent_on_signal(int sig)
{
	(void)sig;
	agent_stop = 1;
}

static int agent_listen(const char *path)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	struct stat st;
	int fd;

	if (strlen(path) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "notify-agent: %s: path too long\n", path);
		return -1;
	}
	strcpy(addr.sun_path, path);
	/* A socket left by an earlier run; never remove anything else. */
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(fd, 16) < 0) {
		fprintf(stderr, "notify-agent: %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* x32 shares x86_64's audit arch; its syscall numbers carry bit 30. */
static uint32_t agent_arch_token(uint32_t audit_arch, int nr)
{
	if (audit_arch == AUDIT_ARCH_X86_64 && ((uint32_t)nr & X32_SYSCALL_BIT))
		return SCMP_ARCH_X32;
	return audit_arch;
}

static void agent_log_syscall(struct agent *a, const struct seccomp_notif *req, char *name)
{
	if (name)
		dprintf(a->log_fd, "syscall=%s pid=%u\n", name, req->pid);
	else
		dprintf(a->log_fd, "syscall=%d pid=%u\n", req->data.nr, req->pid);
}

static bool agent_fakes(const char *name)
{
	return name && (strcmp(name, "mkdir") == 0 || strcmp(name, "mkdirat") == 0);
}

/* The errno the profile gives `name`: its ",NAME=E" entry, else the default. */
static int forbidden_errno(const struct forbidden *fb, const char *name)
{
	char key[64];
	const char *p;

	snprintf(key, sizeof(key), ",%s=", name ? name : "?");
	p = strstr(fb->errnos, key);
	return p ? atoi(p + strlen(key)) : fb->default_errno;
}

static void forbidden_count(struct forbidden *fb, const char *name)
{
	size_t i;

	for (i = 0; i < fb->n_seen; i++)
		if (strcmp(fb->seen[i].name, name) == 0)
			break;
	if (i == fb->n_seen) {
		if (i == MAX_SEEN)
			return;
		snprintf(fb->seen[i].name, sizeof(fb->seen[i].name), "%s", name);
		fb->n_seen++;
	}
	fb->seen[i].count++;
}

static void forbidden_report(const struct agent *a, const struct forbidden *fb)
{
	dprintf(a->log_fd, "container %s: used forbidden syscalls:", fb->id);
	if (!fb->n_seen)
		dprintf(a->log_fd, " none");
	for (size_t i = 0; i < fb->n_seen; i++)
		dprintf(a->log_fd, "%s %s (%lux)", i ? "," : "", fb->seen[i].name,
			fb->seen[i].count);
	dprintf(a->log_fd, "\n");
}

static int record_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The recorded syscalls as a linux.seccomp, next to the log. */
static void record_write(const struct agent *a, const struct forbidden *fb)
{
	const char *names[MAX_SEEN + 1];
	char path[PATH_MAX];
	size_t n = 0;
	FILE *f;

	for (size_t i = 0; i < fb->n_seen; i++)
		if (strcmp(fb->seen[i].name, "?") != 0)
			names[n++] = fb->seen[i].name;
	names[n++] = "write";
	qsort(names, n, sizeof(names[0]), record_cmp);
	snprintf(path, sizeof(path), "%s.%s.json", a->log_path, fb->id);
	f = fopen(path, "we");
	if (!f) {
		fprintf(stderr, "notify-agent: %s: %s\n", path, strerror(errno));
		return;
	}
	fprintf(f, "{\n\t\"defaultAction\": \"SCMP_ACT_ERRNO\",\n\t\"syscalls\": [\n"
		   "\t\t{\n\t\t\t\"names\": [");
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s\n\t\t\t\t\"%s\"", i ? "," : "", names[i]);
	fprintf(f, "\n\t\t\t],\n\t\t\t\"action\": \"SCMP_ACT_ALLOW\"\n\t\t}\n\t]\n}\n");
	fclose(f);
	dprintf(a->log_fd, "container %s: recorded %zu syscalls in %s\n", fb->id, n, path);
}

static void forbidden_free(struct forbidden *fb)
{
	if (!fb)
		return;
	free(fb->id);
	free(fb->errnos);
	free(fb);
}

static bool has_prefix(const char *s, const char *prefix)
{
	return s && strncmp(s, prefix, strlen(prefix)) == 0;
}

/* The report or recording mode when the state's metadata asks for it; NULL otherwise. */
static struct forbidden *forbidden_from_state(const char *json)
{
	static const char *md_path[] = {"metadata", NULL};
	static const char *id_path[] = {"state", "id", NULL};
	yajl_val root = yajl_tree_parse(json, NULL, 0), md, id;
	struct forbidden *fb = NULL;
	const char *m, *comma, *ids;
	bool record;

	md = yajl_tree_get(root, md_path, yajl_t_string);
	id = yajl_tree_get(root, id_path, yajl_t_string);
	m = md ? YAJL_GET_STRING(md) : NULL;
	record = has_prefix(m, RECORD_PREFIX);
	if ((record || has_prefix(m, FORBIDDEN_PREFIX)) && (fb = calloc(1, sizeof(*fb)))) {
		m += strlen(record ? RECORD_PREFIX : FORBIDDEN_PREFIX);
		fb->record = record;
		fb->default_errno = atoi(m);
		comma = strchr(m, ',');
		fb->errnos = strdup(comma ? comma : "");
		ids = id ? YAJL_GET_STRING(id) : NULL;
		fb->id = strdup(ids ? ids : "?");
		if (!fb->errnos || !fb->id) {
			forbidden_free(fb);
			fb = NULL;
		}
	}
	yajl_tree_free(root);
	return fb;
}

/* ENOENT from RECV or SEND: the target died or was killed meanwhile. */
static void agent_handle_notification(struct agent *a, struct target *t)
{
	int fd = t->fd;
	char *name;

	memset(a->req, 0, a->sizes.seccomp_notif);
	if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, a->req) < 0) {
		if (errno != ENOENT && errno != EINTR)
			fprintf(stderr, "notify-agent: NOTIF_RECV: %s\n", strerror(errno));
		return;
	}
	name = seccomp_syscall_resolve_num_arch(
	    agent_arch_token(a->req->data.arch, a->req->data.nr), a->req->data.nr);
	memset(a->resp, 0, a->sizes.seccomp_notif_resp);
	a->resp->id = a->req->id;
	if (t->fb && t->fb->record) {
		forbidden_count(t->fb, name ? name : "?");
		a->resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	} else if (t->fb) {
		dprintf(a->log_fd, "forbidden ");
		agent_log_syscall(a, a->req, name);
		forbidden_count(t->fb, name ? name : "?");
		a->resp->error = -forbidden_errno(t->fb, name);
	} else {
		agent_log_syscall(a, a->req, name);
		if (!agent_fakes(name))
			a->resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	}
	free(name);
	if (ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, a->resp) < 0 && errno != ENOENT)
		fprintf(stderr, "notify-agent: NOTIF_SEND: %s\n", strerror(errno));
}

static int agent_take_fds(struct msghdr *msg)
{
	int fd = -1;

	for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
		size_t n;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < n; i++) {
			int got;

			memcpy(&got, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			/* "fds" names only seccompFd: keep the first, close extras. */
			if (fd < 0)
				fd = got;
			else
				close(got);
		}
	}
	return fd;
}

/* Reads one containerProcessState (until EOF) and its fd. */
static int agent_receive(int conn, char *buf, size_t size, size_t *len)
{
	union {
		char b[CMSG_SPACE(4 * sizeof(int))];
		struct cmsghdr align;
	} ctl;
	int fd = -1;

	*len = 0;
	for (;;) {
		struct iovec iov = {.iov_base = buf + *len, .iov_len = size - 1 - *len};
		struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
		ssize_t n;

		if (fd < 0) {
			msg.msg_control = ctl.b;
			msg.msg_controllen = sizeof(ctl.b);
		}
		n = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		if (fd < 0)
			fd = agent_take_fds(&msg);
		if (n == 0 || *len + (size_t)n >= size - 1) {
			*len += (size_t)n;
			break;
		}
		*len += (size_t)n;
	}
	buf[*len] = '\0';
	return fd;
}

static void agent_accept(struct agent *a)
{
	struct timeval tv = {.tv_sec = RECV_TIMEOUT_SEC};
	static char buf[AGENT_MAX_JSON];
	size_t len;
	int conn, fd;

	conn = accept4(a->listen_fd, NULL, NULL, SOCK_CLOEXEC);
	if (conn < 0)
		return;
	/* A runtime that connects and sends nothing must not wedge the agent. */
	setsockopt(conn, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	fd = agent_receive(conn, buf, sizeof(buf), &len);
	close(conn);
	if (len > 0)
		dprintf(a->log_fd, "%s%s", buf, buf[len - 1] == '\n' ? "" : "\n");
	if (fd < 0) {
		fprintf(stderr, "notify-agent: connection without a seccomp fd\n");
		return;
	}
	if (a->n_notify == AGENT_MAX_FDS) {
		fprintf(stderr, "notify-agent: too many notify fds\n");
		close(fd);
		return;
	}
	a->notify[a->n_notify++] = (struct target){.fd = fd, .fb = forbidden_from_state(buf)};
	a->n_received++;
}

static void agent_drop_fd(struct agent *a, size_t i)
{
	if (a->notify[i].fb && a->notify[i].fb->record)
		record_write(a, a->notify[i].fb);
	else if (a->notify[i].fb)
		forbidden_report(a, a->notify[i].fb);
	forbidden_free(a->notify[i].fb);
	close(a->notify[i].fd);
	a->notify[i] = a->notify[--a->n_notify];
}

static bool agent_done(const struct agent *a)
{
	return agent_stop || (a->once && a->n_received > 0 && a->n_notify == 0);
}

static int agent_loop(struct agent *a)
{
	struct pollfd p[AGENT_MAX_FDS + 1];

	while (!agent_done(a)) {
		size_t n = a->n_notify;
		int r;

		p[0] = (struct pollfd){.fd = a->listen_fd, .events = POLLIN};
		for (size_t i = 0; i < n; i++)
			p[i + 1] = (struct pollfd){.fd = a->notify[i].fd, .events = POLLIN};
		r = poll(p, n + 1, -1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			fprintf(stderr, "notify-agent: poll: %s\n", strerror(errno));
			return -1;
		}
		/* Backwards, so that dropping an fd does not move unvisited ones. */
		for (size_t i = n; i-- > 0;) {
			if (p[i + 1].revents & POLLIN)
				agent_handle_notification(a, &a->notify[i]);
			else if (p[i + 1].revents & (POLLHUP | POLLERR | POLLNVAL))
				agent_drop_fd(a, i);
		}
		if (p[0].revents & POLLIN)
			agent_accept(a);
	}
	return 0;
}

static int agent_init(struct agent *a, const char *sock, const char *log)
{
	struct sigaction sa = {.sa_handler = agent_on_signal};

	signal(SIGPIPE, SIG_IGN);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &a->sizes) < 0) {
		fprintf(stderr, "notify-agent: SECCOMP_GET_NOTIF_SIZES: %s\n", strerror(errno));
		return -1;
	}
	/* The kernel's structs may be larger than our headers' ones. */
	if (a->sizes.seccomp_notif < sizeof(*a->req))
		a->sizes.seccomp_notif = sizeof(*a->req);
	if (a->sizes.seccomp_notif_resp < sizeof(*a->resp))
		a->sizes.seccomp_notif_resp = sizeof(*a->resp);
	a->req = calloc(1, a->sizes.seccomp_notif);
	a->resp = calloc(1, a->sizes.seccomp_notif_resp);
	if (!a->req || !a->resp)
		return -1;
	a->log_path = log;
	a->log_fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (a->log_fd < 0) {
		fprintf(stderr, "notify-agent: %s: %s\n", log, strerror(errno));
		return -1;
	}
	a->listen_fd = agent_listen(sock);
	return a->listen_fd < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
	struct agent a = {.listen_fd = -1, .log_fd = -1};
	int r;

	if (argc == 4 && strcmp(argv[3], "--once") == 0)
		a.once = true;
	else if (argc != 3) {
		fprintf(stderr, "usage: %s SOCKET_PATH LOGFILE [--once]\n", argv[0]);
		return 2;
	}
	r = agent_init(&a, argv[1], argv[2]);
	if (r == 0)
		r = agent_loop(&a);
	while (a.n_notify > 0)
		agent_drop_fd(&a, a.n_notify - 1);
	if (a.listen_fd >= 0) {
		close(a.listen_fd);
		unlink(argv[1]);
	}
	if (a.log_fd >= 0)
		close(a.log_fd);
	free(a.req);
	free(a.resp);
	return r < 0 ? 1 : 0;
}
