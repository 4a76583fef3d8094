#!/usr/bin/env bats
# shellcheck disable=SC2016 # container scripts are single-quoted on purpose
# The real client: podman 4.3 with shim as its OCI runtime (`--runtime`),
# through conmon: run (foreground and -d), exec, exec -t (conmon's console
# socket), pause/unpause, stop, rm. podman runs the busybox rootfs with
# --rootfs, so no image registry is needed. Skipped when podman is not
# installed (`make test` installs it).
#
# This host has no CAP_SYS_RESOURCE and a hard RLIMIT_NOFILE of 20000, while
# podman asks for 1048576: runc and crun fail on that as shim does, so the
# containers get limits the host can give (--ulimit).

load helpers/common

setup() {
	requires root
	command -v podman >/dev/null 2>&1 || skip "podman is not installed"
	is_shim || skip "drives shim through podman; RUNTIME=runc is podman's default anyway"
	setup_common
	PODMAN_NAME="shimt-podman-$$-${BATS_TEST_NUMBER}"
	LIMITS=(--ulimit "nofile=$(ulimit -Hn):$(ulimit -Hn)" --ulimit "nproc=4096:4096")
}

teardown() {
	pm rm -f "$PODMAN_NAME" >/dev/null 2>&1 || true
	teardown_common
}

# pm ARGS...: podman with shim as the runtime, cgroupfs, no systemd. shim keeps its
# default --root: conmon's own `delete --force` after the exit does not pass
# podman's --runtime-flag on (podman 4.3), so another root would keep stale state.
pm() {
	podman --runtime "$RUNTIME_BIN" --cgroup-manager cgroupfs --events-backend file "$@"
}

# shim's own view, at its default root.
shim_list() {
	"$RUNTIME_BIN" list -q
}

@test "podman run: output and exit status come through conmon from shim" {
	run pm run --rm --network none "${LIMITS[@]}" --rootfs "$BUNDLE/rootfs" \
		/bin/sh -c 'echo hello-from-podman; grep -c "^Seccomp:.*2" /proc/self/status; exit 7'
	assert_status 7
	assert_output_contains hello-from-podman
	# podman applies its default seccomp profile: shim loads it.
	assert_line_eq 1 1
}

@test "podman run -d, exec, exec -t, pause, unpause, stop, rm" {
	pm run -d --name "$PODMAN_NAME" --network none "${LIMITS[@]}" --rootfs "$BUNDLE/rootfs" \
		/bin/sh -c 'trap "exit 0" TERM; while :; do sleep 0.2; done' </dev/null >"$BATS_TEST_TMPDIR/run.out" 2>&1 3>&- ||
		fail "run -d: $(cat "$BATS_TEST_TMPDIR/run.out")"
	[ "$(pm inspect --format '{{.State.Status}}' "$PODMAN_NAME")" = running ] || fail "not running"
	# The container is shim's: its state is under shim's --root.
	local id
	id=$(pm inspect --format '{{.Id}}' "$PODMAN_NAME")
	run shim_list
	assert_output_contains "$id"

	run pm exec "$PODMAN_NAME" sh -c 'echo in-exec; exit 4'
	assert_status 4
	assert_output_contains in-exec

	if command -v script >/dev/null 2>&1; then
		local out="$BATS_TEST_TMPDIR/exec-t.out" st=0
		script -qec "$(printf '%q ' podman --runtime "$RUNTIME_BIN" --cgroup-manager cgroupfs \
			--events-backend file exec -t "$PODMAN_NAME" sh -c 'tty; exit 5')" \
			/dev/null </dev/null >"$out" 2>&1 3>&- || st=$?
		[ "$st" -eq 5 ] || fail "exec -t: status $st: $(cat "$out")"
		grep -q '^/dev/pts/' "$out" || fail "exec -t got no pty: $(cat "$out")"
	fi

	pm pause "$PODMAN_NAME" >/dev/null
	[ "$(pm inspect --format '{{.State.Status}}' "$PODMAN_NAME")" = paused ] || fail "not paused"
	pm unpause "$PODMAN_NAME" >/dev/null
	[ "$(pm inspect --format '{{.State.Status}}' "$PODMAN_NAME")" = running ] || fail "not running again"

	pm stop -t 5 "$PODMAN_NAME" >/dev/null
	[ "$(pm inspect --format '{{.State.ExitCode}}' "$PODMAN_NAME")" = 0 ] || fail "exit code after stop"
	pm rm "$PODMAN_NAME" >/dev/null
	run shim_list
	assert_output_lacks "$id"
}
