package dev.bpfnet.bpf.elf;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import dev.bpfnet.bpf.isa.Insn;
import dev.bpfnet.bpf.prog.AttachType;
import dev.bpfnet.bpf.prog.ProgramType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Malformed and unsupported objects, with the exact messages users get. Corrupted objects
 * are the test programs with one field patched (the expected text is computed from where
 * that field is, not hard-coded); the rest are built by hand with
 * {@link TestElf.Builder}.
 */
class ElfErrorsTest {

	private static final int STT_NOTYPE = 0;

	private static final int STT_OBJECT = 1;

	private static final int STT_FUNC = 2;

	private static final int STT_SECTION = 3;

	private static final int GLOBAL = 1;

	private static final int LOCAL = 0;

	private static String error(byte[] elf) {
		try {
			ElfLoader.load(elf, "test.o");
		}
		catch (ElfException ex) {
			return ex.getMessage();
		}
		throw new AssertionError("loaded without error");
	}

	private static byte[] patched(String object, int offset, int width, long value) {
		byte[] b = TestElf.object(object);
		TestElf.put(b, offset, width, value);
		return b;
	}

	private static Insn mov(int dst, int imm) {
		return Insn.of(0xb7, dst, 0, 0, imm);
	}

	private static Insn exit() {
		return Insn.of(0x95, 0, 0, 0, 0);
	}

	private static Insn call(int src, int imm) {
		return Insn.of(0x85, 0, src, 0, imm);
	}

	// ---------------------------------------------------------------- header

	@Test
	void truncatedHeader() {
		assertThat(error(new byte[10])).isEqualTo("truncated ELF header: 10 bytes, need 64");
		assertThat(error(new byte[0])).isEqualTo("truncated ELF header: 0 bytes, need 64");
	}

	@Test
	void badMagic() {
		byte[] wasm = new byte[64];
		System.arraycopy(new byte[] { 0, 'a', 's', 'm' }, 0, wasm, 0, 4);
		assertThat(error(wasm)).isEqualTo("not an ELF object: bad magic 00 61 73 6d (expected 7f 45 4c 46)");
	}

	@Test
	void wrongClassEncodingTypeAndMachine() {
		assertThat(error(patched("nat", 4, 1, 1)))
			.isEqualTo("ELF class 1 is not supported: BPF objects are ELF64 (class 2)");
		assertThat(error(patched("nat", 5, 1, 2))).isEqualTo(
				"big-endian ELF (EI_DATA 2) is not supported: build the object little-endian (clang -target bpfel)");
		assertThat(error(patched("nat", 5, 1, 9))).isEqualTo("invalid ELF data encoding 9 (EI_DATA)");
		assertThat(error(patched("nat", 16, 2, 2)))
			.isEqualTo("ELF type 2 is not supported: expected a relocatable object (ET_REL, clang -c)");
		assertThat(error(patched("nat", 18, 2, 62))).isEqualTo("ELF machine 62 is not BPF (EM_BPF = 247)");
		assertThat(error(new TestElf.Builder().machine(183).build()))
			.isEqualTo("ELF machine 183 is not BPF (EM_BPF = 247)");
	}

	@Test
	void sectionHeaderTableOutOfRange() {
		byte[] elf = TestElf.object("nat");
		long shoff = TestElf.le(elf).getLong(40);
		assertThat(error(patched("nat", 60, 2, 0xffff))).isEqualTo("section headers at offset " + shoff
				+ " (65535 x 64 bytes) extend past the end of the file (" + elf.length + " bytes)");
		assertThat(error(patched("nat", 40, 8, -1L))).isEqualTo(
				"section headers at offset 18446744073709551615 are outside the file (" + elf.length + " bytes)");
		assertThat(error(patched("nat", 58, 2, 40))).isEqualTo("ELF section header size 40 is not 64");
		assertThat(error(patched("nat", 62, 2, 500))).isEqualTo(
				"section name string table index 500 is out of range (" + TestElf.sections(elf).size() + " sections)");
	}

