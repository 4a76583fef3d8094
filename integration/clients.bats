#!/usr/bin/env bats
# shellcheck disable=SC2016 # container scripts are single-quoted on purpose
# The calls containerd's io.containerd.runc.v2 shim, conmon (CRI-O, podman)
# and CRI-O/podman themselves make, replayed in their order with their exact
# flags, on the configs those clients generated (shared/fixtures/configs),
# with the JSON log containerd reads checked line by line.

load helpers/common

RECVTTY=${RECVTTY:-${SHIM_BUILD:-$REPO_DIR/build}/helpers/recvtty}

setup() {
	requires root cmd:jq
	setup_common
	LOG="$BUNDLE/log.json"
}

teardown() {
	teardown_common
}

# containerd's shim: every call is `--root R --log BUNDLE/log.json --log-format json ...`.
ctrd() {
	"$RUNTIME_BIN" --root "$ROOT_DIR" --log "$LOG" --log-format json "$@"
}

# conmon's form: `--root=R --log-format=json --log FILE ...`.
conmon_rt() {
	"$RUNTIME_BIN" --root="$ROOT_DIR" --log-format=json --log "$LOG" "$@"
}

# The init holds the caller's stdio until it execs: never bats' pipes.
detached() {
	"$@" </dev/null >"$BATS_TEST_TMPDIR/detached.out" 2>&1 3>&- ||
		fail "$*: $(cat "$BATS_TEST_TMPDIR/detached.out")"
}

