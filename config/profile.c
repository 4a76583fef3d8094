/*
 * Docker/moby seccomp profiles -> OCI linux.seccomp (see profile.h).
 *
 * Two passes: the JSON becomes a struct profile_doc (every rule with its
 * conditions, validated, errors with JSON paths), then profile_doc_build()
 * keeps the rules whose conditions hold for the given arch, kernel and
 * capabilities, as moby's setupSeccomp() does.
 */
#include "profile.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "spec_json.h"

#include <seccomp.h>

const char *const profile_docker_default_caps[] = {
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_FSETID",
    "CAP_FOWNER",
    "CAP_MKNOD",
    "CAP_NET_RAW",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETFCAP",
    "CAP_SETPCAP",
    "CAP_NET_BIND_SERVICE",
    "CAP_SYS_CHROOT",
    "CAP_KILL",
    "CAP_AUDIT_WRITE",
    NULL,
};

_Static_assert(sizeof(profile_docker_default_caps) / sizeof(profile_docker_default_caps[0]) ==
		   PROFILE_N_DOCKER_DEFAULT_CAPS + 1,
	       "PROFILE_N_DOCKER_DEFAULT_CAPS");

/* OCI name -> the libseccomp/moby name that includes/excludes.arches use. */
static const struct {
	const char *scmp;
	const char *native;
} profile_arches[] = {
    {"SCMP_ARCH_X86", "x86"},
    {"SCMP_ARCH_X86_64", "amd64"},
    {"SCMP_ARCH_X32", "x32"},
    {"SCMP_ARCH_ARM", "arm"},
    {"SCMP_ARCH_AARCH64", "arm64"},
    {"SCMP_ARCH_MIPS", "mips"},
    {"SCMP_ARCH_MIPS64", "mips64"},
    {"SCMP_ARCH_MIPS64N32", "mips64n32"},
    {"SCMP_ARCH_MIPSEL", "mipsel"},
    {"SCMP_ARCH_MIPSEL64", "mipsel64"},
    {"SCMP_ARCH_MIPSEL64N32", "mips3l64n32"}, /* sic: moby's and Docker's profile spelling */
    {"SCMP_ARCH_PPC", "ppc"},
    {"SCMP_ARCH_PPC64", "ppc64"},
    {"SCMP_ARCH_PPC64LE", "ppc64le"},
    {"SCMP_ARCH_S390", "s390"},
    {"SCMP_ARCH_S390X", "s390x"},
    {"SCMP_ARCH_PARISC", "parisc"},
    {"SCMP_ARCH_PARISC64", "parisc64"},
    {"SCMP_ARCH_RISCV64", "riscv64"},
    {"SCMP_ARCH_LOONGARCH64", "loong64"},
    {"SCMP_ARCH_M68K", "m68k"},
    {"SCMP_ARCH_SH", "sh"},
    {"SCMP_ARCH_SHEB", "sheb"},
};

#define PROFILE_ERRNO(e)                                                                           \
	{                                                                                          \
#e, e                                                                              \
	}

