package dev.bpfnet.engine.cpu;

import java.util.SplittableRandom;

import dev.bpfnet.engine.cost.CostModel.Id;
import dev.bpfnet.engine.cost.SchedParams;
import dev.bpfnet.engine.cost.SchedParams.SoftirqPolicy;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random arrival patterns on 2 CPUs: tasks, hard IRQs and softirq-context re-enqueues.
 */
class CpuProperties {

	/** Counters of one scenario run. */
	static final class Run {

		EmbeddedCpus bench;

		long[] attempts;

		long elapsed;

	}

	static Run scenario(long seed, SoftirqPolicy policy, int maxBacklog) {
		SplittableRandom rnd = new SplittableRandom(seed);
		Run run = new Run();
		EmbeddedCpus bench = new EmbeddedCpus(CpuSet.Config.of(2).withMaxBacklog(maxBacklog),
				SchedParams.defaults().withSoftirqPolicy(policy));
		run.bench = bench;
		run.attempts = new long[2];
		// the receive handler re-enqueues some skbs from softirq context (a veth hop)
		bench.cpus.cpu(0).softnet().setRxHandler((cpu, skb) -> rx(bench, run, cpu, skb));
		bench.cpus.cpu(1).softnet().setRxHandler((cpu, skb) -> rx(bench, run, cpu, skb));
		for (int c = 0; c < 2; c++) {
			int cpuIndex = c;
			int tasks = 1 + rnd.nextInt(2);
			for (int k = 0; k < tasks; k++) {
				SplittableRandom own = rnd.split();
				int steps = 1 + own.nextInt(20);
				long[] left = { steps };
				Task t = bench.cpus.createTask(cpuIndex, "gen" + cpuIndex + "." + k, (cpu, self) -> {
					int burst = 1 + own.nextInt(300);
					boolean unlocked = own.nextBoolean();
					if (unlocked) {
						cpu.localBhDisable();
					}
					for (int p = 0; p < burst; p++) {
						cpu.spendNs(own.nextInt(200));
						run.attempts[cpu.index()]++;
						Skb skb = bench.skb(cpu.now());
						if (unlocked) {
							cpu.softnet().netifRxUnlocked(skb);
						}
						else {
							cpu.softnet().netifRx(skb);
						}
					}
					if (unlocked) {
						cpu.localBhEnable();
					}
					if (--left[0] == 0) {
						return TaskBody.BLOCK;
					}
					int choice = own.nextInt(3);
					return (choice == 0) ? TaskBody.RUN_AGAIN : cpu.now() + own.nextInt(400_000);
				});
				bench.cpus.wakeAt(t, rnd.nextInt(50_000));
			}
			IrqHandler nic = (cpu, arg) -> {
				cpu.spend(Id.IRQ_HANDLER, 0);
				for (int p = 0; p < arg; p++) {
					run.attempts[cpu.index()]++;
					cpu.softnet().netifRxUnlocked(bench.skb(cpu.now()));
				}
			};
			int irqs = rnd.nextInt(30);
			for (int k = 0; k < irqs; k++) {
				long n = 1 + rnd.nextInt(64);
				bench.sim.scheduleAt(rnd.nextInt(2_000_000), (sim, arg) -> bench.cpus.cpu(cpuIndex).raiseIrq(nic, arg),
						n);
			}
		}
		run.elapsed = bench.run();
		return run;
	}

	private static void rx(EmbeddedCpus bench, Run run, Cpu cpu, Skb skb) {
		bench.receive(cpu, skb);
		if (skb.payload() == null && skb.id() % 3 == 0) {
			skb.setPayload("forwarded");
			run.attempts[cpu.index()]++;
			cpu.softnet().netifRxUnlocked(skb);
		}
	}

	@Property(tries = 40)
	void packetsAreConservedAndTimeNeverGoesBack(@ForAll long seed, @ForAll boolean pre65,
			@ForAll @IntRange(min = 5, max = 1000) int maxBacklog) {
		Run run = scenario(seed, pre65 ? SoftirqPolicy.PRE_6_5 : SoftirqPolicy.SINCE_6_5, maxBacklog);
		EmbeddedCpus bench = run.bench;
		for (int c = 0; c < 2; c++) {
			SoftnetData sd = bench.cpu(c).softnet();
			assertThat(run.attempts[c]).as("cpu %d: enqueued = received + dropped + still queued", c)
				.isEqualTo(sd.processed() + sd.dropped() + sd.backlogLength());
			assertThat(sd.backlogLength()).as("everything is drained in the end").isZero();
			int cpuId = bench.cpu(c).id();
			assertThat(bench.received.stream().filter(r -> r.cpu() == cpuId).count()).isEqualTo(sd.processed());
		}
		long dropEvents = bench.events.stream()
			.filter(e -> e.drop() != dev.bpfnet.engine.trace.DropReason.NOT_DROPPED_YET)
			.count();
		assertThat(dropEvents).isEqualTo(bench.cpu(0).softnet().dropped() + bench.cpu(1).softnet().dropped());
		long[] last = new long[2];
		for (EmbeddedCpus.Ev e : bench.events) {
			assertThat(e.timeNs()).as("time on cpu %d never goes back", e.cpu()).isGreaterThanOrEqualTo(last[e.cpu()]);
			last[e.cpu()] = e.timeNs();
		}
		assertThat(run.elapsed).isGreaterThanOrEqualTo(Math.max(last[0], last[1]));
		bench.assertAccountingAddsUp(run.elapsed);
	}

	@Property(tries = 10)
	void sameSeedSameTrace(@ForAll long seed, @ForAll boolean pre65) {
		SoftirqPolicy policy = pre65 ? SoftirqPolicy.PRE_6_5 : SoftirqPolicy.SINCE_6_5;
		Run a = scenario(seed, policy, 200);
		Run b = scenario(seed, policy, 200);
		assertThat(a.bench.hasher.events()).isEqualTo(b.bench.hasher.events()).isPositive();
		assertThat(a.bench.hasher.hex()).isEqualTo(b.bench.hasher.hex());
		assertThat(a.elapsed).isEqualTo(b.elapsed);
	}

}
