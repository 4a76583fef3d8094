/*
 * shim seccomp-profile: a Docker/moby or Kubernetes (Localhost/RuntimeDefault)
 * seccomp profile -> OCI linux.seccomp for this host (config/profile.h).
 *
 *   shim seccomp-profile [--caps-from CONFIG.json] [--cap CAP]... [--arch SCMP_ARCH_X]
 *                        [--kernel RELEASE] [--compact] [--set-into CONFIG.json] PROFILE.json
 *   shim seccomp-profile --unconfined [--set-into CONFIG.json]
 *
 * Defaults: the arch this binary was built for (moby uses its own GOARCH the
 * same way), uname -r, and Docker's default capabilities unless --caps-from
 * (process.capabilities.bounding) or --cap give the set (their union).
 *
 * Without --set-into the object goes to stdout ("null" when the profile turns
 * seccomp off). With --set-into, that config.json gets the object as its
 * linux.seccomp (or loses linux.seccomp: --unconfined, or a profile with no
 * defaultAction and no syscalls), through a temporary file and rename(2).
 * Everything else is kept: keys, their order, strings and numbers as written;
 * the layout becomes tab-indented, as `shim spec` writes it.
 */
#include "shim/cli.h"
#include "config/cleanup.h"
#include "config/profile.h"
#include "config/seccomp_gen.h"
#include "config/spec.h"
#include "libct/utils.h"

#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#define SECCOMP_TRY(expr)                                                                          \
	do {                                                                                       \
		int _r = (expr);                                                                   \
		if (_r < 0)                                                                        \
			return _r;                                                                 \
	} while (0)

struct seccomp_cli {
	const char *caps_from;
	char **caps; /* from --cap, normalised to CAP_* */
	size_t n_caps;
	const char *arch;
	const char *kernel;
	const char *set_into;
	const char *notify_forbidden;
	const char *record;
	const char *profile;
	bool unconfined;
	bool compact;
};

static void seccomp_cli_free(struct seccomp_cli *o)
{
	for (size_t i = 0; i < o->n_caps; i++)
		free(o->caps[i]);
	free(o->caps);
}

static void seccomp_spec_freep(struct spec **s)
{
	spec_free(*s);
}

static void seccomp_seccomp_freep(struct spec_seccomp **s)
{
	spec_seccomp_free(*s);
}

static void seccomp_yajl_freep(yajl_val *v)
{
	yajl_tree_free(*v);
}

static void seccomp_gen_freep(yajl_gen *g)
{
	if (*g)
		yajl_gen_free(*g);
}

/* The arch this binary runs as, like moby's runtime.GOARCH. */
static const char *seccomp_native_arch(void)
{
#if defined(__x86_64__) && defined(__ILP32__)
	return "SCMP_ARCH_X32";
#elif defined(__x86_64__)
	return "SCMP_ARCH_X86_64";
#elif defined(__i386__)
	return "SCMP_ARCH_X86";
#elif defined(__aarch64__)
	return "SCMP_ARCH_AARCH64";
#elif defined(__arm__)
	return "SCMP_ARCH_ARM";
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return "SCMP_ARCH_PPC64LE";
#elif defined(__powerpc64__)
	return "SCMP_ARCH_PPC64";
#elif defined(__powerpc__)
	return "SCMP_ARCH_PPC";
#elif defined(__s390x__)
	return "SCMP_ARCH_S390X";
#elif defined(__s390__)
	return "SCMP_ARCH_S390";
#elif defined(__riscv) && __riscv_xlen == 64
	return "SCMP_ARCH_RISCV64";
#elif defined(__loongarch64)
	return "SCMP_ARCH_LOONGARCH64";
#elif defined(__mips__) && defined(_ABI64) && _MIPS_SIM == _ABI64
	return __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? "SCMP_ARCH_MIPSEL64"
							 : "SCMP_ARCH_MIPS64";
#elif defined(__mips__) && defined(_ABIN32) && _MIPS_SIM == _ABIN32
	return __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? "SCMP_ARCH_MIPSEL64N32"
							 : "SCMP_ARCH_MIPS64N32";
#elif defined(__mips__)
	return __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? "SCMP_ARCH_MIPSEL" : "SCMP_ARCH_MIPS";
#else
	return NULL;
#endif
}