/* containers/common's errno names, with this build's numbers. */
static const struct {
	const char *name;
	int value;
} profile_errnos[] = {
    PROFILE_ERRNO(EPERM),	    PROFILE_ERRNO(ENOENT),	 PROFILE_ERRNO(ESRCH),
    PROFILE_ERRNO(EINTR),	    PROFILE_ERRNO(EIO),		 PROFILE_ERRNO(ENXIO),
    PROFILE_ERRNO(E2BIG),	    PROFILE_ERRNO(ENOEXEC),	 PROFILE_ERRNO(EBADF),
    PROFILE_ERRNO(ECHILD),	    PROFILE_ERRNO(EAGAIN),	 PROFILE_ERRNO(ENOMEM),
    PROFILE_ERRNO(EACCES),	    PROFILE_ERRNO(EFAULT),	 PROFILE_ERRNO(ENOTBLK),
    PROFILE_ERRNO(EBUSY),	    PROFILE_ERRNO(EEXIST),	 PROFILE_ERRNO(EXDEV),
    PROFILE_ERRNO(ENODEV),	    PROFILE_ERRNO(ENOTDIR),	 PROFILE_ERRNO(EISDIR),
    PROFILE_ERRNO(EINVAL),	    PROFILE_ERRNO(ENFILE),	 PROFILE_ERRNO(EMFILE),
    PROFILE_ERRNO(ENOTTY),	    PROFILE_ERRNO(ETXTBSY),	 PROFILE_ERRNO(EFBIG),
    PROFILE_ERRNO(ENOSPC),	    PROFILE_ERRNO(ESPIPE),	 PROFILE_ERRNO(EROFS),
    PROFILE_ERRNO(EMLINK),	    PROFILE_ERRNO(EPIPE),	 PROFILE_ERRNO(EDOM),
    PROFILE_ERRNO(ERANGE),	    PROFILE_ERRNO(EDEADLK),	 PROFILE_ERRNO(ENAMETOOLONG),
    PROFILE_ERRNO(ENOLCK),	    PROFILE_ERRNO(ENOSYS),	 PROFILE_ERRNO(ENOTEMPTY),
    PROFILE_ERRNO(ELOOP),	    PROFILE_ERRNO(EWOULDBLOCK),	 PROFILE_ERRNO(ENOMSG),
    PROFILE_ERRNO(EIDRM),	    PROFILE_ERRNO(ECHRNG),	 PROFILE_ERRNO(EL2NSYNC),
    PROFILE_ERRNO(EL3HLT),	    PROFILE_ERRNO(EL3RST),	 PROFILE_ERRNO(ELNRNG),
    PROFILE_ERRNO(EUNATCH),	    PROFILE_ERRNO(ENOCSI),	 PROFILE_ERRNO(EL2HLT),
    PROFILE_ERRNO(EBADE),	    PROFILE_ERRNO(EBADR),	 PROFILE_ERRNO(EXFULL),
    PROFILE_ERRNO(ENOANO),	    PROFILE_ERRNO(EBADRQC),	 PROFILE_ERRNO(EBADSLT),
    PROFILE_ERRNO(EDEADLOCK),	    PROFILE_ERRNO(EBFONT),	 PROFILE_ERRNO(ENOSTR),
    PROFILE_ERRNO(ENODATA),	    PROFILE_ERRNO(ETIME),	 PROFILE_ERRNO(ENOSR),
    PROFILE_ERRNO(ENONET),	    PROFILE_ERRNO(ENOPKG),	 PROFILE_ERRNO(EREMOTE),
    PROFILE_ERRNO(ENOLINK),	    PROFILE_ERRNO(EADV),	 PROFILE_ERRNO(ESRMNT),
    PROFILE_ERRNO(ECOMM),	    PROFILE_ERRNO(EPROTO),	 PROFILE_ERRNO(EMULTIHOP),
    PROFILE_ERRNO(EDOTDOT),	    PROFILE_ERRNO(EBADMSG),	 PROFILE_ERRNO(EOVERFLOW),
    PROFILE_ERRNO(ENOTUNIQ),	    PROFILE_ERRNO(EBADFD),	 PROFILE_ERRNO(EREMCHG),
    PROFILE_ERRNO(ELIBACC),	    PROFILE_ERRNO(ELIBBAD),	 PROFILE_ERRNO(ELIBSCN),
    PROFILE_ERRNO(ELIBMAX),	    PROFILE_ERRNO(ELIBEXEC),	 PROFILE_ERRNO(EILSEQ),
    PROFILE_ERRNO(ERESTART),	    PROFILE_ERRNO(ESTRPIPE),	 PROFILE_ERRNO(EUSERS),
    PROFILE_ERRNO(ENOTSOCK),	    PROFILE_ERRNO(EDESTADDRREQ), PROFILE_ERRNO(EMSGSIZE),
    PROFILE_ERRNO(EPROTOTYPE),	    PROFILE_ERRNO(ENOPROTOOPT),	 PROFILE_ERRNO(EPROTONOSUPPORT),
    PROFILE_ERRNO(ESOCKTNOSUPPORT), PROFILE_ERRNO(EOPNOTSUPP),	 PROFILE_ERRNO(ENOTSUP),
    PROFILE_ERRNO(EPFNOSUPPORT),    PROFILE_ERRNO(EAFNOSUPPORT), PROFILE_ERRNO(EADDRINUSE),
    PROFILE_ERRNO(EADDRNOTAVAIL),   PROFILE_ERRNO(ENETDOWN),	 PROFILE_ERRNO(ENETUNREACH),
    PROFILE_ERRNO(ENETRESET),	    PROFILE_ERRNO(ECONNABORTED), PROFILE_ERRNO(ECONNRESET),
    PROFILE_ERRNO(ENOBUFS),	    PROFILE_ERRNO(EISCONN),	 PROFILE_ERRNO(ENOTCONN),
    PROFILE_ERRNO(ESHUTDOWN),	    PROFILE_ERRNO(ETOOMANYREFS), PROFILE_ERRNO(ETIMEDOUT),
    PROFILE_ERRNO(ECONNREFUSED),    PROFILE_ERRNO(EHOSTDOWN),	 PROFILE_ERRNO(EHOSTUNREACH),
    PROFILE_ERRNO(EALREADY),	    PROFILE_ERRNO(EINPROGRESS),	 PROFILE_ERRNO(ESTALE),
    PROFILE_ERRNO(EUCLEAN),	    PROFILE_ERRNO(ENOTNAM),	 PROFILE_ERRNO(ENAVAIL),
    PROFILE_ERRNO(EISNAM),	    PROFILE_ERRNO(EREMOTEIO),	 PROFILE_ERRNO(EDQUOT),
    PROFILE_ERRNO(ENOMEDIUM),	    PROFILE_ERRNO(EMEDIUMTYPE),	 PROFILE_ERRNO(ECANCELED),
    PROFILE_ERRNO(ENOKEY),	    PROFILE_ERRNO(EKEYEXPIRED),	 PROFILE_ERRNO(EKEYREVOKED),
    PROFILE_ERRNO(EKEYREJECTED),    PROFILE_ERRNO(EOWNERDEAD),	 PROFILE_ERRNO(ENOTRECOVERABLE),
    PROFILE_ERRNO(ERFKILL),	    PROFILE_ERRNO(EHWPOISON),
};

