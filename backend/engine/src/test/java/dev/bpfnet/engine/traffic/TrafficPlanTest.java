package dev.bpfnet.engine.traffic;

import java.util.List;
import java.util.OptionalLong;

import dev.bpfnet.engine.topology.IpEndpoint;
import dev.bpfnet.engine.topology.NamespaceRef;
import dev.bpfnet.engine.topology.Traffic;
import dev.bpfnet.engine.trace.LatencyRecorder.LatencySummary;
import dev.bpfnet.engine.trace.Names;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrafficPlanTest {

	static final NamespaceRef A = NamespaceRef.of("n1/a");

	static final IpEndpoint TO = IpEndpoint.of("10.0.0.2:5001");

	static TrafficBench bench(long seed) {
		TrafficBench bench = new TrafficBench(2, 3_000, seed);
		bench.owners.put("10.0.0.1", A);
		bench.owners.put("10.0.0.2", NamespaceRef.of("n1/b"));
		return bench;
	}

	static List<Traffic> document() {
		return List.of(
				new Traffic.ConstantRate("cr", A, TO, 64, Traffic.Rate.bits(84_800_000L), OptionalLong.of(10), 0,
						1_000),
				new Traffic.Poisson("po", A, IpEndpoint.of("10.0.0.2:5002"), 100, Traffic.Rate.pps(20_000),
						OptionalLong.of(500), 0, 0),
				new Traffic.Burst("bu", A, IpEndpoint.of("10.0.0.2:5003"), 32, 8, 1_000_000L, OptionalLong.of(2), 1, 0),
				new Traffic.RequestResponse("rr", A, IpEndpoint.of("10.0.0.2:7000"), 64, 256, 25, 1, 0, 0));
	}

	@Test
	void buildsSourcesSinksAndRequestResponsePairsFromTheDocument() {
		TrafficBench bench = bench(1);
		TrafficPlan plan = TrafficPlan.fromTopology(document(), bench, bench.env);
		plan.start();
		bench.sim.run();

		List<TrafficPlan.Flow> flows = plan.flows();
		assertThat(flows).extracting(TrafficPlan.Flow::flowId).containsExactly(0, 1, 2, 3);
		TrafficPlan.UdpFlow cr = (TrafficPlan.UdpFlow) flows.get(0);
		assertThat(cr.source()).isInstanceOf(ConstantRateUdp.class);
		// 84.8 Mbit/s of 106-byte frames = 100 kpps
		assertThat(((ConstantRateUdp) cr.source()).intervalNs()).isEqualTo(10_000.0);
		assertThat(cr.sink().received()).isEqualTo(10);
		assertThat(cr.source().task().name()).isEqualTo("cr/tx");
		TrafficPlan.UdpFlow po = (TrafficPlan.UdpFlow) flows.get(1);
		assertThat(((PoissonUdp) po.source()).meanIntervalNs()).isEqualTo(50_000);
		assertThat(po.sink().received()).isEqualTo(500);
		TrafficPlan.UdpFlow bu = (TrafficPlan.UdpFlow) flows.get(2);
		assertThat(bu.sink().received()).isEqualTo(16);
		assertThat(bu.source().task().cpu().index()).isEqualTo(1);
		assertThat(bu.sink().task().cpu().index()).isEqualTo(1);
		TrafficPlan.RequestResponseFlow rr = (TrafficPlan.RequestResponseFlow) flows.get(3);
		assertThat(rr.client().transactions()).isEqualTo(25);
		assertThat(rr.client().task().cpu().index()).isEqualTo(1);
		assertThat(rr.server().task().cpu().index()).isEqualTo(0);
		assertThat(bench.unroutable).isZero();
		// one latency flow per traffic, source ports from the ephemeral range
		for (int k = 0; k < 4; k++) {
			assertThat(bench.latency.summary(k).count()).isPositive();
		}
		assertThat(bench.sent).filteredOn(s -> TrafficBench.dst(s.frame()).equals(TO))
			.allSatisfy(s -> assertThat(s.frame()[34] & 0xff).isEqualTo(0x80)); // src
																				// port
																				// 32768
		Names names = new Names();
		plan.registerNames(names);
		assertThat(names.name(Names.Kind.FLOW, 3)).isEqualTo("rr");
	}

	@Test
	void sameSeedSameLatenciesAndTrace() {
		TrafficBench a = run(42);
		TrafficBench b = run(42);
		TrafficBench c = run(43);
		for (int k = 0; k < 4; k++) {
			LatencySummary sa = a.latency.summary(k);
			assertThat(sa).isEqualTo(b.latency.summary(k));
		}
		assertThat(a.hasher.hex()).isEqualTo(b.hasher.hex());
		assertThat(a.hasher.events()).isPositive();
		assertThat(c.hasher.hex()).isNotEqualTo(a.hasher.hex());
		assertThat(c.latency.summary(1)).isNotEqualTo(a.latency.summary(1));
	}

	private static TrafficBench run(long seed) {
		TrafficBench bench = bench(seed);
		TrafficPlan.fromTopology(document(), bench, bench.env).start();
		bench.sim.run();
		return bench;
	}

	@Test
	void rejectsAFlowIdOutsideTheEphemeralRange() {
		TrafficBench bench = bench(1);
		assertThatThrownBy(() -> TrafficPlan.fromTopology(document().get(0), 30_000, bench, bench.env))
			.hasMessageContaining("flowId");
	}

	@Test
	void aTakenEndpointIsRejected() {
		TrafficBench bench = bench(1);
		Traffic t = document().get(0);
		TrafficPlan.fromTopology(t, 0, bench, bench.env);
		assertThatThrownBy(() -> TrafficPlan.fromTopology(t, 1, bench, bench.env)).hasMessageContaining("taken");
	}

}
