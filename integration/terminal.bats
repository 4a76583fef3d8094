#!/usr/bin/env bats
# shellcheck disable=SC2016 # container scripts are single-quoted on purpose
# terminal: process.terminal with --console-socket (create/start, run -d,
# exec -d -t) through the recvtty helper, runc's checks on the options, and
# foreground run / exec -t under script(1), where the runtime proxies its own
# terminal to the container's pty.
#
# recvtty is built with the rest: `make build` puts it in $SHIM_BUILD/helpers
# (override with RECVTTY=...). Output read from a pty ends lines with \r\n:
# the tests drop the \r.

load helpers/common

RECVTTY=${RECVTTY:-${SHIM_BUILD:-$REPO_DIR/build}/helpers/recvtty}

setup() {
	[ -x "$RECVTTY" ] || skip "recvtty helper not built (make build, or set RECVTTY)"
	setup_common
	update_config '.process.terminal = true'
	SOCK="$BATS_TEST_TMPDIR/tty.sock"
	TTY_OUT="$BATS_TEST_TMPDIR/tty.out"
}

teardown() {
	teardown_common
}

# start_recvtty [recvtty options...]: recvtty listening on $SOCK in the
# background, stdin from $RECVTTY_IN (default /dev/null), stdout to $TTY_OUT.
# Returns once it listens.
start_recvtty() {
	local pidfile="$BATS_TEST_TMPDIR/recvtty.pid"
	rm -f "$SOCK" "$pidfile"
	"$RECVTTY" --pid-file "$pidfile" "$@" "$SOCK" \
		<"${RECVTTY_IN:-/dev/null}" >"$TTY_OUT" 2>"$BATS_TEST_TMPDIR/recvtty.err" 3>&- &
	RECVTTY_PID=$!
	register_pid "$RECVTTY_PID"
	wait_for 5 test -s "$pidfile" ||
		fail "recvtty did not start: $(cat "$BATS_TEST_TMPDIR/recvtty.err")"
}

# pid_exited PID: a child of ours has exited (a zombie counts).
pid_exited() {
	local st
	st=$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null) || return 0
	[ "$st" = Z ]
}

# wait_recvtty: recvtty ends when the pty hangs up, i.e. the container's
# process and everything holding its terminal have exited. Then $output is
# what it received, without \r.
wait_recvtty() {
	wait_for 10 pid_exited "$RECVTTY_PID" ||
		fail "recvtty still running; got so far: $(cat "$TTY_OUT")"
	wait "$RECVTTY_PID" || fail "recvtty failed: $(cat "$BATS_TEST_TMPDIR/recvtty.err")"
	output=$(tr -d '\r' <"$TTY_OUT")
	mapfile -t lines <<<"$output"
}

# script_cmd ARGS...: `runtime ARGS...` quoted as one command line for script -c.
script_cmd() {
	printf '%q ' "$RUNTIME_BIN" --root "$ROOT_DIR" "$@"
}

# run_script ARGS...: `runtime ARGS...` under script(1), so that it has a
# terminal, stdin from $SCRIPT_IN (default /dev/null); status in $status, what
# script printed in $output and $lines, without \r and without the "^@" that
# script's own terminal echoes when it starts with a stdin that is not a tty.
run_script() {
	local out="$BATS_TEST_TMPDIR/script.out"
	status=0
	script -qec "$(script_cmd "$@")" /dev/null <"${SCRIPT_IN:-/dev/null}" >"$out" 2>&1 3>&- ||
		status=$?
	output=$(tr -d '\r\0' <"$out" | sed 's/\^@//g')
	mapfile -t lines <<<"$output"
}

@test "terminal: create --console-socket + start: stdio is the pty, output comes through recvtty" {
	set_cmd 'tty; for fd in 0 1 2; do [ -t $fd ] && echo "fd $fd: tty"; done; echo to-stderr >&2'
	start_recvtty --no-stdin
	register_id "$CTR_ID"
	run runtime create --bundle "$BUNDLE" --console-socket "$SOCK" "$CTR_ID"
	assert_status 0
	[ "$(container_status)" = created ] || fail "status after create: $(container_status)"
	run runtime start "$CTR_ID"
	assert_status 0
	wait_recvtty
	assert_line_eq 0 /dev/pts/0
	assert_line_eq 1 "fd 0: tty"
	assert_line_eq 2 "fd 1: tty"
	assert_line_eq 3 "fd 2: tty"
	assert_line_eq 4 to-stderr
}

