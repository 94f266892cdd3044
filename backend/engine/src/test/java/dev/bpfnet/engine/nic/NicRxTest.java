package dev.bpfnet.engine.nic;

import java.util.List;

import dev.bpfnet.engine.cost.CostModel.Id;
import dev.bpfnet.engine.trace.Context;
import dev.bpfnet.engine.trace.DropReason;
import dev.bpfnet.engine.trace.Function;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

class NicRxTest {

	/** CPU id of NIC B's irq CPU (node B, index 1). */
	private static final int IRQ_B = 3;

	/** CPU id of NIC A's irq CPU (node A, index 0). */
	private static final int IRQ_A = 0;

	private static NicRx.Config rxB(int ring, long coalesceNs, int coalescePackets) {
		return new NicRx.Config(ring, coalesceNs, coalescePackets, 64, EmbeddedNics.DEV_B, 1, EmbeddedNics.RXQ_B, 22);
	}

	@Test
	void frameArrivesAfterSerialisationAndLatency() {
		EmbeddedNics b = new EmbeddedNics();
		b.burstAt(1_000, 2, 1000);
		b.run();
		// (1000 + 24) * 8 bit at 10 Gbit/s = 819.2 ns: departures at 1819 and 2638 (the
		// ring carries the fraction), arrivals 5 µs later
		assertThat(b.of(Function.PHY_TX))
			.extracting(EmbeddedNics.Ev::timeNs, EmbeddedNics.Ev::cpu, EmbeddedNics.Ev::deviceId)
			.containsExactly(tuple(1_819L, IRQ_A, EmbeddedNics.DEV_A), tuple(2_638L, IRQ_A, EmbeddedNics.DEV_A));
		assertThat(b.of(Function.PHY_RX))
			.extracting(EmbeddedNics.Ev::timeNs, EmbeddedNics.Ev::skbId, EmbeddedNics.Ev::cpu,
					EmbeddedNics.Ev::deviceId, EmbeddedNics.Ev::queueDepth)
			.containsExactly(tuple(6_819L, 0L, IRQ_B, EmbeddedNics.DEV_B, 1),
					tuple(7_638L, 1L, IRQ_B, EmbeddedNics.DEV_B, 2));
		assertThat(b.received).extracting(EmbeddedNics.Received::frameId).containsExactly(0L, 1L);
	}

	@Test
	void receiveSequenceRunsOnTheIrqCpuInHardirqThenSoftirq() {
		EmbeddedNics b = new EmbeddedNics();
		b.burstAt(0, 1, 1000);
		b.run();
		List<EmbeddedNics.Ev> onIrqCpu = b.on(IRQ_B);
		assertThat(onIrqCpu).extracting(EmbeddedNics.Ev::fn, EmbeddedNics.Ev::ctx)
			.containsExactly(tuple(Function.PHY_RX, Context.TASK), tuple(Function.IRQ_HANDLER, Context.HARDIRQ),
					tuple(Function.NAPI_SCHEDULE, Context.HARDIRQ), tuple(Function.IRQ_EXIT, Context.HARDIRQ),
					tuple(Function.DO_SOFTIRQ, Context.SOFTIRQ), tuple(Function.NET_RX_ACTION, Context.SOFTIRQ),
					tuple(Function.NAPI_POLL, Context.SOFTIRQ), tuple(Function.NAPI_GRO_RECEIVE, Context.SOFTIRQ),
					tuple(Function.NETIF_RECEIVE_SKB_CORE, Context.SOFTIRQ));
		// one frame < 32: the IRQ waits for the 8 µs moderation timer
		assertThat(onIrqCpu.get(1).timeNs()).isEqualTo(onIrqCpu.get(0).timeNs() + 8_000);
		assertThat(b.received).singleElement().satisfies(r -> {
			assertThat(r.cpu()).isEqualTo(IRQ_B);
			assertThat(r.ctx()).isEqualTo(Context.SOFTIRQ);
		});
		// node B's other CPU did nothing
		assertThat(b.on(2)).isEmpty();
		assertThat(b.nicB.irqArmed()).isTrue();
		assertThat(b.nicB.napiCompletions()).isEqualTo(1);
	}

