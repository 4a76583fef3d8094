#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2030,SC2031 # container scripts are single-quoted on purpose; bats subshells
# linux.seccomp: every action, every argument operator, architectures, the
# ENOSYS stub, flags, listenerPath (seccomp notify), exec, and bad profiles.
#
# Most tests run integration/helpers/seccomp-probe.c inside the container: it
# makes one raw syscall with the arguments it is given and prints
# "ret=R errno=E". setup_file builds it with -static so that it runs in the
# busybox rootfs. The syscall the probe rules filter is getpriority(2): nothing
# else in the probe or busybox calls it, it has no side effects, and its
# arguments are ours (getpriority(0, 0) = 20; which > 2 gives EINVAL).
#
# Everything here passes with RUNTIME=runc (1.1.5) too, except the tests marked
# [shim only]: seccomp "flags" (runc 1.1.5 rejects the key), error texts, and
# strict validation that runc does not do.

load helpers/common

setup_file() {
	PROBE_BIN="$BATS_FILE_TMPDIR/seccomp-probe"
	if ! cc -static -O2 -D_GNU_SOURCE -o "$PROBE_BIN" "$HELPERS_DIR/seccomp-probe.c" \
		>"$BATS_FILE_TMPDIR/probe.log" 2>&1; then
		rm -f "$PROBE_BIN"
	fi
	# The notify agent: shim's build has it; otherwise (RUNTIME=runc) build it.
	NOTIFY_AGENT=''
	local a
	for a in ${SHIM_BUILD:+"$SHIM_BUILD/helpers/notify-agent"} \
		"$(dirname "$RUNTIME_BIN")/helpers/notify-agent"; do
		if [ -x "$a" ]; then
			NOTIFY_AGENT=$a
			break
		fi
	done
	if [ -z "$NOTIFY_AGENT" ]; then
		NOTIFY_AGENT="$BATS_FILE_TMPDIR/notify-agent"
		# shellcheck disable=SC2046 # pkg-config's words
		cc -O2 -D_GNU_SOURCE -o "$NOTIFY_AGENT" "$REPO_DIR/hooks/notify-agent.c" \
			$(pkg-config --cflags --libs libseccomp yajl 2>/dev/null || echo -lseccomp -lyajl) \
			>"$BATS_FILE_TMPDIR/agent-build.log" 2>&1 || NOTIFY_AGENT=''
	fi
	export PROBE_BIN NOTIFY_AGENT
}

setup() {
	setup_common
}

teardown() {
	stop_agent
	teardown_common
}

# ---------------------------------------------------------------- helpers

# use_probe: /bin/probe in the bundle's rootfs (skip when it could not be built).
use_probe() {
	[ -x "${PROBE_BIN:-}" ] || skip "seccomp-probe not built (cc -static): $(cat "$BATS_FILE_TMPDIR/probe.log" 2>/dev/null)"
	cp "$PROBE_BIN" "$BUNDLE/rootfs/bin/probe"
}

# set_seccomp JSON: linux.seccomp = JSON.
set_seccomp() {
	update_config ".linux.seccomp = $1"
}

# set_seccomp_file FILE [JQ]: linux.seccomp = FILE, filtered through JQ.
set_seccomp_file() {
	local json
	json=$(jq -c "${2:-.}" "$1") || fail "jq failed on $1"
	set_seccomp "$json"
}

# rule_profile RULE_JSON...: default ALLOW plus these syscalls[] entries.
rule_profile() {
	local IFS=,
	set_seccomp "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [$*]}"
}

# gp_rule ACTION [EXTRA]: a syscalls[] entry for getpriority; EXTRA is more
# JSON members, e.g. '"errnoRet": 99'.
gp_rule() {
	echo "{\"names\": [\"getpriority\"], \"action\": \"$1\"${2:+, $2}}"
}

# gp_args_rule ARGS_JSON: getpriority -> ERRNO(99) when ARGS_JSON matches.
gp_args_rule() {
	gp_rule SCMP_ACT_ERRNO "\"errnoRet\": 99, \"args\": $1"
}

# probe_values V...: one container calls getpriority(A, B) for every V ("A" or
# "A,B", B defaulting to 0) and prints "V:M" when the rule matched (errno 99),
# "V:-" otherwise. expect_matches then compares the whole list.
probe_values() {
	use_probe
	set_args sh -c 'for v in "$@"; do
		a=${v%%,*}; b=0
		case $v in *,*) b=${v#*,} ;; esac
		case $(probe getpriority "$a" "$b") in
		*errno=99) echo "$v:M" ;;
		ret=*) echo "$v:-" ;;
		*) echo "$v:?" ;;
		esac
	done' sh "$@"
	run_container
	assert_status 0
}

