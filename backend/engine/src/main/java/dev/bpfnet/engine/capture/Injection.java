package dev.bpfnet.engine.capture;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import dev.bpfnet.engine.datapath.Engine;
import dev.bpfnet.engine.packet.PacketFactory;
import dev.bpfnet.engine.packet.PacketSpec;
import dev.bpfnet.engine.traffic.FrameSource;
import dev.bpfnet.engine.traffic.ReplayException;
import dev.bpfnet.engine.traffic.ReplayFile;
import dev.bpfnet.engine.traffic.ReplayTiming;

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
			ReplayTiming timing, long startNs, int cpu) {
		List<byte[]> frames = new ArrayList<>(file.frames().size());
		for (ReplayFile.Frame f : file.frames()) {
			frames.add(f.data());
		}
		try {
			requireFits(engine, target, frames);
		}
		catch (IllegalArgumentException ex) {
			throw new ReplayException(file.file() + ": " + ex.getMessage(), ex);
		}
		return engine.addFrameSource(name, cpu, target, timing.times(file, startNs), frames);
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
			frame = ReplayFile.rawIpToEthernet(frame);
		}
		try {
			requireFits(engine, target, List.of(frame));
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("packet: " + ex.getMessage().replaceFirst("^frame 0: ", ""), ex);
		}
		long[] times = new long[(int) count];
		for (int i = 0; i < times.length; i++) {
			times[i] = startNs + ((i == 0) ? 0 : Math.round(i * 1e9 / ratePps));
		}
		return engine.addFrameSource(name, cpu, target, times, Collections.nCopies((int) count, frame));
	}

	/**
	 * Into a device, every frame must fit its MTU as {@code packet_snd} checks
	 * ({@link FrameSource#requireFits}); from a namespace, {@code raw_sendmsg} checks the
	 * route's device (not checked here: the route is known only when sending).
	 */
	private static void requireFits(Engine engine, FrameSource.Target target, List<byte[]> frames) {
		if (target.device() == null) {
			return;
		}
		int mtu = engine.document()
			.device(target.device())
			.orElseThrow(() -> new IllegalArgumentException("device: no device " + target.device()))
			.declaration()
			.mtu();
		FrameSource.requireFits(frames, target.device().toString(), mtu);
	}

	private static String networkName(PacketSpec spec) {
		return (spec.network() instanceof PacketSpec.Ipv6) ? "ipv6" : "arp";
	}

}
