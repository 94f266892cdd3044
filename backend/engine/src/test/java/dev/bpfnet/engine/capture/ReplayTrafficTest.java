package dev.bpfnet.engine.capture;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.bpfnet.engine.datapath.Datapath;
import dev.bpfnet.engine.datapath.Engine;
import dev.bpfnet.engine.topology.Format;
import dev.bpfnet.engine.topology.Problem;
import dev.bpfnet.engine.topology.TopologyDocument;
import dev.bpfnet.engine.topology.TopologyException;
import dev.bpfnet.engine.topology.TopologyParser;
import dev.bpfnet.engine.topology.TopologyValidator;
import dev.bpfnet.engine.topology.TopologyWriter;
import dev.bpfnet.engine.topology.Traffic;
import dev.bpfnet.engine.trace.FrameTap.Direction;
import dev.bpfnet.engine.trace.TraceSink;
import dev.bpfnet.engine.traffic.ReplayFile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code kind: replay} in a topology document: parsed, validated, written back, and run
 * by the engine into the device it names.
 */
class ReplayTrafficTest {

	@TempDir
	Path dir;

	/** The two-node fixture as YAML with one more traffic entry. */
	String yaml(String traffic) {
		String doc = TopologyWriter.toYaml(Fixtures.twoNodes(true));
		return doc.replaceFirst("(?m)^traffic:.*$", "") + "traffic:\n  - " + traffic + "\n";
	}

	@Test
	void replayEntryRunsIntoItsDeviceAndRoundTripsThroughTheWriter() {
		List<byte[]> crafted = CaptureRoundTripTest.crafted();
		Path pcap = CaptureRoundTripTest.craftedPcap(this.dir, crafted);
		TopologyDocument doc = TopologyParser.parse(yaml("{ name: rp, kind: replay, file: " + pcap
				+ ", device: remote/host/eth0, timing: scale, factor: 0.5, start: 3us, cpu: 1 }"), Format.YAML);
		assertThat(TopologyValidator.validate(doc)).isEmpty();
		Traffic.Replay r = (Traffic.Replay) doc.traffic().get(0);
		assertThat(r.factor()).isEqualTo(0.5);
		assertThat(r.startNs()).isEqualTo(3_000);
		assertThat(TopologyParser.parse(TopologyWriter.toYaml(doc), Format.YAML)).isEqualTo(doc);

		Engine e = new Engine(doc, Fixtures.OBJECTS, Datapath.Options.of(TraceSink.NONE));
		Path podIn = this.dir.resolve("pod.pcap");
		Path sent = this.dir.resolve("sent.pcap");
		try (DeviceCapture c = new DeviceCapture(podIn, e.traceDeviceId("node1/pod1/eth0"), EnumSet.of(Direction.IN),
				0);
				DeviceCapture s = new DeviceCapture(sent, e.traceDeviceId("remote/host/eth0"),
						EnumSet.of(Direction.OUT), 0)) {
			e.setFrameTap(FrameTaps.of(List.of(c, s)));
			e.run(1_000_000);
		}
		assertThat(e.frameSources()).hasSize(1);
		assertThat(e.frameSources().get(0).sent()).isEqualTo(crafted.size());
		List<ReplayFile.Frame> got = ReplayFile.read(podIn, ReplayFile.Options.defaults()).frames();
		assertThat(got.stream().map(f -> HexFormat.of().formatHex(f.data())).toList())
			.containsExactlyElementsOf(CaptureRoundTripTest.hex(crafted));
		// scaled by 0.5: the crafted frames were 10 µs apart; the first is sent at 3 µs
		// (plus the wake-up of the sending task and the send path before
		// dev_queue_xmit_nit: each frame pays the same, so the gaps stay 5 µs)
		List<ReplayFile.Frame> out = ReplayFile.read(sent, ReplayFile.Options.defaults()).frames();
		assertThat(out.get(0).timeNs()).isBetween(3_000L, 10_000L);
		for (int i = 1; i < out.size(); i++) {
			assertThat(out.get(i).timeNs() - out.get(i - 1).timeNs()).as("gap %d", i).isBetween(4_500L, 5_500L);
		}
	}

	@Test
	void badReplayEntriesNameTheirFields() {
		assertThatThrownBy(() -> TopologyParser.parse(
				yaml("{ name: rp, kind: replay, device: node1/host, timing: fast, truncate: maybe, size: 3 }"),
				Format.YAML))
			.isInstanceOfSatisfying(TopologyException.class,
					ex -> assertThat(ex.problems().stream().map(Problem::path).toList()).contains("traffic[0].device",
							"traffic[0].file", "traffic[0].timing", "traffic[0].truncate", "traffic[0].size"));
		assertThatThrownBy(() -> TopologyParser.parse(
				yaml("{ name: rp, kind: replay, file: x.pcap, device: node1/host/eth0, timing: rate }"), Format.YAML))
			.isInstanceOfSatisfying(TopologyException.class,
					ex -> assertThat(ex.problems().get(0).toString()).contains("traffic[0].rate"));
		assertThatThrownBy(() -> TopologyParser
			.parse(yaml("{ name: rp, kind: replay, file: x.pcap, device: node1/pod7/eth0, cpu: 9 }"), Format.YAML))
			.isInstanceOfSatisfying(TopologyException.class,
					ex -> assertThat(ex.problems()).extracting(Problem::path).containsExactly("traffic[0].device"));
		assertThatThrownBy(() -> TopologyParser
			.parse(yaml("{ name: rp, kind: replay, file: x.pcap, device: node1/pod1/eth0, cpu: 9 }"), Format.YAML))
			.isInstanceOfSatisfying(TopologyException.class,
					ex -> assertThat(ex.problems()).extracting(Problem::path).containsExactly("traffic[0].cpu"));
	}

	@Test
	void unreadableReplayFileFailsTheEngineWithTheEntryPath() {
		TopologyDocument doc = TopologyParser.parse(yaml(
				"{ name: rp, kind: replay, file: " + this.dir.resolve("missing.pcap") + ", device: remote/host/eth0 }"),
				Format.YAML);
		assertThatThrownBy(() -> new Engine(doc, Fixtures.OBJECTS, Datapath.Options.of(TraceSink.NONE)))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessage("traffic[0].file: " + this.dir.resolve("missing.pcap") + ": no such file");
	}

}
