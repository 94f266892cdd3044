package dev.bpfnet.engine.traffic;

import dev.bpfnet.bpf.ctx.SkBuff;
import dev.bpfnet.engine.cpu.Skb;

/**
 * Header offsets of the Ethernet [802.1Q] IPv4/IPv6 UDP frames the traffic layer sends
 * and receives, read directly from the bytes (no allocation). Frames of any other shape
 * yield {@code -1}.
 */
final class Frames {

	private static final int ETH_LEN = 14;

	private Frames() {
	}

	/**
	 * The frame's {@link SkBuff}: the skb's payload itself or what a {@link SkBuffHolder}
	 * payload holds; {@code null} if the skb carries none.
	 */
	static SkBuff buf(Skb skb) {
		Object p = skb.payload();
		if (p instanceof SkBuff b) {
			return b;
		}
		return (p instanceof SkBuffHolder h) ? h.buf() : null;
	}

	/**
	 * Offset of the IP header from {@code data}, or -1.
	 */
	static int l3(byte[] b, int data, int len) {
		if (len < ETH_LEN) {
			return -1;
		}
		int type = u16(b, data + 12);
		int off = ETH_LEN;
		if (type == 0x8100) {
			if (len < ETH_LEN + 4) {
				return -1;
			}
			type = u16(b, data + 16);
			off += 4;
		}
		return (type == 0x0800 || type == 0x86DD) ? off : -1;
	}

	/**
	 * Offset of the UDP header from {@code data}, or -1 (not UDP, IPv6 extension
	 * headers).
	 */
	static int l4(byte[] b, int data, int len) {
		int l3 = l3(b, data, len);
		if (l3 < 0) {
			return -1;
		}
		int version = (b[data + l3] & 0xff) >>> 4;
		if (version == 4) {
			int ihl = (b[data + l3] & 0x0f) * 4;
			return ((b[data + l3 + 9] & 0xff) == 17 && l3 + ihl + 8 <= len) ? l3 + ihl : -1;
		}
		if (version == 6) {
			return ((b[data + l3 + 6] & 0xff) == 17 && l3 + 48 <= len) ? l3 + 40 : -1;
		}
		return -1;
	}

	/**
	 * The UDP payload length of the skb's frame (UDP length − 8), or {@link Skb#len()} if
	 * the frame is not a UDP frame this class understands.
	 */
	static int udpPayloadLength(Skb skb) {
		SkBuff s = buf(skb);
		if (s == null) {
			return skb.len();
		}
		int l4 = l4(s.buf(), s.data(), s.len());
		return (l4 < 0) ? skb.len() : Math.max(0, u16(s.buf(), s.data() + l4 + 4) - 8);
	}

	/**
	 * The first {@code width} payload bytes (big-endian) of a UDP frame, or -1 if the
	 * payload is shorter or the frame is not UDP.
	 */
	static long payloadCounter(Skb skb, int offset, int width) {
		SkBuff s = buf(skb);
		if (s == null) {
			return -1;
		}
		byte[] b = s.buf();
		int l4 = l4(b, s.data(), s.len());
		if (l4 < 0 || u16(b, s.data() + l4 + 4) - 8 < offset + width) {
			return -1;
		}
		long v = 0;
		int at = s.data() + l4 + 8 + offset;
		for (int i = 0; i < width; i++) {
			v = (v << 8) | (b[at + i] & 0xff);
		}
		return v;
	}

	/**
	 * Turns a received UDP frame into its reply in place: swaps the MACs, the IP
	 * addresses and the ports. The swaps permute 16-bit words covered by the same
	 * checksums, so the IPv4 header checksum and the UDP checksum stay valid without
	 * recomputation.
	 * @return whether the frame was a UDP frame and was swapped
	 */
	static boolean swapForReply(byte[] b, int data, int len) {
		int l4 = l4(b, data, len);
		if (l4 < 0) {
			return false;
		}
		swap(b, data, data + 6, 6);
		int l3 = data + l3(b, data, len);
		if (((b[l3] & 0xff) >>> 4) == 4) {
			swap(b, l3 + 12, l3 + 16, 4);
		}
		else {
			swap(b, l3 + 8, l3 + 24, 16);
		}
		swap(b, data + l4, data + l4 + 2, 2);
		return true;
	}

	private static void swap(byte[] b, int x, int y, int n) {
		for (int i = 0; i < n; i++) {
			byte t = b[x + i];
			b[x + i] = b[y + i];
			b[y + i] = t;
		}
	}

	static int u16(byte[] b, int at) {
		return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
	}

}
