package dev.bpfnet.bpf.maps;

/**
 * What the interpreter asks a program-array map during {@code bpf_tail_call} (models the
 * lookup in {@code bpf_tail_call()}/{@code ___bpf_prog_run} JMP_TAIL_CALL of
 * kernel/bpf/core.c).
 */
public interface ProgramArrayLookup {

	/**
	 * @return the program stored at {@code index}, or {@code null} when the index is out
	 * of range or the slot is empty (the tail call then falls through)
	 */
	TailCallTarget program(int index);

}
