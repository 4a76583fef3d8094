/* Global options, logging and dispatch. */
#include "shim/cli.h"
#include "libct/cloned_binary.h"
#include "libct/utils.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SHIM_VERSION "0.1.0"

/* synopsis NULL: the command prints its own --help. */
static const struct {
	const char *name;
	cli_cmd_fn fn;
	const char *usage;
	const char *synopsis;
} commands[] = {
    {"create", cmd_create, "create a container", NULL},
    {"delete", cmd_delete, "delete any resources held by the container",
     "[--force|-f] <container-id>"},
    {"events", cmd_events, "display container events such as OOM notifications and stats",
     "[--stats] [--interval 5s] <container-id>"},
    {"exec", cmd_exec, "execute new process inside the container",
     "[--process FILE | --tty --cwd DIR --env K=V --user UID[:GID] --cap CAP\n"
     "       --no-new-privs --preserve-fds N] [--detach] [--pid-file FILE]\n"
     "       [--console-socket SOCK] <container-id> [command [args...]]"},
    {"features", cmd_features, "show the enabled features", ""},
    {"kill", cmd_kill, "send a signal to the container's init process",
     "[--all|-a] <container-id> [signal (name or number; default TERM)]"},
    {"list", cmd_list, "lists containers started by shim with the given root",
     "[--quiet|-q] [--format table|json]"},
    {"pause", cmd_pause, "pause all processes inside the container", "<container-id>"},
    {"ps", cmd_ps, "ps displays the processes running inside a container",
     "[--format table|json] <container-id>"},
    {"resume", cmd_resume, "resumes all processes that have been previously paused",
     "<container-id>"},
    {"run", cmd_run, "create and run a container", NULL},
    {"seccomp-profile", cmd_seccomp_profile,
     "convert a Docker/Kubernetes seccomp profile to OCI linux.seccomp", NULL},
    {"spec", cmd_spec, "create a new specification file", "[--bundle DIR] [--rootless]"},
    {"start", cmd_start, "executes the user defined process in a created container",
     "<container-id>"},
    {"state", cmd_state, "output the state of a container", "<container-id>"},
    {"update", cmd_update, "update container resource constraints",
     "[--resources FILE|-] [--memory N] [--memory-swap N] [--memory-reservation N]\n"
     "       [--cpu-share N] [--cpu-quota N] [--cpu-period N] [--cpuset-cpus L]\n"
     "       [--cpuset-mems L] [--pids-limit N] ... <container-id>"},
};

static void log_time(char *buf, size_t size)
{
	struct timespec ts;
	struct tm tm;
	size_t n;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, size - n, ".%09ldZ", ts.tv_nsec);
}

static void log_json_escape(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = *s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
}

static const char *const level_names[] = {"error", "warning", "info", "debug"};

void cli_log(struct cli *g, enum ct_log_level level, const char *msg)
{
	char ts[64];
	FILE *f;

	if (level == CT_LOG_DEBUG && !g->debug)
		return;
	if (!g->log_path) {
		if (level != CT_LOG_ERROR)
			fprintf(stderr, "shim: %s: %s\n", level_names[level], msg);
		return;
	}
	f = fopen(g->log_path, "ae");
	if (!f)
		return;
	log_time(ts, sizeof(ts));
	if (g->log_json) {
		fprintf(f, "{\"level\":\"%s\",\"msg\":\"", level_names[level]);
		log_json_escape(f, msg);
		fprintf(f, "\",\"time\":\"%s\"}\n", ts);
	} else {
		fprintf(f, "time=\"%s\" level=%s msg=\"", ts, level_names[level]);
		log_json_escape(f, msg);
		fputs("\"\n", f);
	}
	fclose(f);
}

static void cli_log_sink(enum ct_log_level level, const char *msg, void *data)
{
	cli_log(data, level, msg);
}

int cli_fail(struct cli *g, const struct shim_err *err)
{
	cli_log(g, CT_LOG_ERROR, err->msg);
	fprintf(stderr, "shim: %s\n", err->msg);
	return 1;
}

int cli_failf(struct cli *g, const char *fmt, ...)
{
	struct shim_err err = {.code = EINVAL};
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err.msg, sizeof(err.msg), fmt, ap);
	va_end(ap);
	return cli_fail(g, &err);
}

int cli_need_id(struct cli *g, const char *cmd, int argc, char **argv, int optind, const char **id)
{
	if (optind >= argc)
		return cli_failf(g,
				 "%s: container id cannot be empty (usage: shim %s <container-id>)",
				 cmd, cmd);
	*id = argv[optind];
	return 0;
}

