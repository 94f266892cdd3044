package dev.bpfnet.engine.lab;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.bpfnet.engine.datapath.Datapath;
import dev.bpfnet.engine.datapath.Engine;
import dev.bpfnet.engine.topology.TopologyDocument;
import dev.bpfnet.engine.trace.Context;
import dev.bpfnet.engine.trace.DropCounter;
import dev.bpfnet.engine.trace.DropReason;
import dev.bpfnet.engine.trace.Function;
import dev.bpfnet.engine.trace.LatencyRecorder.LatencySummary;
import dev.bpfnet.engine.trace.Names;
import dev.bpfnet.engine.trace.PathRecorder;
import dev.bpfnet.engine.trace.Step;
import dev.bpfnet.engine.trace.Tee;
import dev.bpfnet.engine.trace.TraceHasher;
import dev.bpfnet.engine.trace.TraceSink;

/**
 * A {@link LabRun} over a finished {@link Engine} run: the engine with a
 * {@link PathRecorder}, a {@link DropCounter} and a {@link TraceHasher} on its trace, run
 * for the lab's duration at construction.
 *
 * <p>
 * A packet belongs to flow {@code k} when the task that created it (the first step of its
 * path with a task id) is one of the flow's tasks, named {@code node/FLOW/ROLE} by the
 * traffic package ({@code tx} and {@code client} send forward, {@code server} and
 * {@code echo} reverse).
 */
public final class EngineLabRun implements LabRun {

	private final String name;

	private final Engine engine;

	private final DropCounter drops = new DropCounter();

	private final TraceHasher hasher = new TraceHasher();

	private final List<String> flows;

	private final List<PacketPath> packets;

	private long sent;

	/**
	 * Builds the engine of {@code doc} and runs it.
	 * @param name the run's name in the lab
	 * @param doc the topology
	 * @param objectBase directory the programs' object paths are relative to
	 * @param durationNs simulated time to run
	 * @throws dev.bpfnet.engine.hook.ProgramLoadException if a program cannot be loaded
	 * @throws IllegalArgumentException if the document cannot be built
	 */
	public EngineLabRun(String name, TopologyDocument doc, Path objectBase, long durationNs) {
		this.name = name;
		PathRecorder paths = new PathRecorder();
		TraceSink sends = (t, skb, cpu, ctx, task, fn, dev, ns, q, depth, verdict, drop) -> {
			if (fn == Function.UDP_SENDMSG) {
				this.sent++;
			}
		};
		this.engine = new Engine(doc, objectBase, Datapath.Options.of(Tee.of(paths, this.drops, this.hasher, sends)));
		this.engine.run(durationNs);
		this.flows = doc.traffic().stream().map(t -> t.name()).toList();
		this.packets = paths(paths, this.engine.names(), this.flows);
	}

	private static List<PacketPath> paths(PathRecorder rec, Names names, List<String> flows) {
		Map<Long, List<Step>> bySkb = new LinkedHashMap<>();
		final int page = 4096;
		for (long off = 0; off < rec.size(); off += page) {
			for (Step s : rec.steps(off, page).items()) {
				if (s.skbId() != TraceSink.NO_SKB) {
					bySkb.computeIfAbsent(s.skbId(), k -> new ArrayList<>()).add(s);
				}
			}
		}
		List<PacketPath> out = new ArrayList<>(bySkb.size());
		for (Map.Entry<Long, List<Step>> e : bySkb.entrySet()) {
			int flow = -1;
			Direction dir = Direction.NONE;
			for (Step s : e.getValue()) {
				if (s.taskId() != TraceSink.NO_ID && s.ctx() == Context.TASK) {
					String task = names.name(Names.Kind.TASK, s.taskId());
					String[] parts = (task == null) ? new String[0] : task.split("/");
					if (parts.length == 3) {
						flow = flows.indexOf(parts[1]);
						dir = switch (parts[2]) {
							case "tx", "client" -> Direction.FORWARD;
							case "server", "echo" -> Direction.REVERSE;
							default -> Direction.NONE;
						};
						if (flow < 0) {
							dir = Direction.NONE;
						}
					}
					break;
				}
			}
			out.add(new PacketPath(e.getKey(), flow, dir, e.getValue()));
		}
		return Collections.unmodifiableList(out);
	}

	/** The engine, after its run. */
	public Engine engine() {
		return this.engine;
	}

	/** The SHA-256 of the run's trace, hex. */
	public String traceSha256() {
		return this.hasher.hex();
	}

	@Override
	public String name() {
		return this.name;
	}

	@Override
	public List<String> flows() {
		return this.flows;
	}

	@Override
	public List<PacketPath> packets() {
		return this.packets;
	}

	@Override
	public Map<DropReason, Long> drops() {
		return this.drops.byReason();
	}

	@Override
	public LatencySummary latency(int flow) {
		return this.engine.latency().summary(flow);
	}

	@Override
	public long cpuNs(Context ctx, String node) {
		long ns = 0;
		boolean found = false;
		for (Datapath dp : this.engine.nodes()) {
			if (node != null && !dp.node().equals(node)) {
				continue;
			}
			found = true;
			for (int c = 0; c < dp.cpus().size(); c++) {
				ns += this.engine.accounting().contextNs(dp.cpus().cpu(c).id(), ctx);
			}
		}
		if (!found) {
			throw new IllegalArgumentException("node: run " + this.name + " has no node " + node);
		}
		return ns;
	}

	@Override
	public long sent() {
		return this.sent;
	}

	@Override
	public long delivered() {
		long n = 0;
		for (Datapath dp : this.engine.nodes()) {
			n += dp.delivered();
		}
		return n;
	}

}
