package dev.bpfnet.server.live;

import dev.bpfnet.engine.trace.Step;

/**
 * A trace event as the hub hands it to every connected client, with room for its encoded
 * {@code trace} message: the first client to send it encodes it and the others reuse the
 * bytes, so an event is encoded once however many clients get it, and the encoded text
 * lives exactly as long as some client's buffer holds the event.
 */
final class LiveEvent {

	final Step step;

	/** Set by the first drain that needs it; a race encodes twice, harmlessly. */
	private volatile byte[] encoded;

	LiveEvent(Step step) {
		this.step = step;
	}

	byte[] encoded(LiveHub hub) {
		byte[] b = this.encoded;
		if (b == null) {
			b = hub.encode(this.step);
			this.encoded = b;
		}
		return b;
	}

}
