package dev.bpfnet.engine.cpu;

import java.util.List;

import dev.bpfnet.engine.cost.CostModel.Id;
import dev.bpfnet.engine.cost.SchedParams;
import dev.bpfnet.engine.cost.SchedParams.SoftirqPolicy;
import dev.bpfnet.engine.trace.Context;
import dev.bpfnet.engine.trace.DropReason;
import dev.bpfnet.engine.trace.Function;
import dev.bpfnet.engine.trace.TraceSink;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SoftirqBacklogTest {

	private static final SchedParams DEFAULTS = SchedParams.defaults();

	@Test
	void processContextNetifRxRunsTheSoftirqAtLocalBhEnableOnTopOfTheTask() {
		EmbeddedCpus bench = new EmbeddedCpus(1, DEFAULTS);
		Task sender = bench.cpus.createTask(0, "sender", (cpu, self) -> {
			cpu.softnet().netifRx(bench.skb(cpu.now()));
			return TaskBody.BLOCK;
		});
		bench.cpus.wake(sender);
		long elapsed = bench.run();

		List<EmbeddedCpus.Ev> ev = bench.withoutScheduling();
		assertThat(ev).extracting(EmbeddedCpus.Ev::fn)
			.containsExactly(Function.ENQUEUE_TO_BACKLOG, Function.NAPI_SCHEDULE_RPS, Function.LOCAL_BH_ENABLE,
					Function.DO_SOFTIRQ, Function.NET_RX_ACTION, Function.PROCESS_BACKLOG,
					Function.NETIF_RECEIVE_SKB_CORE);
		assertThat(ev).extracting(EmbeddedCpus.Ev::ctx)
			.containsExactly(Context.TASK, Context.TASK, Context.TASK, Context.SOFTIRQ, Context.SOFTIRQ,
					Context.SOFTIRQ, Context.SOFTIRQ);
		assertThat(ev).extracting(EmbeddedCpus.Ev::taskId).containsOnly(sender.id());
		long t0 = DEFAULTS.idleExitNs();
		long afterEnqueue = t0 + bench.cost(Id.ENQUEUE_TO_BACKLOG);
		long afterBh = afterEnqueue + bench.cost(Id.LOCAL_BH_ENABLE);
		long afterPoll = afterBh + bench.cost(Id.PROCESS_BACKLOG_POLL);
		long afterDequeue = afterPoll + bench.cost(Id.PROCESS_BACKLOG);
		assertThat(ev).extracting(EmbeddedCpus.Ev::timeNs)
			.containsExactly(t0, afterEnqueue, afterEnqueue, afterEnqueue, afterBh, afterPoll, afterDequeue);
		assertThat(ev.get(0).queueDepth()).isEqualTo(1);
		assertThat(ev.get(5).queueDepth()).isZero();

		long end = afterDequeue + bench.cost(Id.NETIF_RECEIVE_SKB_CORE);
		assertThat(bench.cpu(0).now()).isEqualTo(end);
		assertThat(bench.accounting.contextNs(0, Context.TASK)).isEqualTo(bench.cost(Id.ENQUEUE_TO_BACKLOG));
		assertThat(bench.accounting.taskNs(0, Context.SOFTIRQ, sender.id())).isEqualTo(end - afterEnqueue);
		assertThat(sender.sumExecNs()).as("softirq time is not the task's own").isEqualTo(afterEnqueue - t0);
		assertThat(elapsed).isEqualTo(end);
		bench.assertAccountingAddsUp(elapsed);
	}

	@Test
	void backlogDropsFromPacketMaxBacklogPlusTwoWithCpuBacklog() {
		for (int max : new int[] { 10, 1000 }) {
			EmbeddedCpus bench = new EmbeddedCpus(CpuSet.Config.of(1).withMaxBacklog(max), DEFAULTS);
			int burst = max + 50;
			int[] results = new int[burst];
			Task sender = bench.cpus.createTask(0, "sender", (cpu, self) -> {
				cpu.localBhDisable();
				for (int k = 0; k < burst; k++) {
					results[k] = cpu.softnet().netifRxUnlocked(bench.skb(cpu.now()));
				}
				assertThat(cpu.softnet().inputQueueLength()).isEqualTo(max + 1);
				cpu.localBhEnable();
				return TaskBody.BLOCK;
			});
			bench.cpus.wake(sender);
			long elapsed = bench.run();

			// enqueue_to_backlog accepts while qlen <= max_backlog: max + 1 fit
			for (int k = 0; k < burst; k++) {
				assertThat(results[k]).as("packet %d of max %d", k + 1, max)
					.isEqualTo((k <= max) ? SoftnetData.NET_RX_SUCCESS : SoftnetData.NET_RX_DROP);
			}
			List<EmbeddedCpus.Ev> drops = bench.events.stream()
				.filter(e -> e.drop() != DropReason.NOT_DROPPED_YET)
				.toList();
			assertThat(drops).hasSize(burst - max - 1)
				.allSatisfy(e -> assertThat(e.fn()).isEqualTo(Function.KFREE_SKB_REASON))
				.allSatisfy(e -> assertThat(e.drop()).isEqualTo(DropReason.CPU_BACKLOG))
				.allSatisfy(e -> assertThat(e.queueDepth()).isEqualTo(max + 1));
			assertThat(drops.get(0).skbId()).isEqualTo(max + 1);
			SoftnetData sd = bench.cpu(0).softnet();
			assertThat(sd.dropped()).isEqualTo(burst - max - 1);
			assertThat(sd.enqueued()).isEqualTo(max + 1);
			assertThat(bench.received).hasSize(max + 1);
			assertThat(sd.backlogLength()).isZero();
			bench.assertAccountingAddsUp(elapsed);
		}
	}

	@Test
	void aBurstBeyondTenRoundsIsHandedToKsoftirqd() {
		EmbeddedCpus bench = new EmbeddedCpus(1, DEFAULTS);
		Task sender = bench.cpus.createTask(0, "sender", burst(bench, 1000, false));
		bench.cpus.wake(sender);
		long elapsed = bench.run();

		Cpu cpu = bench.cpu(0);
		long inline = bench.received.stream().filter(r -> r.ctx() == Context.SOFTIRQ).count();
		long deferred = bench.received.stream().filter(r -> r.ctx() == Context.KSOFTIRQD).count();
		// one backlog poll (dev_weight 64) per net_rx_action, 10 rounds of __do_softirq
		assertThat(inline).isEqualTo(10 * 64);
		assertThat(deferred).isEqualTo(1000 - 640);
		assertThat(cpu.ksoftirqdWakeups()).isEqualTo(1);
		assertThat(cpu.softirqRestarts()).isGreaterThanOrEqualTo(9);
		assertThat(bench.events).anySatisfy(e -> assertThat(e.fn()).isEqualTo(Function.WAKEUP_SOFTIRQD));
		int k = cpu.ksoftirqd().id();
		assertThat(bench.accounting.taskNs(0, Context.KSOFTIRQD, k)).isPositive();
		assertThat(bench.accounting.contextNs(0, Context.KSOFTIRQD)).isEqualTo(cpu.ksoftirqd().sumExecNs());
		assertThat(bench.events).filteredOn(e -> e.ctx() == Context.KSOFTIRQD)
			.isNotEmpty()
			.allSatisfy(e -> assertThat(e.taskId()).isEqualTo(k));
		assertThat(cpu.softnet().timeSqueeze()).as("one NAPI never exhausts a budget of 300").isZero();
		assertThat(cpu.ksoftirqd().state()).isEqualTo(Task.State.BLOCKED);
		bench.assertAccountingAddsUp(elapsed);
	}

	@Test
	void exhaustingNetdevBudgetCountsTimeSqueeze() {
		SchedParams d = DEFAULTS;
		SchedParams budget100 = new SchedParams(d.softirqPolicy(), d.hz(), d.maxSoftirqTimeNs(), d.maxSoftirqRestart(),
				100, d.netdevBudgetTimeNs(), d.baseSliceNs(), d.wakeupLatencyNs(), d.ipiDeliveryNs(), d.idleExitNs(),
				d.irqCoalesceNs(), d.irqCoalescePackets());
		EmbeddedCpus bench = new EmbeddedCpus(1, budget100);
		int[] left = { 1000 };
		Napi device = (cpu, budget) -> {
			int n = Math.min(budget, left[0]);
			left[0] -= n;
			cpu.spendNs(100L * n);
			return n;
		};
		Task sender = bench.cpus.createTask(0, "sender", (cpu, self) -> {
			cpu.localBhDisable();
			cpu.softnet().napiSchedule(device);
			for (int k = 0; k < 1000; k++) {
				cpu.softnet().netifRxUnlocked(bench.skb(cpu.now()));
			}
			cpu.localBhEnable();
			return TaskBody.BLOCK;
		});
		bench.cpus.wake(sender);
		long elapsed = bench.run();

		SoftnetData sd = bench.cpu(0).softnet();
		// device 64 + backlog 64 = 128 >= 100 per net_rx_action
		assertThat(sd.timeSqueeze()).isGreaterThanOrEqualTo(10);
		assertThat(left[0]).isZero();
		assertThat(bench.received).hasSize(1000);
		assertThat(bench.accounting.contextNs(0, Context.KSOFTIRQD)).isPositive();
		assertThat(sd.pollListLength()).isZero();
		bench.assertAccountingAddsUp(elapsed);
	}

	@Test
	void pre65SoftirqRaisedWhileKsoftirqdIsRunnableWaitsForIt() {
		Outcome pre = policyScenario(SoftirqPolicy.PRE_6_5);
		Outcome since = policyScenario(SoftirqPolicy.SINCE_6_5);

		assertThat(pre.inlineSoftirqsAfterWakeup()).isZero();
		assertThat(pre.marked().ctx()).isEqualTo(Context.KSOFTIRQD);
		assertThat(since.inlineSoftirqsAfterWakeup()).isPositive();
		assertThat(since.marked().ctx()).isEqualTo(Context.SOFTIRQ);
		// PRE_6_5: the marked skb waits for ksoftirqd, which waits for the sender's next
		// step (300 µs of user work: no wake-up preemption, slice not used up)
		assertThat(pre.marked().timeNs()).isGreaterThan(since.marked().timeNs() + 250_000);
	}

	private record Outcome(long inlineSoftirqsAfterWakeup, EmbeddedCpus.Received marked) {
	}

	private static Outcome policyScenario(SoftirqPolicy policy) {
		EmbeddedCpus bench = new EmbeddedCpus(1, DEFAULTS.withSoftirqPolicy(policy));
		long[] marked = new long[1];
		Task sender = bench.cpus.createTask(0, "sender", (cpu, self) -> {
			if (self.steps() == 2) {
				cpu.spendNs(300_000);
				return TaskBody.BLOCK;
			}
			burst(bench, 1000, false).step(cpu, self);
			assertThat(cpu.ksoftirqd().isRunnable()).isTrue();
			Skb skb = bench.skb(cpu.now());
			marked[0] = skb.id();
			cpu.softnet().netifRx(skb);
			return TaskBody.RUN_AGAIN;
		});
		bench.cpus.wake(sender);
		long elapsed = bench.run();
		bench.assertAccountingAddsUp(elapsed);
		assertThat(sender.steps()).isEqualTo(2);
		assertThat(bench.received).hasSize(1001);
		int wake = indexOf(bench.events, Function.WAKEUP_SOFTIRQD);
		int k = bench.cpu(0).ksoftirqd().id();
		int run = -1;
		for (int i = 0; i < bench.events.size() && run < 0; i++) {
			if (bench.events.get(i).fn() == Function.SCHEDULE && bench.events.get(i).taskId() == k) {
				run = i;
			}
		}
		assertThat(wake).isPositive().isLessThan(run);
		long inlineAfter = bench.events.subList(wake, run)
			.stream()
			.filter(e -> e.fn() == Function.DO_SOFTIRQ && e.ctx() == Context.SOFTIRQ)
			.count();
		EmbeddedCpus.Received m = bench.received.stream().filter(r -> r.skbId() == marked[0]).findFirst().orElseThrow();
		return new Outcome(inlineAfter, m);
	}

	private static int indexOf(List<EmbeddedCpus.Ev> events, Function fn) {
		for (int k = 0; k < events.size(); k++) {
			if (events.get(k).fn() == fn) {
				return k;
			}
		}
		return -1;
	}

	/** A step that queues {@code n} skbs with BH disabled, then enables BH. */
	static TaskBody burst(EmbeddedCpus bench, int n, boolean again) {
		return (cpu, self) -> {
			cpu.localBhDisable();
			for (int k = 0; k < n; k++) {
				cpu.softnet().netifRxUnlocked(bench.skb(cpu.now()));
			}
			cpu.localBhEnable();
			return again ? TaskBody.RUN_AGAIN : TaskBody.BLOCK;
		};
	}

	@Test
	void hardIrqRunsSoftirqAtIrqExitOnAnIdleCpu() {
		EmbeddedCpus bench = new EmbeddedCpus(1, DEFAULTS);
		IrqHandler nic = (cpu, arg) -> {
			cpu.spend(Id.IRQ_HANDLER, 0);
			for (int k = 0; k < arg; k++) {
				cpu.softnet().netifRxUnlocked(bench.skb(cpu.now()));
			}
		};
		bench.sim.schedule(10_000, (sim, arg) -> bench.cpu(0).raiseIrq(nic, 3), 0);
		long elapsed = bench.run();

		assertThat(bench.received).hasSize(3)
			.allSatisfy(r -> assertThat(r.ctx()).isEqualTo(Context.SOFTIRQ))
			.allSatisfy(r -> assertThat(r.timeNs()).isGreaterThan(10_000 + DEFAULTS.idleExitNs()));
		assertThat(bench.events.get(0).ctx()).isEqualTo(Context.HARDIRQ);
		assertThat(bench.events.get(0).fn()).isEqualTo(Function.IRQ_HANDLER);
		assertThat(bench.events.get(0).timeNs()).isEqualTo(10_000 + DEFAULTS.idleExitNs());
		assertThat(bench.events).filteredOn(e -> e.ctx() == Context.SOFTIRQ)
			.allSatisfy(e -> assertThat(e.taskId()).isEqualTo(TraceSink.NO_ID));
		assertThat(bench.accounting.contextNs(0, Context.HARDIRQ)).isEqualTo(bench.cost(Id.IRQ_HANDLER) + 3 * 40);
		assertThat(bench.cpu(0).irqs()).isEqualTo(1);
		bench.assertAccountingAddsUp(elapsed);
	}

	@Test
	void netifRxUnlockedOutsideInterruptContextIsRejected() {
		EmbeddedCpus bench = new EmbeddedCpus(1, DEFAULTS);
		Task t = bench.cpus.createTask(0, "bad", (cpu, self) -> {
			cpu.softnet().netifRxUnlocked(bench.skb(cpu.now()));
			return TaskBody.BLOCK;
		});
		bench.cpus.wake(t);
		assertThatThrownBy(bench::run).isInstanceOf(IllegalStateException.class).hasMessageContaining("__netif_rx");
	}

}
