/**
 * The datapath of one node (DESIGN.md §3.2, {@code reference/datapath.md} §1.2, §2, §6):
 * devices ({@link dev.bpfnet.engine.datapath.NetDevice}: veth, bpfnet/netkit, the TX side
 * of a NIC, loopback) and the kernel functions that move an skb between them, run as
 * synchronous call chains on the CPU model ({@link dev.bpfnet.engine.cpu}), with the tcx
 * and netkit hooks running the project's real eBPF programs
 * ({@link dev.bpfnet.engine.hook}), the namespaces' routing and neighbours
 * ({@link dev.bpfnet.engine.netns}) and the NIC's qdisc and TX ring
 * ({@link dev.bpfnet.engine.qdisc}).
 *
 * <p>
 * Entry points: {@link dev.bpfnet.engine.datapath.Datapath} (one node) and
 * {@link dev.bpfnet.engine.datapath.Engine} (a whole document: every node on one
 * simulator, the wires between NICs with their receive side from
 * {@link dev.bpfnet.engine.nic}, and the document's traffic from
 * {@link dev.bpfnet.engine.traffic}, for which the engine is resolver, packet sender and
 * socket table). Threading: one run, one thread.
 */
package dev.bpfnet.engine.datapath;
