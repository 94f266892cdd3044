package dev.bpfnet.bpf.asm;

import java.util.ArrayList;
import java.util.List;

import dev.bpfnet.bpf.asm.Disassembler.Syntax;
import dev.bpfnet.bpf.isa.Insn;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code assemble(disassemble(p)) == p} for arbitrary slot sequences: fully random 64-bit
 * slots (mostly invalid, so mostly {@code .insn}), and slots built field by field from
 * the values that matter (every opcode byte, registers around r10, the offsets and
 * immediates that select forms, clean and unclean lddw pairs) so that every printed form
 * is exercised.
 */
class RoundTripPropertyTest {

	@Property(tries = 500)
	void randomSlotsRoundTrip(@ForAll("randomSlots") long[] raw, @ForAll Syntax syntax, @ForAll boolean labels)
			throws AsmException {
		assertRoundTrip(raw, syntax, labels);
	}

	@Property(tries = 3000)
	void structuredSlotsRoundTrip(@ForAll("structuredSlots") long[] raw, @ForAll Syntax syntax, @ForAll boolean labels)
			throws AsmException {
		String text = assertRoundTrip(raw, syntax, labels);
		// the generator must reach the printed forms, not only the .insn escape
		text.lines()
			.filter((l) -> !l.endsWith(":"))
			.forEach((l) -> Statistics.label("line").collect(l.startsWith(".insn") ? "escape" : "instruction"));
		Statistics.label("line").coverage((c) -> c.check("instruction").percentage((p) -> p > 15.0));
	}

	@Property(tries = 1000)
	void disassembleOneMatchesTheFullListing(@ForAll("structuredSlots") long[] raw) {
		Insn[] prog = decode(raw);
		List<String> lines = Disassembler.lines(prog, Syntax.LLVM);
		List<String> single = new ArrayList<>();
		for (int pc = 0; pc < prog.length; pc += Disassembler.width(prog, pc)) {
			single.add(Disassembler.disassembleOne(prog, pc));
		}
		assertThat(single).isEqualTo(lines);
	}

	private static String assertRoundTrip(long[] raw, Syntax syntax, boolean labels) throws AsmException {
		Insn[] prog = decode(raw);
		String text = Disassembler.disassemble(prog, syntax, labels);
		Insn[] back = Assembler.assembleInsns(text);
		assertThat(SuiteFiles.hexLines(back)).as(text).isEqualTo(SuiteFiles.hexLines(prog));
		return text;
	}

	private static Insn[] decode(long[] raw) {
		Insn[] prog = new Insn[raw.length];
		for (int i = 0; i < raw.length; i++) {
			prog[i] = Insn.decode(raw[i]);
		}
		return prog;
	}

	@Provide
	Arbitrary<long[]> randomSlots() {
		return Arbitraries.longs().array(long[].class).ofMaxSize(16);
	}

	@Provide
	Arbitrary<long[]> structuredSlots() {
		Arbitrary<long[]> single = slot().map((s) -> new long[] { s });
		Arbitrary<long[]> lddw = Combinators
			.combine(Arbitraries.integers().between(0, 12), Arbitraries.integers().between(0, 15),
					Arbitraries.frequencyOf(
							Tuple.of(8, Arbitraries.just(0)), Tuple.of(1, Arbitraries.integers().between(1, 0xffff))),
					imm(), imm(),
					Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.just(0L)),
							Tuple.of(1, Arbitraries.longs().between(1, 0xffffffffL))))
			.as((dst, src, off, lo, hi,
					dirt) -> new long[] {
							0x18L | ((long) (dst | (src << 4)) << 8) | ((long) off << 16) | ((long) lo << 32),
							(dirt & 0xffffffffL) | ((long) hi << 32) });
		return Arbitraries.frequencyOf(Tuple.of(5, single), Tuple.of(1, lddw)).list().ofMaxSize(24).map((parts) -> {
			int n = parts.stream().mapToInt((p) -> p.length).sum();
			long[] out = new long[n];
			int i = 0;
			for (long[] p : parts) {
				System.arraycopy(p, 0, out, i, p.length);
				i += p.length;
			}
			return out;
		});
	}

	private static Arbitrary<Long> slot() {
		Arbitrary<Integer> reg = Arbitraries.frequencyOf(Tuple.of(12, Arbitraries.integers().between(0, 10)),
				Tuple.of(1, Arbitraries.integers().between(11, 15)));
		Arbitrary<Integer> src = Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.just(0)), Tuple.of(4, reg));
		Arbitrary<Integer> off = Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.just(0)),
				Tuple.of(2, Arbitraries.of(1, 8, 16, 32)), Tuple.of(3, Arbitraries.integers().between(-40, 40)),
				Tuple.of(1, Arbitraries.integers().between(Short.MIN_VALUE, Short.MAX_VALUE)));
		// a random subset of src/off/imm is cleared, as most forms leave some fields
		// unused
		Arbitrary<Integer> clear = Arbitraries.integers().between(0, 7);
		return Combinators.combine(opcode(), reg, src, off, imm(), clear).as((op, dst, s, o, imm, c) -> {
			int s2 = ((c & 1) != 0) ? 0 : s;
			int o2 = ((c & 2) != 0) ? 0 : o;
			int i2 = ((c & 4) != 0) ? 0 : imm;
			return (op & 0xffL) | ((long) (dst | (s2 << 4)) << 8) | ((o2 & 0xffffL) << 16) | ((long) i2 << 32);
		});
	}

	/**
	 * Mostly opcodes with a meaningful class/code or class/mode/size split, some random
	 * bytes.
	 */
	private static Arbitrary<Integer> opcode() {
		Arbitrary<Integer> aluJmp = Combinators
			.combine(Arbitraries.of(0x04, 0x07, 0x05, 0x06), Arbitraries.integers().between(0, 15),
					Arbitraries.of(0, 8))
			.as((cls, code, source) -> (code << 4) | source | cls);
		Arbitrary<Integer> ldSt = Combinators
			.combine(Arbitraries.of(0x00, 0x01, 0x02, 0x03), Arbitraries.of(0x00, 0x20, 0x40, 0x60, 0x80, 0xc0),
					Arbitraries.of(0x00, 0x08, 0x10, 0x18))
			.as((cls, mode, size) -> mode | size | cls);
		return Arbitraries.frequencyOf(Tuple.of(5, aluJmp), Tuple.of(4, ldSt),
				Tuple.of(1, Arbitraries.integers().between(0, 255)));
	}

	private static Arbitrary<Integer> imm() {
		return Arbitraries.frequencyOf(Tuple.of(5, Arbitraries.just(0)),
				Tuple.of(2, Arbitraries.of(16, 32, 64, 1, 5, 23, 211, 212, -1, 0x10000)),
				Tuple.of(2,
						Arbitraries.of(0x00, 0x01, 0x40, 0x41, 0x50, 0x51, 0xa0, 0xa1, 0xe0, 0xe1, 0xf0, 0xf1, 0x100,
								0x110)),
				Tuple.of(3, Arbitraries.integers().between(-50, 50)), Tuple.of(2, Arbitraries.integers()));
	}

}