expect_matches() {
	[ "${lines[*]}" = "$1" ] || fail "want '$1', got: $output"
}

# The notify agent, on a socket in this test's tmp dir.
start_agent() {
	[ -n "${NOTIFY_AGENT:-}" ] || skip "notify-agent not available: $(cat "$BATS_FILE_TMPDIR/agent-build.log" 2>/dev/null)"
	AGENT_SOCK="$BATS_TEST_TMPDIR/agent.sock"
	AGENT_LOG="$BATS_TEST_TMPDIR/agent.log"
	: >"$AGENT_LOG"
	"$NOTIFY_AGENT" "$AGENT_SOCK" "$AGENT_LOG" </dev/null >"$BATS_TEST_TMPDIR/agent.out" 2>&1 3>&- &
	AGENT_PID=$!
	register_pid "$AGENT_PID"
	wait_for 5 test -S "$AGENT_SOCK" || fail "notify-agent did not start: $(cat "$BATS_TEST_TMPDIR/agent.out")"
}

# stop_agent: SIGTERM (the agent removes its socket), so that no job is
# reported killed; teardown_common's SIGKILL is the fallback.
stop_agent() {
	[ -n "${AGENT_PID:-}" ] || return 0
	kill -TERM "$AGENT_PID" 2>/dev/null || return 0
	wait_for 3 _agent_gone || return 0
	wait "$AGENT_PID" 2>/dev/null || true
}

_agent_gone() {
	! kill -0 "$AGENT_PID" 2>/dev/null || [ "$(ps -o stat= -p "$AGENT_PID" 2>/dev/null)" = Z ]
}

# notify_profile FILE: FILE with listenerPath = the agent's socket.
notify_profile() {
	set_seccomp_file "$1" ".listenerPath = \"$AGENT_SOCK\""
}

# agent_json N: the N-th (1-based) containerProcessState the agent received.
agent_json() {
	grep '^{' "$AGENT_LOG" | sed -n "${1}p"
}

agent_connections() {
	grep -c '^{' "$AGENT_LOG" || true
}

agent_has_connections() {
	[ "$(agent_connections)" -eq "$1" ]
}

# jq_eq JSON FILTER WANT: FILTER applied to JSON gives WANT (compact JSON).
jq_eq() {
	local got
	got=$(jq -c "$2" <<<"$1") || fail "not JSON: $1"
	[ "$got" = "$3" ] || fail "$2: want $3, got $got; in: $1"
}

ms_now() {
	echo $(($(date +%s%N) / 1000000))
}

x86_64_only() {
	[ "$(uname -m)" = x86_64 ] || skip "x86_64 syscall numbers and ABIs"
}

# ---------------------------------------------------------------- actions

@test "seccomp: SCMP_ACT_ERRNO returns errnoRet (99), EPERM without it" {
	use_probe
	rule_profile "$(gp_rule SCMP_ACT_ERRNO '"errnoRet": 99')" \
		'{"names": ["getppid"], "action": "SCMP_ACT_ERRNO"}'
	set_cmd 'probe getpriority 0 0; probe getppid; probe getcwd 0 0'
	run_container
	assert_status 0
	assert_line_eq 0 "ret=-1 errno=99"
	assert_line_eq 1 "ret=-1 errno=1"
	# getcwd(NULL, 0) is not filtered: the kernel's own answer (ERANGE).
	assert_line_eq 2 "ret=-1 errno=34"
}

@test "seccomp: SCMP_ACT_KILL_PROCESS kills the whole process with SIGSYS (159)" {
	use_probe
	rule_profile "$(gp_rule SCMP_ACT_KILL_PROCESS)"
	set_args probe getpriority 0 0
	run_container
	assert_status 159
	assert_output_lacks "ret="
	# From a second thread too: the process dies, not just the thread.
	set_args probe -T getpriority 0 0
	run_container
	assert_status 159
	assert_output_lacks "main thread alive"
}

