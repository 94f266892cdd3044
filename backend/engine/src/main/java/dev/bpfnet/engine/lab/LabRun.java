package dev.bpfnet.engine.lab;

import java.util.List;
import java.util.Map;

import dev.bpfnet.engine.trace.Context;
import dev.bpfnet.engine.trace.DropReason;
import dev.bpfnet.engine.trace.Function;
import dev.bpfnet.engine.trace.LatencyRecorder.LatencySummary;
import dev.bpfnet.engine.trace.Step;

/**
 * What a lab check reads of one finished run: the packets' paths, drops by reason, the
 * flows' latency percentiles and the CPU time by context. {@link EngineLabRun} implements
 * it over an {@link dev.bpfnet.engine.datapath.Engine} and its recorders; a run report
 * from elsewhere (the server's runs) can implement it too.
 */
public interface LabRun {

	/** The run's name in the lab ({@code runs[i].name}). */
	String name();

	/** The flow names, flow id = index (the topology's {@code traffic} order). */
	List<String> flows();

	/** Every packet (skb) the run traced, in order of first appearance. */
	List<PacketPath> packets();

	/** The non-zero drop counts by reason. */
	Map<DropReason, Long> drops();

	/**
	 * The latency percentiles of a flow (one-way for UDP flows, round trips for
	 * request-response).
	 */
	LatencySummary latency(int flow);

	/**
	 * CPU time charged to a context.
	 * @param ctx the context
	 * @param node a node name, or {@code null} for every node
	 * @return nanoseconds
	 * @throws IllegalArgumentException for an unknown node
	 */
	long cpuNs(Context ctx, String node);

	/**
	 * Packets that entered the topology (every skb the run created; see
	 * {@link dev.bpfnet.engine.run.RunReport.Packets}).
	 */
	long sent();

	/**
	 * Packets an endpoint took on every node: queued to a socket or consumed by the
	 * stack.
	 */
	long delivered();

	/** Which way a packet of a flow goes. */
	enum Direction {

		/** Sent by the flow's source or request-response client. */
		FORWARD,

		/** Sent back by the flow's responder. */
		REVERSE,

		/** Not sent by a task of a flow. */
		NONE

	}

	/**
	 * One packet's path.
	 *
	 * @param skbId the skb id
	 * @param flow its flow id, or -1 when no flow's task sent it
	 * @param direction which way it goes
	 * @param steps its trace steps in order
	 */
	record PacketPath(long skbId, int flow, Direction direction, List<Step> steps) {

		public PacketPath {
			steps = List.copyOf(steps);
		}

		/** Whether some step ran {@code fn}. */
		public boolean contains(Function fn) {
			for (Step s : this.steps) {
				if (s.fn() == fn) {
					return true;
				}
			}
			return false;
		}

		/** Whether the packet was dropped. */
		public boolean dropped() {
			for (Step s : this.steps) {
				if (s.drop().isDrop()) {
					return true;
				}
			}
			return false;
		}

	}

}
