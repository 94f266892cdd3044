package dev.bpfnet.bpf.asm;

import java.io.IOException;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Malformed text never escapes as anything but {@link AsmException}, and the reported
 * position is inside the text: token soup from both syntaxes, and the pinned syntax cases
 * with characters deleted, inserted or swapped.
 */
class AssemblerFuzzPropertyTest {

	private static final String[] VOCABULARY = { "r0", "r1", "w2", "%r3", "r10", "r11", "w15", "=", "+=", "-=", "s>>=",
			"s/=", "<<=", "==", "s<", "&", "*", "(", ")", "[", "]", ",", "+", "-", ":", "#", "0", "1", "0x10", "-1",
			"65536", "0xffffffffffffffffff", "99999999999999999999", "ll", "goto", "gotol", "if", "call", "callx",
			"local", "runtime", "pc", "kernel", "function", "lock", "fetch", "exit", "map", "idx", "fd", "skb", "u8",
			"u64", "s16", "s32", "mov", "mov32", "lddw", "ldxw", "ldxsb", "stxdw", "stb", "add", "xchg", "cmpxchg32",
			"ja", "ja32", "jeq", "jset32", "neg", "movsx832", "be16", "bswap64", "le32", "atomic_fetch_add",
			"atomic64_cmpxchg", "xchg_64", "cmpxchg32_32", "load_acquire", "store_release", "addr_space_cast",
			"ld_pseudo", ".insn", "<unknown>", "<LBB0_1>", "L1", "L1:", "bpf_redirect", "(b7)", "0:",
			"b7 00 00 00 01 00 00 00", "@", "\t", " ", " ", " ", "\n", "\r\n", ";", "//" };

	@Property(tries = 4000)
	void tokenSoupAssemblesOrFailsWithAPosition(@ForAll("soup") String text) {
		check(text);
	}

	@Property(tries = 4000)
	void mutatedValidLinesAssembleOrFailWithAPosition(@ForAll("mutated") String text) {
		check(text);
	}

	private static void check(String text) {
		try {
			Assembler.assemble(text);
		}
		catch (AsmException ex) {
			String[] lines = text.split("\n", -1);
			assertThat(ex.line()).isBetween(1, lines.length);
			assertThat(ex.column()).isBetween(1, lines[ex.line() - 1].length() + 1);
			assertThat(ex.reason()).isNotBlank();
		}
	}

	@Provide
	Arbitrary<String> soup() {
		return Arbitraries.of(VOCABULARY).list().ofMaxSize(14).map((l) -> String.join(" ", l));
	}

	@Provide
	Arbitrary<String> mutated() throws IOException {
		List<String> lines = SyntaxCasesTest.cases().stream().map((c) -> c[0]).toList();
		Arbitrary<Character> chars = Arbitraries.of('r', 'w', '%', '0', '9', 'x', '+', '-', '*', '(', ')', '[', ']',
				',', ':', '#', ' ', '=', '<', '>', 's', 'l', 'f');
		return Combinators
			.combine(Arbitraries.of(lines), Arbitraries.integers().between(0, 2),
					Arbitraries.integers().between(0, 200), chars)
			.as((line, kind, at, c) -> {
				int i = at % (line.length() + 1);
				return switch (kind) {
					case 0 -> (i < line.length()) ? line.substring(0, i) + line.substring(i + 1) : line + c;
					case 1 -> line.substring(0, i) + c + line.substring(i);
					default -> (i < line.length()) ? line.substring(0, i) + c + line.substring(i + 1) : line;
				};
			});
	}

}
