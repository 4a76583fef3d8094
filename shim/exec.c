/* shim exec [--process FILE | options] ID [COMMAND ARGS...] */
#include "shim/cli.h"
#include "config/cleanup.h"
#include "libct/state.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OPT_PROCESS = 256, OPT_CWD, OPT_NNP, OPT_PRESERVE, OPT_PID_FILE, OPT_CONSOLE, OPT_IGNORE };

struct exec_args {
	const char *process_file;
	const char *cwd;
	const char *user;
	char *env[256];
	size_t n_env;
	char *caps[64];
	size_t n_caps;
	bool tty, nnp;
};

/* Appends to a NULL-terminated malloc'ed string list with a count. */
static int strv_append(char ***v, size_t *n, const char *s)
{
	char **nv = realloc(*v, (*n + 2) * sizeof(char *));

	if (!nv)
		return -ENOMEM;
	*v = nv;
	nv[*n] = strdup(s);
	if (!nv[*n])
		return -ENOMEM;
	nv[++*n] = NULL;
	return 0;
}

static void strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

/* Without --process: the container's process, with the flags applied. */
static int exec_build_process(struct cli *g, const char *id, const struct exec_args *a, int argc,
			      char **argv, struct spec_process **out)
{
	struct spec *spec = NULL;
	struct spec_process *p;
	struct shim_err err = {0};
	char *end;

	if (ct_state_load_spec(g->root, id, &spec, &err) < 0)
		return cli_fail(g, &err);
	p = spec->process;
	spec->process = NULL;
	spec_free(spec);
	if (!p)
		return cli_failf(g, "container %s has no process to copy", id);
	strv_free(p->args);
	p->args = NULL;
	p->n_args = 0;
	for (int i = 0; i < argc; i++)
		if (strv_append(&p->args, &p->n_args, argv[i]) < 0)
			goto oom;
	for (size_t i = 0; i < a->n_env; i++)
		if (strv_append(&p->env, &p->n_env, a->env[i]) < 0)
			goto oom;
	if (a->cwd) {
		free(p->cwd);
		p->cwd = strdup(a->cwd);
	}
	p->terminal = a->tty;
	p->no_new_privileges |= a->nnp;
	if (a->user) {
		p->user.uid = strtoul(a->user, &end, 10);
		p->user.gid = *end == ':' ? strtoul(end + 1, &end, 10) : p->user.gid;
		if (*end) {
			spec_process_free(p);
			return cli_failf(g, "--user: expected UID[:GID], got %s", a->user);
		}
	}
	if (a->n_caps && !p->capabilities)
		p->capabilities = calloc(1, sizeof(*p->capabilities));
	for (size_t i = 0; i < a->n_caps; i++) {
		struct spec_capabilities *c = p->capabilities;
		if (strv_append(&c->bounding, &c->n_bounding, a->caps[i]) < 0 ||
		    strv_append(&c->effective, &c->n_effective, a->caps[i]) < 0 ||
		    strv_append(&c->permitted, &c->n_permitted, a->caps[i]) < 0)
			goto oom;
	}
	*out = p;
	return 0;
oom:
	spec_process_free(p);
	return cli_failf(g, "out of memory");
}

int cmd_exec(struct cli *g, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"process", required_argument, NULL, 'p'},
	    {"tty", no_argument, NULL, 't'},
	    {"cwd", required_argument, NULL, OPT_CWD},
	    {"env", required_argument, NULL, 'e'},
	    {"user", required_argument, NULL, 'u'},
	    {"cap", required_argument, NULL, 'c'},
	    {"no-new-privs", no_argument, NULL, OPT_NNP},
	    {"preserve-fds", required_argument, NULL, OPT_PRESERVE},
	    {"detach", no_argument, NULL, 'd'},
	    {"pid-file", required_argument, NULL, OPT_PID_FILE},
	    {"console-socket", required_argument, NULL, OPT_CONSOLE},
	    {"process-label", required_argument, NULL, OPT_IGNORE},
	    {"apparmor", required_argument, NULL, OPT_IGNORE},
	    {"ignore-paused", no_argument, NULL, OPT_IGNORE},
	    {"additional-gids", required_argument, NULL, 'g'},
	    {0},
	};
	struct exec_args a = {0};
	struct ct_exec_opts o = {.root = g->root, .log = g->log};
	struct shim_err err = {0};
	_cleanup_free_ char *pid_file = NULL;
	int c, r, status = 0;

	while ((c = getopt_long_only(argc, argv, "+p:te:u:c:dg:", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			a.process_file = optarg;
			break;
		case 't':
			a.tty = true;
			break;
		case OPT_CWD:
			a.cwd = optarg;
			break;
		case 'e':
			if (a.n_env < 256)
				a.env[a.n_env++] = optarg;
			break;
		case 'u':
			a.user = optarg;
			break;
		case 'c':
			if (a.n_caps < 64)
				a.caps[a.n_caps++] = optarg;
			break;
		case OPT_NNP:
			a.nnp = true;
			break;
		case OPT_PRESERVE:
			o.preserve_fds = atoi(optarg);
			break;
		case 'd':
			o.detach = true;
			break;
		case OPT_PID_FILE:
			pid_file = cli_abs_path(optarg);
			o.pid_file = pid_file;
			break;
		case OPT_CONSOLE:
			o.console_socket = optarg;
			break;
		case OPT_IGNORE:
		case 'g':
			break;
		default:
			return 1;
		}
	}
	if (cli_need_id(g, "exec", argc, argv, optind, &o.id))
		return 1;
	if (a.process_file) {
		if (spec_process_parse_file(a.process_file, &o.process, &err) < 0)
			return cli_fail(g, &err);
	} else {
		if (optind + 1 >= argc)
			return cli_failf(g, "exec: args must not be empty");
		r = exec_build_process(g, o.id, &a, argc - optind - 1, argv + optind + 1,
				       &o.process);
		if (r)
			return r;
	}
	r = ct_container_exec(&o, &status, &err);
	spec_process_free(o.process);
	if (r < 0)
		return cli_fail(g, &err);
	return status;
}
