package dev.bpfnet.engine.trace;

import java.util.List;
import java.util.Objects;

/**
 * Forwards every event to several sinks, in the order given. Because sinks only observe,
 * the order does not change what any of them records. The sinks are held in an array so
 * that forwarding allocates nothing.
 */
public final class Tee implements TraceSink {

	private final TraceSink[] sinks;

	private Tee(TraceSink[] sinks) {
		this.sinks = sinks;
	}

	/**
	 * A sink that forwards to all of {@code sinks}; with no sinks it is
	 * {@link TraceSink#NONE}, with one it is that sink.
	 */
	public static TraceSink of(TraceSink... sinks) {
		TraceSink[] copy = sinks.clone();
		for (int i = 0; i < copy.length; i++) {
			Objects.requireNonNull(copy[i], () -> "sinks: element is null");
		}
		if (copy.length == 0) {
			return TraceSink.NONE;
		}
		if (copy.length == 1) {
			return copy[0];
		}
		return new Tee(copy);
	}

	/** The sinks this tee forwards to, in order. */
	public List<TraceSink> sinks() {
		return List.of(this.sinks);
	}

	@Override
	public void event(long timeNs, long skbId, int cpu, Context ctx, int taskId, Function fn, int deviceId, int netnsId,
			int queueId, int queueDepth, int verdict, DropReason drop) {
		for (TraceSink sink : this.sinks) {
			sink.event(timeNs, skbId, cpu, ctx, taskId, fn, deviceId, netnsId, queueId, queueDepth, verdict, drop);
		}
	}

}
