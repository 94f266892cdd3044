package dev.bpfnet.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bpfnet run TOPOLOGY}: the engine's example topologies end to end, in-process.
 */
class TopologyRunCommandTest extends CapturedStdio {

	/** The engine's example with static neighbours (see its header). */
	static final String EXAMPLE = "../engine/src/test/resources/engine/pod-egress-bpfnet.yaml";

	/** The original example: its program object programs/to_nic.o does not exist. */
	static final String ORIGINAL = "../engine/src/test/resources/topology/pod-egress-bpfnet.yaml";

	static final String OBJECTS = "../bpf/src/test/resources/bpf";

	@TempDir
	Path tmp;

	private JsonNode runJson(String... extra) {
		this.out.reset();
		String[] args = new String[6 + extra.length];
		args[0] = "run";
		args[1] = EXAMPLE;
		args[2] = "--objects";
		args[3] = OBJECTS;
		args[4] = "--json";
		args[5] = "--duration=5ms";
		System.arraycopy(extra, 0, args, 6, extra.length);
		int rc = BpfnetCli.execute(args);
		assertThat(rc).as(this.err.toString(StandardCharsets.UTF_8)).isZero();
		return JsonMapper.builder().build().readTree(this.out.toString(StandardCharsets.UTF_8));
	}

	@Test
	void jsonReportHasPacketsFlowsCpusAndTraceHash() {
		JsonNode r = runJson("--seed", "7");
		assertThat(r.get("seed").asLong()).isEqualTo(7);
		assertThat(r.get("simulatedNs").asLong()).isEqualTo(5_000_000);
		JsonNode packets = r.get("packets");
		assertThat(packets.get("sent").asLong()).isPositive();
		assertThat(packets.get("delivered").asLong()).isPositive().isLessThanOrEqualTo(packets.get("sent").asLong());
		assertThat(packets.get("dropped").isObject()).isTrue();
		JsonNode flows = r.get("flows");
		assertThat(flows).hasSize(2);
		assertThat(flows.get(0).get("name").asString()).isEqualTo("rr");
		assertThat(flows.get(0).get("latencyNs").get("p50").asLong()).isPositive();
		assertThat(flows.get(0).get("latencyNs").get("p99").asLong())
			.isGreaterThanOrEqualTo(flows.get(0).get("latencyNs").get("p50").asLong());
		assertThat(flows.get(0).get("transactionsPerSec").asDouble()).isPositive();
		assertThat(flows.get(1).get("name").asString()).isEqualTo("cbr");
		assertThat(flows.get(1).get("throughputBps").asDouble()).isPositive();
		assertThat(flows.get(1).get("latencyNs").get("max").asLong()).isPositive();
		assertThat(r.get("accountedNs").asLong()).isBetween(5_000_000L, 5_100_000L);
		JsonNode cpus = r.get("cpus");
		assertThat(cpus).hasSize(4 + 2);
		long total = 0;
		for (JsonNode c : cpus) {
			long sum = c.get("processNs").asLong() + c.get("hardirqNs").asLong() + c.get("softirqNs").asLong()
					+ c.get("ksoftirqdNs").asLong() + c.get("idleNs").asLong();
			assertThat(sum).as(c.get("cpu").asString()).isEqualTo(r.get("accountedNs").asLong());
			total += c.get("softirqNs").asLong();
			assertThat(c.get("byTask").isObject()).isTrue();
		}
		assertThat(total).isPositive();
		assertThat(cpus.get(1).get("byTask").size()).as("the rr client runs on node1 cpu1").isPositive();
		assertThat(r.get("traceSha256").asString()).matches("[0-9a-f]{64}");
	}

	@Test
	void sameSeedSameTraceHashOtherSeedStillRuns() {
		String a = runJson("--seed", "3").get("traceSha256").asString();
		String b = runJson("--seed", "3").get("traceSha256").asString();
		assertThat(a).isEqualTo(b);
	}

	@Test
	void plainOutputIsAHumanSummary() {
		int rc = BpfnetCli.execute("run", EXAMPLE, "--objects", OBJECTS, "--duration", "2ms");
		assertThat(rc).isZero();
		String text = this.out.toString(StandardCharsets.UTF_8);
		assertThat(text).contains("pod-egress-bpfnet, seed 42")
			.contains("flow rr (")
			.contains("flow cbr (")
			.contains("trace sha256 ");
	}

	@Test
	void aMissingProgramObjectIsATopologyProblemWithItsPath() {
		int rc = BpfnetCli.execute("run", ORIGINAL, "--duration", "1ms");
		assertThat(rc).isEqualTo(1);
		assertThat(this.err.toString(StandardCharsets.UTF_8)).contains("programs[0].object: no such object file")
			.contains("to_nic.o");
		assertThat(this.out.toString(StandardCharsets.UTF_8)).isEmpty();
	}

	@Test
	void badYamlPrintsTheProblemsAndExits1() throws Exception {
		Path bad = this.tmp.resolve("bad.yaml");
		Files.writeString(bad, "name: x\nnodes:\n  - name: n1\n    cpus: many\n");
		int rc = BpfnetCli.execute("run", bad.toString());
		assertThat(rc).isEqualTo(1);
		assertThat(this.err.toString(StandardCharsets.UTF_8)).contains("nodes[0].cpus");
	}