@test "terminal: consoleSize sets the pty's window size" {
	update_config '.process.consoleSize = {"height": 25, "width": 80}'
	set_cmd 'stty size'
	start_recvtty --no-stdin
	register_id "$CTR_ID"
	runtime create --bundle "$BUNDLE" --console-socket "$SOCK" "$CTR_ID" || fail "create failed"
	runtime start "$CTR_ID" || fail "start failed"
	wait_recvtty
	assert_line_eq 0 "25 80"
}

@test "terminal: the pty is the controlling terminal and /dev/console" {
	set_cmd 'tty=$(tty)
		[ "$(stat -c %t:%T /dev/console)" = "$(stat -c %t:%T "$tty")" ] && echo console-is-pty
		[ "$(cut -d" " -f7 /proc/self/stat)" != 0 ] && echo has-ctty
		[ "$(cut -d" " -f6 /proc/$$/stat)" = $$ ] && echo session-leader
		echo ok >/dev/tty && echo dev-tty-works'
	start_recvtty --no-stdin
	register_id "$CTR_ID"
	runtime run -d --bundle "$BUNDLE" --console-socket "$SOCK" "$CTR_ID" || fail "run -d failed"
	wait_recvtty
	assert_output_contains console-is-pty has-ctty session-leader dev-tty-works
}

@test "terminal: the pty belongs to process.user.uid (gid from the devpts mount)" {
	update_config '.process.user = {"uid": 1000, "gid": 1000}'
	set_cmd 'stat -c %u:%g "$(tty)"'
	start_recvtty --no-stdin
	register_id "$CTR_ID"
	runtime run -d --bundle "$BUNDLE" --console-socket "$SOCK" "$CTR_ID" || fail "run -d failed"
	wait_recvtty
	assert_line_eq 0 1000:5
}

@test "terminal: input written to the master reaches the container" {
	set_cmd 'read -r line; echo "got:$line"'
	printf 'hello tty\n' >"$BATS_TEST_TMPDIR/in"
	RECVTTY_IN="$BATS_TEST_TMPDIR/in" start_recvtty
	register_id "$CTR_ID"
	runtime run -d --bundle "$BUNDLE" --console-socket "$SOCK" "$CTR_ID" || fail "run -d failed"
	wait_recvtty
	assert_output_contains "got:hello tty"
}

@test "terminal: exec -d -t --console-socket gets its own pty" {
	update_config '.process.terminal = false'
	set_cmd 'sleep 100'
	start_detached
	start_recvtty --no-stdin
	run runtime exec -d -t --console-socket "$SOCK" "$CTR_ID" \
		sh -c 'tty; [ -t 0 ] && [ -t 1 ] && echo stdio-tty; [ "$(cut -d" " -f7 /proc/self/stat)" != 0 ] && echo has-ctty'
	assert_status 0
	wait_recvtty
	assert_line_eq 0 /dev/pts/0
	assert_line_eq 1 stdio-tty
	assert_line_eq 2 has-ctty
}

@test "terminal: exec -d --process with terminal and consoleSize" {
	update_config '.process.terminal = false'
	set_cmd 'sleep 100'
	start_detached
	cat >"$BATS_TEST_TMPDIR/process.json" <<-'EOF'
		{
			"terminal": true,
			"consoleSize": {"height": 30, "width": 100},
			"user": {"uid": 0, "gid": 0},
			"args": ["sh", "-c", "stty size; tty"],
			"env": ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"],
			"cwd": "/"
		}
	EOF
	start_recvtty --no-stdin
	run runtime exec -d --process "$BATS_TEST_TMPDIR/process.json" --console-socket "$SOCK" "$CTR_ID"
	assert_status 0
	wait_recvtty
	assert_line_eq 0 "30 100"
	assert_line_eq 1 /dev/pts/0
}

@test "terminal: create or run -d without --console-socket fails, as runc" {
	run runtime create --bundle "$BUNDLE" "$CTR_ID"
	assert_failure
	assert_output_contains "cannot allocate tty if runc will detach without setting console socket"
	assert_nothing_left

	run runtime run -d --bundle "$BUNDLE" "$CTR_ID"
	assert_failure
	assert_output_contains "cannot allocate tty if runc will detach without setting console socket"
	assert_nothing_left
}

