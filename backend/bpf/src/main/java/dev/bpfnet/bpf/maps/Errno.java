package dev.bpfnet.bpf.maps;

/**
 * The errno values the kernel's map and helper code returns (negated), from
 * {@code errno-base.h}.
 */
public final class Errno {

	private Errno() {
	}

	public static final int EPERM = 1;

	public static final int ENOENT = 2;

	public static final int E2BIG = 7;

	public static final int EBADF = 9;

	public static final int ENOMEM = 12;

	public static final int EFAULT = 14;

	public static final int EBUSY = 16;

	public static final int EEXIST = 17;

	public static final int EINVAL = 22;

	public static final int ENOSPC = 28;

	public static final int ERANGE = 34;

	public static final int ENOTSUPP = 524;

}
