#include "libct/rootfs.h"
#include "libct/utils.h"

#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <linux/openat2.h>

static const struct {
	const char *name;
	bool clear;
	unsigned long flag;
} mount_flag_table[] = {
    {"ro", false, MS_RDONLY},
    {"rw", true, MS_RDONLY},
    {"nosuid", false, MS_NOSUID},
    {"suid", true, MS_NOSUID},
    {"nodev", false, MS_NODEV},
    {"dev", true, MS_NODEV},
    {"noexec", false, MS_NOEXEC},
    {"exec", true, MS_NOEXEC},
    {"sync", false, MS_SYNCHRONOUS},
    {"async", true, MS_SYNCHRONOUS},
    {"dirsync", false, MS_DIRSYNC},
    {"remount", false, MS_REMOUNT},
    {"mand", false, MS_MANDLOCK},
    {"nomand", true, MS_MANDLOCK},
    {"atime", true, MS_NOATIME},
    {"noatime", false, MS_NOATIME},
    {"diratime", true, MS_NODIRATIME},
    {"nodiratime", false, MS_NODIRATIME},
    {"bind", false, MS_BIND},
    {"rbind", false, MS_BIND | MS_REC},
    {"relatime", false, MS_RELATIME},
    {"norelatime", true, MS_RELATIME},
    {"strictatime", false, MS_STRICTATIME},
    {"nostrictatime", true, MS_STRICTATIME},
    {"silent", false, MS_SILENT},
    {"loud", true, MS_SILENT},
    {"nosymfollow", false, 0x100},
    {"symfollow", true, 0x100},
};

static const struct {
	const char *name;
	unsigned long flag;
} mount_propagation_table[] = {
    {"private", MS_PRIVATE},	   {"rprivate", MS_PRIVATE | MS_REC},
    {"shared", MS_SHARED},	   {"rshared", MS_SHARED | MS_REC},
    {"slave", MS_SLAVE},	   {"rslave", MS_SLAVE | MS_REC},
    {"unbindable", MS_UNBINDABLE}, {"runbindable", MS_UNBINDABLE | MS_REC},
};

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static bool rootfs_match_flag(const char *opt, struct rootfs_mount_flags *out)
{
	for (size_t i = 0; i < N_ELEMS(mount_flag_table); i++) {
		if (strcmp(opt, mount_flag_table[i].name))
			continue;
		if (mount_flag_table[i].clear) {
			out->flags &= ~mount_flag_table[i].flag;
			out->clear |= mount_flag_table[i].flag;
		} else {
			out->flags |= mount_flag_table[i].flag;
			out->clear &= ~mount_flag_table[i].flag;
		}
		return true;
	}
	for (size_t i = 0; i < N_ELEMS(mount_propagation_table); i++) {
		if (!strcmp(opt, mount_propagation_table[i].name)) {
			out->propagation = mount_propagation_table[i].flag;
			return true;
		}
	}
	/* Accepted and ignored, as runc does: tmpcopyup is a runc extension. */
	return !strcmp(opt, "tmpcopyup") || !strcmp(opt, "defaults");
}

int rootfs_parse_options(char **options, size_t n, struct rootfs_mount_flags *out,
			 struct shim_err *err)
{
	size_t len = 0;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < n; i++) {
		if (rootfs_match_flag(options[i], out))
			continue;
		if (!strncmp(options[i], "idmap", 5) || !strncmp(options[i], "ridmap", 6))
			return shim_error(err, ENOTSUP, "mount option \"%s\" is not supported",
					  options[i]);
		len += snprintf(out->data + len, sizeof(out->data) - len, "%s%s", len ? "," : "",
				options[i]);
		if (len >= sizeof(out->data))
			return shim_error(err, E2BIG, "mount options too long");
	}
	return 0;
}

/* Opens `path` inside `rootfd`, never leaving it, creating missing parts. */
static int rootfs_open_in_root(int rootfd, const char *path, bool create, bool as_file,
			       struct shim_err *err)
{
	struct open_how how = {.flags = O_PATH | O_CLOEXEC,
			       .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
	char buf[PATH_MAX], *slash;
	int fd;

