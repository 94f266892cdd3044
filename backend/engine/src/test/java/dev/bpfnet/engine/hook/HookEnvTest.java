package dev.bpfnet.engine.hook;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.bpfnet.bpf.ctx.SkBuff;
import dev.bpfnet.engine.cost.CostModel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HookEnvTest {

	private final ProgramLoader loader = Fixtures.loader(ExecMode.JIT);

	private static SkBuff skb() {
		return Fixtures.skb(Fixtures.arp());
	}

	@Test
	void perCpuEnvsAnswerTheirCpuAndTheSimulatedClock() {
		long[] now = { 5_000 };
		List<String> lines = new ArrayList<>();
		HookHost host = new HookHost(() -> now[0], lines::add, HookHost.NO_ROUTES, i -> i > 0);
		List<HookEnv> envs = HookEnv.perCpu(3, host, 1, CostModel.defaults());
		TcxChain cpu = new TcxChain("d", TcxChain.Direction.INGRESS);
		cpu.attach(this.loader.load(Fixtures.asm("cpu", "call 8\nexit\n")));
		for (int c = 0; c < 3; c++) {
			assertThat(envs.get(c).cpu()).isEqualTo(c);
			assertThat(cpu.run(skb(), envs.get(c)).code()).isEqualTo(c);
		}
		TcxChain clock = new TcxChain("d", TcxChain.Direction.INGRESS);
		clock.attach(this.loader.load(Fixtures.asm("clock", "call 5\nexit\n")));
		assertThat(clock.run(skb(), envs.get(0)).code()).isEqualTo(5_000);
		now[0] = 7_000;
		HookResult r = clock.run(skb(), envs.get(1));
		assertThat(r.code()).isEqualTo(7_000);
		CostModel c = CostModel.defaults();
		assertThat(r.helperCalls()).isEqualTo(1);
		assertThat(r.cpuNs()).isEqualTo(c.cost(CostModel.Id.BPF_PROG_RUN) + c.cost(CostModel.Id.BPF_INSN, 2)
				+ c.cost(CostModel.Id.BPF_HELPER_CALL));
	}

	@Test
	void resultIsReusedAndSnapshotsAreStable() {
		HookEnv env = Fixtures.env();
		TcxChain drop = new TcxChain("d", TcxChain.Direction.INGRESS);
		drop.attach(this.loader.load(Fixtures.asm("drop", "r0 = 2\nexit\n")));
		TcxChain pass = new TcxChain("d", TcxChain.Direction.INGRESS);
		pass.attach(this.loader.load(Fixtures.asm("pass", "r0 = 0\nexit\n")));
		HookResult first = drop.run(skb(), env);
		HookResult.Snapshot kept = first.snapshot();
		HookResult second = pass.run(skb(), env);
		assertThat(second).isSameAs(first);
		assertThat(second.dropped()).isFalse();
		assertThat(kept.dropReason()).isEqualTo(dev.bpfnet.engine.trace.DropReason.TC_INGRESS);
		assertThat(kept.programs()).containsExactly("drop");
		assertThatThrownBy(() -> second.program(1)).isInstanceOf(IndexOutOfBoundsException.class);
	}

	@Test
	void validatesArguments() {
		assertThatThrownBy(() -> new HookEnv(-1, HookHost.of(() -> 0), 0, CostModel.defaults()))
			.hasMessage("cpu must be >= 0, got -1");
		assertThatThrownBy(() -> HookEnv.perCpu(0, HookHost.of(() -> 0), 0, CostModel.defaults()))
			.hasMessage("numCpus must be >= 1, got 0");
	}

}
