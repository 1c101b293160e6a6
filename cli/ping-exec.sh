#!/bin/sh
# gcp-status-poller ping wrapper for job hosts that have a POSIX shell and curl, and no Node.
# The same pings as `gcp-status-poller exec`:
#
#   ping-exec.sh <ping-url> -- <command> [args...]
#
# pings <ping-url>/start, runs the command (its output, stdout and stderr together, passes
# through on stdout), then pings <ping-url>/<exit code> with the last 10 KB of that output, and
# exits with the command's own exit code (127 when it cannot be found). A ping is retried on
# network errors and 5xx; one that still fails is reported on stderr and never changes the outcome.
set -u

usage() {
	echo 'usage: ping-exec.sh <ping-url> -- <command> [args...]' >&2
	exit 2
}
[ $# -ge 3 ] || usage
url=${1%/}
shift
[ "$1" = '--' ] || usage
shift

work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT

# ping <suffix> [file whose content is the body]
ping() {
	if [ $# -ge 2 ]; then
		curl -fsS -m 10 --retry 5 --retry-connrefused --retry-delay 1 -o /dev/null --data-binary "@$2" "$url/$1"
	else
		curl -fsS -m 10 --retry 5 --retry-connrefused --retry-delay 1 -o /dev/null "$url/$1"
	fi || echo "ping-exec: ping /$1 failed" >&2
}

ping start
# The exit code is written from inside the pipeline: POSIX sh has no pipefail.
(
	"$@"
	echo $? >"$work/code"
) 2>&1 | tee "$work/output"
code=$(cat "$work/code" 2>/dev/null || echo 1)
tail -c 10240 "$work/output" >"$work/tail"
ping "$code" "$work/tail"
exit "$code"
