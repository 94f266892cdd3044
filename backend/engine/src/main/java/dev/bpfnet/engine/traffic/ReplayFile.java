package dev.bpfnet.engine.traffic;

import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.Pcaps;

/**
 * A pcap or pcapng file read for replay through libpcap ({@code pcap_open_offline} via
 * Pcap4J, which reads both formats), every frame turned into the Ethernet frame an
 * {@code AF_PACKET} socket would send:
 * <ul>
 * <li>{@code LINKTYPE_ETHERNET} (1): as is;</li>
 * <li>{@code LINKTYPE_RAW} (101), {@code LINKTYPE_IPV4} (228), {@code LINKTYPE_IPV6}
 * (229): an Ethernet header with zero MACs (what a netkit device in L3 mode carries) and
 * the EtherType from the IP version nibble;</li>
 * <li>{@code LINKTYPE_LINUX_SLL} (113) and {@code LINKTYPE_LINUX_SLL2} (276): the cooked
 * header replaced by an Ethernet header, the source MAC from its link-layer address when
 * that is 6 bytes, the destination zero, the EtherType from its protocol field (a
 * protocol below 0x0600, such as 802.2 or {@code ETH_P_ALL}, is refused);</li>
 * <li>any other link type: refused, naming it.</li>
 * </ul>
 * <b>Limits and checks</b>, all before any frame is used (a failure leaves nothing
 * behind): the file size is checked against {@link Options#maxBytes()} before libpcap
 * opens it (a 2 GB file is refused without reading it); a frame captured shorter than it
 * was on the wire (snaplen) is an error unless {@link Options#allowTruncated()}, which
 * replays the captured bytes (and {@link Frame#truncated()} says so); a truncated file
 * (libpcap's "truncated dump file") is an error naming the frame; at most
 * {@link Options#maxFrames()} frames.
 *
 * @param file the file
 * @param linkType the file's {@code LINKTYPE_*}
 * @param frames the frames, Ethernet, in file order
 */
public record ReplayFile(Path file, int linkType, List<Frame> frames) {

	/** Default file size limit: 64 MiB. */
	public static final long DEFAULT_MAX_BYTES = 64L << 20;

	/** Default frame count limit. */
	public static final int DEFAULT_MAX_FRAMES = 1_000_000;

	static final int DLT_EN10MB = 1, DLT_RAW = 101, DLT_IPV4 = 228, DLT_IPV6 = 229, DLT_SLL = 113, DLT_SLL2 = 276;

	public ReplayFile {
		frames = List.copyOf(frames);
	}

	/**
	 * One frame.
	 *
	 * @param timeNs capture time in ns since the epoch
	 * @param data the Ethernet frame
	 * @param originalLength the length on the wire of the captured frame (before any
	 * header conversion)
	 * @param truncated whether fewer bytes were captured than were on the wire
	 */
	public record Frame(long timeNs, byte[] data, int originalLength, boolean truncated) {
	}

	/**
	 * Limits.
	 *
	 * @param maxBytes largest file accepted
	 * @param maxFrames most frames accepted
	 * @param allowTruncated replay frames shorter than on the wire instead of refusing
	 */
	public record Options(long maxBytes, int maxFrames, boolean allowTruncated) {

		/** 64 MiB, a million frames, truncated frames refused. */
		public static Options defaults() {
			return new Options(DEFAULT_MAX_BYTES, DEFAULT_MAX_FRAMES, false);
		}

	}

