package dev.bpfnet.engine.hook;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;

import org.junit.jupiter.api.Test;

import dev.bpfnet.bpf.interp.Executor;
import dev.bpfnet.engine.topology.ProgramRef;

import static dev.bpfnet.engine.hook.Fixtures.asm;
import static dev.bpfnet.engine.hook.Fixtures.ifindex;
import static dev.bpfnet.engine.hook.Fixtures.num;
import static dev.bpfnet.engine.hook.Fixtures.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProgramLoaderTest {

	@Test
	void loadsVerifiesAndSetsRodataIncludingIfindexes() {
		SortedMap<String, HookProgram> progs = Fixtures.loader(ExecMode.JIT)
			.loadAll(List.of(
					obj("egress", "pod_egress.o", "netkit/peer", Map.of("nic_ifindex", ifindex("n1/host/eth0"))),
					obj("peer", "pod_egress.o", "netkit/primary", Map.of("pod_ip", num(0x0a00010a)))));
		HookProgram egress = progs.get("egress");
		HookProgram peer = progs.get("peer");
		assertThat(egress.program().name()).isEqualTo("pod_egress");
		assertThat(peer.program().name()).isEqualTo("pod_ingress");
		assertThat(egress.section()).isEqualTo("netkit/peer");
		assertThat(egress.jitted()).isTrue();
		// one instance per object, shared, with the merged .rodata of both refs
		assertThat(egress.instance()).isSameAs(peer.instance());
		assertThat(egress.instance().globalValue("nic_ifindex")).isEqualTo(Fixtures.NIC);
		assertThat(egress.instance().globalValue("pod_ip")).isEqualTo(0x0a00010aL);
		assertThat(egress.instance().globalValue("pod_ifindex")).isEqualTo(3);
		assertThatThrownBy(() -> egress.instance().setGlobal("nic_ifindex", 1))
			.isInstanceOf(IllegalStateException.class);
	}

	@Test
	void interpreterModeDoesNotJit() {
		HookProgram p = Fixtures.loader(ExecMode.INTERPRETER)
			.load(obj("count", "flow_counter.o", "tcx/ingress", Map.of()));
		assertThat(p.jitted()).isFalse();
		assertThat(p.executor()).isSameAs(Executor.INTERPRETER);
		assertThat(p.program().name()).isEqualTo("count_flows");
	}

	@Test
	void functionNameSelectsAmongProgramsOfOneSection() {
		HookProgram p = Fixtures.loader(ExecMode.JIT).load(obj("d", "tail_call.o", "dispatch", Map.of()));
		assertThat(p.program().name()).isEqualTo("dispatch");
		assertThatThrownBy(() -> Fixtures.loader(ExecMode.JIT).load(obj("d", "tail_call.o", "tc", Map.of())))
			.isInstanceOf(ProgramLoadException.class)
			.hasMessageContaining("program 'd' (object tail_call.o)")
			.hasMessageContaining("3 programs in section 'tc', give the function name")
			.hasMessageContaining("stage_ipv4 (tc)");
	}

	@Test
	void rejectedProgramNamesProgramInsnAndVerifierMessage() {
		ProgramRef bad = asm("broken", """
				r0 = 0
				r0 += r2
				exit
				""");
		assertThatThrownBy(() -> Fixtures.loader(ExecMode.JIT).load(bad))
			.isInstanceOfSatisfying(ProgramLoadException.class, ex -> {
				assertThat(ex.program()).isEqualTo("broken");
				assertThat(ex.insn()).isEqualTo(1);
				assertThat(ex.getMessage())
					.isEqualTo("program 'broken' (<asm>): rejected by the verifier at insn 1: R2 !read_ok");
			});
	}

	@Test
	void unknownSectionListsThePrograms() {
		assertThatThrownBy(() -> Fixtures.loader(ExecMode.JIT).load(obj("x", "allowlist.o", "xdp", Map.of())))
			.isInstanceOf(ProgramLoadException.class)
			.hasMessage("program 'x' (object allowlist.o): no program in section or function 'xdp'; the object has "
					+ "[allowlist (tcx/egress), allowlist_cls (classifier)]");
	}

	@Test
	void rodataErrorsNameProgramAndSymbol() {
		assertThatThrownBy(() -> Fixtures.loader(ExecMode.JIT)
			.load(obj("e", "pod_egress.o", "netkit/peer", Map.of("nic_ifindex", ifindex("n1/host/eth9")))))
			.isInstanceOf(ProgramLoadException.class)
			.hasMessageContaining("program 'e' (object pod_egress.o)")
			.hasMessageContaining("rodata 'nic_ifindex': cannot resolve ifindex:n1/host/eth9: unknown device");
		assertThatThrownBy(() -> Fixtures.loader(ExecMode.JIT)
			.load(obj("e", "pod_egress.o", "netkit/peer", Map.of("no_such_knob", num(1)))))
			.hasMessageContaining("cannot set rodata 'no_such_knob'");
		assertThatThrownBy(() -> Fixtures.loader(ExecMode.JIT)
			.loadAll(List.of(obj("a", "pod_egress.o", "netkit/peer", Map.of("nic_ifindex", num(4))),
					obj("b", "pod_egress.o", "netkit/primary", Map.of("nic_ifindex", num(5))))))
			.hasMessageContaining("rodata 'nic_ifindex' = 5 conflicts with 4 set by program 'a'");
	}

	@Test
	void missingObjectIsAnError() {
		assertThatThrownBy(() -> Fixtures.loader(ExecMode.JIT).load(obj("m", "missing.o", null, Map.of())))
			.isInstanceOf(ProgramLoadException.class)
			.hasMessageStartingWith("program 'm' (object missing.o): cannot read the object");
	}

}
