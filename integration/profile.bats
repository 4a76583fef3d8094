#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2034 # single-quoted container scripts; CTR_ID is read by helpers
# `shim seccomp-profile`: Docker/Kubernetes seccomp profiles converted for this
# host and written into a bundle's config.json, then enforced by the runtime
# under test. Where runc is installed (and is not already the runtime under
# test) every converted bundle also runs under runc: same output, same status.
#
# The conversion always uses shim's binary ($SHIM_BUILD/shim, else
# build/shim); with RUNTIME=runc only the containers run under runc.

load helpers/common

PROFILES_DIR="$SHIM_SHARED/fixtures/profiles"

setup() {
	requires root cmd:jq
	[ -f "$PROFILES_DIR/docker-default.json" ] || skip "fixtures not found at $PROFILES_DIR (set SHIM_SHARED)"
	SHIM_BIN=$(_shim_bin) || skip "no shim binary for seccomp-profile (build shim, or set SHIM_BUILD)"
	REF_BIN=''
	if ! is_runc && command -v runc >/dev/null 2>&1; then
		REF_BIN=$(command -v runc)
		export EXTRA_RUNTIMES="$REF_BIN"
	fi
	setup_common
}

teardown() {
	teardown_common
}

_shim_bin() {
	local b
	if is_shim; then
		b=$RUNTIME_BIN
	elif [ -n "${SHIM_BUILD:-}" ]; then
		b=$SHIM_BUILD/shim
	else
		b=$REPO_DIR/build/shim
	fi
	[ -x "$b" ] && echo "$b"
}

# convert ARGS...: shim seccomp-profile ARGS..., failing the test on error.
convert() {
	"$SHIM_BIN" seccomp-profile "$@" || fail "seccomp-profile $* failed"
}

# run_both: run_container, then (when $REF_BIN) the same bundle under runc on a
# copy; runc must print the same and exit the same (scripts send stderr to
# stdout: runc copies each through its own pipe). $status and $output are
# the runtime under test's.
run_both() {
	local st out ref="$BATS_TEST_TMPDIR/bundle-ref" id
	run_container
	st=$status
	out=$output
	if [ -n "$REF_BIN" ]; then
		rm -rf "$ref"
		cp -a "$BUNDLE" "$ref"
		id=$(new_id ref)
		run runtime_as "$REF_BIN" run --bundle "$ref" "$id" </dev/null
		if [ "$status" -ne "$st" ] || [ "$output" != "$out" ]; then
			fail "runc differs: runc ($status): $output
$RUNTIME_NAME ($st): $out"
		fi
	fi
	status=$st
	output=$out
}

# add_caps CAP...: to every capability set of the container.
add_caps() {
	local json
	json=$(jq -cn '$ARGS.positional' --args -- "$@")
	update_config ".process.capabilities |= map_values(. + $json | unique)"
}

# start_agent AGENT SOCKET LOG: the notify agent in the background (--once), once it listens.
start_agent() {
	"$1" "$2" "$3" --once </dev/null >"$BATS_TEST_TMPDIR/agent.out" 2>&1 3>&- &
	register_pid $!
	wait_for 5 test -S "$2" || fail "agent did not start: $(cat "$BATS_TEST_TMPDIR/agent.out")"
}

# The probes: each prints a line whatever happens.
PROBES='exec 2>&1
echo ok
grep "^Seccomp:" /proc/self/status
unshare -U true 2>&1 && echo "unshare: allowed"
mount -t tmpfs x /mnt 2>&1 && echo "mount: allowed"
umount /mnt 2>&1 && echo "umount: allowed"
swapoff /nonexistent 2>&1
true'

@test "seccomp-profile: docker-default blocks unshare, mount and swapoff, even with CAP_SYS_ADMIN" {
	add_caps CAP_SYS_ADMIN
	set_cmd "$PROBES"

	# The control: no seccomp, CAP_SYS_ADMIN does the rest.
	run_container
	assert_status 0
	assert_output_contains "Seccomp:	0" "unshare: allowed" "mount: allowed" "umount: allowed" \
		"swapoff: /nonexistent: No such file or directory"

	# Converted for Docker's default capabilities: the syscalls CAP_SYS_ADMIN
	# would allow are not in the profile, whatever the container holds.
	convert --set-into "$BUNDLE/config.json" "$PROFILES_DIR/docker-default.json"
	jq -e '.linux.seccomp.defaultAction == "SCMP_ACT_ERRNO" and
		.linux.seccomp.architectures == ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"]' \
		"$BUNDLE/config.json" >/dev/null || fail "linux.seccomp: $(jq -c '.linux.seccomp | del(.syscalls)' "$BUNDLE/config.json")"
	CTR_ID=$(new_id b)
	run_both
	assert_status 0
	assert_output_contains "ok" "Seccomp:	2" \
		"unshare: unshare(0x10000000): Operation not permitted" \
		"umount: can't unmount /mnt: Operation not permitted" \
		"swapoff: /nonexistent: Operation not permitted"
	# busybox mount words EPERM as "permission denied (are you root?)".
	assert_output_contains "mount: permission denied"
	assert_output_lacks "allowed"
}

