package dev.bpfnet.engine.packet;

/**
 * The Internet checksum (RFC 1071) and its incremental update (RFC 1624), on plain byte
 * arrays. Allocation-free; safe for any thread.
 */
public final class Checksums {

	private Checksums() {
	}

	/**
	 * The ones'-complement sum of the big-endian 16-bit words of
	 * {@code buf[offset, offset+length)}, an odd last byte padded with zero, added to
	 * {@code initial}; not folded.
	 */
	public static long sum(byte[] buf, int offset, int length, long initial) {
		long sum = initial;
		int end = offset + length;
		int i = offset;
		for (; i + 1 < end; i += 2) {
			sum += ((buf[i] & 0xFF) << 8) | (buf[i + 1] & 0xFF);
		}
		if (i < end) {
			sum += (buf[i] & 0xFF) << 8;
		}
		return sum;
	}

	/** Folds a sum to 16 bits with end-around carry. */
	public static int fold(long sum) {
		while ((sum >>> 16) != 0) {
			sum = (sum & 0xFFFF) + (sum >>> 16);
		}
		return (int) sum;
	}

	/** The Internet checksum of a byte range: {@code ~fold(sum)}. */
	public static int checksum(byte[] buf, int offset, int length) {
		return ~fold(sum(buf, offset, length, 0)) & 0xFFFF;
	}

	/**
	 * The ones'-complement sum of the IPv4 or IPv6 pseudo-header (RFC 768, RFC 8200 §8.1)
	 * for a transport segment, read from the IP header at {@code ipOffset}.
	 * @param buf the frame
	 * @param ipOffset where the IP header starts
	 * @param protocol the upper-layer protocol number
	 * @param l4Length the transport segment's length in bytes
	 */
	public static long pseudoHeaderSum(byte[] buf, int ipOffset, int protocol, int l4Length) {
		int version = (buf[ipOffset] & 0xFF) >>> 4;
		long sum = (version == 4) ? sum(buf, ipOffset + 12, 8, 0) : sum(buf, ipOffset + 8, 32, 0);
		return sum + protocol + (l4Length & 0xFFFF) + (l4Length >>> 16);
	}

	/** Reads a big-endian 16-bit value. */
	public static int u16(byte[] buf, int offset) {
		return ((buf[offset] & 0xFF) << 8) | (buf[offset + 1] & 0xFF);
	}

	/** Writes a big-endian 16-bit value. */
	public static void put16(byte[] buf, int offset, int value) {
		buf[offset] = (byte) (value >>> 8);
		buf[offset + 1] = (byte) value;
	}

	/**
	 * Rewrites {@code length} bytes at {@code fieldOffset} with the low bytes of
	 * {@code value} (big-endian) and updates the 16-bit checksum at
	 * {@code checksumOffset}, which covers words aligned on {@code regionStart}, by RFC
	 * 1624 eqn. 3: {@code HC' = ~(~HC + ~m + m')}. The field may start at any byte and
	 * span word boundaries, and must not overlap the checksum itself.
	 * @param zeroAsOnes write a result of 0 as 0xFFFF (UDP, RFC 768: 0 means "no
	 * checksum")
	 */
	public static void patch(byte[] buf, int checksumOffset, int regionStart, int fieldOffset, int length, long value,
			boolean zeroAsOnes) {
		int first = fieldOffset - ((fieldOffset - regionStart) & 1);
		int last = fieldOffset + length;
		last = Math.min(last + ((last - regionStart) & 1), buf.length);
		long oldSum = wordsNot(buf, first, last);
		for (int i = length - 1, shift = 0; i >= 0; i--, shift += 8) {
			buf[fieldOffset + i] = (byte) (value >>> shift);
		}
		long newSum = sum(buf, first, last - first, 0);
		int hc = u16(buf, checksumOffset);
		int result = ~fold((~hc & 0xFFFF) + oldSum + newSum) & 0xFFFF;
		if (zeroAsOnes && result == 0) {
			result = 0xFFFF;
		}
		put16(buf, checksumOffset, result);
	}

	private static long wordsNot(byte[] buf, int from, int to) {
		long sum = 0;
		for (int i = from; i < to; i += 2) {
			int hi = buf[i] & 0xFF;
			int lo = (i + 1 < to) ? buf[i + 1] & 0xFF : 0;
			sum += ~((hi << 8) | lo) & 0xFFFF;
		}
		return sum;
	}

}
