/*
 * cgroups through cgroupfs, like runc's fs/fs2 drivers: host layout
 * detection, cgroup paths, cgroupfs file helpers and the public entry points.
 * The controllers live in cgroups_v1.c, cgroups_v2.c, cgroups_devices.c and
 * cgroups_stats.c.
 */
#include "libct/cgroups.h"
#include "libct/cgroups_internal.h"

#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>
#include <linux/magic.h>

#include "config/cleanup.h"

#define CG_FS_ROOT	  "/sys/fs/cgroup"
#define CG_HYBRID_ROOT	  "/sys/fs/cgroup/unified"
#define CG_DEFAULT_PARENT "/shim"

/* Controller names that may show up in a v1 mount's options. */
static const char cg_known_ctrls[] = "cpuset cpu cpuacct blkio memory devices freezer net_cls "
				     "net_prio perf_event hugetlb pids rdma misc debug";

/* ---- small helpers ---- */

char *cg_strdup_printf(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	return n < 0 ? NULL : s;
}

void cg_sleep_ms(long ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

void cg_err_append(struct shim_err *err, const char *fmt, ...)
{
	va_list ap;
	size_t len;

	if (!err)
		return;
	len = strlen(err->msg);
	va_start(ap, fmt);
	vsnprintf(err->msg + len, sizeof(err->msg) - len, fmt, ap);
	va_end(ap);
}

int cg_strv_push(char ***v, char *s)
{
	size_t n = 0;
	char **nv;

	if (!s)
		return -ENOMEM;
	while (*v && (*v)[n])
		n++;
	nv = realloc(*v, (n + 2) * sizeof(*nv));
	if (!nv) {
		free(s);
		return -ENOMEM;
	}
	nv[n] = s;
	nv[n + 1] = NULL;
	*v = nv;
	return 0;
}

/* ---- layout ---- */

bool cg_hier_has(const struct cg_hier *h, const char *ctrl)
{
	size_t len = strlen(ctrl);
	const char *p = h->ctrls;

	while (p && *p) {
		const char *end = strchrnul(p, ',');

		if ((size_t)(end - p) == len && strncmp(p, ctrl, len) == 0)
			return true;
		p = *end ? end + 1 : end;
	}
	return false;
}

static bool cg_words_have(const char *words, const char *word)
{
	size_t len = strlen(word);
	const char *p = words;

	while (p && *p) {
		size_t n;

		p += strspn(p, " \t\n");
		n = strcspn(p, " \t\n");
		if (n == len && strncmp(p, word, len) == 0)
			return true;
		p += n;
	}
	return false;
}

const struct cg_hier *cg_layout_find_v1(const struct cg_layout *l, const char *ctrl)
{
	for (size_t i = 0; i < l->n_v1; i++)
		if (cg_hier_has(&l->v1[i], ctrl))
			return &l->v1[i];
	return NULL;
}

bool cg_layout_has_v2(const struct cg_layout *l, const char *ctrl)
{
	return l->v2_root && cg_words_have(l->v2_ctrls, ctrl);
}

void cg_layout_free(struct cg_layout *l)
{
	for (size_t i = 0; i < l->n_v1; i++) {
		free(l->v1[i].mnt);
		free(l->v1[i].root);
		free(l->v1[i].ctrls);
	}
	free(l->v2_root);
	free(l->v2_ctrls);
	memset(l, 0, sizeof(*l));
}

static bool cg_is_known_ctrl(const char *opt, size_t len)
{
	if (len > 5 && strncmp(opt, "name=", 5) == 0)
		return true;
	for (const char *p = cg_known_ctrls; *p;) {
		size_t n = strcspn(p, " ");

		if (n == len && strncmp(p, opt, len) == 0)
			return true;
		p += n + (p[n] == ' ');
	}
	return false;
}

/* "rw,nosuid,cpu,cpuacct" -> "cpu,cpuacct"; NULL on ENOMEM. */
static char *cg_ctrls_from_opts(const char *opts)
{
	char *out = calloc(1, strlen(opts) + 1);
	const char *p = opts;

	if (!out)
		return NULL;
	while (*p) {
		size_t n = strcspn(p, ",");

		if (cg_is_known_ctrl(p, n)) {
			if (*out)
				strcat(out, ",");
			strncat(out, p, n);
		}
		p += n;
		if (*p)
			p++;
	}
	return out;
}

/* Undoes mountinfo's octal escapes ("\040") in place. */
static void cg_unescape(char *s)
{
	char *w = s;

	for (char *r = s; *r; r++) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '7' && r[2] >= '0' && r[2] <= '7' &&
		    r[3] >= '0' && r[3] <= '7') {
			*w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
			r += 3;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
}

static int cg_layout_add_v1(struct cg_layout *l, const char *mnt, const char *root,
			    const char *opts)
{
	_cleanup_free_ char *ctrls = cg_ctrls_from_opts(opts);
	struct cg_hier *h;

	if (!ctrls)
		return -ENOMEM;
	if (!*ctrls || l->n_v1 >= CG_MAX_HIER)
		return 0;
	for (size_t i = 0; i < l->n_v1; i++)
		if (strcmp(l->v1[i].ctrls, ctrls) == 0)
			return 0; /* a second mount of the same hierarchy */
	h = &l->v1[l->n_v1];
	h->mnt = strdup(mnt);
	h->root = strdup(root);
	h->ctrls = TAKE_PTR(ctrls);
	l->n_v1++;
	if (!h->mnt || !h->root)
		return -ENOMEM;
	return 0;
}

/* One mountinfo line: "id parent maj:min root mnt opts [tags] - fstype src superopts". */
static int cg_layout_parse_mount(struct cg_layout *l, char *line)
{
	char *fields[6] = {0}, *sep, *save = NULL, *fstype, *superopts;
	size_t i = 0;

	sep = strstr(line, " - ");
	if (!sep)
		return 0;
	*sep = '\0';
	fstype = strtok_r(sep + 3, " \n", &save);
	strtok_r(NULL, " \n", &save); /* source */
	superopts = strtok_r(NULL, " \n", &save);
	if (!fstype || !superopts || strcmp(fstype, "cgroup") != 0)
		return 0;
	save = NULL;
	for (char *t = strtok_r(line, " ", &save); t && i < 6; t = strtok_r(NULL, " ", &save))
		fields[i++] = t;
	if (i < 6)
		return 0;
	cg_unescape(fields[3]);
	cg_unescape(fields[4]);
	return cg_layout_add_v1(l, fields[4], fields[3], superopts);
}

static int cg_layout_read_mounts(struct cg_layout *l, struct shim_err *err)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;

	if (!f)
		return shim_error_sys(err, errno, "cgroup: open /proc/self/mountinfo");
	while (getline(&line, &cap, f) > 0) {
		if (cg_layout_parse_mount(l, line) < 0)
			return shim_error(err, ENOMEM, "cgroup: out of memory");
	}
	return 0;
}