@test "seccomp: SCMP_ACT_KILL_THREAD (and SCMP_ACT_KILL) kill only the calling thread" {
	use_probe
	rule_profile "$(gp_rule SCMP_ACT_KILL_THREAD)"
	# The only thread: the process dies of SIGSYS.
	set_args probe getpriority 0 0
	run_container
	assert_status 159
	assert_output_lacks "ret="
	# A second thread dies in the call; the main thread goes on.
	set_args probe -T getpriority 0 0
	run_container
	assert_status 0
	assert_line_eq 0 "main thread alive"
	assert_line_eq 1 "no return"
	# SCMP_ACT_KILL is KILL_THREAD (runc, libseccomp).
	rule_profile "$(gp_rule SCMP_ACT_KILL)"
	run_container
	assert_status 0
	assert_line_eq 0 "main thread alive"
	assert_line_eq 1 "no return"
}

@test "seccomp: SCMP_ACT_TRAP sends SIGSYS (si_code SYS_SECCOMP, si_syscall)" {
	use_probe
	rule_profile "$(gp_rule SCMP_ACT_TRAP)"
	# With a handler: SIGSYS, si_code 1 (SYS_SECCOMP), the syscall number.
	set_args probe -t getpriority 0 0
	run_container
	assert_status 0
	[[ "${lines[0]}" == "sigsys code=1 syscall="* ]] || fail "output: $output"
	if [ "$(uname -m)" = x86_64 ]; then
		assert_line_eq 0 "sigsys code=1 syscall=140 data=0"
	fi
	# Without one: the default action of SIGSYS kills.
	set_args probe getpriority 0 0
	run_container
	assert_status 159
	assert_output_lacks "ret="
}

@test "seccomp: SCMP_ACT_LOG allows the call" {
	use_probe
	rule_profile "$(gp_rule SCMP_ACT_LOG)"
	set_args probe getpriority 0 0
	run_container
	assert_status 0
	assert_line_eq 0 "ret=20 errno=0"
}

@test "seccomp: SCMP_ACT_TRACE without a tracer returns ENOSYS" {
	use_probe
	rule_profile "$(gp_rule SCMP_ACT_TRACE)"
	set_args probe getpriority 0 0
	run_container
	assert_status 0
	assert_line_eq 0 "ret=-1 errno=38"
}

@test "seccomp: SCMP_ACT_NOTIFY: the agent answers mkdir (success, nothing made) and logs it" {
	start_agent
	notify_profile "$DATA_DIR/seccomp/notify-mkdir.json"
	set_cmd 'mkdir /tmp/notified && echo mkdir-ok; [ -d /tmp/notified ] && echo exists || echo absent'
	run_container
	assert_status 0
	assert_line_eq 0 mkdir-ok
	assert_line_eq 1 absent
	[ ! -e "$BUNDLE/rootfs/tmp/notified" ] || fail "the directory was made"
	grep -Eq '^syscall=mkdir(at)? pid=[0-9]+$' "$AGENT_LOG" || fail "agent log: $(cat "$AGENT_LOG")"
	[ "$(agent_connections)" -eq 1 ] || fail "agent log: $(cat "$AGENT_LOG")"
}

# ---------------------------------------------------------------- argument operators

@test "seccomp args: SCMP_CMP_EQ compares all 64 bits" {
	rule_profile "$(gp_args_rule '[{"index": 0, "value": 5, "op": "SCMP_CMP_EQ"}]')"
	probe_values 4 5 6 0x100000005
	expect_matches "4:- 5:M 6:- 0x100000005:-"
}

@test "seccomp args: SCMP_CMP_NE" {
	rule_profile "$(gp_args_rule '[{"index": 0, "value": 5, "op": "SCMP_CMP_NE"}]')"
	probe_values 4 5 6 0x100000005
	expect_matches "4:M 5:- 6:M 0x100000005:M"
}

@test "seccomp args: SCMP_CMP_LT (unsigned)" {
	rule_profile "$(gp_args_rule '[{"index": 0, "value": 5, "op": "SCMP_CMP_LT"}]')"
	probe_values 0 4 5 6 0xffffffffffffffff
	expect_matches "0:M 4:M 5:- 6:- 0xffffffffffffffff:-"
}

@test "seccomp args: SCMP_CMP_LE" {
	rule_profile "$(gp_args_rule '[{"index": 0, "value": 5, "op": "SCMP_CMP_LE"}]')"
	probe_values 4 5 6 0x100000000
	expect_matches "4:M 5:M 6:- 0x100000000:-"
}

@test "seccomp args: SCMP_CMP_GT (unsigned)" {
	rule_profile "$(gp_args_rule '[{"index": 0, "value": 5, "op": "SCMP_CMP_GT"}]')"
	probe_values 4 5 6 0xffffffffffffffff
	expect_matches "4:- 5:- 6:M 0xffffffffffffffff:M"
}