@test "seccomp-profile: --caps-from a config with CAP_SYS_ADMIN keeps its rules" {
	add_caps CAP_SYS_ADMIN
	set_cmd "$PROBES"
	convert --caps-from "$BUNDLE/config.json" --set-into "$BUNDLE/config.json" \
		"$PROFILES_DIR/docker-default.json"
	run_both
	assert_status 0
	assert_output_contains "Seccomp:	2" "unshare: allowed" "mount: allowed" "umount: allowed"
	# swapoff is in no rule of the profile: seccomp answers before the kernel.
	assert_output_contains "swapoff: /nonexistent: Operation not permitted"
}

@test "seccomp-profile: the prevent-chmod profile makes chmod fail" {
	profile="$BATS_TEST_TMPDIR/prevent-chmod.json"
	cat >"$profile" <<'EOF'
{
	"defaultAction": "SCMP_ACT_ALLOW",
	"syscalls": [
		{"names": ["chmod", "fchmod", "fchmodat"], "action": "SCMP_ACT_ERRNO"}
	]
}
EOF
	set_cmd 'exec 2>&1; chmod 666 /etc/hostname; echo "rc=$?"; stat -c "mode=%a" /etc/hostname'
	chmod 644 "$BUNDLE/rootfs/etc/hostname"

	run_container
	assert_status 0
	assert_output_contains "rc=0" "mode=666"

	chmod 644 "$BUNDLE/rootfs/etc/hostname"
	convert --set-into "$BUNDLE/config.json" "$profile"
	CTR_ID=$(new_id b)
	run_both
	assert_status 0
	assert_output_contains "chmod: /etc/hostname: Operation not permitted" "rc=1" "mode=644"

	# The seeds' original form: one legacy "name".
	echo '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"name": "chmod", "action": "SCMP_ACT_ERRNO"}]}' \
		>"$profile"
	run convert --compact "$profile"
	assert_status 0
	[ "$output" = '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["chmod"],"action":"SCMP_ACT_ERRNO"}]}' ] ||
		fail "unexpected conversion: $output"
}

@test "seccomp-profile: defaultErrnoRet 38 makes blocked syscalls fail with ENOSYS" {
	profile="$BATS_TEST_TMPDIR/enosys.json"
	# Docker's profile without mkdir/mkdirat, whose default is now ENOSYS.
	jq '.defaultErrnoRet = 38 | .syscalls[0].names -= ["mkdir", "mkdirat"]' \
		"$PROFILES_DIR/docker-default.json" >"$profile"
	set_cmd 'exec 2>&1; echo ok; mkdir /tmp/d; echo "rc=$?"; touch /tmp/f && echo touched'
	convert --set-into "$BUNDLE/config.json" "$profile"
	jq -e '.linux.seccomp.defaultErrnoRet == 38' "$BUNDLE/config.json" >/dev/null ||
		fail "no defaultErrnoRet: $(jq -c '.linux.seccomp | del(.syscalls)' "$BUNDLE/config.json")"
	run_both
	assert_status 0
	assert_output_contains "ok" "mkdir: can't create directory '/tmp/d': Function not implemented" \
		"rc=1" "touched"
}

@test "seccomp-profile: stdout, --unconfined, and bad profiles leave the config alone" {
	cfg="$BUNDLE/config.json"
	cp "$cfg" "$BATS_TEST_TMPDIR/orig.json"

	# stdout and --set-into give the same object.
	convert "$PROFILES_DIR/docker-default.json" >"$BATS_TEST_TMPDIR/out.json"
	convert --set-into "$cfg" "$PROFILES_DIR/docker-default.json"
	[ "$(jq -cS . "$BATS_TEST_TMPDIR/out.json")" = "$(jq -cS .linux.seccomp "$cfg")" ] ||
		fail "stdout and --set-into differ"
	[ "$(jq -cS 'del(.linux.seccomp)' "$cfg")" = "$(jq -cS 'del(.linux.seccomp)' "$BATS_TEST_TMPDIR/orig.json")" ] ||
		fail "--set-into changed more than linux.seccomp"

	# Kubernetes Unconfined: back to the original (mkbundle's layout aside).
	convert --unconfined --set-into "$cfg"
	[ "$(jq -cS . "$cfg")" = "$(jq -cS . "$BATS_TEST_TMPDIR/orig.json")" ] ||
		fail "--unconfined did not restore the config"
	cp "$cfg" "$BATS_TEST_TMPDIR/orig.json"
	# Once in shim's layout, a round trip is byte for byte.
	convert --set-into "$cfg" "$PROFILES_DIR/docker-default.json"
	convert --unconfined --set-into "$cfg"
	cmp "$cfg" "$BATS_TEST_TMPDIR/orig.json" || fail "set-into + --unconfined changed the layout"
	run "$SHIM_BIN" seccomp-profile --unconfined
	assert_status 0
	assert_line_eq 0 "null"

	# A misspelt action: exit 1, the JSON path in the message, config untouched.
	echo '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALOW"}]}' \
		>"$BATS_TEST_TMPDIR/bad.json"
	run "$SHIM_BIN" seccomp-profile --set-into "$cfg" "$BATS_TEST_TMPDIR/bad.json"
	assert_status 1
	assert_output_contains "bad.json: syscalls[0].action: unknown action \"SCMP_ACT_ALOW\""
	cmp "$cfg" "$BATS_TEST_TMPDIR/orig.json" || fail "a failed conversion changed the config"
	[ -z "$(find "$BUNDLE" -maxdepth 1 -name 'config.json.*')" ] || fail "temporary files left"
}

