package dev.bpfnet.server.live;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.springframework.http.codec.ServerSentEvent;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import dev.bpfnet.engine.trace.Context;
import dev.bpfnet.engine.trace.DropReason;
import dev.bpfnet.engine.trace.Function;
import dev.bpfnet.engine.trace.TraceSink;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client that requests nothing while the run emits: its buffer stays at its capacity,
 * the rest is counted and reported in one {@code sampled} event, and the hub never waits.
 */
class LiveHubTest {

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
				sampled);
		emit(hub, 5);
		LiveClient client = hub.register();
		assertThat(client.firstId()).isEqualTo(5);
		StepVerifier.create(client.flux(), 0).then(() -> {
			emit(hub, 100);
			assertThat(client.buffered()).isEqualTo(8);
			assertThat(client.maxBuffered()).isEqualTo(8);
			assertThat(client.totalSampled()).isEqualTo(92);
			hub.end(Map.of("status", "finished"));
		}).thenRequest(8).expectNextCount(8).thenRequest(1).assertNext((ServerSentEvent<Object> e) -> {
			assertThat(e.event()).isEqualTo("sampled");
			LiveClient.Sampled s = (LiveClient.Sampled) e.data();
			assertThat(s.count()).isEqualTo(92);
			assertThat(s.fromId()).isEqualTo(5 + 8);
			assertThat(s.toId()).isEqualTo(104);
			assertThat(s.byFunction()).containsEntry("netif_rx", 46L).containsEntry("veth_xmit", 46L);
			assertThat(s.byDevice()).containsEntry("n1/host/veth0", 92L);
			assertThat(e.id()).isEqualTo("104");
		}).thenRequest(1).assertNext((e) -> assertThat(e.event()).isEqualTo("end")).verifyComplete();
		assertThat(sampled.get()).isEqualTo(92);
		assertThat(hub.clients()).isZero();
	}

	@Test
	void eventsComeInOrderWithTheirTraceIndexAsId() {
		LiveHub hub = new LiveHub(64, new NameTable(Map.of()), Schedulers.single(), new AtomicLong());
		LiveClient client = hub.register();
		emit(hub, 3);
		hub.end("done");
		List<ServerSentEvent<Object>> got = client.flux().collectList().block();
		assertThat(got).extracting(ServerSentEvent::id).containsExactly("0", "1", "2", null);
		TraceEventView first = (TraceEventView) got.get(0).data();
		assertThat(first.function()).isEqualTo("netif_rx");
		assertThat(first.device()).isEqualTo("device#3");
		assertThat(first.context()).isEqualTo("softirq");
		assertThat(hub.register().firstId()).as("after the end a client gets only the end").isEqualTo(3);
	}

}
