/**
 * The BPF helper functions of tc (and the XDP redirect) programs:
 * {@link dev.bpfnet.bpf.helpers.Helpers#standard()} builds the table, each helper
 * modelled on its {@code BPF_CALL_*} in the kernel;
 * {@link dev.bpfnet.bpf.helpers.HelperEnv} is what they reach at run time (the
 * {@link dev.bpfnet.bpf.helpers.BpfHost}, the packet, the
 * {@link dev.bpfnet.bpf.helpers.RedirectInfo}, the seeded PRNG, the trace lines);
 * {@link dev.bpfnet.bpf.helpers.Checksums} and {@link dev.bpfnet.bpf.helpers.TraceFormat}
 * hold the kernel's checksum arithmetic and {@code bpf_trace_printk} format rules.
 */
package dev.bpfnet.bpf.helpers;
