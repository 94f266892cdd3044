package dev.bpfnet.bpf.jit;

/**
 * The JIT refused a program; {@link #reason()} says why (for instance a function too
 * large even for region methods, or an internal code generation error). The program is
 * still runnable by the interpreter: callers fall back to {@code Vm.run}.
 */
public final class JitException extends Exception {

	private static final long serialVersionUID = 1L;

	private final String reason;

	JitException(String program, String reason) {
		this(program, reason, null);
	}

	JitException(String program, String reason, Throwable cause) {
		super("cannot JIT-compile program '" + program + "': " + reason, cause);
		this.reason = reason;
	}

	/** Why the program was refused, without the program name. */
	public String reason() {
		return this.reason;
	}

}
