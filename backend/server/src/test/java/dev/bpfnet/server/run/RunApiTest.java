package dev.bpfnet.server.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.bpfnet.server.RunPolling;
import dev.bpfnet.server.TestUsers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.bpfnet.server.live.LiveClient;
import dev.bpfnet.server.live.LiveHub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.reactive.server.SecurityMockServerConfigurers.csrf;
import static org.springframework.security.test.web.reactive.server.SecurityMockServerConfigurers.mockUser;

/**
 * The runs API and the live stream on the real H2 file database (a temp directory), with
 * small limits: 2 runs per user, 50 ms of simulated time, 32 events per SSE client.
 */
@SpringBootTest(properties = { "bpfnet.limits.runs-per-user=2", "bpfnet.limits.max-simulated-ns=50000000",
		"bpfnet.limits.sse-client-buffer=32", "bpfnet.limits.keep-run-traces=50" })
class RunApiTest {

	@TempDir
	static Path dataDir;

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
		catch (java.io.IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Autowired
	ApplicationContext context;

	@Autowired
	RunService service;

	@Autowired
	RunStore store;

	WebTestClient client;

	final JsonMapper json = JsonMapper.builder().build();

	@BeforeEach
	void client() {
		this.client = TestUsers.secured(this.context, Duration.ofSeconds(120)).build();
	}

	WebTestClient as(String user) {
		return this.client.mutateWith(mockUser(user)).mutateWith(csrf());
	}

	JsonNode post(String user, String uri, Object body, int status) {
		WebTestClient.RequestBodySpec spec = as(user).post().uri(uri).contentType(MediaType.APPLICATION_JSON);
		byte[] out = ((body != null) ? spec.bodyValue(body) : spec).exchange()
			.expectStatus()
			.isEqualTo(status)
			.expectBody()
			.returnResult()
			.getResponseBody();
		return this.json.readTree(out);
	}

	JsonNode get(String user, String uri, int status) {
		byte[] out = as(user).get()
			.uri(uri)
			.exchange()
			.expectStatus()
			.isEqualTo(status)
			.expectBody()
			.returnResult()
			.getResponseBody();
		return this.json.readTree(out);
	}

	String start(String user, Map<String, Object> body) {
		JsonNode r = post(user, "/api/runs", body, 202);
		assertThat(r.get("status").asString()).isEqualTo("queued");
		return r.get("id").asString();
	}

	/** Polls the run until its status is one of {@code states} (no timing asserted). */
	JsonNode awaitStatus(String user, String id, String... states) throws InterruptedException {
		return RunPolling.untilStatus(id, () -> get(user, "/api/runs/" + id, 200), states);
	}

	@Test
	void aLabTopologyRunsWithItsProgramsFromTheLabFolder() throws Exception {
		String id = start("alice", Map.of("lab", "01-pod-egress", "labRun", "bpfnet", "duration", "1ms"));
		JsonNode done = awaitStatus("alice", id, "finished", "failed");
		assertThat(done.get("status").asString()).isEqualTo("finished");
		JsonNode packets = get("alice", "/api/runs/" + id + "/packets?size=1", 200);
		long skb = packets.get("items").get(0).get("skb").asLong();
		String path = get("alice", "/api/runs/" + id + "/packets/" + skb, 200).toString();
		assertThat(path).contains("netkit_xmit").contains("skb_do_redirect");
		JsonNode bad = post("alice", "/api/runs", Map.of("lab", "01-pod-egress", "labRun", "nope"), 422);
		assertThat(bad.get("errors").get(0).get("path").asString()).isEqualTo("labRun");
		post("alice", "/api/runs", Map.of("lab", "99-nope"), 404);
	}

	@Test
	void aRunFinishesAndItsResultsAreReadableAlsoFromTheTraceFile() throws Exception {
		String id = start("alice", Map.of("yaml", YAML, "duration", "2ms", "seed", 5));
		JsonNode done = awaitStatus("alice", id, "finished", "failed");
		assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("finished");
		assertThat(done.get("simulatedNs").asLong()).isEqualTo(2_000_000);
		assertThat(done.get("seed").asLong()).isEqualTo(5);
		JsonNode summary = get("alice", "/api/runs/" + id + "/summary", 200);
		assertThat(summary.get("traceSha256").asString()).matches("[0-9a-f]{64}");
		assertThat(summary.get("traceEvents").asLong()).isEqualTo(done.get("traceEvents").asLong());
		assertThat(get("alice", "/api/runs/" + id + "/cpus", 200)).hasSize(6);
		JsonNode latency = get("alice", "/api/runs/" + id + "/latency", 200);
		assertThat(latency.get(0).get("name").asString()).isEqualTo("rr");
		assertThat(latency.get(0).get("latencyNs").get("p50").asLong()).isPositive();
		assertThat(get("alice", "/api/runs/" + id + "/maps", 200).isArray()).isTrue();
		JsonNode packets = get("alice", "/api/runs/" + id + "/packets?size=5", 200);
		assertThat(packets.get("total").asLong()).isPositive();
		assertThat(packets.get("items")).hasSize(5);
		long skb = packets.get("items").get(0).get("skb").asLong();
		JsonNode path = get("alice", "/api/runs/" + id + "/packets/" + skb, 200);
		assertThat(path.size()).isEqualTo(packets.get("items").get(0).get("steps").asInt());
		assertThat(get("alice", "/api/runs/" + id + "/queues", 200).size()).isPositive();
		String device = packets.get("items").get(0).get("devices").get(0).asString();
		JsonNode atDevice = get("alice", "/api/runs/" + id + "/packets?device=" + device, 200);
		assertThat(atDevice.get("total").asLong()).isPositive();
		// results read back from the gzip'd trace file, as after a restart
		this.service.evict(id);
		assertThat(get("alice", "/api/runs/" + id + "/packets?size=5", 200)).isEqualTo(packets);
		assertThat(get("alice", "/api/runs/" + id + "/packets/" + skb, 200)).isEqualTo(path);
		assertThat(Files.exists(dataDir.resolve("runs").resolve(id + ".trace.gz"))).isTrue();
		JsonNode list = get("alice", "/api/runs", 200);
		assertThat(list.findValuesAsString("id")).contains(id);
		// bad filters name their parameter
		assertThat(get("alice", "/api/runs/" + id + "/packets?dropped=maybe", 400).get("errors")
			.get(0)
			.get("path")
			.asString()).isEqualTo("dropped");
		assertThat(
				get("alice", "/api/runs/" + id + "/packets?size=1000", 400).get("errors").get(0).get("path").asString())
			.isEqualTo("size");
		assertThat(get("alice", "/api/runs/" + id + "/packets/999999999", 404).get("detail").asString())
			.contains("skb");
		// controls on an ended run
		assertThat(post("alice", "/api/runs/" + id + "/pause", null, 409).get("detail").asString())
			.contains("is finished");
	}

	@Test
	void pauseStepHopAndResumeThroughTheApiGiveTheTraceOfABatchRun() throws Exception {
		String batch = start("carol", Map.of("yaml", YAML, "duration", "1ms", "seed", 9));
		String id = start("carol", Map.of("yaml", YAML, "duration", "1ms", "seed", 9, "pace",
				Map.of("simNsPerWallMs", 1000, "paused", true)));
		JsonNode paused = awaitStatus("carol", id, "paused");
		assertThat(paused.get("events").asLong()).isZero();
		assertThat(paused.get("paced").asBoolean()).isTrue();
		assertThat(post("carol", "/api/runs/" + id + "/step", null, 200).get("events").asLong()).isEqualTo(1);
		assertThat(post("carol", "/api/runs/" + id + "/step", Map.of("unit", "event"), 200).get("events").asLong())
			.isEqualTo(2);
		JsonNode hop = post("carol", "/api/runs/" + id + "/step", Map.of("unit", "hop"), 200);
		assertThat(hop.get("status").asString()).isEqualTo("paused");
		assertThat(hop.get("events").asLong()).isGreaterThan(2);
		assertThat(post("carol", "/api/runs/" + id + "/step", Map.of("unit", "jump"), 400).get("errors")
			.get(0)
			.get("path")
			.asString()).isEqualTo("unit");
		JsonNode packets = get("carol", "/api/runs/" + id + "/packets", 200);
		assertThat(packets.get("total").asLong()).as("packets readable while paused").isPositive();
		post("carol", "/api/runs/" + id + "/resume", Map.of("batch", true), 200);
		assertThat(awaitStatus("carol", id, "finished").get("simulatedNs").asLong()).isEqualTo(1_000_000);
		awaitStatus("carol", batch, "finished");
		assertThat(get("carol", "/api/runs/" + id + "/summary", 200).get("traceSha256"))
			.isEqualTo(get("carol", "/api/runs/" + batch + "/summary", 200).get("traceSha256"));
	}

	@Test
	void anotherOwnersRunIsNotFound() throws Exception {
		String id = start("dave", Map.of("yaml", YAML, "duration", "1ms"));
		awaitStatus("dave", id, "finished");
		assertThat(get("erin", "/api/runs/" + id, 404).get("detail").asString())
			.isEqualTo("run '" + id + "' does not exist");
		get("erin", "/api/runs/" + id + "/summary", 404);
		get("erin", "/api/runs/" + id + "/packets", 404);
		post("erin", "/api/runs/" + id + "/stop", null, 404);
		as("erin").get().uri("/api/runs/" + id + "/events").exchange().expectStatus().isNotFound();
		assertThat(get("erin", "/api/runs", 200).findValuesAsString("id")).doesNotContain(id);
		get("erin", "/api/runs/not-an-id", 404);
	}

	@Test
	void limitsAndBadInputAnswerWithPreciseProblems() throws Exception {
		JsonNode tooLong = post("frank", "/api/runs", Map.of("yaml", YAML, "durationNs", 60_000_000), 422);
		assertThat(tooLong.get("errors").get(0).get("path").asString()).isEqualTo("durationNs");
		assertThat(tooLong.get("detail").asString()).contains("exceeds the limit of 50000000 ns");
		assertThat(post("frank", "/api/runs", Map.of("yaml", YAML, "duration", "soon"), 400).get("errors")
			.get(0)
			.get("path")
			.asString()).isEqualTo("duration");
		JsonNode badYaml = post("frank", "/api/runs", Map.of("yaml", "name: x\nnodes:\n  - name: n1\n    cpus: many\n"),
				422);
		assertThat(badYaml.get("errors").findValuesAsString("path")).contains("nodes[0].cpus");
		assertThat(badYaml.get("errors").get(0).has("line")).isTrue();
		String withFile = YAML.replace("asm: |", "object: to_nic.o\n    section: tc\n    x: |");
		JsonNode file = post("frank", "/api/runs", Map.of("yaml", withFile), 422);
		assertThat(file.toString()).contains("programs[0]");
		// a capture to replay cannot be given to the server: refused at once, not when
		// the run
		// is built
		String replay = YAML + "  - { name: rp, kind: replay, file: captures/mine.pcap, device: node1/host/eth0 }\n";
		JsonNode replayRun = post("frank", "/api/runs", Map.of("yaml", replay, "duration", "1ms"), 422);
		assertThat(replayRun.get("errors").get(0).get("path").asString()).isEqualTo("traffic[2].file");
		assertThat(replayRun.get("detail").asString()).contains("captures/mine.pcap").contains("bpfnet run");
		assertThat(
				post("frank", "/api/runs", Map.of("duration", "1ms"), 400).get("errors").get(0).get("path").asString())
			.isEqualTo("topologyId");
		// two paused runs are the most a user may have
		Map<String, Object> paused = Map.of("yaml", YAML, "duration", "1ms", "pace", Map.of("paused", true));
		String a = start("frank", paused);
		String b = start("frank", paused);
		JsonNode third = post("frank", "/api/runs", paused, 429);
		assertThat(third.get("detail").asString()).contains("runs-per-user");
		assertThat(get("frank", "/api/runs", 200)).hasSize(2);
		awaitStatus("frank", a, "paused");
		assertThat(post("frank", "/api/runs/" + a + "/stop", null, 200).get("status").asString()).isEqualTo("stopped");
		awaitStatus("frank", b, "paused");
		JsonNode stopped = post("frank", "/api/runs/" + b + "/stop", null, 200);
		assertThat(stopped.get("reason").asString()).startsWith("stopped by request at ");
		start("frank", Map.of("yaml", YAML, "duration", "1ms"));
	}

	@Test
	void runsLeftByAPreviousProcessAreMarkedInterrupted() {
		String id = dev.bpfnet.server.api.Ids.newId();
		this.store
			.insert(new RunRow(id, "gina", null, null, "x", 1, 1000, "{}", "running", null, null, 0, 0, 0,
					Instant.now(), null, null, null, null, null))
			.block();
		assertThat(this.service.markInterrupted()).isGreaterThanOrEqualTo(1);
		JsonNode r = get("gina", "/api/runs/" + id, 200);
		assertThat(r.get("status").asString()).isEqualTo("interrupted");
		assertThat(r.get("reason").asString()).isEqualTo("the server stopped while the run was running");
	}

	@Test
	void aSlowLiveClientIsBufferedBoundedlyAndToldWhatWasSampled() throws Exception {
		String id = start("hank", Map.of("yaml", YAML, "duration", "5ms", "pace", Map.of("paused", true)));
		awaitStatus("hank", id, "paused");
		LiveHub hub = this.service.hub(id);
		var events = java.util.concurrent.CompletableFuture.supplyAsync(() -> as("hank").get()
			.uri("/api/runs/" + id + "/events")
			.accept(MediaType.TEXT_EVENT_STREAM)
			.exchange()
			.expectStatus()
			.isOk()
			.returnResult(new ParameterizedTypeReference<ServerSentEvent<JsonNode>>() {
			})
			.getResponseBody()
			.limitRate(1)
			.delayElements(Duration.ofMillis(1))
			.collectList()
			.block(Duration.ofSeconds(300)));
		for (int i = 0; i < 1200 && hub.clients() == 0; i++) {
			Thread.sleep(50);
		}
		assertThat(hub.clients()).isEqualTo(1);
		LiveClient client = hub.clientList()[0];
		post("hank", "/api/runs/" + id + "/resume", null, 200);
		List<ServerSentEvent<JsonNode>> got = events.get(300, java.util.concurrent.TimeUnit.SECONDS);
		JsonNode done = awaitStatus("hank", id, "finished");
		long total = done.get("traceEvents").asLong();
		assertThat(client.maxBuffered()).as("server-side buffer bounded").isLessThanOrEqualTo(32);
		List<ServerSentEvent<JsonNode>> sampled = got.stream().filter((e) -> "sampled".equals(e.event())).toList();
		assertThat(sampled).as("the stream says it was sampled").isNotEmpty();
		long sampledCount = sampled.stream().mapToLong((e) -> e.data().get("count").asLong()).sum();
		long traces = got.stream().filter((e) -> "trace".equals(e.event())).count();
		assertThat(traces + sampledCount).as("every event sent or counted").isEqualTo(total);
		assertThat(sampled.get(0).data().get("byFunction").size()).isPositive();
		assertThat(got.get(0).event()).isEqualTo("status");
		assertThat(got.get(got.size() - 1).event()).isEqualTo("end");
		long last = -1;
		for (ServerSentEvent<JsonNode> e : got) {
			if (e.id() != null) {
				assertThat(Long.parseLong(e.id())).as("ids increase").isGreaterThan(last);
				last = Long.parseLong(e.id());
			}
		}
		// resuming after id 10 replays the recorded events from 11
		List<ServerSentEvent<JsonNode>> resumed = as("hank").get()
			.uri("/api/runs/" + id + "/events")
			.header("Last-Event-ID", "10")
			.accept(MediaType.TEXT_EVENT_STREAM)
			.exchange()
			.returnResult(new ParameterizedTypeReference<ServerSentEvent<JsonNode>>() {
			})
			.getResponseBody()
			.collectList()
			.block(Duration.ofSeconds(120));
		assertThat(resumed.get(0).id()).as("an ended run replays, no status first").isEqualTo("11");
		assertThat(resumed).hasSize((int) (total - 11 + 1));
		assertThat(resumed.get(resumed.size() - 1).event()).isEqualTo("end");
		as("hank").get()
			.uri("/api/runs/" + id + "/events")
			.header("Last-Event-ID", "x")
			.exchange()
			.expectStatus()
			.isBadRequest();
	}

}
