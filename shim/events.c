/* shim events [--stats] [--interval D] ID: runc's JSON events on stdout. */
#include "shim/cli.h"
#include "config/cleanup.h"
#include "libct/cgroups.h"
#include "libct/state.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* "5s", "500ms", "1m" or plain seconds. */
static long parse_interval_ms(const char *s)
{
	char *end;
	double v = strtod(s, &end);

	if (!strcmp(end, "ms"))
		return v;
	if (!strcmp(end, "m"))
		return v * 60000;
	if (!*end || !strcmp(end, "s"))
		return v * 1000;
	return -1;
}

static int events_print_stats(struct cli *g, const struct ct_state *st)
{
	_cleanup_free_ char *data = NULL;
	struct shim_err err = {0};

	if (ct_cgroup_stats_json(st->cgroup_path, &data, &err) < 0)
		return cli_fail(g, &err);
	printf("{\"type\":\"stats\",\"id\":\"%s\",\"data\":%s}\n", st->id, data);
	fflush(stdout);
	return 0;
}

/* runc's OOM event: a rise of the cgroup's oom_kill count. */
static void events_check_oom(const struct ct_state *st, uint64_t *seen)
{
	uint64_t n;

	if (ct_cgroup_oom_kills(st->cgroup_path, &n, NULL) < 0 || n <= *seen)
		return;
	*seen = n;
	printf("{\"type\":\"oom\",\"id\":\"%s\"}\n", st->id);
	fflush(stdout);
}

/* Stats every interval until the container stops; OOM kills checked every 100 ms. */
static int events_stream(struct cli *g, const struct ct_state *st, long interval)
{
	uint64_t seen = 0;
	long waited = interval;

	ct_cgroup_oom_kills(st->cgroup_path, &seen, NULL);
	while (ct_state_status(g->root, st) != CT_STATUS_STOPPED) {
		events_check_oom(st, &seen);
		if (waited >= interval) {
			if (events_print_stats(g, st))
				return 1;
			waited = 0;
		}
		usleep(100 * 1000);
		waited += 100;
	}
	events_check_oom(st, &seen);
	return 0;
}

int cmd_events(struct cli *g, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"stats", no_argument, NULL, 's'},
	    {"interval", required_argument, NULL, 'i'},
	    {0},
	};
	struct shim_err err = {0};
	struct ct_state st;
	bool stats = false;
	long interval = 5000;
	const char *id;
	int c, r = 0;

	while ((c = getopt_long_only(argc, argv, "+", opts, NULL)) != -1) {
		if (c == 's')
			stats = true;
		else if (c == 'i' && (interval = parse_interval_ms(optarg)) > 0)
			continue;
		else
			return cli_failf(g, "events: invalid option");
	}
	if (cli_need_id(g, "events", argc, argv, optind, &id))
		return 1;
	if (ct_state_load(g->root, id, &st, &err) < 0)
		return cli_fail(g, &err);
	if (stats) {
		r = events_print_stats(g, &st);
		ct_state_clear(&st);
		return r;
	}
	r = events_stream(g, &st, interval);
	ct_state_clear(&st);
	return r;
}
