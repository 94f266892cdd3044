package dev.bpfnet.engine.capture;

import java.io.Closeable;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapDumper;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.Pcaps;
import org.pcap4j.packet.namednumber.DataLinkType;

import dev.bpfnet.engine.trace.FrameTap;

/**
 * The frames of one device as {@code tcpdump -i DEV -Q in|out|inout -w FILE} writes them:
 * a pcap file ({@code LINKTYPE_ETHERNET}, nanosecond timestamps, magic
 * {@code 0xa1b23c4d}) written by Pcap4J's {@link PcapDumper} over libpcap's
 * {@code pcap_dump}.
 *
 * <p>
 * Every device the engine models carries an Ethernet header on its skbs, netkit in L3
 * mode too (both modes call {@code ether_setup()}; the MACs are zero, datapath.md §1.4),
 * so every capture is Ethernet: {@code tcpdump} on an L3 netkit device shows
 * {@code 00:00:00:00:00:00} addresses, not raw IP. Timestamps are simulated time from the
 * epoch plus {@code epochNs}.
 */
public final class DeviceCapture implements FrameTap, Closeable {

	/** The snapshot length written in the header (tcpdump's default). */
	public static final int SNAPLEN = 262_144;

	private final Path file;

	private final int deviceId;

	private final Set<Direction> directions;

	private final long epochNs;

	private final PcapHandle dead;

	private final PcapDumper dumper;

	private long frames;

	private boolean failed;

	/**
	 * Opens {@code file} for writing (truncating it).
	 * @param file the pcap file
	 * @param deviceId run-wide device id
	 * @param directions which directions to keep (both for {@code tcpdump}'s default)
	 * @param epochNs added to simulated time for the timestamps
	 * @throws CaptureException if libpcap cannot open the file
	 */
	public DeviceCapture(Path file, int deviceId, Set<Direction> directions, long epochNs) {
		this.file = file;
		this.deviceId = deviceId;
		this.directions = EnumSet.copyOf(directions);
		this.epochNs = epochNs;
		try {
			this.dead = Pcaps.openDead(DataLinkType.EN10MB, SNAPLEN, PcapHandle.TimestampPrecision.NANO);
			this.dumper = this.dead.dumpOpen(file.toString());
		}
		catch (PcapNativeException | NotOpenException | RuntimeException ex) {
			throw new CaptureException(file + ": cannot open for writing: " + ex.getMessage(), ex);
		}
	}

	@Override
	public void frame(long timeNs, long skbId, int cpu, int deviceId, Direction direction, byte[] buf, int offset,
			int length) {
		if (deviceId != this.deviceId || !this.directions.contains(direction) || this.failed) {
			return;
		}
		try {
			this.dumper.dumpRaw(Arrays.copyOfRange(buf, offset, offset + length), timestamp(timeNs + this.epochNs));
			this.frames++;
		}
		catch (NotOpenException ex) {
			this.failed = true;
		}
	}

	static Timestamp timestamp(long ns) {
		Timestamp t = new Timestamp(Math.floorDiv(ns, 1_000_000_000L) * 1000);
		t.setNanos((int) Math.floorMod(ns, 1_000_000_000L));
		return t;
	}

	/** Frames written. */
	public long frames() {
		return this.frames;
	}

	/** The file. */
	public Path file() {
		return this.file;
	}

	/** Flushes and closes the file. */
	@Override
	public void close() {
		this.dumper.close();
		this.dead.close();
		if (this.failed) {
			throw new CaptureException(this.file + ": the dumper closed during the run; the capture is incomplete");
		}
	}

}
