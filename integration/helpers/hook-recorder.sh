#!/bin/sh
# hook-recorder.sh KIND LOGDIR [OPTION...]: an OCI hook for hooks.bats.
#
# Appends one line to LOGDIR/hooks.log:
#
#   KIND STATUS PID mnt=MNT_NS uts=UTS_NS host=HOSTNAME self=$$ cmd=CMDLINE env=HOOK_VAR leak=HOOK_LEAK args=OPTIONS
#
#   STATUS, PID  "status" and "pid" of the state JSON on stdin ("-" when absent)
#   MNT_NS...    the hook's own namespaces (readlink /proc/self/ns/...) and hostname
#   CMDLINE      /proc/PID/cmdline of the container process, spaces for NULs
#                ("-" when unreadable): shows whether the user process was executed
#   HOOK_VAR     the variables of these names from the hook's env ("-" when unset):
#   HOOK_LEAK    hooks.bats sets HOOK_VAR in the hook's env and HOOK_LEAK in the runtime's
#
# and saves the state JSON as LOGDIR/KIND.json. OPTIONs (recorded, then acted on):
#   sleep=N      exec sleep N after recording (a timeout kills the hook itself)
#   exit=N       exit N after recording
#   stderr=TEXT  print TEXT on stderr
#
# The script is POSIX sh: the startContainer hook runs it inside the container
# (busybox), with the container's root, so LOGDIR is then a path in the rootfs.
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH

kind=$1
dir=$2
shift 2

state=$(cat)
printf '%s\n' "$state" >"$dir/$kind.json"
flat=$(printf '%s' "$state" | tr -d '\n')
status=$(printf '%s' "$flat" | sed -n 's/.*"status"[[:space:]]*:[[:space:]]*"\([a-z]*\)".*/\1/p')
pid=$(printf '%s' "$flat" | sed -n 's/.*"pid"[[:space:]]*:[[:space:]]*\([0-9][0-9]*\).*/\1/p')
mnt=$(readlink /proc/self/ns/mnt 2>/dev/null)
uts=$(readlink /proc/self/ns/uts 2>/dev/null)
host=$(cat /proc/sys/kernel/hostname 2>/dev/null)
cmd=-
if [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ]; then
	cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" | sed 's/ *$//; s/ /_/g')
fi
printf '%s %s %s mnt=%s uts=%s host=%s self=%s cmd=%s env=%s leak=%s args=%s\n' \
	"$kind" "${status:--}" "${pid:--}" "${mnt:--}" "${uts:--}" "${host:--}" "$$" \
	"${cmd:--}" "${HOOK_VAR:--}" "${HOOK_LEAK:--}" "$(echo "$*" | tr ' ' ,)" >>"$dir/hooks.log"

for opt in "$@"; do
	case "$opt" in
	stderr=*) echo "${opt#stderr=}" >&2 ;;
	esac
done
for opt in "$@"; do
	case "$opt" in
	sleep=*) exec sleep "${opt#sleep=}" ;;
	exit=*) exit "${opt#exit=}" ;;
	esac
done
exit 0
