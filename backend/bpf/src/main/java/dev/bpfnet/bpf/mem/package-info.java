/**
 * The memory model of a running BPF program: tagged pointers
 * ({@code regionId << 32 | offset}) over {@link dev.bpfnet.bpf.mem.Region}s (stack
 * frames, context, packet, map values, map pointers, raw buffers), one bounds-check path
 * in {@link dev.bpfnet.bpf.mem.Memory}, the {@link dev.bpfnet.bpf.mem.ContextAccess}
 * through which the context's typed fields are read, and
 * {@link dev.bpfnet.bpf.mem.BpfFault}. Depends only on {@code isa} and {@code maps}.
 */
package dev.bpfnet.bpf.mem;
