/* Errors travel as values: 0 or -errno, plus a message in struct shim_err. */
#ifndef SHIM_ERROR_H
#define SHIM_ERROR_H

#include <errno.h>

struct shim_err {
	int code; /* positive errno, 0 when no error */
	char msg[1024];
};

/* Sets the message and returns -errnum (or -EINVAL when errnum is 0). */
int shim_error(struct shim_err *err, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Same, with ": strerror(errnum)" appended. */
int shim_error_sys(struct shim_err *err, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Prepends "prefix: " to an existing message; returns -err->code. */
int shim_error_wrap(struct shim_err *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
