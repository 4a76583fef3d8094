/*
 * libct/cgroups against the real cgroupfs of this machine (needs root).
 * Every cgroup lives under /shim-test-<pid>/ and is removed after each test,
 * also when an assertion fails; children get PR_SET_PDEATHSIG so none are
 * left behind.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <linux/magic.h>
#include <yajl/yajl_tree.h>

#include "config/cleanup.h"
#include "libct/cgroups.h"
#include "libct/cgroups_internal.h"

#define MB	     (1024LL * 1024LL)
#define MAX_CHILDREN 16

static struct cg_layout g_layout;
static char g_base[64];
static char *g_v2_root_subtree; /* the v2 root's cgroup.subtree_control before the tests */
static pid_t g_children[MAX_CHILDREN];
static int g_go[MAX_CHILDREN];
static size_t g_n_children;

/* ---- helpers ---- */

static char *t_path(const char *name)
{
	char *p = cg_strdup_printf("%s/%s", g_base, name);

	assert_non_null(p);
	return p;
}

static char *t_slurp(const char *path)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	char *buf = calloc(1, 65536);
	size_t len = 0;
	ssize_t n;

	if (fd < 0 || !buf) {
		free(buf);
		return NULL;
	}
	while ((n = read(fd, buf + len, 65535 - len)) > 0)
		len += (size_t)n;
	return buf;
}

/* The file of `cgpath` in the v1 hierarchy holding `ctrl`; NULL if unmounted. */
static char *t_v1_file(const char *ctrl, const char *cgpath, const char *file)
{
	const struct cg_hier *h = cg_layout_find_v1(&g_layout, ctrl);
	_cleanup_free_ char *dir = NULL;

	if (!h)
		return NULL;
	dir = cg_hier_dir(h, cgpath);
	return cg_strdup_printf("%s/%s", dir, file);
}

static char *t_v1_read(const char *ctrl, const char *cgpath, const char *file)
{
	_cleanup_free_ char *p = t_v1_file(ctrl, cgpath, file);
	char *s;

	assert_non_null(p);
	s = t_slurp(p);
	assert_non_null(s);
	s[strcspn(s, "\n")] = '\0';
	return s;
}

static void t_assert_v1(const char *ctrl, const char *cgpath, const char *file, const char *want)
{
	_cleanup_free_ char *got = t_v1_read(ctrl, cgpath, file);

	assert_string_equal(got, want);
}