	while (*path == '/')
		path++;
	if (!*path)
		path = ".";
	fd = syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
	if (fd >= 0 || errno != ENOENT || !create)
		return fd >= 0 ? fd : shim_error_sys(err, errno, "open %s in the rootfs", path);
	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return shim_error(err, ENAMETOOLONG, "%s: path too long", path);
	slash = strrchr(buf, '/');
	{
		_cleanup_close_ int parent = -1;
		const char *name = buf;
		if (slash) {
			*slash = '\0';
			name = slash + 1;
			parent = rootfs_open_in_root(rootfd, buf, true, false, err);
			if (parent < 0)
				return parent;
		} else {
			parent = fcntl(rootfd, F_DUPFD_CLOEXEC, 0);
		}
		if (as_file) {
			int f =
			    openat(parent, name, O_CREAT | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0755);
			if (f < 0 && errno != EEXIST)
				return shim_error_sys(err, errno, "create /%s in the rootfs", path);
			if (f >= 0)
				close(f);
		} else if (mkdirat(parent, name, 0755) < 0 && errno != EEXIST) {
			return shim_error_sys(err, errno, "mkdir /%s in the rootfs", path);
		}
	}
	fd = syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
	if (fd < 0)
		return shim_error_sys(err, errno, "open /%s in the rootfs", path);
	return fd;
}

static void rootfs_fd_path(int fd, char *buf, size_t size)
{
	snprintf(buf, size, "/proc/self/fd/%d", fd);
}

/* Bind mounts ignore most flags until remounted. */
static int rootfs_remount_bind(const char *target, unsigned long flags, const char *what,
			       struct shim_err *err)
{
	struct statvfs sv;
	unsigned long keep = 0;

	if (statvfs(target, &sv) == 0) {
		/* Locked flags of the source must be kept or the remount fails with EPERM. */
		if (sv.f_flag & ST_NOSUID)
			keep |= MS_NOSUID;
		if (sv.f_flag & ST_NODEV)
			keep |= MS_NODEV;
		if (sv.f_flag & ST_NOEXEC)
			keep |= MS_NOEXEC;
	}
	if (mount(NULL, target, NULL, MS_BIND | MS_REMOUNT | flags | keep, NULL) < 0)
		return shim_error_sys(err, errno, "remount %s", what);
	return 0;
}

static bool rootfs_is_bind(const struct spec_mount *m, const struct rootfs_mount_flags *f)
{
	return (f->flags & MS_BIND) || (m->type && !strcmp(m->type, "bind"));
}

static int rootfs_mount_cgroup(int rootfd, const struct spec_mount *m,
			       const struct rootfs_mount_flags *f, bool cgroupns,
			       struct shim_err *err);

static bool rootfs_is_under(const char *path, const char *dir)
{
	size_t len = strlen(dir);

	while (path[0] == '/' && path[1] == '/')
		path++;
	return !strncmp(path, dir, len) && (path[len] == '\0' || path[len] == '/');
}

static bool rootfs_is_symlink(int rootfd, const char *name)
{
	struct stat st;

	return fstatat(rootfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode);
}

/*
 * CVE-2019-16884 / CVE-2023-28642: /proc and /sys must be real directories of the
 * rootfs, only procfs may cover /proc, and nothing may land inside /proc except
 * the lxcfs-style file binds runc allows.
 */
static int rootfs_check_proc_dest(int rootfd, const struct spec_mount *m, size_t idx,
				  struct shim_err *err)
{
	static const char *const allowed_proc_files[] = {
	    "/proc/cpuinfo", "/proc/diskstats",
	    "/proc/meminfo", "/proc/stat",
	    "/proc/swaps",   "/proc/uptime",
	    "/proc/loadavg", "/proc/slabinfo",
	    "/proc/net/dev", "/proc/sys/kernel/ns_last_pid",
	};
	const char *d = m->destination;
	bool is_proc = m->type && !strcmp(m->type, "proc");

