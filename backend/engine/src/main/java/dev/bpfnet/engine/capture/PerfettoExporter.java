package dev.bpfnet.engine.capture;

import java.io.OutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.bpfnet.engine.datapath.Datapath;
import dev.bpfnet.engine.datapath.Engine;
import dev.bpfnet.engine.trace.Context;
import dev.bpfnet.engine.trace.DropReason;
import dev.bpfnet.engine.trace.Function;
import dev.bpfnet.engine.trace.Names;
import dev.bpfnet.engine.trace.PathRecorder;
import dev.bpfnet.engine.trace.Step;
import dev.bpfnet.engine.trace.TraceSink;
import dev.bpfnet.engine.trace.Verdict;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes a recorded trace as Chrome/Perfetto trace-event JSON ({@code {"traceEvents":
 * [...], "displayTimeUnit": "ns"}}), streamed with Jackson's {@link JsonGenerator} (the
 * JSON is never held in memory), for {@code ui.perfetto.dev} or {@code chrome://tracing}:
 * <ul>
 * <li>one process per node ({@code pid} = node index + 1), one thread per CPU
 * ({@code tid} = run-wide CPU id + 1, named as the engine names the CPU), and one thread
 * per NIC that sent or received on a wire ({@code tid} = {@link #NIC_TID_BASE} + trace
 * device id, named {@code node/ns/dev phy}) for the hardware events {@code phy_tx} and
 * {@code phy_rx} (category {@code nic}, zero duration): they happen at simulator time,
 * outside any CPU's call chain, so on a CPU's track they would cut into (and misnest
 * with) whatever that CPU was running;</li>
 * <li>a complete event ({@code ph: X}) per modelled function, nested inside a parent
 * slice for each run of one context on that CPU, named by the context: the task's name in
 * process context, {@code softirq} (inline {@code __do_softirq}), the {@code ksoftirqd/N}
 * task's name, or {@code hardirq}; the category ({@code cat}) is the context too
 * ({@code task}, {@code softirq}, {@code ksoftirqd}, {@code hardirq}), and the args carry
 * skb, device, queue, depth, verdict and drop reason;</li>
 * <li>flow events ({@code ph: s/t/f}, {@code id} = skb id, bound to the enclosing slice
 * with {@code bp: e}) linking each packet's steps, for packets with two steps or
 * more;</li>
 * <li>a counter ({@code ph: C}) per queue, named by the queue, with its depth at each
 * event that touched it.</li>
 * </ul>
 * Events are written in time order (ties in trace order, parents before children).
 *
 * <p>
 * <b>Durations.</b> The trace has the time each function started on its CPU's clock, and
 * a CPU's clock advances by the cost charged, so a function lasts until the next event of
 * the same CPU when that event is in the same context and task and no more than
 * {@link #MAX_GAP_NS} later; otherwise (the end of a chain, before the CPU idles or
 * switches) its cost is not in the trace and the slice is drawn with zero duration.
 * Memory: 20 bytes per step for the ordering and durations, besides the recorder.
 */
public final class PerfettoExporter {

	/** Gaps longer than this end a run (a chain step is a few µs). */
	public static final long MAX_GAP_NS = 100_000;

	/** The {@code tid} of a NIC's track is this plus its trace device id. */
	public static final int NIC_TID_BASE = 1_000_000;

	private final PathRecorder recorder;

	private final Names names;

	private final List<String> nodes;

	private final int[] nodeOfCpu;

	/**
	 * @param recorder the trace
	 * @param names the run's names
	 * @param nodes node names, in order (pid = index + 1)
	 * @param nodeOfCpu node index of each run-wide CPU id
	 */
	public PerfettoExporter(PathRecorder recorder, Names names, List<String> nodes, int[] nodeOfCpu) {
		this.recorder = recorder;
		this.names = names;
		this.nodes = List.copyOf(nodes);
		this.nodeOfCpu = nodeOfCpu.clone();
	}

	/** An exporter for a run of {@code engine} recorded by {@code recorder}. */
	public static PerfettoExporter of(Engine engine, PathRecorder recorder) {
		int total = 0;
		for (Datapath dp : engine.nodes()) {
			total += dp.cpus().size();
		}
		int[] nodeOfCpu = new int[total];
		List<String> nodes = new java.util.ArrayList<>();
		for (int k = 0; k < engine.nodes().size(); k++) {
			Datapath dp = engine.nodes().get(k);
			nodes.add(dp.node());
			for (int c = 0; c < dp.cpus().size(); c++) {
				nodeOfCpu[dp.cpus().cpu(c).id()] = k;
			}
		}
		return new PerfettoExporter(recorder, engine.names(), nodes, nodeOfCpu);
	}

	/**
	 * Writes the JSON to {@code out} (not closed).
	 * @param out the stream
	 */
	public void write(OutputStream out) {
		int n = this.recorder.size();
		long[] times = new long[n];
		long[] dur = new long[n];
		int[] runEnd = new int[n];
		Arrays.fill(runEnd, -1);
		int[] prevOnCpu = new int[Math.max(1, this.nodeOfCpu.length)];
		Arrays.fill(prevOnCpu, -1);
		int[] runStartOf = new int[n];
		TreeMap<Integer, Integer> nics = new TreeMap<>();
		for (int i = 0; i < n; i++) {
			Step s = this.recorder.step(i);
			times[i] = s.timeNs();
			if (isPhy(s)) {
				// hardware, on the NIC's own track: not part of any CPU's run
				nics.putIfAbsent(s.deviceId(), pid(s.cpu()));
				continue;
			}
			int c = s.cpu();
			if (c >= prevOnCpu.length) {
				prevOnCpu = grow(prevOnCpu, c + 1);
			}
			int p = prevOnCpu[c];
			boolean sameRun = false;
			if (p >= 0) {
				Step ps = this.recorder.step(p);
				long gap = s.timeNs() - ps.timeNs();
				sameRun = ps.ctx() == s.ctx() && ps.taskId() == s.taskId() && gap >= 0 && gap <= MAX_GAP_NS;
				if (sameRun) {
					dur[p] = gap;
				}
			}
			runStartOf[i] = sameRun ? runStartOf[p] : i;
			runEnd[runStartOf[i]] = i;
			prevOnCpu[c] = i;
		}
		int[] order = sortedByTime(times);
		try (JsonGenerator g = JsonMapper.builder().build().createGenerator(out)) {
			g.writeStartObject();
			g.writeStringProperty("displayTimeUnit", "ns");
			g.writeName("traceEvents");
			g.writeStartArray();
			metadata(g, nics);
			for (int i : order) {
				Step s = this.recorder.step(i);
				int pid = pid(s.cpu());
				boolean phy = isPhy(s);
				int tid = phy ? NIC_TID_BASE + s.deviceId() : s.cpu() + 1;
				String cat = phy ? "nic" : category(s.ctx());
				if (!phy && runEnd[i] >= 0) {
					long end = times[runEnd[i]] + dur[runEnd[i]];
					g.writeStartObject();
					g.writeStringProperty("name", runName(s));
					g.writeStringProperty("cat", category(s.ctx()));
					g.writeStringProperty("ph", "X");
					ts(g, s.timeNs());
					g.writeName("dur");
					g.writeNumber((end - s.timeNs()) / 1000.0);
					g.writeNumberProperty("pid", pid);
					g.writeNumberProperty("tid", tid);
					g.writeEndObject();
				}
				g.writeStartObject();
				g.writeStringProperty("name", s.fn().kernelName());
				g.writeStringProperty("cat", cat);
				g.writeStringProperty("ph", "X");
				ts(g, s.timeNs());
				g.writeName("dur");
				g.writeNumber(dur[i] / 1000.0);
				g.writeNumberProperty("pid", pid);
				g.writeNumberProperty("tid", tid);
				g.writeName("args");
				g.writeStartObject();
				if (s.skbId() != TraceSink.NO_SKB) {
					g.writeNumberProperty("skb", s.skbId());
				}
				g.writeStringProperty("context", cat);
				if (s.taskId() != TraceSink.NO_ID) {
					g.writeStringProperty("task", this.names.name(Names.Kind.TASK, s.taskId()));
				}
				if (s.deviceId() != TraceSink.NO_ID) {
					g.writeStringProperty("device", this.names.name(Names.Kind.DEVICE, s.deviceId()));
				}
				if (s.queueId() != TraceSink.NO_ID) {
					g.writeStringProperty("queue", this.names.name(Names.Kind.QUEUE, s.queueId()));
					g.writeNumberProperty("depth", s.queueDepth());
				}
				if (s.verdict() != TraceSink.NO_VERDICT) {
					Verdict v = s.verdictValue();
					g.writeStringProperty("verdict", (v != null) ? v.name() : Integer.toString(s.verdict()));
				}
				if (s.drop() != DropReason.NOT_DROPPED_YET) {
					g.writeStringProperty("drop", s.drop().name());
				}
				g.writeEndObject();
				g.writeEndObject();
				if (s.skbId() != TraceSink.NO_SKB) {
					flow(g, s, pid, tid);
				}
				if (s.queueId() != TraceSink.NO_ID && s.queueDepth() >= 0) {
					g.writeStartObject();
					g.writeStringProperty("name", this.names.name(Names.Kind.QUEUE, s.queueId()));
					g.writeStringProperty("ph", "C");
					ts(g, s.timeNs());
					g.writeNumberProperty("pid", pid);
					g.writeName("args");
					g.writeStartObject();
					g.writeNumberProperty("depth", s.queueDepth());
					g.writeEndObject();
					g.writeEndObject();
				}
			}
			g.writeEndArray();
			g.writeEndObject();
		}
	}

	private void flow(JsonGenerator g, Step s, int pid, int tid) {
		int[] rows = this.recorder.pathRows(s.skbId());
		if (rows.length < 2) {
			return;
		}
		String ph = (rows[0] == s.index()) ? "s" : (rows[rows.length - 1] == s.index()) ? "f" : "t";
		g.writeStartObject();
		g.writeStringProperty("name", "skb");
		g.writeStringProperty("cat", "skb");
		g.writeStringProperty("ph", ph);
		g.writeNumberProperty("id", s.skbId());
		ts(g, s.timeNs());
		g.writeNumberProperty("pid", pid);
		g.writeNumberProperty("tid", tid);
		g.writeStringProperty("bp", "e");
		g.writeEndObject();
	}

	/**
	 * {@code phy_tx}/{@code phy_rx}: a NIC's hardware putting a frame on the wire or
	 * taking one off it (the trace gives them the irq CPU's id but no CPU runs them).
	 */
	static boolean isPhy(Step s) {
		return (s.fn() == Function.PHY_TX || s.fn() == Function.PHY_RX) && s.deviceId() != TraceSink.NO_ID;
	}

	private void metadata(JsonGenerator g, Map<Integer, Integer> nics) {
		for (int k = 0; k < this.nodes.size(); k++) {
			meta(g, "process_name", k + 1, 0, "name", this.nodes.get(k));
		}
		for (int c = 0; c < this.nodeOfCpu.length; c++) {
			meta(g, "thread_name", pid(c), c + 1, "name", this.names.name(Names.Kind.CPU, c));
			g.writeStartObject();
			g.writeStringProperty("name", "thread_sort_index");
			g.writeStringProperty("ph", "M");
			g.writeNumberProperty("pid", pid(c));
			g.writeNumberProperty("tid", c + 1);
			g.writeName("args");
			g.writeStartObject();
			g.writeNumberProperty("sort_index", c);
			g.writeEndObject();
			g.writeEndObject();
		}
		for (Map.Entry<Integer, Integer> nic : nics.entrySet()) {
			int tid = NIC_TID_BASE + nic.getKey();
			meta(g, "thread_name", nic.getValue(), tid, "name",
					this.names.name(Names.Kind.DEVICE, nic.getKey()) + " phy");
			g.writeStartObject();
			g.writeStringProperty("name", "thread_sort_index");
			g.writeStringProperty("ph", "M");
			g.writeNumberProperty("pid", nic.getValue());
			g.writeNumberProperty("tid", tid);
			g.writeName("args");
			g.writeStartObject();
			g.writeNumberProperty("sort_index", this.nodeOfCpu.length + nic.getKey());
			g.writeEndObject();
			g.writeEndObject();
		}
	}

	private static void meta(JsonGenerator g, String name, int pid, int tid, String key, String value) {
		g.writeStartObject();
		g.writeStringProperty("name", name);
		g.writeStringProperty("ph", "M");
		g.writeNumberProperty("pid", pid);
		g.writeNumberProperty("tid", tid);
		g.writeName("args");
		g.writeStartObject();
		g.writeStringProperty(key, value);
		g.writeEndObject();
		g.writeEndObject();
	}

	private static void ts(JsonGenerator g, long ns) {
		g.writeName("ts");
		g.writeNumber(ns / 1000.0);
	}

	private int pid(int cpu) {
		return (cpu >= 0 && cpu < this.nodeOfCpu.length) ? this.nodeOfCpu[cpu] + 1 : 0;
	}

	private String runName(Step s) {
		return switch (s.ctx()) {
			case TASK, KSOFTIRQD ->
				(s.taskId() != TraceSink.NO_ID) ? this.names.name(Names.Kind.TASK, s.taskId()) : category(s.ctx());
			case SOFTIRQ -> "softirq";
			case HARDIRQ -> "hardirq";
		};
	}

	/** The category of a context: {@code task}, {@code softirq}, ... */
	static String category(Context ctx) {
		return switch (ctx) {
			case TASK -> "task";
			case HARDIRQ -> "hardirq";
			case SOFTIRQ -> "softirq";
			case KSOFTIRQD -> "ksoftirqd";
		};
	}

	/** Step indices ordered by time, ties by index (a stable sort). */
	static int[] sortedByTime(long[] times) {
		int n = times.length;
		int[] order = new int[n];
		boolean sorted = true;
		for (int i = 0; i < n; i++) {
			order[i] = i;
			sorted &= (i == 0 || times[i - 1] <= times[i]);
		}
		if (sorted) {
			return order;
		}
		int[] tmp = new int[n];
		for (int width = 1; width < n; width *= 2) {
			for (int lo = 0; lo < n; lo += 2 * width) {
				int mid = Math.min(lo + width, n);
				int hi = Math.min(lo + 2 * width, n);
				int a = lo;
				int b = mid;
				int k = lo;
				while (a < mid && b < hi) {
					tmp[k++] = (times[order[b]] < times[order[a]]) ? order[b++] : order[a++];
				}
				while (a < mid) {
					tmp[k++] = order[a++];
				}
				while (b < hi) {
					tmp[k++] = order[b++];
				}
			}
			int[] t = order;
			order = tmp;
			tmp = t;
		}
		return order;
	}

	private static int[] grow(int[] a, int n) {
		int[] b = Arrays.copyOf(a, Math.max(n, a.length * 2));
		Arrays.fill(b, a.length, b.length, -1);
		return b;
	}

}
