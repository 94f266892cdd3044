package dev.bpfnet.server.export;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import dev.bpfnet.server.RunPolling;
import dev.bpfnet.server.TestUsers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.springframework.security.test.web.reactive.server.SecurityMockServerConfigurers.csrf;
import static org.springframework.security.test.web.reactive.server.SecurityMockServerConfigurers.mockUser;

/**
 * The run output downloads on the real H2 file database (a temp directory): one run of
 * the engine's pod-egress-veth topology (inline YAML, kept for re-runs) and one lab run,
 * whose outputs are made by re-running them and read back with tshark and Jackson.
 */
@SpringBootTest(properties = { "bpfnet.limits.keep-run-traces=50" })
class ExportApiTest {

	@TempDir
	static Path dataDir;

	@TempDir
	static Path scratch;

	@DynamicPropertySource
	static void dataDir(DynamicPropertyRegistry r) {
		r.add("bpfnet.data-dir", () -> dataDir.toString());
		r.add("bpfnet.labs-dir", () -> System.getProperty("bpfnet.labs.dir", "../../labs"));
	}

	static final String YAML;

	static {
		try {
			YAML = Files.readString(Path.of("../engine/src/test/resources/engine/pod-egress-veth.yaml"));
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** The run every test reads (made once). */
	static String runId;

	@Autowired
	ApplicationContext context;

	@Autowired
	DatabaseClient db;

	WebTestClient client;

	final JsonMapper json = JsonMapper.builder().build();

	@BeforeEach
	void client() throws Exception {
		this.client = TestUsers.secured(this.context, Duration.ofSeconds(180))
			.codecs((c) -> c.defaultCodecs().maxInMemorySize(64 << 20))
			.build();
		if (runId == null) {
			runId = finishedRun(Map.of("yaml", YAML, "duration", "2ms", "seed", 5));
		}
	}

	WebTestClient as(String user) {
		return this.client.mutateWith(mockUser(user)).mutateWith(csrf());
	}

	String finishedRun(Map<String, Object> body) throws InterruptedException {
		byte[] started = as("alice").post()
			.uri("/api/runs")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchange()
			.expectStatus()
			.isEqualTo(202)
			.expectBody()
			.returnResult()
			.getResponseBody();
		String id = this.json.readTree(started).get("id").asString();
		JsonNode r = RunPolling.untilEnded(id, () -> get("alice", "/api/runs/" + id, 200));
		assertThat(r.get("status").asString()).as(r.toString()).isEqualTo("finished");
		return id;
	}

	EntityExchangeResult<byte[]> download(String user, String uri, int status) {
		return as(user).get().uri(uri).exchange().expectStatus().isEqualTo(status).expectBody().returnResult();
	}

	JsonNode get(String user, String uri, int status) {
		return this.json.readTree(download(user, uri, status).getResponseBody());
	}

	static boolean tshark() {
		try {
			return new ProcessBuilder("tshark", "-v").redirectErrorStream(true).start().waitFor() == 0;
		}
		catch (IOException | InterruptedException ex) {
			return false;
		}
	}

	/** tshark's fields, one line per frame. */
	static List<String> tshark(Path file, String... fields) throws Exception {
		List<String> cmd = new ArrayList<>(List.of("tshark", "-r", file.toString(), "-T", "fields"));
		for (String f : fields) {
			cmd.add("-e");
			cmd.add(f);
		}
		Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
		String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
		assertThat(p.exitValue()).as("tshark -r " + file).isZero();
		return out.isEmpty() ? List.of() : List.of(out.split("\n"));
	}

	Path save(String uri, String name, String type) throws IOException {
		EntityExchangeResult<byte[]> r = download("alice", uri, 200);
		assertThat(r.getResponseHeaders().getContentType().toString()).startsWith(type);
		assertThat(r.getResponseHeaders().getContentDisposition().getFilename())
			.endsWith(name.substring(name.indexOf('.')));
		Path file = scratch.resolve(name);
		Files.write(file, r.getResponseBody());
		return file;
	}

	@Test
	void devicePcapsMatchThePathCaptureFrameForFrame() throws Exception {
		Path path = save("/api/runs/" + runId + "/path.pcapng", "path.pcapng", "application/x-pcapng");
		Path both = save("/api/runs/" + runId + "/pcap?device=remote/host/eth0", "both.pcap",
				"application/vnd.tcpdump.pcap");
		Path out = save("/api/runs/" + runId + "/pcap?device=remote/host/eth0&direction=out", "out.pcap",
				"application/vnd.tcpdump.pcap");
		assumeTrue(tshark(), "tshark is not installed: the captures are not read back");
		// the path capture: one interface per hop, named node/ns/dev:in|out
		Map<String, Integer> perInterface = new HashMap<>();
		for (String line : tshark(path, "frame.interface_name")) {
			perInterface.merge(line.strip(), 1, Integer::sum);
		}
		assertThat(perInterface.keySet()).allMatch((n) -> n.matches("[a-z0-9]+/[a-z0-9]+/[a-z0-9]+:(in|out)"))
			.contains("node1/host/lxc0:in", "node1/host/eth0:out", "remote/host/eth0:in", "remote/host/eth0:out",
					"node1/host/eth0:in");
		// the device captures hold exactly the frames the path capture has on that device
		List<String> bothFrames = tshark(both, "frame.protocols");
		List<String> outFrames = tshark(out, "frame.protocols");
		assertThat(bothFrames)
			.hasSize(perInterface.get("remote/host/eth0:in") + perInterface.get("remote/host/eth0:out"));
		assertThat(outFrames).hasSize(perInterface.get("remote/host/eth0:out")).isNotEmpty();
		assertThat(Set.copyOf(bothFrames)).allMatch((p) -> p.startsWith("eth:ethertype:ip:udp"));
		// the remote sends the constant-rate flow to the pod: UDP port 9000
		assertThat(tshark(out, "udp.dstport")).contains("9000");
	}

	@Test
	void latencyCsvHasOneRowPerPacket() throws Exception {
		Path csv = save("/api/runs/" + runId + "/latency.csv", "latency.csv", "text/csv");
		List<String> lines = Files.readAllLines(csv);
		assertThat(lines.get(0)).startsWith("skb_id,first_ns,last_ns,latency_ns");
		JsonNode packets = get("alice", "/api/runs/" + runId + "/packets?size=1", 200);
		assertThat(lines).hasSize(1 + packets.get("total").asInt());
	}

	@Test
	void perfettoJsonHasSlicesPerCpuAndFlows() throws Exception {
		EntityExchangeResult<byte[]> r = download("alice", "/api/runs/" + runId + "/perfetto.json", 200);
		assertThat(r.getResponseHeaders().getContentType().toString()).startsWith("application/json");
		JsonNode root = this.json.readTree(r.getResponseBody());
		assertThat(root.get("displayTimeUnit").asString()).isEqualTo("ns");
		Set<String> threadsWithSlices = new HashSet<>();
		Set<String> namedThreads = new HashSet<>();
		Map<Long, Integer> flowStarts = new HashMap<>();
		Map<Long, Integer> flowEnds = new HashMap<>();
		for (JsonNode e : root.get("traceEvents")) {
			String ph = e.get("ph").asString();
			String thread = e.get("pid").asInt() + "/" + (e.has("tid") ? e.get("tid").asInt() : -1);
			switch (ph) {
				case "X" -> {
					assertThat(e.get("dur").asLong()).isNotNegative();
					threadsWithSlices.add(thread);
				}
				case "M" -> {
					if (e.get("name").asString().equals("thread_name")) {
						namedThreads.add(thread);
					}
				}
				case "s" -> flowStarts.merge(e.get("id").asLong(), 1, Integer::sum);
				case "f" -> flowEnds.merge(e.get("id").asLong(), 1, Integer::sum);
				default -> {
				}
			}
		}
		// both nodes (pid 1 and 2) have CPUs with slices, each on a named CPU thread
		assertThat(threadsWithSlices).anyMatch((t) -> t.startsWith("1/")).anyMatch((t) -> t.startsWith("2/"));
		assertThat(namedThreads).containsAll(threadsWithSlices);
		// 6 CPUs and the phy tracks of the 2 wired NICs (phy_tx/phy_rx)
		assertThat(namedThreads).hasSize(8);
		assertThat(flowStarts).isNotEmpty();
		assertThat(flowEnds.keySet()).isEqualTo(flowStarts.keySet());
		assertThat(flowStarts.values()).containsOnly(1);
	}

	@Test
	void hopsDecodeThePacketAtEveryDevice() {
		JsonNode packets = get("alice", "/api/runs/" + runId + "/packets?device=node1/host/lxc0&size=1", 200);
		long skb = packets.get("items").get(0).get("skb").asLong();
		JsonNode hops = get("alice", "/api/runs/" + runId + "/packets/" + skb + "/hops", 200);
		assertThat(hops.get("skb").asLong()).isEqualTo(skb);
		List<String> functions = new ArrayList<>();
		hops.get("steps").forEach((s) -> functions.add(s.get("function").asString()));
		assertThat(functions).contains("udp_sendmsg", "__netif_receive_skb_core", "skb_do_redirect");
		JsonNode all = hops.get("hops");
		assertThat(all.size()).isGreaterThanOrEqualTo(3);
		List<String> devices = new ArrayList<>();
		for (JsonNode h : all) {
			devices.add(h.get("device").asString() + ":" + h.get("direction").asString());
			List<String> layers = new ArrayList<>();
			h.get("packet").get("layers").forEach((l) -> {
				layers.add(l.get("name").asString());
				assertThat(l.get("fields").get(0).has("offset")).isTrue();
				assertThat(l.get("fields").get(0).has("length")).isTrue();
			});
			assertThat(layers).as(h.toString()).startsWith("Ethernet");
			assertThat(String.join(",", layers)).contains("IPv4").contains("UDP");
		}
		assertThat(devices).startsWith("node1/pod1/eth0:out", "node1/host/lxc0:in").contains("node1/host/eth0:out");
		assertThat(all.get(0).get("changes")).isEmpty();
		get("alice", "/api/runs/" + runId + "/packets/999999999/hops", 404);
	}

	@Test
	void aLabRunIsReRunFromItsLabFolder() throws Exception {
		String id = finishedRun(Map.of("lab", "01-pod-egress", "labRun", "veth", "duration", "1ms"));
		Path csv = save("/api/runs/" + id + "/latency.csv", "lab-latency.csv", "text/csv");
		assertThat(Files.readAllLines(csv).size()).isGreaterThan(1);
		// perfetto.json comes from the stored trace file; without it, from a re-run: the
		// same
		// bytes
		byte[] fromTrace = download("alice", "/api/runs/" + id + "/perfetto.json", 200).getResponseBody();
		Path trace = dataDir.resolve("runs").resolve(id + ".trace.gz");
		Path aside = scratch.resolve(id + ".trace.gz");
		Files.move(trace, aside);
		try {
			byte[] fromRerun = download("alice", "/api/runs/" + id + "/perfetto.json", 200).getResponseBody();
			assertThat(fromRerun).isEqualTo(fromTrace);
		}
		finally {
			Files.move(aside, trace);
		}
		assertThat(this.json.readTree(fromTrace).get("traceEvents").size()).isPositive();
		// a re-run whose trace hash is not the stored one is refused
		String sha = get("alice", "/api/runs/" + id + "/summary", 200).get("traceSha256").asString();
		String other = "0".repeat(64);
		this.db.sql("UPDATE runs SET summary = REPLACE(summary, :sha, :other) WHERE id = :id")
			.bind("sha", sha)
			.bind("other", other)
			.bind("id", id)
			.then()
			.block();
		JsonNode differs = get("alice", "/api/runs/" + id + "/path.pcapng", 500);
		assertThat(differs.get("type").asString()).endsWith("not-deterministic");
		assertThat(differs.get("detail").asString()).contains(sha).contains(other);
	}

	@Test
	void onlyTheOwnerAndOnlyKnownDevices() {
		for (String what : List.of("pcap?device=remote/host/eth0", "path.pcapng", "latency.csv", "perfetto.json",
				"packets/1/hops")) {
			JsonNode p = get("bob", "/api/runs/" + runId + "/" + what, 404);
			assertThat(p.get("status").asInt()).isEqualTo(404);
		}
		JsonNode unknown = get("alice", "/api/runs/" + runId + "/pcap?device=remote/host/eth9", 422);
		assertThat(unknown.get("errors").get(0).get("path").asString()).isEqualTo("device");
		assertThat(unknown.get("errors").get(0).get("message").asString()).contains("eth9");
		JsonNode malformed = get("alice", "/api/runs/" + runId + "/pcap?device=eth0", 422);
		assertThat(malformed.get("errors").get(0).get("path").asString()).isEqualTo("device");
		JsonNode direction = get("alice", "/api/runs/" + runId + "/pcap?device=remote/host/eth0&direction=up", 400);
		assertThat(direction.get("errors").get(0).get("path").asString()).isEqualTo("direction");
		get("alice", "/api/runs/" + runId + "/pcap", 400);
		get("alice", "/api/runs/00000000000000000000000000000000/path.pcapng", 404);
	}

}