	@Test
	void capturesPathCaptureLatencyCsvAndPerfettoAreWrittenWithoutChangingTheRun() throws Exception {
		String plain = runJson("--seed", "7").get("traceSha256").asString();
		Path pod = this.tmp.resolve("pod.pcap");
		Path nic = this.tmp.resolve("nic.pcap");
		Path path = this.tmp.resolve("path.pcapng");
		Path csv = this.tmp.resolve("lat.csv");
		Path json = this.tmp.resolve("trace.json");
		JsonNode r = runJson("--seed", "7", "--capture", "node1/pod1/eth0:out", "--pcap", pod.toString(), "--capture",
				"node1/host/eth0", "--pcap", nic.toString(), "--path-capture", path.toString(), "--latency-csv",
				csv.toString(), "--perfetto", json.toString());
		assertThat(r.get("traceSha256").asString()).isEqualTo(plain);
		// pcap magic for nanosecond timestamps, little-endian
		assertThat(Files.readAllBytes(pod)).startsWith((byte) 0x4d, (byte) 0x3c, (byte) 0xb2, (byte) 0xa1);
		assertThat(Files.size(pod)).isGreaterThan(24 + 300 * 16);
		assertThat(Files.size(nic)).isGreaterThan(Files.size(pod));
		assertThat(Files.readAllBytes(path)).startsWith((byte) 0x0a, (byte) 0x0d, (byte) 0x0d, (byte) 0x0a);
		assertThat(Files.readAllLines(csv).get(0)).startsWith("skb_id,first_ns,last_ns,latency_ns");
		assertThat(Files.readAllLines(csv)).hasSizeGreaterThan(300);
		JsonNode trace = JsonMapper.builder().build().readTree(json.toFile());
		assertThat(trace.get("traceEvents").size()).isGreaterThan(r.get("traceEvents").asInt());
	}

	/**
	 * A new user replays a capture that spans a second with the default 10 ms: only the
	 * first frames go, and the report's counts do not say why. The CLI says so on stderr.
	 */
	@Test
	void aReplayLongerThanTheRunSaysHowManyFramesWereSent() throws Exception {
		java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(24 + 3 * (16 + 42))
			.order(java.nio.ByteOrder.LITTLE_ENDIAN);
		b.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(1);
		byte[] frame = java.util.HexFormat.of()
			.parseHex("020000000002" + "020000000001" + "0800" + "4500001c00004000401100000a0000010a000002"
					+ "9c401b5800080000");
		int[] usec = { 0, 1000, 0 };
		int[] sec = { 0, 0, 1 };
		for (int i = 0; i < 3; i++) {
			b.putInt(1_700_000_000 + sec[i]).putInt(usec[i]).putInt(frame.length).putInt(frame.length).put(frame);
		}
		Files.write(this.tmp.resolve("three.pcap"), b.array());
		Path topo = this.tmp.resolve("late.yaml");
		Files.writeString(topo, String.join("\n", "name: late-replay", "nodes:", "  - name: n", "    cpus: 1",
				"    namespaces:", "      - name: host", "        devices:",
				"          - { name: v0, kind: veth, addresses: [10.0.0.1/24], peer: { namespace: pod, name: eth0, addresses: [10.0.0.2/24] } }",
				"      - name: pod", "traffic:", "  - { name: rp, kind: replay, file: three.pcap, device: n/host/v0 }",
				""));
		int rc = BpfnetCli.execute("run", topo.toString(), "--duration=5ms");
		assertThat(rc).as(this.err.toString(StandardCharsets.UTF_8)).isZero();
		assertThat(this.err.toString(StandardCharsets.UTF_8)).contains(
				"bpfnet: traffic rp sent 2 of its 3 frames before the run ended at 5000000 ns; the next was due at 1000000000 ns");
		this.err.reset();
		assertThat(BpfnetCli.execute("run", topo.toString(), "--duration=2s")).isZero();
		assertThat(this.err.toString(StandardCharsets.UTF_8)).doesNotContain("traffic rp");
	}

	@Test
	void captureOfAnUnknownDeviceOrUnpairedPcapIsRefused() {
		int rc = BpfnetCli.execute("run", EXAMPLE, "--objects", OBJECTS, "--capture", "node1/pod9/eth0", "--pcap",
				this.tmp.resolve("x.pcap").toString());
		assertThat(rc).isEqualTo(1);
		assertThat(this.err.toString(StandardCharsets.UTF_8)).contains("capture node1/pod9/eth0: ");
		assertThat(this.tmp.resolve("x.pcap")).doesNotExist();
		this.err.reset();
		rc = BpfnetCli.execute("run", EXAMPLE, "--objects", OBJECTS, "--capture", "node1/pod1/eth0");
		assertThat(rc).isNotZero();
		assertThat(this.err.toString(StandardCharsets.UTF_8)).contains("--capture and --pcap pair up");
		this.err.reset();
		rc = BpfnetCli.execute("run", EXAMPLE, "--objects", OBJECTS, "--capture", "node1/pod1/eth0:sideways", "--pcap",
				"y.pcap");
		assertThat(rc).isNotZero();
		assertThat(this.err.toString(StandardCharsets.UTF_8))
			.contains("capture node1/pod1/eth0:sideways: direction must be in, out or inout");
	}

}
