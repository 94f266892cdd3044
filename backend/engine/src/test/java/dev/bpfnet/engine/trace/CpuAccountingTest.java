package dev.bpfnet.engine.trace;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class CpuAccountingTest {

	private static final int NETPERF = 3;

	private static final int KSOFTIRQD1 = 7;

	@Test
	void chargesContextsAndTasksAndLeavesTheRestIdle() {
		CpuAccounting cpus = new CpuAccounting(2);
		cpus.charge(1, Context.TASK, NETPERF, 0, 1_000);
		cpus.charge(1, Context.SOFTIRQ, NETPERF, 1_000, 1_400);
		cpus.charge(1, Context.TASK, NETPERF, 1_400, 2_000);
		cpus.charge(1, Context.HARDIRQ, TraceSink.NO_ID, 2_500, 2_600);
		cpus.charge(1, Context.KSOFTIRQD, KSOFTIRQD1, 3_000, 4_000);
		cpus.charge(0, Context.TASK, 1, 100, 200);

		assertThat(cpus.contextNs(1, Context.TASK)).isEqualTo(1_600);
		assertThat(cpus.contextNs(1, Context.SOFTIRQ)).isEqualTo(400);
		assertThat(cpus.contextNs(1, Context.HARDIRQ)).isEqualTo(100);
		assertThat(cpus.contextNs(1, Context.KSOFTIRQD)).isEqualTo(1_000);
		assertThat(cpus.busyNs(1)).isEqualTo(3_100);
		assertThat(cpus.idleNs(1, 10_000)).isEqualTo(6_900);
		assertThat(cpus.idleNs(0, 10_000)).isEqualTo(9_900);
		assertThat(cpus.taskNs(1, NETPERF)).isEqualTo(1_600);
		assertThat(cpus.taskNs(1, Context.SOFTIRQ, NETPERF)).isEqualTo(400);
		assertThat(cpus.taskNs(1, KSOFTIRQD1)).isEqualTo(1_000);
		assertThat(cpus.taskNs(1, Context.HARDIRQ, TraceSink.NO_ID)).isEqualTo(100);
		assertThat(cpus.taskIds(1)).containsExactly(NETPERF, KSOFTIRQD1);
		for (int cpu = 0; cpu < 2; cpu++) {
			long sum = cpus.idleNs(cpu, 10_000);
			for (Context ctx : Context.values()) {
				sum += cpus.contextNs(cpu, ctx);
			}
			assertThat(sum).as("cpu %d", cpu).isEqualTo(10_000);
		}
	}

	@Test
	void anOverlappingChargeNamesBothIntervals() {
		CpuAccounting cpus = new CpuAccounting(4);
		cpus.charge(2, Context.TASK, NETPERF, 100, 200);
		assertThatIllegalStateException().isThrownBy(() -> cpus.charge(2, Context.SOFTIRQ, NETPERF, 150, 300))
			.withMessage(
					"cpu 2: charge SOFTIRQ task 3 [150, 300) ns overlaps the previous charge TASK task 3 [100, 200) ns"
							+ " (a CPU runs one thing at a time; charges must come in time order)");
		// the rejected charge changed nothing; other CPUs are independent
		assertThat(cpus.busyNs(2)).isEqualTo(100);
		cpus.charge(2, Context.SOFTIRQ, TraceSink.NO_ID, 200, 300);
		cpus.charge(3, Context.TASK, NETPERF, 150, 300);
		assertThat(cpus.busyNs(2)).isEqualTo(200);
	}

	@Test
	void chargingBeyondTheElapsedTimeFailsVerification() {
		CpuAccounting cpus = new CpuAccounting(2);
		cpus.charge(1, Context.TASK, NETPERF, 0, 250);
		assertThatIllegalStateException().isThrownBy(() -> cpus.verify(200))
			.withMessage("cpu 1: charged up to 250 ns, beyond the elapsed 200 ns");
		cpus.verify(250);
	}

	@Test
	void rejectsMalformedCharges() {
		CpuAccounting cpus = new CpuAccounting(2);
		assertThatIllegalArgumentException().isThrownBy(() -> cpus.charge(2, Context.TASK, 1, 0, 1))
			.withMessage("cpu: must be in [0, 2), got 2");
		assertThatIllegalArgumentException().isThrownBy(() -> cpus.charge(0, Context.TASK, 1, 10, 5))
			.withMessage("cpu 0: interval [10, 5) ns is not a valid interval");
		assertThatIllegalArgumentException().isThrownBy(() -> cpus.charge(0, Context.KSOFTIRQD, TraceSink.NO_ID, 0, 5))
			.withMessage("cpu 0: a KSOFTIRQD charge needs a task id, got -1");
		assertThatIllegalArgumentException().isThrownBy(() -> new CpuAccounting(0))
			.withMessage("cpus: must be >= 1, got 0");
	}

}
