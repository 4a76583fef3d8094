/* shim features: the runtime-spec features document. */
#include "shim/cli.h"
#include "config/cleanup.h"
#include "libct/process.h"
#include "libct/seccomp.h"

#include <stdio.h>

int cmd_features(struct cli *g, int argc, char **argv)
{
	_cleanup_free_ char *seccomp = ct_seccomp_features_json();
	_cleanup_free_ char *caps = proc_caps_json();

	if (argc > 1)
		return cli_failf(g, "features: requires exactly 0 argument(s), got \"%s\"",
				 argv[1]);
	if (!seccomp || !caps)
		return cli_failf(g, "out of memory");
	printf("{\n"
	       "  \"ociVersionMin\": \"1.0.0\",\n"
	       "  \"ociVersionMax\": \"1.2.0\",\n"
	       "  \"hooks\": [\"prestart\", \"createRuntime\", \"createContainer\", "
	       "\"startContainer\", \"poststart\", \"poststop\"],\n"
	       "  \"mountOptions\": [\"async\", \"atime\", \"bind\", \"defaults\", \"dev\", "
	       "\"diratime\", \"dirsync\", \"exec\", \"loud\", \"mand\", \"noatime\", "
	       "\"nodev\", \"nodiratime\", \"noexec\", \"nomand\", \"norelatime\", "
	       "\"nostrictatime\", \"nosuid\", \"nosymfollow\", \"private\", \"rbind\", "
	       "\"relatime\", \"remount\", \"ro\", \"rprivate\", \"rshared\", \"rslave\", "
	       "\"runbindable\", \"rw\", \"shared\", \"silent\", \"slave\", \"strictatime\", "
	       "\"suid\", \"symfollow\", \"sync\", \"tmpcopyup\", \"unbindable\"],\n"
	       "  \"linux\": {\n"
	       "    \"namespaces\": [\"cgroup\", \"ipc\", \"mount\", \"network\", \"pid\", "
	       "\"time\", \"user\", \"uts\"],\n"
	       "    \"capabilities\": %s,\n"
	       "    \"cgroup\": {\"v1\": true, \"v2\": true, \"systemd\": false, "
	       "\"systemdUser\": false},\n"
	       "    \"seccomp\": %s,\n"
	       "    \"apparmor\": {\"enabled\": false},\n"
	       "    \"selinux\": {\"enabled\": false}\n"
	       "  },\n"
	       "  \"annotations\": {\"org.opencontainers.runc.checkpoint.enabled\": \"false\"}\n"
	       "}\n",
	       caps, seccomp);
	return 0;
}