static bool t_dir_exists(const char *dir)
{
	struct stat st;

	return stat(dir, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Counts the cgroup's directories over all hierarchies (v1 + v2). */
static size_t t_count_dirs(const struct cg_layout *l, const char *cgpath)
{
	size_t n = 0;

	for (size_t i = 0; i < l->n_v1; i++) {
		_cleanup_free_ char *d = cg_hier_dir(&l->v1[i], cgpath);

		n += t_dir_exists(d);
	}
	if (l->v2_root) {
		_cleanup_free_ char *d = cg_v2_dir(l, cgpath);

		n += t_dir_exists(d);
	}
	return n;
}

static size_t t_n_hierarchies(const struct cg_layout *l)
{
	return l->n_v1 + (l->v2_root ? 1 : 0);
}

typedef int (*t_child_fn)(void *arg);

static int t_child_sleep(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return 0;
}

/*
 * Forks a child that waits for t_go() before running fn, so the parent can
 * move it into a cgroup first.
 */
static pid_t t_spawn(t_child_fn fn, void *arg)
{
	int p[2];
	pid_t pid;

	assert_true(g_n_children < MAX_CHILDREN);
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char c;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(p[1]);
		if (read(p[0], &c, 1) != 1)
			_exit(100);
		_exit(fn(arg));
	}
	close(p[0]);
	g_children[g_n_children] = pid;
	g_go[g_n_children] = p[1];
	g_n_children++;
	return pid;
}

static void t_go(pid_t pid)
{
	for (size_t i = 0; i < g_n_children; i++) {
		if (g_children[i] != pid || g_go[i] < 0)
			continue;
		assert_int_equal(write(g_go[i], "g", 1), 1);
		close(g_go[i]);
		g_go[i] = -1;
	}
}

/* waitpid for a child we spawned; forgets it. */
static int t_wait(pid_t pid)
{
	int status = -1;

	for (size_t i = 0; i < g_n_children; i++) {
		if (g_children[i] != pid)
			continue;
		waitpid(pid, &status, 0);
		if (g_go[i] >= 0)
			close(g_go[i]);
		g_children[i] = g_children[--g_n_children];
		g_go[i] = g_go[g_n_children];
		break;
	}
	return status;
}

static void t_kill_children(void)
{
	while (g_n_children) {
		pid_t pid = g_children[0];

		kill(pid, SIGKILL);
		t_wait(pid);
	}
}

static void t_sleep_ms(long ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

static bool t_pid_in(pid_t pid, const pid_t *pids, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (pids[i] == pid)
			return true;
	return false;
}

static yajl_val t_json_get(yajl_val root, const char *a, const char *b, const char *c)
{
	const char *path[] = {a, b, c, NULL};

	return yajl_tree_get(root, path, yajl_t_any);
}

static uint64_t t_json_u64(yajl_val v)
{
	assert_non_null(v);
	assert_true(YAJL_IS_NUMBER(v));
	return strtoull(YAJL_GET_NUMBER(v), NULL, 10);
}

/* A layout that only has the v2 tree (the pure-v2 code paths). */
static bool t_v2_layout(struct cg_layout *l)
{
	memset(l, 0, sizeof(*l));
	if (!g_layout.v2_root)
		return false;
	l->mode = CT_CGROUP_V2;
	l->v2_root = g_layout.v2_root;
	l->v2_ctrls = g_layout.v2_ctrls;
	return true;
}

/* Whether the space-separated `words` contain `w`. */
static bool t_words_have(const char *words, const char *w)
{
	size_t len = strlen(w);

	for (const char *p = words; (p = strstr(p, w)); p += len)
		if ((p == words || p[-1] == ' ' || p[-1] == '\n') &&
		    (!p[len] || p[len] == ' ' || p[len] == '\n'))
			return true;
	return false;
}

static bool t_v2_has(const char *ctrl)
{
	return cg_layout_has_v2(&g_layout, ctrl);
}

/* ---- fixtures ---- */

static int group_setup(void **state)
{
	struct shim_err err = {0};

	(void)state;
	if (geteuid() != 0) {
		print_message("test_cgroups: needs root, skipping everything\n");
		return -1;
	}
	snprintf(g_base, sizeof(g_base), "/shim-test-%d", (int)getpid());
	if (cg_layout_detect(&g_layout, &err) < 0) {
		print_message("test_cgroups: %s\n", err.msg);
		return -1;
	}
	if (g_layout.v2_root) {
		_cleanup_free_ char *f =
		    cg_strdup_printf("%s/cgroup.subtree_control", g_layout.v2_root);

		g_v2_root_subtree = t_slurp(f);
	}
	return 0;
}

/*
 * The v2 tests enable controllers in the v2 root like runc does on a v2
 * host. On a hybrid host that would keep them from moving to a v1 hierarchy
 * later (bench/run.sh mounts hugetlb on v1 for crun), so put the root back.
 */
static void t_restore_v2_root(void)
{
	_cleanup_free_ char *f = NULL, *now = NULL;
	char *save = NULL;

	if (!g_layout.v2_root || !g_v2_root_subtree || g_layout.mode == CT_CGROUP_V2)
		return;
	f = cg_strdup_printf("%s/cgroup.subtree_control", g_layout.v2_root);
	now = t_slurp(f);
	if (!now)
		return;
	for (char *t = strtok_r(now, " \n", &save); t; t = strtok_r(NULL, " \n", &save)) {
		_cleanup_free_ char *minus = NULL;
		_cleanup_close_ int fd = -1;

		if (t_words_have(g_v2_root_subtree, t))
			continue;
		minus = cg_strdup_printf("-%s", t);
		fd = open(f, O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, minus, strlen(minus)) < 0)
			print_message("cannot restore %s: %s\n", f, strerror(errno));
	}
}

static int group_teardown(void **state)
{
	(void)state;
	t_kill_children();
	ct_cgroup_destroy(g_base, NULL);
	t_restore_v2_root();
	free(g_v2_root_subtree);
	cg_layout_free(&g_layout);
	return 0;
}

static int test_teardown(void **state)
{
	struct shim_err err = {0};

	(void)state;
	t_kill_children();
	if (ct_cgroup_destroy(g_base, &err) < 0)
		print_message("teardown: %s\n", err.msg);
	t_restore_v2_root();
	return 0;
}

/* ---- tests ---- */

static void test_detect_mode(void **state)
{
	enum ct_cgroup_mode m = ct_cgroup_detect_mode();
	struct statfs st;

	(void)state;
	assert_int_equal(statfs("/sys/fs/cgroup", &st), 0);
	if ((unsigned long)st.f_type == CGROUP2_SUPER_MAGIC) {
		assert_int_equal(m, CT_CGROUP_V2);
	} else if (statfs("/sys/fs/cgroup/unified", &st) == 0 &&
		   (unsigned long)st.f_type == CGROUP2_SUPER_MAGIC) {
		assert_int_equal(m, CT_CGROUP_HYBRID);
		assert_string_equal(g_layout.v2_root, "/sys/fs/cgroup/unified");
	} else {
		assert_int_equal(m, CT_CGROUP_V1);
	}
	assert_int_equal(g_layout.mode, m);
	if (m != CT_CGROUP_V2) {
		assert_non_null(cg_layout_find_v1(&g_layout, "memory"));
		assert_non_null(cg_layout_find_v1(&g_layout, "devices"));
		assert_non_null(cg_layout_find_v1(&g_layout, "name=systemd"));
	}
}

static void test_resolve_path(void **state)
{
	struct shim_err err = {0};
	_cleanup_free_ char *a = NULL, *b = NULL, *c = NULL, *d = NULL, *e = NULL;
	char *bad = NULL;

	(void)state;
	assert_int_equal(ct_cgroup_resolve_path(NULL, "abc", &a, &err), 0);
	assert_string_equal(a, "/shim/abc");
	assert_int_equal(ct_cgroup_resolve_path("", "abc", &e, &err), 0);
	assert_string_equal(e, "/shim/abc");
	assert_int_equal(ct_cgroup_resolve_path("/a//b/./c/", "x", &b, &err), 0);
	assert_string_equal(b, "/a/b/c");
	assert_int_equal(ct_cgroup_resolve_path("/a/x/../b", "x", &d, &err), 0);
	assert_string_equal(d, "/a/b");

	assert_int_equal(ct_cgroup_resolve_path("/a/../../etc", "x", &bad, &err), -EINVAL);
	assert_null(bad);
	assert_non_null(strstr(err.msg, "escapes"));
	assert_int_equal(ct_cgroup_resolve_path("../x", "x", &bad, &err), -EINVAL);
	assert_int_equal(ct_cgroup_resolve_path("/", "x", &bad, &err), -EINVAL);
	assert_int_equal(ct_cgroup_resolve_path(NULL, "../x", &bad, &err), -EINVAL);
	assert_int_equal(ct_cgroup_resolve_path(NULL, "a/b", &bad, &err), -EINVAL);

	/* Relative: under our own cgroup (memory hierarchy's entry on v1/hybrid). */
	assert_int_equal(ct_cgroup_resolve_path("rel/x", "x", &c, &err), 0);
	assert_true(c[0] == '/');
	assert_non_null(strstr(c, "/rel/x"));
	{
		_cleanup_free_ char *self = t_slurp("/proc/self/cgroup");
		const char *key = g_layout.mode == CT_CGROUP_V2 ? "0::" : ":memory:";
		char *line = strstr(self, key), *own;
		size_t len;

		assert_non_null(line);
		own = line + strlen(key);
		len = strcspn(own, "\n");
		if (len == 1 && own[0] == '/')
			assert_string_equal(c, "/rel/x");
		else
			assert_memory_equal(c, own, len);
	}
}

static void test_create_memory(void **state)
{
	_cleanup_free_ char *p = t_path("mem");
	struct spec_memory mem = {
	    .limit = {true, 32 * MB},
	    .reservation = {true, 16 * MB},
	    .swappiness = {true, 10},
	    .kernel = {true, 8 * MB}, /* ignored, like runc 1.1 */
	};
	struct spec_resources r = {.memory = &mem};
	struct shim_err err = {0};

	(void)state;
	assert_int_equal(ct_cgroup_create(p, &r, &err), 0);
	t_assert_v1("memory", p, "memory.limit_in_bytes", "33554432");
	t_assert_v1("memory", p, "memory.soft_limit_in_bytes", "16777216");
	t_assert_v1("memory", p, "memory.swappiness", "10");
	/* Every hierarchy got the directory, v2 side included. */
	assert_int_equal(t_count_dirs(&g_layout, p), t_n_hierarchies(&g_layout));
	assert_non_null(ct_cgroup_ignored_note(&r));
	mem.kernel.set = false;
	assert_null(ct_cgroup_ignored_note(&r));
	/* Creating again joins the existing cgroup. */
	assert_int_equal(ct_cgroup_create(p, &r, &err), 0);
	/* Hybrid: nothing asked the v2 side for a controller, so none got enabled. */
	if (g_layout.mode == CT_CGROUP_HYBRID && g_v2_root_subtree) {
		_cleanup_free_ char *f =
		    cg_strdup_printf("%s/cgroup.subtree_control", g_layout.v2_root);
		_cleanup_free_ char *now = t_slurp(f);

		assert_string_equal(now, g_v2_root_subtree);
	}
}

static void test_create_pids(void **state)
{
	_cleanup_free_ char *p = t_path("pids");
	struct spec_pids pids = {.limit = 10};
	struct spec_resources r = {.pids = &pids};
	struct shim_err err = {0};

	(void)state;
	if (!cg_layout_find_v1(&g_layout, "pids") && !t_v2_has("pids"))
		skip();
	assert_int_equal(ct_cgroup_create(p, &r, &err), 0);
	if (cg_layout_find_v1(&g_layout, "pids")) {
		t_assert_v1("pids", p, "pids.max", "10");
		pids.limit = 0; /* <= 0: unlimited */
		assert_int_equal(ct_cgroup_update(p, &r, &err), 0);
		t_assert_v1("pids", p, "pids.max", "max");
	}
}

static void test_create_cpu_cpuset(void **state)
{
	_cleanup_free_ char *p = t_path("cpu/inner");
	_cleanup_free_ char *mid = t_path("cpu");
	_cleanup_free_ char *cpus = NULL, *mems = NULL, *mid_cpus = NULL, *root_cpus = NULL;
	struct spec_cpu cpu = {
	    .shares = {true, 512},
	    .quota = {true, 50000},
	    .period = {true, 200000},
	    .cpus = (char *)"0",
	    .mems = (char *)"0",
	};
	struct spec_resources r = {.cpu = &cpu};
	struct shim_err err = {0};

	(void)state;
	assert_int_equal(ct_cgroup_create(p, &r, &err), 0);
	t_assert_v1("cpu", p, "cpu.shares", "512");
	t_assert_v1("cpu", p, "cpu.cfs_quota_us", "50000");
	t_assert_v1("cpu", p, "cpu.cfs_period_us", "200000");
	t_assert_v1("cpuset", p, "cpuset.cpus", "0");
	t_assert_v1("cpuset", p, "cpuset.mems", "0");
	/* The parents got cpus/mems copied down (runc's ensureParent). */
	mid_cpus = t_v1_read("cpuset", mid, "cpuset.cpus");
	root_cpus = t_v1_read("cpuset", "", "cpuset.cpus");
	assert_string_equal(mid_cpus, root_cpus);

	/* A smaller period than the current one, together with a quota. */
	cpu.period.v = 50000;
	cpu.quota.v = 25000;
	cpu.cpus = NULL;
	cpu.mems = NULL;
	assert_int_equal(ct_cgroup_update(p, &r, &err), 0);
	t_assert_v1("cpu", p, "cpu.cfs_period_us", "50000");
	t_assert_v1("cpu", p, "cpu.cfs_quota_us", "25000");
	/* Without values, a cpuset cgroup inherits its parent's. */
	{
		_cleanup_free_ char *q = t_path("cpu/plain");

		assert_int_equal(ct_cgroup_create(q, NULL, &err), 0);
		cpus = t_v1_read("cpuset", q, "cpuset.cpus");
		mems = t_v1_read("cpuset", q, "cpuset.mems");
		assert_string_equal(cpus, mid_cpus);
		assert_true(mems[0] != '\0');
	}
}

static void test_devices_v1(void **state)
{
	_cleanup_free_ char *p = t_path("dev");
	_cleanup_free_ char *list = NULL;
	struct spec_device_cgroup rules[] = {
	    {.allow = false, .access = (char *)"rwm"},
	    {.allow = true,
	     .type = (char *)"c",
	     .major = {true, 1},
	     .minor = {true, 3},
	     .access = (char *)"rwm"},
	    {.allow = true,
	     .type = (char *)"c",
	     .major = {true, 1},
	     .minor = {true, 5},
	     .access = (char *)"r"},
	    {.allow = true, .type = (char *)"b", .access = (char *)"m"},
	    {.allow = true, .type = (char *)"c", .major = {true, 136}, .access = NULL},
	    {.allow = false,
	     .type = (char *)"c",
	     .major = {true, 136},
	     .minor = {true, 2},
	     .access = (char *)"w"},
	};
	struct spec_resources r = {.devices = rules, .n_devices = 6};
	struct shim_err err = {0};
	_cleanup_free_ char *file = NULL;

	(void)state;
	if (!cg_layout_find_v1(&g_layout, "devices"))
		skip();
	assert_int_equal(ct_cgroup_create(p, &r, &err), 0);
	file = t_v1_file("devices", p, "devices.list");
	list = t_slurp(file);
	assert_non_null(list);
	assert_null(strstr(list, "a *:* rwm"));
	assert_non_null(strstr(list, "c 1:3 rwm\n"));
	assert_non_null(strstr(list, "c 1:5 r\n"));
	assert_non_null(strstr(list, "b *:* m\n"));
	assert_non_null(strstr(list, "c 136:* rwm\n"));
	assert_null(strstr(list, "c 1:7"));

	/* A bad rule is refused with the index in the message. */
	rules[1].access = (char *)"rwx";
	assert_int_equal(ct_cgroup_update(p, &r, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "devices[1]"));
}

/* The first real block device's "major:minor", or false. */
static bool t_block_dev(int64_t *major, int64_t *minor)
{
	static const char *const names[] = {"vda", "sda", "nvme0n1", "xvda", NULL};

	for (size_t i = 0; names[i]; i++) {
		_cleanup_free_ char *f = cg_strdup_printf("/sys/block/%s/dev", names[i]);
		_cleanup_free_ char *s = t_slurp(f);
		long long a, b;

		if (s && sscanf(s, "%lld:%lld", &a, &b) == 2) {
			*major = a;
			*minor = b;
			return true;
		}
	}
	return false;
}

static void test_blkio(void **state)
{
	_cleanup_free_ char *p = t_path("blkio");
	_cleanup_free_ char *file = NULL, *got = NULL, *want = NULL;
	struct spec_throttle_device td = {0};
	struct spec_weight_device wd = {.weight = {true, 200}};
	struct spec_blkio b = {.weight = {true, 300}};
	struct spec_resources r = {.block_io = &b};
	struct shim_err err = {0};
	const char *wfile;

	(void)state;
	if (!cg_layout_find_v1(&g_layout, "blkio"))
		skip();
	if (t_block_dev(&td.major, &td.minor)) {
		td.rate = 1048576;
		b.throttle_read_bps = (struct spec_throttle_list){&td, 1};
		b.throttle_write_iops = (struct spec_throttle_list){&td, 1};
		wd.major = td.major;
		wd.minor = td.minor;
		b.weight_device = &wd;
		b.n_weight_device = 1;
	}
	if (ct_cgroup_create(p, &r, &err) == -EOPNOTSUPP && b.n_weight_device) {
		/* Per-device weights need that device to use BFQ (or CFQ). */
		print_message("expected error: %s\n", err.msg);
		assert_non_null(strstr(err.msg, "weight_device="));
		b.n_weight_device = 0;
		assert_int_equal(ct_cgroup_create(p, &r, &err), 0);
	}
	/* CFQ's blkio.weight, or BFQ's blkio.bfq.weight on newer kernels. */
	file = t_v1_file("blkio", "", "blkio.weight");
	wfile = access(file, F_OK) == 0 ? "blkio.weight" : "blkio.bfq.weight";
	got = t_v1_read("blkio", p, wfile);
	assert_non_null(strstr(got, "300"));
	if (!b.throttle_read_bps.n) {
		print_message("no block device found: throttles not tested\n");
		return;
	}
	want = cg_strdup_printf("%" PRId64 ":%" PRId64 " 1048576", td.major, td.minor);
	free(got);
	got = t_v1_read("blkio", p, "blkio.throttle.read_bps_device");
	assert_string_equal(got, want);
	free(got);
	got = t_v1_read("blkio", p, "blkio.throttle.write_iops_device");
	assert_string_equal(got, want);
}

/* runc's full list: the spec's rules, then its defaults; linux.devices add nothing. */
static void test_device_rules_runc(void **state)
{
	_cleanup_free_ char *p = t_path("runcdev");
	_cleanup_free_ char *file = NULL, *list = NULL;
	_cleanup_free_ struct spec_device_cgroup *rules = NULL;
	struct spec_device_cgroup deny = {.allow = false, .access = (char *)"rwm"};
	struct spec_resources res = {.devices = &deny, .n_devices = 1};
	struct spec_device devs[] = {
	    {.type = (char *)"c",
	     .path = (char *)"/dev/fuse",
	     .major = {true, 10},
	     .minor = {true, 229}},
	    {.type = (char *)"p", .path = (char *)"/dev/fifo"},
	};
	struct spec_linux l = {.resources = &res, .devices = devs, .n_devices = 2};
	struct spec_resources r = {0};
	struct shim_err err = {0};
	size_t n = 0;
	static const char *const want[] = {"b *:* m",	"c *:* m",	"c 1:3 rwm",   "c 1:5 rwm",
					   "c 1:7 rwm", "c 1:8 rwm",	"c 1:9 rwm",   "c 5:0 rwm",
					   "c 5:2 rwm", "c 10:200 rwm", "c 136:* rwm", NULL};

	(void)state;
	assert_int_equal(ct_cgroup_device_rules(&l, &rules, &n, &err), 0);
	assert_int_equal(n, 1 + 11);
	assert_false(rules[0].allow);
	if (!cg_layout_find_v1(&g_layout, "devices"))
		skip();
	r.devices = rules;
	r.n_devices = n;
	assert_int_equal(ct_cgroup_create(p, &r, &err), 0);
	file = t_v1_file("devices", p, "devices.list");
	list = t_slurp(file);
	/* The same devices.list runc 1.1 leaves for `runc spec`'s config. */
	for (size_t i = 0; want[i]; i++) {
		_cleanup_free_ char *line = cg_strdup_printf("%s\n", want[i]);

		assert_non_null(strstr(list, line));
	}
	{
		size_t lines = 0;

		for (char *c = list; *c; c++)
			lines += *c == '\n';
		assert_int_equal(lines, 11);
		assert_null(strstr(list, "c 10:229"));
	}
}

static void test_enter_pids_freeze(void **state)
{
	_cleanup_free_ char *p = t_path("run");
	_cleanup_free_ char *procfile = NULL, *self = NULL, *want = NULL, *st = NULL;
	_cleanup_free_ pid_t *pids = NULL;
	struct shim_err err = {0};
	size_t n = 0;
	bool frozen = true;
	pid_t pid;

	(void)state;
	assert_int_equal(ct_cgroup_create(p, NULL, &err), 0);
	pid = t_spawn(t_child_sleep, NULL);
	assert_int_equal(ct_cgroup_enter(p, pid, &err), 0);
	t_go(pid);

	procfile = cg_strdup_printf("/proc/%d/cgroup", (int)pid);
	self = t_slurp(procfile);
	assert_non_null(self);
	if (g_layout.mode != CT_CGROUP_V2) {
		want = cg_strdup_printf(":memory:%s\n", p);
		assert_non_null(strstr(self, want));
		free(want);
		want = cg_strdup_printf(":name=systemd:%s\n", p);
		assert_non_null(strstr(self, want));
		free(want);
	}
	want = cg_strdup_printf("0::%s\n", p);
	if (g_layout.v2_root)
		assert_non_null(strstr(self, want));

	assert_int_equal(ct_cgroup_pids(p, &pids, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(pids[0], pid);

	assert_int_equal(ct_cgroup_is_frozen(p, &frozen, &err), 0);
	assert_false(frozen);
	assert_int_equal(ct_cgroup_freeze(p, true, &err), 0);
	if (cg_layout_find_v1(&g_layout, "freezer"))
		t_assert_v1("freezer", p, "freezer.state", "FROZEN");
	assert_int_equal(ct_cgroup_is_frozen(p, &frozen, &err), 0);
	assert_true(frozen);
	/* NULL err is allowed (libct/state.c does that). */
	assert_int_equal(ct_cgroup_is_frozen(p, &frozen, NULL), 0);
	assert_true(frozen);
	free(procfile);
	procfile = cg_strdup_printf("/proc/%d/status", (int)pid);
	st = t_slurp(procfile);
	assert_non_null(st);
	print_message("frozen child: %.*s\n", (int)strcspn(strstr(st, "State:"), "\n"),
		      strstr(st, "State:"));

	assert_int_equal(ct_cgroup_freeze(p, false, &err), 0);
	if (cg_layout_find_v1(&g_layout, "freezer"))
		t_assert_v1("freezer", p, "freezer.state", "THAWED");
	assert_int_equal(ct_cgroup_is_frozen(p, &frozen, &err), 0);
	assert_false(frozen);

	/* A cgroup that is gone is simply not frozen. */
	assert_int_equal(ct_cgroup_is_frozen("/shim-test-no-such/x", &frozen, &err), 0);
	assert_false(frozen);
}

static void test_update_memory_swap(void **state)
{
	_cleanup_free_ char *p = t_path("upd");
	struct spec_memory mem = {.limit = {true, 32 * MB}};
	struct spec_resources r = {.memory = &mem};
	struct shim_err err = {0};
	_cleanup_free_ char *memsw = t_v1_file("memory", "", "memory.memsw.limit_in_bytes");

	(void)state;
	assert_int_equal(ct_cgroup_create(p, &r, &err), 0);
	mem.limit.v = 64 * MB;
	assert_int_equal(ct_cgroup_update(p, &r, &err), 0);
	t_assert_v1("memory", p, "memory.limit_in_bytes", "67108864");
	if (!memsw || access(memsw, F_OK) < 0) {
		print_message("no memory.memsw.*: swap ordering not tested\n");
		return;
	}
	/* Raising: memsw first, then the limit. */
	mem.limit.v = 128 * MB;
	mem.swap = (spec_i64){true, 256 * MB};
	assert_int_equal(ct_cgroup_update(p, &r, &err), 0);
	t_assert_v1("memory", p, "memory.limit_in_bytes", "134217728");
	t_assert_v1("memory", p, "memory.memsw.limit_in_bytes", "268435456");
	/* Lowering both below the old limit: limit first, then memsw. */
	mem.limit.v = 16 * MB;
	mem.swap.v = 32 * MB;
	assert_int_equal(ct_cgroup_update(p, &r, &err), 0);
	t_assert_v1("memory", p, "memory.limit_in_bytes", "16777216");
	t_assert_v1("memory", p, "memory.memsw.limit_in_bytes", "33554432");
	/* -1 without swap: both unlimited. */
	mem.limit.v = -1;
	mem.swap.set = false;
	assert_int_equal(ct_cgroup_update(p, &r, &err), 0);
	{
		_cleanup_free_ char *a = t_v1_read("memory", p, "memory.limit_in_bytes");
		_cleanup_free_ char *b = t_v1_read("memory", p, "memory.memsw.limit_in_bytes");

		assert_true(strtoull(a, NULL, 10) > (1ULL << 62));
		assert_true(strtoull(b, NULL, 10) > (1ULL << 62));
	}
	/* swap < limit is refused by the kernel. */
	mem.limit.v = 64 * MB;
	mem.swap = (spec_i64){true, 32 * MB};
	assert_true(ct_cgroup_update(p, &r, &err) < 0);
	print_message("expected error: %s\n", err.msg);
	assert_non_null(strstr(err.msg, "memory.memsw.limit_in_bytes=33554432"));
}

struct t_alloc {
	size_t bytes;
	bool hold;
};

static int t_child_alloc(void *arg)
{
	const struct t_alloc *a = arg;
	char *m = mmap(NULL, a->bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (m == MAP_FAILED)
		return 2;
	for (size_t off = 0; off < a->bytes; off += 4096)
		m[off] = 1;
	while (a->hold)
		pause();
	return 0;
}

static uint64_t t_v1_u64(const char *ctrl, const char *cgpath, const char *file)
{
	_cleanup_free_ char *s = t_v1_read(ctrl, cgpath, file);

	return strtoull(s, NULL, 10);
}

static void test_memory_busy_message(void **state)
{
	_cleanup_free_ char *p = t_path("busy");
	struct spec_memory mem = {.limit = {true, 64 * MB}};
	struct spec_resources r = {.memory = &mem};
	struct t_alloc a = {.bytes = 16 * MB, .hold = true};
	struct shim_err err = {0};
	_cleanup_free_ char *want = NULL;
	pid_t pid;
	int i;

	(void)state;
	assert_int_equal(ct_cgroup_create(p, &r, &err), 0);
	pid = t_spawn(t_child_alloc, &a);
	assert_int_equal(ct_cgroup_enter(p, pid, &err), 0);
	t_go(pid);
	for (i = 0; i < 500 && t_v1_u64("memory", p, "memory.usage_in_bytes") < 16 * MB; i++)
		t_sleep_ms(10);
	assert_true(i < 500);
	/* No swap for anonymous memory: the kernel can't go below usage. */
	mem.limit.v = 4 * MB;
	assert_int_equal(ct_cgroup_update(p, &r, &err), -EBUSY);
	print_message("expected error: %s\n", err.msg);
	want = cg_strdup_printf("cgroup %s: write memory.limit_in_bytes=4194304: Device or "
				"resource busy",
				p);
	assert_memory_equal(err.msg, want, strlen(want));
	assert_non_null(strstr(err.msg, "current usage"));
	assert_int_equal(err.code, EBUSY);
}

static void test_oom_kill_and_stats(void **state)
{
	_cleanup_free_ char *p = t_path("oom");
	_cleanup_free_ char *json = NULL, *oom = NULL, *file = NULL;
	struct spec_memory mem = {.limit = {true, 32 * MB}};
	struct spec_resources r = {.memory = &mem};
	struct t_alloc a = {.bytes = 64 * MB, .hold = false};
	struct shim_err err = {0};
	char ebuf[256];
	yajl_val root;
	pid_t pid;
	int status;

	(void)state;
	assert_int_equal(ct_cgroup_create(p, &r, &err), 0);
	pid = t_spawn(t_child_alloc, &a);
	assert_int_equal(ct_cgroup_enter(p, pid, &err), 0);
	t_go(pid);
	status = t_wait(pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGKILL);

	file = t_v1_file("memory", p, "memory.oom_control");
	oom = t_slurp(file);
	assert_non_null(oom);
	print_message("memory.oom_control: %s", oom);
	assert_non_null(strstr(oom, "oom_kill 1"));
	assert_true(t_v1_u64("memory", p, "memory.failcnt") > 0);

	assert_int_equal(ct_cgroup_stats_json(p, &json, &err), 0);
	root = yajl_tree_parse(json, ebuf, sizeof(ebuf));
	assert_non_null(root);
	assert_int_equal(t_json_u64(t_json_get(root, "memory", "usage", "limit")), 32 * MB);
	assert_true(t_json_u64(t_json_get(root, "memory", "usage", "failcnt")) > 0);
	assert_true(t_json_u64(t_json_get(root, "memory", "usage", "max")) > 30 * MB);
	yajl_tree_free(root);
}

static void test_stats_json(void **state)
{
	_cleanup_free_ char *p = t_path("stats");
	_cleanup_free_ char *json = NULL;
	struct spec_memory mem = {.limit = {true, 32 * MB}};
	struct spec_pids pids = {.limit = 20};
	struct spec_resources r = {.memory = &mem, .pids = &pids};
	struct t_alloc a = {.bytes = 2 * MB, .hold = true};
	struct shim_err err = {0};
	char ebuf[256];
	yajl_val root, v;
	pid_t pid;

	(void)state;
	assert_int_equal(ct_cgroup_create(p, &r, &err), 0);
	pid = t_spawn(t_child_alloc, &a);
	assert_int_equal(ct_cgroup_enter(p, pid, &err), 0);
	t_go(pid);
	for (int i = 0; i < 500 && t_v1_u64("memory", p, "memory.usage_in_bytes") < MB; i++)
		t_sleep_ms(10);
	assert_int_equal(ct_cgroup_stats_json(p, &json, &err), 0);
	root = yajl_tree_parse(json, ebuf, sizeof(ebuf));
	assert_non_null(root);
	/* runc's top-level keys, in runc's order. */
	assert_true(YAJL_IS_OBJECT(root));
	{
		static const char *const keys[] = {
		    "cpu",   "cpuset",	"memory",    "pids",
		    "blkio", "hugetlb", "intel_rdt", "network_interfaces"};

		assert_int_equal(root->u.object.len, 8);
		for (size_t i = 0; i < 8; i++)
			assert_string_equal(root->u.object.keys[i], keys[i]);
	}
	assert_true(YAJL_IS_NULL(t_json_get(root, "network_interfaces", NULL, NULL)));
	assert_non_null(t_json_get(root, "cpu", "usage", "kernel"));
	assert_non_null(t_json_get(root, "cpu", "throttling", NULL));
	assert_true(t_json_u64(t_json_get(root, "memory", "usage", "usage")) > 0);
	assert_int_equal(t_json_u64(t_json_get(root, "memory", "usage", "limit")), 32 * MB);
	assert_non_null(t_json_get(root, "memory", "swap", "limit"));
	assert_non_null(t_json_get(root, "memory", "kernelTCP", "failcnt"));
	v = t_json_get(root, "memory", "raw", NULL);
	assert_true(v && YAJL_IS_OBJECT(v) && v->u.object.len > 0);
	/* Go sorts map keys. */
	for (size_t i = 1; i < v->u.object.len; i++)
		assert_true(strcmp(v->u.object.keys[i - 1], v->u.object.keys[i]) < 0);
	if (cg_layout_find_v1(&g_layout, "pids") || t_v2_has("pids")) {
		assert_int_equal(t_json_u64(t_json_get(root, "pids", "current", NULL)), 1);
		assert_int_equal(t_json_u64(t_json_get(root, "pids", "limit", NULL)), 20);
	}
	if (cg_layout_find_v1(&g_layout, "cpuacct")) {
		v = t_json_get(root, "cpu", "usage", "percpu");
		assert_true(v && YAJL_IS_ARRAY(v));
		assert_int_equal(v->u.array.len, (size_t)sysconf(_SC_NPROCESSORS_CONF));
	}
	if (cg_layout_find_v1(&g_layout, "cpuset"))
		assert_non_null(t_json_get(root, "cpuset", "cpus", NULL));
	print_message("stats: %.300s...\n", json);
	yajl_tree_free(root);
}

static void test_destroy(void **state)
{
	_cleanup_free_ char *p = t_path("gone");
	_cleanup_free_ char *child = t_path("gone/sub");
	_cleanup_free_ pid_t *pids = NULL;
	struct shim_err err = {0};
	size_t n = 0;
	pid_t pid;
	int status;

	(void)state;
	assert_int_equal(ct_cgroup_create(p, NULL, &err), 0);
	assert_int_equal(ct_cgroup_create(child, NULL, &err), 0);
	pid = t_spawn(t_child_sleep, NULL);
	assert_int_equal(ct_cgroup_enter(child, pid, &err), 0);
	t_go(pid);
	assert_int_equal(t_count_dirs(&g_layout, p), t_n_hierarchies(&g_layout));
	/* pids() includes sub-cgroups. */
	assert_int_equal(ct_cgroup_pids(p, &pids, &n, &err), 0);
	assert_true(t_pid_in(pid, pids, n));

	assert_int_equal(ct_cgroup_destroy(p, &err), 0);
	status = t_wait(pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGKILL);
	assert_int_equal(t_count_dirs(&g_layout, child), 0);
	assert_int_equal(t_count_dirs(&g_layout, p), 0);
	/* The parent stays. */
	assert_int_equal(t_count_dirs(&g_layout, g_base), t_n_hierarchies(&g_layout));
	/* Destroying again is fine. */
	assert_int_equal(ct_cgroup_destroy(p, &err), 0);

	/* A paused container goes away too (freeze, kill, thaw). */
	assert_int_equal(ct_cgroup_create(p, NULL, &err), 0);
	pid = t_spawn(t_child_sleep, NULL);
	assert_int_equal(ct_cgroup_enter(p, pid, &err), 0);
	t_go(pid);
	assert_int_equal(ct_cgroup_freeze(p, true, &err), 0);
	assert_int_equal(ct_cgroup_destroy(p, &err), 0);
	status = t_wait(pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(t_count_dirs(&g_layout, p), 0);
}

static void test_errors(void **state)
{
	_cleanup_free_ char *p = t_path("err");
	_cleanup_free_ char *want = NULL;
	struct spec_cpu cpu = {.cpus = (char *)"99"};
	struct spec_resources r = {.cpu = &cpu};
	struct spec_memory mem = {.swappiness = {true, 200}};
	struct spec_resources rm = {.memory = &mem};
	struct spec_kv kv = {(char *)"pids.max", (char *)"5"};
	struct spec_resources ru = {.unified = &kv, .n_unified = 1};
	struct cg_layout v1 = g_layout;
	struct shim_err err = {0};

	(void)state;
	if (!cg_layout_find_v1(&g_layout, "cpuset"))
		skip();
	/* A refused write names the cgroup, file and value; the cgroup is rolled back. */
	assert_true(ct_cgroup_create(p, &r, &err) < 0);
	print_message("expected error: %s\n", err.msg);
	want = cg_strdup_printf("cgroup %s: write cpuset.cpus=99: %s", p, strerror(err.code));
	assert_string_equal(err.msg, want);
	assert_int_equal(t_count_dirs(&g_layout, p), 0);

	assert_int_equal(ct_cgroup_create(p, &rm, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "valid memory swappiness range is 0-100"));

	/* unified is refused on a pure v1 host. */
	v1.mode = CT_CGROUP_V1;
	v1.v2_root = NULL;
	assert_int_equal(cg_create(&v1, p, &ru, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "cannot use unified on cgroup v1"));

	/* A value for a controller that is mounted nowhere fails. */
	if (!cg_layout_find_v1(&g_layout, "net_cls")) {
		struct spec_network net = {.class_id = {true, 0x100001}};
		struct spec_resources rn = {.network = &net};

		assert_int_equal(ct_cgroup_create(p, &rn, &err), -ENOTSUP);
		print_message("expected error: %s\n", err.msg);
		assert_non_null(strstr(err.msg, "net_cls"));
		assert_int_equal(t_count_dirs(&g_layout, p), 0);
	}
	assert_int_equal(ct_cgroup_create("relative", NULL, &err), -EINVAL);
	assert_int_equal(ct_cgroup_create("/", NULL, &err), -EINVAL);
}

/* Hybrid: hugetlb is only on the v2 side here, so it is applied there. */
static void test_hybrid_hugetlb(void **state)
{
	/* Set after the skip checks: skip() jumps over the cleanups. */
	_cleanup_free_ char *p = NULL;
	_cleanup_free_ char *dir = NULL, *file = NULL, *val = NULL, *json = NULL;
	struct spec_hugepage_limit h = {(char *)"2MB", 4 * MB};
	struct spec_resources r = {.hugepage_limits = &h, .n_hugepage_limits = 1};
	struct shim_err err = {0};

	(void)state;
	print_message("v2 controllers: %s", g_layout.v2_ctrls ? g_layout.v2_ctrls : "(none)\n");
	if (g_layout.mode != CT_CGROUP_HYBRID || cg_layout_find_v1(&g_layout, "hugetlb") ||
	    !t_v2_has("hugetlb") || access("/sys/kernel/mm/hugepages/hugepages-2048kB", F_OK)) {
		print_message("hugetlb is not v2-only with 2MB pages here: skipped\n");
		skip();
	}
	p = t_path("huge");
	assert_int_equal(ct_cgroup_create(p, &r, &err), 0);
	dir = cg_v2_dir(&g_layout, p);
	file = cg_strdup_printf("%s/hugetlb.2MB.max", dir);
	val = t_slurp(file);
	assert_non_null(val);
	assert_string_equal(val, "4194304\n");
	assert_int_equal(ct_cgroup_stats_json(p, &json, &err), 0);
	assert_non_null(strstr(json, "\"2MB\":{\"failcnt\":0}"));

	/* update: hugetlb gets enabled in the v2 parents on demand. */
	assert_int_equal(ct_cgroup_destroy(g_base, &err), 0);
	t_restore_v2_root();
	{
		_cleanup_free_ char *q = t_path("huge2/inner");
		_cleanup_free_ char *qdir = NULL, *qfile = NULL, *qval = NULL;

		assert_int_equal(ct_cgroup_create(q, NULL, &err), 0);
		qdir = cg_v2_dir(&g_layout, q);
		qfile = cg_strdup_printf("%s/hugetlb.2MB.max", qdir);
		assert_int_not_equal(access(qfile, F_OK), 0);
		h.limit = 2 * MB;
		assert_int_equal(ct_cgroup_update(q, &r, &err), 0);
		qval = t_slurp(qfile);
		assert_non_null(qval);
		assert_string_equal(qval, "2097152\n");
	}
}

/* Hybrid: "unified" goes to the v2 directory; unknown controllers are named. */
static void test_hybrid_unified(void **state)
{
	_cleanup_free_ char *p = t_path("unified");
	_cleanup_free_ char *dir = NULL, *file = NULL, *val = NULL;
	struct spec_kv kv = {(char *)"cgroup.max.descendants", (char *)"7"};
	struct spec_kv bad = {(char *)"memory.max", (char *)"1000000"};
	struct spec_kv slash = {(char *)"../cgroup.procs", (char *)"1"};
	struct spec_resources r = {.unified = &kv, .n_unified = 1};
	struct shim_err err = {0};

	(void)state;
	if (g_layout.mode != CT_CGROUP_HYBRID)
		skip();
	assert_int_equal(ct_cgroup_create(p, &r, &err), 0);
	dir = cg_v2_dir(&g_layout, p);
	file = cg_strdup_printf("%s/cgroup.max.descendants", dir);
	val = t_slurp(file);
	assert_string_equal(val, "7\n");

	r.unified = &bad;
	assert_true(ct_cgroup_update(p, &r, &err) < 0);
	print_message("expected error: %s\n", err.msg);
	if (!t_v2_has("memory"))
		assert_non_null(strstr(err.msg, "controller \"memory\" not available"));
	r.unified = &slash;
	assert_int_equal(ct_cgroup_update(p, &r, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "no slashes"));
}

static void test_v2_tree(void **state)
{
	/* Set after the skip checks: skip() jumps over the cleanups. */
	_cleanup_free_ char *p = NULL;
	_cleanup_free_ char *dir = NULL, *file = NULL, *val = NULL, *json = NULL, *cg = NULL;
	_cleanup_free_ pid_t *pids = NULL;
	struct spec_hugepage_limit h = {(char *)"2MB", 8 * MB};
	struct spec_resources r = {0};
	struct spec_memory mem = {.limit = {true, 32 * MB}};
	struct spec_resources rm = {.memory = &mem};
	struct shim_err err = {0};
	struct cg_layout l;
	bool frozen = false;
	size_t n = 0;
	pid_t pid;

	(void)state;
	if (!t_v2_layout(&l)) {
		print_message("no cgroup v2 hierarchy: skipped\n");
		skip();
	}
	if (!l.v2_ctrls || !l.v2_ctrls[strspn(l.v2_ctrls, " \n")]) {
		print_message("cgroup v2 at %s has no controllers: skipped\n", l.v2_root);
		skip();
	}
	print_message("v2 controllers at %s: %s", l.v2_root, l.v2_ctrls);
	if (cg_layout_has_v2(&l, "hugetlb") &&
	    access("/sys/kernel/mm/hugepages/hugepages-2048kB", F_OK) == 0) {
		r.hugepage_limits = &h;
		r.n_hugepage_limits = 1;
	}
	p = t_path("v2");
	assert_int_equal(cg_create(&l, p, &r, &err), 0);
	dir = cg_v2_dir(&l, p);
	assert_true(t_dir_exists(dir));
	if (r.n_hugepage_limits) {
		file = cg_strdup_printf("%s/hugetlb.2MB.max", dir);
		val = t_slurp(file);
		assert_non_null(val);
		assert_string_equal(val, "8388608\n");
	}
	/* Controllers the v2 side lacks give a clear error. */
	if (!cg_layout_has_v2(&l, "memory")) {
		assert_int_equal(cg_update(&l, p, &rm, &err), -ENOTSUP);
		print_message("expected error: %s\n", err.msg);
		assert_non_null(strstr(err.msg, "controller \"memory\""));
	}

	pid = t_spawn(t_child_sleep, NULL);
	assert_int_equal(cg_enter(&l, p, pid, &err), 0);
	t_go(pid);
	free(file);
	file = cg_strdup_printf("/proc/%d/cgroup", (int)pid);
	cg = t_slurp(file);
	free(val);
	val = cg_strdup_printf("0::%s\n", p);
	assert_non_null(strstr(cg, val));
	assert_int_equal(cg_pids(&l, p, &pids, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(pids[0], pid);

	/* cgroup.freeze + cgroup.events */
	assert_int_equal(cg_freeze(&l, p, true, &err), 0);
	assert_int_equal(cg_is_frozen(&l, p, &frozen, &err), 0);
	assert_true(frozen);
	assert_int_equal(cg_freeze(&l, p, false, &err), 0);
	assert_int_equal(cg_is_frozen(&l, p, &frozen, &err), 0);
	assert_false(frozen);

	assert_int_equal(cg_stats_json(&l, p, &json, &err), 0);
	assert_non_null(strstr(json, "\"pids\":{\"current\":1}"));
	if (r.n_hugepage_limits)
		assert_non_null(strstr(json, "\"2MB\":{\"failcnt\":0}"));

	/* cgroup.kill, then rmdir. */
	assert_int_equal(cg_destroy(&l, p, &err), 0);
	assert_false(t_dir_exists(dir));
	assert_true(WIFSIGNALED(t_wait(pid)));
}

/* ---- eBPF device filter ---- */

static void test_bpf_build(void **state)
{
	struct spec_device_cgroup rules[] = {
	    {.allow = false, .access = (char *)"rwm"},
	    {.allow = true,
	     .type = (char *)"c",
	     .major = {true, 1},
	     .minor = {true, 3},
	     .access = (char *)"rwm"},
	    {.allow = true,
	     .type = (char *)"c",
	     .major = {true, 1},
	     .minor = {true, 5},
	     .access = (char *)"r"},
	    {.allow = false, .type = (char *)"b", .access = (char *)"w"},
	};
	_cleanup_free_ struct bpf_insn *insns = NULL;
	struct shim_err err = {0};
	size_t n = 0;

	(void)state;
	assert_int_equal(cg_devices_bpf_build(rules, 4, &insns, &n, &err), 0);
	/* 6 prologue + (b deny w: 1+3+2) + (c 1:5 r: 1+3+2+2) + (c 1:3: 1+2+2) + 2 */
	assert_int_equal(n, 6 + 6 + 8 + 5 + 2);
	/* Newest rule first: the block type check is for BPF_DEVCG_DEV_BLOCK. */
	assert_int_equal(insns[6].code, BPF_JMP | BPF_JNE | BPF_K);
	assert_int_equal(insns[6].imm, BPF_DEVCG_DEV_BLOCK);
	assert_int_equal(insns[6].off, 5);
	/* Deny rule: overlap test (JEQ 0). */
	assert_int_equal(insns[9].code, BPF_JMP | BPF_JEQ | BPF_K);
	/* Default: deny. */
	assert_int_equal(insns[n - 2].imm, 0);
	assert_int_equal(insns[n - 1].code, BPF_JMP | BPF_EXIT);

	rules[0].allow = true;
	free(insns);
	insns = NULL;
	assert_int_equal(cg_devices_bpf_build(rules, 1, &insns, &n, &err), 0);
	assert_int_equal(n, 8);
	assert_int_equal(insns[6].imm, 1);

	rules[1].type = (char *)"u";
	free(insns);
	insns = NULL;
	assert_int_equal(cg_devices_bpf_build(rules, 2, &insns, &n, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "devices[1]"));
}

struct t_open {
	const char *path;
	int flags;
	int want_errno;
};

/* Exit code: 0 when every open did what was expected, else 10 + index. */
static int t_child_opens(void *arg)
{
	const struct t_open *o = arg;

	for (int i = 0; o[i].path; i++) {
		int fd = open(o[i].path, o[i].flags | O_CLOEXEC);
		int e = fd < 0 ? errno : 0;

		if (fd >= 0)
			close(fd);
		if (e != o[i].want_errno)
			return 10 + i;
	}
	return 0;
}

static size_t t_bpf_count(const char *dir)
{
	_cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	uint32_t ids[16];
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.query.target_fd = (uint32_t)fd;
	attr.query.attach_type = BPF_CGROUP_DEVICE;
	attr.query.prog_ids = (uint64_t)(uintptr_t)ids;
	attr.query.prog_cnt = 16;
	if (syscall(SYS_bpf, BPF_PROG_QUERY, &attr, sizeof(attr)) < 0)
		return 0;
	return attr.query.prog_cnt;
}

static void t_run_opens(const struct cg_layout *l, const char *p, const struct t_open *opens)
{
	struct shim_err err = {0};
	pid_t pid;
	int status;

	pid = t_spawn(t_child_opens, (void *)opens);
	assert_int_equal(cg_enter(l, p, pid, &err), 0);
	t_go(pid);
	status = t_wait(pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_bpf_device_filter(void **state)
{
	_cleanup_free_ char *p = t_path("bpf");
	_cleanup_free_ char *dir = NULL;
	struct spec_device_cgroup allowlist[] = {
	    {.allow = false, .access = (char *)"rwm"},
	    {.allow = true,
	     .type = (char *)"c",
	     .major = {true, 1},
	     .minor = {true, 5},
	     .access = (char *)"rwm"},
	    {.allow = true,
	     .type = (char *)"c",
	     .major = {true, 1},
	     .minor = {true, 3},
	     .access = (char *)"r"},
	};
	struct spec_device_cgroup denylist[] = {
	    {.allow = true, .access = (char *)"rwm"},
	    {.allow = false,
	     .type = (char *)"c",
	     .major = {true, 1},
	     .minor = {true, 3},
	     .access = (char *)"w"},
	};
	static const struct t_open opens_allow[] = {
	    {"/dev/null", O_RDWR, EPERM},
	    {"/dev/null", O_RDONLY, 0},
	    {"/dev/zero", O_RDWR, 0},
	    {"/dev/full", O_RDONLY, EPERM},
	    {NULL, 0, 0},
	};
	static const struct t_open opens_deny[] = {
	    {"/dev/null", O_RDONLY, 0},
	    {"/dev/null", O_WRONLY, EPERM},
	    {"/dev/null", O_RDWR, EPERM},
	    {"/dev/full", O_RDWR, 0},
	    {NULL, 0, 0},
	};
	struct spec_resources r = {0};
	struct shim_err err = {0};
	struct cg_ctx c;
	struct cg_layout l;
	int ret;

	(void)state;
	if (!t_v2_layout(&l)) {
		print_message("no cgroup v2 hierarchy: skipped\n");
		skip();
	}
	/* Only the v2 directory: no v1 devices cgroup in the way. */
	assert_int_equal(cg_create(&l, p, &r, &err), 0);
	dir = cg_v2_dir(&l, p);
	c = (struct cg_ctx){.l = &l, .path = p};
	ret = cg_devices_bpf_attach(&c, dir, allowlist, 3, &err);
	if (ret == -EPERM || ret == -ENOSYS || ret == -EINVAL) {
		print_message("cannot attach cgroup device programs here (%s): skipped\n", err.msg);
		skip();
	}
	assert_int_equal(ret, 0);
	assert_int_equal(t_bpf_count(dir), 1);
	t_run_opens(&l, p, opens_allow);

	/* Replacing the program leaves exactly one attached. */
	assert_int_equal(cg_devices_bpf_attach(&c, dir, denylist, 2, &err), 0);
	assert_int_equal(t_bpf_count(dir), 1);
	t_run_opens(&l, p, opens_deny);

	/* Through the public path on a v2 layout: devices go through eBPF. */
	r.devices = allowlist;
	r.n_devices = 3;
	assert_int_equal(cg_update(&l, p, &r, &err), 0);
	assert_int_equal(t_bpf_count(dir), 1);
	t_run_opens(&l, p, opens_allow);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_detect_mode, test_teardown),
	    cmocka_unit_test_teardown(test_resolve_path, test_teardown),
	    cmocka_unit_test_teardown(test_create_memory, test_teardown),
	    cmocka_unit_test_teardown(test_create_pids, test_teardown),
	    cmocka_unit_test_teardown(test_create_cpu_cpuset, test_teardown),
	    cmocka_unit_test_teardown(test_devices_v1, test_teardown),
	    cmocka_unit_test_teardown(test_device_rules_runc, test_teardown),
	    cmocka_unit_test_teardown(test_blkio, test_teardown),
	    cmocka_unit_test_teardown(test_enter_pids_freeze, test_teardown),
	    cmocka_unit_test_teardown(test_update_memory_swap, test_teardown),
	    cmocka_unit_test_teardown(test_memory_busy_message, test_teardown),
	    cmocka_unit_test_teardown(test_oom_kill_and_stats, test_teardown),
	    cmocka_unit_test_teardown(test_stats_json, test_teardown),
	    cmocka_unit_test_teardown(test_destroy, test_teardown),
	    cmocka_unit_test_teardown(test_errors, test_teardown),
	    cmocka_unit_test_teardown(test_hybrid_hugetlb, test_teardown),
	    cmocka_unit_test_teardown(test_hybrid_unified, test_teardown),
	    cmocka_unit_test_teardown(test_v2_tree, test_teardown),
	    cmocka_unit_test_teardown(test_bpf_build, test_teardown),
	    cmocka_unit_test_teardown(test_bpf_device_filter, test_teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
