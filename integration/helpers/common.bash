# shellcheck shell=bash
# shellcheck disable=SC2034,SC2154
# (SC2034: variables for the .bats files; SC2154: $status, $output, $lines come from bats' run.)
# common.bash: helpers for shim's integration tests (bats >= 1.5).
#
# Every test must pass under runc as well: `RUNTIME=runc bats integration/`.
#
#   RUNTIME      the runtime under test: a path or a command name. Default:
#                $SHIM_BUILD/shim (`make integration` sets SHIM_BUILD), else
#                integration/../build/shim.
#   SHIM_SHARED  the shared/ folder with the fixtures (default: repo/../shared).
#
# Each test gets its own --root ($ROOT_DIR), bundle ($BUNDLE, made by
# mkbundle.sh from a cached template) and container id ($CTR_ID, unique across
# concurrent runs). Every container started through these helpers is deleted
# with `delete --force` in teardown, and holder processes are killed.
#
# Usage in a .bats file:
#   load helpers/common
#   setup()    { setup_common; }
#   teardown() { teardown_common; }

INTEGRATION_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
REPO_DIR=$(cd "$INTEGRATION_DIR/.." && pwd)
HELPERS_DIR="$INTEGRATION_DIR/helpers"
DATA_DIR="$INTEGRATION_DIR/data"
MKBUNDLE="$HELPERS_DIR/mkbundle.sh"
SHIM_SHARED=${SHIM_SHARED:-$REPO_DIR/../shared}
FIXTURES_DIR="$SHIM_SHARED/fixtures/configs"
SECCOMP_DEFAULT="$DATA_DIR/runtime-default-seccomp.json"

if [ -z "${RUNTIME:-}" ]; then
	if [ -n "${SHIM_BUILD:-}" ]; then
		RUNTIME="$SHIM_BUILD/shim"
	else
		RUNTIME="${BATS_TEST_DIRNAME:-$INTEGRATION_DIR}/../build/shim"
	fi
