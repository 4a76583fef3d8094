/*
 * config/profile.c (Docker/moby profiles -> OCI linux.seccomp) and
 * config/seccomp_gen.c (OCI linux.seccomp -> JSON).
 *
 * Fixtures: $SHIM_SHARED (default ../shared, tests run from the repo root)
 * /fixtures/profiles/{docker-default,containers-common-default}.json and
 * /fixtures/configs/containerd-ctr-seccomp.json (containerd's RuntimeDefault).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "config/profile.h"
#include "config/seccomp_gen.h"
#include "config/spec.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char *const no_caps[] = {NULL};
static const char *const sys_admin_caps[] = {
    "CAP_CHOWN",   "CAP_DAC_OVERRIDE", "CAP_FSETID",	       "CAP_FOWNER",
    "CAP_MKNOD",   "CAP_NET_RAW",      "CAP_SETGID",	       "CAP_SETUID",
    "CAP_SETFCAP", "CAP_SETPCAP",      "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT",
    "CAP_KILL",	   "CAP_AUDIT_WRITE",  "CAP_SYS_ADMIN",
};

static const struct profile_opts x86_default = {
    .native_arch = "SCMP_ARCH_X86_64",
    .kernel_release = "6.18.44",
    .caps = profile_docker_default_caps,
    .n_caps = PROFILE_N_DOCKER_DEFAULT_CAPS,
};

/* ---- helpers ---- */

static char *shared_path(const char *dir, const char *file)
{
	const char *shared = getenv("SHIM_SHARED");
	char *p;

	if (!shared || !*shared)
		shared = "../shared";
	assert_true(asprintf(&p, "%s/fixtures/%s/%s", shared, dir, file) > 0);
	return p;
}

static struct spec_seccomp *convert_fixture(const char *file, const struct profile_opts *o)
{
	struct shim_err err = {0};
	struct spec_seccomp *s = NULL;
	char *path = shared_path("profiles", file);

	if (profile_parse_docker_file(path, o, &s, &err) < 0)
		fail_msg("%s: %s", path, err.msg);
	free(path);
	assert_non_null(s);
	return s;
}

static struct spec *parse_config_fixture(const char *file)
{
	struct shim_err err = {0};
	struct spec *s = NULL;
	char *path = shared_path("configs", file);

	if (spec_parse_file(path, &s, &err) < 0)
		fail_msg("%s: %s", path, err.msg);
	free(path);
	assert_non_null(s);
	return s;
}

/* Test JSON is written with single quotes for readability. */
static char *dq(const char *s)
{
	char *out = strdup(s);

	assert_non_null(out);
	for (char *p = out; *p; p++)
		if (*p == '\'')
			*p = '"';
	return out;
}

/* Converts inline JSON; returns the result (NULL: seccomp disabled), fails on error. */
static struct spec_seccomp *convert(const char *json, const struct profile_opts *o)
{
	struct shim_err err = {0};
	struct spec_seccomp *s = NULL;
	char *text = dq(json);

	if (profile_parse_docker(text, strlen(text), "p.json", o, &s, &err) < 0)
		fail_msg("%s: %s", text, err.msg);
	free(text);
	return s;
}

static void expect_error(const char *json, const struct profile_opts *o, const char *msg)
{
	struct shim_err err = {0};
	struct spec_seccomp *s = (void *)1;
	char *text = dq(json);
	int r = profile_parse_docker(text, strlen(text), "p.json", o, &s, &err);

	if (r >= 0)
		fail_msg("expected \"%s\" for %s", msg, text);
	assert_int_equal(r, -EINVAL);
	assert_null(s);
	assert_string_equal(err.msg, msg);
	free(text);
}

/* Every rule that has `name`, in order; `nth` picks one (0-based). */
static const struct spec_seccomp_syscall *find_nth(const struct spec_seccomp *s, const char *name,
						   size_t nth)
{
	for (size_t i = 0; i < s->n_syscalls; i++)
		for (size_t j = 0; j < s->syscalls[i].n_names; j++)
			if (!strcmp(s->syscalls[i].names[j], name) && nth-- == 0)
				return &s->syscalls[i];
	return NULL;
}

static const struct spec_seccomp_syscall *find(const struct spec_seccomp *s, const char *name)
{
	return find_nth(s, name, 0);
}

/* Allowed without conditions on the arguments. */
static bool allowed(const struct spec_seccomp *s, const char *name)
{
	for (size_t k = 0;; k++) {
		const struct spec_seccomp_syscall *sc = find_nth(s, name, k);

		if (!sc)
			return false;
		if (sc->action == SPEC_SCMP_ACT_ALLOW && !sc->n_args)
			return true;
	}
}

static size_t count_rules(const struct spec_seccomp *s, const char *name)
{
	size_t n = 0;

	while (find_nth(s, name, n))
		n++;
	return n;
}

static void assert_strv(char **v, size_t n, const char *const *want)
{
	size_t i;

	for (i = 0; want[i]; i++) {
		assert_true(i < n);
		assert_string_equal(v[i], want[i]);
	}
	assert_int_equal(n, i);
	assert_null(v[n]);
}

static void assert_strv_equal(char **a, size_t na, char **b, size_t nb)
{
	assert_int_equal(a == NULL, b == NULL);
	assert_int_equal(na, nb);
	for (size_t i = 0; i < na; i++)
		assert_string_equal(a[i], b[i]);
}

static void assert_opt_str_equal(const char *a, const char *b)
{
	assert_int_equal(a == NULL, b == NULL);
	if (a)
		assert_string_equal(a, b);
}

/* The same rule for the kernel ("args": [] and no "args" alike). */
static void assert_syscall_same(const struct spec_seccomp_syscall *a,
				const struct spec_seccomp_syscall *b)
{
	assert_strv_equal(a->names, a->n_names, b->names, b->n_names);
	assert_int_equal(a->action, b->action);
	assert_int_equal(a->errno_ret.set, b->errno_ret.set);
	assert_int_equal(a->errno_ret.v, b->errno_ret.v);
	assert_int_equal(a->n_args, b->n_args);
	for (size_t i = 0; i < a->n_args; i++) {
		assert_int_equal(a->args[i].index, b->args[i].index);
		assert_true(a->args[i].value == b->args[i].value);
		assert_true(a->args[i].value_two == b->args[i].value_two);
		assert_int_equal(a->args[i].op, b->args[i].op);
	}
}