	@Test
	void sectionNameOutsideTheStringTable() {
		byte[] elf = TestElf.object("nat");
		TestElf.Shdr tc = TestElf.section(elf, "tc/egress");
		int shstrndx = TestElf.le(elf).getShort(62);
		TestElf.Shdr names = TestElf.sections(elf).get(shstrndx);
		assertThat(error(patched("nat", tc.fieldOffset("name"), 4, 0x100000))).isEqualTo(
				"name of section " + tc.index() + ": offset 1048576 is outside the section name string table (index "
						+ shstrndx + ") (" + names.size() + " bytes)");
	}

	@Test
	void sectionOutOfRange() {
		byte[] elf = TestElf.object("nat");
		TestElf.Shdr tc = TestElf.section(elf, "tc/egress");
		assertThat(error(patched("nat", tc.fieldOffset("offset"), 8, elf.length - 8)))
			.isEqualTo("section 'tc/egress' (index " + tc.index() + "): offset " + (elf.length - 8) + " + size "
					+ tc.size() + " is past the end of the file (" + elf.length + " bytes)");
		assertThat(error(patched("nat", tc.fieldOffset("size"), 8, -8L)))
			.isEqualTo("section 'tc/egress' (index " + tc.index() + "): offset " + tc.offset()
					+ " + size 18446744073709551608 is past the end of the file (" + elf.length + " bytes)");
	}

	// ---------------------------------------------------------------- hostile sizes

	@Test
	void hostileSizeFields() {
		byte[] elf = TestElf.object("flow_counter");
		TestElf.Shdr bss = TestElf.section(elf, ".bss");
		assertThat(error(patched("flow_counter", bss.fieldOffset("size"), 8, 1L << 32)))
			.isEqualTo("section '.bss' (index " + bss.index()
					+ "): size 4294967296 exceeds the largest map value (65536 bytes)");
		TestElf.Shdr btf = TestElf.section(elf, ".BTF");
		assertThat(error(patched("flow_counter", (int) btf.offset() + 12, 4, 0xffffffffL)))
			.isEqualTo("section '.BTF' (index " + btf.index()
					+ "): BTF type section (offset 0, length 4294967295) is outside the " + (btf.size() - 24)
					+ " bytes after the header");
		assertThat(error(patched("flow_counter", (int) btf.offset() + 20, 4, 0x7fffffffL)))
			.startsWith("section '.BTF' (index " + btf.index() + "): BTF string section (offset ");
		// the first type's vlen set to 65535
		int firstType = (int) btf.offset() + 24 + TestElf.le(elf).getInt((int) btf.offset() + 8);
		int info = TestElf.le(elf).getInt(firstType + 4);
		int kind = (info >>> 24) & 0x1f;
		boolean hasMembers = kind == 4 || kind == 5 || kind == 6 || kind == 13 || kind == 15 || kind == 19;
		assertThat(error(patched("flow_counter", firstType + 4, 4, (info & 0xffff0000L) | 0xffff)))
			.matches("section '.BTF' \\(index \\d+\\): type \\[1] \\(\\w+\\): "
					+ (hasMembers ? "needs \\d+ bytes, only \\d+ left in the type section" : "vlen != 0"));
		TestElf.Shdr symtab = TestElf.section(elf, ".symtab");
		assertThat(error(patched("flow_counter", symtab.fieldOffset("size"), 8, symtab.size() + 24 * 1000)))
			.startsWith("section '.symtab' (index " + symtab.index() + "): offset ");
		TestElf.Shdr rel = TestElf.section(elf, ".reltcx/ingress");
		assertThat(error(patched("flow_counter", rel.fieldOffset("size"), 8, rel.size() + 3)))
			.isEqualTo("section '.reltcx/ingress' (index " + rel.index() + "): size " + (rel.size() + 3)
					+ " is not a multiple of 16 (one relocation)");
	}

	@Test
	void versionSectionMustHoldAU32() {
		byte[] elf = TestElf.object("legacy_maps");
		TestElf.Shdr v = TestElf.section(elf, "version");
		assertThat(error(patched("legacy_maps", v.fieldOffset("size"), 8, 3)))
			.isEqualTo("section 'version' (index " + v.index() + "): size 3, expected 4 (a u32 kernel version)");
	}

	// ---------------------------------------------------------------- relocations

