package dev.bpfnet.bpf.mem;

/**
 * The program's context ({@code r1} at entry): not raw bytes but a typed object whose
 * fields a program reads and writes at fixed offsets, as {@code struct __sk_buff} is
 * rewritten by {@code convert_ctx_access()} in the kernel. Every load and store through a
 * pointer into the context region is delegated here with the offset inside the context.
 *
 * <p>
 * Implementations fault with the kernel's text, typically
 * {@code invalid bpf_context access off=%d size=%d}.
 */
public interface ContextAccess {

	/**
	 * @param mem the memory of the running program (to create packet pointers)
	 * @param off offset inside the context (may be negative after pointer arithmetic)
	 * @param size 1, 2, 4 or 8
	 * @param pc the instruction index, for the fault message
	 * @return the value, zero-extended from {@code size} bytes
	 */
	long load(Memory mem, int off, int size, int pc) throws BpfFault;

	/**
	 * @param value the value to store, truncated to {@code size} bytes
	 */
	void store(Memory mem, int off, int size, long value, int pc) throws BpfFault;

}
