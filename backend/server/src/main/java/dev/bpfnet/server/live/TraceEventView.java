package dev.bpfnet.server.live;

import dev.bpfnet.engine.trace.DropReason;
import dev.bpfnet.engine.trace.Names;
import dev.bpfnet.engine.trace.Step;
import dev.bpfnet.engine.trace.TraceSink;

/**
 * One trace event as the API shows it (live stream and packet paths): names instead of
 * ids, absent values {@code null}.
 *
 * @param id the event's index in the run's trace (the SSE event id)
 * @param timeNs simulated time
 * @param skb the skb id, or {@code null}
 * @param cpu the CPU's name
 * @param context the execution context
 * @param task the task's name
 * @param function the kernel function
 * @param device the device's name
 * @param netns the namespace's name
 * @param queue the queue's name
 * @param queueDepth the queue's depth after the function
 * @param verdict the raw program verdict
 * @param drop the drop reason, when the skb died here
 */
public record TraceEventView(long id, long timeNs, Long skb, String cpu, String context, String task, String function,
		String device, String netns, String queue, Integer queueDepth, Integer verdict, String drop) {

	/** A recorded step, named. */
	public static TraceEventView of(Step s, NameTable names) {
		return new TraceEventView(s.index(), s.timeNs(), s.skbId() >= 0 ? s.skbId() : null,
				names.name(Names.Kind.CPU, s.cpu()), s.ctx().name().toLowerCase(java.util.Locale.ROOT),
				names.name(Names.Kind.TASK, s.taskId()), s.fn().kernelName(),
				names.name(Names.Kind.DEVICE, s.deviceId()), names.name(Names.Kind.NETNS, s.netnsId()),
				names.name(Names.Kind.QUEUE, s.queueId()), s.queueDepth() >= 0 ? s.queueDepth() : null,
				s.verdict() != TraceSink.NO_VERDICT ? s.verdict() : null,
				s.drop() != DropReason.NOT_DROPPED_YET ? s.drop().name() : null);
	}

}
