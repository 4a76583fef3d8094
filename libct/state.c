#include "libct/state.h"
#include "libct/utils.h"
#include "libct/cgroups.h"

#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

static const char *const status_names[] = {
    [CT_STATUS_CREATING] = "creating", [CT_STATUS_CREATED] = "created",
    [CT_STATUS_RUNNING] = "running",   [CT_STATUS_PAUSED] = "paused",
    [CT_STATUS_STOPPED] = "stopped",
};

const char *ct_status_name(enum ct_status s)
{
	return status_names[s];
}

char *ct_state_path(const char *root, const char *id, const char *file)
{
	if (file)
		return util_strdup_printf("%s/%s/%s", root, id, file);
	return util_strdup_printf("%s/%s", root, id);
}

int ct_state_validate_id(const char *id, struct shim_err *err)
{
	/* runc's rule: ^[\w+-\.]+$ and not "." or "..". */
	if (!id || !*id)
		return shim_error(err, EINVAL, "container id cannot be empty");
	if (!strcmp(id, ".") || !strcmp(id, ".."))
		return shim_error(err, EINVAL, "invalid container id: %s", id);
	for (const char *p = id; *p; p++) {
		if (!(*p == '_' || *p == '+' || *p == '-' || *p == '.' ||
		      (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= 'A' && *p <= 'Z')))
			return shim_error(err, EINVAL, "invalid container id: %s", id);
	}
	if (strlen(id) > 1024)
		return shim_error(err, EINVAL, "invalid container id: too long");
	return 0;
}

int ct_state_dir_create(const char *root, const char *id, struct shim_err *err)
{
	_cleanup_free_ char *dir = ct_state_path(root, id, NULL);
	int r;

	r = util_mkdir_p(root, 0711, err);
	if (r < 0)
		return r;
	if (mkdir(dir, 0711) < 0) {
		if (errno == EEXIST)
			return shim_error(err, EEXIST,
					  "container with given ID already exists (%s)", id);
		return shim_error_sys(err, errno, "mkdir %s", dir);
	}
	return 0;
}

int ct_state_lock(const char *root, const char *id, struct shim_err *err)
{
	_cleanup_free_ char *path = ct_state_path(root, id, "lock");
	_cleanup_close_ int fd = -1;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		if (errno == ENOENT)
			return shim_error(err, ENOENT, "container %s does not exist", id);
		return shim_error_sys(err, errno, "open %s", path);
	}
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR)
			return shim_error_sys(err, errno, "lock %s", path);
	}
	return take_fd(&fd);
}

static void gen_str(yajl_gen g, const char *key, const char *val)
{
	yajl_gen_string(g, (const unsigned char *)key, strlen(key));
	if (val)
		yajl_gen_string(g, (const unsigned char *)val, strlen(val));
	else
		yajl_gen_null(g);
}

static void gen_int(yajl_gen g, const char *key, long long v)
{
	yajl_gen_string(g, (const unsigned char *)key, strlen(key));
	yajl_gen_integer(g, v);
}

static char *gen_finish(yajl_gen g)
{
	const unsigned char *buf;
	size_t len;
	char *out = NULL;

	if (yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok)
		out = strndup((const char *)buf, len);
	yajl_gen_free(g);
	return out;
}

int ct_state_save(const char *root, const struct ct_state *st, struct shim_err *err)
{
	_cleanup_free_ char *path = ct_state_path(root, st->id, "state.json");
	_cleanup_free_ char *json = NULL;
	yajl_gen g = yajl_gen_alloc(NULL);

	yajl_gen_map_open(g);
	gen_str(g, "id", st->id);
	gen_str(g, "bundle", st->bundle);
	gen_str(g, "rootfs", st->rootfs);
	gen_str(g, "cgroup_path", st->cgroup_path);
	gen_str(g, "created", st->created);
	gen_str(g, "owner", st->owner);
	gen_int(g, "pid", st->pid);
	gen_int(g, "start_time", (long long)st->start_time);
	yajl_gen_string(g, (const unsigned char *)"terminal", 8);
	yajl_gen_bool(g, st->use_terminal);
	yajl_gen_string(g, (const unsigned char *)"no_new_keyring", 14);
	yajl_gen_bool(g, st->no_new_keyring);
	yajl_gen_map_close(g);
	json = gen_finish(g);
	if (!json || !path)
		return shim_error(err, ENOMEM, "out of memory");
	return util_write_file_atomic(path, json, strlen(json), 0600, err);
}

static char *tree_str(yajl_val root, const char *key)
{
	const char *p[] = {key, NULL};
	yajl_val v = yajl_tree_get(root, p, yajl_t_string);
	const char *s = v ? YAJL_GET_STRING(v) : NULL;
	return s ? strdup(s) : NULL;
}

static long long tree_int(yajl_val root, const char *key)
{
	const char *p[] = {key, NULL};
	yajl_val v = yajl_tree_get(root, p, yajl_t_number);
	return v && YAJL_IS_INTEGER(v) ? YAJL_GET_INTEGER(v) : 0;
}

