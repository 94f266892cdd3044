package dev.bpfnet.engine.datapath;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

import dev.bpfnet.engine.topology.TopologyDocument;
import dev.bpfnet.engine.topology.TopologyParser;
import dev.bpfnet.engine.trace.Context;
import dev.bpfnet.engine.trace.DropCounter;
import dev.bpfnet.engine.trace.PathRecorder;
import dev.bpfnet.engine.trace.QueueDepthRecorder;
import dev.bpfnet.engine.trace.Tee;
import dev.bpfnet.engine.trace.TraceHasher;
import dev.bpfnet.engine.trace.TraceSink;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Recording observes only: a whole run (two nodes, a wire, request-response and
 * constant-rate traffic) with every standard recorder behind a {@link Tee} gives exactly
 * the results of the same run with recording off, for any seed, and the recorders agree
 * with each other.
 */
class RecordingOnOffProperties {

	private static final Path DIR = Path.of("src/test/resources/engine");

	private static final long DURATION_NS = 20_000_000;

	@Provide
	Arbitrary<String> files() {
		return Arbitraries.of("pod-egress-bpfnet.yaml", "pod-egress-veth.yaml");
	}

	@Property(tries = 6)
	void recordingOnGivesTheResultsOfRecordingOff(@ForAll("files") String file, @ForAll long seed) {
		TopologyDocument parsed = TopologyParser.parse(DIR.resolve(file));
		TopologyDocument doc = new TopologyDocument(parsed.name(), seed, parsed.nodes(), parsed.wires(),
				parsed.programs(), parsed.attach(), parsed.traffic(), parsed.costs());

		PathRecorder paths = new PathRecorder();
		QueueDepthRecorder queues = new QueueDepthRecorder();
		DropCounter drops = new DropCounter();
		TraceHasher hasher = new TraceHasher();
		Engine on = run(doc, Tee.of(paths, queues, drops, hasher));
		Engine off = run(doc, TraceSink.NONE);

		assertThat(results(on)).isEqualTo(results(off));
		assertThat(hasher.events()).isEqualTo(paths.size()).isGreaterThan(10_000);
		assertThat(drops.total()).isEqualTo(paths.dropCount());
		assertThat(queues.queueIds()).isNotEmpty();
		// the same seed again: the same trace
		TraceHasher again = new TraceHasher();
		run(doc, again);
		assertThat(again.hex()).isEqualTo(hasher.hex());
	}

	private static Engine run(TopologyDocument doc, TraceSink sink) {
		Engine e = new Engine(doc, Labs.OBJECTS, Datapath.Options.of(sink));
		e.run(DURATION_NS);
		return e;
	}

	/** Everything a run reports besides its trace. */
	private static List<Object> results(Engine e) {
		List<Object> r = new ArrayList<>();
		r.add(e.simulator().now());
		for (Datapath dp : e.nodes()) {
			r.add(List.of(dp.node(), dp.transmitted(), dp.delivered(), dp.deliveredToSockets(), dp.dropped(),
					dp.sendErrors()));
		}
		for (int cpu = 0; cpu < e.accounting().cpus(); cpu++) {
			r.add(e.accounting().busyNs(cpu));
			for (Context ctx : Context.values()) {
				r.add(e.accounting().contextNs(cpu, ctx));
			}
			for (int task : e.accounting().taskIds(cpu)) {
				r.add(List.of(task, e.accounting().taskNs(cpu, task)));
			}
		}
		for (int flow : e.latency().flowIds()) {
			r.add(e.latency().summary(flow));
		}
		return r;
	}

}
