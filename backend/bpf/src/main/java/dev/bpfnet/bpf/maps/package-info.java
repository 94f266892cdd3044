/**
 * BPF maps with the kernel's semantics and errnos:
 * {@link dev.bpfnet.bpf.maps.Maps#create} validates a {@link dev.bpfnet.bpf.maps.MapSpec}
 * as {@code map_create()} does and builds a {@link dev.bpfnet.bpf.maps.HashTab} (HASH,
 * PERCPU_HASH, LRU_HASH), {@link dev.bpfnet.bpf.maps.ArrayMap} (ARRAY, PERCPU_ARRAY,
 * global data), {@link dev.bpfnet.bpf.maps.ProgArrayMap},
 * {@link dev.bpfnet.bpf.maps.DevMap} or {@link dev.bpfnet.bpf.maps.RingBuf}. Lookups read
 * keys in place and hand out live value arrays; iteration is deterministic. Depends on
 * nothing else of the toolchain (the interpreter depends on it).
 */
package dev.bpfnet.bpf.maps;
