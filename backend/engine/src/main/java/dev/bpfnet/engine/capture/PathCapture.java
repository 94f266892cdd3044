package dev.bpfnet.engine.capture;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.LongPredicate;

import dev.bpfnet.engine.packet.LinkType;
import dev.bpfnet.engine.trace.FrameTap;
import dev.bpfnet.engine.trace.Names;

/**
 * A "path capture" as retis writes one: a pcapng file with one interface per hop (a
 * device and a direction, named {@code node/ns/dev:in} or {@code :out}), so Wireshark
 * shows every packet at each point it crossed, in time order, its skb id in the packet
 * comment ({@code skb 17}: filter with {@code frame.comment == "skb 17"}). An interface
 * is added when its first frame arrives. All interfaces are Ethernet (see
 * {@link DeviceCapture}), which keeps the file readable by libpcap too (it refuses
 * sections mixing link types).
 */
public final class PathCapture implements FrameTap, Closeable {

	private final Path file;

	private final PcapngWriter writer;

	private final Names names;

	private final LongPredicate skbFilter;

	private final long epochNs;

	/** Interface id + 1 by {@code deviceId * 2 + direction}; 0 = none yet. */
	private int[] interfaceOf = new int[64];

	private long frames;

	/**
	 * Opens {@code file} for writing.
	 * @param file the pcapng file
	 * @param names device names (the interface names)
	 * @param skbFilter which skbs to keep ({@code id -> true} for all)
	 * @param epochNs added to simulated time for the timestamps
	 * @throws CaptureException if the file cannot be created
	 */
	public PathCapture(Path file, Names names, LongPredicate skbFilter, long epochNs) {
		this.file = file;
		this.names = names;
		this.skbFilter = skbFilter;
		this.epochNs = epochNs;
		try {
			this.writer = new PcapngWriter(Files.newOutputStream(file), "bpfnet-lab path capture");
		}
		catch (IOException | UncheckedIOException ex) {
			throw new CaptureException(file + ": cannot open for writing: " + ex.getMessage(), ex);
		}
	}

	@Override
	public void frame(long timeNs, long skbId, int cpu, int deviceId, Direction direction, byte[] buf, int offset,
			int length) {
		if (!this.skbFilter.test(skbId)) {
			return;
		}
		int key = deviceId * 2 + direction.ordinal();
		if (key >= this.interfaceOf.length) {
			this.interfaceOf = Arrays.copyOf(this.interfaceOf, Math.max(key + 1, this.interfaceOf.length * 2));
		}
		if (this.interfaceOf[key] == 0) {
			String dev = this.names.name(Names.Kind.DEVICE, deviceId);
			String name = dev + ":" + direction.name().toLowerCase(java.util.Locale.ROOT);
			this.interfaceOf[key] = 1 + this.writer.addInterface(LinkType.ETHERNET.pcapLinkType(),
					DeviceCapture.SNAPLEN, name, (direction == Direction.OUT) ? "dev_queue_xmit_nit on " + dev
							: "__netif_receive_skb_core on " + dev);
		}
		this.writer.packet(this.interfaceOf[key] - 1, timeNs + this.epochNs, buf, offset, length, "skb " + skbId);
		this.frames++;
	}

	/** Frames written. */
	public long frames() {
		return this.frames;
	}

	/** Interfaces (hops) written. */
	public int interfaces() {
		return this.writer.interfaces();
	}

	/** The file. */
	public Path file() {
		return this.file;
	}

	@Override
	public void close() {
		this.writer.close();
	}

}
