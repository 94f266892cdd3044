package dev.bpfnet.engine.traffic;

import java.util.List;

import dev.bpfnet.engine.cost.CostModel;
import dev.bpfnet.engine.cpu.CpuSet;
import dev.bpfnet.engine.cpu.Task;
import dev.bpfnet.engine.topology.IpEndpoint;
import dev.bpfnet.engine.trace.Context;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UdpSourcesTest {

	static final IpEndpoint SRC = IpEndpoint.of("10.0.0.1:40000");

	static final IpEndpoint DST = IpEndpoint.of("10.0.0.2:5001");

	static DatagramWriter writer(TrafficBench bench, int size) {
		return new DatagramWriter(TrafficPlan.template(SRC, DST, size), 7, bench.env);
	}

	static long sendCost(TrafficBench bench, int payload) {
		return bench.cost(CostModel.Id.UDP_SENDMSG, payload) + bench.cost(CostModel.Id.COPY_USER, payload);
	}

	@Test
	void constantRateSendsExactlyCountPacketsAtTheScheduledTimes() {
		TrafficBench bench = new TrafficBench(1, 1_000, 1);
		ConstantRateUdp src = new ConstantRateUdp(SourceConfig.count("cr", 0, 5_000, 10), bench.cpus, writer(bench, 64),
				10_000.0);
		src.start();
		bench.sim.run();

		assertThat(bench.sent).hasSize(10);
		for (int i = 0; i < 10; i++) {
			TrafficBench.Sent s = bench.sent.get(i);
			assertThat(s.createdNs()).isEqualTo(5_000 + i * 10_000L);
			assertThat(s.timeNs()).isEqualTo(s.createdNs() + sendCost(bench, 64));
			assertThat(TrafficBench.payloadLong(s.frame(), DatagramWriter.SEQ_OFFSET)).isEqualTo(i);
			assertThat(TrafficBench.payloadLong(s.frame(), DatagramWriter.TIMESTAMP_OFFSET)).isEqualTo(s.createdNs());
			assertThat(TrafficBench.ipv4Id(s.frame())).isEqualTo(i);
			assertThat(s.netnsId()).isEqualTo(7);
			assertThat(TrafficBench.dst(s.frame())).isEqualTo(DST);
		}
		assertThat(src.sent()).isEqualTo(10);
		assertThat(src.bytes()).isEqualTo(640);
		assertThat(src.finished()).isTrue();
		assertThat(src.task().state()).isEqualTo(Task.State.BLOCKED);
		// the send path is charged in task context to the source's task
		assertThat(bench.accounting.taskNs(0, Context.TASK, src.task().id())).isEqualTo(10 * sendCost(bench, 64));
	}

	@Test
	void constantRateStopsAtItsEndTime() {
		TrafficBench bench = new TrafficBench(1, 1_000, 1);
		ConstantRateUdp src = new ConstantRateUdp(
				new SourceConfig("cr", 0, 1_000, SourceConfig.UNLIMITED, 1_000 + 45_000), bench.cpus, writer(bench, 64),
				10_000.0);
		src.start();
		bench.sim.run();

		assertThat(bench.sent).extracting(TrafficBench.Sent::createdNs)
			.containsExactly(1_000L, 11_000L, 21_000L, 31_000L, 41_000L);
		assertThat(src.finished()).isTrue();
	}

	@Test
	void aFractionalIntervalDoesNotDrift() {
		TrafficBench bench = new TrafficBench(1, 1_000, 1);
		// 3 Mpps: 333.33 ns, slower than the send path can go; then 300 kpps
		ConstantRateUdp src = new ConstantRateUdp(SourceConfig.count("cr", 0, 0, 3_001), bench.cpus, writer(bench, 0),
				1e9 / 300_000);
		src.start();
		bench.sim.run();
		assertThat(bench.sent).hasSize(3_001);
		assertThat(bench.sent.get(3_000).createdNs()).isEqualTo(10_000_000L);
	}

	@Test
	void poissonIsReproduciblePerSeedAndHasTheRequestedMean() {
		List<Long> a = poissonTimes(42);
		List<Long> b = poissonTimes(42);
		List<Long> c = poissonTimes(43);
		assertThat(a).isEqualTo(b);
		assertThat(a).isNotEqualTo(c);

		int n = a.size();
		assertThat(n).isEqualTo(4_000);
		double mean = (a.get(n - 1) - a.get(0)) / (double) (n - 1);
		// 4000 exponential gaps: standard error of the mean 1.6 %
		assertThat(mean).isBetween(95_000.0, 105_000.0);
		long longer = 0;
		for (int i = 1; i < n; i++) {
			if (a.get(i) - a.get(i - 1) > 100_000) {
				longer++;
			}
		}
		// P(gap > mean) = 1/e = 0.368 for an exponential distribution
		assertThat(longer / (double) (n - 1)).isBetween(0.34, 0.40);
	}

	private static List<Long> poissonTimes(long seed) {
		TrafficBench bench = new TrafficBench(1, 1_000, seed);
		PoissonUdp src = new PoissonUdp(SourceConfig.count("p", 0, 0, 4_000), bench.cpus, writer(bench, 64), 100_000,
				bench.env.random().stream("traffic/p"));
		src.start();
		bench.sim.run();
		return bench.sent.stream().map(TrafficBench.Sent::createdNs).toList();
	}

	@Test
	void burstSendsBackToBackAndRepeatsEveryPeriod() {
		TrafficBench bench = new TrafficBench(1, 1_000, 1);
		BurstUdp src = new BurstUdp(SourceConfig.count("b", 0, 2_000, 3), bench.cpus, writer(bench, 100), 4, 50_000);
		src.start();
		bench.sim.run();

		long s = sendCost(bench, 100);
		assertThat(bench.sent).hasSize(12);
		for (int k = 0; k < 3; k++) {
			for (int j = 0; j < 4; j++) {
				assertThat(bench.sent.get(4 * k + j).createdNs()).isEqualTo(2_000 + k * 50_000L + j * s);
			}
		}
		assertThat(src.bursts()).isEqualTo(3);
		assertThat(src.finished()).isTrue();
	}

	@Test
	void aSingleBurstWithoutPeriod() {
		TrafficBench bench = new TrafficBench(1, 1_000, 1);
		BurstUdp src = new BurstUdp(new SourceConfig("b", 0, 0, SourceConfig.UNLIMITED, SourceConfig.FOREVER),
				bench.cpus, writer(bench, 16), 5, 0);
		src.start();
		bench.sim.run();
		assertThat(bench.sent).hasSize(5);
	}

	@Test
	void configsAndWritersValidate() {
		assertThatThrownBy(() -> new SourceConfig("x", 0, 10, 0, 20)).hasMessageContaining("limit");
		assertThatThrownBy(() -> new SourceConfig("x", 0, 10, 1, 5)).hasMessageContaining("untilNs");
		assertThatThrownBy(() -> new SourceConfig(" ", 0, 10, 1, 20)).hasMessageContaining("name");
		TrafficBench bench = new TrafficBench(1, 1_000, 1);
		CpuSet cpus = bench.cpus;
		assertThatThrownBy(() -> new ConstantRateUdp(SourceConfig.count("x", 0, 0, 1), cpus, writer(bench, 1), 0))
			.hasMessageContaining("intervalNs");
		assertThatThrownBy(() -> new BurstUdp(SourceConfig.count("x", 0, 0, 1), cpus, writer(bench, 1), 0, 1))
			.hasMessageContaining("burst");
	}

}