	if (rootfs_is_under(d, "/proc") && rootfs_is_symlink(rootfd, "proc"))
		return shim_error(err, EINVAL, "mounts[%zu]: /proc in the rootfs is a symlink",
				  idx);
	if (rootfs_is_under(d, "/sys") && rootfs_is_symlink(rootfd, "sys"))
		return shim_error(err, EINVAL, "mounts[%zu]: /sys in the rootfs is a symlink", idx);
	if (!rootfs_is_under(d, "/proc") || is_proc)
		return 0;
	if (!strcmp(d, "/proc") || strlen(d) <= 6)
		return shim_error(err, EINVAL,
				  "mounts[%zu]: %s cannot be mounted on /proc (only proc can)", idx,
				  m->type ? m->type : "bind");
	for (size_t i = 0; i < N_ELEMS(allowed_proc_files); i++)
		if (!strcmp(d, allowed_proc_files[i]))
			return 0;
	return shim_error(err, EINVAL, "mounts[%zu]: %s cannot be mounted beneath /proc", idx, d);
}

static int rootfs_mount_one(const struct rootfs_opts *o, int rootfd, const struct spec_mount *m,
			    size_t idx, struct shim_err *err)
{
	struct rootfs_mount_flags f;
	_cleanup_close_ int target = -1;
	char tpath[64];
	struct stat st;
	bool bind, as_file = false;
	int r;

	r = rootfs_parse_options(m->options, m->n_options, &f, err);
	if (r < 0)
		return shim_error_wrap(err, "mounts[%zu] (%s)", idx, m->destination);
	bind = rootfs_is_bind(m, &f);
	if (bind && !(f.flags & MS_BIND))
		f.flags |= MS_BIND;
	r = rootfs_check_proc_dest(rootfd, m, idx, err);
	if (r < 0)
		return r;
	if (m->type && !strcmp(m->type, "cgroup")) {
		r = o->wait_cgroup ? o->wait_cgroup(o->wait_data, err) : 0;
		if (r < 0)
			return r;
		return rootfs_mount_cgroup(rootfd, m, &f, o->cgroupns, err);
	}
	if (bind) {
		if (!m->source || stat(m->source, &st) < 0)
			return shim_error_sys(err, m->source ? errno : ENOENT,
					      "mounts[%zu]: bind source %s", idx,
					      m->source ? m->source : "(none)");
		as_file = !S_ISDIR(st.st_mode);
	}
	target = rootfs_open_in_root(rootfd, m->destination, true, as_file, err);
	if (target < 0)
		return shim_error_wrap(err, "mounts[%zu]", idx);
	rootfs_fd_path(target, tpath, sizeof(tpath));
	if (bind) {
		if (mount(m->source, tpath, NULL, f.flags & (MS_BIND | MS_REC), NULL) < 0)
			return shim_error_sys(err, errno, "mounts[%zu]: bind %s on %s", idx,
					      m->source, m->destination);
		/* Reopen: the fd still points below the new mount. */
		close(target);
		target = rootfs_open_in_root(rootfd, m->destination, false, false, err);
		if (target < 0)
			return target;
		rootfs_fd_path(target, tpath, sizeof(tpath));
		if (f.flags & ~(MS_BIND | MS_REC | MS_REMOUNT)) {
			r = rootfs_remount_bind(tpath, f.flags & ~MS_REC, m->destination, err);
			if (r < 0)
				return r;
		}
	} else {
		const char *type = m->type ? m->type : "none";
		if (mount(m->source ? m->source : type, tpath, type, f.flags,
			  f.data[0] ? f.data : NULL) < 0)
			return shim_error_sys(err, errno, "mounts[%zu]: mount %s on %s (%s)", idx,
					      type, m->destination, f.data);
	}
	if (f.propagation) {
		close(target);
		target = rootfs_open_in_root(rootfd, m->destination, false, false, err);
		if (target < 0)
			return target;
		rootfs_fd_path(target, tpath, sizeof(tpath));
		if (mount(NULL, tpath, NULL, f.propagation, NULL) < 0)
			return shim_error_sys(err, errno, "mounts[%zu]: set propagation of %s", idx,
					      m->destination);
	}
	return 0;
}

/* One line of /proc/self/mountinfo for a cgroup hierarchy. */
struct cgroup_mnt {
	char mountpoint[PATH_MAX];
	char root[PATH_MAX];
	char options[512]; /* super options: "rw,memory" */
	bool v2;
};

static const char *rootfs_cgroup_subsys(const struct cgroup_mnt *c, char *buf, size_t size)
{
	/* The super options minus rw/ro: "memory", "cpu,cpuacct", "name=systemd". */
	size_t len = 0;
	char copy[512], *save = NULL;

	snprintf(copy, sizeof(copy), "%s", c->options);
	buf[0] = '\0';
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "rw") || !strcmp(tok, "ro"))
			continue;
		len += snprintf(buf + len, size - len, "%s%s", len ? "," : "", tok);
	}
	return buf;
}