#define PROFILE_LEN(a)	  (sizeof(a) / sizeof((a)[0]))
#define PROFILE_KV_SYNTAX "expected \"<kernel>.<major>\""

/* A kernel version as moby's KernelVersion: the "3.12" of "3.12.25-gentoo". */
struct profile_kver {
	unsigned int kernel;
	unsigned int major;
};

/* includes / excludes. */
struct profile_filter {
	char **caps;
	size_t n_caps;
	char **arches;
	size_t n_arches;
	bool has_min_kernel;
	struct profile_kver min_kernel;
};

struct profile_rule {
	struct spec_seccomp_syscall sc;
	struct profile_filter includes;
	struct profile_filter excludes;
};

struct profile_arch_map {
	char *arch;
	char **subs;
	size_t n_subs;
};

struct profile_doc {
	struct spec_seccomp *base; /* everything but the syscalls */
	bool has_default_action;
	struct profile_arch_map *arch_map;
	size_t n_arch_map;
	struct profile_rule *rules;
	size_t n_rules;
};

/* What the rules are checked against. */
struct profile_host {
	const char *name;
	const struct profile_opts *o;
	const char *arch; /* native name ("amd64"); NULL: matches nothing */
	bool has_kernel;
	struct profile_kver kernel;
};

/* ---- tables ---- */

const char *profile_arch_native_name(const char *scmp_arch)
{
	for (size_t i = 0; scmp_arch && i < PROFILE_LEN(profile_arches); i++)
		if (!strcmp(profile_arches[i].scmp, scmp_arch))
			return profile_arches[i].native;
	return NULL;
}

int profile_errno_from_name(const char *name)
{
	for (size_t i = 0; name && i < PROFILE_LEN(profile_errnos); i++)
		if (!strcmp(profile_errnos[i].name, name))
			return profile_errnos[i].value;
	return -1;
}

/* ---- freeing ---- */

static void profile_filter_free(struct profile_filter *f)
{
	spec_strv_free(f->caps, f->n_caps);
	spec_strv_free(f->arches, f->n_arches);
}

static void profile_rule_free(struct profile_rule *r)
{
	spec_strv_free(r->sc.names, r->sc.n_names);
	free(r->sc.args);
	profile_filter_free(&r->includes);
	profile_filter_free(&r->excludes);
}

static void profile_doc_free(struct profile_doc *d)
{
	if (!d)
		return;
	spec_seccomp_free(d->base);
	for (size_t i = 0; i < d->n_arch_map; i++) {
		free(d->arch_map[i].arch);
		spec_strv_free(d->arch_map[i].subs, d->arch_map[i].n_subs);
	}
	free(d->arch_map);
	for (size_t i = 0; i < d->n_rules; i++)
		profile_rule_free(&d->rules[i]);
	free(d->rules);
	free(d);
}

static void profile_doc_free_any(void *p)
{
	profile_doc_free(p);
}

static void profile_doc_freep(struct profile_doc **d)
{
	profile_doc_free(*d);
}

static void profile_seccomp_freep(struct spec_seccomp **s)
{
	spec_seccomp_free(*s);
}

/* ---- small parsers ---- */

static int profile_oom(struct spec_ctx *c)
{
	return shim_error(c->err, ENOMEM, "%s: out of memory", c->name);
}

/* An action name at `key`; *set is false when the key is absent or "". */
static int profile_parse_action(struct spec_ctx *c, yajl_val v, const char *key, int *out,
				bool *set)
{
	yajl_val s = json_get(v, key);

	*set = false;
	if (!s)
		return 0;
	if (!YAJL_IS_STRING(s))
		return spec_fail_at(c, key, "expected a string");
	if (!s->u.string[0])
		return 0;
	*out = spec_seccomp_action_from_name(s->u.string);
	if (*out < 0)
		return spec_fail_at(c, key, "unknown action \"%s\"", s->u.string);
	*set = true;
	return 0;
}

static int profile_parse_op(struct spec_ctx *c, yajl_val v, enum spec_seccomp_op *out)
{
	yajl_val s = json_get(v, "op");
	int op;

	if (!s)
		return spec_fail_at(c, "op", "required field missing");
	if (!YAJL_IS_STRING(s))
		return spec_fail_at(c, "op", "expected a string");
	op = spec_seccomp_op_from_name(s->u.string);
	if (op < 0)
		return spec_fail_at(c, "op", "unknown operator \"%s\"", s->u.string);
	*out = (enum spec_seccomp_op)op;
	return 0;
}