	@Test
	void unknownRelocationType() {
		byte[] elf = TestElf.object("flow_counter");
		TestElf.Shdr rel = TestElf.section(elf, ".reltcx/ingress");
		long firstOffset = TestElf.le(elf).getLong((int) rel.offset());
		assertThat(error(patched("flow_counter", (int) rel.offset() + 8, 4, 7)))
			.isEqualTo("relocation 0 of section '.reltcx/ingress' (index " + rel.index() + ") at offset 0x"
					+ Long.toHexString(firstOffset)
					+ " of 'tcx/ingress' has unsupported type 7 (code takes R_BPF_64_64 and R_BPF_64_32)");
		assertThat(error(patched("flow_counter", (int) rel.offset() + 8, 4, 2)))
			.contains("has unsupported type 2 (code takes R_BPF_64_64 and R_BPF_64_32)");
	}

	@Test
	void relocationFieldsOutOfRange() {
		byte[] elf = TestElf.object("flow_counter");
		TestElf.Shdr rel = TestElf.section(elf, ".reltcx/ingress");
		TestElf.Shdr code = TestElf.section(elf, "tcx/ingress");
		int nsyms = (int) (TestElf.section(elf, ".symtab").size() / 24);
		assertThat(error(patched("flow_counter", (int) rel.offset(), 8, 0x13)))
			.isEqualTo("relocation 0 of section '.reltcx/ingress' (index " + rel.index()
					+ "): offset 0x13 is not an instruction of section 'tcx/ingress' (index " + code.index() + ") ("
					+ code.size() + " bytes)");
		long firstOffset = TestElf.le(elf).getLong((int) rel.offset());
		assertThat(error(patched("flow_counter", (int) rel.offset() + 12, 4, 9999)))
			.isEqualTo("relocation 0 of section '.reltcx/ingress' (index " + rel.index() + ") (insn " + firstOffset / 8
					+ " of 'tcx/ingress') refers to symbol 9999, but the symbol table has " + nsyms);
		// the lddw relocation moved onto the instruction before it
		assertThat(error(patched("flow_counter", (int) rel.offset(), 8, firstOffset - 8))).isEqualTo(
				"relocation 0 of section '.reltcx/ingress' (index " + rel.index() + ") (insn " + (firstOffset / 8 - 1)
						+ " of 'tcx/ingress'): R_BPF_64_64 needs an lddw instruction, found opcode 0xb7");
	}

	@Test
	void callsAndExternsByHand() {
		TestElf.Builder b = new TestElf.Builder();
		int text = b.code(".text", mov(0, 1), exit());
		int tc = b.code("tc", call(1, -1), exit());
		b.symbol("helper", STT_FUNC, GLOBAL, text, 0, 16);
		b.symbol("prog", STT_FUNC, GLOBAL, tc, 0, 16);
		int ext = b.symbol("bpf_kfunc", STT_NOTYPE, GLOBAL, 0, 0, 0);
		b.rel("tc", 0, ext, 10);
		assertThat(error(b.build())).isEqualTo(
				"relocation 0 of section '.reltc' (index 5) (insn 0 of 'tc'): call to extern function 'bpf_kfunc' is not supported (kfuncs)");

		TestElf.Builder b2 = new TestElf.Builder();
		int tc2 = b2.code("tc", Insn.concat(Insn.lddw(1, 0, 0), new Insn[] { exit() }));
		b2.symbol("prog", STT_FUNC, GLOBAL, tc2, 0, 24);
		int cfg = b2.symbol("CONFIG_HZ", STT_NOTYPE, GLOBAL, 0, 0, 0);
		b2.rel("tc", 0, cfg, 1);
		assertThat(error(b2.build())).isEqualTo(
				"relocation 0 of section '.reltc' (index 4) (insn 0 of 'tc') refers to extern 'CONFIG_HZ', which is not supported (.kconfig, .ksyms, kfuncs)");

		TestElf.Builder b3 = new TestElf.Builder();
		int tc3 = b3.code("tc", Insn.concat(Insn.lddw(1, 0, 0), new Insn[] { exit(), mov(0, 0), exit() }));
		b3.symbol("prog", STT_FUNC, GLOBAL, tc3, 0, 24);
		int cb = b3.symbol("callback", STT_FUNC, LOCAL, tc3, 24, 16);
		b3.rel("tc", 0, cb, 1);
		assertThat(error(b3.build())).isEqualTo(
				"relocation 0 of section '.reltc' (index 4) (insn 0 of 'tc'): lddw of the address of function 'callback' (a callback, BPF_PSEUDO_FUNC) is not supported");

		TestElf.Builder b4 = new TestElf.Builder();
		int tc4 = b4.code("tc", call(1, 5), exit());
		b4.symbol("prog", STT_FUNC, GLOBAL, tc4, 0, 16);
		assertThat(error(b4.build()))
			.isEqualTo("call at insn 0 of 'tc' jumps to insn 6, outside section 'tc' (index 1) (2 insns)");

		TestElf.Builder b5 = new TestElf.Builder();
		int text5 = b5.code(".text", mov(0, 1), mov(0, 2), exit());
		int tc5 = b5.code("tc", call(1, 0), exit());
		b5.symbol("sub", STT_FUNC, LOCAL, text5, 0, 24);
		b5.symbol("prog", STT_FUNC, GLOBAL, tc5, 0, 16);
		int textSym = b5.symbol("", STT_SECTION, LOCAL, text5, 0, 0);
		b5.rel("tc", 0, textSym, 10);
		assertThat(error(b5.build())).isEqualTo(
				"relocation 0 of section '.reltc' (index 5) (insn 0 of 'tc'): call to '.text' targets insn 1 of '.text', which is not the start of a function");
	}

