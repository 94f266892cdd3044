package dev.bpfnet.bpf.verifier;

/**
 * A rejection inside the verifier: the kernel's message, the instruction it is about and
 * the errno {@code bpf(BPF_PROG_LOAD)} would return. Never leaves the package:
 * {@link Verifier} turns it into a {@link VerifierResult}.
 */
final class VerifyException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	static final int EINVAL = 22;

	static final int EACCES = 13;

	static final int E2BIG = 7;

	static final int EBADF = 9;

	static final int EFAULT = 14;

	static final int ENOTSUPP = 524;

	final int errno;

	final int insn;

	VerifyException(int errno, int insn, String message) {
		super(message, null, false, false);
		this.errno = errno;
		this.insn = insn;
	}

}