/* containers/common: a name ("ENOSYS") or a number in a string; "" is absent. */
static int profile_parse_errno_name(struct spec_ctx *c, yajl_val v, const char *key, spec_u64 *out)
{
	yajl_val s = json_get(v, key);
	const char *t;
	char *end;
	int n;

	if (!s)
		return 0;
	if (!YAJL_IS_STRING(s))
		return spec_fail_at(c, key, "expected a string");
	t = s->u.string;
	if (!t[0])
		return 0;
	if (t[0] >= '0' && t[0] <= '9') {
		unsigned long long x;

		errno = 0;
		x = strtoull(t, &end, 10);
		if (*end || errno == ERANGE || x > UINT32_MAX)
			return spec_fail_at(c, key, "unknown errno \"%s\"", t);
		out->set = true;
		out->v = x;
		return 0;
	}
	n = profile_errno_from_name(t);
	if (n < 0)
		return spec_fail_at(c, key, "unknown errno \"%s\"", t);
	out->set = true;
	out->v = (uint64_t)n;
	return 0;
}

static bool profile_action_takes_errno(enum spec_seccomp_action a)
{
	return a == SPEC_SCMP_ACT_ERRNO || a == SPEC_SCMP_ACT_TRACE;
}

/* `num_key` (errnoRet) then `name_key` (errno), which wins when both are there. */
static int profile_parse_errno(struct spec_ctx *c, yajl_val v, const char *num_key,
			       const char *name_key, bool has_action, enum spec_seccomp_action a,
			       spec_u64 *out)
{
	spec_u64 named = {0};

	TRY(json_key_opt_u64(c, v, num_key, UINT32_MAX, out));
	TRY(profile_parse_errno_name(c, v, name_key, &named));
	if (named.set)
		*out = named;
	if (out->set && has_action && !profile_action_takes_errno(a))
		return spec_fail_at(c, named.set ? name_key : num_key,
				    "only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE");
	return 0;
}

static int profile_check_names(struct spec_ctx *c, const char *key, char **v, size_t n,
			       const char *const *known, const char *what)
{
	for (size_t i = 0; i < n; i++) {
		if (spec_strv_contains(known, v[i]))
			continue;
		spec_push_key(c, key);
		spec_push_index(c, i);
		return spec_fail(c, "unknown %s \"%s\"", what, v[i]);
	}
	return 0;
}

static int profile_parse_arches(struct spec_ctx *c, yajl_val v, const char *key, char ***out,
				size_t *n)
{
	TRY(json_key_strv(c, v, key, out, n));
	return profile_check_names(c, key, *out, *n, spec_seccomp_arch_names, "architecture");
}

/* ---- kernel versions ---- */

/* One moby KernelVersion part: ParseUint(s, 10, 8). */
static bool profile_kver_part(const char *s, size_t n, unsigned int *out)
{
	unsigned int x = 0;

	if (!n)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		x = x * 10 + (unsigned int)(s[i] - '0');
		if (x > 255)
			return false;
	}
	*out = x;
	return true;
}

/* minKernel: "<kernel>.<major>", not "0.0"; "" is 0.0 (always reached). */
static bool profile_kver_parse_min(const char *s, struct profile_kver *out)
{
	const char *dot = strchr(s, '.');

	*out = (struct profile_kver){0};
	if (!s[0])
		return true;
	if (!dot || strchr(dot + 1, '.'))
		return false;
	if (!profile_kver_part(s, (size_t)(dot - s), &out->kernel) ||
	    !profile_kver_part(dot + 1, strlen(dot + 1), &out->major))
		return false;
	return out->kernel || out->major;
}

/* A release as uname(2) gives it: "6.18.44-foo" is 6.18 (Sscanf "%d.%d"). */
static bool profile_kver_parse_release(const char *s, struct profile_kver *out)
{
	unsigned long a, b;
	char *end;

	if (!s || s[0] < '0' || s[0] > '9')
		return false;
	errno = 0;
	a = strtoul(s, &end, 10);
	if (*end != '.' || end[1] < '0' || end[1] > '9' || errno == ERANGE)
		return false;
	b = strtoul(end + 1, &end, 10);
	if (errno == ERANGE || a > UINT32_MAX || b > UINT32_MAX)
		return false;
	out->kernel = (unsigned int)a;
	out->major = (unsigned int)b;
	return true;
}

static bool profile_kver_ge(const struct profile_kver *have, const struct profile_kver *want)
{
	if (have->kernel != want->kernel)
		return have->kernel > want->kernel;
	return have->major >= want->major;
}

static int profile_parse_min_kernel(struct spec_ctx *c, yajl_val v, struct profile_filter *f)
{
	yajl_val s = json_get(v, "minKernel");

	if (!s)
		return 0;
	if (!YAJL_IS_STRING(s))
		return spec_fail_at(c, "minKernel", "invalid kernel version, " PROFILE_KV_SYNTAX);
	if (!profile_kver_parse_min(s->u.string, &f->min_kernel))
		return spec_fail_at(c, "minKernel",
				    "invalid kernel version \"%s\", " PROFILE_KV_SYNTAX,
				    s->u.string);
	f->has_min_kernel = true;
	return 0;
}

/* ---- the profile ---- */

static int profile_parse_filter(struct spec_ctx *c, yajl_val v, void *dst)
{
	struct profile_filter *f = dst;

	TRY(json_key_strv(c, v, "caps", &f->caps, &f->n_caps));
	TRY(json_key_strv(c, v, "arches", &f->arches, &f->n_arches));
	return profile_parse_min_kernel(c, v, f);
}

