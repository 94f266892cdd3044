package dev.bpfnet.engine.hook;

import java.util.Map;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;

import dev.bpfnet.bpf.ctx.SkBuff;
import dev.bpfnet.bpf.helpers.RedirectInfo;
import dev.bpfnet.engine.topology.Attach;
import dev.bpfnet.engine.topology.BpfnetDevice.Policy;
import dev.bpfnet.engine.topology.DeviceRef;
import dev.bpfnet.engine.trace.DropReason;
import dev.bpfnet.engine.trace.Verdict;

import static dev.bpfnet.engine.hook.Fixtures.asm;
import static dev.bpfnet.engine.hook.Fixtures.ifindex;
import static dev.bpfnet.engine.hook.Fixtures.ip;
import static dev.bpfnet.engine.hook.Fixtures.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NetkitSlotTest {

	private static final DeviceRef PRIMARY = DeviceRef.of("n1/host/nk0");

	private final ProgramLoader loader = Fixtures.loader(ExecMode.JIT);

	private final HookEnv env = Fixtures.env();

	private HookProgram ret(String name, int code) {
		return this.loader.load(asm(name, "r0 = " + code + "\nexit\n"));
	}

	private static SkBuff udp() {
		return Fixtures.skb(Fixtures.ipv4(ip(10, 0, 1, 10), ip(192, 168, 0, 1), 17, 1000, 53));
	}

	@Test
	void emptySlotsApplyThePolicies() {
		NetkitSlot slot = new NetkitSlot(PRIMARY, Policy.PASS, Policy.DROP);
		HookResult r = slot.xmit(NetkitSlot.Side.PRIMARY, udp(), this.env);
		assertThat(r.verdict()).isEqualTo(Verdict.PASS);
		assertThat(r.policyApplied()).isTrue();
		assertThat(r.programsRun()).isZero();
		assertThat(r.cpuNs()).isZero();
		assertThat(r.code()).isEqualTo(0);
		HookResult p = slot.xmit(NetkitSlot.Side.PEER, udp(), this.env);
		assertThat(p.verdict()).isEqualTo(Verdict.DROP);
		assertThat(p.dropReason()).isEqualTo(DropReason.NOT_SPECIFIED);
		assertThat(p.dropDetail()).isEqualTo("netkit policy drop");
		slot.setPolicy(NetkitSlot.Side.PEER, Policy.PASS);
		assertThat(slot.xmit(NetkitSlot.Side.PEER, udp(), this.env).verdict()).isEqualTo(Verdict.PASS);
	}

	@Test
	void programsOverrideThePolicyAndFinalNextPasses() {
		NetkitSlot slot = new NetkitSlot(PRIMARY, Policy.DROP, Policy.DROP);
		slot.attach(NetkitSlot.Side.PEER, ret("next", -1), OptionalInt.empty());
		HookResult r = slot.xmit(NetkitSlot.Side.PEER, udp(), this.env);
		assertThat(r.verdict()).isEqualTo(Verdict.PASS);
		assertThat(r.code()).isEqualTo(-1);
		assertThat(r.policyApplied()).isFalse();
		// the other slot is still empty: its policy decides
		assertThat(slot.xmit(NetkitSlot.Side.PRIMARY, udp(), this.env).verdict()).isEqualTo(Verdict.DROP);
	}

	@Test
	void nextThenDropAndUnknownCodeDrops() {
		NetkitSlot slot = new NetkitSlot(PRIMARY, Policy.PASS, Policy.PASS);
		slot.attach(NetkitSlot.Side.PRIMARY, ret("next", -1), OptionalInt.empty());
		slot.attach(NetkitSlot.Side.PRIMARY, ret("drop", 2), OptionalInt.empty());
		HookResult r = slot.xmit(NetkitSlot.Side.PRIMARY, udp(), this.env);
		assertThat(r.verdict()).isEqualTo(Verdict.DROP);
		assertThat(r.programsRun()).isEqualTo(2);
		// unknown code: default arm of netkit_xmit's switch (tcx would act as NEXT)
		NetkitSlot unknown = new NetkitSlot(PRIMARY, Policy.PASS, Policy.PASS);
		unknown.attach(NetkitSlot.Side.PEER, ret("one", 1), OptionalInt.empty());
		unknown.attach(NetkitSlot.Side.PEER, ret("pass", 0), OptionalInt.empty());
		HookResult u = unknown.xmit(NetkitSlot.Side.PEER, udp(), this.env);
		assertThat(u.verdict()).isEqualTo(Verdict.DROP);
		assertThat(u.code()).isEqualTo(1);
		assertThat(u.programsRun()).isEqualTo(1);
		assertThat(u.dropDetail()).isEqualTo("unknown netkit verdict 1 (default: drop)");
	}

	@Test
	void podEgressOnThePeerRedirectsToTheNicFromRodata() {
		HookProgram egress = this.loader
			.load(obj("egress", "pod_egress.o", "pod_egress", Map.of("nic_ifindex", ifindex("n1/host/eth0"))));
		NetkitSlot slot = new NetkitSlot(PRIMARY, Policy.PASS, Policy.DROP);
		// attached through the primary with hook peer: runs on the pod's transmit
		slot.attach(new Attach("egress", PRIMARY, Attach.Hook.PEER, OptionalInt.empty()), egress);
		HookResult r = slot.xmit(NetkitSlot.Side.PEER, udp(), this.env);
		// the FIB of HookHost.of() never forwards: fallback
		// bpf_redirect_neigh(nic_ifindex)
		assertThat(r.verdict()).isEqualTo(Verdict.REDIRECT);
		assertThat(r.redirect().kind()).isEqualTo(RedirectInfo.Kind.REDIRECT_NEIGH);
		assertThat(r.redirect().ifindex()).isEqualTo(Fixtures.NIC);
		assertThat(r.dropped()).isFalse();
		assertThat(r.helperCalls()).isEqualTo(3);
		assertThat(Fixtures.u64(egress.instance().map("verdicts"), 2)).isEqualTo(1);
		// host -> pod traffic does not run it
		assertThat(slot.xmit(NetkitSlot.Side.PRIMARY, udp(), this.env).policyApplied()).isTrue();
	}

	@Test
	void podIngressProgramPassesAndCounts() {
		HookProgram peer = this.loader.load(obj("peer", "pod_egress.o", "netkit/primary", Map.of()));
		NetkitSlot slot = new NetkitSlot(PRIMARY, Policy.DROP, Policy.DROP);
		slot.attach(new Attach("peer", PRIMARY, Attach.Hook.PRIMARY, OptionalInt.empty()), peer);
		for (int i = 0; i < 3; i++) {
			assertThat(slot.xmit(NetkitSlot.Side.PRIMARY, udp(), this.env).verdict()).isEqualTo(Verdict.PASS);
		}
		assertThat(Fixtures.u64(peer.instance().map("verdicts"), 4)).isEqualTo(3);
	}

	@Test
	void redirectPeerAndMissingTargetDropInNetkit() {
		NetkitSlot slot = new NetkitSlot(PRIMARY, Policy.PASS, Policy.PASS);
		slot.attach(NetkitSlot.Side.PEER, this.loader.load(asm("peer", """
				r1 = 5
				r2 = 0
				call 155
				exit
				""")), OptionalInt.empty());
		slot.attach(NetkitSlot.Side.PRIMARY, ret("redir", 7), OptionalInt.empty());
		HookResult r = slot.xmit(NetkitSlot.Side.PEER, udp(), this.env);
		assertThat(r.verdict()).isEqualTo(Verdict.REDIRECT);
		assertThat(r.dropDetail()).contains("bpf_redirect_peer outside tc ingress");
		HookResult m = slot.xmit(NetkitSlot.Side.PRIMARY, udp(), this.env);
		assertThat(m.dropReason()).isEqualTo(DropReason.NOT_SPECIFIED);
		assertThat(m.dropDetail()).contains("without a redirect target");
	}

	@Test
	void attachOnlyThroughThePrimaryAndOnlyNetkitHooks() {
		NetkitSlot slot = new NetkitSlot(PRIMARY, Policy.PASS, Policy.PASS);
		HookProgram p = ret("p", 0);
		assertThatThrownBy(() -> slot
			.attach(new Attach("p", DeviceRef.of("n1/pod/eth0"), Attach.Hook.PEER, OptionalInt.empty()), p))
			.hasMessageContaining("-EACCES");
		assertThatThrownBy(() -> slot.attach(new Attach("p", PRIMARY, Attach.Hook.TCX_INGRESS, OptionalInt.empty()), p))
			.hasMessageContaining("tcx hook");
		assertThat(slot.programs(NetkitSlot.Side.PEER)).isEmpty();
	}

}
