package dev.bpfnet.engine.traffic;

import dev.bpfnet.engine.cost.CostModel;
import dev.bpfnet.engine.topology.IpEndpoint;
import dev.bpfnet.engine.trace.TraceSink;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class RequestResponseTest {

	static final IpEndpoint CLIENT = UdpSourcesTest.SRC;

	static final IpEndpoint SERVER = UdpSourcesTest.DST;

	@Test
	void pingPongRunsNTransactionsWithRoundTripsOfTwoDelaysPlusCosts() {
		long delay = 5_000;
		TrafficBench bench = new TrafficBench(2, delay, 1);
		RequestResponseServer server = new RequestResponseServer("rr", bench.cpus, 1, SocketQueue.DEFAULT_CAPACITY,
				TraceSink.NO_ID, new DatagramWriter(TrafficPlan.template(SERVER, CLIENT, 128), 2, bench.env));
		RequestResponseClient client = new RequestResponseClient("rr", bench.cpus, 0, TraceSink.NO_ID,
				new DatagramWriter(TrafficPlan.template(CLIENT, SERVER, 64), 1, bench.env), 4, 100, 3_000,
				bench.latency);
		bench.bind(SERVER, server, bench.cpus.cpu(1));
		bench.bind(CLIENT, client, bench.cpus.cpu(0));
		client.start();
		bench.sim.run();

		long copy64 = bench.cost(CostModel.Id.COPY_USER, 64);
		long copy128 = bench.cost(CostModel.Id.COPY_USER, 128);
		long recv = bench.cost(CostModel.Id.UDP_RECVMSG, 0);
		long wake = bench.cost(CostModel.Id.TRY_TO_WAKE_UP, 0);
		long rtt = 2 * delay //
				+ bench.cost(CostModel.Id.UDP_SENDMSG, 64) + copy64 // client sendmsg
				+ bench.cost(CostModel.Id.UDP_RCV, 14 + 20 + 8 + 64) + wake // server
																			// udp_rcv
				+ recv + copy64 + bench.cost(CostModel.Id.UDP_SENDMSG, 128) + copy128 // server
				// recv +
				// send
				+ bench.cost(CostModel.Id.UDP_RCV, 14 + 20 + 8 + 128) + wake // client
																				// udp_rcv
				+ recv + copy128; // client recvmsg
		assertThat(client.transactions()).isEqualTo(100);
		assertThat(client.finished()).isTrue();
		assertThat(client.mismatched()).isZero();
		assertThat(server.responses()).isEqualTo(100);
		assertThat(bench.sent).hasSize(200);
		assertThat(client.finishNs()).isEqualTo(3_000 + 100 * rtt);
		Histogram h = bench.latency.histogram(4);
		assertThat(h.getTotalCount()).isEqualTo(100);
		assertThat(h.getCountAtValue(rtt)).isEqualTo(100);
		assertThat(client.transactionsPerSecond()).isCloseTo(1e9 / rtt, within(1e-6));
		// the response carries the request's sequence number
		for (int i = 0; i < 100; i++) {
			assertThat(TrafficBench.payloadLong(bench.sent.get(2 * i + 1).frame(), 0)).isEqualTo(i);
		}
	}

	@Test
	void aLostRequestStallsTheClient() {
		TrafficBench bench = new TrafficBench(2, 1_000, 1);
		RequestResponseClient client = new RequestResponseClient("rr", bench.cpus, 0, TraceSink.NO_ID,
				new DatagramWriter(TrafficPlan.template(CLIENT, SERVER, 64), 1, bench.env), 0, 10, 0, bench.latency);
		bench.bind(CLIENT, client, bench.cpus.cpu(0));
		client.start();
		bench.sim.run();
		assertThat(bench.unroutable).isEqualTo(1);
		assertThat(client.transactions()).isZero();
		assertThat(client.finished()).isFalse();
		assertThat(client.transactionsPerSecond()).isZero();
	}

}
