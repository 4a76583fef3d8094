#!/usr/bin/env bats
# shellcheck disable=SC2016 # container scripts are single-quoted on purpose
# cgroups on this host's real cgroupfs: linux.resources (memory, pids, cpu,
# cpuset, devices, unified), cgroupsPath, pause/resume, update, events, delete.
#
# The container's cgroup is read from /proc/PID/cgroup of its init, so the same
# tests run under runc (RUNTIME=runc). On a hybrid host (v1 controllers plus a
# cgroup2 mount) the v1 files are checked; the cgroup2 side is exercised where
# it has something to show (the container's unified cgroup, `unified` keys of
# the core interface); tests that need a controller on cgroup2 say so and skip.

load helpers/common

setup() {
	requires root cmd:jq
	setup_common
	set_args sleep 1000
}

teardown() {
	teardown_common
	local d
	for d in /sys/fs/cgroup/*/shimtest-pod /sys/fs/cgroup/*/k8s-itest/pod-itest-uid-31142 \
		/sys/fs/cgroup/*/k8s-itest /sys/fs/cgroup/*/libpod_parent; do
		[ -d "$d" ] && rmdir "$d" 2>/dev/null
	done
	true
}

# v1_mount CTRL: where the v1 hierarchy holding CTRL is mounted ("" when none).
v1_mount() {
	awk -v c="$1" '{
		for (i = 7; $i != "-"; i++) ;
		if ($(i + 1) != "cgroup") next
		n = split($(i + 3), o, ",")
		for (j = 1; j <= n; j++) if (o[j] == c) { print $5; exit }
	}' /proc/self/mountinfo
}

v2_mount() {
	awk '{ for (i = 7; $i != "-"; i++) ; if ($(i + 1) == "cgroup2") { print $5; exit } }' /proc/self/mountinfo
}

# cg_dir CTRL [ID]: the host directory of the container's cgroup for CTRL
# ("" for the cgroup2 one), from its init's /proc/PID/cgroup.
cg_dir() {
	local ctrl=$1 pid path mnt
	pid=$(container_pid "${2:-$CTR_ID}") || return 1
	if [ -z "$ctrl" ]; then
		path=$(sed -n 's/^0:://p' "/proc/$pid/cgroup")
		mnt=$(v2_mount)
	else
		path=$(awk -F: -v c="$ctrl" '{ n = split($2, o, ","); for (i = 1; i <= n; i++) if (o[i] == c) print $3 }' "/proc/$pid/cgroup")
		mnt=$(v1_mount "$ctrl")
	fi
	[ -n "$path" ] && [ -n "$mnt" ] || return 1
	echo "$mnt$path"
}

# need_v1 CTRL: skip unless CTRL is a v1 controller here.
need_v1() {
	[ -n "$(v1_mount "$1")" ] || skip "the $1 controller is not on a cgroup v1 hierarchy here (this file checks v1 files)"
}

# cg_read CTRL FILE [ID]
cg_read() {
	local d
	d=$(cg_dir "$1" "${3:-$CTR_ID}") || fail "no $1 cgroup for ${3:-$CTR_ID}"
	cat "$d/$2"
}

set_resources() {
	update_config ".linux.resources = (.linux.resources // {}) * $1"
}

# ---------------------------------------------------------------- memory, pids, cpu

@test "memory: a 32M limit OOM-kills a 64M allocation; events reports the oom, --stats the failures" {
	need_v1 memory
	set_resources '{"memory": {"limit": 33554432}}'
	start_detached
	[ "$(cg_read memory memory.limit_in_bytes)" = 33554432 ] || fail "limit: $(cg_read memory memory.limit_in_bytes)"
	local ev="$BATS_TEST_TMPDIR/events.out"
	# runc prints its first stats one interval in; the OOM watch is on by then.
	runtime events --interval 1s "$CTR_ID" >"$ev" 2>&1 </dev/null 3>&- &
	local evpid=$!
	register_pid $evpid
	wait_for 5 grep -q '"type":"stats"' "$ev" || fail "no stats event: $(cat "$ev")"
	run runtime exec "$CTR_ID" sh -c 'x=$(head -c 67108864 /dev/zero | tr "\0" a); echo survived ${#x}'
	[ "$status" -eq 137 ] || fail "exec: status $status, want 137 (SIGKILL); output: $output"
	assert_output_lacks survived
	wait_for 5 grep -q '"type":"oom"' "$ev" || fail "no oom event: $(cat "$ev")"
	jq -e --arg id "$CTR_ID" 'select(.type == "oom") | .id == $id' "$ev" >/dev/null || fail "oom event: $(grep oom "$ev")"
	run runtime events --stats "$CTR_ID"
	assert_status 0
	jq -e '.type == "stats" and .data.memory.usage.limit == 33554432 and .data.memory.usage.failcnt > 0' \
		<<<"$output" >/dev/null || fail "stats: $(jq -c .data.memory.usage <<<"$output")"
	[ "$(container_status)" = running ] || fail "the init should survive: $(container_status)"
	kill "$evpid"
	wait "$evpid" 2>/dev/null || true
}