/* "sys_admin" and "SYS_ADMIN" become "CAP_SYS_ADMIN". */
static int seccomp_caps_add(char ***v, size_t *n, const char *cap)
{
	bool prefixed = !strncasecmp(cap, "CAP_", 4);
	char **nv = realloc(*v, (*n + 2) * sizeof(**v));
	char *s;

	if (!nv)
		return -ENOMEM;
	*v = nv;
	s = util_strdup_printf("%s%s", prefixed ? "" : "CAP_", cap);
	if (!s)
		return -ENOMEM;
	for (char *p = s; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	nv[(*n)++] = s;
	nv[*n] = NULL;
	return 0;
}

static void seccomp_usage(FILE *f)
{
	fprintf(f,
		"usage: shim seccomp-profile [options] PROFILE.json\n"
		"       shim seccomp-profile --unconfined [--set-into CONFIG.json]\n\n"
		"Converts a Docker/moby seccomp profile (archMap, includes/excludes) or an OCI\n"
		"linux.seccomp object into linux.seccomp for this host. Kubernetes: Localhost\n"
		"and RuntimeDefault are a PROFILE.json path, Unconfined is --unconfined.\n\n"
		"  --caps-from CONFIG  capabilities from its process.capabilities.bounding\n"
		"  --cap CAP           a capability (repeatable; with --caps-from: added)\n"
		"                      (neither: Docker's default capabilities)\n"
		"  --arch SCMP_ARCH_X  native architecture (default: %s)\n"
		"  --kernel RELEASE    kernel release for minKernel (default: uname -r)\n"
		"  --set-into CONFIG   write linux.seccomp into CONFIG instead of stdout\n"
		"  --unconfined        no seccomp: remove linux.seccomp (prints null)\n"
		"  --compact           one-line JSON on stdout\n"
		"  --notify-forbidden SOCKET\n"
		"                      report blocked syscalls instead of only blocking them:\n"
		"                      they go to the seccomp agent at SOCKET (notify-agent),\n"
		"                      which logs them and returns what the profile would\n"
		"  --record SOCKET     no PROFILE: a profile that lets everything through the\n"
		"                      agent at SOCKET, which writes what the container used\n"
		"                      as a profile when it ends\n",
		seccomp_native_arch() ? seccomp_native_arch() : "unknown");
}

enum {
	OPT_CAPS_FROM = 256,
	OPT_CAP,
	OPT_ARCH,
	OPT_KERNEL,
	OPT_SET_INTO,
	OPT_UNCONFINED,
	OPT_COMPACT,
	OPT_NOTIFY_FORBIDDEN,
	OPT_RECORD,
	OPT_HELP
};

static int seccomp_parse_opt(struct cli *g, struct seccomp_cli *o, int c)
{
	switch (c) {
	case OPT_CAPS_FROM:
		o->caps_from = optarg;
		return 0;
	case OPT_CAP:
		if (seccomp_caps_add(&o->caps, &o->n_caps, optarg) < 0)
			return cli_failf(g, "out of memory");
		return 0;
	case OPT_ARCH:
		o->arch = optarg;
		return 0;
	case OPT_KERNEL:
		o->kernel = optarg;
		return 0;
	case OPT_SET_INTO:
		o->set_into = optarg;
		return 0;
	case OPT_UNCONFINED:
		o->unconfined = true;
		return 0;
	case OPT_COMPACT:
		o->compact = true;
		return 0;
	case OPT_NOTIFY_FORBIDDEN:
		o->notify_forbidden = optarg;
		return 0;
	case OPT_RECORD:
		o->record = optarg;
		return 0;
	case OPT_HELP:
		seccomp_usage(stdout);
		exit(0);
	default:
		seccomp_usage(stderr);
		return 1;
	}
}

static bool seccomp_arch_known(const char *arch)
{
	for (const char *const *p = spec_seccomp_arch_names; *p; p++)
		if (!strcmp(*p, arch))
			return true;
	return false;
}

static int seccomp_parse_args(struct cli *g, int argc, char **argv, struct seccomp_cli *o)
{
	static const struct option opts[] = {
	    {"caps-from", required_argument, NULL, OPT_CAPS_FROM},
	    {"cap", required_argument, NULL, OPT_CAP},
	    {"arch", required_argument, NULL, OPT_ARCH},
	    {"kernel", required_argument, NULL, OPT_KERNEL},
	    {"set-into", required_argument, NULL, OPT_SET_INTO},
	    {"unconfined", no_argument, NULL, OPT_UNCONFINED},
	    {"compact", no_argument, NULL, OPT_COMPACT},
	    {"notify-forbidden", required_argument, NULL, OPT_NOTIFY_FORBIDDEN},
	    {"record", required_argument, NULL, OPT_RECORD},
	    {"help", no_argument, NULL, OPT_HELP},
	    {0},
	};
	int c;

	while ((c = getopt_long_only(argc, argv, "+h", opts, NULL)) != -1)
		if (seccomp_parse_opt(g, o, c == 'h' ? OPT_HELP : c))
			return 1;
	if (o->arch && !seccomp_arch_known(o->arch))
		return cli_failf(g, "seccomp-profile: --arch: unknown architecture \"%s\"",
				 o->arch);
	if (o->unconfined || o->record) {
		if (optind < argc)
			return cli_failf(g, "seccomp-profile: --%s takes no profile",
					 o->record ? "record" : "unconfined");
		return 0;
	}
	if (optind + 1 != argc)
		return cli_failf(g, "seccomp-profile: expected one PROFILE.json (see --help)");
	o->profile = argv[optind];
	return 0;
}

/* The bounding set of `path`'s process, added to o->caps. */
static int seccomp_caps_from(const char *path, struct seccomp_cli *o, struct shim_err *err)
{
	__attribute__((cleanup(seccomp_spec_freep))) struct spec *s = NULL;
	const struct spec_capabilities *caps;

	SECCOMP_TRY(spec_parse_file(path, &s, err));
	caps = s->process ? s->process->capabilities : NULL;
	for (size_t i = 0; caps && i < caps->n_bounding; i++)
		if (seccomp_caps_add(&o->caps, &o->n_caps, caps->bounding[i]) < 0)
			return shim_error(err, ENOMEM, "out of memory");
	if (!o->caps) /* an empty set, not "use the defaults" */
		o->caps = calloc(1, sizeof(*o->caps));
	return o->caps ? 0 : shim_error(err, ENOMEM, "out of memory");
}

static int seccomp_convert(struct seccomp_cli *o, struct spec_seccomp **out, struct shim_err *err)
{
	struct profile_opts po = {0};
	struct utsname u;

	if (o->caps_from)
		SECCOMP_TRY(seccomp_caps_from(o->caps_from, o, err));
	if (o->caps) {
		po.caps = (const char *const *)o->caps;
		po.n_caps = o->n_caps;
	} else {
		po.caps = profile_docker_default_caps;
		po.n_caps = PROFILE_N_DOCKER_DEFAULT_CAPS;
	}
	po.native_arch = o->arch ? o->arch : seccomp_native_arch();
	po.kernel_release = o->kernel;
	if (!po.kernel_release && uname(&u) == 0)
		po.kernel_release = u.release;
	return profile_parse_docker_file(o->profile, &po, out, err);
}

/* ---- --set-into: the config re-emitted with linux.seccomp replaced ---- */

static int seccomp_emit_str(yajl_gen g, const char *s)
{
	return yajl_gen_string(g, (const unsigned char *)s, strlen(s)) == yajl_gen_status_ok
		   ? 0
		   : -EINVAL;
}

static int seccomp_emit_value(yajl_gen g, yajl_val v);

static int seccomp_emit_object(yajl_gen g, yajl_val v)
{
	if (yajl_gen_map_open(g) != yajl_gen_status_ok)
		return -EINVAL;
	for (size_t i = 0; i < v->u.object.len; i++) {
		SECCOMP_TRY(seccomp_emit_str(g, v->u.object.keys[i]));
		SECCOMP_TRY(seccomp_emit_value(g, v->u.object.values[i]));
	}
	return yajl_gen_map_close(g) == yajl_gen_status_ok ? 0 : -EINVAL;
}

static int seccomp_emit_array(yajl_gen g, yajl_val v)
{
	if (yajl_gen_array_open(g) != yajl_gen_status_ok)
		return -EINVAL;
	for (size_t i = 0; i < v->u.array.len; i++)
		SECCOMP_TRY(seccomp_emit_value(g, v->u.array.values[i]));
	return yajl_gen_array_close(g) == yajl_gen_status_ok ? 0 : -EINVAL;
}

/* Numbers keep their text; spec_parse_data has bounded the depth already. */
static int seccomp_emit_value(yajl_gen g, yajl_val v)
{
	yajl_gen_status st;

	if (YAJL_IS_OBJECT(v))
		return seccomp_emit_object(g, v);
	if (YAJL_IS_ARRAY(v))
		return seccomp_emit_array(g, v);
	if (YAJL_IS_STRING(v))
		return seccomp_emit_str(g, v->u.string);
	if (YAJL_IS_NUMBER(v))
		st = yajl_gen_number(g, v->u.number.r, strlen(v->u.number.r));
	else if (YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v))
		st = yajl_gen_bool(g, YAJL_IS_TRUE(v));
	else
		st = yajl_gen_null(g);
	return st == yajl_gen_status_ok ? 0 : -EINVAL;
}

