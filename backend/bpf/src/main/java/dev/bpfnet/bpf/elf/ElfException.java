package dev.bpfnet.bpf.elf;

/**
 * An object file the loader cannot use. The message names the place (section by name or
 * index, symbol, relocation, offset) and, where libbpf or the kernel has one, uses their
 * wording, so that a user can search for it.
 */
public class ElfException extends Exception {

	private static final long serialVersionUID = 1L;

	public ElfException(String message) {
		super(message);
	}

}