@test "pids: with a limit of 10 the 11th process cannot be forked" {
	need_v1 pids
	set_resources '{"pids": {"limit": 10}}'
	start_detached
	[ "$(cg_read pids pids.max)" = 10 ] || fail "pids.max: $(cg_read pids pids.max)"
	# The init and this shell are 2; 8 sleeps make 10; the 9th sleep is the 11th process.
	run runtime exec "$CTR_ID" sh -c 'i=0; while [ $i -lt 9 ]; do sleep 100 >/dev/null 2>&1 & i=$((i + 1)); done; cat /sys/fs/cgroup/pids/pids.current'
	assert_output_contains "can't fork"
	[ "$(cg_read pids pids.current)" -le 10 ] || fail "pids.current: $(cg_read pids pids.current)"
	[ "$(grep -c "can't fork" <<<"$output")" -eq 1 ] || fail "exactly one fork should fail: $output"
	# The first 8 did start.
	run runtime ps --format json "$CTR_ID"
	[ "$(jq length <<<"$output")" -eq 9 ] || fail "ps: $output"
}

@test "cpu: quota, period, shares and cpuset are in the container's cgroup files, as the container sees them" {
	need_v1 cpu
	need_v1 cpuset
	set_resources '{"cpu": {"quota": 20000, "period": 100000, "shares": 512, "cpus": "0", "mems": "0"}}'
	set_cmd 'cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/cpu/cpu.cfs_period_us /sys/fs/cgroup/cpu/cpu.shares \
		/sys/fs/cgroup/cpuset/cpuset.cpus /sys/fs/cgroup/cpuset/cpuset.mems'
	run_container
	assert_status 0
	[ "${lines[*]}" = "20000 100000 512 0 0" ] || fail "inside: ${lines[*]}"
	set_args sleep 1000
	CTR_ID=$(new_id host)
	start_detached "$CTR_ID"
	[ "$(cg_read cpu cpu.cfs_quota_us)" = 20000 ] || fail "quota: $(cg_read cpu cpu.cfs_quota_us)"
	[ "$(cg_read cpu cpu.shares)" = 512 ] || fail "shares"
	[ "$(cg_read cpuset cpuset.cpus)" = 0 ] || fail "cpus"
}

# ---------------------------------------------------------------- devices

@test "devices: resources.devices decide access to a device; linux.devices alone gives none (as runc)" {
	need_v1 devices
	update_config '.linux.devices = [{"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229, "fileMode": 438}]'
	set_cmd 'exec 2>&1; exec 3<>/dev/fuse && echo fuse-open'
	run_container
	assert_failure
	assert_output_contains "Operation not permitted"
	set_resources '{"devices": [{"allow": false, "access": "rwm"}, {"allow": true, "type": "c", "major": 10, "minor": 229, "access": "rw"}]}'
	CTR_ID=$(new_id allow)
	run_container
	assert_status 0
	assert_output_contains fuse-open
	# A later deny wins over the allow.
	update_config '.linux.resources.devices += [{"allow": false, "type": "c", "major": 10, "minor": 229, "access": "rwm"}]'
	CTR_ID=$(new_id deny)
	run_container
	assert_failure
	assert_output_contains "Operation not permitted"
}

@test "devices: a deny rule for /dev/null is overridden by the default allow list, as in runc and crun" {
	need_v1 devices
	set_resources '{"devices": [{"allow": false, "access": "rwm"}, {"allow": false, "type": "c", "major": 1, "minor": 3, "access": "rwm"}]}'
	set_cmd 'exec 2>&1; echo x >/dev/null && echo null-ok; head -c1 /dev/kmsg >/dev/null || echo other-denied'
	update_config '.mounts += [{"destination": "/dev/kmsg", "type": "bind", "source": "/dev/kmsg", "options": ["bind", "ro"]}]'
	run_container
	assert_status 0
	assert_output_contains null-ok other-denied
	if command -v runc >/dev/null 2>&1 && ! is_runc; then
		local ref=$output
		run runtime_as runc run --bundle "$BUNDLE" "$(new_id ref)" </dev/null
		[ "$output" = "$ref" ] || fail "runc: $output; $RUNTIME_NAME: $ref"
	fi
}

# ---------------------------------------------------------------- freezer, update

@test "pause freezes every process (status paused), resume thaws them" {
	need_v1 freezer
	set_cmd 'i=0; while :; do i=$((i + 1)); echo $i >/tmp/count; sleep 0.05; done'
	start_detached
	wait_for 5 runtime exec "$CTR_ID" test -s /tmp/count || fail "the loop did not start"
	runtime pause "$CTR_ID"
	[ "$(container_status)" = paused ] || fail "status: $(container_status)"
	[ "$(cg_read freezer freezer.state)" = FROZEN ] || fail "freezer: $(cg_read freezer freezer.state)"
	local pid a b
	pid=$(container_pid)
	a=$(cat "/proc/$pid/root/tmp/count")
	sleep 0.4
	b=$(cat "/proc/$pid/root/tmp/count")
	[ "$a" = "$b" ] || fail "the counter moved while paused: $a -> $b"
	run runtime exec "$CTR_ID" true
	assert_failure
	runtime resume "$CTR_ID"
	[ "$(container_status)" = running ] || fail "status: $(container_status)"
	[ "$(cg_read freezer freezer.state)" = THAWED ] || fail "freezer: $(cg_read freezer freezer.state)"
	sleep 0.4
	b=$(cat "/proc/$pid/root/tmp/count")
	[ "$b" -gt "$a" ] || fail "the counter did not move after resume: $a -> $b"
}

@test "update: --resources FILE, --resources - and runc's flags change a running container's limits" {
	need_v1 memory
	need_v1 pids
	need_v1 cpu
	set_resources '{"memory": {"limit": 67108864}, "pids": {"limit": 100}}'
	start_detached
	[ "$(cg_read memory memory.limit_in_bytes)" = 67108864 ] || fail "start limit"
	echo '{"memory": {"limit": 50331648}}' >"$BATS_TEST_TMPDIR/res.json"
	runtime update --resources "$BATS_TEST_TMPDIR/res.json" "$CTR_ID"
	[ "$(cg_read memory memory.limit_in_bytes)" = 50331648 ] || fail "file: $(cg_read memory memory.limit_in_bytes)"
	echo '{"memory": {"limit": 41943040}, "pids": {"limit": 42}}' | runtime update --resources - "$CTR_ID"
	[ "$(cg_read memory memory.limit_in_bytes)" = 41943040 ] || fail "stdin: $(cg_read memory memory.limit_in_bytes)"
	[ "$(cg_read pids pids.max)" = 42 ] || fail "stdin pids: $(cg_read pids pids.max)"
	runtime update --memory 37748736 --pids-limit 7 --cpu-quota 30000 --cpu-period 100000 "$CTR_ID"
	[ "$(cg_read memory memory.limit_in_bytes)" = 37748736 ] || fail "--memory"
	[ "$(cg_read pids pids.max)" = 7 ] || fail "--pids-limit"
	[ "$(cg_read cpu cpu.cfs_quota_us)" = 30000 ] || fail "--cpu-quota"
	# The new limit holds: what fit under 64M is now killed.
	run runtime exec "$CTR_ID" sh -c 'x=$(head -c 41943040 /dev/zero | tr "\0" a); echo survived'
	[ "$status" -eq 137 ] || fail "status $status: $output"
	run runtime update --resources - "$CTR_ID" <<<'{"memory": {"limit": "big"}}'
	assert_failure
}

# ---------------------------------------------------------------- cgroupsPath, delete

@test "cgroupsPath: absolute paths as given; two containers of one pod share its parent; delete removes only theirs" {
	need_v1 memory
	update_config '.linux.cgroupsPath = "/shimtest-pod/'"$CTR_ID"'"'
	start_detached
	local other
	other=$(new_id b)
	update_config '.linux.cgroupsPath = "/shimtest-pod/'"$other"'"'
	start_detached "$other"
	local mem
	mem=$(v1_mount memory)
	[ "$(cg_dir memory)" = "$mem/shimtest-pod/$CTR_ID" ] || fail "a: $(cg_dir memory)"
	[ "$(cg_dir memory "$other")" = "$mem/shimtest-pod/$other" ] || fail "b: $(cg_dir memory "$other")"
	if [ -n "$(v2_mount)" ]; then
		[ "$(cg_dir "")" = "$(v2_mount)/shimtest-pod/$CTR_ID" ] || fail "unified: $(cg_dir "")"
	fi
	runtime delete --force "$CTR_ID"
	[ ! -e "$mem/shimtest-pod/$CTR_ID" ] || fail "a's cgroup is left"
	[ -d "$mem/shimtest-pod/$other" ] || fail "b's cgroup went too"
	runtime delete --force "$other"
	for d in /sys/fs/cgroup/*/shimtest-pod; do
		[ -z "$(find "$d" -mindepth 1 -type d)" ] || fail "left under $d: $(find "$d" -mindepth 1 -type d)"
	done
}

@test "cgroupsPath: a relative path is under the runtime's own cgroup; none is /shim/<id> [shim]" {
	need_v1 memory
	is_shim || skip "the default path is the runtime's choice (runc: /<id>)"
	start_detached
	[ "$(cg_dir memory)" = "$(v1_mount memory)/shim/$CTR_ID" ] || fail "default: $(cg_dir memory)"
	local own other
	own=$(awk -F: '$2 ~ /(^|,)memory(,|$)/ {print $3}' /proc/self/cgroup)
	other=$(new_id rel)
	update_config '.linux.cgroupsPath = "shimtest-rel/'"$other"'"'
	start_detached "$other"
	[ "$(cg_dir memory "$other")" = "$(v1_mount memory)${own%/}/shimtest-rel/$other" ] || fail "relative: $(cg_dir memory "$other")"
	runtime delete --force "$other"
	rmdir "$(v1_mount memory)${own%/}/shimtest-rel" /sys/fs/cgroup/*"${own%/}/shimtest-rel" 2>/dev/null || true
}

@test "the containerd CRI sandbox and container configs: cgroupsPath and resources apply as given" {
	need_v1 cpu
	need_v1 devices
	local sb ctr f
	f="$FIXTURES_DIR/containerd-cri-sandbox.json"
	[ -f "$f" ] || skip "fixtures not found ($FIXTURES_DIR)"
	update_config ".linux.cgroupsPath = $(jq .linux.cgroupsPath "$f") | .linux.resources = $(jq -c .linux.resources "$f")"
	sb=$(jq -r .linux.cgroupsPath "$f")
	start_detached
	[ "$(cg_dir cpu)" = "$(v1_mount cpu)$sb" ] || fail "sandbox cgroup: $(cg_dir cpu)"
	[ "$(cg_read cpu cpu.shares)" = 2 ] || fail "cpu.shares: $(cg_read cpu cpu.shares)"
	f="$FIXTURES_DIR/containerd-cri-container.json"
	ctr=$(jq -r .linux.cgroupsPath "$f")
	update_config ".linux.cgroupsPath = $(jq .linux.cgroupsPath "$f") | .linux.resources = $(jq -c .linux.resources "$f")"
	local id2
	id2=$(new_id ctr)
	start_detached "$id2"
	[ "$(cg_dir devices "$id2")" = "$(v1_mount devices)$ctr" ] || fail "container cgroup: $(cg_dir devices "$id2")"
	[ "$(dirname "$sb")" = "$(dirname "$ctr")" ] || fail "not one pod"
	# The deny-all rule plus the defaults: the device list has no "a *:* rwm".
	run cg_read devices devices.list "$id2"
	assert_output_contains "c 1:3 rwm"
	assert_output_lacks "a *:* rwm"
	runtime delete --force "$id2"
	runtime delete --force "$CTR_ID"
	[ ! -e "$(v1_mount cpu)$sb" ] && [ ! -e "$(v1_mount devices)$ctr" ] || fail "cgroups left"
}

@test "delete removes the cgroup in every hierarchy; 20 containers leave none behind" {
	local ids=() id i
	for i in $(seq 20); do
		id=$(new_id "n$i")
		ids+=("$id")
		start_detached "$id"
	done
	[ -n "$(_cgroups_named "${ids[0]}")" ] || fail "no cgroup for ${ids[0]}"
	for id in "${ids[@]}"; do
		runtime delete --force "$id"
	done
	for id in "${ids[@]}"; do
		[ -z "$(_cgroups_named "$id")" ] || fail "cgroups left: $(_cgroups_named "$id")"
		[ ! -e "$ROOT_DIR/$id" ] || fail "state left for $id"
	done
}

@test "delete --force waits until the cgroup is empty, even when a process ignores SIGTERM" {
	set_cmd 'trap "" TERM; sleep 1000 & sleep 1000 & wait'
	start_detached
	runtime exec -d "$CTR_ID" sh -c 'trap "" TERM; sleep 1000' </dev/null >/dev/null 2>&1 3>&-
	run runtime ps --format json "$CTR_ID"
	[ "$(jq length <<<"$output")" -ge 4 ] || fail "ps: $output"
	local pids
	pids=$(jq -r '.[]' <<<"$output")
	runtime delete --force "$CTR_ID"
	# A cgroup with a task in it cannot be removed: it was empty when delete returned.
	[ -z "$(_cgroups_named "$CTR_ID")" ] || fail "cgroups left: $(_cgroups_named "$CTR_ID")"
	# (A killed task leaves its cgroup early in exit; /proc may show it a moment longer.)
	PIDS=$pids wait_for 2 _all_gone || fail "processes survived delete: $(for p in $pids; do [ -e "/proc/$p" ] && echo "$p"; done)"
}

_all_gone() {
	local p
	for p in $PIDS; do
		[ ! -e "/proc/$p" ] || [ "$(cut -d' ' -f3 "/proc/$p/stat" 2>/dev/null)" = Z ] || return 1
	done
}

# ---------------------------------------------------------------- namespaces, cgroup2

@test "cgroup namespace: the container sees its own cgroup as /" {
	update_config '.linux.namespaces += [{"type": "cgroup"}]'
	set_cmd 'cat /proc/self/cgroup'
	run_container
	assert_status 0
	local bad
	bad=$(grep -v ':/$' <<<"$output" || true)
	[ -z "$bad" ] || fail "entries not at /: $bad"
	# Without one it sees the host's path.
	update_config '.linux.namespaces |= map(select(.type != "cgroup"))'
	CTR_ID=$(new_id nons)
	run_container
	assert_status 0
	assert_output_contains "$CTR_ID"
}

@test "cgroup2: the container is in its own cgroup on the cgroup2 mount; unified keys are written there" {
	local v2
	v2=$(v2_mount)
	[ -n "$v2" ] || skip "no cgroup2 mount on this host"
	if is_runc && [ -n "$(v1_mount memory)" ]; then
		skip "runc 1.1 refuses unified on a hybrid host (\"cannot use unified on cgroup v1\"); the spec asks only for the controller to be there"
	fi
	set_resources '{"unified": {"cgroup.max.descendants": "3", "cgroup.max.depth": "2"}}'
	start_detached
	local dir
	dir=$(cg_dir "") || fail "no cgroup2 entry in /proc/PID/cgroup"
	case "$dir" in "$v2"/*) ;; *) fail "not on the cgroup2 mount: $dir" ;; esac
	[ "$dir" != "$v2/" ] || fail "the container is in the cgroup2 root"
	grep -qx "$(container_pid)" "$dir/cgroup.procs" || fail "the init is not in $dir"
	[ "$(cat "$dir/cgroup.max.descendants")" = 3 ] || fail "max.descendants: $(cat "$dir/cgroup.max.descendants")"
	[ "$(cat "$dir/cgroup.max.depth")" = 2 ] || fail "max.depth: $(cat "$dir/cgroup.max.depth")"
	runtime delete --force "$CTR_ID"
	[ ! -e "$dir" ] || fail "$dir is left"
}

@test "cgroup2: a unified key of a controller cgroup2 does not have is a clear error, nothing is left" {
	local v2
	v2=$(v2_mount)
	[ -n "$v2" ] || skip "no cgroup2 mount on this host"
	if grep -qw memory "$v2/cgroup.controllers"; then
		skip "memory is on cgroup2 here; this test needs a controller that is not"
	fi
	set_resources '{"unified": {"memory.max": "33554432"}}'
	register_id "$CTR_ID"
	status=0
	runtime run -d --bundle "$BUNDLE" "$CTR_ID" </dev/null >"$BATS_TEST_TMPDIR/out" 2>&1 3>&- || status=$?
	output=$(cat "$BATS_TEST_TMPDIR/out")
	assert_failure
	if is_runc; then
		assert_output_contains unified
	else
		assert_output_contains 'unified resource "memory.max"' 'controller "memory" not available'
	fi
	assert_nothing_left
}