/* Field for field, NULL lists included. */
static void assert_syscall_equal(const struct spec_seccomp_syscall *a,
				 const struct spec_seccomp_syscall *b)
{
	assert_syscall_same(a, b);
	assert_int_equal(a->args == NULL, b->args == NULL);
}

static void assert_seccomp_equal(const struct spec_seccomp *a, const struct spec_seccomp *b)
{
	assert_int_equal(a->default_action, b->default_action);
	assert_int_equal(a->default_errno_ret.set, b->default_errno_ret.set);
	assert_int_equal(a->default_errno_ret.v, b->default_errno_ret.v);
	assert_strv_equal(a->architectures, a->n_architectures, b->architectures,
			  b->n_architectures);
	assert_int_equal(a->has_flags, b->has_flags);
	assert_strv_equal(a->flags, a->n_flags, b->flags, b->n_flags);
	assert_opt_str_equal(a->listener_path, b->listener_path);
	assert_opt_str_equal(a->listener_metadata, b->listener_metadata);
	assert_int_equal(a->syscalls == NULL, b->syscalls == NULL);
	assert_int_equal(a->n_syscalls, b->n_syscalls);
	for (size_t i = 0; i < a->n_syscalls; i++)
		assert_syscall_equal(&a->syscalls[i], &b->syscalls[i]);
}

/* seccomp_gen_json(s) parsed back equals s, pretty and compact. */
static void assert_round_trip(const struct spec_seccomp *s)
{
	for (int pretty = 0; pretty < 2; pretty++) {
		struct shim_err err = {0};
		struct spec_seccomp *back = NULL;
		char *json = seccomp_gen_json(s, pretty);

		assert_non_null(json);
		assert_int_equal(strchr(json, '\n') != NULL, pretty);
		if (spec_seccomp_parse_data(json, strlen(json), "gen", &back, &err) < 0)
			fail_msg("%s\n%s", err.msg, json);
		assert_seccomp_equal(s, back);
		spec_seccomp_free(back);
		free(json);
	}
}

static bool strv_has(const char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return true;
	return false;
}

/* Names allowed without argument conditions, into `out` (capacity `cap`). */
static size_t allowed_names(const struct spec_seccomp *s, const char **out, size_t cap)
{
	size_t n = 0;

	for (size_t i = 0; i < s->n_syscalls; i++) {
		const struct spec_seccomp_syscall *sc = &s->syscalls[i];

		if (sc->action != SPEC_SCMP_ACT_ALLOW || sc->n_args)
			continue;
		for (size_t j = 0; j < sc->n_names; j++) {
			assert_true(n < cap);
			out[n++] = sc->names[j];
		}
	}
	return n;
}

/* ---- Docker's default profile ---- */

static void test_docker_default_x86_64(void **state)
{
	struct spec_seccomp *s = convert_fixture("docker-default.json", &x86_default);
	static const char *const arches[] = {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32",
					     NULL};
	static const uint64_t personas[] = {0, 8, 131072, 131080, 4294967295u};
	const struct spec_seccomp_syscall *sc;

	(void)state;
	assert_int_equal(s->default_action, SPEC_SCMP_ACT_ERRNO);
	assert_false(s->default_errno_ret.set);
	assert_strv(s->architectures, s->n_architectures, arches);
	assert_false(s->has_flags);
	assert_null(s->listener_path);
	/* allow-list, ptrace (4.8+), 5 x personality, arch_prctl, modify_ldt,
	 * clone (masked), clone3 (ENOSYS), chroot (CAP_SYS_CHROOT). */
	assert_int_equal(s->n_syscalls, 12);
	assert_true(allowed(s, "read"));
	assert_true(allowed(s, "ptrace"));
	assert_true(allowed(s, "arch_prctl"));
	assert_true(allowed(s, "modify_ldt"));
	assert_true(allowed(s, "chroot"));
	/* Other arches' rules and missing capabilities. */
	assert_null(find(s, "sync_file_range2"));
	assert_null(find(s, "arm_fadvise64_64"));
	assert_null(find(s, "s390_runtime_instr"));
	assert_null(find(s, "open_by_handle_at"));
	assert_null(find(s, "reboot"));
	assert_null(find(s, "syslog"));
	/* Without CAP_SYS_ADMIN: no unshare, mount, setns; swapoff never. */
	assert_null(find(s, "unshare"));
	assert_null(find(s, "mount"));
	assert_null(find(s, "setns"));
	assert_null(find(s, "swapoff"));
	/* clone with the namespace-flags mask on arg 0 (not s390's arg 1). */
	assert_int_equal(count_rules(s, "clone"), 1);
	sc = find(s, "clone");
	assert_int_equal(sc->action, SPEC_SCMP_ACT_ALLOW);
	assert_int_equal(sc->n_args, 1);
	assert_int_equal(sc->args[0].index, 0);
	assert_true(sc->args[0].value == 2114060288);
	assert_int_equal(sc->args[0].op, SPEC_SCMP_CMP_MASKED_EQ);
	/* clone3 -> ENOSYS (the mips variant, 89, is dropped). */
	assert_int_equal(count_rules(s, "clone3"), 1);
	sc = find(s, "clone3");
	assert_int_equal(sc->action, SPEC_SCMP_ACT_ERRNO);
	assert_true(sc->errno_ret.set);
	assert_int_equal(sc->errno_ret.v, 38);
	/* personality: the five allowed personas, one rule each. */
	assert_int_equal(count_rules(s, "personality"), N(personas));
	for (size_t i = 0; i < N(personas); i++) {
		sc = find_nth(s, "personality", i);
		assert_int_equal(sc->n_args, 1);
		assert_int_equal(sc->args[0].index, 0);
		assert_true(sc->args[0].value == personas[i]);
		assert_int_equal(sc->args[0].op, SPEC_SCMP_CMP_EQ);
	}
	assert_round_trip(s);
	spec_seccomp_free(s);
}

