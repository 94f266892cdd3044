package dev.bpfnet.server.live;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Writes a stream of pre-encoded SSE chunks ({@link SseEncoder}) as the response body,
 * each chunk one write followed by a flush.
 *
 * <p>
 * The response is committed only with the first chunk (Spring's {@code writeAndFlushWith}
 * defers the commit until the body's first signal), so a stream that fails before its
 * first chunk (unknown run: 404, bad {@code Last-Event-ID}: 400) still reaches the
 * application's problem-detail handler as an error, and the headers below are set only on
 * a stream that really starts.
 */
public final class SseResponses {

	/** What Spring's SSE writer sends. */
	static final MediaType EVENT_STREAM = new MediaType("text", "event-stream", StandardCharsets.UTF_8);

	private SseResponses() {
	}

	/**
	 * Writes {@code chunks} to {@code response}.
	 * @param response the response
	 * @param chunks SSE text, one or more whole messages per element
	 * @return completes when the stream has been written
	 */
	public static Mono<Void> write(ServerHttpResponse response, Flux<byte[]> chunks) {
		AtomicBoolean started = new AtomicBoolean();
		return response.writeAndFlushWith(chunks.map((bytes) -> {
			if (started.compareAndSet(false, true)) {
				HttpHeaders headers = response.getHeaders();
				headers.setContentType(EVENT_STREAM);
				if (!headers.containsHeader(HttpHeaders.CACHE_CONTROL)) {
					headers.setCacheControl("no-cache");
				}
			}
			return Mono.just(response.bufferFactory().wrap(bytes));
		}));
	}

}