static int rootfs_read_cgroup_mounts(struct cgroup_mnt **out, size_t *n, struct shim_err *err)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;

	*out = NULL;
	*n = 0;
	if (!f)
		return shim_error_sys(err, errno, "open /proc/self/mountinfo");
	while (getline(&line, &cap, f) > 0) {
		char root[PATH_MAX], mnt[PATH_MAX], fstype[64], source[256], sopts[512];
		char *sep = strstr(line, " - ");
		struct cgroup_mnt *c;

		if (!sep || sscanf(line, "%*d %*d %*s %4095s %4095s", root, mnt) != 2)
			continue;
		if (sscanf(sep + 3, "%63s %255s %511s", fstype, source, sopts) != 3)
			continue;
		if (strcmp(fstype, "cgroup") && strcmp(fstype, "cgroup2"))
			continue;
		if (strncmp(mnt, "/sys/fs/cgroup", 14))
			continue;
		c = realloc(*out, (*n + 1) * sizeof(**out));
		if (!c)
			return shim_error(err, ENOMEM, "out of memory");
		*out = c;
		c = &(*out)[(*n)++];
		snprintf(c->mountpoint, sizeof(c->mountpoint), "%s", mnt);
		snprintf(c->root, sizeof(c->root), "%s", root);
		snprintf(c->options, sizeof(c->options), "%s", sopts);
		c->v2 = !strcmp(fstype, "cgroup2");
	}
	return 0;
}

/* Our own cgroup in the hierarchy with these super options, from /proc/self/cgroup. */
static int rootfs_own_cgroup(const char *subsys, bool v2, char *buf, size_t size)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/cgroup", "re");
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;

	if (!f)
		return -errno;
	while (getline(&line, &cap, f) > 0) {
		char *a = strchr(line, ':'), *b = a ? strchr(a + 1, ':') : NULL;
		if (!b)
			continue;
		*b = '\0';
		b[strcspn(b + 1, "\n") + 1] = '\0';
		if ((v2 && a[1] == '\0') || (!v2 && !strcmp(a + 1, subsys))) {
			snprintf(buf, size, "%s", b + 1);
			return 0;
		}
	}
	return -ENOENT;
}

/*
 * "cgroup" mounts as runc does on v1/hybrid hosts: a tmpfs with one entry per
 * hierarchy. With a cgroup namespace each is a fresh cgroup mount (rooted at the
 * container's cgroup); without, a bind of the container's own cgroup dir.
 */
static int rootfs_mount_cgroup(int rootfd, const struct spec_mount *m,
			       const struct rootfs_mount_flags *f, bool cgroupns,
			       struct shim_err *err)
{
	_cleanup_free_ struct cgroup_mnt *cgs = NULL;
	_cleanup_close_ int target = -1;
	unsigned long flags = f->flags & ~(MS_BIND | MS_REC);
	char tpath[64], sub[PATH_MAX], name[512], own[PATH_MAX];
	size_t n;
	int r;