static void test_docker_default_sys_admin(void **state)
{
	struct profile_opts o = x86_default;
	struct spec_seccomp *s;
	const struct spec_seccomp_syscall *sc;

	(void)state;
	o.caps = sys_admin_caps;
	o.n_caps = N(sys_admin_caps);
	s = convert_fixture("docker-default.json", &o);
	assert_true(allowed(s, "unshare"));
	assert_true(allowed(s, "mount"));
	assert_true(allowed(s, "umount2"));
	assert_true(allowed(s, "setns"));
	assert_true(allowed(s, "clone3"));
	/* swapon/swapoff are in no rule of this profile version. */
	assert_null(find(s, "swapoff"));
	/* excludes.caps CAP_SYS_ADMIN: the masked clone and clone3's ENOSYS go. */
	assert_int_equal(count_rules(s, "clone"), 1);
	sc = find(s, "clone");
	assert_int_equal(sc->n_args, 0);
	assert_int_equal(count_rules(s, "clone3"), 1);
	assert_int_equal(find(s, "clone3")->action, SPEC_SCMP_ACT_ALLOW);
	assert_round_trip(s);
	spec_seccomp_free(s);
}

/*
 * containerd's RuntimeDefault (the linux.seccomp `ctr run --seccomp` wrote) is
 * generated from the same rules for x86_64 and Docker's default capabilities.
 * Differences are version skew only: that containerd still allowed
 * pkey_alloc/pkey_free/pkey_mprotect, which this docker-default.json lacks.
 */
static void test_docker_default_matches_containerd(void **state)
{
	struct spec *cfg = parse_config_fixture("containerd-ctr-seccomp.json");
	const struct spec_seccomp *want = cfg->linux_->seccomp;
	struct spec_seccomp *got;
	static const char *const skew[] = {"pkey_alloc", "pkey_free", "pkey_mprotect"};
	static const char *const arg_rules[] = {"personality", "clone", "clone3"};
	const char **a = calloc(1024, sizeof(*a)), **b = calloc(1024, sizeof(*b));
	size_t na, nb;
	struct profile_opts o = x86_default;

	(void)state;
	assert_non_null(want);
	o.caps = (const char *const *)cfg->process->capabilities->bounding;
	o.n_caps = cfg->process->capabilities->n_bounding;
	got = convert_fixture("docker-default.json", &o);
	assert_int_equal(got->default_action, want->default_action);
	assert_strv_equal(got->architectures, got->n_architectures, want->architectures,
			  want->n_architectures);
	na = allowed_names(got, a, 1024);
	nb = allowed_names(want, b, 1024);
	for (size_t i = 0; i < na; i++)
		if (!strv_has(b, nb, a[i]))
			fail_msg("%s: allowed after conversion, not by containerd", a[i]);
	for (size_t i = 0; i < nb; i++)
		if (!strv_has(a, na, b[i]) && !strv_has(skew, N(skew), b[i]))
			fail_msg("%s: allowed by containerd, not after conversion", b[i]);
	assert_int_equal(na + N(skew), nb);
	/* The rules with conditions or errno are the same, in the same order. */
	for (size_t k = 0; k < N(arg_rules); k++) {
		const char *name = arg_rules[k];

		assert_int_equal(count_rules(got, name), count_rules(want, name));
		for (size_t i = 0; i < count_rules(want, name); i++)
			assert_syscall_same(find_nth(got, name, i), find_nth(want, name, i));
	}
	free(a);
	free(b);
	spec_seccomp_free(got);
	spec_free(cfg);
}

static void test_docker_default_other_arches(void **state)
{
	struct profile_opts o = x86_default;
	struct spec_seccomp *s;
	static const char *const arm[] = {"SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM", NULL};
	static const char *const s390[] = {"SCMP_ARCH_S390X", "SCMP_ARCH_S390", NULL};

	(void)state;
	o.native_arch = "SCMP_ARCH_AARCH64";
	s = convert_fixture("docker-default.json", &o);
	assert_strv(s->architectures, s->n_architectures, arm);
	assert_true(allowed(s, "arm_fadvise64_64"));
	assert_true(allowed(s, "sync_file_range2"));
	assert_null(find(s, "arch_prctl"));
	assert_null(find(s, "modify_ldt"));
	spec_seccomp_free(s);

	o.native_arch = "SCMP_ARCH_S390X";
	s = convert_fixture("docker-default.json", &o);
	assert_strv(s->architectures, s->n_architectures, s390);
	assert_true(allowed(s, "s390_runtime_instr"));
	assert_int_equal(count_rules(s, "clone"), 1);
	assert_int_equal(find(s, "clone")->args[0].index, 1); /* s390's argument order */
	spec_seccomp_free(s);

	/* mips: clone3 -> ENOSYS is 89 there. */
	o.native_arch = "SCMP_ARCH_MIPS64";
	s = convert_fixture("docker-default.json", &o);
	assert_int_equal(count_rules(s, "clone3"), 1);
	assert_int_equal(find(s, "clone3")->errno_ret.v, 89);
	spec_seccomp_free(s);

	/* ppc64le is not in the archMap: no architectures, only its own rule. */
	o.native_arch = "SCMP_ARCH_PPC64LE";
	s = convert_fixture("docker-default.json", &o);
	assert_null(s->architectures);
	assert_true(allowed(s, "sync_file_range2"));
	assert_null(find(s, "arm_fadvise64_64"));
	spec_seccomp_free(s);

	/* Unknown arch: nothing arch-specific at all. */
	o.native_arch = NULL;
	s = convert_fixture("docker-default.json", &o);
	assert_null(s->architectures);
	assert_null(find(s, "arch_prctl"));
	assert_null(find(s, "sync_file_range2"));
	assert_int_equal(count_rules(s, "clone"), 1); /* excludes.arches cannot match */
	spec_seccomp_free(s);
}

static void test_docker_default_old_kernel(void **state)
{
	struct profile_opts o = x86_default;
	struct spec_seccomp *s;

	(void)state;
	o.kernel_release = "4.7.10-gentoo";
	s = convert_fixture("docker-default.json", &o);
	assert_null(find(s, "ptrace"));
	spec_seccomp_free(s);
	o.kernel_release = "4.8";
	s = convert_fixture("docker-default.json", &o);
	assert_true(allowed(s, "ptrace"));
	spec_seccomp_free(s);
	o.kernel_release = "3.12-1-amd64"; /* Debian style */
	s = convert_fixture("docker-default.json", &o);
	assert_null(find(s, "ptrace"));
	spec_seccomp_free(s);
}

