package dev.bpfnet.engine.cpu;

import dev.bpfnet.engine.cost.SchedParams;
import dev.bpfnet.engine.trace.Context;
import dev.bpfnet.engine.trace.Function;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SchedulerTest {

	@Test
	void twoCpuBoundTasksShareTheCpuInSlices() {
		SchedParams params = SchedParams.defaults();
		EmbeddedCpus bench = new EmbeddedCpus(1, params);
		long slice = params.timeSliceNs(1);
		TaskBody hog = (cpu, self) -> {
			cpu.spendNs(100_000);
			return (self.sumExecNs() >= 10 * slice) ? TaskBody.BLOCK : TaskBody.RUN_AGAIN;
		};
		Task a = bench.cpus.createTask(0, "a", hog);
		Task b = bench.cpus.createTask(0, "b", hog);
		bench.cpus.wake(a);
		bench.cpus.wake(b);
		long elapsed = bench.run();

		assertThat(a.sumExecNs()).isEqualTo(b.sumExecNs()).isEqualTo(10 * slice);
		assertThat(a.state()).isEqualTo(Task.State.BLOCKED);
		// they alternate once per slice (rounded up to a step), not every step
		long switches = bench.cpu(0).contextSwitches();
		assertThat(switches).isBetween(18L, 22L);
		assertThat(bench.events).filteredOn(e -> e.fn() == Function.SCHEDULE).hasSize((int) switches);
		assertThat(bench.accounting.taskNs(0, Context.TASK, a.id())).isEqualTo(a.sumExecNs());
		assertThat(elapsed).isEqualTo(params.idleExitNs() + 20 * slice);
		bench.assertAccountingAddsUp(elapsed);
	}

	@Test
	void aSleepingTaskWakesAtItsTimeAndTheCpuIdlesMeanwhile() {
		SchedParams params = SchedParams.defaults();
		EmbeddedCpus bench = new EmbeddedCpus(1, params);
		Task t = bench.cpus.createTask(0, "sleeper", (cpu, self) -> {
			cpu.spendNs(1_000);
			return (self.steps() < 3) ? cpu.now() + 50_000 : TaskBody.BLOCK;
		});
		bench.cpus.wakeAt(t, 5_000);
		long elapsed = bench.run();

		assertThat(t.steps()).isEqualTo(3);
		long exit = params.idleExitNs();
		// three steps, each after an idle exit: 5000 + (exit + 1000) + 50000 + ...
		assertThat(elapsed).isEqualTo(5_000 + 3 * (exit + 1_000) + 2 * 50_000);
		assertThat(bench.cpu(0).idleNs(elapsed)).isEqualTo(elapsed - 3_000);
		bench.assertAccountingAddsUp(elapsed);
	}

	@Test
	void aWakeUpFromAnotherCpuArrivesAfterTheIpi() {
		SchedParams params = SchedParams.defaults();
		EmbeddedCpus bench = new EmbeddedCpus(2, params);
		long[] ranAt = new long[1];
		Task remote = bench.cpus.createTask(1, "remote", (cpu, self) -> {
			ranAt[0] = cpu.now();
			return TaskBody.BLOCK;
		});
		Task waker = bench.cpus.createTask(0, "waker", (cpu, self) -> {
			cpu.spendNs(10_000);
			cpu.cpuSet().wake(remote);
			return TaskBody.BLOCK;
		});
		bench.cpus.wake(waker);
		long elapsed = bench.run();

		long wakeCost = bench.cost(dev.bpfnet.engine.cost.CostModel.Id.TRY_TO_WAKE_UP_REMOTE);
		assertThat(ranAt[0])
			.isEqualTo(params.idleExitNs() + 10_000 + wakeCost + params.ipiDeliveryNs() + params.idleExitNs());
		bench.assertAccountingAddsUp(elapsed);
	}

}
