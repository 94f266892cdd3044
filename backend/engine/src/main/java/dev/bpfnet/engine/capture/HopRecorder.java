package dev.bpfnet.engine.capture;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.bpfnet.engine.packet.DecodedPacket;
import dev.bpfnet.engine.packet.LinkType;
import dev.bpfnet.engine.packet.PacketDecoder;
import dev.bpfnet.engine.trace.FrameTap;
import dev.bpfnet.engine.trace.Names;

/**
 * Keeps the bytes of each packet at every tap point it crossed, for the UI's packet
 * inspector: {@link #hops(long)} decodes the packet at each hop layer by layer
 * ({@link PacketDecoder}) with the header diff against the previous hop
 * ({@link DecodedPacket#diff}): what a program, the forwarding path or a device changed
 * in between. Bounded: once {@link #maxBytes()} of frame bytes are kept, further frames
 * are counted in {@link #dropped()} and not kept (the path stays complete for the packets
 * recorded so far).
 */
public final class HopRecorder implements FrameTap {

	/** Default bound on kept frame bytes: 64 MiB. */
	public static final long DEFAULT_MAX_BYTES = 64L << 20;

	/**
	 * One hop of a packet, decoded.
	 *
	 * @param index position on the packet's path (0 = first tap point)
	 * @param timeNs simulated time
	 * @param device the device ({@code node/ns/dev})
	 * @param direction {@code in} or {@code out}
	 * @param packet the frame decoded layer by layer
	 * @param changes what differs from the previous hop (empty for the first)
	 */
	public record Hop(int index, long timeNs, String device, String direction, DecodedPacket packet,
			List<DecodedPacket.Change> changes) {

		public Hop {
			changes = List.copyOf(changes);
		}

	}

	private record Kept(long timeNs, int deviceId, Direction direction, byte[] bytes) {
	}

	private final Names names;

	private final long maxBytes;

	private final Map<Long, List<Kept>> bySkb = new HashMap<>();

	private long bytes;

	private long dropped;

	/**
	 * @param names the run's names (device names of the hops)
	 * @param maxBytes bound on kept frame bytes
	 */
	public HopRecorder(Names names, long maxBytes) {
		this.names = names;
		this.maxBytes = maxBytes;
	}

	@Override
	public void frame(long timeNs, long skbId, int cpu, int deviceId, Direction direction, byte[] buf, int offset,
			int length) {
		if (this.bytes + length > this.maxBytes) {
			this.dropped++;
			return;
		}
		this.bytes += length;
		this.bySkb.computeIfAbsent(skbId, k -> new ArrayList<>(4))
			.add(new Kept(timeNs, deviceId, direction, Arrays.copyOfRange(buf, offset, offset + length)));
	}

	/**
	 * The packet at each hop, in order, decoded, with the diff against the previous hop;
	 * empty for an skb never seen at a tap point.
	 */
	public List<Hop> hops(long skbId) {
		List<Kept> kept = this.bySkb.getOrDefault(skbId, List.of());
		List<Hop> out = new ArrayList<>(kept.size());
		DecodedPacket previous = null;
		for (int i = 0; i < kept.size(); i++) {
			Kept k = kept.get(i);
			DecodedPacket d = PacketDecoder.decode(k.bytes(), LinkType.ETHERNET);
			out.add(new Hop(i, k.timeNs(), this.names.name(Names.Kind.DEVICE, k.deviceId()),
					k.direction().name().toLowerCase(Locale.ROOT), d,
					(previous == null) ? List.of() : DecodedPacket.diff(previous, d)));
			previous = d;
		}
		return out;
	}

	/** The raw frame of a hop (a copy), or {@code null}. */
	public byte[] frame(long skbId, int hop) {
		List<Kept> kept = this.bySkb.getOrDefault(skbId, List.of());
		return (hop >= 0 && hop < kept.size()) ? kept.get(hop).bytes().clone() : null;
	}

	/** Frame bytes kept. */
	public long bytes() {
		return this.bytes;
	}

	/** The bound on kept bytes. */
	public long maxBytes() {
		return this.maxBytes;
	}

	/** Frames not kept because of the bound. */
	public long dropped() {
		return this.dropped;
	}

}
