#!/usr/bin/env bats
# shellcheck disable=SC2016 # container scripts are single-quoted on purpose
# Differential tests: the same bundle under runc (the reference) and under the
# runtime under test; what the container observes (integration/data/observe.sh:
# id, hostname, caps, NoNewPrivs, Seccomp, env, umask, rlimits, mounts with
# their options, /dev, masked and read-only paths, interfaces) must be the
# same text. With RUNTIME=runc this compares runc with itself, which checks
# that observe.sh prints nothing that changes from run to run.

load helpers/common

setup() {
	requires runc
	setup_common
	REF_BIN=$(command -v runc)
	export EXTRA_RUNTIMES="$REF_BIN"
	cp "$DATA_DIR/observe.sh" "$BUNDLE/rootfs/observe.sh"
	update_config '.process.args = ["sh", "/observe.sh"]'
}

teardown() {
	teardown_common
}

# differ: run the bundle under runc, then under $RUNTIME, each on a fresh copy
# of the bundle, and compare what they print. Exit statuses must match too.
differ() {
	local ref="$BATS_TEST_TMPDIR/bundle-ref" dut="$BATS_TEST_TMPDIR/bundle-dut"
	local ref_out="$BATS_TEST_TMPDIR/ref.out" dut_out="$BATS_TEST_TMPDIR/dut.out"
	local ref_id dut_id ref_rc=0 dut_rc=0
	rm -rf "$ref" "$dut"
	cp -a "$BUNDLE" "$ref"
	cp -a "$BUNDLE" "$dut"
	ref_id=$(new_id ref)
	dut_id=$(new_id dut)
	(cd "$ref" && runtime_as "$REF_BIN" run "$ref_id") </dev/null >"$ref_out" 2>&1 3>&- || ref_rc=$?
	(cd "$dut" && runtime run "$dut_id") </dev/null >"$dut_out" 2>&1 3>&- || dut_rc=$?
	[ "$ref_rc" -eq 0 ] || fail "runc failed ($ref_rc): $(cat "$ref_out")"
	if ! diff -u --label "runc" --label "$RUNTIME_NAME" "$ref_out" "$dut_out" >"$BATS_TEST_TMPDIR/diff"; then
		fail "the container sees a different world under $RUNTIME_NAME than under runc:
$(cat "$BATS_TEST_TMPDIR/diff")"
	fi
	[ "$dut_rc" -eq "$ref_rc" ] || fail "exit status: runc $ref_rc, $RUNTIME_NAME $dut_rc"
	# Guard against comparing two empty outputs.
	grep -q '^== pid' "$ref_out" || fail "observe.sh did not finish: $(cat "$ref_out")"
}

@test "differential: the runc-spec default bundle" {
	differ
}

@test "differential: the demo bundle (RuntimeDefault seccomp profile)" {
	jq --slurpfile p "$SECCOMP_DEFAULT" '.linux.seccomp = $p[0]' "$BUNDLE/config.json" >"$BUNDLE/c.json"
	mv "$BUNDLE/c.json" "$BUNDLE/config.json"
	jq -e '.linux.seccomp.defaultAction == "SCMP_ACT_ERRNO"' "$BUNDLE/config.json" >/dev/null || fail "no seccomp in config"
	differ
}

@test "differential: a non-root user with groups, umask, rlimits, caps, env, cwd" {
	mkdir -p "$BUNDLE/rootfs/work"
	update_config '  .process.user = {"uid": 1000, "gid": 1000, "additionalGids": [10, 29], "umask": 63}
			| .process.env = ["PATH=/bin", "A=1", "B=x=y"]
			| .process.cwd = "/work"
			| .process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 500, "hard": 600},
					      {"type": "RLIMIT_NPROC", "soft": 100, "hard": 200}]
			| .process.capabilities = {
				"bounding": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW"],
				"effective": ["CAP_KILL", "CAP_NET_BIND_SERVICE"],
				"permitted": ["CAP_KILL", "CAP_NET_BIND_SERVICE"],
				"inheritable": ["CAP_KILL", "CAP_NET_BIND_SERVICE"],
				"ambient": ["CAP_NET_BIND_SERVICE"]}
			| .process.oomScoreAdj = 100
			| .process.noNewPrivileges = false'
	differ
}

@test "differential: extra mounts, devices, sysctl, masked and read-only paths, read-only root" {
	hostdir="$BATS_TEST_TMPDIR/hostdir"
	mkdir -p "$hostdir" "$BUNDLE/rootfs/secret"
	echo data >"$hostdir/f"
	update_config '  .root.readonly = true
			| .hostname = "diff-host"
			| .mounts += [
				{"destination": "/mnt/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "nodev", "mode=1777", "size=2m"]},
				{"destination": "/mnt/ro", "type": "bind", "source": "'"$hostdir"'", "options": ["rbind", "ro", "nosuid", "noexec"]},
				{"destination": "/mnt/rw", "type": "bind", "source": "'"$hostdir"'", "options": ["bind"]}]
			| .linux.devices = [{"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229, "fileMode": 438, "uid": 0, "gid": 0}]
			| .linux.sysctl = {"net.ipv4.ip_forward": "1"}
			| .linux.maskedPaths += ["/secret"]
			| .linux.readonlyPaths += ["/proc/sys/kernel"]'
	differ
}

@test "differential: new cgroup and user namespaces" {
	requires userns
	d=$BUNDLE
	while [ "$d" != / ]; do
		chmod o+x "$d"
		d=$(dirname "$d")
	done
	update_config '  .linux.namespaces += [{"type": "cgroup"}, {"type": "user"}]
			| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
			| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
			| .mounts |= map(select(.destination != "/sys/fs/cgroup"))'
	differ
}

@test "differential: containerd CRI container config (joins a sandbox's namespaces)" {
	adapt_fixture containerd-cri-container.json
	# The sandbox: a holder in new pid, ipc, uts and net namespaces.
	local out="$BATS_TEST_TMPDIR/holder.out"
	setsid unshare --pid --fork --ipc --uts --net sh -c 'hostname cri-sandbox; echo ready; exec sleep 60' \
		</dev/null >"$out" 2>&1 3>&- &
	local upid=$!
	register_pid "$upid"
	disown "$upid"
	wait_for 5 grep -q ready "$out" || fail "holder did not start: $(cat "$out")"
	local hpid
	hpid=$(pgrep -P "$upid" | head -n1)
	[ -n "$hpid" ] || fail "no holder child"
	update_config '.linux.namespaces |= map(
			if .path then .path = "/proc/'"$hpid"'/ns/" + ({"pid": "pid", "ipc": "ipc", "uts": "uts", "network": "net"}[.type])
			else . end)'
	differ
	grep -qx cri-sandbox "$BATS_TEST_TMPDIR/ref.out" || fail "did not join the sandbox's uts namespace"
}

@test "differential: containerd CRI container config with new namespaces instead" {
	adapt_fixture containerd-cri-container.json
	update_config '.linux.namespaces |= map(del(.path)) | .hostname = "cri-new"'
	differ
}

@test "differential: podman run config" {
	adapt_fixture podman-run-echo.json
	differ
}

@test "differential: CRI-O/conmon-style config" {
	adapt_fixture conmon-crio-style.json
	differ
}
