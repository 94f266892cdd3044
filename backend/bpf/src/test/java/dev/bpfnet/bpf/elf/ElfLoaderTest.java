package dev.bpfnet.bpf.elf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import dev.bpfnet.bpf.isa.Insn;
import dev.bpfnet.bpf.maps.MapSpec;
import dev.bpfnet.bpf.maps.MapType;
import dev.bpfnet.bpf.prog.AttachType;
import dev.bpfnet.bpf.prog.ProgramType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The C test programs of {@code src/test/c}, loaded: sections, attach types, maps, global
 * data, relocated instructions. Instruction positions are not hard-coded (a newer clang
 * may schedule differently); they are found by what the instructions do.
 */
class ElfLoaderTest {

	private static final int CALL = 0x85;

	private static final int LDDW = 0x18;

	static Stream<String> objects() {
		return TestElf.OBJECTS.stream();
	}

	/** Helper ids called (src 0) by a program. */
	private static Set<Integer> helpers(ProgramSpec p) {
		Set<Integer> out = new TreeSet<>();
		for (Insn i : p.insns()) {
			if (i.opcode() == CALL && i.src() == 0) {
				out.add(i.imm());
			}
		}
		return out;
	}

	/** Map indexes an lddw with the given pseudo source refers to. */
	private static List<Integer> lddwRefs(ProgramSpec p, int src) {
		List<Integer> out = new ArrayList<>();
		Insn[] insns = p.insns();
		for (int i = 0; i < insns.length; i++) {
			if (insns[i].opcode() == LDDW) {
				if (insns[i].src() == src) {
					out.add(insns[i].imm());
				}
				i++;
			}
		}
		return out;
	}

	/** (map index, offset) of every global data reference. */
	private static List<List<Integer>> valueRefs(ProgramSpec p) {
		List<List<Integer>> out = new ArrayList<>();
		Insn[] insns = p.insns();
		for (int i = 0; i < insns.length; i++) {
			if (insns[i].opcode() == LDDW) {
				if (insns[i].src() == 6) {
					out.add(List.of(insns[i].imm(), insns[i + 1].imm()));
				}
				i++;
			}
		}
		return out;
	}

	/** The functions called from a program, by the name at the call's target. */
	private static List<String> callees(ProgramSpec p) {
		List<String> out = new ArrayList<>();
		Insn[] insns = p.insns();
		for (int i = 0; i < insns.length; i++) {
			if (insns[i].opcode() == CALL && insns[i].src() == 1) {
				int target = i + insns[i].imm() + 1;
				out.add(p.funcs()
					.stream()
					.filter(f -> f.start() == target)
					.map(FuncInfo::name)
					.findFirst()
					.orElse("<not a function start: " + target + ">"));
			}
		}
		return out;
	}

	private static byte[] le32(int v) {
		return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
	}

	@ParameterizedTest
	@MethodSource("objects")
	void everyObjectIsWellFormedAfterRelocation(String name) {
		BpfObject o = TestElf.load(name);
		assertThat(o.programs()).isNotEmpty();
		for (ProgramSpec p : o.programs()) {
			Insn[] insns = p.insns();
			assertThat(p.funcs().get(0)).isEqualTo(new FuncInfo(p.name(), 0, p.funcs().get(0).btfTypeId()));
			for (int i = 0; i < insns.length; i++) {
				Insn x = insns[i];
				int target = i + x.imm() + 1;
				assertThat(x.src() != 1 || x.opcode() != CALL || p.funcs().stream().anyMatch(f -> f.start() == target))
					.as("%s insn %d: pseudo call lands on a function start", p.name(), i)
					.isTrue();
				if (x.opcode() == LDDW) {
					assertThat(x.src()).as("%s insn %d: lddw source", p.name(), i).isIn(0, 5, 6);
					if (x.src() == 5) {
						assertThat(o.maps().get(x.imm()).initialValue()).as("map by index is a user map").isNull();
					}
					if (x.src() == 6) {
						MapSpec m = o.maps().get(x.imm());
						assertThat(m.initialValue()).isNotNull();
						assertThat(insns[i + 1].imm()).isBetween(0, m.valueSize() - 1);
					}
					i++;
				}
			}
			for (LineInfo l : p.lines()) {
				assertThat(l.insn()).isBetween(0, insns.length - 1);
				assertThat(l.file()).endsWith(".c");
			}
		}
		assertThat(o.mapInfos()).hasSameSizeAs(o.maps());
	}

