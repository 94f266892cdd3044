package dev.bpfnet.bench;

import java.util.concurrent.TimeUnit;

import dev.bpfnet.engine.trace.Context;
import dev.bpfnet.engine.trace.DropCounter;
import dev.bpfnet.engine.trace.DropReason;
import dev.bpfnet.engine.trace.Function;
import dev.bpfnet.engine.trace.PathRecorder;
import dev.bpfnet.engine.trace.QueueDepthRecorder;
import dev.bpfnet.engine.trace.Tee;
import dev.bpfnet.engine.trace.TraceHasher;
import dev.bpfnet.engine.trace.TraceSink;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Trace events per second into {@link TraceSink#NONE} (the baseline: reading the
 * pre-built events and one interface call), into a {@link PathRecorder} alone, and into
 * the full recording {@link Tee} (paths, queue depths, drop counts, {@code traceSha256}),
 * in the same run. One operation is one event; the events are the veth pod-egress path
 * (datapath.md §6 A, 10 steps per skb) replayed with new skb ids and times. Recorders are
 * replaced when they hold {@value #RESET_STEPS} steps, so the cost of growing (and of
 * allocating fresh chunks) is included, amortised.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
public class TraceBench {

	static final int BATCH = 1000;

	static final int RESET_STEPS = 1 << 21;

	private static final Function[] PATH_A = { Function.DEV_QUEUE_XMIT, Function.TCX_EGRESS, Function.VETH_XMIT,
			Function.DEV_FORWARD_SKB, Function.ENQUEUE_TO_BACKLOG, Function.PROCESS_BACKLOG,
			Function.NETIF_RECEIVE_SKB_CORE, Function.TCX_INGRESS, Function.SKB_DO_REDIRECT,
			Function.BPF_REDIRECT_NEIGH_V4 };

	final Function[] fn = new Function[BATCH];

	final Context[] ctx = new Context[BATCH];

	final int[] device = new int[BATCH];

	final int[] queue = new int[BATCH];

	final int[] depth = new int[BATCH];

	final int[] verdict = new int[BATCH];

	long base;

	TraceSink none;

	PathRecorder paths;

	TraceSink pathSink;

	PathRecorder teePaths;

	TraceSink tee;

	@Setup
	public void setup() {
		for (int k = 0; k < BATCH; k++) {
			int step = k % PATH_A.length;
			this.fn[k] = PATH_A[step];
			this.ctx[k] = (step < 5) ? Context.TASK : Context.SOFTIRQ;
			this.device[k] = (step < 4) ? 1 : (step < 9) ? 2 : 3;
			boolean backlog = step == 4 || step == 5;
			this.queue[k] = backlog ? 0 : TraceSink.NO_ID;
			this.depth[k] = backlog ? (k / PATH_A.length) % 64 + (step == 4 ? 1 : 0) : TraceSink.NO_ID;
			this.verdict[k] = (step == 1) ? -1 : (step == 7) ? 7 : TraceSink.NO_VERDICT;
		}
		this.none = TraceSink.NONE;
		newRecorders();
	}

	private void newRecorders() {
		this.paths = new PathRecorder();
		this.pathSink = this.paths;
		this.teePaths = new PathRecorder();
		this.tee = Tee.of(this.teePaths, new QueueDepthRecorder(), new DropCounter(), new TraceHasher());
	}

	private void feed(TraceSink sink) {
		long t = this.base;
		long skb = t / 10;
		for (int k = 0; k < BATCH; k++) {
			sink.event(t + k * 100L, skb + k / 10, 0, this.ctx[k], 1, this.fn[k], this.device[k], 1, this.queue[k],
					this.depth[k], this.verdict[k], DropReason.NOT_DROPPED_YET);
		}
		this.base = t + BATCH * 100L;
	}

	@Benchmark
	@OperationsPerInvocation(BATCH)
	public void baselineNone() {
		feed(this.none);
	}

	@Benchmark
	@OperationsPerInvocation(BATCH)
	public void pathRecorder() {
		if (this.paths.size() >= RESET_STEPS) {
			newRecorders();
		}
		feed(this.pathSink);
	}

	@Benchmark
	@OperationsPerInvocation(BATCH)
	public void fullTee() {
		if (this.teePaths.size() >= RESET_STEPS) {
			newRecorders();
		}
		feed(this.tee);
	}

}
