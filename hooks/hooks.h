/* OCI hooks: the state JSON on stdin, args, env and a timeout. */
#ifndef SHIM_HOOKS_H
#define SHIM_HOOKS_H

#include "config/spec.h"

/*
 * Runs each hook in order and stops at the first failure. `stage` names the
 * list in messages ("createRuntime"). A hook that outlives its timeout is killed.
 */
int hooks_run(const struct spec_hook_list *list, const char *stage, const char *state_json,
	      struct shim_err *err);

/*
 * For poststart and poststop, where a failure is only a warning: runs every
 * hook and hands each failure's message to `warn`.
 */
void hooks_run_all(const struct spec_hook_list *list, const char *stage, const char *state_json,
		   void (*warn)(const char *msg, void *data), void *data);

#endif
