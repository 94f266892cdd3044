package dev.bpfnet.bpf.verifier;

import java.util.List;

/**
 * What the verifier concluded about a program.
 *
 * @param accepted whether the program would load
 * @param error the kernel's message when rejected (several lines joined with
 * {@code '\n'}, e.g. {@code invalid access to map value, value_size=8 off=8 size=8} then
 * {@code R0 min value is outside of the allowed memory range}); {@code null} when
 * accepted
 * @param errno the errno {@code BPF_PROG_LOAD} would fail with ({@code 13} EACCES,
 * {@code 22} EINVAL, {@code 7} E2BIG ...); 0 when accepted
 * @param errorInsn the instruction the error is about, or -1 when it concerns the whole
 * program (e.g. the combined stack size)
 * @param log the kernel-style verifier log: {@code N: (op) insn ; R1=ctx() R10=fp0} lines
 * (capped), {@code from N to M:} lines for resumed branches, the error lines, and the
 * {@code processed N insns ...} summary
 * @param processedInsns instructions processed over all paths
 * @param totalStates states remembered for pruning
 * @param peakStates the most states remembered at once
 * @param statesPerInsn for each instruction index, the distinct register states seen when
 * reaching it (current frame, kernel print format, at most
 * {@link Verifier.Options#statesPerInsn()} each); empty for instructions never reached
 * @param stackDepths stack bytes used by each subprogram, in subprogram order
 */
public record VerifierResult(boolean accepted, String error, int errno, int errorInsn, String log, int processedInsns,
		int totalStates, int peakStates, List<List<String>> statesPerInsn, List<Integer> stackDepths) {

	public VerifierResult {
		statesPerInsn = List.copyOf(statesPerInsn);
		stackDepths = List.copyOf(stackDepths);
	}

	/** The last line of the error (what {@code bpftool} users usually quote). */
	public String lastErrorLine() {
		if (this.error == null) {
			return null;
		}
		int nl = this.error.lastIndexOf('\n');
		return (nl < 0) ? this.error : this.error.substring(nl + 1);
	}

}
