package dev.bpfnet.bpf.jit;

/**
 * Ends a whole run with r0 = 0 from any call depth: the unwind helper of the conformance
 * suite returned 0, or an {@code LD_ABS}/{@code LD_IND} read past the packet (the
 * interpreter's {@code return 0} from its loop). A preallocated, stackless control-flow
 * throwable that never leaves {@link JitProgram}.
 */
final class JitStop extends RuntimeException {

	private static final long serialVersionUID = 1L;

	static final JitStop INSTANCE = new JitStop();

	private JitStop() {
		super("bpf program stopped", null, false, false);
	}

}
