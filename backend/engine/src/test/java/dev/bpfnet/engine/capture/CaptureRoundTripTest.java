package dev.bpfnet.engine.capture;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.bpfnet.engine.datapath.Datapath;
import dev.bpfnet.engine.datapath.Engine;
import dev.bpfnet.engine.packet.DecodedPacket;
import dev.bpfnet.engine.packet.LinkType;
import dev.bpfnet.engine.packet.PacketDecoder;
import dev.bpfnet.engine.packet.PacketFactory;
import dev.bpfnet.engine.packet.PacketSpec;
import dev.bpfnet.engine.topology.DeviceRef;
import dev.bpfnet.engine.topology.TopologyDocument;
import dev.bpfnet.engine.trace.FrameTap;
import dev.bpfnet.engine.trace.FrameTap.Direction;
import dev.bpfnet.engine.trace.PathRecorder;
import dev.bpfnet.engine.trace.Tee;
import dev.bpfnet.engine.trace.TraceHasher;
import dev.bpfnet.engine.traffic.FrameSource;
import dev.bpfnet.engine.traffic.ReplayFile;
import dev.bpfnet.engine.traffic.ReplayTiming;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 5's round trip: packets crafted by {@link PacketFactory}, written to pcap by
 * {@link DeviceCapture}, read back through libpcap by {@link ReplayFile}, replayed into
 * the remote node's NIC, and captured where the pod receives them: the bytes are equal
 * when a program hands them over unchanged ({@code bpf_redirect_peer}), and only the
 * forwarding fields change when node1 routes them.
 */
class CaptureRoundTripTest {

	static final long EPOCH = 1_700_000_000_000_000_000L;

	@TempDir
	Path dir;

	/** The crafted frames, written with our pcap writer 10 µs apart. */
	static Path craftedPcap(Path dir, List<byte[]> frames) {
		Path file = dir.resolve("crafted.pcap");
		try (DeviceCapture w = new DeviceCapture(file, 0, EnumSet.of(Direction.OUT), EPOCH)) {
			for (int i = 0; i < frames.size(); i++) {
				w.frame(i * 10_000L, i, 0, 0, Direction.OUT, frames.get(i), 0, frames.get(i).length);
			}
		}
		return file;
	}

	static List<byte[]> crafted() {
		List<byte[]> frames = new ArrayList<>();
		for (PacketSpec s : Fixtures.podBound()) {
			frames.add(PacketFactory.build(s));
		}
		return frames;
	}

	record Run(Engine engine, PathRecorder rec, TraceHasher hash, FrameSource source, List<Path> files) {
	}