@test "seccomp args: SCMP_CMP_GE" {
	rule_profile "$(gp_args_rule '[{"index": 0, "value": 5, "op": "SCMP_CMP_GE"}]')"
	probe_values 4 5 6 0x100000000
	expect_matches "4:- 5:M 6:M 0x100000000:M"
}

@test "seccomp args: SCMP_CMP_MASKED_EQ (arg & value == valueTwo)" {
	rule_profile "$(gp_args_rule '[{"index": 0, "value": 240, "valueTwo": 80, "op": "SCMP_CMP_MASKED_EQ"}]')"
	probe_values 0x50 0x55 0x150 0x60 0x5
	expect_matches "0x50:M 0x55:M 0x150:M 0x60:- 0x5:-"
}

@test "seccomp args: two conditions on one index are ORed" {
	rule_profile "$(gp_args_rule '[{"index": 0, "value": 5, "op": "SCMP_CMP_EQ"}, {"index": 0, "value": 6, "op": "SCMP_CMP_EQ"}]')"
	probe_values 4 5 6 7
	expect_matches "4:- 5:M 6:M 7:-"
}

@test "seccomp args: conditions on different indexes are ANDed" {
	rule_profile "$(gp_args_rule '[{"index": 0, "value": 5, "op": "SCMP_CMP_EQ"}, {"index": 1, "value": 7, "op": "SCMP_CMP_EQ"}]')"
	probe_values 5,7 5,8 6,7 6,8
	expect_matches "5,7:M 5,8:- 6,7:- 6,8:-"
}

# ---------------------------------------------------------------- architectures

@test "seccomp architectures: the native arch is always filtered, even when not listed" {
	# Only SCMP_ARCH_X86 (or ARM) listed: libseccomp's filter always holds the
	# native arch (seccomp_init), so the rules apply to native calls and the
	# process is not killed by the bad-arch action. runc and crun agree.
	use_probe
	local other
	case "$(uname -m)" in
	x86_64) other=SCMP_ARCH_X86 ;;
	aarch64) other=SCMP_ARCH_ARM ;;
	*) skip "no 32-bit companion arch known for $(uname -m)" ;;
	esac
	set_seccomp "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [\"$other\"],
		\"syscalls\": [$(gp_rule SCMP_ACT_ERRNO '"errnoRet": 99')]}"
	set_cmd 'probe getpriority 0 0; probe getppid'
	run_container
	assert_status 0
	assert_line_eq 0 "ret=-1 errno=99"
	[[ "${lines[1]}" == "ret="*" errno=0" ]] || fail "getppid: $output"
}

@test "seccomp architectures: a syscall of an unlisted ABI (x32) is killed (bad-arch action)" {
	x86_64_only
	use_probe
	# 0x40000027 is getpid through the x32 ABI (__X32_SYSCALL_BIT | 39).
	set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64"]}'
	set_args probe 0x40000027
	run_container
	assert_status 159
	assert_output_lacks "ret="
	# With SCMP_ARCH_X32 listed the call goes through to the kernel.
	set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X32"]}'
	run_container
	assert_status 0
	[[ "${lines[0]}" == "ret="* ]] || fail "output: $output"
}

# ---------------------------------------------------------------- the seed cases

@test "seccomp: the 'prevent chmod' profile: chmod fails with EPERM, unconfined it works" {
	set_seccomp_file "$DATA_DIR/seccomp/prevent-chmod.json"
	set_cmd 'chmod 666 /etc/hostname'
	run_container
	assert_failure
	assert_output_contains "Operation not permitted"
	[ "$(stat -c %a "$BUNDLE/rootfs/etc/hostname")" != 666 ] || fail "mode changed"

	update_config 'del(.linux.seccomp)'
	run_container
	assert_status 0
	[ "$(stat -c %a "$BUNDLE/rootfs/etc/hostname")" = 666 ] || fail "mode not changed"
}

@test "seccomp: RuntimeDefault blocks unshare, mount and swapoff (not the caps: CAP_SYS_ADMIN is given)" {
	update_config '.process.capabilities |= with_entries(.value += ["CAP_SYS_ADMIN"])'
	local script='unshare -U true 2>&1 && echo unshare-ok
		mount -t tmpfs t /mnt 2>&1 && echo mount-ok
		swapoff /no-such-swap 2>&1; echo swapoff-done'
	set_cmd "$script"
	# Unconfined, with CAP_SYS_ADMIN, the three get to the kernel.
	run_container
	assert_status 0
	assert_output_contains unshare-ok mount-ok
	assert_output_lacks "Operation not permitted"

	set_seccomp_file "$SECCOMP_DEFAULT"
	run_container
	assert_status 0
	assert_output_lacks unshare-ok mount-ok
	# busybox words mount's EPERM as "permission denied (are you root?)".
	assert_output_contains "unshare(0x10000000): Operation not permitted" \
		"mount: permission denied" "/no-such-swap: Operation not permitted" swapoff-done
}

