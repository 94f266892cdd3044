package dev.bpfnet.bpf.asm;

/**
 * An assembly error with its 1-based source position.
 *
 * <p>
 * {@link #reason()} is the bare text, worded like the bpf_conformance assembler where it
 * has a message for the same problem ({@code Invalid register: %r50},
 * {@code Invalid number of operands for lock}, {@code Invalid mnemonic: ldxq},
 * {@code Invalid label: NOT_A_LABEL}); {@link #getMessage()} prefixes it with
 * {@code line L, column C: }.
 */
public class AsmException extends Exception {

	private static final long serialVersionUID = 1L;

	private final int line;

	private final int column;

	private final String reason;

	public AsmException(String reason, int line, int column) {
		super("line " + line + ", column " + column + ": " + reason);
		this.line = line;
		this.column = column;
		this.reason = reason;
	}

	/** The 1-based line of the error. */
	public int line() {
		return this.line;
	}

	/** The 1-based column (characters, a tab counts as one) of the offending token. */
	public int column() {
		return this.column;
	}

	/** The message without the position prefix. */
	public String reason() {
		return this.reason;
	}

}
