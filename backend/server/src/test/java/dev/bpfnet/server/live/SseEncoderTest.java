package dev.bpfnet.server.live;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.ResolvableType;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.http.codec.ServerSentEventHttpMessageWriter;
import org.springframework.http.codec.json.JacksonJsonEncoder;
import org.springframework.mock.http.server.reactive.MockServerHttpResponse;
import reactor.core.publisher.Flux;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pre-encoded SSE text is byte for byte what Spring's SSE writer produces for the
 * same events with the same JSON mapper, so clients (run.js, ServerLoad, EventSource) see
 * no difference.
 */
class SseEncoderTest {

	final JsonMapper json = JsonMapper.builder().build();

	String spring(ServerSentEvent<Object> e) {
		ServerSentEventHttpMessageWriter writer = new ServerSentEventHttpMessageWriter(
				new JacksonJsonEncoder(this.json));
		MockServerHttpResponse response = new MockServerHttpResponse();
		writer
			.write(Flux.just(e), ResolvableType.forClass(ServerSentEvent.class), MediaType.TEXT_EVENT_STREAM, response,
					Map.of())
			.block();
		return DataBufferUtils.join(response.getBody()).map((b) -> b.toString(StandardCharsets.UTF_8)).block();
	}

	String ours(String id, String event, Object data) {
		return new String(new SseEncoder(this.json).message(id, event, data), StandardCharsets.UTF_8);
	}

	@Test
	void traceEventsAreEncodedAsSpringDoes() {
		TraceEventView view = new TraceEventView(17, 1234, 5L, "cpu0", "softirq", null, "netif_rx", "n1/host/veth0",
				"host", null, 3, null, "SKB_DROP_REASON_NOT_SPECIFIED");
		assertThat(ours("17", "trace", view))
			.isEqualTo(spring(ServerSentEvent.<Object>builder(view).id("17").event("trace").build()))
			.startsWith("id:17\nevent:trace\ndata:{\"id\":17,")
			.endsWith("}\n\n");
	}

	@Test
	void eventsWithoutIdMapsAndTextAlsoMatch() {
		Object sampled = new LiveClient.Sampled(3, 10, 12, 100, 120, Map.of("netif_rx", 3L), Map.of("veth0", 3L));
		assertThat(ours("12", "sampled", sampled))
			.isEqualTo(spring(ServerSentEvent.<Object>builder(sampled).id("12").event("sampled").build()));
		Object end = Map.of("status", "finished", "traceEvents", 3);
		assertThat(ours(null, "end", end)).isEqualTo(spring(ServerSentEvent.<Object>builder(end).event("end").build()));
		assertThat(ours(null, "end", "two\nlines"))
			.isEqualTo(spring(ServerSentEvent.<Object>builder("two\nlines").event("end").build()))
			.isEqualTo("event:end\ndata:two\ndata:lines\n\n");
	}

	@Test
	void joinConcatenatesWholeMessages() {
		SseEncoder encoder = new SseEncoder(this.json);
		byte[] joined = SseEncoder
			.join(List.of(encoder.message("1", "trace", Map.of("a", 1)), encoder.message(null, "end", "done")));
		assertThat(SseText.parse(new String(joined, StandardCharsets.UTF_8)))
			.containsExactly(new SseText("1", "trace", "{\"a\":1}"), new SseText(null, "end", "done"));
	}

}