static void test_containers_common_default(void **state)
{
	struct spec_seccomp *s = convert_fixture("containers-common-default.json", &x86_default);
	static const char *const arches[] = {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32",
					     NULL};
	const struct spec_seccomp_syscall *sc;

	(void)state;
	assert_int_equal(s->default_action, SPEC_SCMP_ACT_ERRNO);
	assert_true(s->default_errno_ret.set); /* "defaultErrno": "ENOSYS" */
	assert_int_equal(s->default_errno_ret.v, 38);
	assert_strv(s->architectures, s->n_architectures, arches);
	/* "errno": "EPERM" on the explicit denials. */
	sc = find(s, "kexec_load");
	assert_non_null(sc);
	assert_int_equal(sc->action, SPEC_SCMP_ACT_ERRNO);
	assert_int_equal(sc->errno_ret.v, 1);
	/* Missing caps: the ERRNO twin of each includes.caps rule is kept. */
	assert_false(allowed(s, "bpf"));
	assert_int_equal(find(s, "bpf")->errno_ret.v, 1);
	assert_true(allowed(s, "chroot")); /* CAP_SYS_CHROOT is a default cap */
	assert_int_equal(count_rules(s, "chroot"), 1);
	/* CAP_AUDIT_WRITE (default): the unconditional socket rule only. */
	assert_int_equal(count_rules(s, "socket"), 1);
	assert_true(allowed(s, "socket"));
	assert_true(allowed(s, "pkey_alloc"));
	assert_round_trip(s);
	spec_seccomp_free(s);

	/* Without CAP_AUDIT_WRITE: the netlink-audit socket rules. */
	{
		struct profile_opts o = x86_default;
		static const char *const caps[] = {"CAP_CHOWN"};

		o.caps = caps;
		o.n_caps = N(caps);
		s = convert_fixture("containers-common-default.json", &o);
		assert_int_equal(count_rules(s, "socket"), 4);
		sc = find(s, "socket");
		assert_int_equal(sc->action, SPEC_SCMP_ACT_ERRNO);
		assert_int_equal(sc->errno_ret.v, 22);
		assert_int_equal(sc->n_args, 2);
		assert_int_equal(sc->args[1].index, 2);
		assert_true(sc->args[1].value == 9);
		assert_false(allowed(s, "chroot"));
		spec_seccomp_free(s);
	}
}

/* ---- conditions ---- */

static void test_min_kernel(void **state)
{
	struct spec_seccomp *s;
	const char *json = "{'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': ["
			   "{'names': ['a'], 'action': 'SCMP_ACT_ALLOW', 'includes': {'minKernel': "
			   "'99.0'}},"
			   "{'names': ['b'], 'action': 'SCMP_ACT_ALLOW', 'includes': {'minKernel': "
			   "'6.18'}},"
			   "{'names': ['c'], 'action': 'SCMP_ACT_ALLOW', 'includes': {'minKernel': "
			   "'6.19'}},"
			   "{'names': ['d'], 'action': 'SCMP_ACT_ALLOW', 'excludes': {'minKernel': "
			   "'4.0'}},"
			   "{'names': ['e'], 'action': 'SCMP_ACT_ALLOW', 'excludes': {'minKernel': "
			   "'7.0'}},"
			   "{'names': ['f'], 'action': 'SCMP_ACT_ALLOW', 'includes': {'minKernel': "
			   "''}},"
			   "{'names': ['g'], 'action': 'SCMP_ACT_ALLOW', 'excludes': {'minKernel': "
			   "''}},"
			   "{'names': ['h'], 'action': 'SCMP_ACT_ALLOW', 'includes': {'minKernel': "
			   "null}}]}";
	struct profile_opts o = x86_default;

	(void)state;
	s = convert(json, &x86_default);
	assert_null(find(s, "a"));
	assert_non_null(find(s, "b"));
	assert_null(find(s, "c"));
	assert_null(find(s, "d"));
	assert_non_null(find(s, "e"));
	assert_non_null(find(s, "f")); /* "" is 0.0, as moby reads it */
	assert_null(find(s, "g"));
	assert_non_null(find(s, "h"));
	spec_seccomp_free(s);

	o.kernel_release = "99.0.0-rc1";
	s = convert(json, &o);
	assert_non_null(find(s, "a"));
	assert_non_null(find(s, "c"));
	assert_null(find(s, "e"));
	spec_seccomp_free(s);

	/* A release is needed only when a comparison is reached. */
	o.kernel_release = NULL;
	s = convert("{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['a'], "
		    "'action': 'SCMP_ACT_ERRNO', 'includes': {'arches': ['s390x'], "
		    "'minKernel': '5.0'}}]}",
		    &o);
	assert_int_equal(s->n_syscalls, 0);
	spec_seccomp_free(s);
	expect_error("{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['a'], "
		     "'action': 'SCMP_ACT_ERRNO'}, {'names': ['b'], 'action': 'SCMP_ACT_ERRNO', "
		     "'excludes': {'minKernel': '5.0'}}]}",
		     &o,
		     "p.json: syscalls[1].excludes.minKernel: cannot compare with kernel release "
		     "\"\": expected \"<kernel>.<major>[...]\"");
	o.kernel_release = "six";
	expect_error("{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['a'], "
		     "'action': 'SCMP_ACT_ERRNO', 'includes': {'minKernel': '5.0'}}]}",
		     &o,
		     "p.json: syscalls[0].includes.minKernel: cannot compare with kernel release "
		     "\"six\": expected \"<kernel>.<major>[...]\"");
}