	@ParameterizedTest
	@MethodSource("objects")
	void loadingIsDeterministic(String name) throws ElfException {
		byte[] bytes = TestElf.object(name);
		BpfObject a = ElfLoader.load(bytes, name);
		BpfObject b = ElfLoader.load(bytes.clone(), name);
		assertThat(a.programs()).hasSameSizeAs(b.programs());
		for (int i = 0; i < a.programs().size(); i++) {
			assertThat(Insn.sameProgram(a.programs().get(i).insns(), b.programs().get(i).insns())).isTrue();
		}
		assertThat(a.maps()).usingRecursiveFieldByFieldElementComparator().isEqualTo(b.maps());
	}

	@Test
	void programsCoverEverySectionName() {
		Set<String> sections = new TreeSet<>();
		for (String name : TestElf.OBJECTS) {
			TestElf.load(name).programs().forEach(p -> sections.add(p.section()));
		}
		assertThat(sections).contains("tc", "tc/ingress", "tc/egress", "tcx/ingress", "tcx/egress", "netkit/primary",
				"netkit/peer", "classifier", "action", "xdp");
	}

	@Test
	void programsCallEveryHelperTheLabsNeed() {
		Set<Integer> used = new TreeSet<>();
		for (String name : TestElf.OBJECTS) {
			TestElf.load(name).programs().forEach(p -> used.addAll(helpers(p)));
		}
		// map_lookup/update/delete, ktime_get_ns, trace_printk, get_prandom_u32,
		// get_smp_processor_id, skb_store_bytes, l3/l4_csum_replace, tail_call, redirect,
		// skb_load_bytes, csum_diff, skb_change_type, skb_pull_data, skb_change_head,
		// redirect_map, fib_lookup, ringbuf_output/reserve/submit/discard,
		// redirect_neigh,
		// redirect_peer
		assertThat(used).contains(1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 23, 26, 28, 32, 39, 43, 51, 69, 130, 131, 132,
				133, 152, 155);
	}

	@Test
	void flowCounterMapsGlobalsAndPrograms() {
		BpfObject o = TestElf.load("flow_counter");
		assertThat(o.license()).isEqualTo("GPL");
		assertThat(o.kernelVersion()).isZero();
		assertThat(o.btf()).isNotNull();
		assertThat(o.maps())
			.extracting(MapSpec::name, MapSpec::type, MapSpec::keySize, MapSpec::valueSize, MapSpec::maxEntries,
					MapSpec::flags, MapSpec::readOnly)
			.containsExactly(tuple("totals", MapType.PERCPU_ARRAY, 4, 8, 2, 0, false),
					tuple("flows", MapType.HASH, 16, 24, 1024, 0, false),
					tuple(".rodata", MapType.ARRAY, 4, 4, 1, 0x80, true),
					tuple(".data", MapType.ARRAY, 4, 4, 1, 0, false), tuple(".bss", MapType.ARRAY, 4, 16, 1, 0, false));
		assertThat(o.maps().get(2).initialValue()).containsExactly(le32(1));
		assertThat(o.maps().get(3).initialValue()).containsExactly(le32(7));
		assertThat(o.maps().get(4).initialValue()).containsExactly(new byte[16]);
		assertThat(o.globals()).containsExactly(new GlobalSymbol("sample_every", 2, 0, 4),
				new GlobalSymbol("config_generation", 3, 0, 4), new GlobalSymbol("seen_packets", 4, 0, 8),
				new GlobalSymbol("non_ip_packets", 4, 8, 8));
		assertThat(o.programs())
			.extracting(ProgramSpec::name, ProgramSpec::section, ProgramSpec::type, ProgramSpec::attachType)
			.containsExactly(tuple("count_flows", "tcx/ingress", ProgramType.SCHED_CLS, AttachType.TCX_INGRESS),
					tuple("count_flows_tc", "tc/ingress", ProgramType.SCHED_CLS, AttachType.TCX_INGRESS));
		assertThat(o.btf().describe(o.mapInfos().get(1).keyTypeId())).isEqualTo(
				"struct flow_key { __u32 saddr; __u32 daddr; __u16 sport; __u16 dport; __u8 proto; __u8 pad[3]; } /* 16 bytes */");
		assertThat(o.btf().typeName(o.mapInfos().get(1).valueTypeId())).isEqualTo("struct flow_stats");
		assertThat(o.mapInfos().get(4).section()).isEqualTo(".bss");
		assertThat(o.btf().describe(o.mapInfos().get(4).valueTypeId()))
			.isEqualTo("section .bss { seen_packets at 0 (8 bytes); non_ip_packets at 8 (8 bytes); }");
	}

