package dev.bpfnet.engine.packet;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** Addresses and specs shared by the packet tests. */
final class Specs {

	static final long MAC_A = 0x02_00_00_00_00_01L, MAC_B = 0x02_00_00_00_00_02L;

	private Specs() {
	}

	static Inet4Address v4(String text) {
		try {
			return (Inet4Address) InetAddress.getByName(text);
		}
		catch (UnknownHostException ex) {
			throw new IllegalArgumentException(ex);
		}
	}

	static Inet6Address v6(String text) {
		try {
			return (Inet6Address) InetAddress.getByName(text);
		}
		catch (UnknownHostException ex) {
			throw new IllegalArgumentException(ex);
		}
	}

	/** An independent Internet checksum: sum of big-endian shorts, folded, inverted. */
	static int internetChecksum(byte[]... parts) {
		java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
		for (byte[] p : parts) {
			all.writeBytes(p);
		}
		byte[] b = all.toByteArray();
		int sum = 0;
		for (int i = 0; i < b.length; i += 2) {
			int word = (b[i] & 0xFF) << 8 | ((i + 1 < b.length) ? b[i + 1] & 0xFF : 0);
			sum += word;
			sum = (sum & 0xFFFF) + (sum >>> 16);
		}
		return ~sum & 0xFFFF;
	}

}