char *cli_abs_path(const char *path)
{
	char buf[4096];

	if (path && path[0] == '/')
		return strdup(path);
	if (!getcwd(buf, sizeof(buf)))
		return NULL;
	if (!path || !strcmp(path, "."))
		return strdup(buf);
	return util_strdup_printf("%s/%s", buf, path);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: shim [global options] command [command options] [arguments...]\n\n"
		   "global options:\n"
		   "  --root DIR          state directory (default /run/shim)\n"
		   "  --log FILE          log file (default: stderr)\n"
		   "  --log-format FMT    text or json\n"
		   "  --debug             debug logging\n"
		   "  --systemd-cgroup    use systemd to manage cgroups (needs systemd)\n"
		   "  --version, -v       print the version\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-16s %s\n", commands[i].name, commands[i].usage);
}

/*
 * `shim CMD --help`, `shim help CMD`. Returns 1 for an unknown command, or,
 * when `only_generic`, for one that prints its own help.
 */
static int command_help(const char *name, bool only_generic)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(commands[i].name, name))
			continue;
		if (!commands[i].synopsis && only_generic)
			return 1;
		printf("usage: shim %s %s\n\n%s\n", name,
		       commands[i].synopsis ? commands[i].synopsis : "--help", commands[i].usage);
		return 0;
	}
	fprintf(stderr, "shim: no help for unknown command %s\n", name);
	return 1;
}

static int print_version(void)
{
	printf("shim version %s\nspec: 1.2.0\n", SHIM_VERSION);
	return 0;
}

enum { OPT_ROOT = 256, OPT_LOG, OPT_LOG_FORMAT, OPT_DEBUG, OPT_SYSTEMD, OPT_CRIU, OPT_ROOTLESS };

static int parse_global(struct cli *g, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"root", required_argument, NULL, OPT_ROOT},
	    {"log", required_argument, NULL, OPT_LOG},
	    {"log-format", required_argument, NULL, OPT_LOG_FORMAT},
	    {"debug", no_argument, NULL, OPT_DEBUG},
	    {"systemd-cgroup", no_argument, NULL, OPT_SYSTEMD},
	    {"criu", required_argument, NULL, OPT_CRIU},
	    {"rootless", required_argument, NULL, OPT_ROOTLESS},
	    {"version", no_argument, NULL, 'v'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	int c;

	while ((c = getopt_long_only(argc, argv, "+vh", opts, NULL)) != -1) {
		switch (c) {
		case OPT_ROOT:
			g->root = optarg;
			break;
		case OPT_LOG:
			g->log_path = optarg;
			break;
		case OPT_LOG_FORMAT:
			if (strcmp(optarg, "json") && strcmp(optarg, "text"))
				return cli_failf(
				    g, "invalid log-format: %s (expected text or json)", optarg);
			g->log_json = !strcmp(optarg, "json");
			break;
		case OPT_DEBUG:
			g->debug = true;
			break;
		case OPT_SYSTEMD:
			g->systemd_cgroup = true;
			break;
		case OPT_CRIU:
		case OPT_ROOTLESS:
			break;
		case 'v':
			exit(print_version());
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return 1;
		}
	}
	return 0;
}

extern char **environ;

/* Commands whose processes enter the container run from a sealed copy. */
static int cli_protect_binary(struct cli *g, const char *name, char **argv)
{
	struct shim_err err = {0};

	if (strcmp(name, "create") && strcmp(name, "run") && strcmp(name, "exec"))
		return 0;
	if (ct_ensure_cloned_binary(argv, environ, &err) < 0)
		return cli_fail(g, &err);
	return 0;
}

int main(int argc, char **argv)
{
	struct cli g = {.root = "/run/shim"};
	char **orig_argv = argv;
	const char *name;

	g.log.fn = cli_log_sink;
	g.log.data = &g;
	if (parse_global(&g, argc, argv))
		return 1;
	if (optind >= argc) {
		usage(stderr);
		return 1;
	}
	name = argv[optind];
	if (!strcmp(name, "help") && optind + 1 < argc)
		return command_help(argv[optind + 1], false);
	if (!strcmp(name, "help")) {
		usage(stdout);
		return 0;
	}
	if (optind + 1 < argc &&
	    (!strcmp(argv[optind + 1], "--help") || !strcmp(argv[optind + 1], "-h")) &&
	    command_help(name, true) == 0)
		return 0;
	if (g.systemd_cgroup && access("/run/systemd/system", F_OK) < 0)
		return cli_failf(&g, "--systemd-cgroup: systemd is not running on this host");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(commands[i].name, name))
			continue;
		if (cli_protect_binary(&g, name, orig_argv))
			return 1;
		/* Each command parses its own options from argv[0] = its name. */
		argv += optind;
		argc -= optind;
		optind = 0;
		return commands[i].fn(&g, argc, argv);
	}
	return cli_failf(&g, "unknown command \"%s\" (see shim --help)", name);
}