	@Test
	void flowCounterRelocations() {
		BpfObject o = TestElf.load("flow_counter");
		byte[] elf = TestElf.object("flow_counter");
		for (ProgramSpec p : o.programs()) {
			// the static parse_ipv4 (called through the .text section symbol) and the
			// global account (called through its own symbol) are appended once each
			assertThat(p.funcs()).extracting(FuncInfo::name)
				.containsExactlyInAnyOrder(p.name(), "account", "parse_ipv4");
			assertThat(callees(p)).containsExactlyInAnyOrder("account", "parse_ipv4");
			assertThat(p.funcs()).allSatisfy(f -> assertThat(f.btfTypeId()).isPositive());
			assertThat(lddwRefs(p, 5)).contains(o.mapIndex("flows"), o.mapIndex("totals"));
			assertThat(valueRefs(p)).contains(List.of(o.mapIndex(".bss"), 0), List.of(o.mapIndex(".bss"), 8),
					List.of(o.mapIndex(".rodata"), 0));
			// everything but the relocated instructions is what clang wrote
			Insn[] raw = TestElf.rawInsns(elf, p.section());
			for (int i = 0; i < raw.length; i++) {
				boolean relocated = raw[i].opcode() == LDDW || (i > 0 && raw[i - 1].opcode() == LDDW)
						|| (raw[i].opcode() == CALL && raw[i].src() == 1);
				if (!relocated) {
					assertThat(p.insns()[i]).as("insn %d", i).isEqualTo(raw[i]);
				}
			}
			// and the appended functions are the .text functions, unchanged but for calls
			Insn[] text = TestElf.rawInsns(elf, ".text");
			FuncInfo account = p.funcs().stream().filter(f -> f.name().equals("account")).findFirst().orElseThrow();
			assertThat(p.insns()[account.start()]).isEqualTo(text[0]);
			assertThat(p.lines()).anySatisfy(l -> assertThat(l.source()).contains("bpf_map_lookup_elem(&flows"));
			assertThat(p.lines()).allSatisfy(l -> assertThat(l.file()).endsWith("flow_counter.c"));
		}
	}

