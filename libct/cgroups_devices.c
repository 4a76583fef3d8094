/*
 * Device access: v1 devices.allow/deny writes, and on v2 an eBPF
 * BPF_PROG_TYPE_CGROUP_DEVICE program with the layout of runc's devicefilter
 * package (itself from crun):
 *
 *	r2 = type (low 16 bits of access_type), r3 = access (high 16 bits),
 *	r4 = major, r5 = minor
 *	one block per rule: "if (no match) goto next; r0 = allow; exit"
 *	r0 = default; exit
 *
 * Rule semantics follow cgroup v1: an "a" rule resets the default (allow
 * all / deny all) and drops the rules before it; later rules override earlier
 * ones, so blocks are emitted newest first. An allow rule matches when the
 * requested access is a subset of its access, a deny rule when they overlap
 * (v1's partial-match rule for denials).
 */
#include "libct/cgroups_internal.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/bpf.h>

#include "config/cleanup.h"

#define CG_ACC_ALL     (BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE | BPF_DEVCG_ACC_MKNOD)
#define CG_BPF_MAX_OLD 64

struct cg_dev_rule {
	char type;	 /* 'a', 'c' or 'b' */
	int64_t major;	 /* -1: any */
	int64_t minor;	 /* -1: any */
	unsigned access; /* BPF_DEVCG_ACC_* */
	bool allow;
};

/* ---- rules ---- */

static int cg_devices_access(const char *s, unsigned *out)
{
	*out = 0;
	if (!s || !*s) {
		*out = CG_ACC_ALL;
		return 0;
	}
	for (; *s; s++) {
		switch (*s) {
		case 'r':
			*out |= BPF_DEVCG_ACC_READ;
			break;
		case 'w':
			*out |= BPF_DEVCG_ACC_WRITE;
			break;
		case 'm':
			*out |= BPF_DEVCG_ACC_MKNOD;
			break;
		default:
			return -EINVAL;
		}
	}
	return 0;
}

static int cg_devices_rule_parse(const struct spec_device_cgroup *d, struct cg_dev_rule *r,
				 struct shim_err *err)
{
	const char *type = d->type ? d->type : "a";

	if (strlen(type) != 1 || !strchr("acb", type[0]))
		return shim_error(err, EINVAL, "cgroup: invalid device rule type \"%s\"", type);
	if (cg_devices_access(d->access, &r->access) < 0)
		return shim_error(err, EINVAL, "cgroup: invalid device access \"%s\"", d->access);
	r->type = type[0];
	r->major = d->major.set && d->major.v >= 0 ? d->major.v : -1;
	r->minor = d->minor.set && d->minor.v >= 0 ? d->minor.v : -1;
	if (r->major > INT32_MAX || r->minor > INT32_MAX)
		return shim_error(err, EINVAL, "cgroup: invalid device number %" PRId64 ":%" PRId64,
				  r->major, r->minor);
	r->allow = d->allow;
	return 0;
}

static void cg_devices_num(int64_t v, char *buf, size_t len)
{
	if (v < 0)
		snprintf(buf, len, "*");
	else
		snprintf(buf, len, "%" PRId64, v);
}

int cg_devices_rule_string(const struct spec_device_cgroup *d, char **out, struct shim_err *err)
{
	struct cg_dev_rule r;
	char major[24], minor[24], acc[4];
	size_t n = 0;
	int ret;

	*out = NULL;
	ret = cg_devices_rule_parse(d, &r, err);
	if (ret < 0)
		return ret;
	cg_devices_num(r.major, major, sizeof(major));
	cg_devices_num(r.minor, minor, sizeof(minor));
	if (r.access & BPF_DEVCG_ACC_READ)
		acc[n++] = 'r';
	if (r.access & BPF_DEVCG_ACC_WRITE)
		acc[n++] = 'w';
	if (r.access & BPF_DEVCG_ACC_MKNOD)
		acc[n++] = 'm';
	acc[n] = '\0';
	*out = cg_strdup_printf("%c %s:%s %s", r.type, major, minor, acc);
	return *out ? 0 : shim_error(err, ENOMEM, "cgroup: out of memory");
}

