package dev.bpfnet.engine.fidelity;

import dev.bpfnet.engine.trace.LatencyRecorder;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.bpfnet.engine.trace.Context;
import dev.bpfnet.engine.trace.DropReason;
import dev.bpfnet.engine.trace.Function;
import dev.bpfnet.engine.trace.TraceSink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FidelityTest {

	/** Counts enqueue_to_backlog events on one device, by context. */
	private static final class BacklogCounter implements TraceSink {

		int deviceId = -1;

		long fromSoftirq;

		long fromTask;

		@Override
		public void event(long timeNs, long skbId, int cpu, Context ctx, int taskId, Function fn, int deviceId,
				int netnsId, int queueId, int queueDepth, int verdict, DropReason drop) {
			if (fn == Function.ENQUEUE_TO_BACKLOG && deviceId == this.deviceId) {
				if (ctx == Context.TASK) {
					this.fromTask++;
				}
				else {
					this.fromSoftirq++;
				}
			}
		}

	}

	private static BacklogCounter countPodIngressCrossings(int helper) {
		BacklogCounter c = new BacklogCounter();
		// device ids are assigned while the engine is built; resolve them from a twin
		c.deviceId = Fidelity.tcpRr(7, helper, TraceSink.NONE).engine().traceDeviceId("node1/pod1/eth0");
		Fidelity.RrRun run = Fidelity.tcpRr(7, helper, c);
		assertThat(run.transactions()).isEqualTo(Fidelity.TRANSACTIONS);
		return c;
	}

	@Test
	void redirectCrossesThePodBacklogOncePerRequestFromSoftirq() {
		BacklogCounter c = countPodIngressCrossings(Fidelity.HELPER_REDIRECT);
		assertThat(c.fromSoftirq).isEqualTo(Fidelity.TRANSACTIONS);
		assertThat(c.fromTask).isZero();
	}

	@Test
	void redirectPeerNeverCrossesThePodBacklog() {
		BacklogCounter c = countPodIngressCrossings(Fidelity.HELPER_REDIRECT_PEER);
		assertThat(c.fromSoftirq).isZero();
		assertThat(c.fromTask).isZero();
	}

	/**
	 * Regression: with several streams, a reader CPU could see a datagram another CPU
	 * queued at a time it had not reached yet, and one-way latencies were measured from
	 * the receiving node's skb (the wire carries bytes) instead of the send time:
	 * negative latencies. Every stream must now deliver with one-way latencies of at
	 * least the path's work.
	 */
	@Test
	void fourStreamsAcrossNodesGiveNonNegativeOneWayLatencies() {
		for (boolean bpfnet : new boolean[] { false, true }) {
			Fidelity.EgressRun run = Fidelity.podEgress(1, bpfnet, 4, TraceSink.NONE);
			LatencyRecorder latency = run.engine().latency();
			assertThat(latency.flowIds()).hasSize(4);
			for (int flow : latency.flowIds()) {
				LatencyRecorder.LatencySummary s = latency.summary(flow);
				assertThat(s.count()).as("flow %d (bpfnet %s)", flow, bpfnet).isPositive();
				assertThat(s.minNs()).as("flow %d (bpfnet %s)", flow, bpfnet).isPositive();
			}
		}
	}

	@Test
	void sameSeedGivesTheSameNumbers() {
		List<Result> a = Fidelity.runAll(3);
		List<Result> b = Fidelity.runAll(3);
		assertThat(a).hasSize(Fidelity.SCENARIOS.size());
		assertThat(a).isEqualTo(b);
		for (int i = 0; i < 4; i++) {
			Result r = a.get(i);
			assertThat(r.scenario()).isSameAs(Fidelity.SCENARIOS.get(i));
			assertThat(r.emulatedA()).as(r.scenario().name()).isPositive();
			assertThat(r.emulatedB()).as(r.scenario().name()).isPositive();
			// the backlog path can never be faster than the peer path
			assertThat(r.emulatedA()).isGreaterThanOrEqualTo(r.emulatedB());
		}
	}

	@Test
	void bandIsRelativeToThePublishedRatio() {
		Scenario s = new Scenario("x", "src", "us", 120, 40, 0.2);
		assertThat(s.publishedRatio()).isEqualTo(3.0);
		assertThat(s.withinBand(3.59)).isTrue();
		assertThat(s.withinBand(2.41)).isTrue();
		assertThat(s.withinBand(3.61)).isFalse();
		assertThat(s.withinBand(2.39)).isFalse();
		assertThat(s.withinBand(Double.NaN)).isFalse();
		assertThat(new Result(s, 1, 0, "").withinBand()).isFalse();
		assertThatThrownBy(() -> new Scenario("x", "s", "us", 0, 1, 0.2)).hasMessageContaining("published");
		assertThatThrownBy(() -> new Scenario("x", "s", "us", 1, 1, 1.5)).hasMessageContaining("band");
	}

	@Test
	void topologiesRejectUnknownVariants() {
		assertThatThrownBy(() -> Fidelity.tcpRrTopology(1, 24)).hasMessageContaining("helper");
		assertThatThrownBy(() -> Fidelity.podEgressTopology(1, true, 5)).hasMessageContaining("streams");
	}

}