	/**
	 * Reads {@code file}.
	 * @throws ReplayException naming the file and the problem
	 */
	public static ReplayFile read(Path file, Options options) {
		long size;
		try {
			if (!Files.isRegularFile(file)) {
				throw new ReplayException(file + ": no such file");
			}
			size = Files.size(file);
		}
		catch (IOException ex) {
			throw new ReplayException(file + ": cannot read: " + ex.getMessage(), ex);
		}
		if (size > options.maxBytes()) {
			throw new ReplayException(
					file + ": " + size + " bytes exceed the replay limit of " + options.maxBytes() + " bytes");
		}
		PcapHandle h;
		try {
			h = Pcaps.openOffline(file.toString(), PcapHandle.TimestampPrecision.NANO);
		}
		catch (PcapNativeException ex) {
			throw new ReplayException(file + ": not a pcap or pcapng file libpcap can read: " + ex.getMessage(), ex);
		}
		try {
			// libpcap reports DLT_* values: LINKTYPE_RAW (101) is DLT_RAW, 12 on Linux
			// (14 on OpenBSD)
			int dlt = h.getDlt().value();
			if (dlt == 12 || dlt == 14) {
				dlt = DLT_RAW;
			}
			if (dlt != DLT_EN10MB && dlt != DLT_RAW && dlt != DLT_IPV4 && dlt != DLT_IPV6 && dlt != DLT_SLL
					&& dlt != DLT_SLL2) {
				throw new ReplayException(
						file + ": link type " + dlt + " (" + h.getDlt().name().replace("(", "").replace(")", "")
								+ ") cannot be replayed; supported: 1 (Ethernet), 101 (raw IP), 228/229 (IPv4/IPv6),"
								+ " 113 (Linux SLL), 276 (Linux SLL2)");
			}
			List<Frame> frames = new ArrayList<>();
			for (int index = 0;; index++) {
				byte[] raw;
				try {
					raw = h.getNextRawPacketEx();
				}
				catch (EOFException ex) {
					break;
				}
				catch (PcapNativeException ex) {
					throw new ReplayException(readError(file, index, dlt, ex.getMessage()), ex);
				}
				catch (TimeoutException ex) {
					throw new ReplayException(file + ": frame " + index + ": read timed out", ex);
				}
				if (frames.size() >= options.maxFrames()) {
					throw new ReplayException(
							file + ": more than " + options.maxFrames() + " frames (the replay limit)");
				}
				Timestamp ts = h.getTimestamp();
				long timeNs = Math.floorDiv(ts.getTime(), 1000) * 1_000_000_000L + ts.getNanos();
				int orig = h.getOriginalLength();
				boolean truncated = raw.length < orig;
				if (truncated && !options.allowTruncated()) {
					// a pcapng's snaplen is its first interface's, often not what cut the
					// frame (editcap -s leaves it): name it only when it explains the cut
					String snaplen = (h.getSnapshot() == raw.length) ? " (snaplen " + raw.length + ")" : "";
					throw new ReplayException(file + ": frame " + index + ": captured " + raw.length + " of " + orig
							+ " bytes" + snaplen + "; replaying it would send a cut frame (allow truncated frames,"
							+ " truncate: true in a replay traffic entry, to send the captured bytes anyway)");
				}
				frames.add(new Frame(timeNs, toEthernet(file, index, dlt, raw), orig, truncated));
			}
			return new ReplayFile(file, dlt, frames);
		}
		catch (NotOpenException ex) {
			throw new ReplayException(file + ": closed while reading", ex);
		}
		finally {
			h.close();
		}
	}

	private static final java.util.regex.Pattern MIXED = java.util.regex.Pattern
		.compile("an interface has a type (\\d+) different from the type of the first interface");

	/**
	 * libpcap's error while reading frame {@code index}, without Pcap4J's
	 * {@code pcap_next_ex()} prefix; a pcapng whose interfaces mix link types (mergecap
	 * of captures on different devices, {@code dumpcap -i eth0 -i any}), which libpcap
	 * cannot read past, says so and how to split it.
	 */
	static String readError(Path file, int index, int firstDlt, String message) {
		String m = String.valueOf(message).replaceFirst("^Error occurred in pcap_next_ex\\(\\): ", "");
		java.util.regex.Matcher mixed = MIXED.matcher(m);
		if (mixed.find()) {
			int other = Integer.parseInt(mixed.group(1));
			return file + ": an interface of link type " + other + " (" + dltName(other) + ") appears before frame "
					+ index + ", but the first interface's link type is " + firstDlt + " (" + dltName(firstDlt)
					+ "); libpcap reads one link type per file: split the capture by interface and replay each part"
					+ " (tshark -r FILE -Y 'frame.interface_id == N' -w PART.pcapng)";
		}
		return file + ": frame " + index + ": " + m;
	}

