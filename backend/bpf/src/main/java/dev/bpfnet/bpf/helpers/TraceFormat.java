package dev.bpfnet.bpf.helpers;

import dev.bpfnet.bpf.maps.Errno;
import dev.bpfnet.bpf.mem.Memory;
import dev.bpfnet.bpf.mem.Region;

/**
 * The format language of {@code bpf_trace_printk}: validation as
 * {@code bpf_bprintf_prepare()} in {@code kernel/bpf/helpers.c} does it, then the
 * printing of {@code bstr_printf()} for the accepted conversions.
 *
 * <p>
 * Accepted: {@code %d %i %u %x %X} with optional {@code l} or {@code ll}, {@code %c},
 * {@code %s}, {@code %%}, the pointers {@code %p %px %pK %ps %pS %pB}, the strings
 * {@code %pks %pus}, and the addresses {@code %pI4 %pi4 %pI6 %pi6}; each may carry the
 * flags {@code 0 + - space} and a width. At most {@value #MAX_ARGS} conversions; any
 * other conversion, a precision, or a byte that is neither printable ASCII nor white
 * space makes the call fail with -EINVAL, as in the kernel.
 *
 * <p>
 * Differences: pointers print as their raw 64-bit value in 16 hex digits (the kernel
 * hashes {@code %p} and may zero {@code %pK}; a tagged address means nothing to a user
 * anyway), {@code %pK} prints zeros, {@code %ps %pS %pB} print the value instead of a
 * symbol. Strings and addresses are read from the program's memory; an unreadable one
 * prints empty (strings) or zeros (addresses), as {@code *_nofault} reads do.
 */
public final class TraceFormat {

	/** {@code MAX_TRACE_PRINTK_VARARGS}. */
	public static final int MAX_ARGS = 3;

	/** {@code MAX_BPRINTF_BUF}: the output is cut at this many bytes minus the NUL. */
	public static final int MAX_BUF = 1024;

	private TraceFormat() {
	}

	/**
	 * Formats {@code fmt[0 .. len)} (the bytes before the terminating NUL).
	 * @param out receives the text (cut at {@link #MAX_BUF} - 1 characters)
	 * @return the length of the full text, or -EINVAL
	 */
	public static int format(byte[] fmt, int len, long[] args, Memory mem, StringBuilder out) {
		int start = out.length();
		int numSpec = 0;
		int total = 0;
		StringBuilder piece = new StringBuilder();
		for (int i = 0; i < len; i++) {
			int c = fmt[i] & 0xff;
			if (c >= 0x80 || !(isPrint(c) || isSpace(c))) {
				out.setLength(start);
				return -Errno.EINVAL;
			}
			if (c != '%') {
				total += emit(out, start, String.valueOf((char) c));
				continue;
			}
			if (at(fmt, len, i + 1) == '%') {
				total += emit(out, start, "%");
				i++;
				continue;
			}
			if (numSpec >= MAX_ARGS) {
				out.setLength(start);
				return -Errno.EINVAL;
			}
			i++;
			boolean zero = false;
			boolean left = false;
			boolean plus = false;
			boolean space = false;
			for (int f = at(fmt, len, i); f == '0' || f == '+' || f == '-' || f == ' '; f = at(fmt, len, ++i)) {
				zero |= f == '0';
				left |= f == '-';
				plus |= f == '+';
				space |= f == ' ';
			}
			int width = 0;
			if (at(fmt, len, i) >= '1' && at(fmt, len, i) <= '9') {
				while (at(fmt, len, i) >= '0' && at(fmt, len, i) <= '9') {
					width = Math.min(width * 10 + (at(fmt, len, i) - '0'), MAX_BUF);
					i++;
				}
			}
			long arg = args[numSpec];
			int conv = at(fmt, len, i);
			piece.setLength(0);
			boolean numeric = false;
			if (conv == 'p') {
				int n1 = at(fmt, len, i + 1);
				int n2 = at(fmt, len, i + 2);
				if ((n1 == 'k' || n1 == 'u') && n2 == 's') {
					readString(mem, arg, piece, MAX_BUF);
					i += 2;
				}
				else if (n1 == 0 || isSpace(n1) || isPunct(n1)) {
					hex16(piece, arg);
				}
				else if (n1 == 'K') {
					hex16(piece, 0);
					i++;
				}
				else if (n1 == 'x' || n1 == 's' || n1 == 'S' || n1 == 'B') {
					hex16(piece, arg);
					i++;
				}
				else if ((n1 == 'i' || n1 == 'I') && (n2 == '4' || n2 == '6')) {
					ip(mem, arg, n1 == 'I', n2 == '4' ? 4 : 16, piece);
					i += 2;
				}
				else {
					out.setLength(start);
					return -Errno.EINVAL;
				}
			}
			else if (conv == 's') {
				readString(mem, arg, piece, MAX_BUF);
			}
			else if (conv == 'c') {
				piece.append((char) (arg & 0xff));
			}
			else {
				int size = 4;
				if (conv == 'l') {
					size = 8;
					conv = at(fmt, len, ++i);
				}
				if (conv == 'l') {
					conv = at(fmt, len, ++i);
				}
				long v = size == 4 ? (conv == 'd' || conv == 'i' ? (long) (int) arg : arg & 0xffffffffL) : arg;
				switch (conv) {
					case 'd', 'i' -> {
						numeric = true;
						if (v >= 0 && (plus || space)) {
							piece.append(plus ? '+' : ' ');
						}
						piece.append(v);
					}
					case 'u' -> {
						numeric = true;
						piece.append(Long.toUnsignedString(v));
					}
					case 'x' -> {
						numeric = true;
						piece.append(Long.toHexString(v));
					}
					case 'X' -> {
						numeric = true;
						piece.append(Long.toHexString(v).toUpperCase());
					}
					default -> {
						out.setLength(start);
						return -Errno.EINVAL;
					}
				}
			}
			total += emit(out, start, pad(piece, width, left, zero && numeric && !left));
			numSpec++;
		}
		return total;
	}

