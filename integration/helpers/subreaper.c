/*
 * subreaper PIDFILE CMD [ARGS...]: becomes a child subreaper
 * (PR_SET_CHILD_SUBREAPER, as containerd's shim and conmon are), writes its
 * pid to PIDFILE, runs CMD and waits for it, then keeps reaping orphans until
 * SIGTERM. Exit status: CMD's (or 127 when it cannot run).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	struct sigaction sa = {.sa_handler = on_term};
	int status = 0, code;
	FILE *f;
	pid_t pid;

	if (argc < 3) {
		fprintf(stderr, "usage: %s PIDFILE CMD [ARGS...]\n", argv[0]);
		return 2;
	}
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) {
		perror("prctl");
		return 1;
	}
	sigaction(SIGTERM, &sa, NULL);
	pid = fork();
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return 1;
	code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	f = fopen(argv[1], "w");
	if (!f || fprintf(f, "%d\n", getpid()) < 0 || fclose(f) != 0)
		return 1;
	while (!stop)
		if (wait(NULL) < 0)
			pause();
	return code;
}