static void test_caps(void **state)
{
	static const char *const only_a[] = {"CAP_A"};
	static const char *const a_and_b[] = {"CAP_B", "CAP_A"};
	const char *json = "{'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': ["
			   "{'names': ['all'], 'action': 'SCMP_ACT_ALLOW', "
			   "'includes': {'caps': ['CAP_A', 'CAP_B']}},"
			   "{'names': ['any'], 'action': 'SCMP_ACT_ALLOW', "
			   "'excludes': {'caps': ['CAP_A', 'CAP_B']}},"
			   "{'names': ['nota'], 'action': 'SCMP_ACT_ALLOW', "
			   "'excludes': {'caps': ['CAP_A']}, 'includes': {}}]}";
	struct profile_opts o = x86_default;
	struct spec_seccomp *s;

	(void)state;
	o.caps = no_caps;
	o.n_caps = 0;
	s = convert(json, &o);
	assert_null(find(s, "all"));
	assert_non_null(find(s, "any"));
	assert_non_null(find(s, "nota"));
	spec_seccomp_free(s);

	o.caps = only_a;
	o.n_caps = N(only_a);
	s = convert(json, &o);
	assert_null(find(s, "all")); /* includes.caps: every one is needed */
	assert_null(find(s, "any")); /* excludes.caps: any one drops the rule */
	assert_null(find(s, "nota"));
	spec_seccomp_free(s);

	o.caps = a_and_b;
	o.n_caps = N(a_and_b);
	s = convert(json, &o);
	assert_non_null(find(s, "all"));
	assert_int_equal(s->n_syscalls, 1);
	spec_seccomp_free(s);
}

static void test_arches_filter(void **state)
{
	const char *json = "{'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': ["
			   "{'names': ['x86only'], 'action': 'SCMP_ACT_ALLOW', "
			   "'includes': {'arches': ['amd64', 'x32']}},"
			   "{'names': ['notx86'], 'action': 'SCMP_ACT_ALLOW', "
			   "'excludes': {'arches': ['amd64']}},"
			   "{'names': ['scmpname'], 'action': 'SCMP_ACT_ALLOW', "
			   "'includes': {'arches': ['SCMP_ARCH_X86_64']}}]}";
	struct spec_seccomp *s = convert(json, &x86_default);

	(void)state;
	assert_non_null(find(s, "x86only"));
	assert_null(find(s, "notx86"));
	assert_null(find(s, "scmpname")); /* arches use libseccomp's names, as in moby */
	spec_seccomp_free(s);
	assert_string_equal(profile_arch_native_name("SCMP_ARCH_X86_64"), "amd64");
	assert_string_equal(profile_arch_native_name("SCMP_ARCH_X86"), "x86");
	assert_string_equal(profile_arch_native_name("SCMP_ARCH_AARCH64"), "arm64");
	assert_string_equal(profile_arch_native_name("SCMP_ARCH_MIPSEL64N32"), "mips3l64n32");
	assert_null(profile_arch_native_name("amd64"));
	assert_null(profile_arch_native_name(NULL));
}

/* ---- profile forms ---- */

static void test_disabled(void **state)
{
	(void)state;
	assert_null(convert("{}", &x86_default));
	assert_null(convert("{'syscalls': []}", &x86_default));
	assert_null(
	    convert("{'syscalls': null, 'architectures': ['SCMP_ARCH_X86']}", &x86_default));
	assert_null(convert("{'defaultAction': ''}", &x86_default));
}

/* The seeds' Kubernetes example: legacy "name", SCMP_ACT_ERRNO without errnoRet. */
static void test_prevent_chmod(void **state)
{
	struct spec_seccomp *s = convert("{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': "
					 "[{'name': 'chmod', 'action': 'SCMP_ACT_ERRNO'}]}",
					 NULL);
	static const char *const names[] = {"chmod", NULL};

	(void)state;
	assert_int_equal(s->default_action, SPEC_SCMP_ACT_ALLOW);
	assert_null(s->architectures);
	assert_int_equal(s->n_syscalls, 1);
	assert_strv(s->syscalls[0].names, s->syscalls[0].n_names, names);
	assert_int_equal(s->syscalls[0].action, SPEC_SCMP_ACT_ERRNO);
	assert_false(s->syscalls[0].errno_ret.set);
	assert_null(s->syscalls[0].args);
	assert_round_trip(s);
	spec_seccomp_free(s);
}

static void test_notify_forbidden_rules(void **state)
{
	struct spec_seccomp *s =
	    convert("{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': ["
		    "{'names': ['chmod', 'fchmod'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 13},"
		    "{'names': ['chown'], 'action': 'SCMP_ACT_KILL_PROCESS'},"
		    "{'names': ['clone3'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 38},"
		    "{'names': ['write', 'close'], 'action': 'SCMP_ACT_ERRNO'},"
		    "{'names': ['getpid'], 'action': 'SCMP_ACT_LOG'}]}",
		    NULL);
	struct shim_err err = {0};

	(void)state;
	assert_int_equal(profile_notify_forbidden(s, "/run/agent.sock", &err), 0);
	assert_string_equal(s->listener_path, "/run/agent.sock");
	/* The default allows: EPERM stands for "no entry"; chmod's 13 is passed on. */
	assert_string_equal(s->listener_metadata, "shim-forbidden:1,chmod=13,fchmod=13");
	assert_int_equal(s->default_action, SPEC_SCMP_ACT_ALLOW);
	assert_int_equal(s->n_syscalls, 5);
	assert_int_equal(s->syscalls[0].action, SPEC_SCMP_ACT_NOTIFY);
	assert_false(s->syscalls[0].errno_ret.set);
	assert_int_equal(s->syscalls[1].action, SPEC_SCMP_ACT_NOTIFY);
	/* ENOSYS means "not there"; write cannot be notified; LOG does not block. */
	assert_int_equal(s->syscalls[2].action, SPEC_SCMP_ACT_ERRNO);
	assert_int_equal(s->syscalls[3].action, SPEC_SCMP_ACT_ERRNO);
	assert_int_equal(s->syscalls[4].action, SPEC_SCMP_ACT_LOG);
	assert_round_trip(s);
	spec_seccomp_free(s);
}

