package dev.bpfnet.bpf.asm;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.bpfnet.bpf.isa.Insn;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real {@code llvm-objdump -d -r} listings of clang-compiled programs (resources
 * {@code asm/objdump/}): the listing's own byte column is the expected encoding.
 *
 * <ul>
 * <li>the whole listing (headers, symbol lines, relocations, addresses, bytes) assembles
 * to the byte column;</li>
 * <li>the instruction text alone (address and bytes stripped, labels and relocations
 * kept) assembles to the same bytes;</li>
 * <li>the disassembler prints each instruction as llvm-objdump did, except helper calls
 * (named here), 64-bit immediates (hex above 32 bits here) and pseudo calls
 * ({@code call pc-1} here, {@code call -1} there).</li>
 * </ul>
 */
class ObjdumpListingTest {

	private static final String[] LISTINGS = { "tc_account-v3", "sockfilter-v1", "xdp_fwd-v2", "nat", "flow_counter",
			"ringbuf_logger" };

	private static final Pattern INSN_LINE = Pattern
		.compile("^\\s*(\\d+):\\t((?:[0-9a-f]{2} ){7}[0-9a-f]{2}(?: (?:[0-9a-f]{2} ){7}[0-9a-f]{2})?)\\t(.*)$");

	private record Line(int address, long[] slots, String text) {
	}

	@TestFactory
	Stream<DynamicContainer> listings() {
		return Stream.of(LISTINGS).map((name) -> {
			String listing = resource(name);
			List<Line> lines = parse(listing);
			Insn[] expected = lines.stream()
				.flatMap((l) -> Arrays.stream(l.slots()).mapToObj(Insn::decode))
				.toArray(Insn[]::new);
			return DynamicContainer.dynamicContainer(name, Stream.of(DynamicTest.dynamicTest("whole listing", () -> {
				assertThat(lines).hasSizeGreaterThan(15);
				assertThat(SuiteFiles.hexLines(Assembler.assembleInsns(listing)))
					.isEqualTo(SuiteFiles.hexLines(expected));
			}), DynamicTest.dynamicTest("instruction text only", () -> {
				String textOnly = listing.lines().map((l) -> {
					Matcher m = INSN_LINE.matcher(l);
					return m.matches() ? m.group(3) : l;
				}).reduce("", (a, b) -> a + b + "\n");
				assertThat(SuiteFiles.hexLines(Assembler.assembleInsns(textOnly)))
					.isEqualTo(SuiteFiles.hexLines(expected));
			}), DynamicTest.dynamicTest("disassembler agrees with llvm-objdump", () -> {
				Insn[] prog = Assembler.assembleInsns(listing);
				int compared = 0;
				int pc = 0;
				int sectionBase = 0;
				int previous = -1;
				for (Line l : lines) {
					if (l.address() <= previous) {
						sectionBase = pc;
					}
					previous = l.address();
					assertThat(pc).isEqualTo(sectionBase + l.address());
					String ours = Disassembler.disassembleOne(prog, pc);
					String theirs = l.text().replaceAll(" <[^<>]+>$", "");
					if (!theirs.startsWith("call") && !theirs.endsWith(" ll")) {
						assertThat(ours).as("slot %d", pc).isEqualTo(theirs);
						compared++;
					}
					pc += l.slots().length;
				}
				assertThat(compared).isGreaterThan(lines.size() / 2);
			})));
		});
	}

	private static List<Line> parse(String listing) {
		List<Line> out = new ArrayList<>();
		for (String l : listing.split("\n")) {
			Matcher m = INSN_LINE.matcher(l);
			if (!m.matches()) {
				continue;
			}
			String[] bytes = m.group(2).split(" ");
			long[] slots = new long[bytes.length / Insn.SIZE];
			for (int i = 0; i < bytes.length; i++) {
				slots[i / Insn.SIZE] |= Long.parseLong(bytes[i], 16) << (8 * (i % Insn.SIZE));
			}
			out.add(new Line(Integer.parseInt(m.group(1)), slots, m.group(3)));
		}
		return out;
	}

	private static String resource(String name) {
		try (InputStream in = ObjdumpListingTest.class.getResourceAsStream("/asm/objdump/" + name + ".txt")) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