	r = rootfs_read_cgroup_mounts(&cgs, &n, err);
	if (r < 0)
		return r;
	target = rootfs_open_in_root(rootfd, m->destination, true, false, err);
	if (target < 0)
		return target;
	rootfs_fd_path(target, tpath, sizeof(tpath));
	/* A pure v2 host: one cgroup2 mount. */
	if (n == 1 && cgs[0].v2) {
		if (mount("cgroup", tpath, "cgroup2", flags, NULL) < 0)
			return shim_error_sys(err, errno, "mount cgroup2 on %s", m->destination);
		return 0;
	}
	if (mount("tmpfs", tpath, "tmpfs", (flags & ~MS_RDONLY) | MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  "mode=755") < 0)
		return shim_error_sys(err, errno, "mount tmpfs on %s", m->destination);
	for (size_t i = 0; i < n; i++) {
		const char *leaf = strrchr(cgs[i].mountpoint, '/') + 1;
		_cleanup_close_ int dst = -1;
		char dpath[64];

		/* As runc on hybrid hosts: the v1 hierarchies only. */
		if (!strcmp(cgs[i].mountpoint, "/sys/fs/cgroup") || cgs[i].v2)
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", m->destination, leaf);
		dst = rootfs_open_in_root(rootfd, sub, true, false, err);
		if (dst < 0)
			return dst;
		rootfs_fd_path(dst, dpath, sizeof(dpath));
		rootfs_cgroup_subsys(&cgs[i], name, sizeof(name));
		if (cgroupns) {
			r = mount("cgroup", dpath, cgs[i].v2 ? "cgroup2" : "cgroup", flags,
				  cgs[i].v2 ? NULL : name);
		} else {
			char src[PATH_MAX * 2];
			if (rootfs_own_cgroup(name, cgs[i].v2, own, sizeof(own)) < 0)
				continue;
			snprintf(src, sizeof(src), "%s%s", cgs[i].mountpoint, own);
			r = mount(src, dpath, NULL, MS_BIND | MS_REC, NULL);
			if (r == 0 && flags) {
				/* Reopen: dst still points below the new mount. */
				close(dst);
				dst = rootfs_open_in_root(rootfd, sub, false, false, err);
				if (dst < 0)
					return dst;
				rootfs_fd_path(dst, dpath, sizeof(dpath));
				r = mount(NULL, dpath, NULL, MS_BIND | MS_REMOUNT | flags, NULL);
			}
		}
		if (r < 0)
			return shim_error_sys(err, errno, "mount cgroup %s on %s", name, sub);
	}
	return 0;
}

struct default_dev {
	const char *path;
	mode_t mode;
	unsigned major, minor;
};

static const struct default_dev default_devices[] = {
    {"/dev/null", S_IFCHR | 0666, 1, 3},    {"/dev/zero", S_IFCHR | 0666, 1, 5},
    {"/dev/full", S_IFCHR | 0666, 1, 7},    {"/dev/random", S_IFCHR | 0666, 1, 8},
    {"/dev/urandom", S_IFCHR | 0666, 1, 9}, {"/dev/tty", S_IFCHR | 0666, 5, 0},
};