# log_is_json: every line of $LOG is {"level", "msg", "time"} with an RFC 3339 time.
log_is_json() {
	[ -f "$LOG" ] || return 0
	local n
	n=$(jq -c 'select((.level | type) == "string" and (.msg | type) == "string"
		and (.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(Z|[+-][0-9:]+)$")) | not)' "$LOG" | wc -l) ||
		fail "log.json is not JSON lines: $(cat "$LOG")"
	[ "$n" -eq 0 ] || fail "log.json lines without level/msg/time: $(cat "$LOG")"
}

# no_errors_logged: nothing at level error in $LOG.
no_errors_logged() {
	log_is_json
	[ ! -s "$LOG" ] || ! jq -e 'select(.level == "error")' "$LOG" >/dev/null ||
		fail "errors logged: $(cat "$LOG")"
}

# start_recvtty SOCKET OUT: a console-socket receiver writing the pty's output to OUT.
start_recvtty() {
	"$RECVTTY" --pid-file "$BATS_TEST_TMPDIR/recvtty.pid" "$1" </dev/null >"$2" 2>&1 3>&- &
	register_pid $!
	wait_for 5 test -s "$BATS_TEST_TMPDIR/recvtty.pid" || fail "recvtty did not start: $(cat "$2")"
}

_status_is() {
	[ "$(container_status)" = "$1" ]
}

# exec_process ARGS_JSON [TERMINAL]: containerd's ExecSync process.json with other args.
exec_process() {
	local f="$BATS_TEST_TMPDIR/process-$RANDOM.json"
	jq --argjson a "$1" --argjson t "${2:-false}" '.args = $a | .terminal = $t' \
		"$FIXTURES_DIR/containerd-cri-exec-process.json" >"$f"
	echo "$f"
}

@test "containerd runc.v2 shim: create, start, exec -d, ps, pause, resume, update -, kill --all, delete, delete --force" {
	adapt_fixture containerd-cri-sandbox.json '["sleep", "1000"]'
	register_id "$CTR_ID"
	detached ctrd create --bundle "$BUNDLE" --pid-file "$BUNDLE/init.pid" "$CTR_ID"
	[ "$(cat "$BUNDLE/init.pid")" = "$(container_pid)" ] || fail "init.pid"
	[ "$(container_status)" = created ] || fail "status: $(container_status)"
	ctrd start "$CTR_ID"
	[ "$(container_status)" = running ] || fail "status: $(container_status)"

	local proc
	proc=$(exec_process '["sleep", "1000"]')
	detached ctrd exec --process "$proc" --detach --pid-file "$BUNDLE/exec.pid" "$CTR_ID"
	local epid init
	epid=$(cat "$BUNDLE/exec.pid")
	init=$(container_pid)
	[ "$(readlink "/proc/$epid/ns/pid")" = "$(readlink "/proc/$init/ns/pid")" ] || fail "exec is not in the container's pid namespace"

	run ctrd ps --format json "$CTR_ID"
	assert_status 0
	jq -e --argjson i "$init" --argjson e "$epid" 'index($i) != null and index($e) != null' <<<"$output" >/dev/null ||
		fail "ps: $output"

	ctrd pause "$CTR_ID"
	[ "$(container_status)" = paused ] || fail "status: $(container_status)"
	ctrd resume "$CTR_ID"
	[ "$(container_status)" = running ] || fail "status: $(container_status)"

	ctrd update --resources - "$CTR_ID" <<<'{"pids": {"limit": 77}, "cpu": {"shares": 256}}'
	if [ -d /sys/fs/cgroup/pids ]; then
		grep -qx 77 "/sys/fs/cgroup/pids$(awk -F: '$2 == "pids" {print $3}' "/proc/$init/cgroup")/pids.max" ||
			fail "pids.max not updated"
	fi

	ctrd kill --all "$CTR_ID" 9
	wait_for 5 _status_is stopped || fail "status: $(container_status)"
	[ ! -e "/proc/$epid" ] || [ "$(cut -d' ' -f3 "/proc/$epid/stat")" = Z ] || fail "the exec'd process survived kill --all"
	ctrd delete "$CTR_ID"
	run ctrd delete --force "$CTR_ID"
	assert_status 0
	no_errors_logged

	# A failing call: containerd reads the reason from the log.
	run ctrd start "$CTR_ID"
	assert_failure
	log_is_json
	jq -e 'select(.level == "error" and (.msg | length) > 0)' "$LOG" >/dev/null || fail "no error line: $(cat "$LOG")"
	assert_nothing_left
}

@test "containerd runc.v2 shim: kill ID 15 stops the init; exec --process foreground-style ExecSync gets its exit code" {
	# A pid-namespace init only gets the signals it handles (the pause process handles TERM).
	adapt_fixture containerd-cri-sandbox.json '["sh", "-c", "trap \"exit 0\" TERM; sleep 1000 & wait"]'
	register_id "$CTR_ID"
	detached ctrd create --bundle "$BUNDLE" --pid-file "$BUNDLE/init.pid" "$CTR_ID"
	ctrd start "$CTR_ID"
	run ctrd exec --process "$FIXTURES_DIR/containerd-cri-exec-process.json" "$CTR_ID"
	assert_status 3
	assert_output_contains exec-out "Seccomp:"
	ctrd kill "$CTR_ID" 15
	wait_for 5 _status_is stopped || fail "status: $(container_status)"
	ctrd delete "$CTR_ID"
	no_errors_logged
}

@test "containerd runc.v2 shim: create --console-socket with a terminal" {
	[ -x "$RECVTTY" ] || skip "recvtty not built"
	adapt_fixture containerd-cri-sandbox.json '["sh", "-c", "tty; echo from-the-pty; sleep 1000"]'
	update_config '.process.terminal = true'
	local sock="$BATS_TEST_TMPDIR/console.sock" out="$BATS_TEST_TMPDIR/tty.out"
	start_recvtty "$sock" "$out"
	register_id "$CTR_ID"
	detached ctrd create --bundle "$BUNDLE" --pid-file "$BUNDLE/init.pid" --console-socket "$sock" "$CTR_ID"
	ctrd start "$CTR_ID"
	wait_for 5 grep -q from-the-pty "$out" || fail "tty output: $(cat "$out")"
	grep -q '^/dev/pts/' "$out" || fail "not a pty: $(cat "$out")"
	ctrd kill "$CTR_ID" 9
	wait_for 5 _status_is stopped || fail "status"
	ctrd delete "$CTR_ID"
	no_errors_logged
}

@test "conmon (CRI-O, podman): --root=R --log-format=json --log F create --pid-file; exec --detach, and with --tty --console-socket" {
	adapt_fixture conmon-crio-style.json '["sleep", "1000"]'
	register_id "$CTR_ID"
	detached conmon_rt create --bundle "$BUNDLE" --pid-file "$BATS_TEST_TMPDIR/conmon.pid" "$CTR_ID"
	[ "$(cat "$BATS_TEST_TMPDIR/conmon.pid")" = "$(container_pid)" ] || fail "pid file"
	conmon_rt start "$CTR_ID"
	local proc
	proc=$(exec_process '["sleep", "1000"]')
	detached conmon_rt exec --pid-file "$BATS_TEST_TMPDIR/exec1.pid" --process "$proc" --detach "$CTR_ID"
	[ -e "/proc/$(cat "$BATS_TEST_TMPDIR/exec1.pid")" ] || fail "exec'd process is not running"
	if [ -x "$RECVTTY" ]; then
		local sock="$BATS_TEST_TMPDIR/exec.sock" out="$BATS_TEST_TMPDIR/exec-tty.out"
		start_recvtty "$sock" "$out"
		# conmon writes "terminal": true into the process file it passes with --tty.
		proc=$(exec_process '["sh", "-c", "tty; echo exec-tty-ok"]' true)
		detached conmon_rt exec --pid-file "$BATS_TEST_TMPDIR/exec2.pid" --process "$proc" --detach --tty \
			--console-socket "$sock" "$CTR_ID"
		wait_for 5 grep -q exec-tty-ok "$out" || fail "exec tty: $(cat "$out")"
		grep -q '^/dev/pts/' "$out" || fail "not a pty: $(cat "$out")"
	fi
	conmon_rt delete --force "$CTR_ID"
	no_errors_logged
	assert_nothing_left
}

@test "CRI-O and podman: start, state, pause, resume, kill SIG, kill -a 9, update FILE, exec foreground, delete --force, --version" {
	adapt_fixture podman-run-echo.json '["sleep", "1000"]'
	register_id "$CTR_ID"
	detached runtime create --bundle "$BUNDLE" --pid-file "$BATS_TEST_TMPDIR/p.pid" "$CTR_ID"
	runtime start "$CTR_ID"
	run runtime state "$CTR_ID"
	assert_status 0
	jq -e --arg id "$CTR_ID" --arg b "$BUNDLE" '.ociVersion and .id == $id and .status == "running"
		and .pid > 0 and .bundle == $b and (.annotations | type) == "object"' <<<"$output" >/dev/null ||
		fail "state: $output"
	runtime pause "$CTR_ID"
	runtime resume "$CTR_ID"
	echo '{"pids": {"limit": 99}}' >"$BATS_TEST_TMPDIR/res.json"
	runtime update --resources "$BATS_TEST_TMPDIR/res.json" "$CTR_ID"
	run runtime exec --process "$(exec_process '["sh", "-c", "echo in-exec; exit 5"]')" "$CTR_ID"
	assert_status 5
	assert_output_contains in-exec
	runtime kill "$CTR_ID" SIGCONT
	[ "$(container_status)" = running ] || fail "SIGCONT stopped it"
	runtime kill -a "$CTR_ID" 9
	wait_for 5 _status_is stopped || fail "status: $(container_status)"
	runtime delete --force "$CTR_ID"
	run runtime --version
	assert_status 0
	assert_output_contains "spec: 1."
	assert_nothing_left
}