@test "terminal: --console-socket without a detached terminal fails, as runc" {
	# The checks come before the socket is used: this one does not exist.
	update_config '.process.terminal = false'
	run runtime create --bundle "$BUNDLE" --console-socket "$SOCK" "$CTR_ID"
	assert_failure
	assert_output_contains "cannot use console socket if runc will not detach or allocate tty"
	assert_nothing_left

	update_config '.process.terminal = true'
	run runtime run --bundle "$BUNDLE" --console-socket "$SOCK" "$CTR_ID" </dev/null
	assert_failure
	assert_output_contains "cannot use console socket if runc will not detach or allocate tty"
	assert_nothing_left
}

@test "terminal: exec -t checks the console socket like runc" {
	update_config '.process.terminal = false'
	set_cmd 'sleep 100'
	start_detached
	run runtime exec -d -t "$CTR_ID" true
	assert_failure
	assert_output_contains "cannot allocate tty if runc will detach without setting console socket"
	run runtime exec -t --console-socket "$SOCK" "$CTR_ID" true </dev/null
	assert_failure
	assert_output_contains "cannot use console socket if runc will not detach or allocate tty"
	run runtime exec -d --console-socket "$SOCK" "$CTR_ID" true
	assert_failure
	assert_output_contains "cannot use console socket if runc will not detach or allocate tty"
	[ "$(container_status)" = running ] || fail "status: $(container_status)"
}

@test "terminal: foreground run gets a pty and its exit status (under script)" {
	requires cmd:script
	set_cmd 'tty; [ -t 0 ] && [ -t 1 ] && echo stdio-tty; exit 3'
	register_id "$CTR_ID"
	run_script run --bundle "$BUNDLE" "$CTR_ID"
	[ "$status" -eq 3 ] || fail "status $status, want 3; output: $output"
	assert_output_contains /dev/pts/0 stdio-tty
	run runtime state "$CTR_ID"
	assert_failure
}

@test "terminal: foreground run passes stdin through the pty (under script)" {
	requires cmd:script
	set_cmd 'read -r line; echo "got:$line"'
	printf 'typed line\n' >"$BATS_TEST_TMPDIR/in"
	register_id "$CTR_ID"
	SCRIPT_IN="$BATS_TEST_TMPDIR/in" run_script run --bundle "$BUNDLE" "$CTR_ID"
	assert_status 0
	assert_output_contains "got:typed line"
}

@test "terminal: foreground run loses no output when the container exits (under script)" {
	requires cmd:script
	set_cmd 'seq 1 5000'
	register_id "$CTR_ID"
	run_script run --bundle "$BUNDLE" "$CTR_ID"
	assert_status 0
	local n
	n=$(grep -cxE '[0-9]+' <<<"$output")
	[ "$n" -eq 5000 ] || fail "got $n lines of 5000; last: ${lines[${#lines[@]} - 1]}"
	grep -qx 5000 <<<"$output" || fail "no line 5000"
}

@test "terminal: foreground exec -t gets a pty and its exit status (under script)" {
	requires cmd:script
	update_config '.process.terminal = false'
	set_cmd 'sleep 100'
	start_detached
	run_script exec -t "$CTR_ID" sh -c 'tty; [ -t 0 ] && echo stdin-tty; exit 4'
	[ "$status" -eq 4 ] || fail "status $status, want 4; output: $output"
	assert_output_contains /dev/pts/0 stdin-tty
	[ "$(container_status)" = running ] || fail "status: $(container_status)"
}

# The runtime's process on the terminal script(1) gave it.
_runtime_tty() {
	local pid
	pid=$(pgrep -n -f -- "run --bundle $BUNDLE $CTR_ID\$") || return 1
	readlink "/proc/$pid/fd/0"
}

@test "terminal: foreground run follows the caller's window size (SIGWINCH, under script)" {
	requires cmd:script cmd:pgrep cmd:stty
	set_cmd 'trap "stty size; exit 0" WINCH; echo ready
		i=0; while [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done; echo timeout'
	register_id "$CTR_ID"
	local out="$BATS_TEST_TMPDIR/script.out" tty pid
	script -qec "$(script_cmd run --bundle "$BUNDLE" "$CTR_ID")" /dev/null </dev/null >"$out" 2>&1 3>&- &
	pid=$!
	register_pid "$pid"
	wait_for 10 grep -q ready "$out" || fail "container not ready: $(cat "$out")"
	tty=$(_runtime_tty) || fail "no runtime process found"
	stty -F "$tty" rows 40 cols 132
	wait_for 15 pid_exited "$pid" || fail "still running: $(cat "$out")"
	wait "$pid" || fail "exit status $?: $(cat "$out")"
	grep -q '40 132' "$out" || fail "the container did not see 40x132: $(cat "$out")"
}
