package dev.bpfnet.engine.topology;

import java.util.Optional;

/**
 * An IPv4 or IPv6 address as a value: IPv4 in the low 32 bits of {@code lo}, IPv6 as two
 * 64-bit halves. Parsing is strict and never touches DNS ({@code java.net.InetAddress}
 * would): IPv4 dotted quads without leading zeros, IPv6 in RFC 4291 text form ({@code ::}
 * compression and an optional dotted IPv4 tail), no zone ids. {@link #toString()} is
 * canonical (RFC 5952 for IPv6).
 *
 * @param family IPv4 or IPv6
 * @param hi upper 64 bits (IPv6), 0 for IPv4
 * @param lo lower 64 bits (IPv6) or the 32-bit address (IPv4)
 */
public record IpAddress(Family family, long hi, long lo) {

	/** Address family. */
	public enum Family {

		IPV4(32), IPV6(128);

		private final int bits;

		Family(int bits) {
			this.bits = bits;
		}

		/** Address width in bits. */
		public int bits() {
			return this.bits;
		}

		@Override
		public String toString() {
			return this == IPV4 ? "IPv4" : "IPv6";
		}

	}

	public IpAddress {
		if (family == null) {
			throw new IllegalArgumentException("family must not be null");
		}
		if (family == Family.IPV4 && (hi != 0 || (lo >>> 32) != 0)) {
			throw new IllegalArgumentException("IPv4 address out of range: hi=" + hi + " lo=" + lo);
		}
	}

	/** An IPv4 address from its 32-bit value. */
	public static IpAddress ipv4(int value) {
		return new IpAddress(Family.IPV4, 0, value & 0xFFFF_FFFFL);
	}

	/** Parses an address or throws {@link IllegalArgumentException} naming the text. */
	public static IpAddress of(String text) {
		return parse(text).orElseThrow(() -> new IllegalArgumentException("not an IP address: \"" + text + "\""));
	}

	/** Parses an IPv4 or IPv6 address; empty if the text is not one. */
	public static Optional<IpAddress> parse(String text) {
		if (text == null || text.isEmpty() || text.length() > 45) {
			return Optional.empty();
		}
		if (text.indexOf(':') >= 0) {
			return parseV6(text);
		}
		long v4 = parseV4(text);
		return v4 < 0 ? Optional.empty() : Optional.of(new IpAddress(Family.IPV4, 0, v4));
	}

	private static long parseV4(String text) {
		String[] parts = text.split("\\.", -1);
		if (parts.length != 4) {
			return -1;
		}
		long value = 0;
		for (String part : parts) {
			if (part.isEmpty() || part.length() > 3 || (part.length() > 1 && part.charAt(0) == '0')) {
				return -1;
			}
			int octet = 0;
			for (int i = 0; i < part.length(); i++) {
				char c = part.charAt(i);
				if (c < '0' || c > '9') {
					return -1;
				}
				octet = octet * 10 + (c - '0');
			}
			if (octet > 255) {
				return -1;
			}
			value = (value << 8) | octet;
		}
		return value;
	}

	private static Optional<IpAddress> parseV6(String text) {
		int[] groups = new int[8];
		int doubleColon = text.indexOf("::");
		if (doubleColon >= 0 && text.indexOf("::", doubleColon + 1) >= 0) {
			return Optional.empty();
		}
		String head = doubleColon >= 0 ? text.substring(0, doubleColon) : text;
		String tail = doubleColon >= 0 ? text.substring(doubleColon + 2) : "";
		int[] headGroups = groups(head, doubleColon < 0);
		int[] tailGroups = groups(tail, true);
		if (headGroups == null || tailGroups == null) {
			return Optional.empty();
		}
		int total = headGroups.length + tailGroups.length;
		if ((doubleColon < 0 && total != 8) || (doubleColon >= 0 && total > 7)) {
			return Optional.empty();
		}
		System.arraycopy(headGroups, 0, groups, 0, headGroups.length);
		System.arraycopy(tailGroups, 0, groups, 8 - tailGroups.length, tailGroups.length);
		long hi = 0;
		long lo = 0;
		for (int i = 0; i < 4; i++) {
			hi = (hi << 16) | groups[i];
			lo = (lo << 16) | groups[i + 4];
		}
		return Optional.of(new IpAddress(Family.IPV6, hi, lo));
	}

