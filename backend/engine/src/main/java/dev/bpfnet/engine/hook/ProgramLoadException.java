package dev.bpfnet.engine.hook;

/**
 * A program of the topology could not be loaded: unreadable or malformed object, unknown
 * section, bad {@code .rodata} value, or a verifier rejection ({@code BPF_PROG_LOAD}
 * failing). The message names the program, the object, the section and, for a rejection,
 * the instruction index and the verifier's message.
 */
public final class ProgramLoadException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final String program;

	private final String section;

	private final int insn;

	private final String reason;

	private final String field;

	/**
	 * @param program the topology program name
	 * @param where the object and section, as shown in the message
	 * @param section the ELF section (or function), {@code ""} when unknown
	 * @param insn the instruction the verifier rejected, or -1
	 * @param reason what went wrong
	 * @param field the field of the program's document entry the error is about:
	 * {@code object}, {@code section}, {@code asm} or {@code rodata.NAME}
	 */
	ProgramLoadException(String program, String where, String section, int insn, String reason, String field,
			Throwable cause) {
		super("program '" + program + "' (" + where + "): " + reason, cause);
		this.field = field;
		this.program = program;
		this.section = section;
		this.insn = insn;
		this.reason = reason;
	}

	/** The topology name of the program. */
	public String program() {
		return this.program;
	}

	/** The ELF section (or function) of the program, {@code ""} when not known. */
	public String section() {
		return this.section;
	}

	/** The instruction the verifier rejected, or -1 when the error is not about one. */
	public int insn() {
		return this.insn;
	}

	/**
	 * The field of the program's {@code programs[k]} entry the error is about:
	 * {@code object} (unreadable or malformed object, a rejected program without a
	 * section), {@code section} (no such program, or the selected program rejected),
	 * {@code asm}, or {@code rodata.NAME}.
	 */
	public String field() {
		return this.field;
	}

	/** The error without the program prefix. */
	public String reason() {
		return this.reason;
	}

}
