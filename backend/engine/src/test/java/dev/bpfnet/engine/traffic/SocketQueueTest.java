package dev.bpfnet.engine.traffic;

import dev.bpfnet.engine.cpu.Skb;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A reader sees a datagram only from the time it was queued: CPUs keep their own clocks
 * within a call chain, so a receive path on another CPU can queue "in the future" of the
 * reader.
 */
class SocketQueueTest {

	@Test
	void aDatagramQueuedLaterOnAnotherCpuIsNotReadBeforeThen() {
		TrafficBench bench = new TrafficBench(2, 1_000, 1);
		SocketQueue queue = new SocketQueue(bench.cpus, 4, -1);
		Skb skb = new Skb(1, 64, null, -1, 0, 0);
		long queuedAt = bench.cpus.cpu(1).now();
		assertThat(queue.enqueue(bench.cpus.cpu(1), skb)).isTrue();
		assertThat(queue.nextReadyNs()).isEqualTo(queuedAt);
		assertThat(queue.poll(queuedAt - 1)).isNull();
		assertThat(queue.length()).isEqualTo(1);
		assertThat(queue.poll(queuedAt)).isSameAs(skb);
		assertThat(queue.nextReadyNs()).isEqualTo(-1);
	}

}