int cg_devices_v1_apply(const struct cg_ctx *c, const char *dir,
			const struct spec_device_cgroup *rules, size_t n, struct shim_err *err)
{
	int ret;

	/* Start from deny-all, then replay the rules in order. */
	ret = cg_file_write(c, dir, "devices.deny", "a", err);
	for (size_t i = 0; ret == 0 && i < n; i++) {
		_cleanup_free_ char *s = NULL;

		ret = cg_devices_rule_string(&rules[i], &s, err);
		if (ret < 0)
			return shim_error_wrap(err, "cgroup %s: devices[%zu]", c->path, i);
		ret = cg_file_write(c, dir, rules[i].allow ? "devices.allow" : "devices.deny", s,
				    err);
	}
	return ret;
}

/* ---- runc's default rules (libcontainer/specconv AllowedDevices) ---- */

#define CG_DEV(t, maj, min, acc)                                                                   \
	{                                                                                          \
		.allow = true, .type = (char *)(t), .major = {(maj) >= 0, (maj)},                  \
		.minor = {(min) >= 0, (min)}, .access = (char *)(acc)                              \
	}

static const struct spec_device_cgroup cg_default_devices[] = {
    CG_DEV("c", -1, -1, "m"),	 /* mknod of any char device */
    CG_DEV("b", -1, -1, "m"),	 /* mknod of any block device */
    CG_DEV("c", 1, 3, "rwm"),	 /* /dev/null */
    CG_DEV("c", 1, 8, "rwm"),	 /* /dev/random */
    CG_DEV("c", 1, 7, "rwm"),	 /* /dev/full */
    CG_DEV("c", 5, 0, "rwm"),	 /* /dev/tty */
    CG_DEV("c", 1, 5, "rwm"),	 /* /dev/zero */
    CG_DEV("c", 1, 9, "rwm"),	 /* /dev/urandom */
    CG_DEV("c", 136, -1, "rwm"), /* /dev/pts/N */
    CG_DEV("c", 5, 2, "rwm"),	 /* /dev/ptmx */
    CG_DEV("c", 10, 200, "rwm"), /* /dev/net/tun */
};

#define CG_N_DEFAULT (sizeof(cg_default_devices) / sizeof(cg_default_devices[0]))

int ct_cgroup_device_rules(const struct spec_linux *l, struct spec_device_cgroup **out, size_t *n,
			   struct shim_err *err)
{
	const struct spec_resources *r = l ? l->resources : NULL;
	size_t n_res = r ? r->n_devices : 0, k = 0;
	struct spec_device_cgroup *v = calloc(n_res + CG_N_DEFAULT + 1, sizeof(*v));

	*out = NULL;
	*n = 0;
	if (!v)
		return shim_error(err, ENOMEM, "cgroup: out of memory");
	for (size_t i = 0; i < n_res; i++)
		v[k++] = r->devices[i];
	for (size_t i = 0; i < CG_N_DEFAULT; i++)
		v[k++] = cg_default_devices[i];
	*out = v;
	*n = k;
	return 0;
}

/* ---- program ---- */

struct cg_prog {
	struct bpf_insn *v;
	size_t n;
	size_t cap;
	bool oom;
};

static struct bpf_insn cg_insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
	struct bpf_insn i;

	memset(&i, 0, sizeof(i));
	i.code = code;
	i.dst_reg = dst & 0xf;
	i.src_reg = src & 0xf;
	i.off = off;
	i.imm = imm;
	return i;
}

static void cg_prog_push(struct cg_prog *p, struct bpf_insn i)
{
	if (p->oom)
		return;
	if (p->n == p->cap) {
		size_t ncap = p->cap ? p->cap * 2 : 64;
		struct bpf_insn *nv = realloc(p->v, ncap * sizeof(*nv));

		if (!nv) {
			p->oom = true;
			return;
		}
		p->v = nv;
		p->cap = ncap;
	}
	p->v[p->n++] = i;
}

static void cg_prog_prologue(struct cg_prog *p)
{
	/* struct bpf_cgroup_dev_ctx { u32 access_type; u32 major; u32 minor; } */
	cg_prog_push(p, cg_insn(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_2, BPF_REG_1, 0, 0));
	cg_prog_push(p, cg_insn(BPF_ALU | BPF_AND | BPF_K, BPF_REG_2, 0, 0, 0xffff));
	cg_prog_push(p, cg_insn(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_3, BPF_REG_1, 0, 0));
	cg_prog_push(p, cg_insn(BPF_ALU | BPF_RSH | BPF_K, BPF_REG_3, 0, 0, 16));
	cg_prog_push(p, cg_insn(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_4, BPF_REG_1, 4, 0));
	cg_prog_push(p, cg_insn(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_5, BPF_REG_1, 8, 0));
}

