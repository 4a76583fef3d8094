#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2030,SC2031 # container scripts are single-quoted on purpose; bats subshells
# The container lifecycle through the runc CLI: create, start, state, kill,
# delete, list, ps, exec, run -d, the pid file, the log file, spec, --version.

load helpers/common

setup() {
	setup_common
}

teardown() {
	teardown_common
}

# A container whose init (pid 1 of its pid namespace) exits 0 on SIGTERM: a
# pid-namespace init without a handler ignores SIGTERM.
TERM_CMD='trap "exit 0" TERM; echo up; sleep 1000 & wait'

# create_ctr ID [create options...]: `create` with the container's stdio on
# $BATS_TEST_TMPDIR/ID.out (it must not hold bats' pipes). Its status is create's.
create_ctr() {
	local id=$1
	shift
	register_id "$id"
	runtime create --bundle "$BUNDLE" "$@" "$id" </dev/null >"$BATS_TEST_TMPDIR/$id.out" 2>&1 3>&-
}

# wait_status ID STATUS: the container reaches STATUS within 5 s.
wait_status() {
	wait_for 5 _has_status "$1" "$2" || fail "$1: status $(container_status "$1"), want $2"
}

_has_status() {
	[ "$(container_status "$1")" = "$2" ]
}

# A process that is gone or a zombie.
pid_gone() {
	[ ! -e "/proc/$1" ] || [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" = Z ]
}

# ---------------------------------------------------------------- the basic lifecycle

@test "lifecycle: create (created, pid, pid-file) -> start (running) -> kill (stopped) -> delete" {
	set_cmd "$TERM_CMD"
	create_ctr "$CTR_ID" --pid-file "$BATS_TEST_TMPDIR/init.pid" ||
		fail "create: $(cat "$BATS_TEST_TMPDIR/$CTR_ID.out")"

	run runtime state "$CTR_ID"
	assert_status 0
	[ "$(jq -r .status <<<"$output")" = created ] || fail "state after create: $output"
	local pid
	pid=$(jq -r .pid <<<"$output")
	[ "$pid" -gt 0 ] || fail "no pid in state: $output"
	[ -d "/proc/$pid" ] || fail "init $pid is not alive"
	[ "$(cat "$BATS_TEST_TMPDIR/init.pid")" = "$pid" ] ||
		fail "pid file has '$(cat "$BATS_TEST_TMPDIR/init.pid")', state has $pid"
	# The user process has not run yet.
	! grep -q up "$BATS_TEST_TMPDIR/$CTR_ID.out" || fail "the process ran before start"

	run runtime start "$CTR_ID"
	assert_status 0
	[ "$(container_status)" = running ] || fail "status after start: $(container_status)"
	[ "$(container_pid)" = "$pid" ] || fail "pid changed on start"
	wait_for 5 grep -q up "$BATS_TEST_TMPDIR/$CTR_ID.out" || fail "the process did not run"

	run runtime kill "$CTR_ID"
	assert_status 0
	wait_status "$CTR_ID" stopped
	run runtime state "$CTR_ID"
	assert_status 0
	[ "$(jq -r .pid <<<"$output")" = 0 ] || fail "a stopped container shows pid 0 (runc): $output"

	run runtime delete "$CTR_ID"
	assert_status 0
	run runtime state "$CTR_ID"
	assert_failure
	assert_output_contains "does not exist"
	[ ! -e "$ROOT_DIR/$CTR_ID" ] || fail "state dir left: $(ls -la "$ROOT_DIR/$CTR_ID")"
}

@test "kill: TERM, SIGTERM, 15 and the default signal all stop a container that traps SIGTERM" {
	set_cmd 'trap "echo got-term; exit 0" TERM; sleep 1000 & wait'
	local sig id
	for sig in TERM SIGTERM 15 default; do
		id=$(new_id "$sig")
		start_detached "$id"
	done
	for sig in TERM SIGTERM 15 default; do
		id="$ID_PREFIX-$sig"
		if [ "$sig" = default ]; then
			run runtime kill "$id"
		else
			run runtime kill "$id" "$sig"
		fi
		assert_status 0
	done
	for sig in TERM SIGTERM 15 default; do
		id="$ID_PREFIX-$sig"
		wait_status "$id" stopped
		wait_for 2 grep -q got-term "$BATS_TEST_TMPDIR/$id.out" ||
			fail "kill $sig: no SIGTERM seen: $(cat "$BATS_TEST_TMPDIR/$id.out")"
	done
}

@test "kill: an unknown signal name is refused and the container keeps running" {
	set_cmd 'sleep 1000'
	start_detached
	run runtime kill "$CTR_ID" NOSUCHSIG
	assert_failure
	[ "$(container_status)" = running ] || fail "status: $(container_status)"
}

@test "delete: a running container needs --force; --force kills it" {
	set_cmd 'sleep 1000'
	start_detached
	local pid
	pid=$(container_pid)
	run runtime delete "$CTR_ID"
	assert_failure
	[ "$(container_status)" = running ] || fail "delete without --force disturbed it"

	run runtime delete --force "$CTR_ID"
	assert_status 0
	run runtime state "$CTR_ID"
	assert_failure
	wait_for 3 pid_gone "$pid" || fail "init $pid survived delete --force"
	assert_nothing_left
}

@test "delete: --force on a created container kills the waiting init" {
	set_cmd 'echo should-not-run'
	create_ctr "$CTR_ID" || fail "create: $(cat "$BATS_TEST_TMPDIR/$CTR_ID.out")"
	local pid
	pid=$(container_pid)
	run runtime delete --force "$CTR_ID"
	assert_status 0
	wait_for 3 pid_gone "$pid" || fail "init $pid survived delete --force"
	! grep -q should-not-run "$BATS_TEST_TMPDIR/$CTR_ID.out" || fail "the process ran"
	assert_nothing_left
}

@test "delete: an unknown id fails, but not with --force (exit 0)" {
	run runtime delete "$ID_PREFIX-nosuch"
	assert_failure
	assert_output_contains "does not exist"
	run runtime delete --force "$ID_PREFIX-nosuch"
	assert_status 0
	run runtime delete -f "$ID_PREFIX-nosuch"
	assert_status 0
}

@test "start: a second start fails; so does start of a stopped or unknown container" {
	set_cmd 'sleep 1000'
	create_ctr "$CTR_ID" || fail "create: $(cat "$BATS_TEST_TMPDIR/$CTR_ID.out")"
	run runtime start "$CTR_ID"
	assert_status 0
	run runtime start "$CTR_ID"
	assert_failure
	[ "$(container_status)" = running ] || fail "status: $(container_status)"

	runtime kill "$CTR_ID" KILL
	wait_status "$CTR_ID" stopped
	run runtime start "$CTR_ID"
	assert_failure
	assert_output_contains stopped

	run runtime start "$ID_PREFIX-nosuch"
	assert_failure
	assert_output_contains "does not exist"
}

@test "kill: a stopped container is an error (container not running)" {
	set_cmd 'true'
	start_detached
	wait_status "$CTR_ID" stopped
	run runtime kill "$CTR_ID" KILL
	assert_failure
	assert_output_contains "not running"
	run runtime kill "$ID_PREFIX-nosuch" KILL
	assert_failure
}

# ---------------------------------------------------------------- list and state

@test "list: table, -q and --format json show every container, as state does" {
	set_cmd 'sleep 1000'
	update_config '.annotations = {"org.example.list": "yes"}'
	local a="$ID_PREFIX-created" b="$ID_PREFIX-running"
	create_ctr "$a" || fail "create: $(cat "$BATS_TEST_TMPDIR/$a.out")"
	start_detached "$b"

	run runtime list
	assert_status 0
	[[ "${lines[0]}" =~ ^ID\ +PID\ +STATUS\ +BUNDLE\ +CREATED\ +OWNER ]] || fail "header: ${lines[0]}"
	[ "${#lines[@]}" -eq 3 ] || fail "want a header and 2 rows: $output"
	local row
	row=$(printf '%s\n' "${lines[@]}" | grep "^$a ")
	[[ "$row" =~ ^$a\ +$(container_pid "$a")\ +created\ +$BUNDLE\ + ]] || fail "row for $a: $row"
	row=$(printf '%s\n' "${lines[@]}" | grep "^$b ")
	[[ "$row" =~ ^$b\ +$(container_pid "$b")\ +running\ +$BUNDLE\ + ]] || fail "row for $b: $row"

	run runtime list -q
	assert_status 0
	[ "$(printf '%s\n' "${lines[@]}" | sort | tr '\n' ' ')" = "$a $b " ] || fail "list -q: $output"

	run runtime list --format json
	assert_status 0
	jq -e 'type == "array" and length == 2' <<<"$output" >/dev/null || fail "list json: $output"
	local id want got
	for id in "$a" "$b"; do
		# runc's list entry is its state (owner aside: runc 1.1.5's state shows "").
		want=$(runtime state "$id" | jq -S 'del(.owner)')
		got=$(jq -S --arg id "$id" '.[] | select(.id == $id) | del(.owner)' <<<"$output")
		[ "$got" = "$want" ] || fail "list entry for $id differs from state:
list:  $got
state: $want"
		jq -e --arg id "$id" '.[] | select(.id == $id) | .owner == "root"' <<<"$output" >/dev/null ||
			fail "list: owner is not root: $output"
	done
}

@test "list: an empty or missing --root lists nothing" {
	run runtime list -q
	assert_status 0
	[ -z "$output" ] || fail "list -q: $output"
	run runtime list --format json
	assert_status 0
	if [ -n "$output" ]; then
		# runc 1.1.5 prints "null" for no containers; [] is as good.
		jq -e '. == null or . == []' <<<"$output" >/dev/null || fail "list json: $output"
	fi
}

@test "state: ociVersion, id, status, pid, bundle, rootfs, created, owner and the config's annotations" {
	set_cmd 'sleep 1000'
	update_config '.annotations = {"org.example.a": "1", "org.example.b": "two words"}'
	local before
	before=$(date -u +%s)
	start_detached
	run runtime state "$CTR_ID"
	assert_status 0
	local s=$output
	jq -e . <<<"$s" >/dev/null || fail "not JSON: $s"
	[ "$(jq -r .ociVersion <<<"$s")" = "$(jq -r .ociVersion "$BUNDLE/config.json")" ] ||
		fail "ociVersion is not the config's: $s"
	[ "$(jq -r .id <<<"$s")" = "$CTR_ID" ] || fail "id: $s"
	[ "$(jq -r .status <<<"$s")" = running ] || fail "status: $s"
	jq -e '.pid | type == "number" and . > 0' <<<"$s" >/dev/null || fail "pid: $s"
	[ "$(jq -r .bundle <<<"$s")" = "$BUNDLE" ] || fail "bundle is not the absolute bundle path: $s"
	[ "$(jq -r .rootfs <<<"$s")" = "$BUNDLE/rootfs" ] || fail "rootfs: $s"
	jq -e '.owner | type == "string"' <<<"$s" >/dev/null || fail "owner: $s"
	jq -e '.annotations == {"org.example.a": "1", "org.example.b": "two words"}' <<<"$s" >/dev/null ||
		fail "annotations: $s"
	local created t
	created=$(jq -r .created <<<"$s")
	[[ "$created" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$ ]] ||
		fail "created is not RFC 3339: $created"
	t=$(date -u -d "$created" +%s)
	[ "$t" -ge "$before" ] && [ "$t" -le "$(($(date -u +%s) + 1))" ] ||
		fail "created $created is not the creation time"
}

@test "state: a stopped container is detected by pid and start time, not by the pid alone" {
	set_cmd 'sleep 1000'
	start_detached
	local pid
	pid=$(container_pid)
	kill -9 "$pid"
	wait_status "$CTR_ID" stopped

	# Another process now holds the pid in the state file (a pid reused): it is
	# alive but started at another time. runc 1.1.5 keeps init_process_pid and
	# init_process_start in state.json, shim pid and start_time.
	sleep 1000 </dev/null >/dev/null 2>&1 3>&- &
	local impostor=$!
	register_pid "$impostor"
	local f="$ROOT_DIR/$CTR_ID/state.json"
	[ -f "$f" ] || fail "no $f"
	jq --argjson p "$impostor" 'if has("init_process_pid") then .init_process_pid = $p else .pid = $p end' \
		"$f" >"$f.new" && mv "$f.new" "$f"

	[ "$(container_status)" = stopped ] || fail "a live process with the same pid makes it $(container_status)"
	run runtime kill "$CTR_ID" KILL
	assert_failure
	run runtime delete "$CTR_ID"
	assert_status 0
	kill -0 "$impostor" || fail "kill/delete killed the unrelated process that reused the pid"
	kill "$impostor"
}

# ---------------------------------------------------------------- run -d

@test "run -d: detaches at once, the container keeps running" {
	set_cmd 'echo started; sleep 1000'
	local t0 t1
	t0=$(date +%s%N)
	start_detached
	t1=$(date +%s%N)
	[ $(((t1 - t0) / 1000000)) -lt 3000 ] || fail "run -d took $(((t1 - t0) / 1000000)) ms"
	[ "$(container_status)" = running ] || fail "status: $(container_status)"
	wait_for 5 grep -q started "$BATS_TEST_TMPDIR/$CTR_ID.out" || fail "no output"
	# The init is not a child of this shell: run exited.
	[ "$(awk '{print $4}' "/proc/$(container_pid)/stat")" != $$ ] || fail "init is our child"
}

# ---------------------------------------------------------------- exec

@test "exec: the exit code and stdout are exec's (sh -c 'exit 3' -> 3)" {
	set_cmd 'sleep 1000'
	start_detached
	run runtime exec "$CTR_ID" sh -c 'echo in-exec; exit 3'
	assert_status 3
	[ "$output" = in-exec ] || fail "output: $output"
	run runtime exec "$CTR_ID" true
	assert_status 0
}

@test "exec: sees the init in the same pid namespace (ps shows pid 1)" {
	set_cmd 'sleep 1000'
	start_detached
	run runtime exec "$CTR_ID" ps -o pid,args
	assert_status 0
	printf '%s\n' "${lines[@]}" | grep -Eq '^ *1 +sleep 1000$' || fail "no init in ps: $output"
	local init
	init=$(container_pid)
	# The exec'd process is in the init's namespaces.
	run runtime exec "$CTR_ID" sh -c 'for n in pid mnt uts net ipc; do readlink /proc/self/ns/$n; done'
	assert_status 0
	[ "$output" = "$(for n in pid mnt uts net ipc; do readlink "/proc/$init/ns/$n"; done)" ] ||
		fail "exec namespaces: $output"
}

@test "exec --env --cwd --user 1000:1000" {
	set_cmd 'sleep 1000'
	start_detached
	run runtime exec --env FOO=bar --env TERM=dumb --cwd /tmp --user 1000:1000 "$CTR_ID" \
		sh -c 'echo "$FOO $TERM $(pwd) $(id -u):$(id -g)"'
	assert_status 0
	[ "$output" = "bar dumb /tmp 1000:1000" ] || fail "output: $output"
	# Without flags: the container's process settings.
	run runtime exec "$CTR_ID" sh -c 'echo "$TERM $(pwd) $(id -u):$(id -g)"'
	assert_status 0
	[ "$output" = "xterm / 0:0" ] || fail "output: $output"
}

@test "exec --process process.json: args, env, cwd and user from the file" {
	set_cmd 'sleep 1000'
	start_detached
	jq '.process | .args = ["sh", "-c", "echo \"$FROM_FILE $(pwd) $(id -u)\"; exit 5"]
		| .env += ["FROM_FILE=yes"] | .cwd = "/home/user" | .user = {"uid": 1000, "gid": 1000}' \
		"$BUNDLE/config.json" >"$BATS_TEST_TMPDIR/process.json"
	run runtime exec --process "$BATS_TEST_TMPDIR/process.json" "$CTR_ID"
	assert_status 5
	[ "$output" = "yes /home/user 1000" ] || fail "output: $output"
}

@test "exec -d --pid-file: returns at once; the pid file names the live process" {
	set_cmd 'sleep 1000'
	start_detached
	local pf="$BATS_TEST_TMPDIR/exec.pid"
	runtime exec -d --pid-file "$pf" "$CTR_ID" sh -c 'echo exec-detached; exec sleep 999' \
		</dev/null >"$BATS_TEST_TMPDIR/exec.out" 2>&1 3>&- || fail "exec -d: $(cat "$BATS_TEST_TMPDIR/exec.out")"
	[ -s "$pf" ] || fail "no pid file"
	local pid
	pid=$(cat "$pf")
	[[ "$pid" =~ ^[0-9]+$ ]] || fail "pid file: $pid"
	wait_for 3 _cmdline_is "$pid" "sleep 999" || fail "pid $pid is not the exec'd process: $(tr '\0' ' ' <"/proc/$pid/cmdline")"
	[ "$(readlink "/proc/$pid/ns/pid")" = "$(readlink "/proc/$(container_pid)/ns/pid")" ] ||
		fail "exec -d process is not in the container's pid namespace"
	grep -q exec-detached "$BATS_TEST_TMPDIR/exec.out" || fail "output: $(cat "$BATS_TEST_TMPDIR/exec.out")"
}

@test "exec: into a stopped container fails" {
	set_cmd 'true'
	start_detached
	wait_status "$CTR_ID" stopped
	run runtime exec "$CTR_ID" echo should-not-run
	assert_failure
	assert_output_lacks should-not-run
}

_cmdline_is() {
	[ "$(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null)" = "$2 " ]
}

# ---------------------------------------------------------------- ps, kill --all

@test "ps --format json: the init's and exec'd processes' host pids" {
	set_cmd 'sleep 1000'
	start_detached
	local pf="$BATS_TEST_TMPDIR/exec.pid"
	runtime exec -d --pid-file "$pf" "$CTR_ID" sleep 999 </dev/null >/dev/null 2>&1 3>&- || fail "exec -d failed"
	run runtime ps --format json "$CTR_ID"
	assert_status 0
	jq -e 'type == "array" and all(type == "number")' <<<"$output" >/dev/null || fail "ps json: $output"
	jq -e --argjson p "$(container_pid)" 'index($p) != null' <<<"$output" >/dev/null || fail "no init pid: $output"
	jq -e --argjson p "$(cat "$pf")" 'index($p) != null' <<<"$output" >/dev/null || fail "no exec pid: $output"
	# The table form is ps(1)'s, with the pids.
	run runtime ps "$CTR_ID"
	assert_status 0
	[[ "${lines[0]}" == *PID* ]] || fail "ps table: $output"
	assert_output_contains "$(container_pid)"
}

@test "kill --all: every process of the container gets the signal" {
	set_cmd 'sleep 1000 & sleep 1001 & wait'
	start_detached
	runtime exec -d "$CTR_ID" sleep 1002 </dev/null >/dev/null 2>&1 3>&- || fail "exec -d failed"
	local pids
	wait_for 3 _n_pids_at_least 4 || fail "want 4 processes: $(runtime ps --format json "$CTR_ID")"
	pids=$(runtime ps --format json "$CTR_ID" | jq -r '.[]')
	run runtime kill --all "$CTR_ID" KILL
	assert_status 0
	wait_status "$CTR_ID" stopped
	local p
	for p in $pids; do
		wait_for 3 pid_gone "$p" || fail "process $p survived kill --all"
	done
}

_n_pids_at_least() {
	[ "$(runtime ps --format json "$CTR_ID" | jq length)" -ge "$1" ]
}

# ---------------------------------------------------------------- --log, spec, --version

@test "--log FILE --log-format json: a failing command writes {level: error, msg, time} lines" {
	local log="$BATS_TEST_TMPDIR/log.json"
	run "$RUNTIME_BIN" --root "$ROOT_DIR" --log "$log" --log-format json start "$ID_PREFIX-nosuch"
	assert_failure
	[ -s "$log" ] || fail "nothing in $log"
	local line n=0
	while IFS= read -r line; do
		n=$((n + 1))
		jq -e 'type == "object" and (.level | type == "string") and (.msg | type == "string")
			and (.time | type == "string")' <<<"$line" >/dev/null || fail "line $n is not a log object: $line"
		[[ "$(jq -r .time <<<"$line")" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$ ]] ||
			fail "time is not RFC 3339: $line"
	done <"$log"
	# containerd reports the last error line's msg.
	local last
	last=$(jq -c 'select(.level == "error")' "$log" | tail -n1)
	[ -n "$last" ] || fail "no error line: $(cat "$log")"
	[[ "$(jq -r .msg <<<"$last")" == *"does not exist"* ]] || fail "msg: $last"

	# The log is appended to, never truncated.
	run "$RUNTIME_BIN" --root "$ROOT_DIR" --log "$log" --log-format json kill "$ID_PREFIX-nosuch2"
	assert_failure
	[ "$(jq -c 'select(.level == "error")' "$log" | wc -l)" -ge 2 ] || fail "log: $(cat "$log")"
}

@test "spec: writes the same config.json as runc spec, and refuses to overwrite it" {
	requires runc
	mkdir "$BATS_TEST_TMPDIR/ours" "$BATS_TEST_TMPDIR/ref"
	(cd "$BATS_TEST_TMPDIR/ref" && runc spec) || fail "runc spec failed"
	(cd "$BATS_TEST_TMPDIR/ours" && "$RUNTIME_BIN" spec) || fail "spec failed"
	diff -u <(jq -S . "$BATS_TEST_TMPDIR/ref/config.json") <(jq -S . "$BATS_TEST_TMPDIR/ours/config.json") ||
		fail "spec differs from runc spec"
	# --bundle DIR writes there.
	mkdir "$BATS_TEST_TMPDIR/b2"
	run "$RUNTIME_BIN" spec --bundle "$BATS_TEST_TMPDIR/b2"
	assert_status 0
	[ -f "$BATS_TEST_TMPDIR/b2/config.json" ] || fail "spec --bundle wrote nothing"
	echo '{"keep": true}' >"$BATS_TEST_TMPDIR/b2/config.json"
	run "$RUNTIME_BIN" spec --bundle "$BATS_TEST_TMPDIR/b2"
	assert_failure
	assert_output_contains exists
	[ "$(jq -c . "$BATS_TEST_TMPDIR/b2/config.json")" = '{"keep":true}' ] || fail "config.json was overwritten"
}

@test "--version prints the runtime's name, version and spec version" {
	run "$RUNTIME_BIN" --version
	assert_status 0
	[[ "${lines[0]}" =~ ^[a-z]+\ version\ [0-9]+\.[0-9]+ ]] || fail "first line: ${lines[0]}"
	printf '%s\n' "${lines[@]}" | grep -Eq '^spec: [0-9]+\.[0-9]+\.[0-9]+' || fail "no spec line: $output"
	run "$RUNTIME_BIN" -v
	assert_status 0
	[[ "${lines[0]}" =~ ^[a-z]+\ version\ [0-9] ]] || fail "-v: $output"
}