	@Test
	void relaAndMultipleSymbolTables() {
		TestElf.Builder b = new TestElf.Builder();
		int tc = b.code("tc", call(1, -1), exit(), mov(0, 0), exit());
		b.symbol("prog", STT_FUNC, GLOBAL, tc, 0, 16);
		int sub = b.symbol("sub", STT_FUNC, LOCAL, tc, 16, 16);
		b.rel("tc", 0, sub, 10);
		byte[] elf = b.build();
		TestElf.Shdr rel = TestElf.section(elf, ".reltc");
		byte[] rela = elf.clone();
		TestElf.put(rela, rel.fieldOffset("type"), 4, 4);
		assertThat(error(rela))
			.isEqualTo("section '.reltc' (index 4): RELA relocations are not supported in code (clang emits REL)");
		byte[] twoTables = elf.clone();
		TestElf.put(twoTables, rel.fieldOffset("type"), 4, 2);
		assertThat(error(twoTables))
			.isEqualTo("multiple symbol tables: section '.symtab' (index 2) and section '.reltc' (index 4)");
		byte[] badLink = elf.clone();
		TestElf.put(badLink, rel.fieldOffset("link"), 4, 1);
		assertThat(error(badLink))
			.isEqualTo("section '.reltc' (index 4): links to section 1, not to the symbol table (index 2)");
	}

	// ---------------------------------------------------------------- maps

	@Test
	void legacyMapDefinitions() {
		TestElf.Builder b = new TestElf.Builder();
		ByteBuffer def = TestElf.le(new byte[40]);
		def.putInt(0, 99).putInt(4, 4).putInt(8, 4).putInt(12, 1);
		def.putInt(20, 1).putInt(24, 4).putInt(28, 8).putInt(32, 16);
		int maps = b.section("maps", 1, 3, def.array());
		int tc = b.code("tc", mov(0, 0), exit());
		b.symbol("weird", STT_OBJECT, GLOBAL, maps, 0, 20);
		b.symbol("fine", STT_OBJECT, GLOBAL, maps, 20, 20);
		b.symbol("prog", STT_FUNC, GLOBAL, tc, 0, 16);
		assertThat(error(b.build())).isEqualTo("map 'weird': map type 99 is not supported");

		TestElf.Builder b2 = new TestElf.Builder();
		int maps2 = b2.section("maps", 1, 3, new byte[40]);
		b2.symbol("small", STT_OBJECT, GLOBAL, maps2, 0, 12);
		assertThat(error(b2.build()))
			.isEqualTo("map 'small': legacy definition is 12 bytes, need at least 20 (struct bpf_map_def)");

		TestElf.Builder b3 = new TestElf.Builder();
		int maps3 = b3.section("maps", 1, 3, new byte[40]);
		b3.symbol("past", STT_OBJECT, GLOBAL, maps3, 32, 20);
		assertThat(error(b3.build())).isEqualTo(
				"map 'past': definition at offset 32 with size 20 is outside section 'maps' (index 1) (40 bytes)");
	}