static void cg_prog_verdict(struct cg_prog *p, bool allow)
{
	cg_prog_push(p, cg_insn(BPF_ALU | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, allow ? 1 : 0));
	cg_prog_push(p, cg_insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0));
}

/* One rule: every test jumps past the block ("next") when it fails. */
static void cg_prog_rule(struct cg_prog *p, const struct cg_dev_rule *r)
{
	struct bpf_insn blk[8];
	bool jump[8] = {false};
	size_t k = 0;

	jump[k] = true;
	blk[k++] = cg_insn(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_2, 0, 0,
			   r->type == 'c' ? BPF_DEVCG_DEV_CHAR : BPF_DEVCG_DEV_BLOCK);
	if (r->access != CG_ACC_ALL) {
		blk[k++] = cg_insn(BPF_ALU | BPF_MOV | BPF_X, BPF_REG_1, BPF_REG_3, 0, 0);
		blk[k++] = cg_insn(BPF_ALU | BPF_AND | BPF_K, BPF_REG_1, 0, 0, (int32_t)r->access);
		jump[k] = true;
		if (r->allow) /* requested access not a subset of the rule's */
			blk[k++] = cg_insn(BPF_JMP | BPF_JNE | BPF_X, BPF_REG_1, BPF_REG_3, 0, 0);
		else /* no overlap */
			blk[k++] = cg_insn(BPF_JMP | BPF_JEQ | BPF_K, BPF_REG_1, 0, 0, 0);
	}
	if (r->major >= 0) {
		jump[k] = true;
		blk[k++] = cg_insn(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_4, 0, 0, (int32_t)r->major);
	}
	if (r->minor >= 0) {
		jump[k] = true;
		blk[k++] = cg_insn(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_5, 0, 0, (int32_t)r->minor);
	}
	blk[k++] = cg_insn(BPF_ALU | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, r->allow ? 1 : 0);
	blk[k++] = cg_insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	for (size_t i = 0; i < k; i++) {
		if (jump[i])
			blk[i].off = (int16_t)(k - (i + 1));
		cg_prog_push(p, blk[i]);
	}
}

int cg_devices_bpf_build(const struct spec_device_cgroup *rules, size_t n, struct bpf_insn **out,
			 size_t *n_out, struct shim_err *err)
{
	_cleanup_free_ struct cg_dev_rule *parsed = calloc(n ? n : 1, sizeof(*parsed));
	struct cg_prog p = {0};
	bool def = false; /* no "a" rule at all: deny everything not allowed */
	size_t start = 0;
	int ret;

	*out = NULL;
	*n_out = 0;
	if (!parsed)
		return shim_error(err, ENOMEM, "cgroup: out of memory");
	for (size_t i = 0; i < n; i++) {
		ret = cg_devices_rule_parse(&rules[i], &parsed[i], err);
		if (ret < 0)
			return shim_error_wrap(err, "devices[%zu]", i);
		if (parsed[i].type == 'a') {
			def = parsed[i].allow;
			start = i + 1;
		}
	}
	cg_prog_prologue(&p);
	for (size_t i = n; i > start; i--)
		cg_prog_rule(&p, &parsed[i - 1]);
	cg_prog_verdict(&p, def);
	if (p.oom) {
		free(p.v);
		return shim_error(err, ENOMEM, "cgroup: out of memory");
	}
	*out = p.v;
	*n_out = p.n;
	return 0;
}

/* ---- bpf(2) ---- */