static bool cg_is_fs(const char *path, unsigned long magic)
{
	struct statfs st;

	return statfs(path, &st) == 0 && (unsigned long)st.f_type == magic;
}

enum ct_cgroup_mode ct_cgroup_detect_mode(void)
{
	if (cg_is_fs(CG_FS_ROOT, CGROUP2_SUPER_MAGIC))
		return CT_CGROUP_V2;
	if (cg_is_fs(CG_HYBRID_ROOT, CGROUP2_SUPER_MAGIC))
		return CT_CGROUP_HYBRID;
	return CT_CGROUP_V1;
}

int cg_layout_detect(struct cg_layout *l, struct shim_err *err)
{
	struct cg_ctx c = {.l = l, .path = "/"};
	int ret;

	memset(l, 0, sizeof(*l));
	l->mode = ct_cgroup_detect_mode();
	if (l->mode != CT_CGROUP_V2) {
		ret = cg_layout_read_mounts(l, err);
		if (ret < 0)
			goto fail;
	}
	if (l->mode != CT_CGROUP_V1) {
		l->v2_root = strdup(l->mode == CT_CGROUP_V2 ? CG_FS_ROOT : CG_HYBRID_ROOT);
		if (!l->v2_root) {
			ret = shim_error(err, ENOMEM, "cgroup: out of memory");
			goto fail;
		}
		ret = cg_file_read(&c, l->v2_root, "cgroup.controllers", &l->v2_ctrls, err);
		if (ret < 0)
			goto fail;
	}
	return 0;
fail:
	cg_layout_free(l);
	return ret;
}

/* ---- paths ---- */

/*
 * Cleans "/a//b/./c" into "/a/b/c". ".." may only step back over components
 * of `in` itself: anything escaping above the start is rejected.
 */
static int cg_path_clean(const char *in, char **out, struct shim_err *err)
{
	_cleanup_free_ char *buf = malloc(strlen(in) + 2);
	const char *p = in;
	size_t len = 0;

	if (!buf)
		return shim_error(err, ENOMEM, "cgroup: out of memory");
	buf[0] = '\0';
	while (*p) {
		size_t n;

		p += strspn(p, "/");
		n = strcspn(p, "/");
		if (n == 0 || (n == 1 && p[0] == '.')) {
			p += n;
			continue;
		}
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			char *slash;

			if (len == 0)
				return shim_error(err, EINVAL,
						  "cgroup path %s: \"..\" escapes the cgroup root",
						  in);
			slash = strrchr(buf, '/');
			len = (size_t)(slash - buf);
			buf[len] = '\0';
			p += n;
			continue;
		}
		buf[len++] = '/';
		memcpy(buf + len, p, n);
		len += n;
		buf[len] = '\0';
		p += n;
	}
	if (len == 0)
		strcpy(buf, "/");
	*out = TAKE_PTR(buf);
	return 0;
}

/* A path handed to create/destroy/...: absolute, clean, not the root. */
static int cg_path_check(const char *path, char **out, struct shim_err *err)
{
	int ret;

	if (!path || path[0] != '/')
		return shim_error(err, EINVAL, "cgroup path %s: must be absolute",
				  path ? path : "(null)");
	ret = cg_path_clean(path, out, err);
	if (ret < 0)
		return ret;
	if (strcmp(*out, "/") == 0) {
		free(*out);
		*out = NULL;
		return shim_error(err, EINVAL, "cgroup path %s: refusing to use the root cgroup",
				  path);
	}
	return 0;
}

/*
 * Our own cgroup, from /proc/self/cgroup: the "0::" entry on v2, the memory
 * (else pids, else first named) hierarchy's on v1 and hybrid hosts.
 */
static int cg_own_path(enum ct_cgroup_mode mode, char **out, struct shim_err *err)
{
	static const char *const prefer[] = {"memory", "pids", NULL};
	_cleanup_fclose_ FILE *f = fopen("/proc/self/cgroup", "re");
	_cleanup_free_ char *line = NULL, *v2 = NULL, *first = NULL;
	char *best[2] = {NULL, NULL};
	size_t cap = 0;
	int ret = 0;

	if (!f)
		return shim_error_sys(err, errno, "cgroup: open /proc/self/cgroup");
	while (getline(&line, &cap, f) > 0) {
		char *ctrls = strchr(line, ':'), *path;
		struct cg_hier h = {0};

		if (!ctrls || !(path = strchr(ctrls + 1, ':')))
			continue;
		*path++ = '\0';
		ctrls++;
		path[strcspn(path, "\n")] = '\0';
		h.ctrls = ctrls;
		if (!*ctrls && !v2)
			v2 = strdup(path);
		for (int i = 0; prefer[i]; i++)
			if (*ctrls && !best[i] && cg_hier_has(&h, prefer[i]))
				best[i] = strdup(path);
		if (*ctrls && !first)
			first = strdup(path);
	}
	if (mode == CT_CGROUP_V2)
		*out = TAKE_PTR(v2);
	else if (best[0])
		*out = TAKE_PTR(best[0]);
	else if (best[1])
		*out = TAKE_PTR(best[1]);
	else if (first)
		*out = TAKE_PTR(first);
	else
		*out = TAKE_PTR(v2);
	free(best[0]);
	free(best[1]);
	if (!*out)
		*out = strdup("/");
	if (!*out)
		ret = shim_error(err, ENOMEM, "cgroup: out of memory");
	return ret;
}