/* `lx`, the linux object (NULL: none), with "seccomp" set to `s`, or dropped when `s` is NULL. */
static int seccomp_emit_linux(yajl_gen g, yajl_val lx, const struct spec_seccomp *s)
{
	bool done = false;

	if (yajl_gen_map_open(g) != yajl_gen_status_ok)
		return -EINVAL;
	for (size_t i = 0; lx && i < lx->u.object.len; i++) {
		const char *key = lx->u.object.keys[i];

		if (!strcmp(key, "seccomp")) {
			if (s && !done)
				SECCOMP_TRY(seccomp_emit_str(g, key));
			if (s && !done)
				SECCOMP_TRY(seccomp_gen_emit(g, s));
			done = true;
			continue;
		}
		SECCOMP_TRY(seccomp_emit_str(g, key));
		SECCOMP_TRY(seccomp_emit_value(g, lx->u.object.values[i]));
	}
	if (s && !done) {
		SECCOMP_TRY(seccomp_emit_str(g, "seccomp"));
		SECCOMP_TRY(seccomp_gen_emit(g, s));
	}
	return yajl_gen_map_close(g) == yajl_gen_status_ok ? 0 : -EINVAL;
}

static int seccomp_emit_config(yajl_gen g, yajl_val root, const struct spec_seccomp *s)
{
	bool done = false;

	if (yajl_gen_map_open(g) != yajl_gen_status_ok)
		return -EINVAL;
	for (size_t i = 0; i < root->u.object.len; i++) {
		const char *key = root->u.object.keys[i];
		yajl_val v = root->u.object.values[i];

		SECCOMP_TRY(seccomp_emit_str(g, key));
		if (strcmp(key, "linux") || (!YAJL_IS_OBJECT(v) && !s)) {
			SECCOMP_TRY(seccomp_emit_value(g, v));
			continue;
		}
		SECCOMP_TRY(seccomp_emit_linux(g, YAJL_IS_OBJECT(v) ? v : NULL, s));
		done = true;
	}
	if (s && !done) {
		SECCOMP_TRY(seccomp_emit_str(g, "linux"));
		SECCOMP_TRY(seccomp_emit_linux(g, NULL, s));
	}
	return yajl_gen_map_close(g) == yajl_gen_status_ok ? 0 : -EINVAL;
}

