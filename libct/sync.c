#include "libct/sync.h"

#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int sync_send(int fd, int type, int value, const char *text)
{
	struct sync_msg m = {.type = type, .value = value};
	size_t len = offsetof(struct sync_msg, text);

	if (text) {
		size_t n = strnlen(text, sizeof(m.text) - 1);
		memcpy(m.text, text, n);
		len += n + 1;
	}
	for (;;) {
		if (send(fd, &m, len, MSG_NOSIGNAL) >= 0)
			return 0;
		if (errno != EINTR)
			return -errno;
	}
}

int sync_recv(int fd, struct sync_msg *m)
{
	ssize_t n;

	memset(m, 0, sizeof(*m));
	do
		n = recv(fd, m, sizeof(*m) - 1, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n < (ssize_t)offsetof(struct sync_msg, text))
		return -EPIPE;
	return 0;
}

int sync_expect(int fd, int type, struct sync_msg *m, struct shim_err *err)
{
	int r = sync_recv(fd, m);

	if (r == -EPIPE)
		return shim_error(err, EPIPE, "container process exited during setup");
	if (r < 0)
		return shim_error_sys(err, -r, "sync socket");
	if (m->type == SYNC_ERROR)
		return shim_error(err, m->value > 0 ? m->value : EINVAL, "%s", m->text);
	if (m->type != type)
		return shim_error(err, EPROTO, "sync: expected message %d, got %d", type, m->type);
	return 0;
}

void sync_fail(int fd, const struct shim_err *err)
{
	sync_send(fd, SYNC_ERROR, err->code, err->msg);
	_exit(1);
}
