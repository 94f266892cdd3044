package dev.bpfnet.engine.capture;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.bpfnet.engine.datapath.Datapath;
import dev.bpfnet.engine.datapath.Engine;
import dev.bpfnet.engine.packet.PacketFactory;
import dev.bpfnet.engine.packet.PacketSpec;
import dev.bpfnet.engine.topology.Format;
import dev.bpfnet.engine.topology.Problem;
import dev.bpfnet.engine.topology.TopologyDocument;
import dev.bpfnet.engine.topology.TopologyException;
import dev.bpfnet.engine.topology.TopologyParser;
import dev.bpfnet.engine.topology.TopologyWriter;
import dev.bpfnet.engine.topology.Traffic;
import dev.bpfnet.engine.trace.FrameTap.Direction;
import dev.bpfnet.engine.trace.TraceSink;
import dev.bpfnet.engine.traffic.ReplayFile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code kind: packet} in a topology document: a crafted packet parsed with the
 * document's error paths, written back, and sent by the engine into a device or from a
 * namespace.
 */
class PacketTrafficTest {

	@TempDir
	Path dir;

	static final String PACKET = "{ ethernet: { src: \"02:00:00:00:00:02\", dst: \"02:00:00:00:00:01\" }, "
			+ "ipv4: { src: 192.0.2.2, dst: 10.244.1.10, ttl: 9, options: \"94040000\" }, "
			+ "tcp: { src: 4000, dst: 80, flags: [syn], options: \"020405b4\" }, payload: { text: hi } }";

	String yaml(String traffic) {
		String doc = TopologyWriter.toYaml(Fixtures.twoNodes(true));
		return doc.replaceFirst("(?m)^traffic:.*$", "") + "traffic:\n  - " + traffic + "\n";
	}

	@Test
	void packetEntryIsSentAtItsRateAndRoundTripsThroughTheWriter() {
		TopologyDocument doc = TopologyParser.parse(yaml(
				"{ name: syn, kind: packet, device: remote/host/eth0, count: 3, rate: 100kpps, start: 2us, packet: "
						+ PACKET + " }"),
				Format.YAML);
		Traffic.Packets p = (Traffic.Packets) doc.traffic().get(0);
		assertThat(p.packet().network()).isInstanceOf(PacketSpec.Ipv4.class);
		assertThat(((PacketSpec.Ipv4) p.packet().network()).ttl()).isEqualTo(9);
		assertThat(TopologyParser.parse(TopologyWriter.toYaml(doc), Format.YAML)).isEqualTo(doc);
		assertThat(TopologyParser.parse(TopologyWriter.write(doc, Format.JSON), Format.JSON)).isEqualTo(doc);

		Engine e = new Engine(doc, Fixtures.OBJECTS, Datapath.Options.of(TraceSink.NONE));
		Path pod = this.dir.resolve("pod.pcap");
		try (DeviceCapture c = new DeviceCapture(pod, e.traceDeviceId("node1/pod1/eth0"), EnumSet.of(Direction.IN),
				0)) {
			e.setFrameTap(c);
			e.run(1_000_000);
		}
		List<ReplayFile.Frame> got = ReplayFile.read(pod, ReplayFile.Options.defaults()).frames();
		assertThat(got).hasSize(3);
		String built = HexFormat.of().formatHex(PacketFactory.build(p.packet()));
		assertThat(got).allSatisfy(f -> assertThat(HexFormat.of().formatHex(f.data())).isEqualTo(built));
		// 100 kpps: 10 µs apart at the sender, each paying the same send path
		assertThat(got.get(2).timeNs() - got.get(0).timeNs()).isBetween(15_000L, 25_000L);
	}

	@Test
	void packetFromANamespaceIsRoutedAndForwarded() {
		TopologyDocument doc = TopologyParser
			.parse(yaml("{ name: syn, kind: packet, from: remote/host, packet: " + PACKET + " }"), Format.YAML);
		Engine e = new Engine(doc, Fixtures.OBJECTS, Datapath.Options.of(TraceSink.NONE));
		HopRecorder hops = new HopRecorder(e.names(), HopRecorder.DEFAULT_MAX_BYTES);
		e.setFrameTap(hops);
		e.run(1_000_000);
		// raw_sendmsg routes 10.244.1.10 via 192.0.2.1 on eth0; the neighbour's MAC is
		// written
		assertThat(hops.hops(0)).extracting(h -> h.device() + ":" + h.direction())
			.containsExactly("remote/host/eth0:out", "node1/host/eth0:in", "node1/pod1/eth0:in");
		assertThat(hops.hops(0).get(0).packet().layer("IPv4").field("ttl").value()).isEqualTo("9");
	}

	@Test
	void badPacketEntriesNameTheirFields() {
		assertThatThrownBy(() -> TopologyParser.parse(yaml(
				"{ name: p, kind: packet, device: remote/host/eth0, count: 2, packet: { ipv4: { src: 1.2.3.4, dst: 1.2.3.5, ttl: 300 }, udp: { src: 1, dst: 2 } } }"),
				Format.YAML))
			.isInstanceOfSatisfying(TopologyException.class, ex -> assertThat(ex.problems()).extracting(Problem::path)
				.contains("traffic[0].rate", "traffic[0].packet.ipv4.ttl"));
		assertThatThrownBy(() -> TopologyParser.parse(
				yaml("{ name: p, kind: packet, from: remote/host, device: remote/host/eth0, packet: 3 }"), Format.YAML))
			.isInstanceOfSatisfying(TopologyException.class, ex -> assertThat(ex.problems()).extracting(Problem::path)
				.contains("traffic[0]", "traffic[0].packet"));
		assertThatThrownBy(() -> TopologyParser.parse(yaml(
				"{ name: p, kind: packet, from: remote/host, packet: { ipv6: { src: \"::1\", dst: \"::2\" }, udp: { src: 1, dst: 2 } } }"),
				Format.YAML))
			.isInstanceOfSatisfying(TopologyException.class,
					ex -> assertThat(ex.problems().get(0).toString()).contains("traffic[0]")
						.contains("routes IPv4 only"));
	}

}
