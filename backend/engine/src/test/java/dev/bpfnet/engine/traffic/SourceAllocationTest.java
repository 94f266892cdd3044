package dev.bpfnet.engine.traffic;

import java.lang.management.ManagementFactory;

import dev.bpfnet.engine.cost.CostModel;
import dev.bpfnet.engine.cost.SchedParams;
import dev.bpfnet.engine.cpu.CpuSet;
import dev.bpfnet.engine.sim.SimRandom;
import dev.bpfnet.engine.sim.Simulator;
import dev.bpfnet.engine.trace.CpuAccounting;
import dev.bpfnet.engine.trace.LatencyRecorder;
import dev.bpfnet.engine.trace.TraceSink;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A source allocates the packet (Skb, SkBuff with its buffer and cb array) and nothing
 * else per send: bytes allocated per send stay within a bound computed from the packet.
 */
class SourceAllocationTest {

	@Test
	void aSendAllocatesOnlyThePacket() {
		java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
		Assumptions.assumeTrue(mx instanceof com.sun.management.ThreadMXBean);
		com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) mx;
		run(20_000, bean); // warm up
		long perSend = run(100_000, bean);
		int frame = 14 + 20 + 8 + 64;
		// SkBuff buffer (64 headroom + frame) + SkBuff object + cb[] + Skb, with headers
		long packet = 16 + 64 + frame + 160 + 16 + 4 * 12 + 48;
		assertThat(perSend).isLessThanOrEqualTo(packet + 64);
	}

	private static long run(int sends, com.sun.management.ThreadMXBean bean) {
		Simulator sim = new Simulator();
		CpuSet cpus = new CpuSet(sim, CpuSet.Config.of(1), SchedParams.defaults(), CostModel.defaults(),
				new CpuAccounting(1), TraceSink.NONE);
		long[] ids = { 0 };
		TrafficEnv env = new TrafficEnv((cpu, skb) -> {
		}, () -> ids[0]++, new LatencyRecorder(), new SimRandom(1));
		ConstantRateUdp src = new ConstantRateUdp(SourceConfig.count("a", 0, 0, sends), cpus,
				new DatagramWriter(TrafficPlan.template(UdpSourcesTest.SRC, UdpSourcesTest.DST, 64), 1, env), 1_000.0);
		src.start();
		long tid = Thread.currentThread().getId();
		long before = bean.getThreadAllocatedBytes(tid);
		sim.run();
		long after = bean.getThreadAllocatedBytes(tid);
		assertThat(src.sent()).isEqualTo(sends);
		return (after - before) / sends;
	}

}
