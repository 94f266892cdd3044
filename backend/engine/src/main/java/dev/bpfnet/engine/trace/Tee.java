package dev.bpfnet.engine.trace;

import java.util.List;
import java.util.Objects;

/**
 * Forwards every event to several sinks, in the order given. Because sinks only observe,
 * the order does not change what any of them records. Forwarding allocates nothing. The
 * first four sinks are called from four separate call sites, so that the JIT sees one
 * sink class at each (a run's tee is always built the same way) and can inline the
 * recorders instead of a megamorphic call per sink and event.
 */
public final class Tee implements TraceSink {

	private final TraceSink[] sinks;

	private final TraceSink s0;

	private final TraceSink s1;

	private final TraceSink s2;

	private final TraceSink s3;

	private Tee(TraceSink[] sinks) {
		this.sinks = sinks;
		this.s0 = sinks[0];
		this.s1 = sinks[1];
		this.s2 = (sinks.length > 2) ? sinks[2] : null;
		this.s3 = (sinks.length > 3) ? sinks[3] : null;
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
		this.s0.event(timeNs, skbId, cpu, ctx, taskId, fn, deviceId, netnsId, queueId, queueDepth, verdict, drop);
		this.s1.event(timeNs, skbId, cpu, ctx, taskId, fn, deviceId, netnsId, queueId, queueDepth, verdict, drop);
		if (this.s2 == null) {
			return;
		}
		this.s2.event(timeNs, skbId, cpu, ctx, taskId, fn, deviceId, netnsId, queueId, queueDepth, verdict, drop);
		if (this.s3 == null) {
			return;
		}
		this.s3.event(timeNs, skbId, cpu, ctx, taskId, fn, deviceId, netnsId, queueId, queueDepth, verdict, drop);
		TraceSink[] all = this.sinks;
		for (int k = 4; k < all.length; k++) {
			all[k].event(timeNs, skbId, cpu, ctx, taskId, fn, deviceId, netnsId, queueId, queueDepth, verdict, drop);
		}
	}

}