int ct_state_load(const char *root, const char *id, struct ct_state *st, struct shim_err *err)
{
	_cleanup_free_ char *path = NULL, *data = NULL;
	char ebuf[256];
	yajl_val tree;
	int r;

	memset(st, 0, sizeof(*st));
	r = ct_state_validate_id(id, err);
	if (r < 0)
		return r;
	path = ct_state_path(root, id, "state.json");
	if (!path)
		return shim_error(err, ENOMEM, "out of memory");
	r = util_read_file(path, &data, NULL, err);
	if (r == -ENOENT)
		return shim_error(err, ENOENT, "container %s does not exist", id);
	if (r < 0)
		return r;
	tree = yajl_tree_parse(data, ebuf, sizeof(ebuf));
	if (!tree)
		return shim_error(err, EINVAL, "%s: corrupt state: %s", path, ebuf);
	st->id = strdup(id);
	st->bundle = tree_str(tree, "bundle");
	st->rootfs = tree_str(tree, "rootfs");
	st->cgroup_path = tree_str(tree, "cgroup_path");
	st->created = tree_str(tree, "created");
	st->owner = tree_str(tree, "owner");
	st->pid = tree_int(tree, "pid");
	st->start_time = tree_int(tree, "start_time");
	{
		const char *p[] = {"terminal", NULL};
		const char *k[] = {"no_new_keyring", NULL};
		st->use_terminal = YAJL_IS_TRUE(yajl_tree_get(tree, p, yajl_t_true));
		st->no_new_keyring = YAJL_IS_TRUE(yajl_tree_get(tree, k, yajl_t_true));
	}
	yajl_tree_free(tree);
	return 0;
}

void ct_state_clear(struct ct_state *st)
{
	free(st->id);
	free(st->bundle);
	free(st->rootfs);
	free(st->cgroup_path);
	free(st->created);
	free(st->owner);
	memset(st, 0, sizeof(*st));
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path) < 0 && errno != ENOENT ? -1 : 0;
}

int ct_state_remove(const char *root, const char *id, struct shim_err *err)
{
	_cleanup_free_ char *dir = ct_state_path(root, id, NULL);

	if (!dir)
		return shim_error(err, ENOMEM, "out of memory");
	if (nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS) < 0 && errno != ENOENT)
		return shim_error_sys(err, errno, "remove %s", dir);
	return 0;
}

int ct_state_load_spec(const char *root, const char *id, struct spec **out, struct shim_err *err)
{
	_cleanup_free_ char *path = ct_state_path(root, id, "config.json");

	if (!path)
		return shim_error(err, ENOMEM, "out of memory");
	return spec_parse_file(path, out, err);
}

bool ct_state_pid_alive(const struct ct_state *st)
{
	if (st->pid <= 0)
		return false;
	return util_pid_start_time(st->pid) == st->start_time;
}

enum ct_status ct_state_status(const char *root, const struct ct_state *st)
{
	_cleanup_free_ char *fifo = NULL;
	bool frozen = false;

	if (st->pid == 0)
		return CT_STATUS_CREATING;
	if (!ct_state_pid_alive(st))
		return CT_STATUS_STOPPED;
	fifo = ct_state_path(root, st->id, "exec.fifo");
	if (fifo && access(fifo, F_OK) == 0)
		return CT_STATUS_CREATED;
	if (st->cgroup_path && ct_cgroup_is_frozen(st->cgroup_path, &frozen, NULL) == 0 && frozen)
		return CT_STATUS_PAUSED;
	return CT_STATUS_RUNNING;
}

static void gen_annotations(yajl_gen g, const struct spec *spec)
{
	if (!spec || !spec->n_annotations)
		return;
	yajl_gen_string(g, (const unsigned char *)"annotations", 11);
	yajl_gen_map_open(g);
	for (size_t i = 0; i < spec->n_annotations; i++)
		gen_str(g, spec->annotations[i].key, spec->annotations[i].value);
	yajl_gen_map_close(g);
}

char *ct_state_spec_json(const struct ct_state *st, const char *status, const struct spec *spec)
{
	yajl_gen g = yajl_gen_alloc(NULL);

	yajl_gen_map_open(g);
	gen_str(g, "ociVersion", spec && spec->oci_version ? spec->oci_version : "1.2.0");
	gen_str(g, "id", st->id);
	gen_str(g, "status", status);
	if (st->pid > 0 && strcmp(status, "stopped"))
		gen_int(g, "pid", st->pid);
	gen_str(g, "bundle", st->bundle);
	gen_annotations(g, spec);
	yajl_gen_map_close(g);
	return gen_finish(g);
}

char *ct_state_runc_json(const struct ct_state *st, const char *status, const struct spec *spec,
			 bool pretty)
{
	yajl_gen g = yajl_gen_alloc(NULL);

	if (pretty) {
		yajl_gen_config(g, yajl_gen_beautify, 1);
		yajl_gen_config(g, yajl_gen_indent_string, "  ");
	}
	yajl_gen_map_open(g);
	gen_str(g, "ociVersion", spec && spec->oci_version ? spec->oci_version : "1.2.0");
	gen_str(g, "id", st->id);
	gen_int(g, "pid", strcmp(status, "stopped") ? st->pid : 0);
	gen_str(g, "status", status);
	gen_str(g, "bundle", st->bundle);
	gen_str(g, "rootfs", st->rootfs);
	gen_str(g, "created", st->created);
	gen_annotations(g, spec);
	gen_str(g, "owner", st->owner ? st->owner : "");
	yajl_gen_map_close(g);
	return gen_finish(g);
}
