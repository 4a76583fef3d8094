/* shim create [--bundle B] [--pid-file P] [--console-socket S] ... ID */
#include "shim/cli.h"
#include "libct/utils.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

enum { OPT_BUNDLE = 256, OPT_PID_FILE, OPT_CONSOLE, OPT_NO_PIVOT, OPT_NO_KEYRING, OPT_PRESERVE };

static bool is_bundle_dir(const char *arg)
{
	_cleanup_free_ char *cfg = util_strdup_printf("%s/config.json", arg);

	return strchr(arg, '/') && cfg && access(cfg, F_OK) == 0;
}

/* `run DIR/`: the id is the directory's name, made unique under --root. */
static char *unique_id_for(const char *root, const char *dir)
{
	_cleanup_free_ char *copy = strdup(dir);
	char *base, *id;
	size_t len;

	if (!copy)
		return NULL;
	len = strlen(copy);
	while (len > 1 && copy[len - 1] == '/')
		copy[--len] = '\0';
	base = strrchr(copy, '/') ? strrchr(copy, '/') + 1 : copy;
	id = strdup(base);
	for (int i = 2; id && i < 10000; i++) {
		_cleanup_free_ char *path = ct_state_path(root, id, NULL);
		if (path && access(path, F_OK) < 0)
			return id;
		free(id);
		id = util_strdup_printf("%s-%d", base, i);
	}
	return id;
}

int cli_parse_create(struct cli *g, const char *cmd, int argc, char **argv,
		     struct ct_create_opts *o, bool *detach, char **bundle_buf, char **id_buf)
{
	static const struct option opts[] = {
	    {"bundle", required_argument, NULL, 'b'},
	    {"pid-file", required_argument, NULL, OPT_PID_FILE},
	    {"console-socket", required_argument, NULL, OPT_CONSOLE},
	    {"no-pivot", no_argument, NULL, OPT_NO_PIVOT},
	    {"no-new-keyring", no_argument, NULL, OPT_NO_KEYRING},
	    {"preserve-fds", required_argument, NULL, OPT_PRESERVE},
	    {"detach", no_argument, NULL, 'd'},
	    {"keep", no_argument, NULL, 'k'},
	    {"no-subreaper", no_argument, NULL, 'S'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	const char *bundle = NULL;
	char *end;
	int c;

	memset(o, 0, sizeof(*o));
	o->root = g->root;
	o->log = g->log;
	while ((c = getopt_long_only(argc, argv, "+b:dh", opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			bundle = optarg;
			break;
		case OPT_PID_FILE:
			o->pid_file = optarg;
			break;
		case OPT_CONSOLE:
			o->console_socket = optarg;
			break;
		case OPT_NO_PIVOT:
			o->no_pivot = true;
			break;
		case OPT_NO_KEYRING:
			o->no_new_keyring = true;
			break;
		case OPT_PRESERVE:
			o->preserve_fds = strtol(optarg, &end, 10);
			if (*end || o->preserve_fds < 0)
				return cli_failf(g, "--preserve-fds: invalid number %s", optarg);
			break;
		case 'd':
			if (!detach)
				return cli_failf(g, "%s: unknown option --detach", cmd);
			*detach = true;
			break;
		case 'k':
		case 'S':
			break;
		case 'h':
			printf("usage: shim %s [--bundle DIR] [--pid-file FILE] [--console-socket "
			       "SOCK]\n"
			       "       [--no-pivot] [--no-new-keyring] [--preserve-fds N]%s "
			       "<container-id>\n",
			       cmd, detach ? " [--detach]" : "");
			exit(0);
		default:
			return 1;
		}
	}
	if (optind >= argc)
		return cli_failf(g, "%s: container id cannot be empty", cmd);
	if (!bundle && detach && is_bundle_dir(argv[optind])) {
		bundle = argv[optind];
		*id_buf = unique_id_for(g->root, argv[optind]);
		o->id = *id_buf;
	} else {
		o->id = argv[optind];
	}
	*bundle_buf = cli_abs_path(bundle);
	o->bundle = *bundle_buf;
	if (!o->bundle || !o->id)
		return cli_failf(g, "out of memory");
	if (o->pid_file && o->pid_file[0] != '/') {
		/* Relative pid files are relative to the caller's cwd, as in runc. */
		char *abs = cli_abs_path(o->pid_file);
		if (abs)
			o->pid_file = abs;
	}
	return 0;
}

int cmd_create(struct cli *g, int argc, char **argv)
{
	_cleanup_free_ char *bundle = NULL, *id = NULL;
	struct ct_create_opts o;
	struct shim_err err = {0};
	int r;

	r = cli_parse_create(g, "create", argc, argv, &o, NULL, &bundle, &id);
	if (r)
		return r;
	if (ct_container_create(&o, NULL, &err) < 0)
		return cli_fail(g, &err);
	return 0;
}