	/**
	 * Replays {@code pcap} into remote/host/eth0; with {@code capture}, taps pod and
	 * wire.
	 */
	static Run replay(TopologyDocument doc, Path pcap, Path dir, boolean capture) {
		PathRecorder rec = new PathRecorder();
		TraceHasher hash = new TraceHasher();
		Engine e = new Engine(doc, Fixtures.OBJECTS, Datapath.Options.of(Tee.of(rec, hash)));
		ReplayFile file = ReplayFile.read(pcap, ReplayFile.Options.defaults());
		FrameSource src = Injection.replay(e, "replay", file,
				FrameSource.Target.device(DeviceRef.of("remote/host/eth0")), ReplayTiming.original(), 1_000, 0);
		List<Path> files = new ArrayList<>();
		List<AutoCloseable> open = new ArrayList<>();
		if (capture) {
			List<FrameTap> taps = new ArrayList<>();
			DeviceCapture podIn = new DeviceCapture(dir.resolve("pod-in.pcap"), e.traceDeviceId("node1/pod1/eth0"),
					EnumSet.of(Direction.IN), 0);
			DeviceCapture remoteOut = new DeviceCapture(dir.resolve("remote-out.pcap"),
					e.traceDeviceId("remote/host/eth0"), EnumSet.of(Direction.OUT), 0);
			PathCapture path = new PathCapture(dir.resolve("path.pcapng"), e.names(), id -> true, 0);
			taps.addAll(List.of(podIn, remoteOut, path));
			open.addAll(List.of(podIn, remoteOut, path));
			files.addAll(List.of(podIn.file(), remoteOut.file(), path.file()));
			e.setFrameTap(FrameTaps.of(taps));
		}
		e.run(1_000_000);
		for (AutoCloseable c : open) {
			try {
				c.close();
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		}
		return new Run(e, rec, hash, src, files);
	}

	static List<byte[]> frames(Path pcap) {
		List<byte[]> out = new ArrayList<>();
		for (ReplayFile.Frame f : ReplayFile.read(pcap, ReplayFile.Options.defaults()).frames()) {
			out.add(f.data());
		}
		return out;
	}

	@Test
	void redirectPeerDeliversTheCraftedBytesUnchanged() {
		List<byte[]> crafted = crafted();
		Run r = replay(Fixtures.twoNodes(true), craftedPcap(this.dir, crafted), this.dir, true);
		assertThat(r.source().sent()).isEqualTo(crafted.size());
		List<byte[]> wire = frames(r.files().get(1));
		List<byte[]> pod = frames(r.files().get(0));
		assertThat(hex(wire)).containsExactlyElementsOf(hex(crafted));
		assertThat(hex(pod)).containsExactlyElementsOf(hex(crafted));
	}

	@Test
	void forwardingChangesOnlyTtlChecksumAndMacs() {
		List<byte[]> crafted = crafted();
		Run r = replay(Fixtures.twoNodes(false), craftedPcap(this.dir, crafted), this.dir, true);
		List<byte[]> pod = frames(r.files().get(0));
		assertThat(pod).hasSameSizeAs(crafted);
		for (int i = 0; i < crafted.size(); i++) {
			DecodedPacket before = PacketDecoder.decode(crafted.get(i), LinkType.ETHERNET);
			DecodedPacket after = PacketDecoder.decode(pod.get(i), LinkType.ETHERNET);
			List<String> changed = DecodedPacket.diff(before, after)
				.stream()
				.map(c -> c.layer() + "." + c.field())
				.toList();
			// netkit in L3 mode: zero MACs; ip_forward: ip_decrease_ttl with the
			// incremental checksum update
			assertThat(changed).as("frame %d", i)
				.containsExactly("Ethernet.dst", "Ethernet.src", "IPv4.ttl", "IPv4.checksum");
			assertThat(after.layer("Ethernet").field("dst").value()).isEqualTo("00:00:00:00:00:00");
			assertThat(Integer.parseInt(after.layer("IPv4").field("ttl").value()))
				.isEqualTo(Integer.parseInt(before.layer("IPv4").field("ttl").value()) - 1);
			assertThat(after.layer("IPv4").field("checksum").value()).endsWith("(correct)");
			// the rest of the frame is byte for byte the same
			assertThat(HexFormat.of().formatHex(masked(pod.get(i))))
				.isEqualTo(HexFormat.of().formatHex(masked(crafted.get(i))));
		}
	}

	@Test
	void capturingDoesNotChangeResults() {
		Path pcap = craftedPcap(this.dir, crafted());
		for (boolean redirect : new boolean[] { true, false }) {
			Run without = replay(Fixtures.twoNodes(redirect), pcap, this.dir, false);
			Run with = replay(Fixtures.twoNodes(redirect), pcap, this.dir, true);
			assertThat(with.hash().events()).isEqualTo(without.hash().events()).isGreaterThan(50);
			assertThat(with.hash().hex()).isEqualTo(without.hash().hex());
		}
	}

	@Test
	void pathCaptureHasOneInterfacePerHopAndEveryFrameAtEachHop() {
		List<byte[]> crafted = crafted();
		Run r = replay(Fixtures.twoNodes(true), craftedPcap(this.dir, crafted), this.dir, true);
		// libpcap reads the pcapng back: remote eth0 out, node1 eth0 in, pod1 eth0 in,
		// and
		// the pod's echo reply to the crafted ICMP echo request at pod1 eth0 out
		List<byte[]> all = frames(r.files().get(2));
		assertThat(all).hasSize(3 * crafted.size() + 1);
	}

	/** The frame with the MACs, the TTL and the IPv4 checksum zeroed. */
	static byte[] masked(byte[] frame) {
		byte[] m = frame.clone();
		java.util.Arrays.fill(m, 0, 12, (byte) 0);
		m[14 + 8] = 0;
		m[14 + 10] = 0;
		m[14 + 11] = 0;
		return m;
	}

	static List<String> hex(List<byte[]> frames) {
		return frames.stream().map(HexFormat.of()::formatHex).toList();
	}

	static Set<Direction> both() {
		return EnumSet.allOf(Direction.class);
	}

}