	@Test
	void globalsAreSetByName() {
		BpfObject o = TestElf.load("flow_counter");
		BpfObject tuned = o.withGlobal("sample_every", 4).withGlobal("non_ip_packets", -1L);
		assertThat(tuned.maps().get(o.mapIndex(".rodata")).initialValue()).containsExactly(le32(4));
		assertThat(tuned.maps().get(o.mapIndex(".bss")).initialValue()).containsExactly(0, 0, 0, 0, 0, 0, 0, 0, -1, -1,
				-1, -1, -1, -1, -1, -1);
		assertThat(o.maps().get(o.mapIndex(".rodata")).initialValue()).containsExactly(le32(1));
		assertThat(tuned.programs()).isEqualTo(o.programs());
		assertThatThrownBy(() -> o.withGlobal("nope", 1)).isInstanceOf(IllegalArgumentException.class)
			.hasMessage("object 'flow_counter.o' has no global variable 'nope'");
		assertThatThrownBy(() -> o.withGlobal("sample_every", 1L << 32)).isInstanceOf(IllegalArgumentException.class)
			.hasMessage("value 4294967296 does not fit in global 'sample_every' (4 bytes)");
		assertThatThrownBy(() -> o.withGlobal("sample_every", new byte[2])).isInstanceOf(IllegalArgumentException.class)
			.hasMessage("global 'sample_every' is 4 bytes, got 2");
		BpfObject nat = TestElf.load("l2_encap").withGlobal("src_mac", new byte[] { 2, 0, 0, 0, 0, 9 });
		assertThat(nat.maps().get(nat.mapIndex(".rodata")).initialValue()).containsExactly(2, 0, 0, 0, 0, 9, 2, 0, 0, 0,
				0, 2);
	}

	@Test
	void natAppendsItsChecksumRewrite() {
		BpfObject o = TestElf.load("nat");
		assertThat(o.maps()).extracting(MapSpec::name).containsExactly("nat_backends", ".rodata", ".bss");
		assertThat(o.maps().get(0)).extracting(MapSpec::type, MapSpec::keySize, MapSpec::valueSize, MapSpec::maxEntries)
			.containsExactly(MapType.HASH, 4, 8, 64);
		assertThat(o.btf().describe(o.mapInfos().get(0).valueTypeId()))
			.isEqualTo("struct backend { __be32 addr; __be16 port; __u16 pad; } /* 8 bytes */");
		assertThat(o.globals()).extracting(GlobalSymbol::name, GlobalSymbol::offset, GlobalSymbol::size)
			.containsExactly(tuple("service_ip", 0, 4), tuple("service_port", 4, 2), tuple("backend_count", 8, 4),
					tuple("rewritten", 0, 8));
		assertThat(o.programs()).extracting(ProgramSpec::name, ProgramSpec::attachType)
			.containsExactly(tuple("nat_egress", AttachType.TCX_EGRESS), tuple("nat_ingress", AttachType.TCX_INGRESS));
		for (ProgramSpec p : o.programs()) {
			assertThat(callees(p)).containsExactly("rewrite");
			assertThat(helpers(p)).containsExactlyInAnyOrder(1, 9, 10, 11, 26, 28, 39);
			FuncInfo rewrite = p.funcs().get(1);
			assertThat(rewrite.name()).isEqualTo("rewrite");
			assertThat(p.funcAt(rewrite.start())).isEqualTo(rewrite);
			assertThat(p.funcAt(rewrite.start() - 1).name()).isEqualTo(p.name());
		}
	}

	@Test
	void podEgressUsesNetkitAndRedirects() {
		BpfObject o = TestElf.load("pod_egress");
		assertThat(o.programs()).extracting(ProgramSpec::name, ProgramSpec::section, ProgramSpec::attachType)
			.containsExactly(tuple("pod_egress", "netkit/peer", AttachType.NETKIT_PEER),
					tuple("pod_ingress", "netkit/primary", AttachType.NETKIT_PRIMARY),
					tuple("nic_ingress", "tcx/ingress", AttachType.TCX_INGRESS));
		assertThat(helpers(o.program("pod_egress"))).contains(69, 23, 152);
		assertThat(helpers(o.program("nic_ingress"))).contains(155);
		assertThat(o.globals()).extracting(GlobalSymbol::name).containsExactly("nic_ifindex", "pod_ifindex", "pod_ip");
		assertThat(o.maps().get(o.mapIndex(".rodata")).initialValue()).startsWith(2, 0, 0, 0, 3, 0, 0, 0);
	}

