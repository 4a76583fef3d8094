#!/usr/bin/env bats
# shellcheck disable=SC2030,SC2031 # bats subshells
# `features`: the runtime-spec features document, its linux.seccomp object,
# agreement with runc's document, and with what the config parser accepts.
#
# runc 1.1.5's document has no knownFlags/supportedFlags: those tests skip
# when the runtime under test does not print them.

load helpers/common

setup() {
	setup_common
	FEATURES="$BATS_TEST_TMPDIR/features.json"
	runtime features >"$FEATURES" 2>"$BATS_TEST_TMPDIR/features.err" </dev/null ||
		fail "features failed: $(cat "$BATS_TEST_TMPDIR/features.err")"
}

teardown() {
	teardown_common
}

# feat JQ: JQ applied to the features document (raw output).
feat() {
	jq -r "$1" "$FEATURES"
}

# assert_list_has JQ NAME...: the array at JQ holds every NAME.
assert_list_has() {
	local path=$1 n
	shift
	for n in "$@"; do
		jq -e --arg n "$n" "$path | index(\$n) != null" "$FEATURES" >/dev/null ||
			fail "$path lacks $n: $(jq -c "$path" "$FEATURES")"
	done
}

# assert_list_ok JQ: a non-empty array of distinct non-empty strings.
assert_list_ok() {
	jq -e "$1 | type == \"array\" and length > 0 and all(type == \"string\" and length > 0)
		and (unique | length) == length" "$FEATURES" >/dev/null ||
		fail "$1: not a non-empty list of distinct names: $(jq -c "$1" "$FEATURES")"
}

@test "features: valid JSON, one document, the spec's version range" {
	run jq -e 'type == "object"' "$FEATURES"
	assert_status 0
	# Exactly one JSON value (jq -s counts the values).
	[ "$(jq -s length "$FEATURES")" = 1 ] || fail "more than one JSON value: $(cat "$FEATURES")"
	[[ "$(feat .ociVersionMin)" == 1.* ]] || fail "ociVersionMin: $(feat .ociVersionMin)"
	[[ "$(feat .ociVersionMax)" == 1.* ]] || fail "ociVersionMax: $(feat .ociVersionMax)"
	assert_list_has .hooks prestart createRuntime createContainer startContainer poststart poststop
	assert_list_has .linux.namespaces cgroup ipc mount network pid user uts
}

@test "features: linux.seccomp.enabled is true" {
	[ "$(feat .linux.seccomp.enabled)" = true ] || fail "seccomp: $(jq -c .linux.seccomp "$FEATURES")"
}

@test "features: seccomp actions: all nine, no duplicates" {
	assert_list_ok .linux.seccomp.actions
	assert_list_has .linux.seccomp.actions SCMP_ACT_ALLOW SCMP_ACT_ERRNO SCMP_ACT_KILL \
		SCMP_ACT_KILL_PROCESS SCMP_ACT_KILL_THREAD SCMP_ACT_LOG SCMP_ACT_NOTIFY \
		SCMP_ACT_TRACE SCMP_ACT_TRAP
}

@test "features: seccomp operators: all seven, no duplicates" {
	assert_list_ok .linux.seccomp.operators
	assert_list_has .linux.seccomp.operators SCMP_CMP_EQ SCMP_CMP_NE SCMP_CMP_LT SCMP_CMP_LE \
		SCMP_CMP_GT SCMP_CMP_GE SCMP_CMP_MASKED_EQ
}

@test "features: seccomp archs: the native one and its companions" {
	assert_list_ok .linux.seccomp.archs
	jq -e '.linux.seccomp.archs | all(startswith("SCMP_ARCH_"))' "$FEATURES" >/dev/null ||
		fail "archs: $(jq -c .linux.seccomp.archs "$FEATURES")"
	case "$(uname -m)" in
	x86_64) assert_list_has .linux.seccomp.archs SCMP_ARCH_X86_64 SCMP_ARCH_X86 SCMP_ARCH_X32 ;;
	aarch64) assert_list_has .linux.seccomp.archs SCMP_ARCH_AARCH64 SCMP_ARCH_ARM ;;
	esac
	assert_list_has .linux.seccomp.archs SCMP_ARCH_AARCH64 SCMP_ARCH_PPC64LE SCMP_ARCH_S390X
}