static int profile_parse_arg(struct spec_ctx *c, yajl_val v, void *dst)
{
	struct spec_seccomp_arg *a = dst;
	uint64_t index;
	bool set = false;

	TRY(json_key_u64(c, v, "index", 5, &index, NULL));
	a->index = (uint32_t)index;
	TRY(json_key_u64(c, v, "value", UINT64_MAX, &a->value, NULL));
	TRY(json_key_u64(c, v, "valueTwo", UINT64_MAX, &a->value_two, &set));
	return profile_parse_op(c, v, &a->op);
}

/* "names", or moby's legacy "name" (one syscall); not both. */
static int profile_parse_names(struct spec_ctx *c, yajl_val v, struct spec_seccomp_syscall *sc)
{
	_cleanup_free_ char *name = NULL;
	char **list;

	TRY(json_key_strv(c, v, "names", &sc->names, &sc->n_names));
	TRY(json_key_str(c, v, "name", &name));
	if (name && name[0]) {
		if (sc->n_names)
			return spec_fail_at(c, "name",
					    "'name' and 'names' were specified in the seccomp "
					    "profile, use either 'name' or 'names'");
		list = calloc(2, sizeof(*list));
		if (!list)
			return profile_oom(c);
		list[0] = TAKE_PTR(name);
		spec_strv_free(sc->names, sc->n_names);
		sc->names = list;
		sc->n_names = 1;
		return 0;
	}
	if (!sc->names)
		return spec_fail_at(c, "names", "required field missing");
	if (!sc->n_names)
		return spec_fail_at(c, "names", "must not be empty");
	return 0;
}

static int profile_parse_rule(struct spec_ctx *c, yajl_val v, void *dst)
{
	struct profile_rule *r = dst;
	int action = 0;
	bool set;

	TRY(profile_parse_names(c, v, &r->sc));
	TRY(profile_parse_action(c, v, "action", &action, &set));
	if (!set)
		return spec_fail_at(c, "action", "required field missing");
	r->sc.action = (enum spec_seccomp_action)action;
	TRY(profile_parse_errno(c, v, "errnoRet", "errno", true, r->sc.action, &r->sc.errno_ret));
	TRY(json_key_array(c, v, "args", sizeof(*r->sc.args), profile_parse_arg,
			   (void **)&r->sc.args, &r->sc.n_args));
	TRY(json_key_object(c, v, "includes", false, profile_parse_filter, &r->includes));
	return json_key_object(c, v, "excludes", false, profile_parse_filter, &r->excludes);
}

static int profile_parse_arch_map(struct spec_ctx *c, yajl_val v, void *dst)
{
	struct profile_arch_map *m = dst;

	TRY(json_key_str_req(c, v, "architecture", &m->arch));
	if (!spec_strv_contains(spec_seccomp_arch_names, m->arch))
		return spec_fail_at(c, "architecture", "unknown architecture \"%s\"", m->arch);
	return profile_parse_arches(c, v, "subArchitectures", &m->subs, &m->n_subs);
}

static int profile_parse_default(struct spec_ctx *c, yajl_val v, struct profile_doc *d)
{
	struct spec_seccomp *s = d->base;
	int action = 0;

	TRY(profile_parse_action(c, v, "defaultAction", &action, &d->has_default_action));
	s->default_action = (enum spec_seccomp_action)action;
	if (d->has_default_action && s->default_action == SPEC_SCMP_ACT_NOTIFY)
		return spec_fail_at(c, "defaultAction", "SCMP_ACT_NOTIFY cannot be the default");
	return profile_parse_errno(c, v, "defaultErrnoRet", "defaultErrno", d->has_default_action,
				   s->default_action, &s->default_errno_ret);
}

static int profile_parse_architectures(struct spec_ctx *c, yajl_val v, struct profile_doc *d)
{
	struct spec_seccomp *s = d->base;

	TRY(profile_parse_arches(c, v, "architectures", &s->architectures, &s->n_architectures));
	TRY(json_key_array(c, v, "archMap", sizeof(*d->arch_map), profile_parse_arch_map,
			   (void **)&d->arch_map, &d->n_arch_map));
	if (s->n_architectures && d->n_arch_map)
		return spec_fail(c, "'architectures' and 'archMap' were specified in the seccomp "
				    "profile, use either 'architectures' or 'archMap'");
	return 0;
}

static int profile_parse_flags(struct spec_ctx *c, yajl_val v, struct spec_seccomp *s)
{
	TRY(json_key_strv(c, v, "flags", &s->flags, &s->n_flags));
	s->has_flags = s->flags != NULL;
	return profile_check_names(c, "flags", s->flags, s->n_flags, spec_seccomp_flag_names,
				   "flag");
}

static int profile_parse_listener(struct spec_ctx *c, yajl_val v, struct spec_seccomp *s)
{
	TRY(json_key_str(c, v, "listenerPath", &s->listener_path));
	if (s->listener_path && s->listener_path[0] != '/')
		return spec_fail_at(c, "listenerPath", "must be an absolute path");
	return json_key_str(c, v, "listenerMetadata", &s->listener_metadata);
}

