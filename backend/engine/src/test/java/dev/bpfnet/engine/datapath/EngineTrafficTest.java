package dev.bpfnet.engine.datapath;

import java.nio.file.Path;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.bpfnet.engine.topology.TopologyDocument;
import dev.bpfnet.engine.topology.TopologyParser;
import dev.bpfnet.engine.trace.LatencyRecorder;
import dev.bpfnet.engine.trace.TraceHasher;
import dev.bpfnet.engine.trace.TraceSink;
import dev.bpfnet.engine.traffic.TrafficPlan;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The two example topologies (copies with static neighbours in
 * {@code src/test/resources/engine}) run end to end: a request-response flow from the pod
 * to the remote and a constant-rate flow from the remote to the pod, with latencies.
 */
class EngineTrafficTest {

	private static final Path DIR = Path.of("src/test/resources/engine");

	private static final long DURATION_NS = 20_000_000;

	private static Engine run(String file, TraceSink sink) {
		TopologyDocument doc = TopologyParser.parse(DIR.resolve(file));
		Engine e = new Engine(doc, Labs.OBJECTS, Datapath.Options.of(sink));
		e.run(DURATION_NS);
		return e;
	}

	@ParameterizedTest
	@ValueSource(strings = { "pod-egress-bpfnet.yaml", "pod-egress-veth.yaml" })
	void requestResponseAndConstantRateRunToTheEndWithLatencies(String file) {
		Engine e = run(file, TraceSink.NONE);
		TrafficPlan.RequestResponseFlow rr = (TrafficPlan.RequestResponseFlow) e.plan().flows().get(0);
		TrafficPlan.UdpFlow cbr = (TrafficPlan.UdpFlow) e.plan().flows().get(1);

		assertThat(rr.client().finished()).as("all transactions done").isTrue();
		assertThat(rr.client().transactions()).isEqualTo(300);
		assertThat(rr.client().mismatched()).isZero();
		assertThat(rr.server().received()).isEqualTo(300);
		LatencyRecorder.LatencySummary rtt = e.latency().summary(rr.flowId());
		assertThat(rtt.count()).isEqualTo(300);
		// two wire crossings of 2 us plus serialisation and the stacks
		assertThat(rtt.minNs()).isGreaterThan(4_000);
		assertThat(rtt.p99Ns()).isLessThan(1_000_000);

		assertThat(cbr.source().sent()).isEqualTo(200);
		assertThat(cbr.sink().received()).isEqualTo(200);
		LatencyRecorder.LatencySummary oneWay = e.latency().summary(cbr.flowId());
		assertThat(oneWay.count()).isEqualTo(200);
		assertThat(oneWay.minNs()).isGreaterThan(2_000);

		for (Datapath dp : e.nodes()) {
			assertThat(dp.dropped()).as(dp.node() + " drops").isZero();
			assertThat(dp.sendErrors()).isZero();
		}
		assertThat(e.node("node1").deliveredToSockets()).isEqualTo(300 + 200);
		assertThat(e.node("remote").deliveredToSockets()).isEqualTo(300);
		assertThat(e.node("node1").delivered()).as("nothing to the default sink").isEqualTo(500);
		// frames that left on the wire: the requests from node1; responses and the
		// constant-rate
		// flow from the remote
		assertThat(e.node("node1").transmitted()).isEqualTo(300);
		assertThat(e.node("remote").transmitted()).isEqualTo(300 + 200);
		e.accounting().verify(e.simulator().now());
	}

	@ParameterizedTest
	@ValueSource(strings = { "pod-egress-bpfnet.yaml", "pod-egress-veth.yaml" })
	void twoRunsWithTheSameSeedGiveTheSameTrace(String file) {
		TraceHasher a = new TraceHasher();
		TraceHasher b = new TraceHasher();
		run(file, a);
		run(file, b);
		assertThat(a.hex()).isEqualTo(b.hex());
	}

}
