#include "libct/utils.h"

#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/close_range.h>

int util_read_file(const char *path, char **out, size_t *len, struct shim_err *err)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	_cleanup_free_ char *buf = NULL;
	size_t size = 0, cap = 0;
	ssize_t r;

	if (fd < 0)
		return shim_error_sys(err, errno, "open %s", path);
	for (;;) {
		if (cap - size < 4096) {
			char *n = realloc(buf, cap ? cap * 2 : 8192);
			if (!n)
				return shim_error(err, ENOMEM, "read %s: out of memory", path);
			buf = n;
			cap = cap ? cap * 2 : 8192;
		}
		r = read(fd, buf + size, cap - size - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return shim_error_sys(err, errno, "read %s", path);
		if (r == 0)
			break;
		size += r;
	}
	buf[size] = '\0';
	if (len)
		*len = size;
	*out = TAKE_PTR(buf);
	return 0;
}

int util_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t r = write(fd, p, len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		p += r;
		len -= r;
	}
	return 0;
}

int util_write_file(const char *path, const char *data, size_t len, struct shim_err *err)
{
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC | O_TRUNC);
	int r;

	if (fd < 0)
		return shim_error_sys(err, errno, "open %s", path);
	r = util_write_all(fd, data, len);
	if (r < 0)
		return shim_error_sys(err, -r, "write %s", path);
	return 0;
}

static int util_write_file_replace(const char *path, const char *data, size_t len, mode_t mode,
				   bool durable, struct shim_err *err)
{
	char tmp[PATH_MAX];
	_cleanup_close_ int fd = -1;
	int r;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, getpid()) >= (int)sizeof(tmp))
		return shim_error(err, ENAMETOOLONG, "%s: path too long", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return shim_error_sys(err, errno, "open %s", tmp);
	r = util_write_all(fd, data, len);
	if (r == 0 && durable && fsync(fd) < 0)
		r = -errno;
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0) {
		unlink(tmp);
		return shim_error_sys(err, -r, "write %s", path);
	}
	return 0;
}

int util_write_file_atomic(const char *path, const char *data, size_t len, mode_t mode,
			   struct shim_err *err)
{
	return util_write_file_replace(path, data, len, mode, false, err);
}

int util_write_file_durable(const char *path, const char *data, size_t len, mode_t mode,
			    struct shim_err *err)
{
	return util_write_file_replace(path, data, len, mode, true, err);
}

int util_mkdir_p(const char *path, mode_t mode, struct shim_err *err)
{
	_cleanup_free_ char *copy = strdup(path);
	char *p;

	if (!copy)
		return shim_error(err, ENOMEM, "out of memory");
	for (p = copy + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(copy, mode) < 0 && errno != EEXIST)
			return shim_error_sys(err, errno, "mkdir %s", copy);
		*p = '/';
	}
	if (mkdir(copy, mode) < 0 && errno != EEXIST)
		return shim_error_sys(err, errno, "mkdir %s", copy);
	return 0;
}

unsigned long long util_pid_start_time(pid_t pid)
{
	char path[64], buf[1024];
	_cleanup_close_ int fd = -1;
	unsigned long long start = 0;
	ssize_t n;
	char *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* comm may hold spaces and parens: fields count from the last ')'. */
	p = strrchr(buf, ')');
	if (!p)
		return 0;
	/* After ") " come fields 3..; starttime is field 22. */
	for (int field = 2; field < 22 && p; field++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p + 1, "%llu", &start) != 1)
		return 0;
	/* A zombie still has a start time; it counts as gone. */
	p = strrchr(buf, ')');
	if (p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X'))
		return 0;
	return start;
}

char *util_strdup_printf(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	return s;
}

int util_fds_set_cloexec(int from)
{
	if (syscall(SYS_close_range, from, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		return -errno;
	return 0;
}

int util_passwd_lookup(const char *path, uid_t uid, char **name, char **home)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;

	while (f && getline(&line, &cap, f) > 0) {
		char *fields[7] = {0}, *p = line;
		int n = 0;

		line[strcspn(line, "\n")] = '\0';
		/* strsep keeps empty fields, which passwd lines may have. */
		while (n < 7 && (fields[n] = strsep(&p, ":")))
			n++;
		if (n < 6 || !fields[2][0] || strtoul(fields[2], NULL, 10) != uid)
			continue;
		if (name)
			*name = strdup(fields[0]);
		if (home)
			*home = strdup(fields[5]);
		return 0;
	}
	return -ENOENT;
}
