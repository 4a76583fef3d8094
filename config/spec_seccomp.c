/* linux.seccomp: validated against static tables only; libct/ talks to libseccomp. */
#include "spec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spec_json.h"

static const char *const spec_seccomp_actions[] = {
    [SPEC_SCMP_ACT_KILL] = "SCMP_ACT_KILL",
    [SPEC_SCMP_ACT_KILL_PROCESS] = "SCMP_ACT_KILL_PROCESS",
    [SPEC_SCMP_ACT_KILL_THREAD] = "SCMP_ACT_KILL_THREAD",
    [SPEC_SCMP_ACT_TRAP] = "SCMP_ACT_TRAP",
    [SPEC_SCMP_ACT_ERRNO] = "SCMP_ACT_ERRNO",
    [SPEC_SCMP_ACT_TRACE] = "SCMP_ACT_TRACE",
    [SPEC_SCMP_ACT_ALLOW] = "SCMP_ACT_ALLOW",
    [SPEC_SCMP_ACT_LOG] = "SCMP_ACT_LOG",
    [SPEC_SCMP_ACT_NOTIFY] = "SCMP_ACT_NOTIFY",
};

#define SPEC_N_ACTIONS (sizeof(spec_seccomp_actions) / sizeof(spec_seccomp_actions[0]))

static const char *const spec_seccomp_ops[] = {
    [SPEC_SCMP_CMP_NE] = "SCMP_CMP_NE",
    [SPEC_SCMP_CMP_LT] = "SCMP_CMP_LT",
    [SPEC_SCMP_CMP_LE] = "SCMP_CMP_LE",
    [SPEC_SCMP_CMP_EQ] = "SCMP_CMP_EQ",
    [SPEC_SCMP_CMP_GE] = "SCMP_CMP_GE",
    [SPEC_SCMP_CMP_GT] = "SCMP_CMP_GT",
    [SPEC_SCMP_CMP_MASKED_EQ] = "SCMP_CMP_MASKED_EQ",
};

#define SPEC_N_OPS (sizeof(spec_seccomp_ops) / sizeof(spec_seccomp_ops[0]))

const char *const spec_seccomp_arch_names[] = {
    "SCMP_ARCH_X86",	 "SCMP_ARCH_X86_64",   "SCMP_ARCH_X32",		"SCMP_ARCH_ARM",
    "SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS",     "SCMP_ARCH_MIPS64",	"SCMP_ARCH_MIPS64N32",
    "SCMP_ARCH_MIPSEL",	 "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",
    "SCMP_ARCH_PPC64",	 "SCMP_ARCH_PPC64LE",  "SCMP_ARCH_S390",	"SCMP_ARCH_S390X",
    "SCMP_ARCH_PARISC",	 "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64",	"SCMP_ARCH_LOONGARCH64",
    "SCMP_ARCH_M68K",	 "SCMP_ARCH_SH",       "SCMP_ARCH_SHEB",	NULL,
};

const char *const spec_seccomp_flag_names[] = {
    "SECCOMP_FILTER_FLAG_TSYNC",
    "SECCOMP_FILTER_FLAG_LOG",
    "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
    "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
    NULL,
};

int spec_seccomp_action_from_name(const char *name)
{
	for (size_t i = 0; name && i < SPEC_N_ACTIONS; i++)
		if (!strcmp(name, spec_seccomp_actions[i]))
			return (int)i;
	return -1;
}

const char *spec_seccomp_action_name(enum spec_seccomp_action a)
{
	return (unsigned int)a < SPEC_N_ACTIONS ? spec_seccomp_actions[a] : NULL;
}

int spec_seccomp_op_from_name(const char *name)
{
	for (size_t i = 0; name && i < SPEC_N_OPS; i++)
		if (!strcmp(name, spec_seccomp_ops[i]))
			return (int)i;
	return -1;
}

const char *spec_seccomp_op_name(enum spec_seccomp_op op)
{
	return (unsigned int)op < SPEC_N_OPS ? spec_seccomp_ops[op] : NULL;
}

/* Reads a required name from `key` and maps it through `lookup`. */
static int spec_parse_enum(struct spec_ctx *c, yajl_val v, const char *key,
			   int (*lookup)(const char *), const char *what, int *out)
{
	yajl_val s = json_get(v, key);

	if (!s)
		return spec_fail_at(c, key, "required field missing");
	if (!YAJL_IS_STRING(s))
		return spec_fail_at(c, key, "expected a string");
	*out = lookup(s->u.string);
	if (*out < 0)
		return spec_fail_at(c, key, "unknown %s \"%s\"", what, s->u.string);
	return 0;
}

static bool spec_action_takes_errno(enum spec_seccomp_action a)
{
	return a == SPEC_SCMP_ACT_ERRNO || a == SPEC_SCMP_ACT_TRACE;
}

/* SECCOMP_RET_DATA holds 16 bits: libseccomp would silently truncate more. */
#define SPEC_SECCOMP_ERRNO_MAX 0xffff

static int spec_parse_errno_ret(struct spec_ctx *c, yajl_val v, const char *key,
				enum spec_seccomp_action a, spec_u64 *out)
{
	TRY(json_key_opt_u64(c, v, key, SPEC_SECCOMP_ERRNO_MAX, out));
	if (out->set && !spec_action_takes_errno(a))
		return spec_fail_at(c, key, "only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE");
	return 0;
}