@test "seccomp: RuntimeDefault lets a shell run normally" {
	set_seccomp_file "$SECCOMP_DEFAULT"
	set_cmd 'echo start; x=$(cat /etc/hostname); echo "host=$x"; ls / >/dev/null
		id -u; (sleep 0.1; echo sub) & wait; echo a b | wc -w; mkdir /tmp/d && rmdir /tmp/d
		grep -E "^(NoNewPrivs|Seccomp):" /proc/self/status; echo end'
	run_container
	assert_status 0
	assert_output_contains start host=shim sub end
	assert_line_eq 2 0
	assert_output_contains "NoNewPrivs:	1" "Seccomp:	2"
}

@test "seccomp: defaultErrnoRet 38 makes unlisted syscalls fail with ENOSYS" {
	set_seccomp_file "$SECCOMP_DEFAULT" '.defaultErrnoRet = 38'
	set_cmd 'unshare -U true'
	run_container
	assert_failure
	assert_output_contains "Function not implemented"
	assert_output_lacks "Operation not permitted"
}

@test "seccomp: clone3 gets ENOSYS from RuntimeDefault (explicit rule), EINVAL unconfined" {
	use_probe
	set_args probe clone3-badsize
	run_container
	assert_status 0
	assert_line_eq 0 "ret=-1 errno=22"
	set_seccomp_file "$SECCOMP_DEFAULT"
	run_container
	assert_status 0
	assert_line_eq 0 "ret=-1 errno=38"
}

@test "seccomp: ENOSYS stub: a profile older than clone3 gets ENOSYS for it, not EPERM" {
	# RuntimeDefault without clone3 and every later syscall: all of clone3's
	# successors are above the largest number the profile names, so runc's
	# stub answers ENOSYS (glibc then falls back to clone).
	use_probe
	local json
	json=$(jq -c --slurpfile post "$DATA_DIR/seccomp/post-clone3-syscalls.json" \
		'.syscalls |= map(.names -= $post[0] | select(.names | length > 0))' "$SECCOMP_DEFAULT")
	jq -e '[.syscalls[].names[]] | index("clone3") == null' <<<"$json" >/dev/null || fail "clone3 still listed"
	set_seccomp "$json"
	set_args probe clone3-badsize
	run_container
	assert_status 0
	assert_line_eq 0 "ret=-1 errno=38"
}

@test "seccomp: ENOSYS stub: clone3 unlisted below the profile's largest syscall -> EPERM" {
	# RuntimeDefault without its clone3 rule still names syscalls after clone3
	# (e.g. futex_waitv): no stub for 435, the default action answers.
	use_probe
	set_seccomp_file "$SECCOMP_DEFAULT" '.syscalls |= map(select(.names != ["clone3"]))'
	set_args probe clone3-badsize
	run_container
	assert_status 0
	assert_line_eq 0 "ret=-1 errno=1"
}

@test "seccomp: a profile that does not allow close_range still starts the container" {
	# The runtime's own calls after the filter is loaded must not depend on
	# syscalls a profile may refuse (runc 1.1.5 starts this container).
	set_seccomp_file "$SECCOMP_DEFAULT" '.syscalls |= map(.names -= ["close_range"] | select(.names | length > 0))'
	set_cmd 'echo started'
	run_container
	assert_status 0
	assert_output_contains started
}

# ---------------------------------------------------------------- flags (shim only: runc 1.1.5 rejects "flags")

@test "seccomp flags: SECCOMP_FILTER_FLAG_LOG and SPEC_ALLOW are accepted [shim only]" {
	requires shim
	use_probe
	local f
	for f in '["SECCOMP_FILTER_FLAG_LOG"]' '["SECCOMP_FILTER_FLAG_SPEC_ALLOW"]' \
		'["SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"]' '[]'; do
		set_seccomp "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"flags\": $f,
			\"syscalls\": [$(gp_rule SCMP_ACT_ERRNO '"errnoRet": 99')]}"
		set_args probe getpriority 0 0
		run_container
		assert_status 0
		[ "${lines[0]}" = "ret=-1 errno=99" ] || fail "flags $f: $output"
	done
}