/* As config/spec_seccomp.c: NOTIFY needs listenerPath and never covers write(2). */
static int profile_check_notify(struct spec_ctx *c, const struct profile_doc *d)
{
	for (size_t i = 0; i < d->n_rules; i++) {
		const struct spec_seccomp_syscall *sc = &d->rules[i].sc;
		size_t mark;

		if (sc->action != SPEC_SCMP_ACT_NOTIFY)
			continue;
		mark = spec_push_key(c, "syscalls");
		spec_push_index(c, i);
		for (size_t j = 0; j < sc->n_names; j++) {
			if (strcmp(sc->names[j], "write"))
				continue;
			spec_push_key(c, "names");
			spec_push_index(c, j);
			return spec_fail(c, "SCMP_ACT_NOTIFY cannot be used for the write syscall");
		}
		if (!d->base->listener_path)
			return spec_fail_at(c, "action", "SCMP_ACT_NOTIFY needs listenerPath");
		spec_pop(c, mark);
	}
	return 0;
}

static int profile_parse_doc(struct spec_ctx *c, yajl_val v, void *dst)
{
	struct profile_doc *d = dst;

	d->base = calloc(1, sizeof(*d->base));
	if (!d->base)
		return profile_oom(c);
	TRY(profile_parse_default(c, v, d));
	TRY(profile_parse_architectures(c, v, d));
	TRY(profile_parse_flags(c, v, d->base));
	TRY(profile_parse_listener(c, v, d->base));
	TRY(json_key_array(c, v, "syscalls", sizeof(*d->rules), profile_parse_rule,
			   (void **)&d->rules, &d->n_rules));
	if (!d->has_default_action && d->n_rules)
		return spec_fail_at(c, "defaultAction", "required field missing");
	return profile_check_notify(c, d);
}

/* ---- conditions ---- */

static bool profile_strv_has(char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; s && i < n; i++)
		if (!strcmp(v[i], s))
			return true;
	return false;
}

static bool profile_host_has_cap(const struct profile_host *h, const char *cap)
{
	for (size_t i = 0; i < h->o->n_caps; i++)
		if (h->o->caps[i] && !strcmp(h->o->caps[i], cap))
			return true;
	return false;
}

/* Is the host kernel >= f->min_kernel? Fails when there is no usable release. */
static int profile_host_kernel_ge(const struct profile_host *h, const struct profile_filter *f,
				  size_t rule, const char *which, bool *ge, struct shim_err *err)
{
	const char *rel = h->o->kernel_release;

	if (!h->has_kernel)
		return shim_error(err, EINVAL,
				  "%s: syscalls[%zu].%s.minKernel: cannot compare with kernel "
				  "release \"%s\": expected \"<kernel>.<major>[...]\"",
				  h->name, rule, which, rel ? rel : "");
	*ge = profile_kver_ge(&h->kernel, &f->min_kernel);
	return 0;
}

/* moby's order: excludes (arches, caps, minKernel), then includes (the same). */
static int profile_rule_excluded(const struct profile_host *h, const struct profile_rule *r,
				 size_t i, bool *drop, struct shim_err *err)
{
	const struct profile_filter *f = &r->excludes;
	bool ge = false;

	*drop = true;
	if (profile_strv_has(f->arches, f->n_arches, h->arch))
		return 0;
	for (size_t k = 0; k < f->n_caps; k++)
		if (profile_host_has_cap(h, f->caps[k]))
			return 0;
	if (f->has_min_kernel) {
		TRY(profile_host_kernel_ge(h, f, i, "excludes", &ge, err));
		if (ge)
			return 0;
	}
	*drop = false;
	return 0;
}

static int profile_rule_not_included(const struct profile_host *h, const struct profile_rule *r,
				     size_t i, bool *drop, struct shim_err *err)
{
	const struct profile_filter *f = &r->includes;
	bool ge = true;

	*drop = true;
	if (f->n_arches && !profile_strv_has(f->arches, f->n_arches, h->arch))
		return 0;
	for (size_t k = 0; k < f->n_caps; k++)
		if (!profile_host_has_cap(h, f->caps[k]))
			return 0;
	if (f->has_min_kernel) {
		TRY(profile_host_kernel_ge(h, f, i, "includes", &ge, err));
		if (!ge)
			return 0;
	}
	*drop = false;
	return 0;
}

static int profile_rule_wanted(const struct profile_host *h, const struct profile_rule *r, size_t i,
			       bool *keep, struct shim_err *err)
{
	bool drop;

	*keep = false;
	TRY(profile_rule_excluded(h, r, i, &drop, err));
	if (drop)
		return 0;
	TRY(profile_rule_not_included(h, r, i, &drop, err));
	*keep = !drop;
	return 0;
}

/* ---- the result ---- */

static int profile_strv_append(char ***v, size_t *n, const char *s)
{
	char **nv = realloc(*v, (*n + 2) * sizeof(**v));

	if (!nv)
		return -ENOMEM;
	*v = nv;
	nv[*n] = strdup(s);
	if (!nv[*n])
		return -ENOMEM;
	nv[++*n] = NULL;
	return 0;
}

