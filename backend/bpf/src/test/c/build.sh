#!/usr/bin/env bash
# Rebuilds the test BPF objects from the C sources next to this script.
#
#   build.sh [OUTPUT_DIR]     default: ../resources/bpf (the committed copies)
#
# Needs clang with the BPF target (clang 14 on Debian bookworm) and libbpf-dev for
# <bpf/bpf_helpers.h>. Without clang it says so and exits 0, so that the Maven build
# (generate-test-resources) goes on with the committed objects. The output does not depend
# on where the checkout lives (-fdebug-compilation-dir), so rebuilding is idempotent.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here/../resources/bpf}"
clang="${CLANG:-clang}"

if ! command -v "$clang" >/dev/null 2>&1; then
	echo "build.sh: $clang not found, keeping the committed BPF objects"
	exit 0
fi
if [ ! -f /usr/include/bpf/bpf_helpers.h ]; then
	echo "build.sh: <bpf/bpf_helpers.h> not found (install libbpf-dev), keeping the committed BPF objects"
	exit 0
fi

mkdir -p "$out"
out="$(cd "$out" && pwd)"
cd "$here"

cflags=(-target bpf -O2 -mcpu=v3 -I/usr/include/x86_64-linux-gnu -fdebug-compilation-dir=. -Wall -Werror)

build() { # build SOURCE OUTPUT [extra flags]
	local src="$1" obj="$2"
	shift 2
	"$clang" "${cflags[@]}" "$@" -c "$src" -o "$out/$obj.tmp"
	if [ -f "$out/$obj" ] && cmp -s "$out/$obj.tmp" "$out/$obj"; then
		rm -f "$out/$obj.tmp"
	else
		mv -f "$out/$obj.tmp" "$out/$obj"
		echo "built $obj"
	fi
}

for src in flow_counter nat pod_egress allowlist ringbuf_logger tail_call l2_encap xdp_redirect legacy_maps; do
	build "$src.c" "$src.o" -g
done
# Without -g there is no .BTF: the BTF-defined maps of allowlist must be refused, the
# legacy maps section must still load.
build allowlist.c allowlist_nobtf.o
build legacy_maps.c legacy_maps_nobtf.o