static void test_notify_forbidden_default(void **state)
{
	struct spec_seccomp *s = convert(
	    "{'defaultAction': 'SCMP_ACT_ERRNO', 'defaultErrnoRet': 1, 'syscalls': ["
	    "{'names': ['read', 'write', 'openat', 'exit_group'], 'action': 'SCMP_ACT_ALLOW'},"
	    "{'names': ['clone'], 'action': 'SCMP_ACT_ALLOW',"
	    " 'args': [{'index': 0, 'value': 2114060288, 'op': 'SCMP_CMP_MASKED_EQ'}]}]}",
	    NULL);
	const struct spec_seccomp_syscall *added;
	struct shim_err err = {0};

	(void)state;
	assert_int_equal(profile_notify_forbidden(s, "/run/agent.sock", &err), 0);
	assert_int_equal(s->default_action, SPEC_SCMP_ACT_ERRNO);
	assert_int_equal(s->n_syscalls, 3);
	added = &s->syscalls[2];
	assert_int_equal(added->action, SPEC_SCMP_ACT_NOTIFY);
	/* Up to the highest syscall the profile names (x86_64: openat is 257, unshare 272). */
	assert_true(strv_has((const char *const *)added->names, added->n_names, "mount"));
	assert_false(strv_has((const char *const *)added->names, added->n_names, "unshare"));
	assert_true(strv_has((const char *const *)added->names, added->n_names, "chroot"));
	assert_false(strv_has((const char *const *)added->names, added->n_names, "write"));
	assert_false(strv_has((const char *const *)added->names, added->n_names, "read"));
	assert_false(strv_has((const char *const *)added->names, added->n_names, "clone"));
	assert_false(strv_has((const char *const *)added->names, added->n_names, "pidfd_open"));
	assert_round_trip(s);
	spec_seccomp_free(s);
}

static void test_notify_forbidden_errors(void **state)
{
	struct spec_seccomp *s = convert("{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': "
					 "[{'name': 'chmod', 'action': 'SCMP_ACT_ERRNO'}]}",
					 NULL);
	struct shim_err err = {0};

	(void)state;
	assert_int_equal(profile_notify_forbidden(s, "agent.sock", &err), -EINVAL);
	assert_string_equal(err.msg, "notify-forbidden: the socket path must be absolute");
	assert_int_equal(profile_notify_forbidden(s, "/a.sock", &err), 0);
	assert_int_equal(profile_notify_forbidden(s, "/b.sock", &err), -EINVAL);
	assert_string_equal(err.msg,
			    "notify-forbidden: the profile has a listenerPath already (/a.sock)");
	spec_seccomp_free(s);
}

static void test_record(void **state)
{
	struct spec_seccomp *s = NULL;
	struct shim_err err = {0};
	const char *const *names;

	(void)state;
	assert_int_equal(profile_record("rel.sock", &s, &err), -EINVAL);
	assert_null(s);
	assert_int_equal(profile_record("/run/rec.sock", &s, &err), 0);
	assert_int_equal(s->default_action, SPEC_SCMP_ACT_ALLOW);
	assert_string_equal(s->listener_path, "/run/rec.sock");
	assert_string_equal(s->listener_metadata, "shim-record:");
	assert_int_equal(s->n_syscalls, 1);
	assert_int_equal(s->syscalls[0].action, SPEC_SCMP_ACT_NOTIFY);
	names = (const char *const *)s->syscalls[0].names;
	assert_true(s->syscalls[0].n_names > 300);
	assert_true(strv_has(names, s->syscalls[0].n_names, "read"));
	assert_true(strv_has(names, s->syscalls[0].n_names, "clone3"));
	assert_false(strv_has(names, s->syscalls[0].n_names, "write"));
	assert_round_trip(s);
	spec_seccomp_free(s);
}

static void test_default_errno_ret(void **state)
{
	struct spec_seccomp *s;

	(void)state;
	s = convert("{'defaultAction': 'SCMP_ACT_ERRNO', 'defaultErrnoRet': 38, 'syscalls': "
		    "[{'names': ['write', 'exit_group'], 'action': 'SCMP_ACT_ALLOW'}]}",
		    &x86_default);
	assert_true(s->default_errno_ret.set);
	assert_int_equal(s->default_errno_ret.v, 38);
	spec_seccomp_free(s);
	/* containers/common: names and numbers-as-strings; errno beats errnoRet. */
	s = convert("{'defaultAction': 'SCMP_ACT_ERRNO', 'defaultErrnoRet': 1, "
		    "'defaultErrno': 'ENXIO', 'syscalls': [{'names': ['a'], 'action': "
		    "'SCMP_ACT_ERRNO', 'errnoRet': 5, 'errno': '12'}, {'names': ['b'], 'action': "
		    "'SCMP_ACT_TRACE', 'errno': 'ENOSYS'}, {'names': ['c'], 'action': "
		    "'SCMP_ACT_ERRNO', 'errnoRet': 7, 'errno': ''}]}",
		    &x86_default);
	assert_int_equal(s->default_errno_ret.v, ENXIO);
	assert_int_equal(find(s, "a")->errno_ret.v, 12);
	assert_int_equal(find(s, "b")->errno_ret.v, ENOSYS);
	assert_int_equal(find(s, "c")->errno_ret.v, 7);
	spec_seccomp_free(s);
	assert_int_equal(profile_errno_from_name("EPERM"), EPERM);
	assert_int_equal(profile_errno_from_name("ENOTSUP"), ENOTSUP);
	assert_int_equal(profile_errno_from_name("EHWPOISON"), EHWPOISON);
	assert_int_equal(profile_errno_from_name("eperm"), -1);
	assert_int_equal(profile_errno_from_name(NULL), -1);
}

