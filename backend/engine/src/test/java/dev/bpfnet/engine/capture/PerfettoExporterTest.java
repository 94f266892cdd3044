package dev.bpfnet.engine.capture;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.bpfnet.engine.topology.DeviceRef;
import dev.bpfnet.engine.traffic.FrameSource;
import dev.bpfnet.engine.traffic.ReplayFile;
import dev.bpfnet.engine.traffic.ReplayTiming;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Perfetto JSON against the trace-event format: required keys per phase, complete
 * events properly nested per thread, flows that start once and finish once, counters with
 * numeric args, and events in time order.
 */
class PerfettoExporterTest {

	@TempDir
	Path dir;

	@Test
	void exportValidatesAgainstTheTraceEventFormat() {
		Path pcap = CaptureRoundTripTest.craftedPcap(this.dir, CaptureRoundTripTest.crafted());
		CaptureRoundTripTest.Run r = CaptureRoundTripTest.replay(Fixtures.twoNodes(true), pcap, this.dir, false);
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		PerfettoExporter.of(r.engine(), r.rec()).write(out);
		if (System.getenv("PERFETTO_DUMP") != null) {
			try {
				java.nio.file.Files.write(Path.of(System.getenv("PERFETTO_DUMP")), out.toByteArray());
			}
			catch (java.io.IOException ex) {
				throw new IllegalStateException(ex);
			}
		}
		Checked c = validate(out.toByteArray());
		assertThat(c.slices()).isGreaterThan(r.rec().size());
		assertThat(c.counters()).isPositive();
		// the 5 replayed packets each go from remote's NIC to the pod: s ... f
		assertThat(c.flowPhases().values().stream().filter(p -> p.startsWith("s") && p.endsWith("f")).count())
			.isGreaterThanOrEqualTo(5);
		assertThat(c.flowPhases().values()).allMatch(p -> p.startsWith("s") && p.endsWith("f"));
		assertThat(c.categories()).contains("task", "softirq", "hardirq", "nic");
		assertThat(c.threadNames()).contains("node1/cpu0", "node1/cpu1", "remote/cpu0", "remote/cpu1",
				"node1/host/eth0 phy", "remote/host/eth0 phy");
	}

	/**
	 * A capture replayed back to back (a loopback capture has frames 0.4 µs apart):
	 * frames reach node1's NIC while its CPU is still in the softirq that handles the
	 * previous ones. {@code phy_rx} happens in hardware at that moment; drawn on the
	 * CPU's track it cut into the softirq slice and outlived it (misnested slices, which
	 * Perfetto drops). It has its own track per NIC, with zero duration, and CPU slices
	 * stay nested.
	 */
	@Test
	void nicEventsHaveTheirOwnTrackAndDoNotCutIntoCpuSlices() {
		java.util.List<byte[]> frames = new java.util.ArrayList<>();
		for (int k = 0; k < 8; k++) {
			frames.addAll(CaptureRoundTripTest.crafted());
		}
		Path pcap = CaptureRoundTripTest.craftedPcap(this.dir, frames);
		dev.bpfnet.engine.trace.PathRecorder rec = new dev.bpfnet.engine.trace.PathRecorder();
		dev.bpfnet.engine.datapath.Engine e = new dev.bpfnet.engine.datapath.Engine(Fixtures.twoNodes(true),
				Fixtures.OBJECTS, dev.bpfnet.engine.datapath.Datapath.Options.of(rec));
		Injection.replay(e, "replay", ReplayFile.read(pcap, ReplayFile.Options.defaults()),
				FrameSource.Target.device(DeviceRef.of("remote/host/eth0")), ReplayTiming.rate(10_000_000), 1_000, 0);
		e.run(1_000_000);
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		PerfettoExporter.of(e, rec).write(out);
		Checked c = validate(out.toByteArray());
		assertThat(c.flowPhases()).hasSizeGreaterThanOrEqualTo(frames.size());
		JsonNode events = JsonMapper.builder().build().readTree(out.toByteArray()).get("traceEvents");
		int phy = 0;
		for (JsonNode ev : events) {
			String name = ev.get("name").asString();
			if (name.equals("phy_rx") || name.equals("phy_tx")) {
				phy++;
				assertThat(ev.get("tid").asInt()).as("%s", ev).isGreaterThanOrEqualTo(PerfettoExporter.NIC_TID_BASE);
				assertThat(ev.get("cat").asString()).isEqualTo("nic");
				assertThat(ev.get("dur").asDouble()).isZero();
			}
		}
		assertThat(phy).isEqualTo(2 * frames.size());
	}

