/* shim list [-q] [--format table|json] */
#include "shim/cli.h"
#include "config/cleanup.h"
#include "libct/state.h"

#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

int cmd_list(struct cli *g, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"quiet", no_argument, NULL, 'q'},
	    {"format", required_argument, NULL, 'f'},
	    {0},
	};
	_cleanup_closedir_ DIR *d = NULL;
	bool quiet = false, json = false, first = true;
	struct dirent *e;
	int c;

	while ((c = getopt_long_only(argc, argv, "+qf:", opts, NULL)) != -1) {
		if (c == 'q')
			quiet = true;
		else if (c == 'f' && (!strcmp(optarg, "json") || !strcmp(optarg, "table")))
			json = !strcmp(optarg, "json");
		else
			return cli_failf(g, "invalid format option");
	}
	d = opendir(g->root);
	if (!quiet && !json)
		printf("%-12s %-8s %-10s %-40s %-30s %s\n", "ID", "PID", "STATUS", "BUNDLE",
		       "CREATED", "OWNER");
	if (json)
		putchar('[');
	while (d && (e = readdir(d))) {
		struct ct_state st;
		const char *status;

		if (e->d_name[0] == '.' || ct_state_load(g->root, e->d_name, &st, NULL) < 0)
			continue;
		status = ct_status_name(ct_state_status(g->root, &st));
		if (quiet) {
			printf("%s\n", st.id);
		} else if (json) {
			/* Each entry is exactly what `state` prints. */
			struct spec *spec = NULL;
			_cleanup_free_ char *entry = NULL;

			ct_state_load_spec(g->root, st.id, &spec, NULL);
			entry = ct_state_runc_json(&st, status, spec, false);
			spec_free(spec);
			printf("%s%s", first ? "" : ",", entry ? entry : "null");
		} else {
			printf("%-12s %-8d %-10s %-40s %-30s %s\n", st.id,
			       strcmp(status, "stopped") ? st.pid : 0, status, st.bundle,
			       st.created ? st.created : "", st.owner ? st.owner : "");
		}
		first = false;
		ct_state_clear(&st);
	}
	if (json)
		printf("]\n");
	return 0;
}
