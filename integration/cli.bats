#!/usr/bin/env bats
# shellcheck disable=SC2016 # container scripts are single-quoted on purpose
# The command line itself: help, --systemd-cgroup, create's flags (--pid-file,
# --no-pivot, --no-new-keyring, --preserve-fds), the subreaper hand-off,
# events, and state/list/ps next to runc's.

load helpers/common

HELPERS_BIN=${SHIM_BUILD:-$REPO_DIR/build}/helpers

setup() {
	requires root cmd:jq
	setup_common
	set_args sleep 1000
}

teardown() {
	teardown_common
}

@test "help: every command answers --help, -h and 'help CMD' with its usage, exit 0" {
	is_shim || skip "shim's command list"
	local c h
	for c in create delete events exec features kill list pause ps resume run seccomp-profile spec start state update; do
		for h in --help -h; do
			run runtime "$c" "$h"
			assert_status 0
			[[ "$output" == *"usage: shim $c"* ]] || fail "$c $h: $output"
		done
		run runtime help "$c"
		assert_status 0
		[[ "$output" == *"usage: shim $c"* ]] || fail "help $c: $output"
	done
	run runtime help no-such-command
	assert_failure
}

@test "--systemd-cgroup without systemd: a clear error, nothing is created" {
	[ ! -d /run/systemd/system ] || skip "systemd runs here"
	register_id "$CTR_ID"
	run runtime --systemd-cgroup run -d --bundle "$BUNDLE" "$CTR_ID" </dev/null
	assert_failure
	assert_output_contains systemd
	assert_nothing_left
}

@test "create returns with the container created and the pid file written; the init goes to the caller's subreaper" {
	[ -x "$HELPERS_BIN/subreaper" ] || skip "subreaper helper not built"
	register_id "$CTR_ID"
	local marker="$BATS_TEST_TMPDIR/subreaper.pid"
	"$HELPERS_BIN/subreaper" "$marker" "$RUNTIME_BIN" --root "$ROOT_DIR" create --bundle "$BUNDLE" \
		--pid-file "$BATS_TEST_TMPDIR/init.pid" "$CTR_ID" </dev/null >"$BATS_TEST_TMPDIR/create.out" 2>&1 3>&- &
	local reaper=$!
	register_pid "$reaper"
	wait_for 10 test -s "$marker" || fail "create did not return: $(cat "$BATS_TEST_TMPDIR/create.out")"
	[ -s "$BATS_TEST_TMPDIR/init.pid" ] || fail "no pid file when create returned"
	local init
	init=$(cat "$BATS_TEST_TMPDIR/init.pid")
	[ "$(container_status)" = created ] || fail "status: $(container_status)"
	[ "$(container_pid)" = "$init" ] || fail "pid file $init, state $(container_pid)"
	[ "$(awk '/^PPid:/ {print $2}' "/proc/$init/status")" = "$reaper" ] ||
		fail "the init's parent is $(awk '/^PPid:/ {print $2}' "/proc/$init/status"), not the subreaper $reaper"
	runtime start "$CTR_ID"
	runtime delete --force "$CTR_ID"
	kill -TERM "$reaper"
	wait "$reaper" || fail "create's exit status through the subreaper: $?"
}

@test "--no-pivot: the container still sees only its rootfs" {
	set_cmd 'cat /etc/hostname; ls /; grep -c . /proc/self/mountinfo >/dev/null && echo mounts-ok'
	echo nopivot-host >"$BUNDLE/rootfs/etc/hostname"
	run_container --no-pivot
	assert_status 0
	assert_output_contains nopivot-host mounts-ok
	assert_output_lacks "$(basename "$BATS_TEST_TMPDIR")"
	# The host's root is not reachable by going up.
	set_cmd 'cd /; cd ..; ls / | sort | tr "\n" " "'
	CTR_ID=$(new_id up)
	run_container --no-pivot
	assert_status 0
	[[ "$output" != *boot* && "$output" != *work* ]] || fail "host root visible: $output"
}

