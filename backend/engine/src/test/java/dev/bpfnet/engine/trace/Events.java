package dev.bpfnet.engine.trace;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Hand-made and random trace events for the recorder tests. */
record Events(long timeNs, long skbId, int cpu, Context ctx, int taskId, Function fn, int deviceId, int netnsId,
		int queueId, int queueDepth, int verdict, DropReason drop) {

	static Events of(long timeNs, long skbId, Function fn, int deviceId) {
		return new Events(timeNs, skbId, 0, Context.TASK, 1, fn, deviceId, 0, TraceSink.NO_ID, TraceSink.NO_ID,
				TraceSink.NO_VERDICT, DropReason.NOT_DROPPED_YET);
	}

	Events queue(int queue, int depth) {
		return new Events(this.timeNs, this.skbId, this.cpu, this.ctx, this.taskId, this.fn, this.deviceId,
				this.netnsId, queue, depth, this.verdict, this.drop);
	}

	Events dropped(DropReason reason) {
		return new Events(this.timeNs, this.skbId, this.cpu, this.ctx, this.taskId, this.fn, this.deviceId,
				this.netnsId, this.queueId, this.queueDepth, this.verdict, reason);
	}

	Events in(int cpu, Context ctx) {
		return new Events(this.timeNs, this.skbId, cpu, ctx, this.taskId, this.fn, this.deviceId, this.netnsId,
				this.queueId, this.queueDepth, this.verdict, this.drop);
	}

	Events verdict(int verdict) {
		return new Events(this.timeNs, this.skbId, this.cpu, this.ctx, this.taskId, this.fn, this.deviceId,
				this.netnsId, this.queueId, this.queueDepth, verdict, this.drop);
	}

	void feed(TraceSink sink) {
		sink.event(this.timeNs, this.skbId, this.cpu, this.ctx, this.taskId, this.fn, this.deviceId, this.netnsId,
				this.queueId, this.queueDepth, this.verdict, this.drop);
	}

	static void feed(List<Events> events, TraceSink sink) {
		for (Events e : events) {
			e.feed(sink);
		}
	}

	/**
	 * {@code n} random but well-formed events (time non-decreasing), reproducible from
	 * {@code seed}.
	 */
	static List<Events> random(long seed, int n) {
		SplittableRandom rnd = new SplittableRandom(seed);
		Function[] fns = Function.values();
		Context[] ctxs = Context.values();
		DropReason[] reasons = DropReason.values();
		List<Events> events = new ArrayList<>(n);
		long time = 0;
		for (int k = 0; k < n; k++) {
			time += rnd.nextInt(1000);
			boolean hasQueue = rnd.nextInt(3) == 0;
			boolean isDrop = rnd.nextInt(10) == 0;
			events.add(new Events(time, rnd.nextInt(5) == 0 ? TraceSink.NO_SKB : rnd.nextInt(50), rnd.nextInt(4),
					ctxs[rnd.nextInt(ctxs.length)], rnd.nextInt(-1, 6), fns[rnd.nextInt(fns.length)],
					rnd.nextInt(-1, 8), rnd.nextInt(-1, 3), hasQueue ? rnd.nextInt(6) : TraceSink.NO_ID,
					hasQueue ? rnd.nextInt(1002) : TraceSink.NO_ID,
					rnd.nextInt(4) == 0 ? rnd.nextInt(-2, 9) : TraceSink.NO_VERDICT,
					isDrop ? reasons[1 + rnd.nextInt(reasons.length - 1)] : DropReason.NOT_DROPPED_YET));
		}
		return events;
	}

}
