package dev.bpfnet.bpf.interp;

import dev.bpfnet.bpf.mem.BpfFault;

/**
 * A BPF helper ({@code BPF_CALL_5} in the kernel): arguments in r1..r5, result in r0.
 * Pointer arguments are tagged addresses of the {@link Vm#memory() memory}; helpers read
 * and write through {@code vm.memory().resolve(...)}, whose faults carry the pc of the
 * call. A helper must not keep region references across runs.
 */
@FunctionalInterface
public interface HelperFunction {

	long call(Vm vm, long r1, long r2, long r3, long r4, long r5) throws BpfFault;

}
