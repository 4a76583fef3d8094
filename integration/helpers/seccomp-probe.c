/*
 * seccomp-probe: makes one raw syscall and reports what came back, for the
 * seccomp integration tests (integration/seccomp.bats).
 *
 *	seccomp-probe [-t] [-T] SYSCALL [ARG...]
 *	seccomp-probe clone3-badsize
 *
 * SYSCALL is a number or one of the names below; up to six ARGs (decimal,
 * 0x hex or 0 octal, as strtoull reads them; missing ones are 0). Prints
 *
 *	ret=<return value> errno=<errno, 0 on success>
 *
 * and exits 0. Options:
 *	-t  catch SIGSYS (SCMP_ACT_TRAP) and print
 *	    "sigsys code=<si_code> syscall=<si_syscall> data=<si_errno>"
 *	    before going on (a trapped syscall then returns -1 with errno 0
 *	    as far as we can tell: ret/errno are still printed)
 *	-T  make the syscall in a second thread and join it; then print
 *	    "main thread alive" (SCMP_ACT_KILL_THREAD kills only that thread),
 *	    and "no return" instead of ret/errno when the thread died in it
 *
 * clone3-badsize calls clone3 with a size of 1, which the kernel refuses
 * with EINVAL: a filter that lets clone3 through gives errno=22; the ENOSYS
 * stub gives 38; the default action EPERM gives 1.
 *
 * It is built by the Makefile like every integration helper, and the tests
 * build it again with -static to copy it into a busybox rootfs. It uses only
 * libc (no libshim).
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

struct probe_call {
	long nr;
	unsigned long long args[6];
	long ret;
	int err;
	bool returned;
};

static const struct {
	const char *name;
	long nr;
} probe_names[] = {
    {"getpriority", SYS_getpriority},
    {"setpriority", SYS_setpriority},
    {"personality", SYS_personality},
    {"getppid", SYS_getppid},
    {"getcwd", SYS_getcwd},
    {"mkdir", SYS_mkdir},
    {"chmod", SYS_chmod},
    {"clone3", SYS_clone3},
    {"unshare", SYS_unshare},
    {"sync", SYS_sync},
};

static void probe_usage(void)
{
	fprintf(stderr, "usage: seccomp-probe [-t] [-T] SYSCALL [ARG...] | clone3-badsize\n");
	exit(2);
}

static unsigned long long probe_number(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end) {
		fprintf(stderr, "seccomp-probe: not a number: %s\n", s);
		exit(2);
	}
	return v;
}

static long probe_syscall_nr(const char *s)
{
	for (size_t i = 0; i < sizeof(probe_names) / sizeof(probe_names[0]); i++)
		if (strcmp(probe_names[i].name, s) == 0)
			return probe_names[i].nr;
	return (long)probe_number(s);
}

static void probe_on_sigsys(int sig, siginfo_t *si, void *uctx)
{
	char buf[128];
	int n;

	(void)sig;
	(void)uctx;
	n = snprintf(buf, sizeof(buf), "sigsys code=%d syscall=%d data=%d\n", si->si_code,
		     si->si_syscall, si->si_errno);
	if (n > 0 && write(STDOUT_FILENO, buf, (size_t)n) < 0)
		_exit(3);
}

static void probe_do(struct probe_call *c)
{
	const unsigned long long *a = c->args;

	errno = 0;
	c->ret = syscall(c->nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	c->err = c->ret == -1 ? errno : 0;
	c->returned = true;
}

static void *probe_thread(void *arg)
{
	probe_do(arg);
	return NULL;
}

int main(int argc, char **argv)
{
	struct probe_call c = {0};
	bool trap = false, thread = false;
	int i = 1;

	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (strcmp(argv[i], "-t") == 0)
			trap = true;
		else if (strcmp(argv[i], "-T") == 0)
			thread = true;
		else
			probe_usage();
	}
	if (i >= argc || argc - i > 7)
		probe_usage();

	if (trap) {
		struct sigaction sa = {.sa_sigaction = probe_on_sigsys, .sa_flags = SA_SIGINFO};

		sigemptyset(&sa.sa_mask);
		if (sigaction(SIGSYS, &sa, NULL) < 0) {
			perror("seccomp-probe: sigaction");
			return 1;
		}
	}

	if (strcmp(argv[i], "clone3-badsize") == 0) {
		static unsigned long long clone_args[16];

		c.nr = SYS_clone3;
		c.args[0] = (unsigned long long)(unsigned long)clone_args;
		c.args[1] = 1;
	} else {
		c.nr = probe_syscall_nr(argv[i]);
		for (int k = 0; i + 1 + k < argc; k++)
			c.args[k] = probe_number(argv[i + 1 + k]);
	}

	if (thread) {
		pthread_t t;
		int r = pthread_create(&t, NULL, probe_thread, &c);

		if (r != 0) {
			fprintf(stderr, "seccomp-probe: pthread_create: %s\n", strerror(r));
			return 1;
		}
		pthread_join(t, NULL);
		printf("main thread alive\n");
	} else {
		probe_do(&c);
	}
	if (c.returned)
		printf("ret=%ld errno=%d\n", c.ret, c.err);
	else
		printf("no return\n");
	return 0;
}
