/* shim spec [--bundle DIR] [--rootless]: writes a default config.json. */
#include "shim/cli.h"
#include "config/cleanup.h"
#include "config/generate.h"
#include "libct/utils.h"

#include <fcntl.h>
#include <getopt.h>
#include <string.h>

int cmd_spec(struct cli *g, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"bundle", required_argument, NULL, 'b'},
	    {"rootless", no_argument, NULL, 'r'},
	    {0},
	};
	_cleanup_free_ char *json = NULL, *path = NULL;
	const char *bundle = ".";
	bool rootless = false;
	struct shim_err err = {0};
	_cleanup_close_ int fd = -1;
	int c;

	while ((c = getopt_long_only(argc, argv, "+b:", opts, NULL)) != -1) {
		if (c == 'b')
			bundle = optarg;
		else if (c == 'r')
			rootless = true;
		else
			return 1;
	}
	path = util_strdup_printf("%s/config.json", bundle);
	json = spec_generate_default(rootless);
	if (!path || !json)
		return cli_failf(g, "out of memory");
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (fd < 0) {
		shim_error_sys(&err, errno, "%s", path);
		if (errno == EEXIST)
			shim_error(&err, EEXIST, "File %s exists. Remove it first", path);
		return cli_fail(g, &err);
	}
	if (util_write_all(fd, json, strlen(json)) < 0 || util_write_all(fd, "\n", 1) < 0)
		return cli_failf(g, "write %s: %m", path);
	return 0;
}