	/**
	 * Parses colon-separated groups; a dotted IPv4 tail counts as two groups when
	 * allowed.
	 */
	private static int[] groups(String text, boolean allowV4Tail) {
		if (text.isEmpty()) {
			return new int[0];
		}
		String[] parts = text.split(":", -1);
		int count = parts.length;
		String last = parts[count - 1];
		boolean v4Tail = allowV4Tail && last.indexOf('.') >= 0;
		int[] out = new int[v4Tail ? count + 1 : count];
		for (int i = 0; i < (v4Tail ? count - 1 : count); i++) {
			String part = parts[i];
			if (part.isEmpty() || part.length() > 4) {
				return null;
			}
			int value = 0;
			for (int j = 0; j < part.length(); j++) {
				int digit = Character.digit(part.charAt(j), 16);
				if (digit < 0) {
					return null;
				}
				value = value * 16 + digit;
			}
			out[i] = value;
		}
		if (v4Tail) {
			long v4 = parseV4(last);
			if (v4 < 0) {
				return null;
			}
			out[count - 1] = (int) (v4 >>> 16);
			out[count] = (int) (v4 & 0xFFFF);
		}
		return out;
	}

	/** Bit {@code index} counted from the most significant bit (0). */
	boolean bit(int index) {
		if (this.family == Family.IPV4) {
			return ((this.lo >>> (31 - index)) & 1) != 0;
		}
		return index < 64 ? ((this.hi >>> (63 - index)) & 1) != 0 : ((this.lo >>> (127 - index)) & 1) != 0;
	}

	/** This address with every bit from {@code length} on cleared. */
	public IpAddress masked(int length) {
		if (this.family == Family.IPV4) {
			long mask = length == 0 ? 0 : (0xFFFF_FFFFL << (32 - length)) & 0xFFFF_FFFFL;
			return new IpAddress(Family.IPV4, 0, this.lo & mask);
		}
		long hiMask = length >= 64 ? -1L : (length == 0 ? 0 : -1L << (64 - length));
		long loMask = length <= 64 ? 0 : (length == 128 ? -1L : -1L << (128 - length));
		return new IpAddress(Family.IPV6, this.hi & hiMask, this.lo & loMask);
	}

	/**
	 * Whether this address and {@code other} (same family) agree on their first
	 * {@code length} bits: {@code masked(length).equals(other.masked(length))} without
	 * allocating (route lookups run it per packet).
	 */
	boolean samePrefix(IpAddress other, int length) {
		if (this.family == Family.IPV4) {
			long mask = length == 0 ? 0 : (0xFFFF_FFFFL << (32 - length)) & 0xFFFF_FFFFL;
			return ((this.lo ^ other.lo) & mask) == 0;
		}
		long hiMask = length >= 64 ? -1L : (length == 0 ? 0 : -1L << (64 - length));
		long loMask = length <= 64 ? 0 : (length == 128 ? -1L : -1L << (128 - length));
		return ((this.hi ^ other.hi) & hiMask) == 0 && ((this.lo ^ other.lo) & loMask) == 0;
	}

	@Override
	public String toString() {
		if (this.family == Family.IPV4) {
			return (this.lo >>> 24) + "." + ((this.lo >>> 16) & 0xFF) + "." + ((this.lo >>> 8) & 0xFF) + "."
					+ (this.lo & 0xFF);
		}
		int[] g = new int[8];
		for (int i = 0; i < 4; i++) {
			g[i] = (int) ((this.hi >>> (48 - 16 * i)) & 0xFFFF);
			g[i + 4] = (int) ((this.lo >>> (48 - 16 * i)) & 0xFFFF);
		}
		int bestStart = -1;
		int bestLength = 1;
		for (int i = 0; i < 8;) {
			int j = i;
			while (j < 8 && g[j] == 0) {
				j++;
			}
			if (j - i > bestLength) {
				bestStart = i;
				bestLength = j - i;
			}
			i = j == i ? i + 1 : j;
		}
		StringBuilder sb = new StringBuilder();
		for (int i = 0; i < 8; i++) {
			if (i == bestStart) {
				sb.append("::");
				i += bestLength - 1;
				continue;
			}
			if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
				sb.append(':');
			}
			sb.append(Integer.toHexString(g[i]));
		}
		return sb.toString();
	}

}
