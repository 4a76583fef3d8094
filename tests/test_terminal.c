/*
 * libct/terminal: runc's option checks, the SCM_RIGHTS transfer, the
 * container side on a host pty, and the foreground proxy in a child process.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "config/cleanup.h"
#include "libct/terminal.h"

#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---- helpers ---- */

static void make_socketpair(int sv[2])
{
	struct shim_err err = {0};

	assert_int_equal(term_socketpair(sv, &err), 0);
}

static int open_master(void)
{
	int fd = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);

	assert_true(fd >= 0);
	assert_int_equal(unlockpt(fd), 0);
	return fd;
}

static unsigned int pty_number(int fd)
{
	unsigned int n = ~0U;

	assert_int_equal(ioctl(fd, TIOCGPTN, &n), 0);
	return n;
}

/* Everything fd gives until EOF or EIO (a pty master whose slaves are gone). */
static char *read_all(int fd)
{
	size_t len = 0, cap = 1 << 16;
	char *buf = malloc(cap + 1);
	ssize_t n;

	assert_non_null(buf);
	while (len < cap && ((n = read(fd, buf + len, cap - len)) > 0 || (n < 0 && errno == EINTR)))
		if (n > 0)
			len += n;
	buf[len] = '\0';
	return buf;
}

static int wait_status(pid_t pid)
{
	int st;

	assert_int_equal(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- options ---- */

static void test_check_opts(void **state)
{
	struct shim_err err = {0};

	(void)state;
	assert_int_equal(term_check_opts(false, true, NULL, &err), 0);
	assert_int_equal(term_check_opts(false, false, NULL, &err), 0);
	assert_int_equal(term_check_opts(true, true, "/s", &err), 0);
	assert_int_equal(term_check_opts(true, false, NULL, &err), 0);

	assert_int_equal(term_check_opts(true, true, NULL, &err), -EINVAL);
	assert_string_equal(
	    err.msg, "cannot allocate tty if runc will detach without setting console socket");
	assert_int_equal(term_check_opts(false, true, "/s", &err), -EINVAL);
	assert_string_equal(err.msg,
			    "cannot use console socket if runc will not detach or allocate tty");
	assert_int_equal(term_check_opts(true, false, "/s", &err), -EINVAL);
	assert_int_equal(term_check_opts(false, false, "/s", &err), -EINVAL);
}

static void test_connect_missing_socket(void **state)
{
	struct shim_err err = {0};

	(void)state;
	assert_int_equal(term_connect_socket("/nonexistent/console.sock", &err), -ENOENT);
	assert_non_null(strstr(err.msg, "/nonexistent/console.sock"));
}

/* ---- the console socket ---- */

static void test_send_recv_master(void **state)
{
	struct shim_err err = {0};
	_cleanup_close_ int master = open_master(), got = -1;
	int sv[2];

	(void)state;
	make_socketpair(sv);
	assert_int_equal(term_send_master(sv[1], master, "/dev/ptmx", &err), 0);
	got = term_recv_master(sv[0], &err);
	assert_true(got >= 0);
	assert_true(got != master);
	assert_int_equal(pty_number(got), pty_number(master));
	assert_int_equal(fcntl(got, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	close(sv[0]);
	close(sv[1]);
}

static void test_recv_rejects_non_tty(void **state)
{
	struct shim_err err = {0};
	int sv[2], p[2];

	(void)state;
	make_socketpair(sv);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(term_send_master(sv[1], p[0], "pipe", &err), 0);
	assert_int_equal(term_recv_master(sv[0], &err), -ENOTTY);
	close(p[0]);
	close(p[1]);
	close(sv[0]);
	close(sv[1]);
}

static void test_recv_eof_and_no_fd(void **state)
{
	struct shim_err err = {0};
	int sv[2];

	(void)state;
	make_socketpair(sv);
	assert_int_equal(write(sv[1], "x", 1), 1);
	assert_int_equal(term_recv_master(sv[0], &err), -EPROTO);
	close(sv[1]);
	assert_int_equal(term_recv_master(sv[0], &err), -EPIPE);
	close(sv[0]);
}

static void test_send_rejects_bad_name(void **state)
{
	struct shim_err err = {0};
	int sv[2];

	(void)state;
	make_socketpair(sv);
	assert_int_equal(term_send_master(sv[1], 0, "", &err), -EINVAL);
	close(sv[0]);
	close(sv[1]);
}

/* ---- the container side, on a host pty (no /dev/console) ---- */

static void child_setup_and_write(int sock)
{
	struct spec_process p = {
	    .has_console_size = true, .console_height = 24, .console_width = 77};
	struct shim_err err = {0};
	int ok;

	p.user.uid = geteuid();
	if (term_setup_child(sock, &p, false, &err) < 0) {
		dprintf(sock, "setup failed: %s", err.msg);
		_exit(2);
	}
	close(sock);
	ok =
	    isatty(0) && isatty(1) && isatty(2) && getsid(0) == getpid() && tcgetsid(0) == getpid();
	printf("%s\n", ok ? "child-ok" : "child-bad");
	fflush(stdout);
	_exit(0);
}

static void test_setup_child(void **state)
{
	struct shim_err err = {0};
	_cleanup_close_ int master = -1;
	_cleanup_free_ char *out = NULL;
	struct winsize ws;
	int sv[2];
	pid_t pid;

	(void)state;
	make_socketpair(sv);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(sv[0]);
		child_setup_and_write(sv[1]);
	}
	close(sv[1]);
	master = term_recv_master(sv[0], &err);
	if (master < 0)
		fail_msg("%s", err.msg);
	close(sv[0]);
	assert_int_equal(ioctl(master, TIOCGWINSZ, &ws), 0);
	assert_int_equal(ws.ws_row, 24);
	assert_int_equal(ws.ws_col, 77);
	out = read_all(master);
	assert_int_equal(wait_status(pid), 0);
	assert_non_null(strstr(out, "child-ok"));
}

/* ---- the proxy ---- */

/*
 * The "runtime": a new session (no terminal to put in raw mode), stdin from
 * in_fd, stdout to out_fd; a "container" child runs fn on the pty's slave.
 */
static void runtime_proxy(int in_fd, int out_fd, void (*fn)(int slave))
{
	struct term_proxy tp = TERM_PROXY_INIT;
	struct shim_err err = {0};
	int master, slave;
	pid_t ct;

	setsid();
	dup2(in_fd, 0);
	dup2(out_fd, 1);
	dup2(out_fd, 2);
	master = open_master();
	slave = open(ptsname(master), O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0)
		_exit(3);
	ct = fork();
	if (ct == 0) {
		close(master);
		fn(slave);
		_exit(0);
	}
	close(slave);
	if (term_proxy_start(&tp, master, ct, &err) < 0)
		_exit(4);
	close(master);
	waitpid(ct, NULL, 0);
	term_proxy_wait(&tp);
	_exit(0);
}

/* Runs runtime_proxy with stdin `input`; returns what it wrote out, \r dropped. */
static char *run_proxy(const char *input, void (*fn)(int slave))
{
	int in[2], out[2];
	char *buf, *w;
	pid_t pid;

	assert_int_equal(pipe(in), 0);
	assert_int_equal(pipe(out), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(in[1]);
		close(out[0]);
		runtime_proxy(in[0], out[1], fn);
	}
	close(in[0]);
	close(out[1]);
	if (input)
		assert_int_equal(write(in[1], input, strlen(input)), (ssize_t)strlen(input));
	close(in[1]);
	buf = read_all(out[0]);
	close(out[0]);
	assert_int_equal(wait_status(pid), 0);
	for (w = buf; *buf && (w = strchr(w, '\r'));)
		memmove(w, w + 1, strlen(w));
	return buf;
}

static void ct_write_lines(int slave)
{
	for (int i = 1; i <= 3000; i++)
		dprintf(slave, "line %d\n", i);
}

static void test_proxy_copies_all_output(void **state)
{
	_cleanup_free_ char *out = run_proxy(NULL, ct_write_lines);

	(void)state;
	assert_non_null(strstr(out, "line 1\n"));
	assert_non_null(strstr(out, "\nline 3000\n"));
}

static void ct_echo_line(int slave)
{
	char line[256];
	ssize_t n = read(slave, line, sizeof(line) - 1);

	line[n > 0 ? n : 0] = '\0';
	dprintf(slave, "got:%s", line);
}

static void test_proxy_forwards_stdin(void **state)
{
	_cleanup_free_ char *out = run_proxy("typed\n", ct_echo_line);

	(void)state;
	assert_non_null(strstr(out, "got:typed\n"));
}

/* The container exits, a leftover process holds the slave open: the proxy still ends. */
static void ct_leave_holder(int slave)
{
	if (fork() == 0) {
		sleep(5);
		_exit(0);
	}
	dprintf(slave, "bye\n");
}

static void test_proxy_ends_after_exit(void **state)
{
	double start = now_s();
	_cleanup_free_ char *out = NULL;
	int p[2];
	pid_t pid;

	(void)state;
	/* run_proxy would wait for the holder too: it has the output pipe. */
	assert_int_equal(pipe(p), 0);
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);
		close(p[0]);
		runtime_proxy(null, p[1], ct_leave_holder);
	}
	close(p[1]);
	assert_int_equal(wait_status(pid), 0);
	assert_true(now_s() - start < 3.0);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	out = read_all(p[0]);
	close(p[0]);
	assert_non_null(strstr(out, "bye"));
}

static void test_proxy_wait_unstarted(void **state)
{
	struct term_proxy tp = TERM_PROXY_INIT;
	int before = fcntl(0, F_GETFD);

	(void)state;
	term_proxy_wait(&tp);
	assert_int_equal(fcntl(0, F_GETFD), before);
	assert_int_equal(tp.pid, 0);
	assert_int_equal(tp.host_fd, -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_check_opts),
	    cmocka_unit_test(test_connect_missing_socket),
	    cmocka_unit_test(test_send_recv_master),
	    cmocka_unit_test(test_recv_rejects_non_tty),
	    cmocka_unit_test(test_recv_eof_and_no_fd),
	    cmocka_unit_test(test_send_rejects_bad_name),
	    cmocka_unit_test(test_setup_child),
	    cmocka_unit_test(test_proxy_copies_all_output),
	    cmocka_unit_test(test_proxy_forwards_stdin),
	    cmocka_unit_test(test_proxy_ends_after_exit),
	    cmocka_unit_test(test_proxy_wait_unstarted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