/* The new text of config `data` (validated by the caller), newline-terminated. */
static int seccomp_config_text(const char *path, const char *data, size_t len,
			       const struct spec_seccomp *s, char **out, struct shim_err *err)
{
	__attribute__((cleanup(seccomp_yajl_freep))) yajl_val root = NULL;
	__attribute__((cleanup(seccomp_gen_freep))) yajl_gen g = NULL;
	_cleanup_free_ char *text = strndup(data, len);
	const unsigned char *buf;
	char ebuf[256];
	size_t n;

	if (!text)
		return shim_error(err, ENOMEM, "out of memory");
	root = yajl_tree_parse(text, ebuf, sizeof(ebuf));
	if (!YAJL_IS_OBJECT(root))
		return shim_error(err, EINVAL, "%s: expected a JSON object", path);
	g = yajl_gen_alloc(NULL);
	if (!g)
		return shim_error(err, ENOMEM, "out of memory");
	yajl_gen_config(g, yajl_gen_beautify, 1);
	yajl_gen_config(g, yajl_gen_indent_string, "\t");
	if (seccomp_emit_config(g, root, s) < 0 ||
	    yajl_gen_get_buf(g, &buf, &n) != yajl_gen_status_ok)
		return shim_error(err, EINVAL, "%s: cannot write the new JSON", path);
	while (n && buf[n - 1] == '\n')
		n--;
	*out = util_strdup_printf("%.*s\n", (int)n, (const char *)buf);
	return *out ? 0 : shim_error(err, ENOMEM, "out of memory");
}