static int cg_bpf(int cmd, union bpf_attr *attr)
{
	return (int)syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

static int cg_bpf_load(const struct cg_ctx *c, const struct bpf_insn *insns, size_t n,
		       struct shim_err *err)
{
	static const char license[] = "Apache";
	_cleanup_free_ char *log = NULL;
	union bpf_attr attr;
	int fd;
	int e;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	attr.insns = (uint64_t)(uintptr_t)insns;
	attr.insn_cnt = (uint32_t)n;
	attr.license = (uint64_t)(uintptr_t)license;
	fd = cg_bpf(BPF_PROG_LOAD, &attr);
	if (fd >= 0)
		return fd;
	e = errno;
	if (e != EINVAL && e != EACCES)
		return shim_error_sys(err, e, "cgroup %s: load device filter", c->path);
	/* Load again with the verifier log, for the message. */
	log = calloc(1, 16384);
	if (log) {
		attr.log_buf = (uint64_t)(uintptr_t)log;
		attr.log_size = 16384;
		attr.log_level = 1;
		fd = cg_bpf(BPF_PROG_LOAD, &attr);
		if (fd >= 0)
			return fd;
		e = errno;
	}
	return shim_error(err, e, "cgroup %s: load device filter: %s%s%.200s", c->path, strerror(e),
			  log && *log ? ": " : "", log ? log : "");
}

/* Ids of the device programs attached to the cgroup (none when unsupported). */
static size_t cg_bpf_query(int cgfd, uint32_t *ids, size_t cap)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.query.target_fd = (uint32_t)cgfd;
	attr.query.attach_type = BPF_CGROUP_DEVICE;
	attr.query.prog_ids = (uint64_t)(uintptr_t)ids;
	attr.query.prog_cnt = (uint32_t)cap;
	if (cg_bpf(BPF_PROG_QUERY, &attr) < 0)
		return 0;
	return attr.query.prog_cnt < cap ? attr.query.prog_cnt : cap;
}

static int cg_bpf_attach(int cgfd, int progfd, uint32_t flags)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.target_fd = (uint32_t)cgfd;
	attr.attach_bpf_fd = (uint32_t)progfd;
	attr.attach_type = BPF_CGROUP_DEVICE;
	attr.attach_flags = flags;
	return cg_bpf(BPF_PROG_ATTACH, &attr) < 0 ? -errno : 0;
}

static int cg_bpf_detach_id(int cgfd, uint32_t id)
{
	_cleanup_close_ int fd = -1;
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_id = id;
	fd = cg_bpf(BPF_PROG_GET_FD_BY_ID, &attr);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	memset(&attr, 0, sizeof(attr));
	attr.target_fd = (uint32_t)cgfd;
	attr.attach_bpf_fd = (uint32_t)fd;
	attr.attach_type = BPF_CGROUP_DEVICE;
	return cg_bpf(BPF_PROG_DETACH, &attr) < 0 && errno != ENOENT ? -errno : 0;
}

/*
 * Like runc's LoadAttachCgroupDeviceFilter: attach the new program next to
 * the old ones (BPF_F_ALLOW_MULTI), then detach the old ones, so there is no
 * window without a filter.
 */
int cg_devices_bpf_attach(const struct cg_ctx *c, const char *dir,
			  const struct spec_device_cgroup *rules, size_t n, struct shim_err *err)
{
	_cleanup_free_ struct bpf_insn *insns = NULL;
	_cleanup_close_ int progfd = -1, cgfd = -1;
	uint32_t old[CG_BPF_MAX_OLD];
	size_t n_insns, n_old;
	int ret;

	ret = cg_devices_bpf_build(rules, n, &insns, &n_insns, err);
	if (ret < 0)
		return shim_error_wrap(err, "cgroup %s", c->path);
	progfd = cg_bpf_load(c, insns, n_insns, err);
	if (progfd < 0)
		return progfd;
	cgfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cgfd < 0)
		return shim_error_sys(err, errno, "cgroup %s: open %s", c->path, dir);
	n_old = cg_bpf_query(cgfd, old, CG_BPF_MAX_OLD);
	ret = cg_bpf_attach(cgfd, progfd, BPF_F_ALLOW_MULTI);
	if (ret < 0) {
		/* An old program attached without ALLOW_MULTI: replace it in place. */
		ret = cg_bpf_attach(cgfd, progfd, 0);
		if (ret < 0)
			return shim_error_sys(err, -ret, "cgroup %s: attach device filter to %s",
					      c->path, dir);
		return 0;
	}
	for (size_t i = 0; i < n_old; i++) {
		ret = cg_bpf_detach_id(cgfd, old[i]);
		if (ret < 0)
			return shim_error_sys(
			    err, -ret, "cgroup %s: detach old device filter (id %" PRIu32 ")",
			    c->path, old[i]);
	}
	return 0;
}
