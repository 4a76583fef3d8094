#include "hooks/hooks.h"
#include "config/cleanup.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static long long hooks_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void hooks_exec_child(const struct spec_hook *h, int in, int out)
{
	char *default_args[] = {h->path, NULL};
	char *empty_env[] = {NULL};

	dup2(in, 0);
	dup2(out, 1);
	dup2(out, 2);
	syscall(SYS_close_range, 3, ~0U, 0);
	execve(h->path, h->args ? h->args : default_args, h->env ? h->env : empty_env);
	_exit(127);
}

/* Feeds stdin, collects output and waits, all bounded by the timeout. */
static int hooks_wait(pid_t pid, int pidfd, int in, int out, const char *state, long long deadline,
		      char *buf, size_t size, int *status)
{
	size_t off = 0, used = 0, len = strlen(state);
	struct pollfd p[3];

	for (;;) {
		int n = 0, wait_ms = deadline ? (int)(deadline - hooks_now_ms()) : -1;

		if (deadline && wait_ms <= 0)
			return -ETIMEDOUT;
		p[n++] = (struct pollfd){.fd = pidfd, .events = POLLIN};
		p[n++] = (struct pollfd){.fd = out, .events = POLLIN};
		if (in >= 0)
			p[n++] = (struct pollfd){.fd = in, .events = POLLOUT};
		if (poll(p, n, wait_ms) < 0 && errno != EINTR)
			return -errno;
		if (in >= 0 && p[2].revents) {
			ssize_t w = write(in, state + off, len - off);
			if (w > 0)
				off += w;
			if (w < 0 || off == len) {
				close(in);
				in = -1;
			}
		}
		if (p[1].revents) {
			char tmp[512];
			ssize_t r = read(out, tmp, sizeof(tmp));
			if (r > 0 && used < size - 1) {
				size_t c =
				    (size_t)r < size - 1 - used ? (size_t)r : size - 1 - used;
				memcpy(buf + used, tmp, c);
				used += c;
				buf[used] = '\0';
			}
		}
		if (p[0].revents) {
			if (in >= 0)
				close(in);
			if (waitpid(pid, status, 0) < 0)
				return -errno;
			return 0;
		}
	}
}

static int hooks_run_one(const struct spec_hook *h, const char *stage, size_t idx,
			 const char *state, struct shim_err *err)
{
	int in[2], out[2], status = 0, r;
	_cleanup_close_ int pidfd = -1, out_r = -1;
	char output[1024] = "";
	long long deadline = 0;
	pid_t pid;

	if (pipe2(in, O_CLOEXEC) < 0)
		return shim_error_sys(err, errno, "%s hook #%zu: pipe", stage, idx);
	if (pipe2(out, O_CLOEXEC) < 0) {
		close(in[0]);
		close(in[1]);
		return shim_error_sys(err, errno, "%s hook #%zu: pipe", stage, idx);
	}
	pid = fork();
	if (pid == 0)
		hooks_exec_child(h, in[0], out[1]);
	close(in[0]);
	close(out[1]);
	out_r = out[0];
	if (pid < 0) {
		close(in[1]);
		return shim_error_sys(err, errno, "%s hook #%zu: fork", stage, idx);
	}
	/* A hook may ignore stdin; a write to a closed pipe must not kill us. */
	signal(SIGPIPE, SIG_IGN);
	fcntl(in[1], F_SETFL, O_NONBLOCK);
	pidfd = syscall(SYS_pidfd_open, pid, 0);
	if (h->timeout.set)
		deadline = hooks_now_ms() + h->timeout.v * 1000;
	r = hooks_wait(pid, pidfd, in[1], out_r, state, deadline, output, sizeof(output), &status);
	if (r == -ETIMEDOUT) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return shim_error(err, ETIMEDOUT, "%s hook #%zu (%s): timed out after %llds", stage,
				  idx, h->path, (long long)h->timeout.v);
	}
	if (r < 0)
		return shim_error_sys(err, -r, "%s hook #%zu (%s)", stage, idx, h->path);
	output[strcspn(output, "\n")] = '\0';
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && access(h->path, X_OK) < 0)
		return shim_error_sys(err, errno, "%s hook #%zu: exec %s", stage, idx, h->path);
	if (WIFSIGNALED(status))
		return shim_error(err, ECANCELED, "%s hook #%zu (%s): killed by signal %d%s%s",
				  stage, idx, h->path, WTERMSIG(status),
				  output[0] ? ", output: " : "", output);
	return shim_error(err, ECANCELED, "%s hook #%zu (%s): exit status %d%s%s", stage, idx,
			  h->path, WEXITSTATUS(status), output[0] ? ", output: " : "", output);
}

int hooks_run(const struct spec_hook_list *list, const char *stage, const char *state_json,
	      struct shim_err *err)
{
	for (size_t i = 0; list && i < list->n; i++) {
		int r = hooks_run_one(&list->v[i], stage, i, state_json, err);
		if (r < 0)
			return r;
	}
	return 0;
}

void hooks_run_all(const struct spec_hook_list *list, const char *stage, const char *state_json,
		   void (*warn)(const char *msg, void *data), void *data)
{
	for (size_t i = 0; list && i < list->n; i++) {
		struct shim_err err = {0};
		if (hooks_run_one(&list->v[i], stage, i, state_json, &err) < 0)
			warn(err.msg, data);
	}
}
