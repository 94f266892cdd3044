// Built with: clang -O2 -g -target bpf -I/usr/include/$(uname -m)-linux-gnu -c xdp_pass.c -o xdp_pass.o
// (written by hand outside the project, from the README and docs/ only: the new-user trial)
// an XDP program: attaching it to a tcx hook must be refused (the kernel: -EINVAL)
#include "common.h"
SEC("xdp")
int pass(struct xdp_md *ctx) { return XDP_PASS; }
char LICENSE[] SEC("license") = "GPL";