	@Test
	void btfMapErrors() {
		byte[] elf = TestElf.object("xdp_redirect");
		TestElf.Shdr btf = TestElf.section(elf, ".BTF");
		byte[] unknown = elf.clone();
		replaceOnce(unknown, (int) btf.offset(), (int) btf.size(), "max_entries\0", "max_entriez\0");
		assertThat(error(unknown)).isEqualTo("map 'tx_ports': unknown field 'max_entriez'.");
		byte[] noType = elf.clone();
		replaceOnce(noType, (int) btf.offset(), (int) btf.size(), "\0type\0", "\0typo\0");
		assertThat(error(noType)).isEqualTo("map 'tx_ports': unknown field 'typo'.");

		TestElf.Builder b = new TestElf.Builder();
		ByteBuffer def = TestElf.le(new byte[20]);
		def.putInt(0, 2).putInt(4, 4).putInt(8, 8).putInt(12, 1);
		int maps = b.section("maps", 1, 3, def.array());
		int tc = b.code("tc", Insn.concat(Insn.lddw(1, 0, 8), new Insn[] { exit() }));
		b.symbol("counters", STT_OBJECT, GLOBAL, maps, 0, 20);
		b.symbol("prog", STT_FUNC, GLOBAL, tc, 0, 24);
		int mapsSym = b.symbol("", STT_SECTION, LOCAL, maps, 0, 0);
		b.rel("tc", 0, mapsSym, 1);
		assertThat(error(b.build())).isEqualTo(
				"relocation 0 of section '.reltc' (index 5) (insn 0 of 'tc') refers to 'maps' at offset 8 of section 'maps', where no map is defined");
	}

	private static void replaceOnce(byte[] b, int from, int len, String what, String with) {
		byte[] w = what.getBytes(StandardCharsets.ISO_8859_1);
		for (int i = from; i + w.length <= from + len; i++) {
			boolean match = true;
			for (int j = 0; j < w.length && match; j++) {
				match = b[i + j] == w[j];
			}
			if (match) {
				System.arraycopy(with.getBytes(StandardCharsets.ISO_8859_1), 0, b, i, w.length);
				return;
			}
		}
		throw new AssertionError("no " + what);
	}

	@Test
	void unknownSectionGivesAnUnspecifiedProgram() throws ElfException {
		TestElf.Builder b = new TestElf.Builder();
		int sec = b.code("lwt_in", mov(0, 0), exit());
		b.symbol("lwt", STT_FUNC, GLOBAL, sec, 0, 16);
		BpfObject o = ElfLoader.load(b.build(), "lwt.o");
		ProgramSpec p = o.programs().get(0);
		assertThat(p.type()).isEqualTo(ProgramType.UNSPEC);
		assertThat(p.attachType()).isEqualTo(AttachType.NONE);
		ProgramSpec onTcx = p.withAttachType(AttachType.TCX_EGRESS);
		assertThat(onTcx.type()).isEqualTo(ProgramType.SCHED_CLS);
		assertThat(p.withAttachType(AttachType.XDP).type()).isEqualTo(ProgramType.XDP);
	}

	@Test
	void callsWithoutRelocationAndSizeZeroSymbols() throws ElfException {
		// prog calls sub in the same section without a relocation; sub's symbol has size
		// 0
		TestElf.Builder b = new TestElf.Builder();
		int sec = b.code("tc", call(1, 1), exit(), mov(0, 7), exit());
		b.symbol("prog", STT_FUNC, GLOBAL, sec, 0, 0);
		b.symbol("sub", STT_FUNC, LOCAL, sec, 16, 0);
		BpfObject o = ElfLoader.load(b.build(), "same.o");
		assertThat(o.programs()).extracting(ProgramSpec::name).containsExactly("prog", "sub");
		ProgramSpec prog = o.program("prog");
		assertThat(prog.insns()).hasSize(4);
		assertThat(prog.funcs()).containsExactly(new FuncInfo("prog", 0, 0), new FuncInfo("sub", 2, 0));
		assertThat(prog.insns()[0]).isEqualTo(call(1, 1));
	}