@test "seccomp flags: an unknown flag -> error naming linux.seccomp.flags[1], nothing left [shim only]" {
	requires shim
	set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_BOGUS"]}'
	set_cmd 'touch /ran'
	run_container
	assert_failure
	assert_output_contains "linux.seccomp.flags[1]" "SECCOMP_FILTER_FLAG_BOGUS"
	[ ! -e "$BUNDLE/rootfs/ran" ] || fail "the container ran"
	assert_nothing_left
}

# ---------------------------------------------------------------- listenerPath

@test "seccomp listener: the containerProcessState the agent gets, field by field" {
	start_agent
	notify_profile "$DATA_DIR/seccomp/notify-mkdir.json"
	set_cmd 'mkdir /tmp/x && echo mkdir-ok; exec sleep 30'
	start_detached
	wait_for 10 grep -q '^syscall=mkdir' "$AGENT_LOG" || fail "no mkdir notification: $(cat "$AGENT_LOG")"
	wait_for 5 grep -q mkdir-ok "$BATS_TEST_TMPDIR/$CTR_ID.out" || fail "output: $(cat "$BATS_TEST_TMPDIR/$CTR_ID.out")"
	local js pid
	js=$(agent_json 1)
	pid=$(container_pid)
	[[ "$(jq -r .ociVersion <<<"$js")" == 1.* ]] || fail "ociVersion: $js"
	jq_eq "$js" .fds '["seccompFd"]'
	jq_eq "$js" .pid "$pid"
	jq_eq "$js" .metadata '"meta-xyz"'
	jq_eq "$js" .state.id "\"$CTR_ID\""
	jq_eq "$js" .state.status '"creating"'
	jq_eq "$js" .state.bundle "$(jq -cn --arg b "$(realpath "$BUNDLE")" '$b')"
	jq_eq "$js" .state.pid "$pid"
	[[ "$(jq -r .state.ociVersion <<<"$js")" == 1.* ]] || fail "state.ociVersion: $js"
	[ "$(agent_connections)" -eq 1 ] || fail "agent log: $(cat "$AGENT_LOG")"
}

@test "seccomp listener: no listenerMetadata -> no metadata field" {
	start_agent
	notify_profile "$DATA_DIR/seccomp/notify-mkdir.json"
	update_config 'del(.linux.seccomp.listenerMetadata)'
	set_cmd 'mkdir /tmp/x; echo done'
	run_container
	assert_status 0
	jq_eq "$(agent_json 1)" 'has("metadata")' false
}

@test "seccomp listener: NOTIFY on the runtime's own syscalls (sendmsg, close, fcntl...) does not hang" {
	start_agent
	notify_profile "$DATA_DIR/seccomp/notify-runtime-syscalls.json"
	set_cmd 'mkdir /tmp/x && echo mkdir-ok'
	register_id "$CTR_ID"
	local t0 t1
	t0=$(ms_now)
	run timeout 20 "$RUNTIME_BIN" --root "$ROOT_DIR" run --bundle "$BUNDLE" "$CTR_ID" </dev/null
	t1=$(ms_now)
	assert_status 0
	assert_output_contains mkdir-ok
	[ "$(agent_connections)" -eq 1 ] || fail "agent log: $(cat "$AGENT_LOG")"
	# shim hands the fd over with pidfd_getfd: no wait on the agent's 5 s
	# receive timeout (runc 1.1.5's init sends it with sendmsg and waits).
	if is_shim; then
		[ $((t1 - t0)) -lt 4000 ] || fail "took $((t1 - t0)) ms"
	fi
}

@test "seccomp listener: listenerPath without any NOTIFY rule is ignored" {
	use_probe
	set_seccomp "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"$BATS_TEST_TMPDIR/nobody.sock\",
		\"syscalls\": [$(gp_rule SCMP_ACT_ERRNO '"errnoRet": 99')]}"
	set_args probe getpriority 0 0
	run_container
	assert_status 0
	assert_line_eq 0 "ret=-1 errno=99"
}

@test "seccomp listener: an unreachable listenerPath -> clear error, not started, nothing left" {
	local sock="$BATS_TEST_TMPDIR/nobody-listens.sock"
	set_seccomp_file "$DATA_DIR/seccomp/notify-mkdir.json" ".listenerPath = \"$sock\""
	set_cmd 'touch /ran; echo ran'
	run_container
	assert_failure
	assert_output_contains "$sock"
	assert_output_contains connect
	assert_output_lacks ran
	[ ! -e "$BUNDLE/rootfs/ran" ] || fail "the container process ran"
	assert_nothing_left
}

