package dev.bpfnet.server;

import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;

import tools.jackson.databind.JsonNode;

/**
 * Waits for a run through its API view ({@code GET /api/runs/{id}}), however the test
 * reads it. Polls every 50 ms for up to two minutes; nothing is asserted on time.
 */
public final class RunPolling {

	private static final int TRIES = 2400;

	private RunPolling() {
	}

	/**
	 * The run's view once it is neither queued nor running (finished, stopped,
	 * failed...).
	 */
	public static JsonNode untilEnded(String id, Supplier<JsonNode> view) {
		return until(id, view, "ended", (status) -> !status.equals("queued") && !status.equals("running"));
	}

	/** The run's view once its status is one of {@code states}. */
	public static JsonNode untilStatus(String id, Supplier<JsonNode> view, String... states) {
		return until(id, view, List.of(states).toString(), List.of(states)::contains);
	}

	private static JsonNode until(String id, Supplier<JsonNode> view, String what, Predicate<String> done) {
		for (int i = 0; i < TRIES; i++) {
			JsonNode r = view.get();
			if (done.test(r.get("status").asString())) {
				return r;
			}
			try {
				Thread.sleep(50);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("interrupted waiting for run " + id, ex);
			}
		}
		throw new AssertionError("run " + id + " never " + (what.equals("ended") ? "ended" : "reached " + what));
	}

}
