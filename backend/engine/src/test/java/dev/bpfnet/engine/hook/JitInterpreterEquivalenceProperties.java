package dev.bpfnet.engine.hook;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.SortedMap;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import dev.bpfnet.bpf.ctx.SkBuff;
import dev.bpfnet.engine.topology.DeviceRef;
import dev.bpfnet.engine.topology.ProgramRef;
import dev.bpfnet.engine.topology.BpfnetDevice.Policy;

import static dev.bpfnet.engine.hook.Fixtures.ifindex;
import static dev.bpfnet.engine.hook.Fixtures.num;
import static dev.bpfnet.engine.hook.Fixtures.obj;
import static org.assertj.core.api.Assertions.assertThat;

/** The JIT and the interpreter give identical hook results over random packets. */
class JitInterpreterEquivalenceProperties {

	private static final List<ProgramRef> REFS = List.of(obj("count", "flow_counter.o", "tcx/ingress", Map.of()),
			obj("nic", "pod_egress.o", "tcx/ingress",
					Map.of("pod_ip", num(0x0a01000aL), "pod_ifindex", ifindex("n1/host/nk0"))),
			obj("egress", "pod_egress.o", "pod_egress", Map.of("nic_ifindex", ifindex("n1/host/eth0"))),
			obj("allow", "allowlist.o", "tcx/egress", Map.of()), obj("dispatch", "tail_call.o", "dispatch", Map.of()));

	private static final class World {

		final TcxChain ingress = new TcxChain("n1/host/eth0", TcxChain.Direction.INGRESS);

		final TcxChain egress = new TcxChain("n1/host/eth0", TcxChain.Direction.EGRESS);

		final NetkitSlot slot = new NetkitSlot(DeviceRef.of("n1/host/nk0"), Policy.PASS, Policy.PASS);

		final HookEnv env = Fixtures.env();

		World(ExecMode mode) {
			SortedMap<String, HookProgram> p = Fixtures.loader(mode).loadAll(REFS);
			assertThat(p.values()).allMatch(h -> h.jitted() == (mode == ExecMode.JIT));
			this.ingress.attach(p.get("count"));
			this.ingress.attach(p.get("dispatch"), OptionalInt.of(0));
			this.ingress.attach(p.get("nic"));
			this.egress.attach(p.get("allow"));
			this.slot.attach(NetkitSlot.Side.PEER, p.get("egress"), OptionalInt.empty());
		}

		List<Object> run(byte[] frame) {
			SkBuff a = Fixtures.skb(frame.clone());
			SkBuff b = Fixtures.skb(frame.clone());
			SkBuff c = Fixtures.skb(frame.clone());
			return List.of(this.ingress.run(a, this.env).snapshot(), this.egress.run(b, this.env).snapshot(),
					this.slot.xmit(NetkitSlot.Side.PEER, c, this.env).snapshot(), state(a), state(b), state(c));
		}

		/** The packet as the programs left it. */
		private static List<Object> state(SkBuff s) {
			return List.of(s.mark, s.tcIndex, s.len(), Arrays.toString(s.frame()));
		}

	}

	@Provide
	Arbitrary<List<byte[]>> packets() {
		Arbitrary<byte[]> v4 = Combinators
			.combine(Arbitraries.integers().between(0x0a000000, 0x0a0003ff),
					Arbitraries.integers().between(0x0a000000, 0x0a0003ff), Arbitraries.of(6, 17, 1),
					Arbitraries.integers().between(0, 65535), Arbitraries.integers().between(0, 65535))
			.as(Fixtures::ipv4);
		Arbitrary<byte[]> junk = Arbitraries.bytes().array(byte[].class).ofMinSize(14).ofMaxSize(80);
		return Arbitraries.frequencyOf(Tuple.of(5, v4), Tuple.of(1, junk)).list().ofMinSize(1).ofMaxSize(12);
	}

	@Property(tries = 40)
	void jitAndInterpreterAgree(@ForAll("packets") List<byte[]> packets) {
		World jit = new World(ExecMode.JIT);
		World interp = new World(ExecMode.INTERPRETER);
		for (byte[] frame : packets) {
			assertThat(jit.run(frame)).isEqualTo(interp.run(frame));
		}
	}

}
