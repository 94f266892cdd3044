package dev.bpfnet.engine.traffic;

import dev.bpfnet.engine.cost.CostModel;
import dev.bpfnet.engine.cpu.TaskBody;
import dev.bpfnet.engine.packet.PacketTemplate;
import dev.bpfnet.engine.topology.IpEndpoint;
import dev.bpfnet.engine.trace.DropReason;
import dev.bpfnet.engine.trace.LatencyRecorder.LatencySummary;
import dev.bpfnet.engine.trace.TraceSink;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class UdpEndpointsTest {

	static final IpEndpoint SRC = UdpSourcesTest.SRC;

	static final IpEndpoint DST = UdpSourcesTest.DST;

	/** A sink on cpu1 bound to DST, fed by a constant-rate source on cpu0. */
	private static UdpSink sinkBench(TrafficBench bench, int payload, int count, int capacity) {
		UdpSink sink = new UdpSink("sink", bench.cpus, 1, capacity, TraceSink.NO_ID, 3, bench.latency);
		bench.bind(DST, sink, bench.cpus.cpu(1));
		ConstantRateUdp src = new ConstantRateUdp(SourceConfig.count("cr", 0, 1_000, count), bench.cpus,
				new DatagramWriter(TrafficPlan.template(SRC, DST, payload), 1, bench.env), 20_000.0);
		src.start();
		return sink;
	}

	@Test
	void sinkLatencyIsTheLoopbackDelayPlusTheSocketCosts() {
		TrafficBench bench = new TrafficBench(2, 7_000, 1);
		UdpSink sink = sinkBench(bench, 200, 50, SocketQueue.DEFAULT_CAPACITY);
		bench.sim.run();

		int frame = 14 + 20 + 8 + 200;
		long expected = bench.cost(CostModel.Id.UDP_SENDMSG, 200) + bench.cost(CostModel.Id.COPY_USER, 200) + 7_000
				+ bench.cost(CostModel.Id.UDP_RCV, frame) + bench.cost(CostModel.Id.TRY_TO_WAKE_UP, 0)
				+ bench.cost(CostModel.Id.UDP_RECVMSG, 0) + bench.cost(CostModel.Id.COPY_USER, 200);
		assertThat(sink.received()).isEqualTo(50);
		assertThat(sink.receivedBytes()).isEqualTo(50 * 200);
		assertThat(sink.dropped()).isZero();
		assertThat(sink.lastNs()).isEqualTo(1_000 + 49 * 20_000L + expected);
		Histogram h = bench.latency.histogram(3);
		assertThat(h.getTotalCount()).isEqualTo(50);
		assertThat(h.getCountAtValue(expected)).isEqualTo(50);
		LatencySummary s = bench.latency.summary(3);
		assertThat(h.valuesAreEquivalent(s.p50Ns(), expected)).isTrue();
		assertThat(h.valuesAreEquivalent(s.p99Ns(), expected)).isTrue();
		assertThat(h.valuesAreEquivalent(s.minNs(), s.maxNs())).isTrue();
		assertThat(sink.task().state()).isEqualTo(dev.bpfnet.engine.cpu.Task.State.BLOCKED);
	}

	@Test
	void aFullSocketQueueDropsWithSocketRcvbuff() {
		TrafficBench bench = new TrafficBench(2, 1_000, 1);
		UdpSink sink = new UdpSink("sink", bench.cpus, 1, 8, TraceSink.NO_ID, 0, bench.latency);
		bench.bind(DST, sink, bench.cpus.cpu(1));
		// a CPU hog on the sink's CPU holds it for 1 ms while a burst of 20 arrives: the
		// interrupts wait for its step, then run back to back before the reader can
		TaskBody hogBody = (cpu, self) -> {
			cpu.spendNs(1_000_000);
			return TaskBody.BLOCK;
		};
		bench.cpus.wakeAt(bench.cpus.createTask(1, "hog", hogBody), 0);
		BurstUdp burst = new BurstUdp(SourceConfig.count("b", 0, 10_000, 1), bench.cpus,
				new DatagramWriter(TrafficPlan.template(SRC, DST, 32), 1, bench.env), 20, 0);
		burst.start();
		bench.sim.run();

		assertThat(sink.received() + sink.dropped()).isEqualTo(20);
		assertThat(sink.dropped()).isEqualTo(12);
		assertThat(sink.received()).isEqualTo(8);
		assertThat(sink.queue().maxDepth()).isEqualTo(8);
		assertThat(bench.drops.count(DropReason.SOCKET_RCVBUFF)).isEqualTo(12);
		assertThat(bench.latency.summary(0).count()).isEqualTo(8);
	}

	@Test
	void echoSendsEachDatagramBackToItsSource() {
		echo(false);
	}

	@Test
	void echoReadsFramesWrappedByTheDatapath() {
		echo(true);
	}

	private static void echo(boolean wrap) {
		TrafficBench bench = new TrafficBench(2, 2_000, 1);
		bench.wrapPayloads = wrap;
		UdpEcho echo = new UdpEcho("echo", bench.cpus, 1, 9, SocketQueue.DEFAULT_CAPACITY, TraceSink.NO_ID, bench.env);
		bench.bind(DST, echo, bench.cpus.cpu(1));
		UdpSink back = new UdpSink("back", bench.cpus, 0, SocketQueue.DEFAULT_CAPACITY, TraceSink.NO_ID, 1,
				bench.latency);
		bench.bind(SRC, back, bench.cpus.cpu(0));
		ConstantRateUdp src = new ConstantRateUdp(SourceConfig.count("cr", 0, 0, 5), bench.cpus,
				new DatagramWriter(TrafficPlan.template(SRC, DST, 48), 1, bench.env), 50_000.0);
		src.start();
		bench.sim.run();

		assertThat(echo.received()).isEqualTo(5);
		assertThat(echo.echoed()).isEqualTo(5);
		assertThat(echo.unanswered()).isZero();
		assertThat(echo.receivedBytes()).isEqualTo(5 * 48);
		assertThat(back.received()).isEqualTo(5);
		assertThat(bench.sent).hasSize(10);
		// each reply is byte for byte the frame a socket at DST would send to SRC with
		// the
		// same id and payload: addresses and ports swapped, checksums valid
		PacketTemplate reverse = TrafficPlan.template(DST, SRC, 48);
		for (int i = 0; i < 5; i++) {
			byte[] request = bench.sent.get(2 * i).frame();
			byte[] reply = bench.sent.get(2 * i + 1).frame();
			byte[] expected = reverse.newPacket();
			reverse.setIpv4Id(expected, TrafficBench.ipv4Id(request));
			reverse.setPayloadCounter(expected, 0, 8, TrafficBench.payloadLong(request, 0));
			reverse.setPayloadCounter(expected, 8, 8, TrafficBench.payloadLong(request, 8));
			assertThat(reply).isEqualTo(expected);
			assertThat(bench.sent.get(2 * i + 1).netnsId()).isEqualTo(9);
		}
	}

}
