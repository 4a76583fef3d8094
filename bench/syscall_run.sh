#!/usr/bin/env bash
# syscall_run.sh: the per-syscall cost of each runtime's seccomp filter,
# measured inside its container.
#
#   bench/syscall_run.sh [-n ITERATIONS] [-r ROUNDS] [--runtimes "shim runc crun"]
#
# The demo bundle (mkbundle.sh --demo: containerd's RuntimeDefault profile,
# about 350 syscalls) runs bench/syscall_loop under shim, runc and crun, and
# once more under shim with no linux.seccomp ("unconfined"). syscall_loop
# times ITERATIONS getppid() calls and ITERATIONS personality(0xffffffff)
# calls (a syscall the profile checks with an argument). ROUNDS interleaved
# rounds; the medians, each runtime's overhead over unconfined, and the
# ratios against runc and crun are printed. Run bench/run.sh first if crun
# refuses this hybrid host (it mounts the hugetlb v1 hierarchy crun needs).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
iters=10000000
rounds=5
runtimes="shim runc crun"
while [ $# -gt 0 ]; do
	case "$1" in
	-n) iters=$2; shift 2 ;;
	-r) rounds=$2; shift 2 ;;
	--runtimes) runtimes=$2; shift 2 ;;
	*) echo "usage: $0 [-n ITERATIONS] [-r ROUNDS] [--runtimes LIST]" >&2; exit 2 ;;
	esac
done

build=${SHIM_BUILD:-$repo/build}
shim=${SHIM:-$build/shim}
work=$(mktemp -d /tmp/shim-syscall-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

mkdir -p "$build/bench"
${CC:-cc} -O2 -static -o "$build/bench/syscall_loop" "$repo/bench/syscall_loop.c"

"$repo/integration/helpers/mkbundle.sh" --demo --args "[\"/syscall_loop\", \"$iters\"]" "$work/seccomp" >/dev/null
"$repo/integration/helpers/mkbundle.sh" --demo --no-seccomp --args "[\"/syscall_loop\", \"$iters\"]" "$work/plain" >/dev/null
cp "$build/bench/syscall_loop" "$work/seccomp/rootfs/"
cp "$build/bench/syscall_loop" "$work/plain/rootfs/"

# bin NAME: the binary of a runtime ("" when not installed).
bin() {
	case "$1" in
	shim | unconfined) echo "$shim" ;;
	*) command -v "$1" || true ;;
	esac
}

# once NAME: "getppid_ns personality_ns" from one run.
once() {
	local name=$1 b bundle=$work/seccomp out
	b=$(bin "$name")
	[ "$name" = unconfined ] && bundle=$work/plain
	out=$("$b" --root "$work/root-$name" run --bundle "$bundle" "bench-$name-$$" </dev/null 2>&1) || {
		echo "syscall_run.sh: $name failed: $out" >&2
		return 1
	}
	awk '/getppid/ {g = $2} /personality/ {p = $2} END {print g, p}' <<<"$out"
}

median() {
	sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}

names=(unconfined)
for r in $runtimes; do
	if [ -n "$(bin "$r")" ] && once "$r" >/dev/null; then
		names+=("$r")
	else
		echo "syscall_run.sh: skipping $r" >&2
	fi
done

echo "syscall_run: $iters calls per syscall, $rounds rounds, containerd's RuntimeDefault profile"
echo "  (${names[*]})"
for ((i = 0; i < rounds; i++)); do
	for n in "${names[@]}"; do
		echo "$n $(once "$n")" >>"$work/results"
	done
done

# Medians per runtime, overheads over unconfined, and shim's overhead over the others'.
awk -v order="${names[*]}" '
	function median(a, n,   i, j, t) {
		for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
		return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	{ n = ++cnt[$1]; G[$1, n] = $2; P[$1, n] = $3 }
	END {
		k = split(order, names, " ")
		for (i = 1; i <= k; i++) {
			r = names[i]; delete a; delete b
			for (j = 1; j <= cnt[r]; j++) { a[j] = G[r, j]; b[j] = P[r, j] }
			g[r] = median(a, cnt[r]); p[r] = median(b, cnt[r])
		}
		printf "  %-11s %16s %16s %14s %14s\n", "runtime", "getppid ns/call", "personality ns", "+getppid ns", "+personality"
		for (i = 1; i <= k; i++) {
			r = names[i]
			printf "  %-11s %16.1f %16.1f %14.1f %14.1f\n", r, g[r], p[r], g[r] - g["unconfined"], p[r] - p["unconfined"]
		}
		for (i = 1; i <= k; i++) {
			r = names[i]
			if (r == "shim" || r == "unconfined" || !("shim" in g)) continue
			dg = g[r] - g["unconfined"]; dp = p[r] - p["unconfined"]
			printf "  filter overhead shim/%s: getppid %.2f, personality %.2f\n", r,
				(dg > 0 ? (g["shim"] - g["unconfined"]) / dg : 0), (dp > 0 ? (p["shim"] - p["unconfined"]) / dp : 0)
		}
	}' "$work/results"
