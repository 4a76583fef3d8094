#!/usr/bin/env bats
# shellcheck disable=SC2016 # container scripts are single-quoted on purpose
# State under --root: concurrent commands, the create race on one id, and a
# runtime killed at any point of create, which `delete --force` must always
# be able to clean up.

load helpers/common

setup() {
	requires root cmd:jq
	setup_common
	set_args sleep 1000
}

teardown() {
	teardown_common
}

# lifecycle ID: create, start, kill, delete; prints "ID ok" or the failing step.
lifecycle() {
	local id=$1 out="$BATS_TEST_TMPDIR/$1.log"
	runtime create --bundle "$BUNDLE" "$id" </dev/null >"$out" 2>&1 3>&- || { echo "$id create: $(cat "$out")"; return; }
	runtime start "$id" >>"$out" 2>&1 || { echo "$id start: $(cat "$out")"; return; }
	[ "$(runtime state "$id" | jq -r .status)" = running ] || { echo "$id not running"; return; }
	runtime kill "$id" KILL >>"$out" 2>&1 || { echo "$id kill: $(cat "$out")"; return; }
	runtime delete --force "$id" >>"$out" 2>&1 || { echo "$id delete: $(cat "$out")"; return; }
	echo "$id ok"
}

@test "20 containers created, started and deleted at once: all succeed, nothing is left" {
	local ids=() id i results
	for i in $(seq 20); do
		id=$(new_id "p$i")
		ids+=("$id")
	done
	local before
	before=$(mountinfo_count)
	for id in "${ids[@]}"; do
		lifecycle "$id" >"$BATS_TEST_TMPDIR/$id.result" &
	done
	wait
	results=$(cat "$BATS_TEST_TMPDIR"/*.result)
	[ "$(grep -c ' ok$' <<<"$results")" -eq 20 ] || fail "not all 20 went through: $results"
	[ -z "$(ls -A "$ROOT_DIR" | grep -v '^seccomp-cache$' || true)" ] || fail "state left: $(ls -A "$ROOT_DIR")"
	for id in "${ids[@]}"; do
		[ -z "$(_cgroups_named "$id")" ] || fail "cgroups left: $(_cgroups_named "$id")"
		wait_for 3 _no_process_naming "$id" || fail "processes left for $id: $(_processes_naming "$id")"
	done
	[ "$(mountinfo_count)" -le "$before" ] || fail "host mounts: $before before, $(mountinfo_count) after"
	run runtime list -q
	assert_status 0
	[ -z "$output" ] || fail "list: $output"
}

@test "two creates of one id at once: exactly one wins, the other is told the id exists" {
	# runc 1.1 can lose the race late: "exec fifo ... already exists", after
	# removing cgroups the winner uses (seen here).
	is_runc && skip "runc 1.1's loser fails late and tears at the winner's cgroups"
	local i a b
	for i in 1 2 3; do
		CTR_ID=$(new_id "race$i")
		runtime create --bundle "$BUNDLE" "$CTR_ID" </dev/null >"$BATS_TEST_TMPDIR/a$i" 2>&1 3>&- &
		a=$!
		runtime create --bundle "$BUNDLE" "$CTR_ID" </dev/null >"$BATS_TEST_TMPDIR/b$i" 2>&1 3>&- &
		b=$!
		local sa=0 sb=0
		wait "$a" || sa=$?
		wait "$b" || sb=$?
		if [ "$sa" -eq 0 ] && [ "$sb" -ne 0 ]; then
			grep -q "ID already exists" "$BATS_TEST_TMPDIR/b$i" || fail "loser said: $(cat "$BATS_TEST_TMPDIR/b$i")"
		elif [ "$sb" -eq 0 ] && [ "$sa" -ne 0 ]; then
			grep -q "ID already exists" "$BATS_TEST_TMPDIR/a$i" || fail "loser said: $(cat "$BATS_TEST_TMPDIR/a$i")"
		else
			fail "round $i: statuses $sa and $sb: $(cat "$BATS_TEST_TMPDIR/a$i" "$BATS_TEST_TMPDIR/b$i")"
		fi
		# The winner is intact: created, and it starts.
		[ "$(container_status)" = created ] || fail "status: $(container_status)"
		runtime start "$CTR_ID"
		[ "$(container_status)" = running ] || fail "status: $(container_status)"
		runtime delete --force "$CTR_ID"
	done
}

@test "state never sees a torn state.json while create and delete rewrite it" {
	register_id "$CTR_ID"
	(for i in $(seq 10); do
		runtime create --bundle "$BUNDLE" "$CTR_ID" </dev/null >/dev/null 2>&1 3>&-
		runtime delete --force "$CTR_ID"
	done) >/dev/null 2>&1 &
	local writer=$! i out seen=0
	for i in $(seq 80); do
		if out=$(runtime state "$CTR_ID" 2>&1); then
			jq -e '.id and (.status | IN("creating", "created", "stopped"))' <<<"$out" >/dev/null ||
				fail "read $i: $out"
			seen=$((seen + 1))
		else
			[[ "$out" == *"does not exist"* ]] || fail "read $i failed with: $out"
		fi
	done
	wait "$writer" || true
	echo "# $seen of 80 reads saw the container" >&3
}

@test "commands on one container are serialised: start and delete --force racing leave a consistent end" {
	local i s d
	for i in 1 2 3 4 5; do
		CTR_ID=$(new_id "ser$i")
		runtime create --bundle "$BUNDLE" "$CTR_ID" </dev/null >/dev/null 2>&1 3>&- || fail "create"
		runtime start "$CTR_ID" >"$BATS_TEST_TMPDIR/start$i" 2>&1 &
		s=$!
		runtime delete --force "$CTR_ID" >"$BATS_TEST_TMPDIR/del$i" 2>&1 &
		d=$!
		wait "$d" || fail "delete --force failed: $(cat "$BATS_TEST_TMPDIR/del$i")"
		wait "$s" || true
		run runtime state "$CTR_ID"
		assert_failure
		assert_nothing_left "$CTR_ID"
	done
}

# SIGKILL the runtime while a createRuntime hook holds it mid-create.
@test "a runtime killed in the middle of create leaves nothing that delete --force cannot remove" {
	is_runc && skip "runc 1.1 leaves the cgroups of a create killed part-way (seen here: /sys/fs/cgroup/*/ID)"
	update_config '.hooks = {"createRuntime": [{"path": "/bin/sleep", "args": ["sleep", "30"]}]}'
	register_id "$CTR_ID"
	# $! must be the runtime itself, not a subshell around it.
	"$RUNTIME_BIN" --root "$ROOT_DIR" create --bundle "$BUNDLE" "$CTR_ID" </dev/null >"$BATS_TEST_TMPDIR/create.out" 2>&1 3>&- &
	local rt=$!
	wait_for 10 pgrep -f "^sleep 30$" >/dev/null || fail "the hook did not start: $(cat "$BATS_TEST_TMPDIR/create.out")"
	kill -KILL "$rt"
	wait "$rt" 2>/dev/null || true
	[ ! -e "/proc/$rt" ] || fail "the runtime survived"
	pkill -KILL -f "^sleep 30$" || true
	[ -e "$ROOT_DIR/$CTR_ID" ] || fail "no state was written before the kill"
	run runtime delete --force "$CTR_ID"
	assert_status 0
	assert_nothing_left "$CTR_ID"
}

