package dev.bpfnet.engine.capture;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.bpfnet.engine.datapath.Datapath;
import dev.bpfnet.engine.datapath.Engine;
import dev.bpfnet.engine.packet.PacketSpec;
import dev.bpfnet.engine.topology.DeviceRef;
import dev.bpfnet.engine.topology.TopologyDocument;
import dev.bpfnet.engine.topology.TopologyParser;
import dev.bpfnet.engine.trace.PathRecorder;
import dev.bpfnet.engine.traffic.FrameSource;
import dev.bpfnet.engine.traffic.ReplayException;
import dev.bpfnet.engine.traffic.ReplayFile;
import dev.bpfnet.engine.traffic.ReplayTiming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Captures as a new user makes them outside the project, with Wireshark's tools
 * ({@code text2pcap}, {@code editcap}, {@code mergecap}), replayed into the topology of
 * {@code newuser-captures/topology.yaml}: the defects that trial found, each refused
 * before anything is sent with a message that says what is wrong and what to do. Skipped
 * only when the Wireshark tools are missing ({@code .ci/run} installs tshark, which
 * brings them).
 */
class NewUserCapturesTest {

	@TempDir
	Path dir;

	static final DeviceRef REMOTE = DeviceRef.of("remote/host/eth0");

	static TopologyDocument topology() {
		try {
			return TopologyParser
				.parse(Path.of(NewUserCapturesTest.class.getResource("/newuser-captures/topology.yaml").toURI()));
		}
		catch (URISyntaxException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static Engine engine() {
		return new Engine(topology(), Fixtures.OBJECTS, Datapath.Options.of(new PathRecorder()));
	}

	/** {@code text2pcap -l LINKTYPE} of the frames, pcapng (text2pcap's default). */
	Path text2pcap(String name, int linkType, List<byte[]> frames) throws IOException {
		StringBuilder sb = new StringBuilder();
		for (byte[] f : frames) {
			for (int off = 0; off < f.length; off += 16) {
				sb.append(String.format("%06x ", off));
				for (int i = off; i < Math.min(off + 16, f.length); i++) {
					sb.append(String.format(" %02x", f[i] & 0xFF));
				}
				sb.append('\n');
			}
		}
		Path txt = this.dir.resolve(name + ".txt");
		Files.writeString(txt, sb.toString());
		Path out = this.dir.resolve(name);
		ExternalCapturesTest.run("text2pcap", "-q", "-l", Integer.toString(linkType), txt.toString(), out.toString());
		return out;
	}

	/** remote → pod UDP frames as the wire carries them, each {@code payload} bytes. */
	static List<byte[]> podBound(int count, int payload) {
		List<byte[]> out = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			out.add(dev.bpfnet.engine.packet.PacketFactory
				.build(new PacketSpec(PacketSpec.Ethernet.of(Fixtures.REMOTE_MAC, Fixtures.NODE1_MAC), null,
						PacketSpec.Ipv4.of(Fixtures.v4("192.0.2.2"), Fixtures.v4("10.244.1.10")),
						PacketSpec.Udp.of(40000 + i, 7000), PacketSpec.Payload.fill(payload))));
		}
		return out;
	}

	static byte[] ip(byte[] frame) {
		return Arrays.copyOfRange(frame, 14, frame.length);
	}

	/**
	 * {@code mergecap} of an Ethernet capture and a Linux cooked (SLL2) one, as after
	 * {@code dumpcap -i eth0 -i any}: libpcap stops at the second interface ("an
	 * interface has a type 276 different from the type of the first interface", reported
	 * as {@code frame 0: Error occurred in pcap_next_ex(): ...}). The error now names
	 * both link types and how to split the file.
	 */
	@Test
	void mergecapOfEthernetAndCookedCapturesNamesBothLinkTypesAndHowToSplit() throws IOException {
		List<byte[]> frames = podBound(2, 8);
		Path eth = text2pcap("eth.pcapng", 1, frames);
		byte[] sll2 = HexFormat.of().parseHex("0800" + "0000" + "00000002" + "0001" + "04" + "06" + "0200000000020000");
		Path cooked = text2pcap("any.pcapng", 276,
				List.of(ExternalCapturesTest.ReplayFileBytes.concat(sll2, ip(frames.get(0)))));
		Path mixed = this.dir.resolve("mixed.pcapng");
		ExternalCapturesTest.run("mergecap", "-w", mixed.toString(), eth.toString(), cooked.toString());
		assertThatThrownBy(() -> ReplayFile.read(mixed, ReplayFile.Options.defaults()))
			.isInstanceOf(ReplayException.class)
			.hasMessageStartingWith(mixed + ": an interface of link type 276 (Linux SLL2) appears before frame ")
			.hasMessageContaining("the first interface's link type is 1 (Ethernet)")
			.hasMessageContaining("split the capture by interface")
			.hasMessageNotContaining("pcap_next_ex");
	}

	/**
	 * {@code LINKTYPE_IPV4} (228) holds IPv4 only: an IPv6 packet in it was replayed as
	 * IPv6 (by its version nibble) although Wireshark decodes the same file as IPv4.
	 */
	@Test
	void ipv6PacketInAnIpv4LinkTypeFileIsRefused() throws IOException {
		byte[] v4 = ip(podBound(1, 8).get(0));
		byte[] v6 = HexFormat.of()
			.parseHex("6000000000081140" + "20010db8000000000000000000000002" + "20010db8000100000000000000000010"
					+ "9c401b5800080000");
		Path ok = text2pcap("v4.pcapng", 228, List.of(v4, v4));
		assertThat(ReplayFile.read(ok, ReplayFile.Options.defaults()).frames()).hasSize(2);
		Path bad = text2pcap("mixed-v4.pcapng", 228, List.of(v4, v6));
		assertThatThrownBy(() -> ReplayFile.read(bad, ReplayFile.Options.defaults()))
			.isInstanceOf(ReplayException.class)
			.hasMessage(bad + ": frame 1: IP version 6 in a LINKTYPE_IPV4 (228) file, which holds IPv4 only");
		Path bad6 = text2pcap("v6.pcapng", 229, List.of(v6, v4));
		assertThatThrownBy(() -> ReplayFile.read(bad6, ReplayFile.Options.defaults()))
			.hasMessage(bad6 + ": frame 1: IP version 4 in a LINKTYPE_IPV6 (229) file, which holds IPv6 only");
	}

	/**
	 * {@code editcap -s 64} of a pcapng cuts the frames but leaves the interface's
	 * snaplen: the error said "(snaplen 262144)", which does not explain the cut. It now
	 * names the snaplen only when it is what cut the frame, and the topology knob that
	 * replays the cut frames anyway.
	 */
	@Test
	void framesCutByEditcapAreRefusedWithTheKnobThatAllowsThem() throws IOException {
		Path whole = text2pcap("whole.pcapng", 1, podBound(2, 100));
		Path cut = this.dir.resolve("cut.pcapng");
		ExternalCapturesTest.run("editcap", "-s", "64", whole.toString(), cut.toString());
		assertThatThrownBy(() -> ReplayFile.read(cut, ReplayFile.Options.defaults()))
			.isInstanceOf(ReplayException.class)
			.hasMessageStartingWith(cut + ": frame 0: captured 64 of 142 bytes; ")
			.hasMessageContaining("truncate: true");
		// editcap -F pcap -s 64 leaves the file header's snaplen too: the same message
		Path cutPcap = this.dir.resolve("cut.pcap");
		ExternalCapturesTest.run("editcap", "-F", "pcap", "-s", "64", whole.toString(), cutPcap.toString());
		assertThatThrownBy(() -> ReplayFile.read(cutPcap, ReplayFile.Options.defaults()))
			.hasMessageStartingWith(cutPcap + ": frame 0: captured 64 of 142 bytes; ");
	}

	/**
	 * A capture taken with {@code tshark -i lo} (MTU 65536: TCP segments of 32 kB) or on
	 * a NIC with GRO/TSO has frames far above a 1500-byte device's MTU. The kernel's
	 * {@code packet_snd} refuses them ({@code EMSGSIZE}); the replay sent them on the
	 * wire. Now the whole replay is refused before anything is added to the engine,
	 * naming the first frame that does not fit; 1514 bytes fit, and 1518 when tagged.
	 */
	@Test
	void framesLargerThanTheDeviceMtuAreRefusedBeforeAnythingIsSent() throws IOException {
		List<byte[]> frames = new ArrayList<>(podBound(2, 1472));
		assertThat(frames.get(0)).hasSize(1514);
		byte[] tagged = new byte[1518];
		System.arraycopy(frames.get(0), 0, tagged, 0, 12);
		System.arraycopy(HexFormat.of().parseHex("81000064"), 0, tagged, 12, 4);
		System.arraycopy(frames.get(0), 12, tagged, 16, 1502);
		frames.add(tagged);
		Engine fits = engine();
		Path ok = text2pcap("fits.pcapng", 1, frames);
		FrameSource src = Injection.replay(fits, "replay", ReplayFile.read(ok, ReplayFile.Options.defaults()),
				FrameSource.Target.device(REMOTE), ReplayTiming.original(), 1_000, 0);
		fits.run(1_000_000);
		assertThat(src.sent()).isEqualTo(3);

		frames.add(podBound(1, 32741).get(0));
		frames.add(podBound(1, 1473).get(0));
		Path lo = text2pcap("lo.pcapng", 1, frames);
		Engine e = engine();
		ReplayFile file = ReplayFile.read(lo, ReplayFile.Options.defaults());
		assertThatThrownBy(() -> Injection.replay(e, "replay", file, FrameSource.Target.device(REMOTE),
				ReplayTiming.original(), 1_000, 0))
			.isInstanceOf(ReplayException.class)
			.hasMessageStartingWith(lo + ": frame 3: 32783 bytes, more than remote/host/eth0 sends (MTU 1500 + "
					+ "14-byte header): packet_snd would fail with EMSGSIZE (2 frames are too long)");
		assertThat(e.frameSources()).isEmpty();
	}

	/** A crafted packet into a device gets the same check as a replayed frame. */
	@Test
	void craftedPacketLargerThanTheDeviceMtuIsRefused() {
		Engine e = engine();
		PacketSpec jumbo = new PacketSpec(PacketSpec.Ethernet.of(Fixtures.REMOTE_MAC, Fixtures.NODE1_MAC), null,
				PacketSpec.Ipv4.of(Fixtures.v4("192.0.2.2"), Fixtures.v4("10.244.1.10")), PacketSpec.Udp.of(1, 7000),
				PacketSpec.Payload.fill(9000));
		assertThatThrownBy(() -> Injection.crafted(e, "jumbo", jumbo, FrameSource.Target.device(REMOTE), 0, 1, 0, 0))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageStartingWith("packet: 9042 bytes, more than remote/host/eth0 sends (MTU 1500 + 14-byte header)");
		assertThat(e.frameSources()).isEmpty();
	}

	/**
	 * The same MTU check when the replay or the crafted packet comes from the topology
	 * document ({@code kind: replay}, {@code kind: packet} into a device): the engine is
	 * not built, and the error names the traffic entry.
	 */
	@Test
	void topologyTrafficLargerThanTheDeviceMtuIsRefusedNamingTheEntry() throws IOException {
		Path big = text2pcap("big.pcapng", 1, List.of(podBound(1, 1472).get(0), podBound(1, 1473).get(0)));
		String base = Files.readString(Path.of("src/test/resources/newuser-captures/topology.yaml"));
		Path replay = this.dir.resolve("replay.yaml");
		Files.writeString(replay, base + "traffic:\n  - { name: rp, kind: replay, file: " + big.getFileName()
				+ ", device: remote/host/eth0 }\n");
		assertThatThrownBy(
				() -> new Engine(TopologyParser.parse(replay), this.dir, Datapath.Options.of(new PathRecorder())))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageStartingWith("traffic[0].file: frame 1: 1515 bytes, more than remote/host/eth0 sends (MTU 1500");
		Path packet = this.dir.resolve("packet.yaml");
		Files.writeString(packet,
				base + "traffic:\n  - name: jumbo\n    kind: packet\n    device: remote/host/eth0\n"
						+ "    packet:\n      ethernet: { src: \"02:00:00:00:00:02\", dst: \"02:00:00:00:00:01\" }\n"
						+ "      ipv4: { src: 192.0.2.2, dst: 10.244.1.10 }\n      udp: { src: 1, dst: 7000 }\n"
						+ "      payload: { size: 9000 }\n");
		assertThatThrownBy(
				() -> new Engine(TopologyParser.parse(packet), this.dir, Datapath.Options.of(new PathRecorder())))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageStartingWith("traffic[0].packet: 9042 bytes, more than remote/host/eth0 sends (MTU 1500");
	}

}