	@Test
	void backToBackFramesShareOneIrqAndTheNextBatchAfterCompletionGetsAnother() {
		EmbeddedNics b = new EmbeddedNics();
		b.burstAt(0, 10, 100);
		b.burstAt(200_000, 10, 100);
		b.run();
		assertThat(b.nicB.irqsRaised()).isEqualTo(2);
		assertThat(b.on(IRQ_B).stream().filter(e -> e.fn() == Function.IRQ_HANDLER)).hasSize(2);
		assertThat(b.nicB.polls()).isEqualTo(2);
		assertThat(b.nicB.napiCompletions()).isEqualTo(2);
		assertThat(b.received).hasSize(20);
		// the second IRQ comes 8 µs after the second batch's first arrival
		long firstArrival2 = b.of(Function.PHY_RX).get(10).timeNs();
		assertThat(b.on(IRQ_B).stream().filter(e -> e.fn() == Function.IRQ_HANDLER).toList().get(1).timeNs())
			.isEqualTo(firstArrival2 + 8_000);
	}

	@Test
	void theFrameCountFiresTheIrqBeforeTheTimer() {
		EmbeddedNics b = new EmbeddedNics();
		b.burstAt(0, 40, 100);
		b.run();
		List<EmbeddedNics.Ev> irqs = b.on(IRQ_B).stream().filter(e -> e.fn() == Function.IRQ_HANDLER).toList();
		long arrival32 = b.of(Function.PHY_RX).get(31).timeNs();
		assertThat(irqs.get(0).timeNs()).isEqualTo(arrival32);
		// the first poll takes the 32, the other 8 arrive after the IRQ was re-armed and
		// wait for the timer
		assertThat(b.nicB.irqsRaised()).isEqualTo(2);
		assertThat(b.received).hasSize(40);
		assertThat(b.received).extracting(EmbeddedNics.Received::frameId)
			.isSortedAccordingTo(Long::compare)
			.hasSize(40);
	}

	@Test
	void moderationOffFiresOnEveryFrameWhileArmed() {
		EmbeddedNics b = new EmbeddedNics(EmbeddedNics.exactParams(), 0, rxB(1024, 0, 1));
		b.burstAt(0, 1, 100);
		b.burstAt(100_000, 1, 100);
		b.run();
		List<EmbeddedNics.Ev> irqs = b.on(IRQ_B).stream().filter(e -> e.fn() == Function.IRQ_HANDLER).toList();
		assertThat(irqs).extracting(EmbeddedNics.Ev::timeNs)
			.containsExactly(b.of(Function.PHY_RX).get(0).timeNs(), b.of(Function.PHY_RX).get(1).timeNs());
	}

	@Test
	void aHundredFramesWithWeight64TakeTwoPolls() {
		EmbeddedNics b = new EmbeddedNics(EmbeddedNics.exactParams(), 0, rxB(1024, 8_000, 1000));
		b.arriveAtB(0, 100, 100);
		b.run();
		assertThat(b.nicB.irqsRaised()).isEqualTo(1);
		assertThat(b.nicB.polls()).isEqualTo(2);
		assertThat(b.nicB.napiCompletions()).isEqualTo(1);
		assertThat(b.received).hasSize(100);
		List<EmbeddedNics.Ev> polls = b.of(Function.NAPI_POLL);
		assertThat(polls).extracting(EmbeddedNics.Ev::cpu, EmbeddedNics.Ev::queueDepth)
			.containsExactly(tuple(IRQ_B, 100), tuple(IRQ_B, 36));
		// one IRQ, one __do_softirq that restarted for the repoll
		assertThat(b.nodeB.cpu(1).irqs()).isEqualTo(1);
		assertThat(b.nodeB.cpu(1).softirqRestarts()).isEqualTo(1);
	}

	@Test
	void theIrqStaysMaskedWhileTheNapiIsScheduled() {
		// moderation off: every completion would fire, but only the first one is armed
		EmbeddedNics b = new EmbeddedNics(EmbeddedNics.exactParams(), 0, rxB(1024, 0, 1));
		b.arriveAtB(0, 100, 100);
		b.run();
		assertThat(b.nicB.irqsRaised()).isEqualTo(1);
		assertThat(b.nodeB.cpu(1).irqs()).isEqualTo(1);
		assertThat(b.nicB.polls()).isEqualTo(2);
		assertThat(b.received).hasSize(100);
		assertThat(b.nicB.irqArmed()).isTrue();
	}

	@Test
	void rxRingOverflowIsCountedAsMissed() {
		EmbeddedNics b = new EmbeddedNics(EmbeddedNics.exactParams(), 0, rxB(16, 8_000, 1000));
		b.arriveAtB(0, 40, 100);
		b.run();
		assertThat(b.nicB.arrived()).isEqualTo(40);
		assertThat(b.nicB.missed()).isEqualTo(24);
		assertThat(b.received).hasSize(16);
		assertThat(b.missedFrames).extracting(TestFrame::id).startsWith(16L).endsWith(39L).hasSize(24);
		assertThat(b.drops.count(DropReason.FULL_RING)).isEqualTo(24);
		assertThat(b.drops.count(EmbeddedNics.DEV_B)).isEqualTo(24);
		assertThat(b.drops.total()).isEqualTo(24);
	}