static int cg_resolve_default(const char *id, char **out, struct shim_err *err)
{
	if (!id || !*id || strchr(id, '/') || strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
		return shim_error(err, EINVAL, "cgroup: invalid container id \"%s\"",
				  id ? id : "(null)");
	*out = cg_strdup_printf("%s/%s", CG_DEFAULT_PARENT, id);
	return *out ? 0 : shim_error(err, ENOMEM, "cgroup: out of memory");
}

static int cg_resolve_relative(const char *rel, char **out, struct shim_err *err)
{
	_cleanup_free_ char *own = NULL, *joined = NULL, *clean_rel = NULL;
	int ret;

	/* Clean the relative part on its own so ".." can't climb out of it. */
	ret = cg_path_clean(rel, &clean_rel, err);
	if (ret < 0)
		return ret;
	ret = cg_own_path(ct_cgroup_detect_mode(), &own, err);
	if (ret < 0)
		return ret;
	joined = cg_strdup_printf("%s/%s", own, clean_rel);
	if (!joined)
		return shim_error(err, ENOMEM, "cgroup: out of memory");
	return cg_path_check(joined, out, err);
}

int ct_cgroup_resolve_path(const char *cgroups_path, const char *id, char **out,
			   struct shim_err *err)
{
	*out = NULL;
	if (!cgroups_path || !*cgroups_path)
		return cg_resolve_default(id, out, err);
	if (cgroups_path[0] == '/') {
		_cleanup_free_ char *clean = NULL;
		int ret = cg_path_clean(cgroups_path, &clean, err);

		if (ret < 0)
			return ret;
		return cg_path_check(clean, out, err);
	}
	return cg_resolve_relative(cgroups_path, out, err);
}

char *cg_hier_dir(const struct cg_hier *h, const char *path)
{
	size_t rlen = strlen(h->root);

	/* Inside a cgroup namespace the mount may start below "/". */
	if (rlen > 1 && strncmp(path, h->root, rlen) == 0 && (path[rlen] == '/' || !path[rlen]))
		path += rlen;
	return cg_strdup_printf("%s%s", h->mnt, path);
}

char *cg_v2_dir(const struct cg_layout *l, const char *path)
{
	return l->v2_root ? cg_strdup_printf("%s%s", l->v2_root, path) : NULL;
}

/* ---- cgroupfs files ---- */

bool cg_file_exists(const char *dir, const char *file)
{
	_cleanup_free_ char *p = cg_strdup_printf("%s/%s", dir, file);

	return p && access(p, F_OK) == 0;
}

static int cg_write_all(int fd, const char *val, size_t len)
{
	ssize_t n;

	do
		n = write(fd, val, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

int cg_file_write(const struct cg_ctx *c, const char *dir, const char *file, const char *val,
		  struct shim_err *err)
{
	_cleanup_free_ char *p = cg_strdup_printf("%s/%s", dir, file);
	_cleanup_close_ int fd = -1;
	int ret;

	if (!p)
		return shim_error(err, ENOMEM, "cgroup %s: out of memory", c->path);
	fd = open(p, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return shim_error_sys(err, errno, "cgroup %s: write %s=%s", c->path, file, val);
	/* Each write(2) is one request to cgroupfs: never split a value. */
	ret = cg_write_all(fd, val, strlen(val));
	if (ret < 0)
		return shim_error_sys(err, -ret, "cgroup %s: write %s=%s", c->path, file, val);
	return 0;
}

int cg_file_writef(const struct cg_ctx *c, const char *dir, const char *file, struct shim_err *err,
		   const char *fmt, ...)
{
	_cleanup_free_ char *val = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&val, fmt, ap);
	va_end(ap);
	if (n < 0) {
		val = NULL;
		return shim_error(err, ENOMEM, "cgroup %s: out of memory", c->path);
	}
	return cg_file_write(c, dir, file, val, err);
}

static int cg_read_fd(int fd, char **out)
{
	_cleanup_free_ char *buf = NULL;
	size_t size = 0, cap = 0;

	for (;;) {
		ssize_t n;

		if (cap - size < 2) {
			size_t ncap = cap ? cap * 2 : 4096;
			char *nb = realloc(buf, ncap);

			if (!nb)
				return -ENOMEM;
			buf = nb;
			cap = ncap;
		}
		n = read(fd, buf + size, cap - size - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		size += (size_t)n;
	}
	buf[size] = '\0';
	*out = TAKE_PTR(buf);
	return 0;
}

int cg_file_read(const struct cg_ctx *c, const char *dir, const char *file, char **out,
		 struct shim_err *err)
{
	_cleanup_free_ char *p = cg_strdup_printf("%s/%s", dir, file);
	_cleanup_close_ int fd = -1;
	int ret;

	*out = NULL;
	if (!p)
		return shim_error(err, ENOMEM, "cgroup %s: out of memory", c->path);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return shim_error_sys(err, errno, "cgroup %s: read %s", c->path, file);
	ret = cg_read_fd(fd, out);
	if (ret < 0)
		return shim_error_sys(err, -ret, "cgroup %s: read %s", c->path, file);
	return 0;
}

int cg_parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	s += strspn(s, " \t");
	if (strncmp(s, "max", 3) == 0 && (!s[3] || s[3] == '\n')) {
		*out = UINT64_MAX;
		return 0;
	}
	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || (*end && *end != '\n' && *end != ' '))
		return -EINVAL;
	*out = v;
	return 0;
}

int cg_file_read_u64(const struct cg_ctx *c, const char *dir, const char *file, uint64_t *out,
		     struct shim_err *err)
{
	_cleanup_free_ char *s = NULL;
	int ret = cg_file_read(c, dir, file, &s, err);

	if (ret < 0)
		return ret;
	if (cg_parse_u64(s, out) < 0)
		return shim_error(err, EINVAL, "cgroup %s: read %s: not a number: \"%.*s\"",
				  c->path, file, (int)strcspn(s, "\n"), s);
	return 0;
}

int cg_file_read_key_u64(const struct cg_ctx *c, const char *dir, const char *file, const char *key,
			 uint64_t *out, struct shim_err *err)
{
	_cleanup_free_ char *s = NULL;
	size_t klen = strlen(key);
	int ret = cg_file_read(c, dir, file, &s, err);

	if (ret < 0)
		return ret;
	for (char *line = s; line && *line;) {
		char *next = strchr(line, '\n');

		if (strncmp(line, key, klen) == 0 && line[klen] == ' ')
			return cg_parse_u64(line + klen + 1, out) < 0
				   ? shim_error(err, EINVAL, "cgroup %s: %s: bad value for %s",
						c->path, file, key)
				   : 0;
		line = next ? next + 1 : NULL;
	}
	return shim_error(err, ENOENT, "cgroup %s: %s: no key \"%s\"", c->path, file, key);
}

int cg_procs_write(const struct cg_ctx *c, const char *dir, pid_t pid, struct shim_err *err)
{
	int ret = 0;

	/* A task still in TASK_NEW gives EINVAL for a moment (runc retries too). */
	for (int i = 0; i < 5; i++) {
		ret = cg_file_writef(c, dir, "cgroup.procs", err, "%d", (int)pid);
		if (ret != -EINVAL)
			break;
		cg_sleep_ms(30);
	}
	return ret;
}

static int cg_pids_push(pid_t **v, size_t *n, size_t *cap, pid_t pid)
{
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		pid_t *nv = realloc(*v, ncap * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		*v = nv;
		*cap = ncap;
	}
	(*v)[(*n)++] = pid;
	return 0;
}

static int cg_procs_collect(const struct cg_ctx *c, const char *dir, bool recursive, pid_t **v,
			    size_t *n, size_t *cap, struct shim_err *err)
{
	_cleanup_free_ char *s = NULL;
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;
	int ret = cg_file_read(c, dir, "cgroup.procs", &s, err);

	if (ret < 0)
		return ret;
	for (char *p = s; *p;) {
		char *end;
		long pid = strtol(p, &end, 10);

		if (end == p)
			break;
		if (pid > 0 && cg_pids_push(v, n, cap, (pid_t)pid) < 0)
			return shim_error(err, ENOMEM, "cgroup %s: out of memory", c->path);
		p = end + strspn(end, "\n");
	}
	if (!recursive)
		return 0;
	d = opendir(dir);
	if (!d)
		return errno == ENOENT
			   ? 0
			   : shim_error_sys(err, errno, "cgroup %s: opendir %s", c->path, dir);
	while ((de = readdir(d))) {
		_cleanup_free_ char *sub = NULL;

		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		sub = cg_strdup_printf("%s/%s", dir, de->d_name);
		if (!sub)
			return shim_error(err, ENOMEM, "cgroup %s: out of memory", c->path);
		ret = cg_procs_collect(c, sub, true, v, n, cap, err);
		if (ret < 0 && ret != -ENOENT)
			return ret;
	}
	return 0;
}

int cg_procs_read(const struct cg_ctx *c, const char *dir, bool recursive, pid_t **out, size_t *n,
		  struct shim_err *err)
{
	_cleanup_free_ pid_t *v = NULL;
	size_t cap = 0;
	int ret;

	*out = NULL;
	*n = 0;
	ret = cg_procs_collect(c, dir, recursive, &v, n, &cap, err);
	if (ret < 0) {
		*n = 0;
		return ret;
	}
	*out = TAKE_PTR(v);
	return 0;
}

/* ---- what a spec asks for (runc: a zero value means "unset") ---- */

bool cg_want_memory(const struct spec_resources *r)
{
	const struct spec_memory *m = r->memory;

	if (!m)
		return false;
	return (m->limit.set && m->limit.v) || (m->reservation.set && m->reservation.v) ||
	       (m->swap.set && m->swap.v) || m->swappiness.set ||
	       (m->disable_oom_killer.set && m->disable_oom_killer.v);
}

bool cg_want_cpu(const struct spec_resources *r, bool v2)
{
	const struct spec_cpu *cpu = r->cpu;

	if (!cpu)
		return false;
	if ((cpu->shares.set && cpu->shares.v) || (cpu->quota.set && cpu->quota.v) ||
	    (cpu->period.set && cpu->period.v) || cpu->burst.set)
		return true;
	if (v2)
		return cpu->idle.set;
	return (cpu->realtime_runtime.set && cpu->realtime_runtime.v) ||
	       (cpu->realtime_period.set && cpu->realtime_period.v);
}

bool cg_want_cpuset(const struct spec_resources *r)
{
	return r->cpu && ((r->cpu->cpus && *r->cpu->cpus) || (r->cpu->mems && *r->cpu->mems));
}

bool cg_want_pids(const struct spec_resources *r)
{
	return r->pids != NULL;
}

bool cg_want_blkio(const struct spec_resources *r)
{
	const struct spec_blkio *b = r->block_io;

	if (!b)
		return false;
	return (b->weight.set && b->weight.v) || (b->leaf_weight.set && b->leaf_weight.v) ||
	       b->n_weight_device || b->throttle_read_bps.n || b->throttle_write_bps.n ||
	       b->throttle_read_iops.n || b->throttle_write_iops.n;
}

bool cg_want_hugetlb(const struct spec_resources *r)
{
	return r->n_hugepage_limits > 0;
}

bool cg_want_net_cls(const struct spec_resources *r)
{
	return r->network && r->network->class_id.set && r->network->class_id.v;
}

bool cg_want_net_prio(const struct spec_resources *r)
{
	return r->network && r->network->n_priorities > 0;
}

bool cg_want_rdma(const struct spec_resources *r)
{
	return r->n_rdma > 0;
}

bool cg_want_devices(const struct spec_resources *r)
{
	return r->n_devices > 0;
}

/* ---- directories ---- */

int cg_mkdir_one(const struct cg_ctx *c, const char *dir, char ***created, struct shim_err *err)
{
	if (mkdir(dir, 0755) == 0)
		return cg_strv_push(created, strdup(dir)) < 0
			   ? shim_error(err, ENOMEM, "cgroup %s: out of memory", c->path)
			   : 0;
	if (errno == EEXIST)
		return 0;
	return shim_error_sys(err, errno, "cgroup %s: mkdir %s", c->path, dir);
}

int cg_mkdir_p(const struct cg_ctx *c, const char *dir, char ***created, struct shim_err *err)
{
	_cleanup_free_ char *buf = strdup(dir);
	int ret;

	if (!buf)
		return shim_error(err, ENOMEM, "cgroup %s: out of memory", c->path);
	for (char *p = strchr(buf + 1, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		ret = cg_mkdir_one(c, buf, created, err);
		*p = '/';
		if (ret < 0)
			return ret;
	}
	return cg_mkdir_one(c, buf, created, err);
}

static void cg_rmdir_created(char **created)
{
	size_t n = 0;

	while (created && created[n])
		n++;
	while (n-- > 0)
		rmdir(created[n]);
}

/* Controllers a hybrid host may have on its v2 side, and their v1 names. */
static const struct cg_hybrid_ctrl {
	const char *v1;
	const char *v2;
	unsigned bit;
} cg_hybrid_ctrls[] = {
    {"pids", "pids", CG_CTRL_PIDS},	  {"memory", "memory", CG_CTRL_MEMORY},
    {"blkio", "io", CG_CTRL_IO},	  {"cpu", "cpu", CG_CTRL_CPU},
    {"cpuset", "cpuset", CG_CTRL_CPUSET}, {"hugetlb", "hugetlb", CG_CTRL_HUGETLB},
    {"rdma", "rdma", CG_CTRL_RDMA},
};

/* Controllers that sit on the v2 side of a hybrid host (not mounted on v1). */
static unsigned cg_hybrid_v2_mask(const struct cg_layout *l)
{
	unsigned mask = CG_CTRL_UNIFIED;

	if (l->mode != CT_CGROUP_HYBRID)
		return 0;
	for (size_t i = 0; i < sizeof(cg_hybrid_ctrls) / sizeof(cg_hybrid_ctrls[0]); i++)
		if (!cg_layout_find_v1(l, cg_hybrid_ctrls[i].v1) &&
		    cg_layout_has_v2(l, cg_hybrid_ctrls[i].v2))
			mask |= cg_hybrid_ctrls[i].bit;
	/* Without a v1 devices hierarchy the v2 eBPF filter still works. */
	if (!cg_layout_find_v1(l, "devices"))
		mask |= CG_CTRL_DEVICES;
	return mask;
}

static unsigned cg_wanted_mask(const struct spec_resources *r)
{
	unsigned m = 0;

	if (!r)
		return 0;
	m |= cg_want_pids(r) ? CG_CTRL_PIDS : 0;
	m |= cg_want_memory(r) ? CG_CTRL_MEMORY : 0;
	m |= cg_want_blkio(r) ? CG_CTRL_IO : 0;
	m |= cg_want_cpu(r, true) ? CG_CTRL_CPU : 0;
	m |= cg_want_cpuset(r) ? CG_CTRL_CPUSET : 0;
	m |= cg_want_hugetlb(r) ? CG_CTRL_HUGETLB : 0;
	m |= cg_want_rdma(r) ? CG_CTRL_RDMA : 0;
	return m;
}

/*
 * Controllers to enable in the v2 parents: all of them on a v2 host (runc);
 * on a hybrid host only the v2-only ones `r` sets values for, so that the v2
 * tree keeps allowing processes in inner cgroups otherwise.
 */
static char *cg_v2_enable_list(const struct cg_layout *l, const struct spec_resources *r)
{
	unsigned mask = cg_hybrid_v2_mask(l) & cg_wanted_mask(r);
	char *out;

	if (l->mode == CT_CGROUP_V2)
		return strdup(l->v2_ctrls ? l->v2_ctrls : "");
	out = calloc(1, 64);
	if (!out)
		return NULL;
	for (size_t i = 0; i < sizeof(cg_hybrid_ctrls) / sizeof(cg_hybrid_ctrls[0]); i++) {
		if (!(mask & cg_hybrid_ctrls[i].bit))
			continue;
		strcat(out, cg_hybrid_ctrls[i].v2);
		strcat(out, " ");
	}
	return out;
}

/* mkdir -p on v2, enabling the controllers `r` needs in the parents. */
static int cg_v2_prepare(const struct cg_ctx *c, const struct spec_resources *r, char ***created,
			 struct shim_err *err)
{
	_cleanup_free_ char *ctrls = cg_v2_enable_list(c->l, r);

	if (!ctrls)
		return shim_error(err, ENOMEM, "cgroup %s: out of memory", c->path);
	return cg_v2_mkdir(c, r, ctrls, created, err);
}

static int cg_mkdir_all(const struct cg_ctx *c, const struct spec_resources *r, char ***created,
			struct shim_err *err)
{
	const struct cg_layout *l = c->l;
	int ret;

	for (size_t i = 0; i < l->n_v1; i++) {
		_cleanup_free_ char *dir = cg_hier_dir(&l->v1[i], c->path);

		if (!dir)
			return shim_error(err, ENOMEM, "cgroup %s: out of memory", c->path);
		if (cg_hier_has(&l->v1[i], "cpuset"))
			ret = cg_v1_cpuset_mkdir(c, &l->v1[i], dir, r, created, err);
		else
			ret = cg_mkdir_p(c, dir, created, err);
		if (ret < 0)
			return ret;
	}
	if (l->v2_root)
		return cg_v2_prepare(c, r, created, err);
	return 0;
}

static bool cg_exists(const struct cg_ctx *c)
{
	const struct cg_layout *l = c->l;
	struct stat st;

	for (size_t i = 0; i < l->n_v1; i++) {
		_cleanup_free_ char *dir = cg_hier_dir(&l->v1[i], c->path);

		if (dir && stat(dir, &st) == 0)
			return true;
	}
	if (l->v2_root) {
		_cleanup_free_ char *dir = cg_v2_dir(l, c->path);

		if (dir && stat(dir, &st) == 0)
			return true;
	}
	return false;
}

/* ---- apply ---- */

static const char *cg_ctrl_name(unsigned bit)
{
	switch (bit) {
	case CG_CTRL_PIDS:
		return "pids";
	case CG_CTRL_MEMORY:
		return "memory";
	case CG_CTRL_IO:
		return "blkio";
	case CG_CTRL_CPU:
		return "cpu";
	case CG_CTRL_DEVICES:
		return "devices";
	case CG_CTRL_CPUSET:
		return "cpuset";
	case CG_CTRL_HUGETLB:
		return "hugetlb";
	case CG_CTRL_RDMA:
		return "rdma";
	default:
		return "unified";
	}
}

static int cg_apply(const struct cg_ctx *c, const struct spec_resources *r, struct shim_err *err)
{
	const struct cg_layout *l = c->l;
	unsigned missing = 0, avail;
	int ret;

	if (!r)
		return 0;
	if (l->mode == CT_CGROUP_V1 && r->n_unified)
		return shim_error(
		    err, EINVAL,
		    "cgroup %s: invalid configuration: cannot use unified on cgroup v1", c->path);
	if (l->mode == CT_CGROUP_V2)
		return cg_v2_apply(c, r, CG_CTRL_ALL, err);
	ret = cg_v1_apply(c, r, &missing, err);
	if (ret < 0)
		return ret;
	avail = cg_hybrid_v2_mask(l);
	for (unsigned bit = 1; bit < CG_CTRL_ALL; bit <<= 1)
		if ((missing & bit) && !(avail & bit))
			return shim_error(err, ENOTSUP,
					  "cgroup %s: cannot set %s limits: the %s controller is "
					  "not mounted",
					  c->path, cg_ctrl_name(bit), cg_ctrl_name(bit));
	if (l->mode != CT_CGROUP_HYBRID || !l->v2_root || !(missing || r->n_unified))
		return 0;
	if (missing & ~CG_CTRL_DEVICES) {
		/* update: the controllers may not be enabled in the parents yet. */
		_cleanup_strv_ char **created = NULL;

		ret = cg_v2_prepare(c, r, &created, err);
		if (ret < 0)
			return ret;
	}
	return cg_v2_apply(c, r, missing | (r->n_unified ? CG_CTRL_UNIFIED : 0), err);
}

/* ---- operations on a layout ---- */

int cg_create(const struct cg_layout *l, const char *path, const struct spec_resources *r,
	      struct shim_err *err)
{
	_cleanup_free_ char *p = NULL;
	_cleanup_strv_ char **created = NULL;
	struct cg_ctx c = {.l = l};
	int ret;

	ret = cg_path_check(path, &p, err);
	if (ret < 0)
		return ret;
	c.path = p;
	if (l->mode == CT_CGROUP_V1 && !cg_layout_find_v1(l, "devices"))
		return shim_error(err, ENOENT, "cgroup %s: the devices cgroup is not mounted", p);
	if (l->mode == CT_CGROUP_V1 && r && r->n_unified)
		return shim_error(
		    err, EINVAL,
		    "cgroup %s: invalid configuration: cannot use unified on cgroup v1", p);
	ret = cg_mkdir_all(&c, r, &created, err);
	if (ret == 0)
		ret = cg_apply(&c, r, err);
	if (ret < 0)
		cg_rmdir_created(created);
	return ret;
}

int cg_update(const struct cg_layout *l, const char *path, const struct spec_resources *r,
	      struct shim_err *err)
{
	_cleanup_free_ char *p = NULL;
	struct cg_ctx c = {.l = l};
	int ret;

	ret = cg_path_check(path, &p, err);
	if (ret < 0)
		return ret;
	c.path = p;
	if (!cg_exists(&c))
		return shim_error(err, ENOENT, "cgroup %s: does not exist", p);
	return cg_apply(&c, r, err);
}

int cg_enter(const struct cg_layout *l, const char *path, pid_t pid, struct shim_err *err)
{
	_cleanup_free_ char *p = NULL;
	struct cg_ctx c = {.l = l};
	int ret;

	ret = cg_path_check(path, &p, err);
	if (ret < 0)
		return ret;
	c.path = p;
	for (size_t i = 0; i < l->n_v1; i++) {
		_cleanup_free_ char *dir = cg_hier_dir(&l->v1[i], p);

		if (!dir)
			return shim_error(err, ENOMEM, "cgroup %s: out of memory", p);
		ret = cg_procs_write(&c, dir, pid, err);
		if (ret < 0)
			return ret;
	}
	if (l->v2_root) {
		_cleanup_free_ char *dir = cg_v2_dir(l, p);

		if (!dir)
			return shim_error(err, ENOMEM, "cgroup %s: out of memory", p);
		return cg_procs_write(&c, dir, pid, err);
	}
	return 0;
}

/* Where the freezer is: a v1 freezer hierarchy, else cgroup.freeze on v2. */
static int cg_freezer_dir(const struct cg_ctx *c, char **dir, bool *v1, struct shim_err *err)
{
	const struct cg_hier *h = cg_layout_find_v1(c->l, "freezer");

	*v1 = h != NULL;
	if (h)
		*dir = cg_hier_dir(h, c->path);
	else if (c->l->v2_root)
		*dir = cg_v2_dir(c->l, c->path);
	else
		return shim_error(err, ENOTSUP,
				  "cgroup %s: cannot toggle freezer: no freezer cgroup is mounted",
				  c->path);
	return *dir ? 0 : shim_error(err, ENOMEM, "cgroup %s: out of memory", c->path);
}

int cg_freeze(const struct cg_layout *l, const char *path, bool frozen, struct shim_err *err)
{
	_cleanup_free_ char *p = NULL, *dir = NULL;
	struct cg_ctx c = {.l = l};
	bool v1;
	int ret;

	ret = cg_path_check(path, &p, err);
	if (ret < 0)
		return ret;
	c.path = p;
	ret = cg_freezer_dir(&c, &dir, &v1, err);
	if (ret < 0)
		return ret;
	return v1 ? cg_v1_freeze(&c, dir, frozen, err) : cg_v2_freeze(&c, dir, frozen, err);
}

int cg_is_frozen(const struct cg_layout *l, const char *path, bool *out, struct shim_err *err)
{
	_cleanup_free_ char *p = NULL, *dir = NULL;
	struct cg_ctx c = {.l = l};
	bool v1;
	int ret;

	*out = false;
	ret = cg_path_check(path, &p, err);
	if (ret < 0)
		return ret;
	c.path = p;
	ret = cg_freezer_dir(&c, &dir, &v1, err);
	if (ret < 0)
		return ret == -ENOTSUP ? 0 : ret;
	if (access(dir, F_OK) < 0)
		return 0; /* no cgroup: not frozen (runc: "undefined") */
	return v1 ? cg_v1_is_frozen(&c, dir, out, err) : cg_v2_is_frozen(&c, dir, out, err);
}

/* The directory whose cgroup.procs lists the container's processes. */
static char *cg_procs_dir(const struct cg_layout *l, const char *path)
{
	const struct cg_hier *h = cg_layout_find_v1(l, "pids");

	if (!h && l->n_v1)
		h = &l->v1[0];
	return h ? cg_hier_dir(h, path) : cg_v2_dir(l, path);
}

int cg_pids(const struct cg_layout *l, const char *path, pid_t **out, size_t *n,
	    struct shim_err *err)
{
	_cleanup_free_ char *p = NULL, *dir = NULL;
	struct cg_ctx c = {.l = l};
	int ret;

	*out = NULL;
	*n = 0;
	ret = cg_path_check(path, &p, err);
	if (ret < 0)
		return ret;
	c.path = p;
	dir = cg_procs_dir(l, p);
	if (!dir)
		return shim_error(err, ENOENT, "cgroup %s: no cgroup hierarchy", p);
	return cg_procs_read(&c, dir, true, out, n, err);
}

int cg_stats_json(const struct cg_layout *l, const char *path, char **out, struct shim_err *err)
{
	_cleanup_free_ char *p = NULL, *v2dir = NULL;
	struct cg_stats st = {0};
	struct cg_ctx c = {.l = l};
	unsigned mask = l->mode == CT_CGROUP_V2 ? CG_CTRL_ALL : cg_hybrid_v2_mask(l);
	int ret;

	*out = NULL;
	ret = cg_path_check(path, &p, err);
	if (ret < 0)
		return ret;
	c.path = p;
	if (!cg_exists(&c))
		return shim_error(err, ENOENT, "cgroup %s: does not exist", p);
	ret = cg_v1_stats(&c, &st, err);
	if (ret == 0 && l->v2_root && mask) {
		v2dir = cg_v2_dir(l, p);
		ret = v2dir ? cg_v2_stats(&c, v2dir, mask, &st, err)
			    : shim_error(err, ENOMEM, "cgroup %s: out of memory", p);
	}
	if (ret == 0)
		ret = cg_stats_to_json(&st, out, err);
	cg_stats_free(&st);
	return ret;
}

/* ---- destroy ---- */

/* Every directory of the cgroup: one per v1 hierarchy, plus v2. */
static int cg_all_dirs(const struct cg_ctx *c, char ***dirs, struct shim_err *err)
{
	const struct cg_layout *l = c->l;

	for (size_t i = 0; i < l->n_v1; i++)
		if (cg_strv_push(dirs, cg_hier_dir(&l->v1[i], c->path)) < 0)
			return shim_error(err, ENOMEM, "cgroup %s: out of memory", c->path);
	if (l->v2_root && cg_strv_push(dirs, cg_v2_dir(l, c->path)) < 0)
		return shim_error(err, ENOMEM, "cgroup %s: out of memory", c->path);
	return 0;
}

/* SIGKILLs everything in any of `dirs` (recursively); returns how many. */
static size_t cg_kill_all(const struct cg_ctx *c, char **dirs)
{
	size_t killed = 0;

	for (size_t i = 0; dirs && dirs[i]; i++) {
		_cleanup_free_ pid_t *pids = NULL;
		size_t n = 0;

		if (cg_procs_read(c, dirs[i], true, &pids, &n, NULL) < 0)
			continue;
		for (size_t j = 0; j < n; j++) {
			if (pids[j] == getpid())
				continue;
			if (kill(pids[j], SIGKILL) == 0)
				killed++;
		}
	}
	return killed;
}

/* Any task left? The freezer holds them all when there is one; else every hierarchy is read. */
static bool cg_dir_has_procs(const struct cg_ctx *c, const char *dir)
{
	_cleanup_free_ pid_t *pids = NULL;
	size_t n = 0;

	/* Unreadable counts as busy: the full kill path then decides. */
	return cg_procs_read(c, dir, true, &pids, &n, NULL) < 0 || n > 0;
}

static bool cg_has_procs(const struct cg_ctx *c, char **dirs, const char *fdir)
{
	if (fdir)
		return cg_dir_has_procs(c, fdir);
	for (size_t i = 0; dirs && dirs[i]; i++)
		if (cg_dir_has_procs(c, dirs[i]))
			return true;
	return false;
}

/* runc's signalAllProcesses for SIGKILL: freeze, kill, thaw, then wait. */
static void cg_kill_and_wait(const struct cg_ctx *c, char **dirs)
{
	_cleanup_free_ char *v2dir = cg_v2_dir(c->l, c->path);
	_cleanup_free_ char *fdir = NULL;
	bool v1 = false;

	/* The common case (run, delete after the init exited): nothing to kill. */
	if (cg_freezer_dir(c, &fdir, &v1, NULL) < 0 || access(fdir, F_OK) < 0) {
		free(fdir);
		fdir = NULL;
	}
	if (!cg_has_procs(c, dirs, fdir))
		return;
	free(fdir);
	fdir = NULL;
	if (v2dir && cg_file_exists(v2dir, "cgroup.kill"))
		cg_file_write(c, v2dir, "cgroup.kill", "1", NULL);
	if (cg_freezer_dir(c, &fdir, &v1, NULL) == 0 && access(fdir, F_OK) == 0) {
		bool frozen = v1 ? cg_v1_freeze(c, fdir, true, NULL) == 0
				 : cg_v2_freeze(c, fdir, true, NULL) == 0;

		cg_kill_all(c, dirs);
		if (frozen)
			v1 ? cg_v1_freeze(c, fdir, false, NULL)
			   : cg_v2_freeze(c, fdir, false, NULL);
	}
	/* Bounded: ~1 s for the tasks to exit and leave the cgroup. */
	for (int i = 0; i < 100 && cg_kill_all(c, dirs) > 0; i++)
		cg_sleep_ms(10);
}

/* rmdir with runc's EBUSY back-off (the kernel may still be releasing tasks). */
static int cg_rmdir_retry(const char *dir)
{
	long delay = 10;

	for (int i = 0; i < 5; i++) {
		if (rmdir(dir) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY)
			return -errno;
		cg_sleep_ms(delay);
		delay *= 2;
	}
	return rmdir(dir) == 0 || errno == ENOENT ? 0 : -errno;
}

/* Removes dir and its sub-cgroups, deepest first; never goes above dir. */
static int cg_rmdir_tree(const struct cg_ctx *c, const char *dir, struct shim_err *err)
{
	_cleanup_closedir_ DIR *d = opendir(dir);
	struct dirent *de;
	int ret;

	if (!d)
		return errno == ENOENT
			   ? 0
			   : shim_error_sys(err, errno, "cgroup %s: opendir %s", c->path, dir);
	while ((de = readdir(d))) {
		_cleanup_free_ char *sub = NULL;

		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		sub = cg_strdup_printf("%s/%s", dir, de->d_name);
		if (!sub)
			return shim_error(err, ENOMEM, "cgroup %s: out of memory", c->path);
		ret = cg_rmdir_tree(c, sub, err);
		if (ret < 0)
			return ret;
	}
	ret = cg_rmdir_retry(dir);
	if (ret < 0)
		return shim_error_sys(err, -ret, "cgroup %s: rmdir %s", c->path, dir);
	return 0;
}

int cg_destroy(const struct cg_layout *l, const char *path, struct shim_err *err)
{
	_cleanup_free_ char *p = NULL;
	_cleanup_strv_ char **dirs = NULL;
	struct cg_ctx c = {.l = l};
	int ret, first = 0;

	ret = cg_path_check(path, &p, err);
	if (ret < 0)
		return ret;
	c.path = p;
	if (!cg_exists(&c))
		return 0;
	ret = cg_all_dirs(&c, &dirs, err);
	if (ret < 0)
		return ret;
	cg_kill_and_wait(&c, dirs);
	for (size_t i = 0; dirs[i]; i++) {
		/* Keep going on errors: remove as much as possible, report the first. */
		struct shim_err tmp = {0};

		ret = cg_rmdir_tree(&c, dirs[i], &tmp);
		if (ret < 0 && first == 0) {
			first = ret;
			if (err)
				*err = tmp;
		}
	}
	return first;
}

/* ---- public API: the host's layout ---- */

const char *ct_cgroup_ignored_note(const struct spec_resources *r)
{
	const struct spec_memory *m = r ? r->memory : NULL;

	if (m && ((m->kernel.set && m->kernel.v) || (m->kernel_tcp.set && m->kernel_tcp.v)))
		return "linux.resources.memory.kernel and kernelTCP are ignored (as in runc 1.1)";
	return NULL;
}

int ct_cgroup_create(const char *path, const struct spec_resources *r, struct shim_err *err)
{
	_cleanup_cg_layout_ struct cg_layout l = {0};
	int ret = cg_layout_detect(&l, err);

	return ret < 0 ? ret : cg_create(&l, path, r, err);
}

int ct_cgroup_enter(const char *path, pid_t pid, struct shim_err *err)
{
	_cleanup_cg_layout_ struct cg_layout l = {0};
	int ret = cg_layout_detect(&l, err);

	return ret < 0 ? ret : cg_enter(&l, path, pid, err);
}

int ct_cgroup_update(const char *path, const struct spec_resources *r, struct shim_err *err)
{
	_cleanup_cg_layout_ struct cg_layout l = {0};
	int ret = cg_layout_detect(&l, err);

	return ret < 0 ? ret : cg_update(&l, path, r, err);
}

int ct_cgroup_freeze(const char *path, bool frozen, struct shim_err *err)
{
	_cleanup_cg_layout_ struct cg_layout l = {0};
	int ret = cg_layout_detect(&l, err);

	return ret < 0 ? ret : cg_freeze(&l, path, frozen, err);
}

int ct_cgroup_is_frozen(const char *path, bool *out, struct shim_err *err)
{
	_cleanup_cg_layout_ struct cg_layout l = {0};
	int ret;

	*out = false;
	ret = cg_layout_detect(&l, err);
	return ret < 0 ? ret : cg_is_frozen(&l, path, out, err);
}

int ct_cgroup_pids(const char *path, pid_t **out, size_t *n, struct shim_err *err)
{
	_cleanup_cg_layout_ struct cg_layout l = {0};
	int ret;

	*out = NULL;
	*n = 0;
	ret = cg_layout_detect(&l, err);
	return ret < 0 ? ret : cg_pids(&l, path, out, n, err);
}

int ct_cgroup_stats_json(const char *path, char **out, struct shim_err *err)
{
	_cleanup_cg_layout_ struct cg_layout l = {0};
	int ret;

	*out = NULL;
	ret = cg_layout_detect(&l, err);
	return ret < 0 ? ret : cg_stats_json(&l, path, out, err);
}

/* memory.oom_control on v1, memory.events on v2: both count "oom_kill". */
static int cg_oom_kills(const struct cg_layout *l, const char *path, uint64_t *n,
			struct shim_err *err)
{
	const struct cg_hier *h = cg_layout_find_v1(l, "memory");
	struct cg_ctx c = {.l = l, .path = path};
	_cleanup_free_ char *dir = NULL;

	if (h)
		dir = cg_hier_dir(h, path);
	else if (cg_layout_has_v2(l, "memory"))
		dir = cg_v2_dir(l, path);
	else
		return shim_error(err, ENOTSUP, "cgroup %s: no memory controller", path);
	if (!dir)
		return shim_error(err, ENOMEM, "cgroup %s: out of memory", path);
	return cg_file_read_key_u64(&c, dir, h ? "memory.oom_control" : "memory.events", "oom_kill",
				    n, err);
}

int ct_cgroup_oom_kills(const char *path, uint64_t *n, struct shim_err *err)
{
	_cleanup_cg_layout_ struct cg_layout l = {0};
	int ret = cg_layout_detect(&l, err);

	*n = 0;
	return ret < 0 ? ret : cg_oom_kills(&l, path, n, err);
}

int ct_cgroup_destroy(const char *path, struct shim_err *err)
{
	_cleanup_cg_layout_ struct cg_layout l = {0};
	int ret = cg_layout_detect(&l, err);

	return ret < 0 ? ret : cg_destroy(&l, path, err);
}