	@Test
	void allowlistSharesItsStaticPolicyBetweenTwoSections() {
		BpfObject o = TestElf.load("allowlist");
		assertThat(o.maps())
			.extracting(MapSpec::name, MapSpec::type, MapSpec::keySize, MapSpec::valueSize, MapSpec::maxEntries,
					MapSpec::flags)
			.containsExactly(tuple("allowed", MapType.HASH, 8, 16, 256, 1), tuple("drops", MapType.ARRAY, 4, 8, 4, 0),
					tuple(".rodata", MapType.ARRAY, 4, 1, 1, 0x80));
		assertThat(o.programs())
			.extracting(ProgramSpec::name, ProgramSpec::section, ProgramSpec::type, ProgramSpec::attachType)
			.containsExactly(tuple("allowlist", "tcx/egress", ProgramType.SCHED_CLS, AttachType.TCX_EGRESS),
					tuple("allowlist_cls", "classifier", ProgramType.SCHED_CLS, AttachType.NONE));
		for (ProgramSpec p : o.programs()) {
			assertThat(callees(p)).containsExactly("policy");
			assertThat(helpers(p)).contains(1, 3, 5);
			assertThat(lddwRefs(p, 5)).contains(0, 1);
		}
	}

	@Test
	void twoProgramsInOneSectionAreSplitBySymbol() {
		BpfObject o = TestElf.load("ringbuf_logger");
		assertThat(o.programs()).extracting(ProgramSpec::name, ProgramSpec::section)
			.containsExactly(tuple("log_events", "tc"), tuple("log_events_copy", "tc"));
		byte[] elf = TestElf.object("ringbuf_logger");
		Insn[] raw = TestElf.rawInsns(elf, "tc");
		assertThat(o.program("log_events").insns().length + o.program("log_events_copy").insns().length)
			.isEqualTo(raw.length);
		assertThat(o.maps().get(0))
			.extracting(MapSpec::name, MapSpec::type, MapSpec::keySize, MapSpec::valueSize, MapSpec::maxEntries)
			.containsExactly("events", MapType.RINGBUF, 0, 0, 65536);
		assertThat(helpers(o.program("log_events"))).contains(5, 7, 8, 131, 132, 133);
		assertThat(helpers(o.program("log_events_copy"))).contains(6, 130);
		GlobalSymbol fmt = o.global("log_events_copy.____fmt");
		byte[] rodata = o.maps().get(fmt.mapIndex()).initialValue();
		assertThat(new String(rodata, fmt.offset(), fmt.size() - 1)).isEqualTo("ringbuf full, len=%u cpu=%u");
	}

	@Test
	void tailCallTableIsFilledFromItsDefinition() {
		BpfObject o = TestElf.load("tail_call");
		int jmp = o.mapIndex("jmp_table");
		assertThat(o.maps().get(jmp))
			.extracting(MapSpec::type, MapSpec::keySize, MapSpec::valueSize, MapSpec::maxEntries)
			.containsExactly(MapType.PROG_ARRAY, 4, 4, 4);
		assertThat(o.mapInfos().get(jmp).initialSlots()).containsExactly(new MapInfo.Slot(0, "stage_ipv4"),
				new MapInfo.Slot(1, "stage_other"));
		assertThat(helpers(o.program("dispatch"))).contains(12);
		assertThat(lddwRefs(o.program("dispatch"), 5)).containsExactly(jmp);
		assertThat(o.program("mark_action")).extracting(ProgramSpec::type, ProgramSpec::attachType)
			.containsExactly(ProgramType.SCHED_ACT, AttachType.NONE);
	}

