#!/usr/bin/env bash
# Rebuilds the programs of every lab: labs/*/programs/*.c -> the .o next to it.
#
#   labs/build.sh            all labs
#   labs/build.sh 01-pod-egress ...
#
# Needs clang with the BPF target (clang 14 on Debian bookworm) and libbpf-dev for
# <bpf/bpf_helpers.h>; the built objects are committed, so running a lab needs neither.
# Same flags as backend/bpf/src/test/c/build.sh: the output does not depend on where the
# checkout lives (-fdebug-compilation-dir), so rebuilding is idempotent.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
clang="${CLANG:-clang}"
if ! command -v "$clang" >/dev/null 2>&1; then
	echo "labs/build.sh: $clang not found, keeping the committed objects" >&2
	exit 0
fi
if [ ! -f /usr/include/bpf/bpf_helpers.h ]; then
	echo "labs/build.sh: <bpf/bpf_helpers.h> not found (install libbpf-dev), keeping the committed objects" >&2
	exit 0
fi
cflags=(-target bpf -O2 -g -mcpu=v3 -I/usr/include/x86_64-linux-gnu -fdebug-compilation-dir=. -Wall -Werror)

if [ $# -eq 0 ]; then
	set -- $(cd "$here" && ls -d [0-9]*/)
fi
for lab in "$@"; do
	dir="$here/${lab%/}/programs"
	[ -d "$dir" ] || continue
	for src in "$dir"/*.c; do
		[ -f "$src" ] || continue
		obj="${src%.c}.o"
		(cd "$dir" && "$clang" "${cflags[@]}" -c "$(basename "$src")" -o "$obj.tmp")
		if [ -f "$obj" ] && cmp -s "$obj.tmp" "$obj"; then
			rm -f "$obj.tmp"
		else
			mv -f "$obj.tmp" "$obj"
			echo "built ${obj#$here/}"
		fi
	done
done