	@Test
	void accountingChargesHardirqAndSoftirqOnTheIrqCpu() {
		EmbeddedNics b = new EmbeddedNics();
		b.burstAt(0, 1, 1000);
		long elapsed = b.run();
		b.accounting.verify(elapsed);
		int len = 1000;
		long softirq = b.cost(Id.DO_SOFTIRQ) + b.cost(Id.NAPI_POLL) + b.costs.cost(Id.DRIVER_RX, len)
				+ b.costs.cost(Id.BUILD_SKB, len) + b.costs.cost(Id.ETH_TYPE_TRANS, len)
				+ b.costs.cost(Id.NAPI_GRO_RECEIVE, len) + b.costs.cost(Id.NETIF_RECEIVE_SKB_CORE, len);
		assertThat(b.accounting.contextNs(IRQ_B, Context.HARDIRQ)).isEqualTo(b.cost(Id.IRQ_HANDLER));
		assertThat(b.accounting.contextNs(IRQ_B, Context.SOFTIRQ)).isEqualTo(softirq);
		assertThat(b.accounting.busyNs(IRQ_B)).isEqualTo(b.cost(Id.IRQ_HANDLER) + softirq);
		assertThat(b.accounting.busyNs(2)).isZero();
		assertThat(b.accounting.busyNs(1)).isZero();
		// the sender's irq CPU cleaned its TX ring in its own NAPI poll
		assertThat(b.accounting.contextNs(IRQ_A, Context.HARDIRQ)).isEqualTo(b.cost(Id.IRQ_HANDLER));
		assertThat(b.accounting.contextNs(IRQ_A, Context.SOFTIRQ))
			.isEqualTo(b.cost(Id.DO_SOFTIRQ) + b.cost(Id.NAPI_POLL) + b.cost(Id.TX_COMPLETION));
	}

	@Test
	void txCompletionsAreCleanedInTheSendersNapiPoll() {
		EmbeddedNics b = new EmbeddedNics();
		b.burstAt(0, 5, 1000);
		b.run();
		assertThat(b.completed).extracting(TestFrame::id).containsExactly(0L, 1L, 2L, 3L, 4L);
		assertThat(b.txA.inUse()).isZero();
		assertThat(b.txA.completed()).isEqualTo(5);
		assertThat(b.cleanerA.cleaned()).isEqualTo(5);
		assertThat(b.nicA.departed()).isEqualTo(5);
		// 5 completions < 32: one IRQ 8 µs after the first departure, one clean of 5
		List<EmbeddedNics.Ev> onA = b.on(IRQ_A);
		assertThat(onA.stream().filter(e -> e.fn() == Function.IRQ_HANDLER)).extracting(EmbeddedNics.Ev::timeNs)
			.containsExactly(819L + 8_000);
		assertThat(onA.stream().filter(e -> e.fn() == Function.NETDEV_TX_COMPLETED_QUEUE))
			.extracting(EmbeddedNics.Ev::ctx, EmbeddedNics.Ev::deviceId, EmbeddedNics.Ev::queueId,
					EmbeddedNics.Ev::queueDepth)
			.containsExactly(tuple(Context.SOFTIRQ, EmbeddedNics.DEV_A, EmbeddedNics.TXQ_A, 0));
		assertThat(b.nicA.received()).isZero();
	}

	@Test
	void incompleteTxCleanKeepsTheNapiScheduled() {
		EmbeddedNics b = new EmbeddedNics();
		int[] calls = { 0 };
		// the first clean reports leftovers: the poll returns its budget and is repolled
		b.nicA.setTxCleaner(cpu -> ++calls[0] > 1);
		b.burstAt(0, 1, 100);
		b.run();
		assertThat(b.nicA.polls()).isEqualTo(2);
		assertThat(b.nicA.napiCompletions()).isEqualTo(1);
		assertThat(b.nicA.irqArmed()).isTrue();
	}

	@Test
	void configIsValidated() {
		assertThatThrownBy(() -> rxB(0, 0, 1)).hasMessageContaining("ringSize").hasMessageContaining("0");
		assertThatThrownBy(() -> rxB(1, -1, 1)).hasMessageContaining("coalesceNs").hasMessageContaining("-1");
		assertThatThrownBy(() -> rxB(1, 0, 0)).hasMessageContaining("coalescePackets");
		assertThatThrownBy(() -> rxB(1, 0, 1).withWeight(0)).hasMessageContaining("weight");
	}

}
