package dev.bpfnet.bpf.prog;

import java.util.List;

import dev.bpfnet.bpf.prog.SectionDefs.SectionDef;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** libbpf's section names, as data: section, program type, attach type. */
class SectionDefsTest {

	@ParameterizedTest
	@CsvSource({ "tc, SCHED_CLS, NONE", "tc/ingress, SCHED_CLS, TCX_INGRESS", "tc/egress, SCHED_CLS, TCX_EGRESS",
			"tcx/ingress, SCHED_CLS, TCX_INGRESS", "tcx/egress, SCHED_CLS, TCX_EGRESS",
			"netkit/primary, SCHED_CLS, NETKIT_PRIMARY", "netkit/peer, SCHED_CLS, NETKIT_PEER",
			"classifier, SCHED_CLS, NONE", "action, SCHED_ACT, NONE", "xdp, XDP, XDP", "xdp.frags, XDP, XDP",
			"socket, SOCKET_FILTER, NONE",
			// exact matches only: libbpf's defs for these end neither in '/' nor in '+'
			"tc/, UNSPEC, NONE", "tcx, UNSPEC, NONE", "tcx/ingress/extra, UNSPEC, NONE", "classifier/x, UNSPEC, NONE",
			"xdp/devmap, UNSPEC, NONE", "xdpx, UNSPEC, NONE", "TC, UNSPEC, NONE", "kprobe/sys_open, UNSPEC, NONE",
			".text, UNSPEC, NONE" })
	void resolvesLikeLibbpf(String section, ProgramType type, AttachType attach) {
		SectionDef d = SectionDefs.resolve(section);
		assertThat(d.type()).isEqualTo(type);
		assertThat(d.attachType()).isEqualTo(attach);
		assertThat(SectionDefs.find(section))
			.isEqualTo(type == ProgramType.UNSPEC ? java.util.Optional.empty() : java.util.Optional.of(d));
	}

	@Test
	void prefixAndPlusPatterns() {
		SectionDef prefix = new SectionDef("lab/", ProgramType.SCHED_CLS, AttachType.NONE);
		assertThat(prefix.matches("lab/anything")).isTrue();
		assertThat(prefix.matches("lab/")).isTrue();
		assertThat(prefix.matches("lab")).isFalse();
		SectionDef plus = new SectionDef("lab+", ProgramType.SCHED_CLS, AttachType.NONE);
		assertThat(plus.matches("lab")).isTrue();
		assertThat(plus.matches("lab/x")).isTrue();
		assertThat(plus.matches("labx")).isFalse();
		assertThat(plus.matches(null)).isFalse();
	}

	@Test
	void overridesComeFirst() {
		SectionDef mine = new SectionDef("tc", ProgramType.SCHED_CLS, AttachType.TCX_EGRESS);
		SectionDef lab = new SectionDef("lab/", ProgramType.SCHED_CLS, AttachType.NETKIT_PEER);
		assertThat(SectionDefs.find("tc", List.of(mine, lab))).contains(mine);
		assertThat(SectionDefs.find("lab/peer", List.of(mine, lab))).contains(lab);
		assertThat(SectionDefs.find("xdp", List.of(mine, lab)).orElseThrow().type()).isEqualTo(ProgramType.XDP);
	}

	@Test
	void attachOverride() {
		assertThat(SectionDefs.resolve("classifier", AttachType.NETKIT_PRIMARY))
			.isEqualTo(new SectionDef("classifier", ProgramType.SCHED_CLS, AttachType.NETKIT_PRIMARY));
		assertThat(SectionDefs.resolve("lwt_in", AttachType.TCX_EGRESS).type()).isEqualTo(ProgramType.SCHED_CLS);
		assertThat(SectionDefs.resolve("lwt_in", AttachType.XDP).type()).isEqualTo(ProgramType.XDP);
		assertThat(SectionDefs.resolve("tc", AttachType.NONE).attachType()).isEqualTo(AttachType.NONE);
		assertThatThrownBy(() -> SectionDefs.resolve("xdp", AttachType.TCX_INGRESS))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessage("program type XDP cannot attach to TCX_INGRESS");
		assertThatThrownBy(() -> SectionDefs.resolve("action", AttachType.TCX_EGRESS))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessage("program type SCHED_ACT cannot attach to TCX_EGRESS");
		assertThatThrownBy(() -> new SectionDef("x", ProgramType.XDP, AttachType.NETKIT_PEER))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessage("section 'x': program type XDP cannot attach to NETKIT_PEER");
	}

	@Test
	void compatibility() {
		for (AttachType a : AttachType.values()) {
			assertThat(SectionDefs.compatible(ProgramType.SCHED_CLS, a)).isEqualTo(a != AttachType.XDP);
			assertThat(SectionDefs.compatible(ProgramType.XDP, a))
				.isEqualTo(a == AttachType.XDP || a == AttachType.NONE);
			assertThat(SectionDefs.compatible(ProgramType.SCHED_ACT, a)).isEqualTo(a == AttachType.NONE);
		}
	}

}
