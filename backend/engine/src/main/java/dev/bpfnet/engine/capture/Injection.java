package dev.bpfnet.engine.capture;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import dev.bpfnet.engine.datapath.Engine;
import dev.bpfnet.engine.packet.PacketFactory;
import dev.bpfnet.engine.packet.PacketSpec;
import dev.bpfnet.engine.traffic.FrameSource;

/**
 * Puts frames into a run: a replayed capture ({@link ReplayFile}) with its timing, or a
 * crafted packet ({@link PacketSpec}) sent once, at a time, or repeated at a rate; into a
 * device ({@code packet_snd}) or from a namespace ({@code raw_sendmsg}, IPv4, routed).
 * Everything is checked and built before the {@link FrameSource} is added, so a bad file
 * or spec leaves the engine unchanged.
 */
public final class Injection {

	/** Most frames one crafted source sends. */
	public static final long MAX_CRAFTED = 1_000_000;

	private Injection() {
	}

	/**
	 * How replayed frames are spaced.
	 *
	 * @param mode original, scaled or fixed rate
	 * @param factor for {@link Mode#SCALE}: gaps are multiplied by it (2 = half speed),
	 * {@code > 0}
	 * @param ratePps for {@link Mode#RATE}: frames per second, {@code >= 1}
	 */
	public record Timing(Mode mode, double factor, long ratePps) {

		/** Timing modes. */
		public enum Mode {

			/** The file's gaps, as captured ({@code tcpreplay} default). */
			ORIGINAL,
			/** The file's gaps times {@link Timing#factor()}. */
			SCALE,
			/** One frame every {@code 1 / ratePps} s, ignoring the file's times. */
			RATE

		}

		public Timing {
			if (mode == null) {
				throw new IllegalArgumentException("timing: expected original, scale or rate, got none");
			}
			if (mode == Mode.SCALE && !(factor > 0 && factor < 1e6)) {
				throw new IllegalArgumentException("timing.factor: expected a number > 0, got " + factor);
			}
			if (mode == Mode.RATE && ratePps < 1) {
				throw new IllegalArgumentException("timing.rate: expected >= 1 frame per second, got " + ratePps);
			}
		}

		/** The file's own gaps. */
		public static Timing original() {
			return new Timing(Mode.ORIGINAL, 1, 0);
		}

		/** Gaps times {@code factor}. */
		public static Timing scale(double factor) {
			return new Timing(Mode.SCALE, factor, 0);
		}

		/** A fixed rate. */
		public static Timing rate(long pps) {
			return new Timing(Mode.RATE, 1, pps);
		}

	}

	/**
	 * The absolute send times of a file's frames: the first at {@code startNs}, the
	 * others by the timing. Frames captured out of order (a later frame with an earlier
	 * timestamp) are sent right after the previous one.
	 */
	public static long[] times(ReplayFile file, Timing timing, long startNs) {
		List<ReplayFile.Frame> frames = file.frames();
		long[] t = new long[frames.size()];
		for (int i = 0; i < t.length; i++) {
			long at = switch (timing.mode()) {
				case ORIGINAL -> startNs + (frames.get(i).timeNs() - frames.get(0).timeNs());
				case SCALE -> startNs + Math.round((frames.get(i).timeNs() - frames.get(0).timeNs()) * timing.factor());
				case RATE -> startNs + Math.round(i * 1e9 / timing.ratePps());
			};
			t[i] = (i > 0) ? Math.max(at, t[i - 1]) : at;
		}
		return t;
	}

	/**
	 * Replays a file.
	 * @param engine the run (not modified if anything is wrong)
	 * @param name the sending task's name
	 * @param file the frames
	 * @param target device or namespace
	 * @param timing spacing
	 * @param startNs time of the first frame
	 * @param cpu CPU index of the sending task
	 * @return the source, added to the engine
	 */
	public static FrameSource replay(Engine engine, String name, ReplayFile file, FrameSource.Target target,
			Timing timing, long startNs, int cpu) {
		List<byte[]> frames = new ArrayList<>(file.frames().size());
		for (ReplayFile.Frame f : file.frames()) {
			frames.add(f.data());
		}
		return engine.addFrameSource(name, cpu, target, times(file, timing, startNs), frames);
	}

	/**
	 * Sends a crafted packet {@code count} times, the first at {@code startNs}, then at
	 * {@code ratePps} (ignored for one packet).
	 * @param engine the run
	 * @param name the sending task's name
	 * @param spec the packet
	 * @param target device (the frame as built; raw IP gets a zero-MAC Ethernet header)
	 * or namespace (IPv4 only, routed by its destination)
	 * @param startNs first send
	 * @param count packets, 1..{@link #MAX_CRAFTED}
	 * @param ratePps rate when {@code count > 1}, {@code >= 1}
	 * @param cpu CPU index of the sending task
	 * @return the source
	 * @throws IllegalArgumentException naming the field ({@code count}, {@code rate},
	 * {@code packet.ipv6})
	 */
	public static FrameSource crafted(Engine engine, String name, PacketSpec spec, FrameSource.Target target,
			long startNs, long count, long ratePps, int cpu) {
		if (count < 1 || count > MAX_CRAFTED) {
			throw new IllegalArgumentException("count: expected 1.." + MAX_CRAFTED + ", got " + count);
		}
		if (count > 1 && ratePps < 1) {
			throw new IllegalArgumentException("rate: expected >= 1 packet per second for count " + count);
		}
		if (startNs < 0) {
			throw new IllegalArgumentException("start: expected >= 0 ns, got " + startNs);
		}
		if (target.namespace() != null && !(spec.network() instanceof PacketSpec.Ipv4)) {
			throw new IllegalArgumentException("packet." + networkName(spec)
					+ ": sending from a namespace routes IPv4 only (raw socket); send it into a device instead");
		}
		byte[] frame = PacketFactory.build(spec);
		if (spec.ethernet() == null) {
			frame = ReplayFile.toEthernet(java.nio.file.Path.of("packet"), 0, ReplayFile.DLT_RAW, frame);
		}
		long[] times = new long[(int) count];
		for (int i = 0; i < times.length; i++) {
			times[i] = startNs + ((i == 0) ? 0 : Math.round(i * 1e9 / ratePps));
		}
		return engine.addFrameSource(name, cpu, target, times, Collections.nCopies((int) count, frame));
	}

	private static String networkName(PacketSpec spec) {
		return (spec.network() instanceof PacketSpec.Ipv6) ? "ipv6" : "arp";
	}

}
