#!/usr/bin/env bats
# shellcheck disable=SC2016 # container scripts are single-quoted on purpose
# The real client: containerd 1.6's io.containerd.runc.v2 shim driving shim
# (`ctr run --runc-binary`), on a private containerd (own socket, root and
# state) and a busybox image built locally with umoci (no registry here).
# Skipped when containerd, ctr or umoci is missing (`make test` installs them).

load helpers/common

setup_file() {
	local w="$BATS_FILE_TMPDIR/ctrd"
	export CTRD_DIR=$w CTRD_SOCK="$w/containerd.sock" CTRD_IMAGE=shim.test/busybox:latest
	for c in containerd ctr umoci; do
		command -v "$c" >/dev/null 2>&1 || return 0
	done
	mkdir -p "$w"
	cat >"$w/config.toml" <<EOF
version = 2
root = "$w/root"
state = "$w/state"
[grpc]
  address = "$CTRD_SOCK"
EOF
	containerd --config "$w/config.toml" </dev/null >"$w/containerd.log" 2>&1 3>&- &
	echo $! >"$w/containerd.pid"
	local i
	for i in $(seq 100); do
		ctr -a "$CTRD_SOCK" version >/dev/null 2>&1 && break
		sleep 0.1
	done
	# An OCI image of the test rootfs, built with umoci and imported.
	"$MKBUNDLE" "$w/bb" >/dev/null
	(
		cd "$w" &&
			umoci init --layout img &&
			umoci new --image img:latest &&
			umoci unpack --image img:latest unpacked &&
			cp -a bb/rootfs/. unpacked/rootfs/ &&
			umoci repack --image img:latest unpacked &&
			tar -C img -cf img.tar . &&
			ctr -a "$CTRD_SOCK" images import --base-name shim.test/busybox img.tar
	) >"$w/image.log" 2>&1 || true
}

teardown_file() {
	[ -f "${CTRD_DIR:-/nonexistent}/containerd.pid" ] || return 0
	kill "$(cat "$CTRD_DIR/containerd.pid")" 2>/dev/null || true
	sleep 0.3
	umount -R "$CTRD_DIR"/state/* 2>/dev/null || true
}

setup() {
	requires root
	for c in containerd ctr umoci; do
		command -v "$c" >/dev/null 2>&1 || skip "$c is not installed"
	done
	is_shim || skip "drives shim through containerd"
	ctr -a "$CTRD_SOCK" images ls -q 2>/dev/null | grep -qx "$CTRD_IMAGE" ||
		skip "no test image: $(tail -n 5 "$CTRD_DIR/image.log" "$CTRD_DIR/containerd.log" 2>/dev/null)"
	setup_common
	CID="shimt-ctrd-$$-$BATS_TEST_NUMBER"
}

teardown() {
	c task kill -s KILL "$CID" >/dev/null 2>&1 || true
	sleep 0.1
	c task delete "$CID" >/dev/null 2>&1 || true
	c containers delete "$CID" >/dev/null 2>&1 || true
	teardown_common
}

c() {
	ctr -a "$CTRD_SOCK" "$@"
}

@test "containerd: ctr run --rm through the runc.v2 shim: output and exit status" {
	run c run --rm --runc-binary "$RUNTIME_BIN" "$CTRD_IMAGE" "$CID" \
		/bin/sh -c 'echo hello-from-containerd; exit 6'
	assert_status 6
	assert_output_contains hello-from-containerd
}

@test "containerd: --seccomp applies containerd's default profile" {
	run c run --rm --seccomp --runc-binary "$RUNTIME_BIN" "$CTRD_IMAGE" "$CID" \
		/bin/sh -c 'grep Seccomp: /proc/self/status; unshare -U true 2>&1; true'
	assert_status 0
	assert_output_contains "Seccomp:	2" "Operation not permitted"
}

@test "containerd: run -d, task exec, ps, pause, resume, kill, delete" {
	c run -d --runc-binary "$RUNTIME_BIN" "$CTRD_IMAGE" "$CID" \
		/bin/sh -c 'trap "exit 0" TERM; while :; do sleep 0.2; done' </dev/null >"$BATS_TEST_TMPDIR/run.out" 2>&1 3>&- ||
		fail "run -d: $(cat "$BATS_TEST_TMPDIR/run.out")"
	run c task ls
	assert_output_contains "$CID"
	run c task exec --exec-id e1 "$CID" sh -c 'echo in-exec; exit 3'
	assert_status 3
	assert_output_contains in-exec
	run c task ps "$CID"
	assert_status 0
	[ "${#lines[@]}" -ge 2 ] || fail "ps: $output"
	c task pause "$CID"
	run c task ls
	assert_output_contains PAUSED
	c task resume "$CID"
	run c task ls
	assert_output_contains RUNNING
	c task kill -s TERM "$CID"
	local i
	for i in $(seq 50); do
		c task ls | grep "$CID" | grep -q STOPPED && break
		sleep 0.1
	done
	run c task ls
	assert_output_contains STOPPED
	c task delete "$CID"
	c containers delete "$CID"
	[ -z "$(_cgroups_named "$CID")" ] || fail "cgroups left: $(_cgroups_named "$CID")"
}