@test "a runtime killed right after mkdir of the state dir: delete --force removes the directory" {
	is_shim || skip "shim's state layout"
	mkdir -p "$ROOT_DIR/$CTR_ID"
	echo '{}' >"$ROOT_DIR/$CTR_ID/config.json"
	run runtime state "$CTR_ID"
	assert_failure
	run runtime delete --force "$CTR_ID"
	assert_status 0
	[ ! -e "$ROOT_DIR/$CTR_ID" ] || fail "the directory is left"
}

@test "killed at random points of create: delete --force always cleans up" {
	is_runc && skip "runc 1.1 leaves the cgroups of a create killed part-way (seen here: /sys/fs/cgroup/*/ID)"
	local i delay
	for i in 1 2 3 4 5 6; do
		CTR_ID=$(new_id "kill$i")
		delay=$(awk -v i="$i" 'BEGIN { printf "%.3f", i * 0.002 }')
		"$RUNTIME_BIN" --root "$ROOT_DIR" create --bundle "$BUNDLE" "$CTR_ID" </dev/null >/dev/null 2>&1 3>&- &
		local rt=$!
		sleep "$delay"
		kill -KILL "$rt" 2>/dev/null || true
		wait "$rt" 2>/dev/null || true
		run runtime delete --force "$CTR_ID"
		assert_status 0
		assert_nothing_left "$CTR_ID"
	done
}
