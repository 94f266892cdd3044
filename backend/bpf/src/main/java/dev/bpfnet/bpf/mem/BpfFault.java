package dev.bpfnet.bpf.mem;

/**
 * A run-time fault of a BPF program: the place where the kernel's verifier would have
 * rejected the program, detected while running it instead. The message is
 * {@code pc N: <kernel text>}, e.g. {@code pc 3: invalid mem access 'scalar'}.
 *
 * <p>
 * It lives in {@code mem} (not {@code interp}) because the memory model throws it and
 * {@code interp} depends on {@code mem}: the reverse dependency would be a package cycle.
 * It is checked so that every caller of a program run decides what a fault means (drop
 * the packet, report to the user). It carries no stack trace of its own (faults are data,
 * and a program may fault on every packet); a {@link #getCause() cause} is kept when a
 * Java helper failed.
 */
public final class BpfFault extends Exception {

	private static final long serialVersionUID = 1L;

	private final int pc;

	private final String text;

	/**
	 * @param pc the instruction index, or -1 when unknown
	 * @param text the kernel-style text without the {@code pc N:} prefix
	 */
	public BpfFault(int pc, String text) {
		this(pc, text, null);
	}

	public BpfFault(int pc, String text, Throwable cause) {
		super(pc >= 0 ? "pc " + pc + ": " + text : text, cause, false, false);
		this.pc = pc;
		this.text = text;
	}

	/** The instruction index of the faulting instruction, or -1 when unknown. */
	public int pc() {
		return this.pc;
	}

	/** The kernel-style text, without the {@code pc N:} prefix. */
	public String text() {
		return this.text;
	}

}
