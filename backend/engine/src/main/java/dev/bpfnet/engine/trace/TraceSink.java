package dev.bpfnet.engine.trace;

/**
 * Receives one trace event per modelled kernel function (DESIGN.md §3.4), like an ns-3
 * trace source connected to its sinks. The single method takes primitives and enum
 * constants only, so emitting an event allocates nothing; a sink that needs to keep the
 * event copies the values into its own storage.
 *
 * <p>
 * <b>Identifiers.</b> {@code cpu}, {@code taskId}, {@code deviceId}, {@code netnsId} and
 * {@code queueId} are small run-wide integers (≥ 0) that the engine assigns when it
 * builds the topology and registers in {@link Names}: a CPU id is unique across all nodes
 * of the run, a queue id names one queue (a CPU's backlog, a qdisc band, a TX or RX ring,
 * a socket receive queue). Absent values are {@link #NO_ID} ({@link #NO_SKB} for events
 * that concern no skb, such as {@code schedule}).
 *
 * <p>
 * <b>Queues.</b> When an event touches a queue, {@code queueDepth} is that queue's length
 * in packets right after the function ran (after the enqueue or dequeue); otherwise both
 * are {@link #NO_ID}.
 *
 * <p>
 * <b>Verdicts.</b> {@code verdict} is the raw return value of the program chain at a tcx
 * or netkit hook (see {@link Verdict}), or {@link #NO_VERDICT} when no program ran.
 *
 * <p>
 * <b>Drops.</b> An skb dies exactly once: the model emits one event with a {@code drop}
 * other than {@link DropReason#NOT_DROPPED_YET} per dropped skb (the
 * {@link Function#KFREE_SKB_REASON} step), and counters rely on that. Every other event
 * passes {@code NOT_DROPPED_YET}.
 *
 * <p>
 * <b>Threading and determinism.</b> Events arrive on the run's single thread, in the same
 * order for the same run. Each CPU's events have non-decreasing {@code timeNs}, and so
 * have each skb's; across CPUs they are not globally sorted, because a call chain runs
 * ahead of the simulator on its CPU's clock (docs/engine.md "Execution model"): sort by
 * time (stable) for a global view, as the Perfetto export does. Sinks observe only: they
 * must not call back into the model, so recording on or off never changes simulated
 * results.
 */
@FunctionalInterface
public interface TraceSink {

	/** The value of an absent id (task, device, namespace, queue) or queue depth. */
	int NO_ID = -1;

	/** The skb id of an event that concerns no skb. */
	long NO_SKB = -1L;

	/** The verdict of an event at which no program ran. */
	int NO_VERDICT = Integer.MIN_VALUE;

	/** A sink that ignores every event (recording off). */
	TraceSink NONE = (timeNs, skbId, cpu, ctx, taskId, fn, deviceId, netnsId, queueId, queueDepth, verdict, drop) -> {
	};

	/**
	 * One modelled function ran.
	 * @param timeNs simulated time in ns at which the function ran
	 * @param skbId the skb's id, or {@link #NO_SKB}
	 * @param cpu the run-wide CPU id
	 * @param ctx the execution context
	 * @param taskId the task running (for SOFTIRQ/HARDIRQ: the interrupted task), or
	 * {@link #NO_ID}
	 * @param fn the modelled function
	 * @param deviceId the device the function acts on, or {@link #NO_ID}
	 * @param netnsId the network namespace of that device (or of the socket), or
	 * {@link #NO_ID}
	 * @param queueId the queue touched, or {@link #NO_ID}
	 * @param queueDepth the queue's length after the function, or {@link #NO_ID}
	 * @param verdict the program verdict (raw), or {@link #NO_VERDICT}
	 * @param drop the drop reason, {@link DropReason#NOT_DROPPED_YET} unless the skb dies
	 * here
	 */
	void event(long timeNs, long skbId, int cpu, Context ctx, int taskId, Function fn, int deviceId, int netnsId,
			int queueId, int queueDepth, int verdict, DropReason drop);

}