	record Checked(int slices, int counters, Map<Long, String> flowPhases, Set<String> categories,
			Set<String> threadNames) {
	}

	/**
	 * Checks the JSON against the trace-event format: required keys per phase, complete
	 * events nested per thread, flows that start once and finish once, numeric counters,
	 * time order.
	 */
	static Checked validate(byte[] json) {
		JsonNode root = JsonMapper.builder().build().readTree(json);
		assertThat(root.get("displayTimeUnit").asString()).isEqualTo("ns");
		JsonNode events = root.get("traceEvents");
		double lastTs = Double.NEGATIVE_INFINITY;
		Map<String, ArrayDeque<long[]>> open = new HashMap<>();
		Map<Long, String> flowPhases = new HashMap<>();
		Set<String> categories = new HashSet<>();
		Set<String> threadNames = new HashSet<>();
		int slices = 0;
		int counters = 0;
		for (JsonNode e : events) {
			String ph = e.get("ph").asString();
			assertThat(e.has("name") && e.has("pid")).as("%s", e).isTrue();
			if (ph.equals("M")) {
				if (e.get("name").asString().equals("thread_name")) {
					threadNames.add(e.get("args").get("name").asString());
				}
				continue;
			}
			double ts = e.get("ts").asDouble();
			assertThat(ts).as("time order at %s", e).isGreaterThanOrEqualTo(lastTs);
			lastTs = ts;
			switch (ph) {
				case "X" -> {
					slices++;
					long dur = Math.round(e.get("dur").asDouble() * 1000);
					assertThat(dur).isGreaterThanOrEqualTo(0);
					assertThat(e.has("tid") && e.has("cat")).isTrue();
					categories.add(e.get("cat").asString());
					long ns = Math.round(ts * 1000);
					ArrayDeque<long[]> stack = open.computeIfAbsent(e.get("pid").asLong() + "/" + e.get("tid").asLong(),
							k -> new ArrayDeque<>());
					// close what ended before ts, what ended at ts after starting earlier
					// (touching siblings), and an empty slice at ts before a longer one
					while (!stack.isEmpty()
							&& (stack.peek()[1] < ns || stack.peek()[1] == ns && (stack.peek()[0] < ns || dur > 0))) {
						stack.pop();
					}
					if (!stack.isEmpty()) {
						assertThat(ns + dur).as("slice %s nests inside its parent", e)
							.isLessThanOrEqualTo(stack.peek()[1]);
					}
					stack.push(new long[] { ns, ns + dur });
				}
				case "s", "t", "f" -> {
					long id = e.get("id").asLong();
					assertThat(e.get("bp").asString()).isEqualTo("e");
					assertThat(e.has("cat") && e.has("tid")).as("%s", e).isTrue();
					String seen = flowPhases.getOrDefault(id, "");
					if (ph.equals("s")) {
						assertThat(seen).as("flow %d starts once", id).isEmpty();
					}
					else {
						assertThat(seen).as("flow %d started before %s", id, ph).startsWith("s").doesNotContain("f");
					}
					flowPhases.put(id, seen + ph);
				}
				case "C" -> {
					counters++;
					assertThat(e.get("args").get("depth").isNumber()).isTrue();
				}
				default -> throw new AssertionError("unexpected phase " + ph + " in " + e);
			}
		}
		return new Checked(slices, counters, flowPhases, categories, threadNames);
	}

	@Test
	void sortIsStableByTime() {
		assertThat(PerfettoExporter.sortedByTime(new long[] { 5, 3, 3, 9, 1, 5 })).containsExactly(4, 1, 2, 0, 5, 3);
		assertThat(PerfettoExporter.sortedByTime(new long[] {})).isEmpty();
		assertThat(List.of(1)).hasSize(1);
	}

}
