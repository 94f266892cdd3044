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

	public static final int EAGAIN = 11;

	public static final int ENOMEM = 12;

	public static final int EFAULT = 14;

	public static final int EBUSY = 16;

	public static final int EEXIST = 17;

	public static final int ENODEV = 19;

	public static final int EINVAL = 22;

	public static final int ENOSPC = 28;

	public static final int ERANGE = 34;

	public static final int EOPNOTSUPP = 95;

	public static final int EAFNOSUPPORT = 97;

	public static final int ENOTSUPP = 524;

	/**
	 * The symbolic name of a (positive or negated) errno value, such as {@code "EEXIST"},
	 * or the number itself when it is not one of the constants above.
	 */
	public static String name(int errno) {
		return switch (Math.abs(errno)) {
			case EPERM -> "EPERM";
			case ENOENT -> "ENOENT";
			case E2BIG -> "E2BIG";
			case EBADF -> "EBADF";
			case EAGAIN -> "EAGAIN";
			case ENOMEM -> "ENOMEM";
			case EFAULT -> "EFAULT";
			case EBUSY -> "EBUSY";
			case EEXIST -> "EEXIST";
			case ENODEV -> "ENODEV";
			case EINVAL -> "EINVAL";
			case ENOSPC -> "ENOSPC";
			case ERANGE -> "ERANGE";
			case EOPNOTSUPP -> "EOPNOTSUPP";
			case EAFNOSUPPORT -> "EAFNOSUPPORT";
			case ENOTSUPP -> "ENOTSUPP";
			default -> Integer.toString(errno);
		};
	}

}