fi
# An absolute path for the runtime binary (it may be given as a command name).
if [[ "$RUNTIME" != */* ]]; then
	RUNTIME_BIN=$(command -v "$RUNTIME" 2>/dev/null || echo "$RUNTIME")
else
	RUNTIME_BIN=$(realpath -m "$RUNTIME")
fi
RUNTIME_NAME=$(basename "$RUNTIME_BIN")
export RUNTIME RUNTIME_BIN RUNTIME_NAME

# ---------------------------------------------------------------- identity

# Which runtime is under test: by the binary's name (shim, runc, crun), else
# by the first line of `--version`.
_runtime_kind() {
	case "$RUNTIME_NAME" in
	shim | runc | crun) echo "$RUNTIME_NAME" ;;
	*)
		case "$("$RUNTIME_BIN" --version 2>/dev/null | head -n1)" in
		"runc version"*) echo runc ;;
		"crun version"*) echo crun ;;
		*) echo shim ;;
		esac
		;;
	esac
}
RUNTIME_KIND=$(_runtime_kind)
export RUNTIME_KIND

is_runc() {
	[ "$RUNTIME_KIND" = runc ]
}

is_crun() {
	[ "$RUNTIME_KIND" = crun ]
}

# True when the runtime under test is neither runc nor crun, i.e. shim.
is_shim() {
	[ "$RUNTIME_KIND" = shim ]
}

# requires FEATURE...: skip the test unless every FEATURE is there.
#   root      running as uid 0
#   runc      a runc binary in PATH (for differential tests)
#   crun      a crun binary in PATH
#   shim      the runtime under test is shim (shim-only CLI extensions)
#   timens    the kernel has time namespaces
#   userns    unprivileged user namespaces can be made here
#   cmd:NAME  NAME is in PATH on the host
requires() {
	local f
	for f in "$@"; do
		case "$f" in
		root) [ "$(id -u)" = 0 ] || skip "needs root" ;;
		runc) command -v runc >/dev/null 2>&1 || skip "runc is not installed" ;;
		crun) command -v crun >/dev/null 2>&1 || skip "crun is not installed" ;;
		shim) is_shim || skip "shim-only behaviour (runtime under test: $RUNTIME_NAME)" ;;
		timens) [ -e /proc/self/ns/time ] || skip "no time namespace on this kernel" ;;
		userns) unshare -U true 2>/dev/null || skip "cannot make user namespaces here" ;;
		cmd:*) command -v "${f#cmd:}" >/dev/null 2>&1 || skip "${f#cmd:} is not installed" ;;
		*) fail "requires: unknown feature '$f'" ;;
		esac
	done
}

# ---------------------------------------------------------------- setup

# A suffix that is unique to this bats run (its tmp dir has a random suffix).
_run_tag() {
	local t=${BATS_RUN_TMPDIR:-/tmp/x-$$}
	t=${t##*/}
	t=${t##*-}
	echo "${t//[^A-Za-z0-9]/}"
}

# setup_common [mkbundle options...]: make $BUNDLE, $ROOT_DIR and $CTR_ID.
setup_common() {
	if [ ! -x "$RUNTIME_BIN" ]; then
		fail "runtime '$RUNTIME_BIN' not found or not executable (build shim with 'make build', or set RUNTIME=runc)"
	fi
	ROOT_DIR="$BATS_TEST_TMPDIR/root"
	BUNDLE="$BATS_TEST_TMPDIR/bundle"
	ID_PREFIX="shimt-$(_run_tag)-${BATS_SUITE_TEST_NUMBER:-$BATS_TEST_NUMBER}"
	CTR_ID="$ID_PREFIX-a"
	_IDS_FILE="$BATS_TEST_TMPDIR/.ids"
	_PIDS_FILE="$BATS_TEST_TMPDIR/.pids"
	_CLEANUP_FILE="$BATS_TEST_TMPDIR/.cleanup"
	: >"$_IDS_FILE"
	: >"$_PIDS_FILE"
	: >"$_CLEANUP_FILE"
	export ROOT_DIR BUNDLE CTR_ID ID_PREFIX
	"$MKBUNDLE" "$@" "$BUNDLE" || fail "mkbundle.sh failed"
	MOUNTS_BEFORE=$(mountinfo_count)
	mountinfo_lines >"$BATS_TEST_TMPDIR/.mountinfo"
}

# new_id [SUFFIX]: print a fresh container id and register it for teardown.
new_id() {
	local id="$ID_PREFIX-${1:-$RANDOM}"
	register_id "$id"
	echo "$id"
}

register_id() {
	grep -qxF "$1" "$_IDS_FILE" 2>/dev/null || echo "$1" >>"$_IDS_FILE"
}

# register_pid PID: kill PID (and its process group when it leads one) in teardown.
register_pid() {
	echo "$1" >>"$_PIDS_FILE"
}

# on_teardown CMD...: run CMD in teardown (errors ignored), last registered first.
on_teardown() {
	printf '%q ' "$@" >>"$_CLEANUP_FILE"
	echo >>"$_CLEANUP_FILE"
}

teardown_common() {
	local id pid line
	if [ -n "${_IDS_FILE:-}" ] && [ -f "$_IDS_FILE" ]; then
		while read -r id; do
			[ -n "$id" ] || continue
			for rt in "$RUNTIME_BIN" ${EXTRA_RUNTIMES:-}; do
				"$rt" --root "$ROOT_DIR" delete --force "$id" >/dev/null 2>&1 || true
				"$rt" --root "$(_alt_root "$rt")" delete --force "$id" >/dev/null 2>&1 || true
			done
		done <"$_IDS_FILE"
	fi
	if [ -n "${_PIDS_FILE:-}" ] && [ -f "$_PIDS_FILE" ]; then
		while read -r pid; do
			[ -n "$pid" ] || continue
			kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
		done <"$_PIDS_FILE"
	fi
	if [ -n "${_CLEANUP_FILE:-}" ] && [ -s "$_CLEANUP_FILE" ]; then
		tac "$_CLEANUP_FILE" | while read -r line; do
			[ -n "$line" ] || continue
			eval "$line" >/dev/null 2>&1 || true
		done
	fi
}

# The --root used for a second runtime (differential tests): one per binary name.
_alt_root() {
	echo "$BATS_TEST_TMPDIR/root-$(basename "$1")"
}

# ---------------------------------------------------------------- running

# runtime ARGS...: the runtime under test with this test's --root.
runtime() {
	"$RUNTIME_BIN" --root "$ROOT_DIR" "$@"
}

# runtime_as BINARY ARGS...: another runtime (e.g. runc), with its own --root.
runtime_as() {
	local bin=$1
	shift
	"$bin" --root "$(_alt_root "$bin")" "$@"
}

# update_config JQ_EXPR [BUNDLE_DIR]: edit config.json in place with jq.
update_config() {
	local dir=${2:-$BUNDLE} tmp
	tmp=$(mktemp "$dir/.config.XXXXXX")
	if ! jq "$1" "$dir/config.json" >"$tmp"; then
		rm -f "$tmp"
		fail "update_config: jq failed on: $1"
	fi
	mv "$tmp" "$dir/config.json"
}

# set_args ARG...: process.args = the given strings.
set_args() {
	local json
	json=$(jq -cn '$ARGS.positional' --args -- "$@")
	update_config ".process.args = $json"
}

# set_cmd SCRIPT: process.args = ["sh", "-c", SCRIPT].
set_cmd() {
	set_args sh -c "$1"
}

# run_container [bats-run-flags] [runtime-run-options...]
#   `run` (bats) of: runtime run --bundle $BUNDLE OPTIONS $CTR_ID, stdin from
#   /dev/null. Leading -N, !, --separate-stderr are passed to bats' run. Use
#   CTR_ID=... before it to pick another id.
run_container() {
	local runflags=()
	while [ $# -gt 0 ]; do
		case "$1" in
		-[0-9]* | '!' | --separate-stderr | --keep-empty-lines)
			runflags+=("$1")
			shift
			;;
		*) break ;;
		esac
	done
	register_id "$CTR_ID"
	run "${runflags[@]}" _run_container_body "$@"
}