	private static int at(byte[] fmt, int len, int i) {
		return i < len ? fmt[i] & 0xff : 0;
	}

	private static boolean isPrint(int c) {
		return c >= 0x20 && c < 0x7f;
	}

	private static boolean isSpace(int c) {
		return c == ' ' || (c >= '\t' && c <= '\r');
	}

	private static boolean isPunct(int c) {
		return isPrint(c) && c != ' ' && !Character.isLetterOrDigit(c);
	}

	private static int emit(StringBuilder out, int start, CharSequence s) {
		int room = MAX_BUF - 1 - (out.length() - start);
		if (room > 0) {
			out.append(s, 0, Math.min(room, s.length()));
		}
		return s.length();
	}

	private static String pad(StringBuilder s, int width, boolean left, boolean zero) {
		if (s.length() >= width) {
			return s.toString();
		}
		int n = width - s.length();
		if (left) {
			return s + " ".repeat(n);
		}
		if (zero) {
			int signLen = (s.length() > 0 && (s.charAt(0) == '-' || s.charAt(0) == '+' || s.charAt(0) == ' ')) ? 1 : 0;
			return s.substring(0, signLen) + "0".repeat(n) + s.substring(signLen);
		}
		return " ".repeat(n) + s;
	}

	private static void hex16(StringBuilder sb, long v) {
		String h = Long.toHexString(v);
		sb.append("0".repeat(16 - h.length())).append(h);
	}

	/** Reads a NUL-terminated string, or nothing when the address is not readable. */
	static void readString(Memory mem, long addr, StringBuilder sb, int max) {
		Region r = mem == null ? null : mem.region(addr);
		if (r == null || r.data() == null) {
			return;
		}
		int off = Memory.offset(addr);
		if (off < r.lo() || off >= r.hi()) {
			return;
		}
		byte[] d = r.data();
		for (int i = off; i < r.hi() && i - off < max - 1 && d[i] != 0; i++) {
			sb.append((char) (d[i] & 0xff));
		}
	}

	private static void ip(Memory mem, long addr, boolean upper, int n, StringBuilder sb) {
		byte[] a = new byte[n];
		Region r = mem == null ? null : mem.region(addr);
		int off = Memory.offset(addr);
		if (r != null && r.data() != null && off >= r.lo() && (long) off + n <= r.hi()) {
			System.arraycopy(r.data(), off, a, 0, n);
		}
		if (n == 4) {
			for (int i = 0; i < 4; i++) {
				sb.append(i == 0 ? "" : ".");
				sb.append(upper ? Integer.toString(a[i] & 0xff) : String.format("%03d", a[i] & 0xff));
			}
			return;
		}
		for (int i = 0; i < 16; i += 2) {
			if (upper && i > 0) {
				sb.append(':');
			}
			sb.append(String.format("%02x%02x", a[i] & 0xff, a[i + 1] & 0xff));
		}
	}

}
