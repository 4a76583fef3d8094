/*
 * keyring-id: prints the serial of the calling process's session keyring
 * (keyctl KEYCTL_GET_KEYRING_ID), or "none". Built static by cli.bats to run
 * inside a busybox container.
 */
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/keyctl.h>

int main(void)
{
	long id = syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0);

	if (id < 0)
		puts("none");
	else
		printf("%ld\n", id);
	return 0;
}
