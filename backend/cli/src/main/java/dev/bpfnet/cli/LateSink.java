package dev.bpfnet.cli;

import dev.bpfnet.engine.trace.Context;
import dev.bpfnet.engine.trace.DropReason;
import dev.bpfnet.engine.trace.Function;
import dev.bpfnet.engine.trace.TraceSink;

/**
 * A trace sink whose target is set after the run's engine exists (writers that need the
 * engine's names); until then events go nowhere. The engine emits no event while it is
 * built (the traffic starts with the run), so nothing is lost (checked by
 * {@code TopologyRunCommandTest}: the written trace has as many events as the report).
 */
final class LateSink implements TraceSink {

	TraceSink target = TraceSink.NONE;

	@Override
	public void event(long timeNs, long skbId, int cpu, Context ctx, int taskId, Function fn, int deviceId, int netnsId,
			int queueId, int queueDepth, int verdict, DropReason drop) {
		this.target.event(timeNs, skbId, cpu, ctx, taskId, fn, deviceId, netnsId, queueId, queueDepth, verdict, drop);
	}

}