/* The result must still be a config shim accepts, with the intended seccomp. */
static int seccomp_config_check(const char *path, const char *text, struct shim_err *err)
{
	__attribute__((cleanup(seccomp_spec_freep))) struct spec *s = NULL;

	if (spec_parse_data(text, strlen(text), path, &s, err) < 0)
		return shim_error_wrap(err, "seccomp-profile: the rewritten config is invalid");
	return 0;
}

static int seccomp_set_into(const char *path, const struct spec_seccomp *s, struct shim_err *err)
{
	__attribute__((cleanup(seccomp_spec_freep))) struct spec *old = NULL;
	_cleanup_free_ char *data = NULL, *text = NULL;
	struct stat st;
	size_t len;

	SECCOMP_TRY(util_read_file(path, &data, &len, err));
	SECCOMP_TRY(spec_parse_data(data, len, path, &old, err));
	if (stat(path, &st) < 0)
		return shim_error_sys(err, errno, "stat %s", path);
	SECCOMP_TRY(seccomp_config_text(path, data, len, s, &text, err));
	SECCOMP_TRY(seccomp_config_check(path, text, err));
	return util_write_file_durable(path, text, strlen(text), st.st_mode & 07777, err);
}

static int seccomp_print(const struct spec_seccomp *s, bool compact, struct shim_err *err)
{
	_cleanup_free_ char *json = NULL;

	if (!s) {
		puts("null");
		return 0;
	}
	json = seccomp_gen_json(s, !compact);
	if (!json)
		return shim_error(err, ENOMEM, "seccomp-profile: cannot write the JSON");
	if (puts(json) < 0 || fflush(stdout) != 0)
		return shim_error_sys(err, errno, "seccomp-profile: write stdout");
	return 0;
}

int cmd_seccomp_profile(struct cli *g, int argc, char **argv)
{
	__attribute__((cleanup(seccomp_cli_free))) struct seccomp_cli o = {0};
	__attribute__((cleanup(seccomp_seccomp_freep))) struct spec_seccomp *s = NULL;
	struct shim_err err = {0};

	if (seccomp_parse_args(g, argc, argv, &o))
		return 1;
	if (o.record && profile_record(o.record, &s, &err) < 0)
		return cli_fail(g, &err);
	if (!o.unconfined && !o.record && seccomp_convert(&o, &s, &err) < 0)
		return cli_fail(g, &err);
	if (s && o.notify_forbidden && profile_notify_forbidden(s, o.notify_forbidden, &err) < 0)
		return cli_fail(g, &err);
	if (o.set_into && seccomp_set_into(o.set_into, s, &err) < 0)
		return cli_fail(g, &err);
	if (!o.set_into && seccomp_print(s, o.compact, &err) < 0)
		return cli_fail(g, &err);
	return 0;
}