	@Test
	void xdpAndClassifierPrograms() {
		BpfObject xdp = TestElf.load("xdp_redirect");
		assertThat(xdp.programs()).extracting(ProgramSpec::name, ProgramSpec::type, ProgramSpec::attachType)
			.containsExactly(tuple("xdp_forward", ProgramType.XDP, AttachType.XDP));
		assertThat(xdp.maps()).extracting(MapSpec::name, MapSpec::type)
			.containsExactly(tuple("tx_ports", MapType.DEVMAP), tuple("xdp_stats", MapType.PERCPU_ARRAY));
		assertThat(helpers(xdp.programs().get(0))).contains(51, 1);
		BpfObject encap = TestElf.load("l2_encap");
		assertThat(helpers(encap.program("add_eth_header"))).contains(43, 9, 32);
		assertThat(encap.maps().get(encap.mapIndex(".rodata")).initialValue()).containsExactly(2, 0, 0, 0, 0, 1, 2, 0,
				0, 0, 0, 2);
	}

	@Test
	void legacyMapsLoadWithAndWithoutBtf() {
		BpfObject g = TestElf.load("legacy_maps");
		BpfObject nog = TestElf.load("legacy_maps_nobtf");
		assertThat(nog.btf()).isNull();
		assertThat(nog.programs().get(0).lines()).isEmpty();
		assertThat(nog.programs().get(0).funcs().get(0).btfTypeId()).isZero();
		for (BpfObject o : List.of(g, nog)) {
			assertThat(o.license()).isEqualTo("Dual MIT/GPL");
			assertThat(o.kernelVersion()).isEqualTo(0x060100);
			assertThat(o.maps())
				.extracting(MapSpec::name, MapSpec::type, MapSpec::keySize, MapSpec::valueSize, MapSpec::maxEntries,
						MapSpec::flags)
				.containsExactly(tuple("proto_count", MapType.ARRAY, 4, 8, 256, 0),
						tuple("mark_by_ifindex", MapType.HASH, 4, 4, 128, 1));
			assertThat(o.mapInfos()).extracting(MapInfo::section).containsExactly("maps", "maps");
			assertThat(lddwRefs(o.programs().get(0), 5)).containsExactly(0, 1);
		}
		assertThat(Insn.sameProgram(g.programs().get(0).insns(), nog.programs().get(0).insns())).isTrue();
	}

	@Test
	void btfMapsWithoutBtfAreRefused() {
		assertThatThrownBy(() -> ElfLoader.load(TestElf.object("allowlist_nobtf"), "allowlist_nobtf.o"))
			.isInstanceOf(ElfException.class)
			.hasMessage("map 'allowed': .maps section requires BTF (compile with -g)");
	}

	@Test
	void attachTypeOverride() {
		ProgramSpec tc = TestElf.load("ringbuf_logger").program("log_events");
		ProgramSpec onTcx = tc.withAttachType(AttachType.TCX_INGRESS);
		assertThat(onTcx).extracting(ProgramSpec::type, ProgramSpec::attachType, ProgramSpec::section)
			.containsExactly(ProgramType.SCHED_CLS, AttachType.TCX_INGRESS, "tc");
		assertThat(onTcx.insns()).isSameAs(tc.insns());
		assertThat(tc.withAttachType(AttachType.NETKIT_PEER).attachType()).isEqualTo(AttachType.NETKIT_PEER);
		ProgramSpec xdp = TestElf.load("xdp_redirect").programs().get(0);
		assertThatThrownBy(() -> xdp.withAttachType(AttachType.TCX_INGRESS))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessage("program 'xdp_forward' (section 'xdp', type XDP) cannot attach to TCX_INGRESS");
		ProgramSpec act = TestElf.load("tail_call").program("mark_action");
		assertThatThrownBy(() -> act.withAttachType(AttachType.NETKIT_PRIMARY))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessage("program 'mark_action' (section 'action', type SCHED_ACT) cannot attach to NETKIT_PRIMARY");
	}

}