@test "--no-new-keyring: the container keeps the caller's session keyring; by default it gets its own" {
	local bin="$BUNDLE/rootfs/keyring-id"
	cc -static -O2 -o "$bin" "$HELPERS_DIR/keyring-id.c" 2>"$BATS_TEST_TMPDIR/cc.log" ||
		skip "no static build: $(cat "$BATS_TEST_TMPDIR/cc.log")"
	local mine
	mine=$("$bin")
	set_args /keyring-id
	run_container
	assert_status 0
	[ "$output" != "$mine" ] || fail "the container shares the caller's session keyring ($mine)"
	CTR_ID=$(new_id keep)
	run_container --no-new-keyring
	assert_status 0
	[ "$output" = "$mine" ] || fail "with --no-new-keyring: $output, the caller's is $mine"
}

@test "--preserve-fds N: fds 3..3+N-1 reach the container, later ones do not" {
	set_cmd 'for f in 3 4 5; do if [ -e /proc/self/fd/$f ]; then echo "fd$f:$(cat <&$f 2>/dev/null | head -c 20)"; else echo "fd$f:none"; fi; done'
	echo three >"$BATS_TEST_TMPDIR/f3"
	echo four >"$BATS_TEST_TMPDIR/f4"
	echo five >"$BATS_TEST_TMPDIR/f5"
	register_id "$CTR_ID"
	run bash -c '"$1" --root "$2" run --preserve-fds 2 --bundle "$3" "$4" </dev/null 3<"$5/f3" 4<"$5/f4" 5<"$5/f5"' \
		_ "$RUNTIME_BIN" "$ROOT_DIR" "$BUNDLE" "$CTR_ID" "$BATS_TEST_TMPDIR"
	assert_status 0
	assert_output_contains "fd3:three" "fd4:four" "fd5:none"
}

@test "events --stats: one sample in runc's format" {
	start_detached
	run runtime events --stats "$CTR_ID"
	assert_status 0
	jq -e --arg id "$CTR_ID" '.type == "stats" and .id == $id and (.data.cpu.usage.total | type) == "number"
		and (.data.memory.usage | has("usage")) and (.data.pids.current >= 1)' <<<"$output" >/dev/null ||
		fail "events: $output"
	[ "$(wc -l <<<"$output")" -eq 1 ] || fail "more than one line: $output"
}

@test "differential: state, list and ps have runc's fields and shapes" {
	command -v runc >/dev/null 2>&1 || skip "runc is not installed"
	is_runc && skip "this compares against runc"
	start_detached
	local rid
	rid=$(new_id runc)
	runtime_as runc run -d --bundle "$BUNDLE" "$rid" </dev/null >"$BATS_TEST_TMPDIR/runc.out" 2>&1 3>&- ||
		fail "runc: $(cat "$BATS_TEST_TMPDIR/runc.out")"
	local ours theirs
	ours=$(runtime state "$CTR_ID" | jq -c 'keys')
	theirs=$(runtime_as runc state "$rid" | jq -c 'keys')
	[ "$ours" = "$theirs" ] || fail "state keys: ours $ours, runc $theirs"
	ours=$(runtime state "$CTR_ID" | jq -c '{status, bundle, ociVersion: (.ociVersion | startswith("1."))}')
	theirs=$(runtime_as runc state "$rid" | jq -c '{status, bundle, ociVersion: (.ociVersion | startswith("1."))}')
	[ "$ours" = "$theirs" ] || fail "state: ours $ours, runc $theirs"
	ours=$(runtime list --format json | jq -c '.[0] | keys')
	theirs=$(runtime_as runc list --format json | jq -c '.[0] | keys')
	[ "$ours" = "$theirs" ] || fail "list keys: ours $ours, runc $theirs"
	ours=$(runtime list | head -n1 | tr -s ' ')
	theirs=$(runtime_as runc list | head -n1 | tr -s ' ')
	[ "$ours" = "$theirs" ] || fail "list header: ours '$ours', runc '$theirs'"
	[ "$(runtime list -q)" = "$CTR_ID" ] || fail "list -q: $(runtime list -q)"
	ours=$(runtime ps --format json "$CTR_ID" | jq -c 'map(type)')
	theirs=$(runtime_as runc ps --format json "$rid" | jq -c 'map(type)')
	[ "$ours" = "$theirs" ] || fail "ps json: ours $ours, runc $theirs"
	ours=$(runtime ps "$CTR_ID" | head -n1 | tr -s ' ')
	theirs=$(runtime_as runc ps "$rid" | head -n1 | tr -s ' ')
	[ "$ours" = "$theirs" ] || fail "ps header: ours '$ours', runc '$theirs'"
	runtime_as runc delete --force "$rid"
}
