package dev.bpfnet.engine.hook;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;

import dev.bpfnet.bpf.ctx.SkBuff;
import dev.bpfnet.bpf.helpers.RedirectInfo;
import dev.bpfnet.engine.cost.CostModel;
import dev.bpfnet.engine.topology.Attach;
import dev.bpfnet.engine.trace.DropReason;
import dev.bpfnet.engine.trace.Verdict;

import static dev.bpfnet.engine.hook.Fixtures.asm;
import static dev.bpfnet.engine.hook.Fixtures.ifindex;
import static dev.bpfnet.engine.hook.Fixtures.ip;
import static dev.bpfnet.engine.hook.Fixtures.num;
import static dev.bpfnet.engine.hook.Fixtures.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TcxChainTest {

	private final ProgramLoader loader = Fixtures.loader(ExecMode.JIT);

	private final HookEnv env = Fixtures.env();

	private HookProgram ret(String name, int code) {
		return this.loader.load(asm(name, "r0 = " + code + "\nexit\n"));
	}

	private static SkBuff udp() {
		return Fixtures.skb(Fixtures.ipv4(ip(10, 0, 0, 1), ip(10, 0, 1, 10), 17, 1000, 53));
	}

	@Test
	void nextContinuesThenDropDecides() {
		TcxChain chain = new TcxChain("n1/host/eth0", TcxChain.Direction.INGRESS);
		chain.attach(ret("next", -1));
		chain.attach(ret("drop", 2));
		HookResult r = chain.run(udp(), this.env);
		assertThat(r.verdict()).isEqualTo(Verdict.DROP);
		assertThat(r.programsRun()).isEqualTo(2);
		assertThat(r.program(0).name()).isEqualTo("next");
		assertThat(r.programCode(0)).isEqualTo(-1);
		assertThat(r.code()).isEqualTo(2);
		assertThat(r.dropped()).isTrue();
		assertThat(r.dropReason()).isEqualTo(DropReason.TC_INGRESS);
		assertThat(r.instructions()).isEqualTo(4);
		CostModel c = CostModel.defaults();
		long one = c.cost(CostModel.Id.BPF_PROG_RUN) + c.cost(CostModel.Id.BPF_INSN, 2);
		assertThat(r.cpuNs()).isEqualTo(2 * one);
		assertThat(r.helperCalls()).isZero();
	}

	@Test
	void egressDropUsesTcEgress() {
		TcxChain chain = TcxChain.of("n1/host/eth0", Attach.Hook.TCX_EGRESS);
		chain.attach(ret("drop", 2));
		assertThat(chain.run(udp(), this.env).dropReason()).isEqualTo(DropReason.TC_EGRESS);
	}

	@Test
	void unknownCodeStopsTheChainAndActsAsNext() {
		// tcx_run breaks on ret != TCX_NEXT; tcx_action_code maps the unknown code to
		// NEXT
		TcxChain chain = new TcxChain("d", TcxChain.Direction.INGRESS);
		chain.attach(ret("reclassify", 1));
		chain.attach(ret("drop", 2));
		HookResult r = chain.run(udp(), this.env);
		assertThat(r.verdict()).isEqualTo(Verdict.NEXT);
		assertThat(r.code()).isEqualTo(1);
		assertThat(r.programsRun()).isEqualTo(1);
		assertThat(r.dropped()).isFalse();
	}

	@Test
	void allNextLeavesNextAndEmptyChainRunsNothing() {
		TcxChain chain = new TcxChain("d", TcxChain.Direction.EGRESS);
		assertThat(chain.run(udp(), this.env).programsRun()).isZero();
		assertThat(this.env.result().verdict()).isEqualTo(Verdict.NEXT);
		chain.attach(ret("a", -1));
		chain.attach(ret("b", -1));
		HookResult r = chain.run(udp(), this.env);
		assertThat(r.verdict()).isEqualTo(Verdict.NEXT);
		assertThat(r.programsRun()).isEqualTo(2);
	}

	@Test
	void passCopiesTcClassidToTcIndex() {
		TcxChain chain = new TcxChain("d", TcxChain.Direction.INGRESS);
		chain.attach(ret("pass", 0));
		SkBuff skb = udp();
		skb.tcClassid = 0x10;
		assertThat(chain.run(skb, this.env).verdict()).isEqualTo(Verdict.PASS);
		assertThat(skb.tcIndex).isEqualTo(0x10);
	}

	@Test
	void explicitOrderRunsFirstThenAttachOrder() {
		TcxChain chain = new TcxChain("d", TcxChain.Direction.INGRESS);
		chain.attach(ret("late", -1));
		chain.attach(ret("second", -1), OptionalInt.of(5));
		chain.attach(ret("first", -1), OptionalInt.of(1));
		chain.attach(ret("last", 2));
		assertThat(chain.programs()).extracting(HookProgram::name).containsExactly("first", "second", "late", "last");
		HookResult r = chain.run(udp(), this.env);
		assertThat(r.snapshot().programs()).containsExactly("first", "second", "late", "last");
		assertThat(chain.detach("second")).isTrue();
		assertThat(chain.programs()).extracting(HookProgram::name).containsExactly("first", "late", "last");
		assertThatThrownBy(() -> chain.attach(ret("first", 0))).hasMessageContaining("-EEXIST");
	}

	@Test
	void redirectWithoutTargetIsDroppedAsSkbDoRedirectWould() {
		TcxChain chain = new TcxChain("d", TcxChain.Direction.INGRESS);
		chain.attach(ret("redir", 7));
		HookResult r = chain.run(udp(), this.env);
		assertThat(r.verdict()).isEqualTo(Verdict.REDIRECT);
		assertThat(r.redirect().isSet()).isFalse();
		assertThat(r.dropReason()).isEqualTo(DropReason.NOT_SPECIFIED);
	}

	@Test
	void redirectSetByAnEarlierProgramIsUsedByALaterRedirect() {
		TcxChain chain = new TcxChain("d", TcxChain.Direction.EGRESS);
		chain.attach(this.loader.load(asm("set", """
				r1 = 9
				r2 = 0
				call 23
				r0 = -1
				exit
				""")));
		chain.attach(ret("redir", 7));
		HookResult r = chain.run(udp(), this.env);
		assertThat(r.verdict()).isEqualTo(Verdict.REDIRECT);
		assertThat(r.redirect().kind()).isEqualTo(RedirectInfo.Kind.REDIRECT);
		assertThat(r.redirect().ifindex()).isEqualTo(9);
		assertThat(r.dropped()).isFalse();
		assertThat(r.helperCalls()).isEqualTo(1);
	}

	@Test
	void redirectPeerFromIngressIsRecordedAndDroppedFromEgress() {
		HookProgram nic = this.loader.load(obj("nic", "pod_egress.o", "tcx/ingress", Map.of("pod_ip",
				num(Integer.reverseBytes(ip(10, 0, 1, 10)) & 0xffffffffL), "pod_ifindex", ifindex("n1/host/nk0"))));
		TcxChain ingress = new TcxChain("n1/host/eth0", TcxChain.Direction.INGRESS);
		ingress.attach(nic);
		HookResult r = ingress.run(udp(), this.env);
		assertThat(r.verdict()).isEqualTo(Verdict.REDIRECT);
		assertThat(r.redirect().kind()).isEqualTo(RedirectInfo.Kind.REDIRECT_PEER);
		assertThat(r.redirect().ifindex()).isEqualTo(Fixtures.POD_PRIMARY);
		assertThat(r.dropped()).isFalse();
		assertThat(Fixtures.u64(nic.instance().map("verdicts"), 3)).isEqualTo(1);
		// not for the pod: NEXT
		HookResult other = ingress.run(Fixtures.skb(Fixtures.ipv4(ip(10, 0, 0, 1), ip(10, 0, 1, 11), 17, 1, 2)),
				this.env);
		assertThat(other.verdict()).isEqualTo(Verdict.NEXT);
		assertThat(other.redirect().isSet()).isFalse();
		// the same program on egress: skb_do_redirect refuses BPF_F_PEER
		TcxChain egress = new TcxChain("n1/host/eth0", TcxChain.Direction.EGRESS);
		egress.attach(nic);
		HookResult e = egress.run(udp(), this.env);
		assertThat(e.verdict()).isEqualTo(Verdict.REDIRECT);
		assertThat(e.dropReason()).isEqualTo(DropReason.NOT_SPECIFIED);
		assertThat(e.dropDetail()).contains("bpf_redirect_peer outside tc ingress");
	}

	@Test
	void ingressMacLenIsPushedForTheProgramsAndPulledAfter() {
		TcxChain chain = new TcxChain("d", TcxChain.Direction.INGRESS);
		// r0 = skb->len (offset 0 of __sk_buff)
		chain.attach(this.loader.load(asm("len", "r0 = *(u32 *)(r1 + 0)\nexit\n")));
		SkBuff skb = udp();
		skb.pull(14);
		HookResult r = chain.run(skb, this.env, 14);
		assertThat(r.code()).isEqualTo(54);
		assertThat(skb.len()).isEqualTo(40);
	}

	@Test
	void flowCounterPassesAndCountsOverSeveralPackets() {
		HookProgram count = this.loader.load(obj("count", "flow_counter.o", "tcx/ingress", Map.of()));
		TcxChain chain = new TcxChain("d", TcxChain.Direction.INGRESS);
		chain.attach(count);
		long helpers = -1;
		for (int i = 0; i < 5; i++) {
			int sport = (i % 2 == 0) ? 1000 : 2000;
			HookResult r = chain.run(Fixtures.skb(Fixtures.ipv4(ip(10, 0, 0, 1), ip(10, 0, 0, 2), 6, sport, 80)),
					this.env);
			assertThat(r.verdict()).isEqualTo(Verdict.PASS);
			assertThat(r.helperCalls()).isPositive();
			helpers = r.helperCalls();
			assertThat(r.cpuNs()).isGreaterThan(CostModel.defaults().cost(CostModel.Id.BPF_PROG_RUN));
		}
		chain.run(Fixtures.skb(Fixtures.arp()), this.env);
		assertThat(this.env.result().verdict()).isEqualTo(Verdict.PASS);
		assertThat(count.instance().globalValue("seen_packets")).isEqualTo(6);
		assertThat(count.instance().globalValue("non_ip_packets")).isEqualTo(1);
		assertThat(count.instance().map("flows").size()).isEqualTo(2);
		assertThat(helpers).isPositive();
	}

	@Test
	void allowlistDropsByDefaultOnEgress() {
		HookProgram allow = this.loader.load(obj("allow", "allowlist.o", "tcx/egress", Map.of()));
		TcxChain chain = new TcxChain("d", TcxChain.Direction.EGRESS);
		chain.attach(allow);
		HookResult r = chain.run(udp(), this.env);
		assertThat(r.verdict()).isEqualTo(Verdict.DROP);
		assertThat(r.dropReason()).isEqualTo(DropReason.TC_EGRESS);
		assertThat(Fixtures.u64(allow.instance().map("drops"), 2)).isEqualTo(1);
		assertThat(chain.run(Fixtures.skb(Fixtures.arp()), this.env).verdict()).isEqualTo(Verdict.PASS);
		// allow_non_ip = 0 in .rodata
		TcxChain strict = new TcxChain("d", TcxChain.Direction.EGRESS);
		strict.attach(Fixtures.loader(ExecMode.JIT)
			.load(obj("strict", "allowlist.o", "tcx/egress", Map.of("allow_non_ip", num(0)))));
		assertThat(strict.run(Fixtures.skb(Fixtures.arp()), this.env).verdict()).isEqualTo(Verdict.DROP);
	}

	@Test
	void tailCallsRunTheStageAndCountItsInstructions() {
		HookProgram dispatch = this.loader.load(obj("d", "tail_call.o", "dispatch", Map.of("ipv4_mark", num(0x42))));
		TcxChain chain = new TcxChain("d", TcxChain.Direction.INGRESS);
		chain.attach(dispatch);
		SkBuff v4 = udp();
		HookResult r = chain.run(v4, this.env);
		assertThat(r.verdict()).isEqualTo(Verdict.PASS);
		assertThat(v4.mark).isEqualTo(0x42);
		assertThat(this.env.vm().tailCallsTaken()).isEqualTo(1);
		long insns = r.instructions();
		assertThat(insns).isGreaterThan(dispatch.program().length() / 2);
		HookResult other = chain.run(Fixtures.skb(Fixtures.arp()), this.env);
		assertThat(other.verdict()).isEqualTo(Verdict.NEXT);
		assertThat(other.code()).isEqualTo(-1);
		assertThat(dispatch.instance().globalValue("missed_tail_calls")).isZero();
	}

	@Test
	void faultDropsWithTheDirectionsReason() {
		TcxChain chain = new TcxChain("d", TcxChain.Direction.INGRESS);
		chain.attach(this.loader.load(asm("long", "r0 = 0\nr0 += 1\nr0 += 1\nexit\n")));
		chain.attach(ret("never", 0));
		HookEnv tight = Fixtures.env();
		tight.vm().setInstructionBudget(2);
		HookResult r = chain.run(udp(), tight);
		assertThat(r.verdict()).isEqualTo(Verdict.DROP);
		assertThat(r.fault()).isNotNull();
		assertThat(r.programsRun()).isEqualTo(1);
		assertThat(r.dropReason()).isEqualTo(DropReason.TC_INGRESS);
		assertThat(r.dropDetail()).startsWith("program 'long' faulted: ");
	}

	@Test
	void onlySchedClsAttaches() {
		HookProgram action = this.loader.load(obj("act", "tail_call.o", "action", Map.of()));
		TcxChain chain = new TcxChain("d", TcxChain.Direction.INGRESS);
		assertThatThrownBy(() -> chain.attach(action)).hasMessageContaining("of type SCHED_ACT cannot attach");
		assertThatThrownBy(() -> TcxChain.of("d", Attach.Hook.PEER)).hasMessageContaining("netkit hook");
		assertThat(List.of(chain.direction())).containsExactly(TcxChain.Direction.INGRESS);
	}

}