_run_container_body() {
	runtime run --bundle "$BUNDLE" "$@" "$CTR_ID" </dev/null
}

# start_detached [ID [runtime-run-options...]]: `run -d` with the container's
# stdio on files in $BATS_TEST_TMPDIR (ID.out), so nothing holds bats' pipes.
start_detached() {
	local id=${1:-$CTR_ID}
	[ $# -gt 0 ] && shift
	register_id "$id"
	runtime run -d --bundle "$BUNDLE" "$@" "$id" \
		</dev/null >"$BATS_TEST_TMPDIR/$id.out" 2>&1 3>&- ||
		fail "run -d $id failed: $(cat "$BATS_TEST_TMPDIR/$id.out")"
}

# container_pid ID: the host pid of the container's init (from `state`).
container_pid() {
	runtime state "${1:-$CTR_ID}" | jq -r .pid
}

# container_status ID: created/running/stopped (from `state`).
container_status() {
	runtime state "${1:-$CTR_ID}" 2>/dev/null | jq -r .status
}

# wait_for TIMEOUT_S CMD...: retry CMD every 0.05 s until it succeeds.
wait_for() {
	local timeout=$1 i n
	shift
	n=$((timeout * 20))
	for ((i = 0; i < n; i++)); do
		if "$@"; then
			return 0
		fi
		sleep 0.05
	done
	return 1
}

# ---------------------------------------------------------------- assertions

# fail MESSAGE: end the test with MESSAGE. It exits (bats still runs teardown),
# so it also ends a helper called in a condition or under `run`.
if ! declare -F fail >/dev/null; then
	fail() {
		echo "FAIL: $*" >&2
		exit 1
	}
fi

# assert_status N: $status (from run) is N, else show the output.
assert_status() {
	if [ "$status" -ne "$1" ]; then
		fail "expected exit status $1, got $status; output: $output"
	fi
}

assert_failure() {
	if [ "$status" -eq 0 ]; then
		fail "expected failure, got status 0; output: $output"
	fi
}

# assert_output_contains SUBSTRING...: each SUBSTRING is in $output.
assert_output_contains() {
	local s
	for s in "$@"; do
		if [[ "$output" != *"$s"* ]]; then
			fail "output lacks '$s'; output: $output"
		fi
	done
}

assert_output_lacks() {
	local s
	for s in "$@"; do
		if [[ "$output" == *"$s"* ]]; then
			fail "output has '$s'; output: $output"
		fi
	done
}

# assert_line_eq N TEXT: line N of $output is TEXT.
assert_line_eq() {
	if [ "${lines[$1]:-}" != "$2" ]; then
		fail "line $1: expected '$2', got '${lines[$1]:-}'; output: $output"
	fi
}

mountinfo_count() {
	wc -l </proc/self/mountinfo
}

# mountinfo_lines: the host's mounts without their ids, sorted (for comm).
mountinfo_lines() {
	cut -d' ' -f3- /proc/self/mountinfo | LC_ALL=C sort
}

# assert_nothing_left [ID]: after a failed start, no trace of ID remains:
# no state dir under --root, no process living in the bundle's rootfs or
# naming the id (command line or cgroup), no more host mounts than at setup
# (and none naming the bundle), no cgroup directory named after the id.
# (The mount count is of the whole host: another job mounting things at the
# same moment would show up here too; the message lists the new mounts.)
assert_nothing_left() {
	local id=${1:-$CTR_ID} left
	if [ -e "$ROOT_DIR/$id" ]; then
		fail "state dir $ROOT_DIR/$id is left: $(ls -la "$ROOT_DIR/$id")"
	fi
	left=$(find /proc -mindepth 2 -maxdepth 2 -name root -lname "$BUNDLE*" 2>/dev/null || true)
	if [ -n "$left" ]; then
		fail "processes left in the bundle: $left"
	fi
	# Processes naming the id on their command line or in their cgroup path
	# (runc's default cgroup is named after the id). The pattern s[h]imt-...
	# does not match grep's own command line.
	if ! wait_for 3 _no_process_naming "$id"; then
		left=$(_processes_naming "$id")
		fail "processes naming $id are left: $(for f in $left; do echo "${f%/*}: $(tr '\0' ' ' <"${f%/*}/cmdline")"; done)"
	fi
	if [ "$(mountinfo_count)" -gt "$MOUNTS_BEFORE" ]; then
		left=$(mountinfo_lines | LC_ALL=C comm -13 "$BATS_TEST_TMPDIR/.mountinfo" - || true)
		fail "host mounts: $MOUNTS_BEFORE at setup, $(mountinfo_count) now; new: $left"
	fi
	if grep -qF "$BUNDLE" /proc/self/mountinfo; then
		fail "a host mount names the bundle: $(grep -F "$BUNDLE" /proc/self/mountinfo)"
	fi
	if ! wait_for 3 _no_cgroup_named "$id"; then
		fail "cgroups left: $(_cgroups_named "$id")"
	fi
}

# (An exiting process may linger for a moment: the checks above retry.
# Zombies are dead already: an orphan waits for PID 1 to reap it, and the
# PID 1 of some sandboxes takes seconds to.)
_processes_naming() {
	local f
	for f in $(grep -ls -- "${1:0:1}[${1:1:1}]${1:2}" /proc/[0-9]*/cmdline /proc/[0-9]*/cgroup 2>/dev/null); do
		[ "$(cut -d' ' -f3 "${f%/*}/stat" 2>/dev/null)" = Z ] || echo "$f"
	done
}

_no_process_naming() {
	[ -z "$(_processes_naming "$1")" ]
}

_cgroups_named() {
	find /sys/fs/cgroup -maxdepth 4 -type d -name "$1" 2>/dev/null | head -n5
}

_no_cgroup_named() {
	[ -z "$(_cgroups_named "$1")" ]
}

# ---------------------------------------------------------------- /proc/self/status

# cap_hex CAP_NAME...: the 16-digit hex mask /proc/PID/status shows for these caps.
cap_hex() {
	local mask=0 c n
	for c in "$@"; do
		n=$(cap_number "$c") || fail "unknown capability $c"
		mask=$((mask | (1 << n)))
	done
	printf '%016x\n' "$mask"
}

cap_number() {
	local names=(CAP_CHOWN CAP_DAC_OVERRIDE CAP_DAC_READ_SEARCH CAP_FOWNER CAP_FSETID
		CAP_KILL CAP_SETGID CAP_SETUID CAP_SETPCAP CAP_LINUX_IMMUTABLE
		CAP_NET_BIND_SERVICE CAP_NET_BROADCAST CAP_NET_ADMIN CAP_NET_RAW
		CAP_IPC_LOCK CAP_IPC_OWNER CAP_SYS_MODULE CAP_SYS_RAWIO CAP_SYS_CHROOT
		CAP_SYS_PTRACE CAP_SYS_PACCT CAP_SYS_ADMIN CAP_SYS_BOOT CAP_SYS_NICE
		CAP_SYS_RESOURCE CAP_SYS_TIME CAP_SYS_TTY_CONFIG CAP_MKNOD CAP_LEASE
		CAP_AUDIT_WRITE CAP_AUDIT_CONTROL CAP_SETFCAP CAP_MAC_OVERRIDE
		CAP_MAC_ADMIN CAP_SYSLOG CAP_WAKE_ALARM CAP_BLOCK_SUSPEND CAP_AUDIT_READ
		CAP_PERFMON CAP_BPF CAP_CHECKPOINT_RESTORE)
	local i
	for i in "${!names[@]}"; do
		if [ "${names[$i]}" = "$1" ]; then
			echo "$i"
			return 0
		fi
	done
	return 1
}

# ---------------------------------------------------------------- fixtures

# requires_fixtures: skip unless shared/fixtures/configs is there.
requires_fixtures() {
	[ -d "$FIXTURES_DIR" ] || skip "fixtures not found at $FIXTURES_DIR (set SHIM_SHARED)"
}

# adapt_fixture NAME [ARGS_JSON]: config.json = the client-generated fixture
# NAME, made runnable here: our rootfs, ARGS_JSON as process.args (default
# ["sh", "/observe.sh"]), no terminal, no cgroupsPath, bind sources replaced
# by files and dirs under the test's tmp dir.
adapt_fixture() {
	requires_fixtures
	local fx="$FIXTURES_DIR/$1" args=${2:-'["sh", "/observe.sh"]'} files="$BATS_TEST_TMPDIR/binds" dest src
	[ -f "$fx" ] || skip "fixture $fx is missing"
	mkdir -p "$files"
	jq --arg files "$files" --argjson args "$args" '
		  del(.linux.cgroupsPath)
		| .root.path = "rootfs"
		| .process.args = $args
		| .process.terminal = false
		| .mounts |= map(if .type == "bind" then
			.source = ($files + "/" + (.destination | ltrimstr("/") | gsub("/"; "_")))
			else . end)' "$fx" >"$BUNDLE/config.json"
	while read -r dest; do
		src="$files/$(echo "${dest#/}" | tr / _)"
		case "$dest" in
		/dev/shm) mkdir -p "$src" ;;
		/etc/hostname) echo fixture-host >"$src" ;;
		/etc/hosts) printf '127.0.0.1\tlocalhost\n' >"$src" ;;
		/etc/resolv.conf) echo 'nameserver 127.0.0.1' >"$src" ;;
		*) echo "$dest" >"$src" ;;
		esac
	done < <(jq -r '.mounts[] | select(.type == "bind") | .destination' "$BUNDLE/config.json")
}