@test "features: seccomp knownFlags and supportedFlags (supported within known)" {
	jq -e '.linux.seccomp | has("knownFlags")' "$FEATURES" >/dev/null ||
		skip "$RUNTIME_NAME's features document has no seccomp knownFlags"
	assert_list_ok .linux.seccomp.knownFlags
	assert_list_ok .linux.seccomp.supportedFlags
	assert_list_has .linux.seccomp.knownFlags SECCOMP_FILTER_FLAG_TSYNC \
		SECCOMP_FILTER_FLAG_SPEC_ALLOW SECCOMP_FILTER_FLAG_LOG
	jq -e '.linux.seccomp as $s | $s.supportedFlags - $s.knownFlags == []' "$FEATURES" >/dev/null ||
		fail "supportedFlags not within knownFlags: $(jq -c .linux.seccomp "$FEATURES")"
	# Every kernel since 4.17 has these three.
	assert_list_has .linux.seccomp.supportedFlags SECCOMP_FILTER_FLAG_TSYNC \
		SECCOMP_FILTER_FLAG_SPEC_ALLOW SECCOMP_FILTER_FLAG_LOG
}

@test "features: every seccomp action, operator and arch runc lists is listed too" {
	requires runc
	local mine theirs k missing
	theirs=$(runc features) || fail "runc features failed"
	for k in actions operators archs; do
		missing=$(jq -cn --argjson r "$theirs" --slurpfile m "$FEATURES" \
			"(\$r.linux.seccomp.$k // []) - (\$m[0].linux.seccomp.$k // [])")
		[ "$missing" = "[]" ] || fail "$k that runc lists and $RUNTIME_NAME does not: $missing"
	done
	mine=$(feat .linux.seccomp.enabled)
	[ "$(jq -r .linux.seccomp.enabled <<<"$theirs")" = "$mine" ] || fail "enabled differs from runc's"
}

# Syscalls nothing in `busybox true` (nor the runtime after the filter is
# loaded) calls: one rule per listed action or operator goes on each.
UNUSED_SYSCALLS=(acct vhangup swapon syslog settimeofday init_module delete_module kexec_load
	quotactl iopl ioperm uselib ustat sysfs getpriority setpriority)

@test "features: every listed action and operator is accepted in a profile" {
	local i=0 rules=() a op
	while read -r a; do
		# NOTIFY needs a listener: integration/seccomp.bats covers it.
		[ "$a" = SCMP_ACT_NOTIFY ] && continue
		rules+=("{\"names\": [\"${UNUSED_SYSCALLS[$i]}\"], \"action\": \"$a\"}")
		i=$((i + 1))
	done < <(feat '.linux.seccomp.actions[]')
	while read -r op; do
		rules+=("{\"names\": [\"${UNUSED_SYSCALLS[$i]}\"], \"action\": \"SCMP_ACT_ERRNO\",
			\"args\": [{\"index\": 1, \"value\": 1, \"valueTwo\": 1, \"op\": \"$op\"}]}")
		i=$((i + 1))
	done < <(feat '.linux.seccomp.operators[]')
	[ "$i" -le "${#UNUSED_SYSCALLS[@]}" ] || fail "more names listed than test syscalls"
	local IFS=,
	update_config ".linux.seccomp = {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [${rules[*]}]}"
	unset IFS
	set_args true
	run_container
	assert_status 0
}

@test "features: every supportedFlag is accepted by run [shim only]" {
	# runc 1.1.5 rejects linux.seccomp.flags altogether.
	requires shim
	local f
	while read -r f; do
		update_config ".linux.seccomp = {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"flags\": [\"$f\"],
			\"syscalls\": [{\"names\": [\"getpriority\"], \"action\": \"SCMP_ACT_ERRNO\"}]}"
		set_cmd 'echo ran'
		run_container
		assert_status 0
		assert_output_contains ran
	done < <(feat '.linux.seccomp.supportedFlags[]')
}

@test "features: takes no arguments, as runc" {
	run runtime features extra-arg
	[ "$status" -ne 0 ] || fail "features accepted an argument (exit 0)"
}
