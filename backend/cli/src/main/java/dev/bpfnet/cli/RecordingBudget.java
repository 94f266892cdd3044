package dev.bpfnet.cli;

import dev.bpfnet.engine.capture.CaptureSession;
import dev.bpfnet.engine.run.RunSession;
import dev.bpfnet.engine.run.RunStatus;
import dev.bpfnet.engine.trace.Context;
import dev.bpfnet.engine.trace.DropReason;
import dev.bpfnet.engine.trace.Function;
import dev.bpfnet.engine.trace.TraceSink;

/**
 * Keeps {@code bpfnet run} inside the Java heap when an output holds the run in memory
 * until the end ({@code --perfetto} keeps every step in a path recorder, about
 * {@value TopologyRunCommand#PERFETTO_BYTES_PER_EVENT} bytes each with the exporter's
 * share; {@code --latency-csv} a row per skb): it counts trace events and, at the number
 * that fits in 60% of the heap, asks the run to stop. The command then prints the results
 * of the part that ran and this budget's message, and exits 1, instead of dying with an
 * {@link OutOfMemoryError} after minutes. Outputs that stream to files ({@code --pcap},
 * {@code --path-capture}, {@code --out}) need no budget.
 */
final class RecordingBudget implements TraceSink {

	private final long maxEvents;

	private final long heapBytes;

	private final String what;

	private RunSession session;

	private long events;

	private boolean tripped;

	private RecordingBudget(long maxEvents, long heapBytes, String what) {
		this.maxEvents = maxEvents;
		this.heapBytes = heapBytes;
		this.what = what;
	}

	/**
	 * The budget of a capture request.
	 * @param request what the run writes
	 * @param heapBytes the heap to stay within ({@link Runtime#maxMemory()})
	 * @return the budget (unlimited when nothing is held in memory)
	 */
	static RecordingBudget of(CaptureSession.Request request, long heapBytes) {
		long perEvent;
		String what;
		if (request.perfetto() != null) {
			perEvent = TopologyRunCommand.PERFETTO_BYTES_PER_EVENT;
			what = "--perfetto keeps every step of the run in memory";
		}
		else if (request.latencyCsv() != null) {
			perEvent = TopologyRunCommand.LATENCY_CSV_BYTES_PER_EVENT;
			what = "--latency-csv keeps a row per packet in memory";
		}
		else {
			return new RecordingBudget(Long.MAX_VALUE, heapBytes, null);
		}
		return new RecordingBudget(Math.max(1, (long) (heapBytes * 0.6) / perEvent), heapBytes, what);
	}

	/** The session to stop when the budget is spent. */
	void watch(RunSession session) {
		this.session = session;
	}

	/** The trace events the budget allows. */
	long maxEvents() {
		return this.maxEvents;
	}

	/** Whether the budget stopped the run. */
	boolean tripped() {
		return this.tripped;
	}

	@Override
	public void event(long timeNs, long skbId, int cpu, Context ctx, int taskId, Function fn, int deviceId, int netnsId,
			int queueId, int queueDepth, int verdict, DropReason drop) {
		if (++this.events == this.maxEvents && this.session != null) {
			this.tripped = true;
			this.session.stop();
		}
	}

	/**
	 * What to tell the user once the budget stopped the run.
	 * @param status the run's final status
	 * @return the message
	 */
	String message(RunStatus status) {
		return this.what + ": the run was stopped after " + this.maxEvents + " trace events, at " + status.simulatedNs()
				+ " of " + status.durationNs() + " ns of simulated time, to stay within " + "the Java heap ("
				+ (this.heapBytes >> 20) + " MiB); the results and files cover that part only. "
				+ "Use a shorter --duration or a lower traffic rate, --out DIR (streams the whole trace to disk), "
				+ "or a bigger heap (BPFNET_JAVA_OPTS=-Xmx4g)";
	}

}
