package dev.bpfnet.bpf.mem;

/**
 * A context made of raw little-endian bytes, for tests and for program types whose
 * context is a plain buffer. Accesses outside {@code [0, length)} fault with the kernel's
 * {@code invalid bpf_context access off=%d size=%d}.
 */
public final class RawContext implements ContextAccess {

	private final byte[] data;

	private final boolean writable;

	public RawContext(byte[] data) {
		this(data, true);
	}

	public RawContext(byte[] data, boolean writable) {
		this.data = data;
		this.writable = writable;
	}

	/** The live bytes (stores by the program are visible here). */
	public byte[] data() {
		return this.data;
	}

	@Override
	public long load(Memory mem, int off, int size, int pc) throws BpfFault {
		check(off, size, pc);
		return Memory.getLe(this.data, off, size);
	}

	@Override
	public void store(Memory mem, int off, int size, long value, int pc) throws BpfFault {
		check(off, size, pc);
		if (!this.writable) {
			throw new BpfFault(pc, "invalid bpf_context access off=" + off + " size=" + size);
		}
		Memory.putLe(this.data, off, size, value);
	}

	private void check(int off, int size, int pc) throws BpfFault {
		if (off < 0 || (long) off + size > this.data.length) {
			throw new BpfFault(pc, "invalid bpf_context access off=" + off + " size=" + size);
		}
	}

}
