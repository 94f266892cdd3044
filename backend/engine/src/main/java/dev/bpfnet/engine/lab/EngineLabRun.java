package dev.bpfnet.engine.lab;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.bpfnet.engine.datapath.Datapath;
import dev.bpfnet.engine.datapath.Engine;
import dev.bpfnet.engine.hook.ObjectSource;
import dev.bpfnet.engine.run.RunOptions;
import dev.bpfnet.engine.run.RunReport;
import dev.bpfnet.engine.run.RunSession;
import dev.bpfnet.engine.run.RunState;
import dev.bpfnet.engine.run.RunStatus;
import dev.bpfnet.engine.topology.TopologyDocument;
import dev.bpfnet.engine.trace.Context;
import dev.bpfnet.engine.trace.DropCounter;
import dev.bpfnet.engine.trace.DropReason;
import dev.bpfnet.engine.trace.LatencyRecorder.LatencySummary;
import dev.bpfnet.engine.trace.Names;
import dev.bpfnet.engine.trace.PathRecorder;
import dev.bpfnet.engine.trace.Step;
import dev.bpfnet.engine.trace.TraceSink;

/**
 * A {@link LabRun} over a finished {@link RunSession} that recorded paths: its
 * {@link PathRecorder}, {@link DropCounter}, {@link RunReport} and the {@link Engine}'s
 * latency and CPU accounting.
 *
 * <p>
 * A packet belongs to flow {@code k} when the task that created it (the first step of its
 * path in process context) is one of the flow's tasks, named {@code node/FLOW/ROLE} by
 * the traffic package ({@code tx} and {@code client} send forward, {@code server} and
 * {@code echo} reverse).
 */
public final class EngineLabRun implements LabRun {

	private final String name;

	private final RunSession session;

	private final RunReport report;

	private final List<String> flows;

	private final List<PacketPath> packets;

	/**
	 * Runs {@code doc} in a batch {@link RunSession} for {@code durationNs}, paths
	 * recorded.
	 * @param name the run's name in the lab
	 * @param doc the topology
	 * @param objectBase directory the programs' object paths are relative to
	 * @param durationNs simulated time to run
	 * @return the finished run
	 * @throws dev.bpfnet.engine.hook.ProgramLoadException if a program cannot be loaded
	 * @throws IllegalArgumentException if the document cannot be built or the run fails
	 */
	public static EngineLabRun run(String name, TopologyDocument doc, Path objectBase, long durationNs) {
		RunSession session = RunSession.create(doc, ObjectSource.directory(objectBase), RunOptions.of(durationNs));
		RunStatus status = session.run();
		if (status.state() != RunState.FINISHED) {
			throw new IllegalArgumentException("run " + name + " ended " + status.state() + ": " + status.reason());
		}
		return new EngineLabRun(name, session);
	}

	/**
	 * Reads a finished session (for example one the server ran).
	 * @param name the run's name in the lab
	 * @param session a session that has ended and recorded paths
	 * @throws IllegalArgumentException if it has not ended or recorded no paths
	 */
	public EngineLabRun(String name, RunSession session) {
		if (!session.status().state().ended()) {
			throw new IllegalArgumentException("run " + name + " has not ended: " + session.status().state());
		}
		if (!session.options().recordPaths()) {
			throw new IllegalArgumentException("run " + name + " did not record packet paths");
		}
		this.name = name;
		this.session = session;
		this.report = session.report();
		this.flows = session.engine().document().traffic().stream().map(t -> t.name()).toList();
		this.packets = paths(session.paths(), session.engine().names(), this.flows);
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

	/** The session, ended. */
	public RunSession session() {
		return this.session;
	}

	/** The run's report (what {@code bpfnet run --json} prints). */
	public RunReport report() {
		return this.report;
	}

	/** The SHA-256 of the run's trace, hex. */
	public String traceSha256() {
		return this.report.traceSha256();
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
		return this.session.drops().byReason();
	}

	@Override
	public LatencySummary latency(int flow) {
		return this.session.engine().latency().summary(flow);
	}

	@Override
	public long cpuNs(Context ctx, String node) {
		long ns = 0;
		boolean found = false;
		Engine engine = this.session.engine();
		for (Datapath dp : engine.nodes()) {
			if (node != null && !dp.node().equals(node)) {
				continue;
			}
			found = true;
			for (int c = 0; c < dp.cpus().size(); c++) {
				ns += engine.accounting().contextNs(dp.cpus().cpu(c).id(), ctx);
			}
		}
		if (!found) {
			throw new IllegalArgumentException("node: run " + this.name + " has no node " + node);
		}
		return ns;
	}

	@Override
	public long sent() {
		return this.report.packets().sent();
	}

	@Override
	public long delivered() {
		return this.report.packets().delivered();
	}

}
