package dev.bpfnet.bpf.helpers;

/**
 * The Internet checksum arithmetic of the kernel, bit for bit: {@code csum_add},
 * {@code csum_sub}, {@code csum_fold}, {@code csum_replace2/4},
 * {@code csum_replace_by_diff} ({@code include/net/checksum.h}), {@code csum_from32to16}
 * and the x86-64 {@code csum_partial} ({@code arch/x86/lib/csum-partial_64.c}).
 *
 * <p>
 * Values are in the domain of a little-endian host, as the helpers see them: a 16-bit
 * checksum field is the little-endian load of its two (network order) bytes, a 32-bit
 * {@code __wsum} is an unsigned 32-bit value in an {@code int}. One's-complement sums are
 * independent of byte order as long as both sides use the same one, which is why the
 * kernel can do this arithmetic on raw loads.
 */
public final class Checksums {

	private Checksums() {
	}

	/** {@code csum_add}: 32-bit add with end-around carry. */
	public static int csumAdd(int csum, int addend) {
		int res = csum + addend;
		return res + (Integer.compareUnsigned(res, addend) < 0 ? 1 : 0);
	}

	/** {@code csum_sub}. */
	public static int csumSub(int csum, int addend) {
		return csumAdd(csum, ~addend);
	}

	/** {@code csum16_add}: 16-bit add with end-around carry. */
	public static int csum16Add(int csum, int addend) {
		int res = (csum + addend) & 0xffff;
		return (res + (res < (addend & 0xffff) ? 1 : 0)) & 0xffff;
	}

	/** {@code csum16_sub}. */
	public static int csum16Sub(int csum, int addend) {
		return csum16Add(csum, ~addend & 0xffff);
	}

	/** {@code csum_fold}: folds a 32-bit sum to 16 bits and complements it. */
	public static int csumFold(int csum) {
		int sum = (csum & 0xffff) + (csum >>> 16);
		sum = (sum & 0xffff) + (sum >>> 16);
		return ~sum & 0xffff;
	}

	/** {@code csum_unfold}: a 16-bit checksum as a 32-bit sum. */
	public static int csumUnfold(int sum16) {
		return sum16 & 0xffff;
	}

	/** {@code csum_from32to16}: folds to 16 bits without complementing. */
	public static int from32to16(int sum) {
		sum += (sum >>> 16) | (sum << 16);
		return sum >>> 16;
	}

	/** {@code csum_replace4}: the new checksum after a 32-bit word changed. */
	public static int replace4(int sum16, int from, int to) {
		int tmp = csumSub(~csumUnfold(sum16), from);
		return csumFold(csumAdd(tmp, to));
	}

	/** {@code csum_replace2}: the new checksum after a 16-bit word changed. */
	public static int replace2(int sum16, int from, int to) {
		return ~csum16Add(csum16Sub(~sum16 & 0xffff, from & 0xffff), to & 0xffff) & 0xffff;
	}

	/** {@code csum_replace_by_diff}: applies a {@code bpf_csum_diff} result. */
	public static int replaceByDiff(int sum16, int diff) {
		return csumFold(csumAdd(diff, ~csumUnfold(sum16)));
	}

	/**
	 * {@code csum_partial} as on x86-64: the one's-complement sum of {@code buf[off ..
	 * off+len)} read as little-endian 64-bit words (the tail zero-padded), added to
	 * {@code seed}, folded to 32 bits with {@code add32_with_carry}. Not folded to 16
	 * bits and not complemented.
	 */
	public static int csumPartial(byte[] buf, int off, int len, int seed) {
		long temp64 = seed & 0xffffffffL;
		int i = 0;
		for (; i + 8 <= len; i += 8) {
			temp64 = add64WithCarry(temp64, le64(buf, off + i, 8));
		}
		if (i < len) {
			temp64 = add64WithCarry(temp64, le64(buf, off + i, len - i));
		}
		return add32WithCarry((int) (temp64 >>> 32), (int) temp64);
	}

	private static long le64(byte[] b, int off, int n) {
		long v = 0;
		for (int k = 0; k < n; k++) {
			v |= (b[off + k] & 0xffL) << (8 * k);
		}
		return v;
	}

	private static long add64WithCarry(long a, long b) {
		long r = a + b;
		return r + (Long.compareUnsigned(r, b) < 0 ? 1 : 0);
	}

	private static int add32WithCarry(int a, int b) {
		int r = a + b;
		return r + (Integer.compareUnsigned(r, b) < 0 ? 1 : 0);
	}

	/**
	 * {@code bpf_csum_diff} as of Linux 6.13 (commit 6a4794d5a3e2, "bpf: bpf_csum_diff:
	 * optimize and homogenize for all archs"): the result is folded to 16 bits with
	 * {@code csum_from32to16} on every architecture. (Before 6.13 x86-64 returned the
	 * 32-bit unfolded sum; one's-complement users such as {@code bpf_l3_csum_replace} get
	 * the same checksum from both.)
	 */
	public static int csumDiff(byte[] from, int fromOff, int fromSize, byte[] to, int toOff, int toSize, int seed) {
		int ret = seed;
		if (fromSize != 0 && toSize != 0) {
			ret = csumSub(csumPartial(to, toOff, toSize, ret), csumPartial(from, fromOff, fromSize, 0));
		}
		else if (toSize != 0) {
			ret = csumPartial(to, toOff, toSize, ret);
		}
		else if (fromSize != 0) {
			ret = ~csumPartial(from, fromOff, fromSize, ~ret);
		}
		return from32to16(ret);
	}

	/**
	 * The Internet checksum of {@code buf[off .. off+len)} as it is stored in a header
	 * (RFC 1071: complemented one's-complement sum of big-endian 16-bit words), as a
	 * host-order value: store it big endian. Useful to build and verify packets.
	 */
	public static int ipChecksum(byte[] buf, int off, int len) {
		long sum = 0;
		int i = 0;
		for (; i + 1 < len; i += 2) {
			sum += ((buf[off + i] & 0xff) << 8) | (buf[off + i + 1] & 0xff);
		}
		if (i < len) {
			sum += (buf[off + i] & 0xff) << 8;
		}
		while ((sum >>> 16) != 0) {
			sum = (sum & 0xffff) + (sum >>> 16);
		}
		return (int) (~sum & 0xffff);
	}

}
