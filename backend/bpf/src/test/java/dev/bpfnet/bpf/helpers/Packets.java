package dev.bpfnet.bpf.helpers;

import java.nio.ByteBuffer;

/** Builds Ethernet/IPv4/TCP|UDP frames with correct checksums, and verifies them. */
public final class Packets {

	public static final int ETH = 14;

	public static final int IP_CSUM = ETH + 10;

	public static final int IP_SRC = ETH + 12;

	public static final int IP_DST = ETH + 16;

	public static final int L4 = ETH + 20;

	public static final int TCP_CSUM = L4 + 16;

	public static final int UDP_CSUM = L4 + 6;

	private Packets() {
	}

	public static int ip(int a, int b, int c, int d) {
		return a << 24 | b << 16 | c << 8 | d;
	}

	public static byte[] tcp4(int src, int dst, int sport, int dport, byte[] payload) {
		return frame(6, src, dst, sport, dport, payload);
	}

	public static byte[] udp4(int src, int dst, int sport, int dport, byte[] payload) {
		return frame(17, src, dst, sport, dport, payload);
	}

	private static byte[] frame(int proto, int src, int dst, int sport, int dport, byte[] payload) {
		int l4len = (proto == 6 ? 20 : 8) + payload.length;
		ByteBuffer b = ByteBuffer.allocate(ETH + 20 + l4len);
		b.put(new byte[] { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1 }).putShort((short) 0x0800);
		b.put((byte) 0x45)
			.put((byte) 0)
			.putShort((short) (20 + l4len))
			.putShort((short) 0x1234)
			.putShort((short) 0x4000);
		b.put((byte) 64).put((byte) proto).putShort((short) 0).putInt(src).putInt(dst);
		b.putShort((short) sport).putShort((short) dport);
		if (proto == 6) {
			b.putInt(1000)
				.putInt(0)
				.put((byte) 0x50)
				.put((byte) 0x02)
				.putShort((short) 0xffff)
				.putShort((short) 0)
				.putShort((short) 0);
		}
		else {
			b.putShort((short) l4len).putShort((short) 0);
		}
		b.put(payload);
		byte[] f = b.array();
		fixChecksums(f);
		return f;
	}

	public static void fixChecksums(byte[] f) {
		f[IP_CSUM] = 0;
		f[IP_CSUM + 1] = 0;
		int ipc = Checksums.ipChecksum(f, ETH, 20);
		f[IP_CSUM] = (byte) (ipc >>> 8);
		f[IP_CSUM + 1] = (byte) ipc;
		int off = f[ETH + 9] == 6 ? TCP_CSUM : UDP_CSUM;
		f[off] = 0;
		f[off + 1] = 0;
		int c = l4Checksum(f);
		if (f[ETH + 9] == 17 && c == 0) {
			c = 0xffff;
		}
		f[off] = (byte) (c >>> 8);
		f[off + 1] = (byte) c;
	}

	/** The L4 checksum computed from scratch over pseudo header + segment. */
	public static int l4Checksum(byte[] f) {
		int l4len = f.length - L4;
		byte[] pseudo = new byte[12 + l4len];
		System.arraycopy(f, IP_SRC, pseudo, 0, 8);
		pseudo[9] = f[ETH + 9];
		pseudo[10] = (byte) (l4len >>> 8);
		pseudo[11] = (byte) l4len;
		System.arraycopy(f, L4, pseudo, 12, l4len);
		return Checksums.ipChecksum(pseudo, 0, pseudo.length);
	}

	/**
	 * Whether the IPv4 header checksum verifies (sums to 0xffff, i.e. recomputes to 0).
	 */
	public static boolean ipHeaderValid(byte[] f) {
		return Checksums.ipChecksum(f, ETH, 20) == 0;
	}

	/** Whether the TCP/UDP checksum verifies over the pseudo header. */
	public static boolean l4Valid(byte[] f) {
		return l4Checksum(f) == 0;
	}

	public static int be16(byte[] f, int off) {
		return (f[off] & 0xff) << 8 | (f[off + 1] & 0xff);
	}

	public static int be32(byte[] f, int off) {
		return ByteBuffer.wrap(f, off, 4).getInt();
	}

}
