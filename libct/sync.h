/*
 * The parent <-> container-process protocol over a SOCK_SEQPACKET socketpair.
 * Each message is one packet: a type, an integer and an optional text.
 */
#ifndef SHIM_LIBCT_SYNC_H
#define SHIM_LIBCT_SYNC_H

#include "config/error.h"

enum sync_type {
	SYNC_GO = 1,	   /* parent: maps written; carry on */
	SYNC_CGROUP,	   /* parent: the child is in its cgroup (overlaps the slow v1 write) */
	SYNC_HOOKS,	   /* child: rootfs mounted; run prestart/createRuntime */
	SYNC_HOOKS_DONE,   /* parent: hooks ran */
	SYNC_SECCOMP_FD,   /* child: about to load; the listener will be fd `value` */
	SYNC_SECCOMP_DONE, /* parent: the listener fd reached listenerPath */
	SYNC_READY,	   /* child: set up; waiting on the exec fifo (or about to exec) */
	SYNC_ERROR,	   /* child: failed; text is the message */
	SYNC_ABORT,	   /* parent: give up */
};

struct sync_msg {
	int type;
	int value;
	char text[1024];
};

int sync_send(int fd, int type, int value, const char *text);
/* Receives one message; -EPIPE on EOF. */
int sync_recv(int fd, struct sync_msg *m);
/* Receives and checks its type; turns SYNC_ERROR/EOF into an error value. */
int sync_expect(int fd, int type, struct sync_msg *m, struct shim_err *err);
/* Child side: reports err and exits; never returns. */
void sync_fail(int fd, const struct shim_err *err) __attribute__((noreturn));

#endif
