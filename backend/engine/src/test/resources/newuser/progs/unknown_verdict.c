// Built with: clang -O2 -g -target bpf -I/usr/include/$(uname -m)-linux-gnu -c unknown_verdict.c -o unknown_verdict.o
// (written by hand outside the project, from the README and docs/ only: the new-user trial)
// netkit peer returning an unknown verdict (42): netkit drops it; tcx treats it as NEXT
#include "common.h"
SEC("netkit/peer")
int odd(struct __sk_buff *skb) { return 42; }
SEC("tcx/ingress")
int odd_tcx(struct __sk_buff *skb) { return 42; }
char LICENSE[] SEC("license") = "GPL";