/* The native arch's archMap entry: the arch, then its sub-arches. */
static int profile_add_arch_map(const struct profile_doc *d, const struct profile_host *h,
				struct spec_seccomp *s, struct shim_err *err)
{
	const struct profile_arch_map *m = NULL;

	for (size_t i = 0; h->o->native_arch && i < d->n_arch_map && !m; i++)
		if (!strcmp(d->arch_map[i].arch, h->o->native_arch))
			m = &d->arch_map[i];
	if (!m)
		return 0;
	if (profile_strv_append(&s->architectures, &s->n_architectures, m->arch) < 0)
		return shim_error(err, ENOMEM, "%s: out of memory", h->name);
	for (size_t i = 0; i < m->n_subs; i++)
		if (profile_strv_append(&s->architectures, &s->n_architectures, m->subs[i]) < 0)
			return shim_error(err, ENOMEM, "%s: out of memory", h->name);
	return 0;
}

/* Moves the wanted rules from `d` into s->syscalls. */
static int profile_add_syscalls(struct profile_doc *d, const struct profile_host *h,
				struct spec_seccomp *s, struct shim_err *err)
{
	bool keep;

	if (!d->n_rules)
		return 0;
	s->syscalls = calloc(d->n_rules, sizeof(*s->syscalls));
	if (!s->syscalls)
		return shim_error(err, ENOMEM, "%s: out of memory", h->name);
	for (size_t i = 0; i < d->n_rules; i++) {
		TRY(profile_rule_wanted(h, &d->rules[i], i, &keep, err));
		if (!keep)
			continue;
		s->syscalls[s->n_syscalls++] = d->rules[i].sc;
		memset(&d->rules[i].sc, 0, sizeof(d->rules[i].sc));
	}
	if (!s->n_syscalls) {
		free(s->syscalls);
		s->syscalls = NULL;
	}
	return 0;
}

static int profile_doc_build(struct profile_doc *d, const struct profile_host *h,
			     struct spec_seccomp **out, struct shim_err *err)
{
	__attribute__((cleanup(profile_seccomp_freep))) struct spec_seccomp *s = NULL;

	*out = NULL;
	if (!d->has_default_action && !d->n_rules)
		return 0; /* moby: no default action and no syscalls is "unconfined" */
	s = TAKE_PTR(d->base);
	TRY(profile_add_arch_map(d, h, s, err));
	TRY(profile_add_syscalls(d, h, s, err));
	*out = TAKE_PTR(s);
	return 0;
}

int profile_parse_docker(const char *data, size_t len, const char *name,
			 const struct profile_opts *o, struct spec_seccomp **out,
			 struct shim_err *err)
{
	__attribute__((cleanup(profile_doc_freep))) struct profile_doc *d = NULL;
	static const struct profile_opts none = {0};
	struct profile_host h = {.name = name, .o = o ? o : &none};

	*out = NULL;
	TRY(spec_json_run(data, len, name, sizeof(*d), profile_parse_doc, profile_doc_free_any,
			  (void **)&d, err));
	h.arch = profile_arch_native_name(h.o->native_arch);
	h.has_kernel = profile_kver_parse_release(h.o->kernel_release, &h.kernel);
	return profile_doc_build(d, &h, out, err);
}

int profile_parse_docker_file(const char *path, const struct profile_opts *o,
			      struct spec_seccomp **out, struct shim_err *err)
{
	_cleanup_free_ char *data = NULL;
	size_t len;

	*out = NULL;
	TRY(spec_json_read_file(path, &data, &len, err));
	return profile_parse_docker(data, len, path, o, out, err);
}

/* ---- the forbidden-syscall notifier ---- */

static bool profile_action_blocks(enum spec_seccomp_action a)
{
	return a == SPEC_SCMP_ACT_KILL || a == SPEC_SCMP_ACT_KILL_PROCESS ||
	       a == SPEC_SCMP_ACT_KILL_THREAD || a == SPEC_SCMP_ACT_TRAP ||
	       a == SPEC_SCMP_ACT_ERRNO;
}

/* What the agent answers: the rule's own errno, so that the workload sees no change. */
static unsigned long long profile_blocked_errno(enum spec_seccomp_action a, const spec_u64 *ret)
{
	return a == SPEC_SCMP_ACT_ERRNO && ret->set ? ret->v : EPERM;
}

static bool profile_names_syscall(const struct spec_seccomp *s, const char *name)
{
	for (size_t i = 0; i < s->n_syscalls; i++)
		if (profile_strv_has(s->syscalls[i].names, s->syscalls[i].n_names, name))
			return true;
	return false;
}

/* The highest native syscall number the profile names: the ENOSYS stub's line. */
static int profile_max_native_nr(const struct spec_seccomp *s)
{
	int max = -1;

	for (size_t i = 0; i < s->n_syscalls; i++)
		for (size_t j = 0; j < s->syscalls[i].n_names; j++) {
			int nr = seccomp_syscall_resolve_name(s->syscalls[i].names[j]);
			if (nr > max)
				max = nr;
		}
	return max;
}

