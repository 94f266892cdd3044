package dev.bpfnet.server.live;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.bpfnet.engine.trace.Context;
import dev.bpfnet.engine.trace.DropReason;
import dev.bpfnet.engine.trace.Function;
import dev.bpfnet.engine.trace.Step;
import dev.bpfnet.engine.trace.TraceSink;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client that requests nothing while the run emits: its buffer stays at its capacity,
 * the rest is counted and reported in one {@code sampled} event, and the hub never waits.
 * Messages come pre-encoded, several to a batch, each trace event encoded once per hub.
 */
class LiveHubTest {

	static final JsonMapper JSON = JsonMapper.builder().build();

	static final SseEncoder ENCODER = new SseEncoder(JSON);

	static void emit(LiveHub hub, int n) {
		for (int i = 0; i < n; i++) {
			hub.event(1000 + i, i, 0, Context.SOFTIRQ, TraceSink.NO_ID,
					(i % 2 == 0) ? Function.NETIF_RX : Function.VETH_XMIT, 3, 0, TraceSink.NO_ID, TraceSink.NO_ID,
					TraceSink.NO_VERDICT, DropReason.NOT_DROPPED_YET);
		}
	}

	@Test
	void aClientThatDoesNotReadIsSampledNotBufferedWithoutBound() {
		AtomicLong sampled = new AtomicLong();
		LiveHub hub = new LiveHub(8, new NameTable(Map.of("DEVICE", Map.of(3, "n1/host/veth0"))), Schedulers.single(),
				sampled, ENCODER);
		emit(hub, 5);
		LiveClient client = hub.register();
		assertThat(client.firstId()).isEqualTo(5);
		List<byte[]> batches = new ArrayList<>();
		StepVerifier.create(client.flux(), 0).then(() -> {
			emit(hub, 100);
			assertThat(client.buffered()).isEqualTo(8);
			assertThat(client.maxBuffered()).isEqualTo(8);
			assertThat(client.totalSampled()).isEqualTo(92);
			hub.end(Map.of("status", "finished"));
		}).thenRequest(1).consumeNextWith(batches::add).verifyComplete();
		// one request, one batch: the 8 buffered events, the sampled notice, the end
		List<SseText> got = SseText.parse(batches);
		assertThat(got).hasSize(10);
		assertThat(got.subList(0, 8)).extracting(SseText::event).containsOnly("trace");
		assertThat(got.subList(0, 8)).extracting(SseText::id)
			.containsExactly("5", "6", "7", "8", "9", "10", "11", "12");
		SseText notice = got.get(8);
		assertThat(notice.event()).isEqualTo("sampled");
		assertThat(notice.id()).isEqualTo("104");
		LiveClient.Sampled s = JSON.readValue(notice.data(), LiveClient.Sampled.class);
		assertThat(s.count()).isEqualTo(92);
		assertThat(s.fromId()).isEqualTo(5 + 8);
		assertThat(s.toId()).isEqualTo(104);
		assertThat(s.byFunction()).containsEntry("netif_rx", 46L).containsEntry("veth_xmit", 46L);
		assertThat(s.byDevice()).containsEntry("n1/host/veth0", 92L);
		assertThat(got.get(9).event()).isEqualTo("end");
		assertThat(JSON.readTree(got.get(9).data()).get("status").asString()).isEqualTo("finished");
		assertThat(sampled.get()).isEqualTo(92);
		assertThat(hub.clients()).isZero();
	}

	@Test
	void eventsComeInOrderWithTheirTraceIndexAsId() {
		LiveHub hub = new LiveHub(64, new NameTable(Map.of()), Schedulers.single(), new AtomicLong(), ENCODER);
		LiveClient client = hub.register();
		emit(hub, 3);
		hub.end("done");
		List<SseText> got = SseText.parse(client.flux().collectList().block());
		assertThat(got).extracting(SseText::id).containsExactly("0", "1", "2", null);
		assertThat(got).extracting(SseText::event).containsExactly("trace", "trace", "trace", "end");
		JsonNode first = JSON.readTree(got.get(0).data());
		assertThat(first.get("function").asString()).isEqualTo("netif_rx");
		assertThat(first.get("device").asString()).isEqualTo("device#3");
		assertThat(first.get("context").asString()).isEqualTo("softirq");
		assertThat(got.get(3).data()).isEqualTo("done");
		assertThat(hub.register().firstId()).as("after the end a client gets only the end").isEqualTo(3);
	}

	@Test
	void aBatchHoldsAtMostMaxBatchMessagesAndEachRequestGetsOne() {
		LiveHub hub = new LiveHub(1000, new NameTable(Map.of()), Schedulers.single(), new AtomicLong(), ENCODER);
		LiveClient client = hub.register();
		emit(hub, 600);
		hub.end("done");
		List<byte[]> batches = new ArrayList<>();
		StepVerifier.create(client.flux(), 0)
			.thenRequest(1)
			.consumeNextWith(batches::add)
			.thenRequest(1)
			.consumeNextWith(batches::add)
			.thenCancel()
			.verify();
		assertThat(SseText.parse(List.of(batches.get(0)))).hasSize(LiveClient.MAX_BATCH);
		assertThat(SseText.parse(List.of(batches.get(1)))).hasSize(LiveClient.MAX_BATCH);
		LiveHub again = new LiveHub(1000, new NameTable(Map.of()), Schedulers.single(), new AtomicLong(), ENCODER);
		LiveClient all = again.register();
		emit(again, 600);
		again.end("done");
		List<byte[]> got = all.flux().collectList().block();
		assertThat(got).hasSize((600 + 1 + LiveClient.MAX_BATCH - 1) / LiveClient.MAX_BATCH);
		for (byte[] b : got) {
			assertThat(SseText.parse(List.of(b))).hasSizeLessThanOrEqualTo(LiveClient.MAX_BATCH);
		}
		List<SseText> messages = SseText.parse(got);
		assertThat(messages).hasSize(601);
		assertThat(messages).extracting(SseText::id)
			.filteredOn((id) -> id != null)
			.hasSize(600)
			.startsWith("0", "1")
			.endsWith("599");
		assertThat(messages.get(600).event()).isEqualTo("end");
	}

	@Test
	void aTraceEventIsEncodedOnceNotOncePerClient() {
		LiveHub hub = new LiveHub(100_000, new NameTable(Map.of()), Schedulers.parallel(), new AtomicLong(), ENCODER);
		List<LiveClient> clients = new ArrayList<>();
		for (int i = 0; i < 50; i++) {
			clients.add(hub.register());
		}
		List<reactor.core.publisher.Mono<List<byte[]>>> all = clients.stream()
			.map((c) -> c.flux().collectList().cache())
			.toList();
		all.forEach(reactor.core.publisher.Mono::subscribe);
		emit(hub, 5000);
		hub.end("done");
		for (var m : all) {
			assertThat(SseText.parse(m.block())).hasSize(5001);
		}
		// two drain threads may race on an event; never once per client
		assertThat(hub.encodings()).isBetween(5000L, 2 * 5000L);
		LiveEvent e = new LiveEvent(new Step(7, 1000, 1, 0, Context.SOFTIRQ, TraceSink.NO_ID, Function.NETIF_RX, 3, 0,
				TraceSink.NO_ID, TraceSink.NO_ID, TraceSink.NO_VERDICT, DropReason.NOT_DROPPED_YET));
		assertThat(e.encoded(hub)).as("kept").isSameAs(e.encoded(hub));
		assertThat(hub.encodings()).isLessThanOrEqualTo(2 * 5000L + 1);
	}

}
