/**
 * Object instantiation: {@link dev.bpfnet.bpf.load.BpfObjectInstance} turns an
 * {@link dev.bpfnet.bpf.elf.BpfObject} into maps and runnable programs, as
 * {@code bpf_object__load()} does, and runs them over packets for tests, the CLI and the
 * UI ({@link dev.bpfnet.bpf.load.RunResult}).
 */
package dev.bpfnet.bpf.load;
