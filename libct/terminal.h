/*
 * process.terminal, the way runc does it (docs: runc's docs/terminals.md).
 *
 * The container process makes its pty itself, after pivot_root, from the
 * container's own /dev/ptmx, and sends the master over a "console socket"
 * with SCM_RIGHTS (term_setup_child). Where that socket leads depends on
 * the mode:
 *
 *   create, run -d, exec -d -t   the caller's --console-socket
 *                                (term_connect_socket); the caller, e.g.
 *                                recvtty or containerd, owns the master.
 *   run, exec -t (foreground)    an internal socketpair (term_socketpair);
 *                                the runtime receives the master
 *                                (term_recv_master) and proxies its own stdio
 *                                to it (term_proxy_start, term_proxy_wait).
 *
 * The proxy is a forked process, not a loop inside the runtime: the runtime's
 * main process keeps blocking in sigwaitinfo/waitpid to forward signals, and
 * the proxy owns all the terminal I/O (and SIGWINCH) with one poll loop. It
 * ends when the pty hangs up (every slave fd closed), or shortly after the
 * container process exits when something else keeps the slave open.
 */
#ifndef SHIM_LIBCT_TERMINAL_H
#define SHIM_LIBCT_TERMINAL_H

#include <stdbool.h>
#include <sys/types.h>
#include <termios.h>

#include "config/error.h"
#include "config/spec.h"

/*
 * runc's checkTerminal: a detached terminal needs a console socket, and a
 * console socket needs a detached terminal. Call it before creating anything.
 */
int term_check_opts(bool terminal, bool detach, const char *console_socket, struct shim_err *err);

/* Parent: connects to --console-socket (AF_UNIX, SOCK_STREAM); an O_CLOEXEC fd. */
int term_connect_socket(const char *path, struct shim_err *err);

/* Parent, foreground: sv[0] for term_recv_master, sv[1] is the child's console socket. */
int term_socketpair(int sv[2], struct shim_err *err);

/*
 * Container process, after pivot_root (so /dev/ptmx is the container's) and
 * before dropping privileges: makes a pty, sizes it to consoleSize, bind-mounts
 * the slave on /dev/console when mount_console (init only, as runc), sends the
 * master over console_sock, then makes the slave the controlling terminal and
 * stdin/stdout/stderr, owned by process.user.uid. The caller closes console_sock.
 */
int term_setup_child(int console_sock, const struct spec_process *p, bool mount_console,
		     struct shim_err *err);

/* Sends fd with name as the payload (runc sends "/dev/ptmx"). */
int term_send_master(int sock, int master, const char *name, struct shim_err *err);

/* Receives one terminal fd sent by term_send_master; an O_CLOEXEC fd. */
int term_recv_master(int sock, struct shim_err *err);

struct term_proxy {
	pid_t pid;   /* the proxy process; 0 when none */
	int pidfd;   /* its pidfd */
	int host_fd; /* the caller's terminal, put in raw mode; -1 when none */
	bool raw;
	struct termios saved;
};

#define TERM_PROXY_INIT ((struct term_proxy){.pid = 0, .pidfd = -1, .host_fd = -1})

/*
 * Parent, foreground: sizes master like the caller's terminal, puts that
 * terminal in raw mode, and forks the proxy that copies stdin -> master and
 * master -> stdout and follows SIGWINCH. ct_pid is the container process (its
 * exit bounds the drain). The caller still owns master and should close it.
 */
int term_proxy_start(struct term_proxy *tp, int master, pid_t ct_pid, struct shim_err *err);

/*
 * Waits for the proxy to drain the output, then restores the caller's terminal.
 * A no-op on a TERM_PROXY_INIT that was never started.
 */
void term_proxy_wait(struct term_proxy *tp);

#endif