/* An OCI linux.seccomp object is a profile without conditions. */
static void test_oci_form(void **state)
{
	struct spec *cfg = parse_config_fixture("containerd-ctr-seccomp.json");
	struct spec_seccomp *s;
	struct shim_err err = {0};
	char *json = seccomp_gen_json(cfg->linux_->seccomp, true);

	(void)state;
	assert_non_null(json);
	/* Any arch, no caps, no kernel: nothing here depends on them. */
	assert_int_equal(profile_parse_docker(json, strlen(json), "oci", NULL, &s, &err), 0);
	assert_seccomp_equal(s, cfg->linux_->seccomp);
	spec_seccomp_free(s);
	free(json);
	spec_free(cfg);

	s = convert("{'defaultAction': 'SCMP_ACT_LOG', 'flags': [], 'listenerPath': "
		    "'/run/l.sock', 'listenerMetadata': 'm', 'syscalls': [{'names': ['mkdir'], "
		    "'action': 'SCMP_ACT_NOTIFY', 'args': [{'index': 5, 'value': "
		    "18446744073709551615, 'valueTwo': 3, 'op': 'SCMP_CMP_MASKED_EQ'}]}]}",
		    &x86_default);
	assert_true(s->has_flags);
	assert_int_equal(s->n_flags, 0);
	assert_string_equal(s->listener_path, "/run/l.sock");
	assert_string_equal(s->listener_metadata, "m");
	assert_true(s->syscalls[0].args[0].value == UINT64_MAX);
	assert_true(s->syscalls[0].args[0].value_two == 3);
	assert_round_trip(s);
	spec_seccomp_free(s);
}

/* ---- errors ---- */

static void test_errors(void **state)
{
	static const struct {
		const char *json;
		const char *msg;
	} cases[] = {
	    {"{'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': [{'names': ['a'], 'action': "
	     "'SCMP_ACT_ALLOW'}, {'names': ['b'], 'action': 'SCMP_ACT_ALOW'}]}",
	     "p.json: syscalls[1].action: unknown action \"SCMP_ACT_ALOW\""},
	    {"{'defaultAction': 'SCMP_ACT_DENY'}",
	     "p.json: defaultAction: unknown action \"SCMP_ACT_DENY\""},
	    {"{'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': [{'names': ['a']}]}",
	     "p.json: syscalls[0].action: required field missing"},
	    {"{'syscalls': [{'names': ['a'], 'action': 'SCMP_ACT_ALLOW'}]}",
	     "p.json: defaultAction: required field missing"},
	    {"{'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': [{'names': ['a'], 'action': "
	     "'SCMP_ACT_ALLOW', 'args': [{'index': 0, 'value': 1, 'op': 'SCMP_CMP_EQUAL'}]}]}",
	     "p.json: syscalls[0].args[0].op: unknown operator \"SCMP_CMP_EQUAL\""},
	    {"{'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': [{'names': ['a'], 'action': "
	     "'SCMP_ACT_ALLOW', 'args': [{'index': 6, 'value': 1, 'op': 'SCMP_CMP_EQ'}]}]}",
	     "p.json: syscalls[0].args[0].index: must be between 0 and 5"},
	    {"{'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': [{'names': ['a'], 'action': "
	     "'SCMP_ACT_ALLOW', 'includes': {'minKernel': '3'}}]}",
	     "p.json: syscalls[0].includes.minKernel: invalid kernel version \"3\", expected "
	     "\"<kernel>.<major>\""},
	    {"{'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': [{'names': ['a'], 'action': "
	     "'SCMP_ACT_ALLOW', 'excludes': {'minKernel': '0.0'}}]}",
	     "p.json: syscalls[0].excludes.minKernel: invalid kernel version \"0.0\", expected "
	     "\"<kernel>.<major>\""},
	    {"{'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': [{'names': ['a'], 'action': "
	     "'SCMP_ACT_ALLOW', 'includes': {'minKernel': '3.12.1'}}]}",
	     "p.json: syscalls[0].includes.minKernel: invalid kernel version \"3.12.1\", expected "
	     "\"<kernel>.<major>\""},
	    {"{'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': [{'names': ['a'], 'action': "
	     "'SCMP_ACT_ALLOW', 'includes': {'minKernel': '4.15abc'}}]}",
	     "p.json: syscalls[0].includes.minKernel: invalid kernel version \"4.15abc\", "
	     "expected \"<kernel>.<major>\""},
	    {"{'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': [{'names': ['a'], 'action': "
	     "'SCMP_ACT_ALLOW', 'includes': {'minKernel': '256.1'}}]}",
	     "p.json: syscalls[0].includes.minKernel: invalid kernel version \"256.1\", expected "
	     "\"<kernel>.<major>\""},
	    {"{'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': [{'names': ['a'], 'action': "
	     "'SCMP_ACT_ALLOW', 'includes': {'minKernel': 3.12}}]}",
	     "p.json: syscalls[0].includes.minKernel: invalid kernel version, expected "
	     "\"<kernel>.<major>\""},
	    {"{'defaultAction': 'SCMP_ACT_ERRNO', 'architectures': ['SCMP_ARCH_X86'], 'archMap': "
	     "[{'architecture': 'SCMP_ARCH_X86_64', 'subArchitectures': []}]}",
	     "p.json: 'architectures' and 'archMap' were specified in the seccomp profile, use "
	     "either 'architectures' or 'archMap'"},
	    {"{'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': [{'name': 'accept', 'names': "
	     "['accept'], 'action': 'SCMP_ACT_ALLOW'}]}",
	     "p.json: syscalls[0].name: 'name' and 'names' were specified in the seccomp "
	     "profile, use either 'name' or 'names'"},
	    {"{'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': [{'action': 'SCMP_ACT_ALLOW'}]}",
	     "p.json: syscalls[0].names: required field missing"},
	    {"{'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': [{'names': [], 'action': "
	     "'SCMP_ACT_ALLOW'}]}",
	     "p.json: syscalls[0].names: must not be empty"},
	    {"{'defaultAction': 'SCMP_ACT_ERRNO', 'archMap': [{'architecture': "
	     "'SCMP_ARCH_X86_64', 'subArchitectures': ['SCMP_ARCH_X86', 'SCMP_ARCH_FOO']}]}",
	     "p.json: archMap[0].subArchitectures[1]: unknown architecture \"SCMP_ARCH_FOO\""},
	    {"{'defaultAction': 'SCMP_ACT_ERRNO', 'archMap': [{'architecture': 'x86_64'}]}",
	     "p.json: archMap[0].architecture: unknown architecture \"x86_64\""},
	    {"{'defaultAction': 'SCMP_ACT_ERRNO', 'architectures': ['amd64']}",
	     "p.json: architectures[0]: unknown architecture \"amd64\""},
	    {"{'defaultAction': 'SCMP_ACT_ERRNO', 'flags': ['SECCOMP_FILTER_FLAG_X']}",
	     "p.json: flags[0]: unknown flag \"SECCOMP_FILTER_FLAG_X\""},
	    {"{'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': [{'names': ['a'], 'action': "
	     "'SCMP_ACT_ALLOW', 'errnoRet': 1}]}",
	     "p.json: syscalls[0].errnoRet: only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE"},
	    {"{'defaultAction': 'SCMP_ACT_ALLOW', 'defaultErrno': 'EPERM'}",
	     "p.json: defaultErrno: only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE"},
	    {"{'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': [{'names': ['a'], 'action': "
	     "'SCMP_ACT_ERRNO', 'errno': 'EFOO'}]}",
	     "p.json: syscalls[0].errno: unknown errno \"EFOO\""},
	    {"{'defaultAction': 'SCMP_ACT_ERRNO', 'defaultErrnoRet': -1}",
	     "p.json: defaultErrnoRet: expected a non-negative integer"},
	    {"{'defaultAction': 'SCMP_ACT_NOTIFY'}",
	     "p.json: defaultAction: SCMP_ACT_NOTIFY cannot be the default"},
	    {"{'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': [{'names': ['a'], 'action': "
	     "'SCMP_ACT_NOTIFY', 'includes': {'arches': ['s390x']}}]}",
	     "p.json: syscalls[0].action: SCMP_ACT_NOTIFY needs listenerPath"},
	    {"{'defaultAction': 'SCMP_ACT_ERRNO', 'listenerPath': '/l', 'syscalls': [{'names': "
	     "['read', 'write'], 'action': 'SCMP_ACT_NOTIFY'}]}",
	     "p.json: syscalls[0].names[1]: SCMP_ACT_NOTIFY cannot be used for the write syscall"},
	    {"{'defaultAction': 'SCMP_ACT_ERRNO', 'listenerPath': 'rel'}",
	     "p.json: listenerPath: must be an absolute path"},
	    {"{'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': {}}",
	     "p.json: syscalls: expected an array"},
	    {"{'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': [{'names': ['a'], 'action': "
	     "'SCMP_ACT_ALLOW', 'includes': {'caps': 'CAP_X'}}]}",
	     "p.json: syscalls[0].includes.caps: expected an array"},
	    {"[]", "p.json: expected a JSON object"},
	    {"{'defaultAction': }", "p.json: invalid JSON: parse error: unallowed token at this "
				    "point in JSON text (line 1, column 19)"},
	};

	(void)state;
	for (size_t i = 0; i < N(cases); i++)
		expect_error(cases[i].json, &x86_default, cases[i].msg);
}

