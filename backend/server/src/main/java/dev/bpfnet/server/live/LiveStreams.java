package dev.bpfnet.server.live;

import reactor.core.publisher.Flux;

/** The live streams of runs (implemented by the run service). */
public interface LiveStreams {

	/**
	 * A run's events: the recorded ones after {@code lastEventId} (if given), then live
	 * ones, then an {@code end} event, as SSE text ({@link SseEncoder}), each element one
	 * or more whole messages.
	 * @param owner the caller
	 * @param runId the run
	 * @param lastEventId the last id the client has, or {@code null} to start live
	 * @return the stream; errors with a 404 ApiException for a run the caller cannot see
	 */
	Flux<byte[]> events(String owner, String runId, Long lastEventId);

}