@test "seccomp listener: create + start hands the fd over at create" {
	start_agent
	notify_profile "$DATA_DIR/seccomp/notify-mkdir.json"
	set_cmd 'mkdir /tmp/x && echo mkdir-ok; [ -d /tmp/x ] || echo absent'
	register_id "$CTR_ID"
	runtime create --bundle "$BUNDLE" "$CTR_ID" </dev/null >"$BATS_TEST_TMPDIR/out" 2>&1 3>&- ||
		fail "create: $(cat "$BATS_TEST_TMPDIR/out")"
	# Created, not started: the agent already has the fd and the state.
	[ "$(agent_connections)" -eq 1 ] || fail "agent log after create: $(cat "$AGENT_LOG")"
	jq_eq "$(agent_json 1)" .pid "$(container_pid)"
	! grep -q '^syscall=' "$AGENT_LOG" || fail "a notification before start: $(cat "$AGENT_LOG")"
	runtime start "$CTR_ID"
	wait_for 10 grep -q absent "$BATS_TEST_TMPDIR/out" || fail "output: $(cat "$BATS_TEST_TMPDIR/out")"
	grep -q mkdir-ok "$BATS_TEST_TMPDIR/out" || fail "output: $(cat "$BATS_TEST_TMPDIR/out")"
	grep -Eq '^syscall=mkdir(at)? ' "$AGENT_LOG" || fail "agent log: $(cat "$AGENT_LOG")"
}

@test "seccomp listener: exec gets its own notify fd (a second connection)" {
	start_agent
	notify_profile "$DATA_DIR/seccomp/notify-mkdir.json"
	set_cmd 'exec sleep 30'
	start_detached
	wait_for 5 agent_has_connections 1 || fail "agent log: $(cat "$AGENT_LOG")"
	run timeout 20 "$RUNTIME_BIN" --root "$ROOT_DIR" exec "$CTR_ID" \
		sh -c 'mkdir /tmp/e && echo mkdir-ok; [ -d /tmp/e ] || echo absent'
	assert_status 0
	assert_output_contains mkdir-ok absent
	[ "$(agent_connections)" -eq 2 ] || fail "agent log: $(cat "$AGENT_LOG")"
	local js
	js=$(agent_json 2)
	jq_eq "$js" .fds '["seccompFd"]'
	jq_eq "$js" .metadata '"meta-xyz"'
	jq_eq "$js" .state.id "\"$CTR_ID\""
	[ "$(jq .pid <<<"$js")" != "$(container_pid)" ] || fail "exec's pid is the init's: $js"
	grep -Eq '^syscall=mkdir(at)? ' "$AGENT_LOG" || fail "agent log: $(cat "$AGENT_LOG")"
}

@test "seccomp listener: exec's state is the container's (running, the init's pid), as runc" {
	start_agent
	notify_profile "$DATA_DIR/seccomp/notify-mkdir.json"
	set_cmd 'exec sleep 30'
	start_detached
	run timeout 20 "$RUNTIME_BIN" --root "$ROOT_DIR" exec "$CTR_ID" true
	assert_status 0
	[ "$(agent_connections)" -eq 2 ] || fail "agent log: $(cat "$AGENT_LOG")"
	local js
	js=$(agent_json 2)
	jq_eq "$js" .state.status '"running"'
	jq_eq "$js" .state.pid "$(container_pid)"
}

# ---------------------------------------------------------------- exec

@test "seccomp exec: exec gets the container's filter, with NoNewPrivs" {
	set_seccomp_file "$SECCOMP_DEFAULT"
	set_cmd 'exec sleep 30'
	start_detached
	run runtime exec "$CTR_ID" unshare -U true
	assert_failure
	assert_output_contains "Operation not permitted"
	run runtime exec "$CTR_ID" grep -E '^(NoNewPrivs|Seccomp|Seccomp_filters):' /proc/self/status
	assert_status 0
	assert_output_contains "NoNewPrivs:	1" "Seccomp:	2" "Seccomp_filters:	1"
}

