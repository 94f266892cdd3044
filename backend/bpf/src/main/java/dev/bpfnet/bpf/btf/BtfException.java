package dev.bpfnet.bpf.btf;

/**
 * Malformed BTF: the message names the type id ({@code [N]}) or the byte offset at fault,
 * in the spirit of the kernel's {@code btf_verifier_log} lines.
 */
public class BtfException extends Exception {

	private static final long serialVersionUID = 1L;

	public BtfException(String message) {
		super(message);
	}

}