	private static String dltName(int dlt) {
		return switch (dlt) {
			case DLT_EN10MB -> "Ethernet";
			case DLT_RAW, 12, 14 -> "raw IP";
			case DLT_IPV4 -> "IPv4";
			case DLT_IPV6 -> "IPv6";
			case DLT_SLL -> "Linux SLL";
			case DLT_SLL2 -> "Linux SLL2";
			default -> org.pcap4j.packet.namednumber.DataLinkType.getInstance(dlt).name();
		};
	}

	/**
	 * A raw IPv4/IPv6 packet with a zero-MAC Ethernet header in front.
	 * @throws ReplayException if the version nibble is not 4 or 6
	 */
	public static byte[] rawIpToEthernet(byte[] ip) {
		return toEthernet(Path.of("packet"), 0, DLT_RAW, ip);
	}

	/** The frame as Ethernet; errors name the file, frame and link type. */
	static byte[] toEthernet(Path file, int index, int dlt, byte[] raw) {
		String where = file + ": frame " + index + ": ";
		switch (dlt) {
			case DLT_EN10MB -> {
				if (raw.length < 14) {
					throw new ReplayException(where + raw.length + " bytes, an Ethernet header needs 14");
				}
				return raw;
			}
			case DLT_RAW, DLT_IPV4, DLT_IPV6 -> {
				if (raw.length < 1) {
					throw new ReplayException(where + "empty raw IP frame");
				}
				int version = (raw[0] & 0xFF) >>> 4;
				int type = (version == 4) ? 0x0800 : (version == 6) ? 0x86DD : -1;
				if (type < 0) {
					throw new ReplayException(where + "raw IP frame with IP version " + version + ", expected 4 or 6");
				}
				// LINKTYPE_IPV4/IPV6 promise one version (Wireshark decodes by the link
				// type, not the nibble)
				int promised = (dlt == DLT_IPV4) ? 4 : (dlt == DLT_IPV6) ? 6 : version;
				if (version != promised) {
					throw new ReplayException(where + "IP version " + version + " in a LINKTYPE_IPV" + promised + " ("
							+ dlt + ") file, which holds IPv" + promised + " only");
				}
				return withEthernet(raw, 0, 0, type);
			}
			case DLT_SLL -> {
				if (raw.length < 16) {
					throw new ReplayException(where + raw.length + " bytes, a Linux SLL header needs 16");
				}
				int addrLen = u16(raw, 4);
				long src = (addrLen == 6) ? mac(raw, 6) : 0;
				return withEthernet(cooked(where, raw, 16, u16(raw, 14), "SLL"), src, 0, u16(raw, 14));
			}
			case DLT_SLL2 -> {
				if (raw.length < 20) {
					throw new ReplayException(where + raw.length + " bytes, a Linux SLL2 header needs 20");
				}
				int addrLen = raw[11] & 0xFF;
				long src = (addrLen == 6) ? mac(raw, 12) : 0;
				return withEthernet(cooked(where, raw, 20, u16(raw, 0), "SLL2"), src, 0, u16(raw, 0));
			}
			default -> throw new ReplayException(where + "link type " + dlt + " cannot be replayed");
		}
	}

	private static byte[] cooked(String where, byte[] raw, int header, int protocol, String kind) {
		if (protocol < 0x0600) {
			throw new ReplayException(where + "Linux " + kind + " protocol " + String.format("0x%04x", protocol)
					+ " is not an EtherType (802.2/802.3 frames cannot be replayed)");
		}
		return java.util.Arrays.copyOfRange(raw, header, raw.length);
	}

	private static byte[] withEthernet(byte[] l3, long src, long dst, int etherType) {
		byte[] f = new byte[14 + l3.length];
		for (int i = 0; i < 6; i++) {
			f[i] = (byte) (dst >>> (40 - 8 * i));
			f[6 + i] = (byte) (src >>> (40 - 8 * i));
		}
		f[12] = (byte) (etherType >>> 8);
		f[13] = (byte) etherType;
		System.arraycopy(l3, 0, f, 14, l3.length);
		return f;
	}

	private static int u16(byte[] b, int off) {
		return ((b[off] & 0xFF) << 8) | (b[off + 1] & 0xFF);
	}

	private static long mac(byte[] b, int off) {
		long v = 0;
		for (int i = 0; i < 6; i++) {
			v = (v << 8) | (b[off + i] & 0xFF);
		}
		return v;
	}

}
