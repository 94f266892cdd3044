package dev.bpfnet.bpf.asm;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.bpfnet.bpf.asm.Assembler.AsmResult;
import dev.bpfnet.bpf.asm.Assembler.MapRelocation;
import dev.bpfnet.bpf.isa.Insn;
import dev.bpfnet.bpf.isa.Opcodes;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One instruction per case from {@code asm/syntax-cases.txt} (both syntaxes, the
 * llvm-objdump, kernel verifier-log and listing spellings), then whole programs for
 * labels, local calls, map relocations and mixed syntax.
 */
class SyntaxCasesTest {

	@TestFactory
	Stream<DynamicTest> everyCaseAssemblesToItsEncoding() throws IOException {
		List<String[]> cases = cases();
		assertThat(cases).hasSizeGreaterThan(250);
		return cases.stream().map((c) -> DynamicTest.dynamicTest(c[0].replace('\t', ' '), () -> {
			Insn[] actual = Assembler.assembleInsns(c[0]);
			assertThat(String.join(" | ", SuiteFiles.hexLines(actual))).isEqualTo(c[1]);
		}));
	}

	/**
	 * Cases are also valid one-line programs for the disassembler: it prints them back.
	 */
	@TestFactory
	Stream<DynamicTest> everyCaseRoundTripsThroughTheDisassembler() throws IOException {
		return cases().stream().map((c) -> DynamicTest.dynamicTest(c[0].replace('\t', ' '), () -> {
			Insn[] insns = Assembler.assembleInsns(c[0]);
			for (Disassembler.Syntax syntax : Disassembler.Syntax.values()) {
				assertThat(Assembler.assembleInsns(Disassembler.disassemble(insns, syntax))).isEqualTo(insns);
			}
		}));
	}

	static List<String[]> cases() throws IOException {
		List<String[]> out = new ArrayList<>();
		try (InputStream in = SyntaxCasesTest.class.getResourceAsStream("/asm/syntax-cases.txt")) {
			for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
				if (line.isBlank() || line.startsWith("#")) {
					continue;
				}
				int arrow = line.lastIndexOf(" => ");
				out.add(new String[] { line.substring(0, arrow), line.substring(arrow + 4).trim() });
			}
		}
		return out;
	}

	@Test
	void labelsOnTheirOwnLineAndBeforeAnInstruction() throws AsmException {
		AsmResult r = Assembler.assemble("""
				mov %r0, 0
				ja L2
				L1:
				  mov %r2, 0
				  exit
				L2: mov %r0, 0
				ja32 L1
				""");
		assertThat(r.insns()).containsExactly(Insn.of(0xb7, 0, 0, 0, 0), Insn.of(0x05, 0, 0, 2, 0),
				Insn.of(0xb7, 2, 0, 0, 0), Insn.of(0x95, 0, 0, 0, 0), Insn.of(0xb7, 0, 0, 0, 0),
				Insn.of(0x06, 0, 0, 0, -4));
		assertThat(r.labels()).containsExactly(Map.entry("L1", 2), Map.entry("L2", 4));
	}

	@Test
	void kernelSyntaxLabelsAndLocalCalls() throws AsmException {
		Insn[] p = Assembler.assembleInsns("""
				r1 = 0x1122334455667788 ll   // label offsets count both lddw slots
				if w1 s< 5 goto out
				call helper_fn
				call bpf_map_lookup_elem
				gotol out
				out:
				exit
				helper_fn:
				r0 = 0
				exit
				""");
		assertThat(p[2]).isEqualTo(Insn.of(0xc6, 1, 0, 3, 5));
		assertThat(p[3]).isEqualTo(Insn.of(0x85, 0, Opcodes.PSEUDO_CALL_LOCAL, 0, 3));
		assertThat(p[4]).isEqualTo(Insn.of(0x85, 0, 0, 0, 1));
		assertThat(p[5]).isEqualTo(Insn.of(0x06, 0, 0, 0, 0));
	}

	@Test
	void aLabelNamedLikeAHelperIsALocalCall() throws AsmException {
		Insn[] p = Assembler.assembleInsns("call bpf_redirect\nexit\nbpf_redirect:\nexit");
		assertThat(p[0]).isEqualTo(Insn.of(0x85, 0, 1, 0, 1));
	}

	@Test
	void uBpfDefaultExitLabelIsTheFirstExit() throws AsmException {
		Insn[] p = Assembler.assembleInsns("jne %r0, %r1, exit\nmov %r0, 1\nexit\nmov %r0, 2\nexit");
		assertThat(p[0]).isEqualTo(Insn.of(0x5d, 0, 1, 1, 0));
		Insn[] explicit = Assembler.assembleInsns("ja exit\nexit\nexit:\nexit");
		assertThat(explicit[0].off()).isEqualTo((short) 1);
	}

	@Test
	void callLocalInUbpfSyntax() throws AsmException {
		Insn[] p = Assembler.assembleInsns("call local func1\nexit\nfunc1:\nmov %r0, 1\nexit");
		assertThat(p[0]).isEqualTo(Insn.of(0x85, 0, 1, 0, 1));
	}

	@Test
	void symbolicMapReferencesAreRecordedAsRelocations() throws AsmException {
		AsmResult r = Assembler.assemble("""
				r1 = map[pkt_count] ll
				r2 = map[.bss][0]+4 ll
				lddw %r3, map[flows]
				exit
				""");
		assertThat(r.mapRelocations()).containsExactly(new MapRelocation(0, "pkt_count", 0),
				new MapRelocation(2, ".bss", 4), new MapRelocation(4, "flows", 0));
		assertThat(r.insns()[0]).isEqualTo(Insn.of(0x18, 1, Opcodes.PSEUDO_MAP_IDX, 0, 0));
		assertThat(r.insns()[2]).isEqualTo(Insn.of(0x18, 2, Opcodes.PSEUDO_MAP_IDX_VALUE, 0, 0));
		assertThat(r.insns()[3]).isEqualTo(Insn.of(0, 0, 0, 0, 4));
		assertThat(r.insns()[4]).isEqualTo(Insn.of(0x18, 3, Opcodes.PSEUDO_MAP_IDX, 0, 0));
	}

	@Test
	void aFileMayMixSyntaxes() throws AsmException {
		Insn[] p = Assembler.assembleInsns("""
				mov %r0, 0
				r0 += 1
				jeq %r0, 1, done
				r0 = 7
				done: exit
				""");
		assertThat(p).containsExactly(Insn.of(0xb7, 0, 0, 0, 0), Insn.of(0x07, 0, 0, 0, 1), Insn.of(0x15, 0, 0, 1, 1),
				Insn.of(0xb7, 0, 0, 0, 7), Insn.of(0x95, 0, 0, 0, 0));
	}

	@Test
	void crLfAndBlankLinesAndCommentOnlyLines() throws AsmException {
		Insn[] p = Assembler.assembleInsns("# header\r\n\r\n  ;; note\r\n// more\r\nexit\r\n");
		assertThat(p).containsExactly(Insn.of(0x95, 0, 0, 0, 0));
		assertThat(Assembler.assembleInsns("")).isEmpty();
	}

}