	@Test
	void textOnlyObjectsExposeTheirGlobalFunctions() throws ElfException {
		// what bpf_conformance's --elf generates: a main function in .text
		TestElf.Builder b = new TestElf.Builder();
		int text = b.code(".text", mov(0, 42), exit());
		b.symbol("main", STT_FUNC, GLOBAL, text, 0, 16);
		BpfObject o = ElfLoader.load(b.build(), "conformance.o");
		assertThat(o.programs()).singleElement().satisfies(p -> {
			assertThat(p.name()).isEqualTo("main");
			assertThat(p.section()).isEqualTo(".text");
			assertThat(p.type()).isEqualTo(ProgramType.UNSPEC);
			assertThat(p.insns()).containsExactly(mov(0, 42), exit());
		});
		// and without any symbol, the section is one program
		TestElf.Builder b2 = new TestElf.Builder();
		b2.code("xdp", mov(0, 2), exit());
		BpfObject o2 = ElfLoader.load(b2.build(), "bare.o");
		assertThat(o2.programs()).extracting(ProgramSpec::name, ProgramSpec::type)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("xdp", ProgramType.XDP));
	}

	@Test
	void subprogramsAreAppendedTransitivelyOnce() throws ElfException {
		// prog -> a -> b, prog -> b; a and b in .text, calls via the .text section symbol
		TestElf.Builder b = new TestElf.Builder();
		Insn[] text = { call(1, 1), exit(), mov(0, 3), exit() }; // a: calls b (insn 2)
		int t = b.code(".text", text);
		int tc = b.code("tc", call(1, -1), call(1, 1), exit());
		b.symbol("a", STT_FUNC, LOCAL, t, 0, 16);
		b.symbol("b", STT_FUNC, LOCAL, t, 16, 16);
		b.symbol("prog", STT_FUNC, GLOBAL, tc, 0, 24);
		int textSym = b.symbol("", STT_SECTION, LOCAL, t, 0, 0);
		b.rel("tc", 0, textSym, 10); // .text + (-1 + 1) = a
		b.rel("tc", 8, textSym, 10); // .text + (1 + 1) = b
		ProgramSpec p = ElfLoader.load(b.build(), "chain.o").programs().get(0);
		assertThat(p.funcs()).containsExactly(new FuncInfo("prog", 0, 0), new FuncInfo("a", 3, 0),
				new FuncInfo("b", 5, 0));
		assertThat(p.insns()).containsExactly(call(1, 2), call(1, 3), exit(), call(1, 1), exit(), mov(0, 3), exit());
	}

	@Test
	void namesAreBounded() {
		TestElf.Builder b = new TestElf.Builder();
		int tc = b.code("tc", mov(0, 0), exit());
		b.symbol("x".repeat(600), STT_FUNC, GLOBAL, tc, 0, 16);
		assertThat(error(b.build()))
			.isEqualTo("name of symbol 1: string at offset 1 of '.strtab' (index 3) is longer than 512 bytes");
		assertThat("x".repeat(600).getBytes(StandardCharsets.UTF_8)).hasSize(600);
	}

	@Test
	void relocatedOutputIsBounded() {
		// nine programs calling one 250k-instruction .text function need 2.25M slots
		TestElf.Builder b = new TestElf.Builder();
		Insn[] big = new Insn[250_000];
		java.util.Arrays.fill(big, mov(0, 0));
		big[big.length - 1] = exit();
		int text = b.code(".text", big);
		b.symbol("big", STT_FUNC, LOCAL, text, 0, 8L * big.length);
		for (int i = 0; i < 9; i++) {
			int sec = b.code("tc/p" + i, call(1, -1), exit());
			b.symbol("p" + i, STT_FUNC, GLOBAL, sec, 0, 16);
		}
		int bigSym = 1;
		for (int i = 0; i < 9; i++) {
			b.rel("tc/p" + i, 0, bigSym, 10);
		}
		assertThat(error(b.build())).isEqualTo(
				"program 'p7': the object needs more than 2000000 instructions and line records in total after appending subprograms");
	}

	@Test
	void zeroInitialisedDataIsBounded() {
		TestElf.Builder b = new TestElf.Builder();
		for (int i = 0; i < 5; i++) {
			b.bss(".bss", 65536);
		}
		assertThat(error(b.build())).isEqualTo(
				"section '.bss' (index 5): zero-initialised global data sections add up to more than 262144 bytes");
	}

}
