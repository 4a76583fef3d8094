/* shim ps [--format table|json] ID [ps options] */
#include "shim/cli.h"
#include "config/cleanup.h"
#include "libct/cgroups.h"
#include "libct/state.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int cmd_ps(struct cli *g, int argc, char **argv)
{
	static const struct option opts[] = {{"format", required_argument, NULL, 'f'}, {0}};
	_cleanup_free_ pid_t *pids = NULL;
	struct shim_err err = {0};
	struct ct_state st;
	bool json = false;
	const char *id;
	size_t n = 0;
	int c, r;

	while ((c = getopt_long_only(argc, argv, "+f:", opts, NULL)) != -1) {
		if (c != 'f' || (strcmp(optarg, "json") && strcmp(optarg, "table")))
			return cli_failf(g, "invalid format option");
		json = !strcmp(optarg, "json");
	}
	if (cli_need_id(g, "ps", argc, argv, optind, &id))
		return 1;
	if (ct_state_load(g->root, id, &st, &err) < 0)
		return cli_fail(g, &err);
	r = st.cgroup_path ? ct_cgroup_pids(st.cgroup_path, &pids, &n, &err) : 0;
	ct_state_clear(&st);
	if (r < 0)
		return cli_fail(g, &err);
	if (json) {
		putchar('[');
		for (size_t i = 0; i < n; i++)
			printf("%s%d", i ? "," : "", pids[i]);
		printf("]\n");
		return 0;
	}
	/* Like runc: the table is ps(1)'s output, filtered to the container's pids. */
	{
		char **args = calloc(argc - optind + 3, sizeof(char *));
		char list[65536];
		size_t len = 0;
		int k = 0;

		if (!args)
			return cli_failf(g, "out of memory");
		for (size_t i = 0; i < n && len < sizeof(list) - 16; i++)
			len +=
			    snprintf(list + len, sizeof(list) - len, "%s%d", i ? "," : "", pids[i]);
		args[k++] = "ps";
		for (int i = optind + 1; i < argc; i++)
			args[k++] = argv[i];
		if (k == 1)
			args[k++] = "-f";
		if (!n) {
			printf("UID          PID    PPID  C STIME TTY          TIME CMD\n");
			free(args);
			return 0;
		}
		args[k++] = NULL;
		fflush(stdout);
		{
			/* ps -p limits the rows; the user's options shape the columns. */
			char **full = calloc(k + 3, sizeof(char *));
			int j = 0;
			for (int i = 0; args[i]; i++)
				full[j++] = args[i];
			full[j++] = "-p";
			full[j++] = list;
			full[j] = NULL;
			execvp("ps", full);
		}
		return cli_failf(g, "exec ps: %m");
	}
}
