/**
 * The deterministic discrete-event emulation of the Linux datapath (DESIGN.md §3). It
 * depends on {@code dev.bpfnet.bpf} and on nothing from Spring, Reactor or web APIs
 * (ArchitectureTest).
 *
 * <p>
 * Building blocks so far: {@code sim} (time, events, seeded randomness, pacing),
 * {@code trace} (the trace vocabulary and recorders), {@code cost} (the per-function cost
 * table and scheduling parameters) and {@code topology} (the topology document). The
 * datapath model itself (CPUs and softirq, the backlog, veth, bpfnet, NICs, hooks) is
 * built on them next.
 */
package dev.bpfnet.engine;
