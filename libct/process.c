#include "libct/process.h"

#include <linux/keyctl.h>
#include <sys/syscall.h>
#include "libct/utils.h"

#include <ctype.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>

static const struct {
	const char *name;
	int resource;
} rlimit_table[] = {
    {"RLIMIT_AS", RLIMIT_AS},
    {"RLIMIT_CORE", RLIMIT_CORE},
    {"RLIMIT_CPU", RLIMIT_CPU},
    {"RLIMIT_DATA", RLIMIT_DATA},
    {"RLIMIT_FSIZE", RLIMIT_FSIZE},
    {"RLIMIT_LOCKS", RLIMIT_LOCKS},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
    {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_NOFILE", RLIMIT_NOFILE},
    {"RLIMIT_NPROC", RLIMIT_NPROC},
    {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
    {"RLIMIT_RTTIME", RLIMIT_RTTIME},
    {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_STACK", RLIMIT_STACK},
};

static int proc_rlimit_from_name(const char *name)
{
	for (size_t i = 0; i < sizeof(rlimit_table) / sizeof(rlimit_table[0]); i++)
		if (!strcmp(rlimit_table[i].name, name))
			return rlimit_table[i].resource;
	return -1;
}

/* -1 for a name libcap does not know; -2 for one this kernel lacks (skipped). */
static int proc_cap_from_name(const char *name)
{
	char lower[64];
	cap_value_t v;
	size_t i;

	for (i = 0; name[i] && i < sizeof(lower) - 1; i++)
		lower[i] = tolower((unsigned char)name[i]);
	lower[i] = '\0';
	if (cap_from_name(lower, &v) < 0)
		return -1;
	if (v > cap_max_bits() - 1)
		return -2;
	return v;
}

static int proc_validate_caps(char **list, size_t n, const char *kind, struct shim_err *err)
{
	for (size_t i = 0; i < n; i++)
		if (proc_cap_from_name(list[i]) == -1)
			return shim_error(err, EINVAL,
					  "process.capabilities.%s[%zu]: unknown capability \"%s\"",
					  kind, i, list[i]);
	return 0;
}

int proc_validate(const struct spec_process *p, struct shim_err *err)
{
	const struct spec_capabilities *c = p->capabilities;
	int r = 0;

	for (size_t i = 0; i < p->n_rlimits; i++)
		if (proc_rlimit_from_name(p->rlimits[i].type) < 0)
			return shim_error(err, EINVAL,
					  "process.rlimits[%zu].type: unknown rlimit \"%s\"", i,
					  p->rlimits[i].type);
	if (!c)
		return 0;
	if (!r)
		r = proc_validate_caps(c->bounding, c->n_bounding, "bounding", err);
	if (!r)
		r = proc_validate_caps(c->effective, c->n_effective, "effective", err);
	if (!r)
		r = proc_validate_caps(c->permitted, c->n_permitted, "permitted", err);
	if (!r)
		r = proc_validate_caps(c->inheritable, c->n_inheritable, "inheritable", err);
	if (!r)
		r = proc_validate_caps(c->ambient, c->n_ambient, "ambient", err);
	return r;
}

int proc_apply_rlimits(const struct spec_process *p, struct shim_err *err)
{
	for (size_t i = 0; i < p->n_rlimits; i++) {
		struct rlimit rl = {.rlim_cur = p->rlimits[i].soft, .rlim_max = p->rlimits[i].hard};
		int res = proc_rlimit_from_name(p->rlimits[i].type);

		if (setrlimit(res, &rl) < 0)
			return shim_error_sys(err, errno, "setrlimit %s (soft %llu, hard %llu)",
					      p->rlimits[i].type, (unsigned long long)rl.rlim_cur,
					      (unsigned long long)rl.rlim_max);
	}
	return 0;
}

int proc_apply_oom_score_adj(const struct spec_process *p, struct shim_err *err)
{
	char buf[32];
	int n;

	if (!p->oom_score_adj.set)
		return 0;
	n = snprintf(buf, sizeof(buf), "%lld", (long long)p->oom_score_adj.v);
	return util_write_file("/proc/self/oom_score_adj", buf, n, err);
}

int proc_apply_personality(const struct spec_linux *l, struct shim_err *err)
{
	unsigned long persona;

	if (!l || !l->personality || !l->personality->domain)
		return 0;
	if (!strcmp(l->personality->domain, "LINUX"))
		persona = PER_LINUX;
	else if (!strcmp(l->personality->domain, "LINUX32"))
		persona = PER_LINUX32;
	else
		return shim_error(err, EINVAL, "linux.personality.domain: unknown domain \"%s\"",
				  l->personality->domain);
	if (personality(persona) < 0)
		return shim_error_sys(err, errno, "personality %s", l->personality->domain);
	return 0;
}

static bool proc_caps_contain(char **list, size_t n, int cap)
{
	for (size_t i = 0; i < n; i++)
		if (proc_cap_from_name(list[i]) == cap)
			return true;
	return false;
}

int proc_drop_bounding(const struct spec_process *p, struct shim_err *err)
{
	const struct spec_capabilities *c = p->capabilities;
	int last = cap_max_bits() - 1;

	for (int cap = 0; cap <= last; cap++) {
		if (c && proc_caps_contain(c->bounding, c->n_bounding, cap))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
			return shim_error_sys(err, errno,
					      "drop capability %s from the bounding set",
					      cap_to_name(cap));
	}
	return 0;
}

int proc_set_user(const struct spec_process *p, struct shim_err *err)
{
	const struct spec_user *u = &p->user;

	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return shim_error_sys(err, errno, "prctl(PR_SET_KEEPCAPS)");
	if (setgroups(u->n_additional_gids, (gid_t *)u->additional_gids) < 0 && errno != EPERM)
		return shim_error_sys(err, errno, "setgroups");
	if (setresgid(u->gid, u->gid, u->gid) < 0)
		return shim_error_sys(err, errno, "setgid %u", u->gid);
	if (setresuid(u->uid, u->uid, u->uid) < 0)
		return shim_error_sys(err, errno, "setuid %u", u->uid);
	if (u->umask.set)
		umask(u->umask.v);
	return 0;
}

static int proc_set_flag(cap_t caps, cap_flag_t flag, char **list, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int v = proc_cap_from_name(list[i]);
		cap_value_t cv = v;

		if (v < 0)
			continue;
		if (cap_set_flag(caps, flag, 1, &cv, CAP_SET) < 0)
			return -errno;
	}
	return 0;
}

int proc_apply_caps(const struct spec_process *p, struct shim_err *err)
{
	const struct spec_capabilities *c = p->capabilities;
	cap_t caps = cap_init();
	int r = 0;

	if (!caps)
		return shim_error_sys(err, errno, "cap_init");
	if (c) {
		r = proc_set_flag(caps, CAP_EFFECTIVE, c->effective, c->n_effective);
		if (!r)
			r = proc_set_flag(caps, CAP_PERMITTED, c->permitted, c->n_permitted);
		if (!r)
			r = proc_set_flag(caps, CAP_INHERITABLE, c->inheritable, c->n_inheritable);
	}
	if (!r && cap_set_proc(caps) < 0)
		r = -errno;
	cap_free(caps);
	if (r < 0)
		return shim_error_sys(err, -r, "set capabilities");
	if (cap_reset_ambient() < 0 && errno != EINVAL)
		return shim_error_sys(err, errno, "reset ambient capabilities");
	for (size_t i = 0; c && i < c->n_ambient; i++) {
		int v = proc_cap_from_name(c->ambient[i]);
		if (v < 0)
			continue;
		/* runc ignores ambient caps the other sets do not allow. */
		if (cap_set_ambient(v, CAP_SET) < 0 && errno != EPERM)
			return shim_error_sys(err, errno, "set ambient capability %s",
					      c->ambient[i]);
	}
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return shim_error_sys(err, errno, "prctl(PR_SET_KEEPCAPS)");
	return 0;
}

static bool proc_is_executable(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111);
}

int proc_find_executable(const struct spec_process *p, char *out, size_t size, struct shim_err *err)
{
	const char *name = p->args[0];
	const char *path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

	if (strchr(name, '/')) {
		if (snprintf(out, size, "%s", name) >= (int)size)
			return shim_error(err, ENAMETOOLONG, "exec: %s: name too long", name);
		if (access(out, F_OK) < 0)
			return shim_error_sys(err, errno, "exec: \"%s\"", name);
		return 0;
	}
	for (size_t i = 0; i < p->n_env; i++)
		if (!strncmp(p->env[i], "PATH=", 5))
			path = p->env[i] + 5;
	while (*path) {
		size_t len = strcspn(path, ":");
		if (snprintf(out, size, "%.*s/%s", (int)(len ? len : 1), len ? path : ".", name) <
			(int)size &&
		    proc_is_executable(out))
			return 0;
		path += len;
		if (*path == ':')
			path++;
	}
	return shim_error(err, ENOENT, "exec: \"%s\": executable file not found in $PATH", name);
}

int proc_enter_cwd(const struct spec_process *p, struct shim_err *err)
{
	char buf[PATH_MAX];

	if (chdir(p->cwd) < 0)
		return shim_error_sys(err, errno, "chdir to cwd (\"%s\") set in config.json failed",
				      p->cwd);
	/* A cwd reached through a leaked fd is "(unreachable)" or fails with ENOENT. */
	if (!getcwd(buf, sizeof(buf)) || buf[0] != '/')
		return shim_error(err, EPERM,
				  "current working directory is outside of container mount "
				  "namespace root -- possible container breakout detected");
	return 0;
}

char **proc_build_env(const struct spec_process *p)
{
	size_t n = p->n_env;
	char **env;

	for (size_t i = 0; i < p->n_env; i++)
		if (!strncmp(p->env[i], "HOME=", 5))
			return p->env;
	env = calloc(n + 2, sizeof(char *));
	if (!env)
		return NULL;
	memcpy(env, p->env, n * sizeof(char *));
	{
		_cleanup_free_ char *home = NULL;
		/* runc: the container's /etc/passwd, "/" for a uid it does not list. */
		util_passwd_lookup("/etc/passwd", p->user.uid, NULL, &home);
		env[n] = util_strdup_printf("HOME=%s", home && home[0] ? home : "/");
	}
	return env;
}

char *proc_caps_json(void)
{
	size_t cap = 4096, len = 0;
	char *out = malloc(cap);

	if (!out)
		return NULL;
	len += snprintf(out, cap, "[");
	for (int i = 0; i < cap_max_bits() && len < cap - 64; i++) {
		char *name = cap_to_name(i);
		len += snprintf(out + len, cap - len, "%s\"", i ? ", " : "");
		for (char *p = name; p && *p && len < cap - 8; p++)
			out[len++] = toupper((unsigned char)*p);
		len += snprintf(out + len, cap - len, "\"");
		cap_free(name);
	}
	snprintf(out + len, cap - len, "]");
	return out;
}

/* KEY_USR_SEARCH: the key's user may find it (runc's 0x080000). */
#define PROC_KEY_USR_SEARCH 0x080000u

static int proc_keyring_perm(long key, unsigned int *perm)
{
	char desc[512];
	long n = syscall(SYS_keyctl, KEYCTL_DESCRIBE, key, desc, sizeof(desc) - 1);
	char *p;

	if (n < 0)
		return -errno;
	desc[n < (long)sizeof(desc) ? n : (long)sizeof(desc) - 1] = '\0';
	/* "type;uid;gid;perm;description", perm in hex. */
	p = desc;
	for (int i = 0; i < 3 && p; i++)
		p = strchr(p + 1, ';');
	if (!p || sscanf(p + 1, "%x", perm) != 1)
		return -EINVAL;
	return 0;
}

int proc_join_session_keyring(const char *id, struct shim_err *err)
{
	char name[256];
	unsigned int perm;
	long key;
	int r;

	snprintf(name, sizeof(name), "_ses.%s", id);
	key = syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, name);
	if (key < 0 && errno == ENOSYS)
		return 0;
	if (key < 0)
		return shim_error_sys(err, errno, "join session keyring %s", name);
	r = proc_keyring_perm(key, &perm);
	if (r < 0)
		return shim_error_sys(err, -r, "describe session keyring %s", name);
	if (syscall(SYS_keyctl, KEYCTL_SETPERM, key, perm | PROC_KEY_USR_SEARCH) < 0)
		return shim_error_sys(err, errno, "set the permissions of session keyring %s",
				      name);
	return 0;
}