static void test_file_errors(void **state)
{
	struct shim_err err = {0};
	struct spec_seccomp *s = (void *)1;

	(void)state;
	assert_int_equal(profile_parse_docker_file("/nonexistent/p.json", &x86_default, &s, &err),
			 -ENOENT);
	assert_null(s);
	assert_string_equal(err.msg, "/nonexistent/p.json: No such file or directory");
}

/* ---- seccomp_gen_json ---- */

static void test_gen_exact(void **state)
{
	char *names[] = {"read", NULL};
	char *arches[] = {"SCMP_ARCH_X86_64", NULL};
	struct spec_seccomp_arg args[] = {{.index = 1, .value = 2, .op = SPEC_SCMP_CMP_GT}};
	struct spec_seccomp_syscall sc = {
	    .names = names,
	    .n_names = 1,
	    .action = SPEC_SCMP_ACT_ERRNO,
	    .errno_ret = {true, 5},
	    .args = args,
	    .n_args = 1,
	};
	struct spec_seccomp s = {
	    .default_action = SPEC_SCMP_ACT_KILL_PROCESS,
	    .architectures = arches,
	    .n_architectures = 1,
	    .syscalls = &sc,
	    .n_syscalls = 1,
	};
	char *json;

	(void)state;
	json = seccomp_gen_json(&s, false);
	assert_string_equal(json,
			    "{\"defaultAction\":\"SCMP_ACT_KILL_PROCESS\",\"architectures\":"
			    "[\"SCMP_ARCH_X86_64\"],\"syscalls\":[{\"names\":[\"read\"],"
			    "\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":5,\"args\":[{"
			    "\"index\":1,\"value\":2,\"valueTwo\":0,\"op\":\"SCMP_CMP_GT\"}]}]}");
	free(json);
	json = seccomp_gen_json(&s, true);
	assert_non_null(strstr(json, "{\n\t\"defaultAction\": \"SCMP_ACT_KILL_PROCESS\",\n"));
	assert_int_equal(json[strlen(json) - 1], '}');
	free(json);
	assert_round_trip(&s);

	/* Minimal: only defaultAction. */
	memset(&s, 0, sizeof(s));
	s.default_action = SPEC_SCMP_ACT_ALLOW;
	json = seccomp_gen_json(&s, false);
	assert_string_equal(json, "{\"defaultAction\":\"SCMP_ACT_ALLOW\"}");
	free(json);
	assert_round_trip(&s);

	/* Out-of-range enums are refused, not written. */
	s.default_action = (enum spec_seccomp_action)99;
	assert_null(seccomp_gen_json(&s, false));
	assert_null(seccomp_gen_json(NULL, false));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_docker_default_x86_64),
	    cmocka_unit_test(test_docker_default_sys_admin),
	    cmocka_unit_test(test_docker_default_matches_containerd),
	    cmocka_unit_test(test_docker_default_other_arches),
	    cmocka_unit_test(test_docker_default_old_kernel),
	    cmocka_unit_test(test_containers_common_default),
	    cmocka_unit_test(test_min_kernel),
	    cmocka_unit_test(test_caps),
	    cmocka_unit_test(test_arches_filter),
	    cmocka_unit_test(test_disabled),
	    cmocka_unit_test(test_prevent_chmod),
	    cmocka_unit_test(test_notify_forbidden_rules),
	    cmocka_unit_test(test_notify_forbidden_default),
	    cmocka_unit_test(test_notify_forbidden_errors),
	    cmocka_unit_test(test_record),
	    cmocka_unit_test(test_default_errno_ret),
	    cmocka_unit_test(test_oci_form),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_file_errors),
	    cmocka_unit_test(test_gen_exact),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
