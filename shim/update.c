/* shim update [--resources FILE|-] [--memory N ...] ID */
#include "shim/cli.h"
#include "config/cleanup.h"
#include "libct/cgroups.h"
#include "libct/state.h"
#include "libct/utils.h"

#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
	OPT_RESOURCES = 256,
	OPT_MEMORY,
	OPT_MEMORY_SWAP,
	OPT_MEMORY_RES,
	OPT_KERNEL,
	OPT_KERNEL_TCP,
	OPT_CPU_SHARES,
	OPT_CPU_QUOTA,
	OPT_CPU_PERIOD,
	OPT_CPU_RT_PERIOD,
	OPT_CPU_RT_RUNTIME,
	OPT_CPUSET_CPUS,
	OPT_CPUSET_MEMS,
	OPT_PIDS,
	OPT_BLKIO,
};

/* "32m", "1g", "-1": docker's RAMInBytes. */
static int parse_bytes(const char *s, int64_t *out)
{
	char *end;
	double v = strtod(s, &end);
	int64_t mult = 1;

	if (end == s)
		return -EINVAL;
	switch (tolower((unsigned char)*end)) {
	case 'k':
		mult = 1LL << 10;
		break;
	case 'm':
		mult = 1LL << 20;
		break;
	case 'g':
		mult = 1LL << 30;
		break;
	case 't':
		mult = 1LL << 40;
		break;
	case '\0':
		break;
	default:
		return -EINVAL;
	}
	if (*end && end[1] && tolower((unsigned char)end[1]) != 'b')
		return -EINVAL;
	*out = (int64_t)(v * mult);
	return 0;
}

static int read_resources(struct cli *g, const char *file, struct spec_resources **out)
{
	_cleanup_free_ char *data = NULL;
	struct shim_err err = {0};
	size_t len = 0;
	int r;

	if (!strcmp(file, "-")) {
		r = util_read_file("/dev/stdin", &data, &len, &err);
		file = "stdin";
	} else {
		r = util_read_file(file, &data, &len, &err);
	}
	if (r < 0 || spec_resources_parse_data(data, len, file, out, &err) < 0)
		return cli_fail(g, &err);
	return 0;
}

static int ensure(void **p, size_t size)
{
	if (!*p)
		*p = calloc(1, size);
	return *p ? 0 : -ENOMEM;
}

static int apply_flag(struct spec_resources *r, int opt, const char *arg)
{
	int64_t v = 0;
	char *end = NULL;

	if (opt == OPT_CPUSET_CPUS || opt == OPT_CPUSET_MEMS) {
		if (ensure((void **)&r->cpu, sizeof(*r->cpu)) < 0)
			return -ENOMEM;
		char **field = opt == OPT_CPUSET_CPUS ? &r->cpu->cpus : &r->cpu->mems;
		free(*field);
		*field = strdup(arg);
		return 0;
	}
	if (opt == OPT_MEMORY || opt == OPT_MEMORY_SWAP || opt == OPT_MEMORY_RES ||
	    opt == OPT_KERNEL || opt == OPT_KERNEL_TCP) {
		if (parse_bytes(arg, &v) < 0)
			return -EINVAL;
	} else {
		v = strtoll(arg, &end, 10);
		if (*end)
			return -EINVAL;
	}
	if (opt <= OPT_KERNEL_TCP && ensure((void **)&r->memory, sizeof(*r->memory)) < 0)
		return -ENOMEM;
	if (opt >= OPT_CPU_SHARES && opt <= OPT_CPU_RT_RUNTIME &&
	    ensure((void **)&r->cpu, sizeof(*r->cpu)) < 0)
		return -ENOMEM;
	switch (opt) {
	case OPT_MEMORY:
		r->memory->limit = (spec_i64){true, v};
		break;
	case OPT_MEMORY_SWAP:
		r->memory->swap = (spec_i64){true, v};
		break;
	case OPT_MEMORY_RES:
		r->memory->reservation = (spec_i64){true, v};
		break;
	case OPT_KERNEL:
		r->memory->kernel = (spec_i64){true, v};
		break;
	case OPT_KERNEL_TCP:
		r->memory->kernel_tcp = (spec_i64){true, v};
		break;
	case OPT_CPU_SHARES:
		r->cpu->shares = (spec_u64){true, v};
		break;
	case OPT_CPU_QUOTA:
		r->cpu->quota = (spec_i64){true, v};
		break;
	case OPT_CPU_PERIOD:
		r->cpu->period = (spec_u64){true, v};
		break;
	case OPT_CPU_RT_PERIOD:
		r->cpu->realtime_period = (spec_u64){true, v};
		break;
	case OPT_CPU_RT_RUNTIME:
		r->cpu->realtime_runtime = (spec_i64){true, v};
		break;
	case OPT_PIDS:
		if (ensure((void **)&r->pids, sizeof(*r->pids)) < 0)
			return -ENOMEM;
		r->pids->limit = v;
		break;
	case OPT_BLKIO:
		if (ensure((void **)&r->block_io, sizeof(*r->block_io)) < 0)
			return -ENOMEM;
		r->block_io->weight = (spec_u64){true, v};
		break;
	}
	return 0;
}