static int spec_parse_seccomp_arg(struct spec_ctx *c, yajl_val v, void *dst)
{
	struct spec_seccomp_arg *a = dst;
	uint64_t index;
	bool set;
	int op = 0;

	TRY(json_key_u64(c, v, "index", 5, &index, NULL));
	a->index = (uint32_t)index;
	TRY(json_key_u64(c, v, "value", UINT64_MAX, &a->value, NULL));
	TRY(json_key_u64(c, v, "valueTwo", UINT64_MAX, &a->value_two, &set));
	TRY(spec_parse_enum(c, v, "op", spec_seccomp_op_from_name, "operator", &op));
	a->op = (enum spec_seccomp_op)op;
	return 0;
}

static int spec_parse_syscall_names(struct spec_ctx *c, yajl_val v, struct spec_seccomp_syscall *sc)
{
	TRY(json_key_strv(c, v, "names", &sc->names, &sc->n_names));
	if (!sc->names)
		return spec_fail_at(c, "names", "required field missing");
	if (!sc->n_names)
		return spec_fail_at(c, "names", "must not be empty");
	return 0;
}

static int spec_parse_syscall(struct spec_ctx *c, yajl_val v, void *dst)
{
	struct spec_seccomp_syscall *sc = dst;
	int action = 0;

	TRY(spec_parse_syscall_names(c, v, sc));
	TRY(spec_parse_enum(c, v, "action", spec_seccomp_action_from_name, "action", &action));
	sc->action = (enum spec_seccomp_action)action;
	TRY(spec_parse_errno_ret(c, v, "errnoRet", sc->action, &sc->errno_ret));
	return json_key_array(c, v, "args", sizeof(*sc->args), spec_parse_seccomp_arg,
			      (void **)&sc->args, &sc->n_args);
}

static int spec_check_names(struct spec_ctx *c, const char *key, char **v, size_t n,
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

/*
 * SCMP_ACT_NOTIFY hands the listener fd to listenerPath; runc also refuses
 * it for write(2), which its own notify plumbing needs.
 */
static int spec_check_notify(struct spec_ctx *c, const struct spec_seccomp *s)
{
	char want[sizeof(c->path) + 16];

	snprintf(want, sizeof(want), "%s%slistenerPath", c->path, c->len ? "." : "");
	for (size_t i = 0; i < s->n_syscalls; i++) {
		const struct spec_seccomp_syscall *sc = &s->syscalls[i];

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
		if (!s->listener_path)
			return spec_fail_at(c, "action", "SCMP_ACT_NOTIFY needs %s", want);
		spec_pop(c, mark);
	}
	return 0;
}

static int spec_parse_seccomp_default(struct spec_ctx *c, yajl_val v, struct spec_seccomp *s)
{
	int action = 0;

	TRY(spec_parse_enum(c, v, "defaultAction", spec_seccomp_action_from_name, "action",
			    &action));
	s->default_action = (enum spec_seccomp_action)action;
	if (s->default_action == SPEC_SCMP_ACT_NOTIFY)
		return spec_fail_at(c, "defaultAction", "SCMP_ACT_NOTIFY cannot be the default");
	return spec_parse_errno_ret(c, v, "defaultErrnoRet", s->default_action,
				    &s->default_errno_ret);
}

static int spec_parse_listener(struct spec_ctx *c, yajl_val v, struct spec_seccomp *s)
{
	TRY(json_key_str(c, v, "listenerPath", &s->listener_path));
	if (s->listener_path && s->listener_path[0] != '/')
		return spec_fail_at(c, "listenerPath", "must be an absolute path");
	return json_key_str(c, v, "listenerMetadata", &s->listener_metadata);
}

int spec_parse_seccomp(struct spec_ctx *c, yajl_val v, void *dst)
{
	struct spec_seccomp *s = dst;

	TRY(spec_parse_seccomp_default(c, v, s));
	TRY(json_key_strv(c, v, "architectures", &s->architectures, &s->n_architectures));
	TRY(spec_check_names(c, "architectures", s->architectures, s->n_architectures,
			     spec_seccomp_arch_names, "architecture"));
	TRY(json_key_strv(c, v, "flags", &s->flags, &s->n_flags));
	s->has_flags = s->flags != NULL;
	TRY(spec_check_names(c, "flags", s->flags, s->n_flags, spec_seccomp_flag_names, "flag"));
	TRY(spec_parse_listener(c, v, s));
	TRY(json_key_array(c, v, "syscalls", sizeof(*s->syscalls), spec_parse_syscall,
			   (void **)&s->syscalls, &s->n_syscalls));
	return spec_check_notify(c, s);
}

void spec_seccomp_free(struct spec_seccomp *s)
{
	if (!s)
		return;
	spec_strv_free(s->architectures, s->n_architectures);
	spec_strv_free(s->flags, s->n_flags);
	free(s->listener_path);
	free(s->listener_metadata);
	for (size_t i = 0; i < s->n_syscalls; i++) {
		spec_strv_free(s->syscalls[i].names, s->syscalls[i].n_names);
		free(s->syscalls[i].args);
	}
	free(s->syscalls);
	free(s);
}