@test "seccomp-profile: --notify-forbidden reports blocked syscalls to the agent, the workload sees the same errors" {
	is_shim || skip "the forbidden-syscall report is shim's; runc refuses nothing here but is not the subject"
	local agent="${SHIM_BUILD:-$REPO_DIR/build}/helpers/notify-agent"
	[ -x "$agent" ] || skip "notify-agent not built (make build)"
	set_cmd "$PROBES"

	# The reference: the plain profile.
	convert --set-into "$BUNDLE/config.json" "$PROFILES_DIR/docker-default.json"
	CTR_ID=$(new_id plain)
	run_container
	assert_status 0
	local plain=$output

	local sock="$BATS_TEST_TMPDIR/agent.sock" log="$BATS_TEST_TMPDIR/agent.log"
	convert --notify-forbidden "$sock" --set-into "$BUNDLE/config.json" "$PROFILES_DIR/docker-default.json"
	jq -e '.linux.seccomp | .defaultAction == "SCMP_ACT_ERRNO" and .listenerMetadata == "shim-forbidden:1"
		and ([.syscalls[] | select(.action == "SCMP_ACT_NOTIFY") | .names[]] | index("unshare") != null)
		and ([.syscalls[] | select(.action == "SCMP_ACT_NOTIFY") | .names[]] | index("write") == null)
		and ([.syscalls[] | select(.names == ["clone3"]) | .action] == ["SCMP_ACT_ERRNO"])' \
		"$BUNDLE/config.json" >/dev/null || fail "linux.seccomp: $(jq -c '.linux.seccomp | del(.syscalls[0:10])' "$BUNDLE/config.json")"
	start_agent "$agent" "$sock" "$log"
	CTR_ID=$(new_id notified)
	run_container
	assert_status 0
	[ "$output" = "$plain" ] || fail "the workload saw a difference:
plain: $plain
notified: $output"
	wait_for 5 grep -q "used forbidden syscalls" "$log" || fail "no report: $(cat "$log")"
	grep -qx "container $CTR_ID: used forbidden syscalls: unshare (1x), mount (1x), umount2 (1x), swapoff (1x)" "$log" ||
		fail "report: $(grep -v '^{' "$log")"
}

@test "seccomp-profile: --record writes the profile a workload used; it runs under it, other syscalls fail" {
	is_shim || skip "profile recording is shim's"
	local agent="${SHIM_BUILD:-$REPO_DIR/build}/helpers/notify-agent"
	[ -x "$agent" ] || skip "notify-agent not built (make build)"
	local sock="$BATS_TEST_TMPDIR/agent.sock" log="$BATS_TEST_TMPDIR/agent.log" recorded
	local work='exec 2>&1; echo hi; ls / | wc -l; cat /etc/hostname'
	set_cmd "$work"
	convert --record "$sock" --set-into "$BUNDLE/config.json"
	start_agent "$agent" "$sock" "$log"
	CTR_ID=$(new_id rec)
	run_container
	assert_status 0
	local want=$output
	recorded="$log.$CTR_ID.json"
	wait_for 5 test -s "$recorded" || fail "nothing recorded: $(cat "$log")"
	jq -e '.defaultAction == "SCMP_ACT_ERRNO" and (.syscalls[0].names | index("execve") != null)
		and (.syscalls[0].names | index("write") != null) and (.syscalls[0].names | index("mkdir") == null)' \
		"$recorded" >/dev/null || fail "recorded: $(cat "$recorded")"

	# The recorded profile, as an OCI linux.seccomp, replays the workload.
	convert --set-into "$BUNDLE/config.json" "$recorded"
	CTR_ID=$(new_id replay)
	run_container
	assert_status 0
	[ "$output" = "$want" ] || fail "replay differs: $output; want: $want"
	# What it never did is denied.
	set_cmd 'exec 2>&1; mkdir /tmp/new'
	CTR_ID=$(new_id other)
	run_container
	assert_failure
	assert_output_contains "Operation not permitted"
}