int cmd_update(struct cli *g, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"resources", required_argument, NULL, 'r'},
	    {"memory", required_argument, NULL, OPT_MEMORY},
	    {"memory-swap", required_argument, NULL, OPT_MEMORY_SWAP},
	    {"memory-reservation", required_argument, NULL, OPT_MEMORY_RES},
	    {"kernel-memory", required_argument, NULL, OPT_KERNEL},
	    {"kernel-memory-tcp", required_argument, NULL, OPT_KERNEL_TCP},
	    {"cpu-share", required_argument, NULL, OPT_CPU_SHARES},
	    {"cpu-quota", required_argument, NULL, OPT_CPU_QUOTA},
	    {"cpu-period", required_argument, NULL, OPT_CPU_PERIOD},
	    {"cpu-rt-period", required_argument, NULL, OPT_CPU_RT_PERIOD},
	    {"cpu-rt-runtime", required_argument, NULL, OPT_CPU_RT_RUNTIME},
	    {"cpuset-cpus", required_argument, NULL, OPT_CPUSET_CPUS},
	    {"cpuset-mems", required_argument, NULL, OPT_CPUSET_MEMS},
	    {"pids-limit", required_argument, NULL, OPT_PIDS},
	    {"blkio-weight", required_argument, NULL, OPT_BLKIO},
	    {0},
	};
	struct spec_resources *res = NULL;
	struct shim_err err = {0};
	struct ct_state st;
	const char *id;
	int c, r = 0, lock;

	while ((c = getopt_long_only(argc, argv, "+r:", opts, NULL)) != -1) {
		if (c == 'r') {
			spec_resources_free(res);
			res = NULL;
			r = read_resources(g, optarg, &res);
			if (r)
				return r;
			continue;
		}
		if (c == '?')
			return 1;
		if (!res && !(res = calloc(1, sizeof(*res))))
			return cli_failf(g, "out of memory");
		if (apply_flag(res, c, optarg) < 0) {
			spec_resources_free(res);
			return cli_failf(g, "update: invalid value \"%s\"", optarg);
		}
	}
	if (cli_need_id(g, "update", argc, argv, optind, &id)) {
		spec_resources_free(res);
		return 1;
	}
	if (ct_state_load(g->root, id, &st, &err) < 0) {
		spec_resources_free(res);
		return cli_fail(g, &err);
	}
	lock = ct_state_lock(g->root, id, &err);
	if (lock < 0)
		r = lock;
	else if (res)
		r = ct_cgroup_update(st.cgroup_path, res, &err);
	if (lock >= 0)
		close(lock);
	ct_state_clear(&st);
	spec_resources_free(res);
	return r < 0 ? cli_fail(g, &err) : 0;
}