static int rootfs_make_device(int rootfd, const char *path, mode_t mode, dev_t dev, uid_t uid,
			      gid_t gid, struct shim_err *err)
{
	_cleanup_close_ int parent = -1;
	char dir[PATH_MAX], *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return shim_error(err, EINVAL, "device path %s must be below /", path);
	*slash = '\0';
	parent = rootfs_open_in_root(rootfd, dir, true, false, err);
	if (parent < 0)
		return parent;
	{
		/* O_PATH fds cannot be mknodat's dirfd; reopen as a directory. */
		char p[64];
		_cleanup_close_ int d = -1;
		rootfs_fd_path(parent, p, sizeof(p));
		d = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (d < 0)
			return shim_error_sys(err, errno, "open %s", dir);
		unlinkat(d, slash + 1, 0);
		if (mknodat(d, slash + 1, mode, dev) < 0) {
			/* In a user namespace mknod fails: bind the host's node instead. */
			if (errno != EPERM)
				return shim_error_sys(err, errno, "mknod %s", path);
			int f = openat(d, slash + 1, O_CREAT | O_WRONLY | O_CLOEXEC, 0666);
			if (f < 0)
				return shim_error_sys(err, errno, "create %s", path);
			close(f);
			snprintf(p, sizeof(p), "/proc/self/fd/%d", d);
			char dst[PATH_MAX + 64];
			snprintf(dst, sizeof(dst), "%s/%s", p, slash + 1);
			if (mount(path, dst, NULL, MS_BIND, NULL) < 0)
				return shim_error_sys(err, errno, "bind device %s", path);
			return 0;
		}
		if (fchownat(d, slash + 1, uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
			return shim_error_sys(err, errno, "chown %s", path);
		if (fchmodat(d, slash + 1, mode & 07777, 0) < 0)
			return shim_error_sys(err, errno, "chmod %s", path);
	}
	return 0;
}

static mode_t rootfs_device_type(const char *t)
{
	switch (t[0]) {
	case 'c':
	case 'u':
		return S_IFCHR;
	case 'b':
		return S_IFBLK;
	case 'p':
		return S_IFIFO;
	}
	return 0;
}

static bool rootfs_has_mount(const struct spec *s, const char *dest)
{
	for (size_t i = 0; i < s->n_mounts; i++)
		if (!strcmp(s->mounts[i].destination, dest))
			return true;
	return false;
}

static int rootfs_create_devices(int rootfd, const struct spec *s, struct shim_err *err)
{
	const struct spec_linux *l = s->linux_;
	int r;

	/* runc creates the defaults only when /dev is a fresh mount of the config. */
	if (rootfs_has_mount(s, "/dev")) {
		for (size_t i = 0; i < N_ELEMS(default_devices); i++) {
			const struct default_dev *d = &default_devices[i];
			r = rootfs_make_device(rootfd, d->path, d->mode,
					       makedev(d->major, d->minor), 0, 0, err);
			if (r < 0)
				return r;
		}
	}
	for (size_t i = 0; l && i < l->n_devices; i++) {
		const struct spec_device *d = &l->devices[i];
		mode_t type = rootfs_device_type(d->type);
		mode_t mode = d->file_mode.set ? d->file_mode.v : 0666;

		if (!type)
			return shim_error(err, EINVAL,
					  "linux.devices[%zu].type: unknown type \"%s\"", i,
					  d->type);
		r = rootfs_make_device(rootfd, d->path, type | (mode & 07777),
				       makedev(d->major.v, d->minor.v), d->uid.set ? d->uid.v : 0,
				       d->gid.set ? d->gid.v : 0, err);
		if (r < 0)
			return shim_error_wrap(err, "linux.devices[%zu]", i);
	}
	return 0;
}

static int rootfs_create_dev_symlinks(int rootfd, const struct spec *s, struct shim_err *err)
{
	static const char *const links[][2] = {
	    {"/proc/self/fd", "fd"},
	    {"/proc/self/fd/0", "stdin"},
	    {"/proc/self/fd/1", "stdout"},
	    {"/proc/self/fd/2", "stderr"},
	};
	_cleanup_close_ int dev = -1, devdir = -1;
	char p[64];

	if (!rootfs_has_mount(s, "/dev"))
		return 0;
	dev = rootfs_open_in_root(rootfd, "/dev", true, false, err);
	if (dev < 0)
		return dev;
	rootfs_fd_path(dev, p, sizeof(p));
	devdir = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (devdir < 0)
		return shim_error_sys(err, errno, "open /dev");
	for (size_t i = 0; i < N_ELEMS(links); i++)
		if (symlinkat(links[i][0], devdir, links[i][1]) < 0 && errno != EEXIST)
			return shim_error_sys(err, errno, "symlink /dev/%s", links[i][1]);
	/* With a devpts newinstance, ptmx must be its own. */
	unlinkat(devdir, "ptmx", 0);
	if (symlinkat("pts/ptmx", devdir, "ptmx") < 0)
		return shim_error_sys(err, errno, "symlink /dev/ptmx");
	return 0;
}

static unsigned long rootfs_propagation_flags(const struct spec *s)
{
	const char *p = s->linux_ ? s->linux_->rootfs_propagation : NULL;

	if (!p)
		return MS_SLAVE | MS_REC;
	for (size_t i = 0; i < N_ELEMS(mount_propagation_table); i++)
		if (!strcmp(p, mount_propagation_table[i].name))
			return mount_propagation_table[i].flag;
	return MS_SLAVE | MS_REC;
}

/* The mountpoint holding `path` and whether it is shared (mountinfo "shared:N"). */
static int rootfs_find_parent_mount(const char *path, char *mp, size_t size, bool *shared)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
	_cleanup_free_ char *line = NULL;
	size_t cap = 0, best = 0;

	if (!f)
		return -errno;
	while (getline(&line, &cap, f) > 0) {
		char m[PATH_MAX];
		size_t len;

		if (sscanf(line, "%*d %*d %*s %*s %4095s", m) != 1)
			continue;
		len = strlen(m);
		if (strncmp(path, m, len) || (path[len] != '/' && path[len] && len > 1))
			continue;
		if (len >= best) {
			best = len;
			snprintf(mp, size, "%s", m);
			*shared = strstr(line, " shared:") &&
				  strstr(line, " shared:") < strstr(line, " - ");
		}
	}
	return best ? 0 : -ENOENT;
}

/* pivot_root refuses a new root whose parent mount is shared (runc does the same). */
static int rootfs_make_parent_private(const char *rootfs, struct shim_err *err)
{
	char mp[PATH_MAX];
	bool shared = false;

	if (rootfs_find_parent_mount(rootfs, mp, sizeof(mp), &shared) < 0 || !shared)
		return 0;
	if (mount(NULL, mp, NULL, MS_PRIVATE, NULL) < 0)
		return shim_error_sys(err, errno, "make %s private", mp);
	return 0;
}

/* runc creates a missing cwd, owned by root, before the process starts. */
static int rootfs_create_cwd(int rootfd, const struct spec *s, struct shim_err *err)
{
	int fd;

	if (!s->process || !s->process->cwd)
		return 0;
	fd = rootfs_open_in_root(rootfd, s->process->cwd, true, false, err);
	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

int rootfs_prepare(const struct rootfs_opts *o, struct shim_err *err)
{
	const struct spec *s = o->spec;
	unsigned long prop = rootfs_propagation_flags(s);
	_cleanup_close_ int rootfd = -1;
	int r;

	/* Nothing we mount may leak back to the host: start from a slave or private tree. */
	if (mount(NULL, "/", NULL, (prop & MS_SHARED) ? (MS_SLAVE | MS_REC) : prop, NULL) < 0)
		return shim_error_sys(err, errno, "make / %s", "a slave mount");
	r = rootfs_make_parent_private(o->rootfs, err);
	if (r < 0)
		return r;
	if (mount(o->rootfs, o->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
		return shim_error_sys(err, errno, "bind mount rootfs %s", o->rootfs);
	rootfd = open(o->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return shim_error_sys(err, errno, "open rootfs %s", o->rootfs);
	for (size_t i = 0; i < s->n_mounts; i++) {
		r = rootfs_mount_one(o, rootfd, &s->mounts[i], i, err);
		if (r < 0)
			return r;
	}
	r = rootfs_create_cwd(rootfd, s, err);
	if (r < 0)
		return r;
	r = rootfs_create_devices(rootfd, s, err);
	if (r < 0)
		return r;
	r = rootfs_create_dev_symlinks(rootfd, s, err);
	if (r < 0)
		return r;
	return 0;
}

/* pivot_root refuses a shared new root, so "shared" is applied once inside it. */
static int rootfs_apply_root_propagation(const struct spec *s, struct shim_err *err)
{
	unsigned long prop = rootfs_propagation_flags(s);

	if (!(prop & MS_SHARED))
		return 0;
	if (mount(NULL, "/", NULL, prop, NULL) < 0)
		return shim_error_sys(err, errno, "set rootfsPropagation on /");
	return 0;
}

int rootfs_pivot(const struct rootfs_opts *o, struct shim_err *err)
{
	_cleanup_close_ int oldroot = -1, newroot = -1;

	if (chdir(o->rootfs) < 0)
		return shim_error_sys(err, errno, "chdir %s", o->rootfs);
	if (o->no_pivot) {
		if (mount(o->rootfs, "/", NULL, MS_MOVE, NULL) < 0)
			return shim_error_sys(err, errno, "move rootfs to /");
		if (chroot(".") < 0)
			return shim_error_sys(err, errno, "chroot");
		return chdir("/") < 0 ? shim_error_sys(err, errno, "chdir /") : 0;
	}
	/* pivot_root(".", ".") stacks the old root on the new one; no temp dir needed. */
	oldroot = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	newroot = open(o->rootfs, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (oldroot < 0 || newroot < 0)
		return shim_error_sys(err, errno, "open old or new root");
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return shim_error_sys(err, errno, "pivot_root %s", o->rootfs);
	if (fchdir(oldroot) < 0)
		return shim_error_sys(err, errno, "fchdir old root");
	/* Keep the unmount from propagating to the host. */
	if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		return shim_error_sys(err, errno, "make old root a slave");
	if (umount2(".", MNT_DETACH) < 0)
		return shim_error_sys(err, errno, "unmount old root");
	if (fchdir(newroot) < 0 || chdir("/") < 0)
		return shim_error_sys(err, errno, "chdir to new root");
	return rootfs_apply_root_propagation(o->spec, err);
}

static int rootfs_mask_path(const char *path, struct shim_err *err)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : shim_error_sys(err, errno, "masked path %s", path);
	if (S_ISDIR(st.st_mode)) {
		if (mount("tmpfs", path, "tmpfs", MS_RDONLY, NULL) < 0)
			return shim_error_sys(err, errno, "mask %s", path);
	} else if (mount("/dev/null", path, NULL, MS_BIND, NULL) < 0 && errno != ENOENT) {
		return shim_error_sys(err, errno, "mask %s", path);
	}
	return 0;
}

static int rootfs_readonly_path(const char *path, struct shim_err *err)
{
	if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0)
		return errno == ENOENT ? 0 : shim_error_sys(err, errno, "readonly path %s", path);
	return rootfs_remount_bind(path, MS_RDONLY | MS_REC, path, err);
}

static int rootfs_apply_sysctl(const struct spec_linux *l, struct shim_err *err)
{
	for (size_t i = 0; l && i < l->n_sysctl; i++) {
		char path[PATH_MAX];
		const char *v = l->sysctl[i].value;
		int r;

		snprintf(path, sizeof(path), "/proc/sys/%s", l->sysctl[i].key);
		for (char *p = path + 10; *p; p++)
			if (*p == '.')
				*p = '/';
		r = util_write_file(path, v, strlen(v), err);
		if (r < 0)
			return shim_error_wrap(err, "linux.sysctl \"%s\"", l->sysctl[i].key);
	}
	return 0;
}

int rootfs_finalize(const struct rootfs_opts *o, struct shim_err *err)
{
	const struct spec *s = o->spec;
	const struct spec_linux *l = s->linux_;
	int r;

	r = rootfs_apply_sysctl(l, err);
	if (r < 0)
		return r;
	for (size_t i = 0; l && i < l->n_readonly_paths; i++) {
		r = rootfs_readonly_path(l->readonly_paths[i], err);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; l && i < l->n_masked_paths; i++) {
		r = rootfs_mask_path(l->masked_paths[i], err);
		if (r < 0)
			return r;
	}
	if (s->root && s->root->readonly)
		return rootfs_remount_bind("/", MS_RDONLY, "/ read-only", err);
	return 0;
}
