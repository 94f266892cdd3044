package dev.bpfnet.engine.datapath;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import dev.bpfnet.engine.cost.CostModel;
import dev.bpfnet.engine.fidelity.Fidelity;
import dev.bpfnet.engine.hook.ExecMode;
import dev.bpfnet.engine.topology.TopologyDocument;
import dev.bpfnet.engine.topology.TopologyParser;
import dev.bpfnet.engine.trace.Context;
import dev.bpfnet.engine.trace.DropReason;
import dev.bpfnet.engine.trace.Function;
import dev.bpfnet.engine.trace.TraceSink;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Causality across CPUs: call chains run ahead of the simulator on their CPU's cursor, so
 * state that one CPU's chain writes and another CPU reads must not be seen before the
 * time it was written. Observable consequence checked here: <b>no packet's path goes back
 * in time</b> (each skb's trace events have non-decreasing times), for any seed, on
 * topologies where skbs cross CPUs: {@code causality-stress.yaml} (RPS on every receive
 * queue, four senders sharing a NIC, bursts into remote backlogs) and the four-stream
 * pod-egress fidelity scenario. Before the backlog kept enqueue times, an skb steered by
 * RPS was taken by the remote CPU's {@code process_backlog} up to 0.5 ms before its
 * {@code enqueue_to_backlog}.
 */
class CausalityProperties {

	private static final Path STRESS = Path.of("src/test/resources/engine/causality-stress.yaml");

	private static final long DURATION_NS = 20_000_000;

	/** Records, per skb, the last event time and the first step that went back. */
	static final class PathTimes implements TraceSink {

		private final Map<Long, Long> last = new HashMap<>();

		private final Map<Long, String> lastStep = new HashMap<>();

		String firstViolation;

		long crossCpuEnqueues;

		private final Map<Long, Integer> lastCpu = new HashMap<>();

		@Override
		public void event(long timeNs, long skbId, int cpu, Context ctx, int taskId, Function fn, int deviceId,
				int netnsId, int queueId, int queueDepth, int verdict, DropReason drop) {
			if (skbId == NO_SKB) {
				return;
			}
			String step = fn.kernelName() + " on cpu " + cpu + " (" + ctx + ") at " + timeNs + " ns";
			Long previous = this.last.put(skbId, timeNs);
			String previousStep = this.lastStep.put(skbId, step);
			Integer previousCpu = this.lastCpu.put(skbId, cpu);
			if (fn == Function.PROCESS_BACKLOG && previousCpu != null && previousCpu != cpu) {
				this.crossCpuEnqueues++;
			}
			if (previous != null && timeNs < previous && this.firstViolation == null) {
				this.firstViolation = "skb " + skbId + ": " + previousStep + ", then " + step;
			}
		}

	}

	@Provide
	Arbitrary<Long> seeds() {
		return Arbitraries.longs();
	}

	@Property(tries = 5)
	void noPacketPathGoesBackInTimeWithRpsOnEveryQueue(@ForAll("seeds") long seed) {
		TopologyDocument parsed = TopologyParser.parse(STRESS);
		TopologyDocument doc = new TopologyDocument(parsed.name(), seed, parsed.nodes(), parsed.wires(),
				parsed.programs(), parsed.attach(), parsed.traffic(), parsed.costs());
		PathTimes times = new PathTimes();
		new Engine(doc, Labs.OBJECTS, Datapath.Options.of(times)).run(DURATION_NS);
		assertThat(times.crossCpuEnqueues).as("skbs processed from another CPU's backlog").isGreaterThan(1_000);
		assertThat(times.firstViolation).as("first step back in time").isNull();
	}

	@Property(tries = 3)
	void noPacketPathGoesBackInTimeWithFourSendersOnOneNic(@ForAll("seeds") long seed, @ForAll boolean bpfnet) {
		PathTimes times = new PathTimes();
		Engine e = new Engine(Fidelity.podEgressTopology(seed, bpfnet, 4), Path.of("."),
				new Datapath.Options(ExecMode.INTERPRETER, times, Fidelity.schedParams(), CostModel.defaults()));
		e.run(DURATION_NS);
		assertThat(times.firstViolation).as("first step back in time").isNull();
	}

}