@test "seccomp exec: without noNewPrivileges the filter is loaded too (run and exec)" {
	set_seccomp_file "$SECCOMP_DEFAULT"
	update_config '.process.noNewPrivileges = false'
	set_cmd 'grep -E "^(NoNewPrivs|Seccomp):" /proc/self/status; unshare -U true 2>&1; exec sleep 30'
	start_detached
	wait_for 5 grep -q unshare "$BATS_TEST_TMPDIR/$CTR_ID.out" || fail "output: $(cat "$BATS_TEST_TMPDIR/$CTR_ID.out")"
	run cat "$BATS_TEST_TMPDIR/$CTR_ID.out"
	assert_output_contains "NoNewPrivs:	0" "Seccomp:	2" "Operation not permitted"
	run runtime exec "$CTR_ID" sh -c 'grep -E "^(NoNewPrivs|Seccomp):" /proc/self/status; unshare -U true'
	assert_failure
	assert_output_contains "NoNewPrivs:	0" "Seccomp:	2" "Operation not permitted"
}

# ---------------------------------------------------------------- bad profiles (shim's error texts)

# bad_profile JSON WANT...: run fails, the output has every WANT, nothing is left.
bad_profile() {
	local json=$1
	shift
	set_seccomp "$json"
	set_cmd 'touch /ran'
	run_container
	assert_failure
	assert_output_contains "$@"
	[ ! -e "$BUNDLE/rootfs/ran" ] || fail "the container ran"
	assert_nothing_left
}

@test "seccomp bad profile: unknown defaultAction / action [shim only]" {
	requires shim
	bad_profile '{"defaultAction": "SCMP_ACT_BOGUS"}' \
		"linux.seccomp.defaultAction" '"SCMP_ACT_BOGUS"'
	bad_profile '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["getpriority"], "action": "SCMP_ACT_FOO"}]}' \
		"linux.seccomp.syscalls[0].action" '"SCMP_ACT_FOO"'
}

@test "seccomp bad profile: unknown operator [shim only]" {
	requires shim
	bad_profile "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [$(gp_args_rule '[{"index": 0, "value": 1, "op": "SCMP_CMP_BOGUS"}]')]}" \
		"linux.seccomp.syscalls[0].args[0].op" '"SCMP_CMP_BOGUS"'
}

@test "seccomp bad profile: unknown architecture [shim only]" {
	requires shim
	bad_profile '{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_Z80"]}' \
		"linux.seccomp.architectures[1]" '"SCMP_ARCH_Z80"'
}

@test "seccomp bad profile: errnoRet with SCMP_ACT_ALLOW, defaultErrnoRet with ALLOW [shim only]" {
	# The runtime-spec forbids it; runc ignores it.
	requires shim
	bad_profile "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [$(gp_rule SCMP_ACT_ALLOW '"errnoRet": 5')]}" \
		"linux.seccomp.syscalls[0].errnoRet" "SCMP_ACT_ERRNO"
	bad_profile '{"defaultAction": "SCMP_ACT_ALLOW", "defaultErrnoRet": 5}' \
		"linux.seccomp.defaultErrnoRet"
}

@test "seccomp bad profile: args index 6 [shim only]" {
	requires shim
	bad_profile "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [$(gp_args_rule '[{"index": 6, "value": 1, "op": "SCMP_CMP_EQ"}]')]}" \
		"linux.seccomp.syscalls[0].args[0].index" "5"
}

@test "seccomp bad profile: relative listenerPath [shim only]" {
	requires shim
	bad_profile '{"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": "relative/agent.sock", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}]}' \
		"linux.seccomp.listenerPath" "absolute"
}

@test "seccomp bad profile: NOTIFY as default, on write, or without listenerPath" {
	# runc refuses these too (its texts differ: only the failure is common).
	bad_profile '{"defaultAction": "SCMP_ACT_NOTIFY", "listenerPath": "/x.sock"}' NOTIFY
	bad_profile '{"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": "/x.sock", "syscalls": [{"names": ["write"], "action": "SCMP_ACT_NOTIFY"}]}' \
		write
	bad_profile '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}]}' \
		listenerPath
	if is_shim; then
		bad_profile '{"defaultAction": "SCMP_ACT_NOTIFY", "listenerPath": "/x.sock"}' "linux.seccomp.defaultAction"
		bad_profile '{"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": "/x.sock", "syscalls": [{"names": ["write"], "action": "SCMP_ACT_NOTIFY"}]}' \
			"linux.seccomp.syscalls[0].names[0]"
	fi
}

@test "seccomp: an unknown syscall name is skipped with a warning, the rest applies" {
	use_probe
	rule_profile "{\"names\": [\"no_such_syscall\", \"getpriority\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 99}"
	set_args probe getpriority 0 0
	run_container
	assert_status 0
	assert_output_contains "ret=-1 errno=99"
	if is_shim; then
		assert_output_contains no_such_syscall
	fi
}
