package dev.bpfnet.engine.cost;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SchedParamsTest {

	@Test
	void defaultsAreTheKernelDefaults() {
		SchedParams p = SchedParams.defaults();
		assertThat(p.softirqPolicy()).isEqualTo(SchedParams.SoftirqPolicy.SINCE_6_5);
		assertThat(p.hz()).isEqualTo(250);
		assertThat(p.jiffyNs()).isEqualTo(4_000_000);
		assertThat(p.maxSoftirqTimeNs()).isEqualTo(2_000_000);
		assertThat(p.maxSoftirqRestart()).isEqualTo(10);
		assertThat(p.netdevBudget()).isEqualTo(300);
		assertThat(p.netdevBudgetTimeNs()).isEqualTo(8_000_000); // 2 jiffies at HZ=250
		assertThat(SchedParams.defaults(1000).netdevBudgetTimeNs()).isEqualTo(2_000_000);
		assertThat(p.baseSliceNs()).isEqualTo(750_000);
		assertThat(p.wakeupLatencyNs()).isZero();
		assertThat(p.ipiDeliveryNs()).isEqualTo(1_500);
		assertThat(p.idleExitNs()).isEqualTo(SchedParams.IDLE_EXIT_C1_NS).isEqualTo(2_000);
		assertThat(p.irqCoalesceNs()).isEqualTo(8_000);
		assertThat(p.irqCoalescePackets()).isEqualTo(32);
	}

	@Test
	void timeSliceScalesWithLog2OfCpusCappedAtEight() {
		SchedParams p = SchedParams.defaults();
		assertThat(p.timeSliceNs(1)).isEqualTo(750_000);
		assertThat(p.timeSliceNs(2)).isEqualTo(1_500_000);
		assertThat(p.timeSliceNs(3)).isEqualTo(1_500_000);
		assertThat(p.timeSliceNs(4)).isEqualTo(2_250_000);
		assertThat(p.timeSliceNs(7)).isEqualTo(2_250_000);
		assertThat(p.timeSliceNs(8)).isEqualTo(3_000_000);
		assertThat(p.timeSliceNs(240)).isEqualTo(3_000_000);
		assertThatThrownBy(() -> p.timeSliceNs(0)).hasMessage("cpus must be >= 1, was 0");
	}

	@Test
	void withersChangeOneField() {
		SchedParams p = SchedParams.defaults()
			.withSoftirqPolicy(SchedParams.SoftirqPolicy.PRE_6_5)
			.withWakeupLatencyNs(5_000);
		assertThat(p.softirqPolicy()).isEqualTo(SchedParams.SoftirqPolicy.PRE_6_5);
		assertThat(p.wakeupLatencyNs()).isEqualTo(5_000);
		assertThat(p.withSoftirqPolicy(SchedParams.SoftirqPolicy.SINCE_6_5).withWakeupLatencyNs(0))
			.isEqualTo(SchedParams.defaults());
	}

	@Test
	void validatesWithFieldAndValue() {
		SchedParams d = SchedParams.defaults();
		assertThatThrownBy(() -> SchedParams.defaults(200))
			.hasMessage("hz must be one of 100, 250, 300, 1000 (CONFIG_HZ), was 200");
		assertThatThrownBy(() -> d.withWakeupLatencyNs(-1)).hasMessage("wakeupLatencyNs must be >= 0, was -1");
		assertThatThrownBy(() -> new SchedParams(d.softirqPolicy(), 250, 0, 10, 300, 1, 1, 0, 0, 0, 0, 1))
			.hasMessage("maxSoftirqTimeNs must be > 0, was 0");
		assertThatThrownBy(() -> new SchedParams(d.softirqPolicy(), 250, 1, 10, 300, 1, 1, 0, 0, 0, 0, 0))
			.hasMessage("irqCoalescePackets must be > 0, was 0");
		assertThatThrownBy(() -> new SchedParams(null, 250, 1, 10, 300, 1, 1, 0, 0, 0, 0, 1))
			.hasMessage("softirqPolicy");
	}

}