/*
 * The syscalls the default action blocks, as one NOTIFY rule: every native
 * syscall up to the stub's line that no rule names. write is left out (the
 * kernel cannot notify it for the runtime).
 */
static int profile_add_default_notify(struct spec_seccomp *s)
{
	struct spec_seccomp_syscall rule = {.action = SPEC_SCMP_ACT_NOTIFY};
	struct spec_seccomp_syscall *v;
	int max = profile_max_native_nr(s);

	for (int nr = 0; nr <= max; nr++) {
		_cleanup_free_ char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);

		if (!name || !strcmp(name, "write") || profile_names_syscall(s, name))
			continue;
		if (profile_strv_append(&rule.names, &rule.n_names, name) < 0)
			goto oom;
	}
	if (!rule.n_names)
		return 0;
	v = realloc(s->syscalls, (s->n_syscalls + 1) * sizeof(*v));
	if (!v)
		goto oom;
	s->syscalls = v;
	s->syscalls[s->n_syscalls++] = rule;
	return 0;
oom:
	for (size_t i = 0; i < rule.n_names; i++)
		free(rule.names[i]);
	free(rule.names);
	return -ENOMEM;
}

static int profile_metadata_add(char **md, const char *name, unsigned long long e)
{
	char *next = NULL;

	if (asprintf(&next, "%s,%s=%llu", *md, name, e) < 0)
		return -ENOMEM;
	free(*md);
	*md = next;
	return 0;
}

/* Blocking rules become NOTIFY; their errnos go to the metadata when not the default's. */
static int profile_notify_rules(struct spec_seccomp *s, unsigned long long def, char **md)
{
	for (size_t i = 0; i < s->n_syscalls; i++) {
		struct spec_seccomp_syscall *sc = &s->syscalls[i];
		unsigned long long e = profile_blocked_errno(sc->action, &sc->errno_ret);

		/* ENOSYS rules stand for "not there" (clone3 -> clone), not "forbidden". */
		if (!profile_action_blocks(sc->action) || e == ENOSYS ||
		    profile_strv_has(sc->names, sc->n_names, "write"))
			continue;
		for (size_t j = 0; e != def && j < sc->n_names; j++)
			if (profile_metadata_add(md, sc->names[j], e) < 0)
				return -ENOMEM;
		sc->action = SPEC_SCMP_ACT_NOTIFY;
		sc->errno_ret = (spec_u64){0};
	}
	return 0;
}

int profile_notify_forbidden(struct spec_seccomp *s, const char *listener_path,
			     struct shim_err *err)
{
	unsigned long long def = profile_blocked_errno(s->default_action, &s->default_errno_ret);
	_cleanup_free_ char *md = NULL;

	if (!listener_path || listener_path[0] != '/')
		return shim_error(err, EINVAL,
				  "notify-forbidden: the socket path must be absolute");
	if (s->listener_path)
		return shim_error(err, EINVAL,
				  "notify-forbidden: the profile has a listenerPath already (%s)",
				  s->listener_path);
	if (asprintf(&md, "%s%llu", PROFILE_FORBIDDEN_METADATA, def) < 0)
		return shim_error(err, ENOMEM, "out of memory");
	if (profile_notify_rules(s, def, &md) < 0)
		return shim_error(err, ENOMEM, "out of memory");
	/* Runtimes refuse NOTIFY as the default action: name what it blocks instead. */
	if (profile_action_blocks(s->default_action) && def != ENOSYS &&
	    profile_add_default_notify(s) < 0)
		return shim_error(err, ENOMEM, "out of memory");
	s->listener_path = strdup(listener_path);
	free(s->listener_metadata);
	s->listener_metadata = take_ptr(&md);
	if (!s->listener_path)
		return shim_error(err, ENOMEM, "out of memory");
	return 0;
}

/* ---- recording ---- */

/* libseccomp's highest syscall number on any arch is below this. */
#define PROFILE_MAX_NR 1024

int profile_record(const char *listener_path, struct spec_seccomp **out, struct shim_err *err)
{
	struct spec_seccomp_syscall *rule;
	struct spec_seccomp *s;

	*out = NULL;
	if (!listener_path || listener_path[0] != '/')
		return shim_error(err, EINVAL, "record: the socket path must be absolute");
	s = calloc(1, sizeof(*s));
	rule = s ? calloc(1, sizeof(*rule)) : NULL;
	if (!rule)
		goto oom;
	s->default_action = SPEC_SCMP_ACT_ALLOW;
	s->syscalls = rule;
	s->n_syscalls = 1;
	rule->action = SPEC_SCMP_ACT_NOTIFY;
	for (int nr = 0; nr < PROFILE_MAX_NR; nr++) {
		_cleanup_free_ char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);

		if (name && strcmp(name, "write") &&
		    profile_strv_append(&rule->names, &rule->n_names, name) < 0)
			goto oom;
	}
	s->listener_path = strdup(listener_path);
	s->listener_metadata = strdup(PROFILE_RECORD_METADATA);
	if (!s->listener_path || !s->listener_metadata)
		goto oom;
	*out = s;
	return 0;
oom:
	spec_seccomp_free(s);
	return shim_error(err, ENOMEM, "out of memory");
}
