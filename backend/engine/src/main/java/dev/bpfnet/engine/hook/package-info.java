/**
 * The BPF hooks of the datapath, running the project's real eBPF programs: tcx chains
 * ({@link dev.bpfnet.engine.hook.TcxChain}, include/net/tcx.h {@code tcx_run}) and the
 * program slots of a bpfnet (netkit) pair ({@link dev.bpfnet.engine.hook.NetkitSlot},
 * drivers/net/netkit.c {@code netkit_run}), fed by
 * {@link dev.bpfnet.engine.hook.ProgramLoader} (ELF object or assembly → verified,
 * loaded, optionally JIT-compiled program) and executed on a per-CPU
 * {@link dev.bpfnet.engine.hook.HookEnv}. A run returns a reused
 * {@link dev.bpfnet.engine.hook.HookResult}: the verdict as the kernel acts on it, the
 * redirect request, the drop reason, instructions and helper calls executed and the CPU
 * time they cost.
 *
 * <p>
 * Not here: what happens after the verdict ({@code skb_do_redirect}, {@code __netif_rx},
 * the legacy clsact chain, {@code netkit_prep_forward} scrubbing, setting
 * {@code skb->dev}): that is the device model's job.
 */
package dev.bpfnet.engine.hook;
