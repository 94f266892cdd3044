package dev.bpfnet.bpf.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import dev.bpfnet.bpf.isa.Insn;
import org.junit.jupiter.api.Assumptions;

/**
 * A bpf_conformance {@code .data} file, parsed as {@code bpf_test_parser.cc} does
 * (reference/ebpf.md §1.2): {@code #} starts a comment anywhere, a line containing
 * {@code --} switches section ({@code asm}, {@code raw}, {@code mem}, {@code result},
 * {@code error}; {@code no register offset} and {@code c} are ignored; any other
 * directive marks the test as skipped), {@code result} is the last non-empty line (hex
 * with {@code 0x}, else decimal).
 *
 * <p>
 * {@code -- raw}: a token with {@code 0x} or longer than two digits is one 64-bit
 * instruction (as in {@code tests/lddw.data}); two-digit tokens are bytes, eight per
 * instruction slot in memory order (as in {@code negative/unused-*.data}).
 */
public record ConformanceFile(String name, String asm, Insn[] raw, byte[] mem, Long result, String error,
		String skipReason) {

	/**
	 * The suite directory ({@code bpfnet.shared.dir}/bpf_conformance, read in place);
	 * skips the calling test with a message when it is absent.
	 */
	public static Path suite() {
		String dir = System.getProperty("bpfnet.shared.dir");
		Path p = dir == null ? null : Path.of(dir, "bpf_conformance");
		Assumptions.assumeTrue(p != null && Files.isDirectory(p.resolve("tests")),
				"bpf_conformance not found (system property bpfnet.shared.dir=" + dir + "): skipped");
		return p;
	}

	/** The {@code .data} files of a suite directory, sorted by name. */
	public static List<Path> dataFiles(Path dir) throws IOException {
		try (Stream<Path> s = Files.list(dir)) {
			return s.filter(f -> f.toString().endsWith(".data")).sorted().toList();
		}
	}

	public static ConformanceFile parse(Path file) {
		String name = file.getFileName().toString().replaceFirst("\\.data$", "");
		try {
			return parse(name, Files.readString(file, StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public static ConformanceFile parse(String name, String text) {
		StringBuilder asm = new StringBuilder();
		List<String> raw = new ArrayList<>();
		StringBuilder mem = new StringBuilder();
		String lastResult = null;
		StringBuilder error = null;
		String skip = null;
		String section = "";
		boolean hasRaw = false;
		boolean hasAsm = false;
		for (String line : text.replace("\r", "").split("\n", -1)) {
			int hash = line.indexOf('#');
			if (hash >= 0) {
				line = line.substring(0, hash);
			}
			if (line.contains("--")) {
				section = line.substring(line.indexOf("--") + 2).trim();
				switch (section) {
					case "asm" -> hasAsm = true;
					case "raw" -> hasRaw = true;
					case "error" -> error = new StringBuilder();
					case "mem", "result", "no register offset", "c" -> {
					}
					default -> skip = "Unknown directive '" + section + "'";
				}
				continue;
			}
			switch (section) {
				case "asm" -> asm.append(line).append('\n');
				case "raw" -> {
					for (String tok : line.trim().split("\\s+")) {
						if (!tok.isEmpty()) {
							raw.add(tok);
						}
					}
				}
				case "mem" -> mem.append(line).append(' ');
				case "result" -> {
					if (!line.isBlank()) {
						lastResult = line.trim();
					}
				}
				case "error" -> {
					if (!line.isBlank()) {
						error.append(error.length() > 0 ? "\n" : "").append(line.trim());
					}
				}
				default -> {
				}
			}
		}
		Long result = lastResult == null ? null : parseNumber(lastResult);
		Insn[] insns = hasRaw ? parseRaw(raw) : null;
		return new ConformanceFile(name, hasAsm ? asm.toString() : null, insns, parseBytes(mem.toString()), result,
				error == null ? null : error.toString(), skip);
	}

	/** Reads {@code bytecode/NAME.hex}: 8 hex bytes per line, memory order. */
	public static Insn[] readHex(Path hexFile) {
		try {
			return Insn.decode(parseBytes(Files.readString(hexFile, StandardCharsets.US_ASCII)));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static long parseNumber(String s) {
		String t = s.trim();
		boolean neg = t.startsWith("-");
		if (neg) {
			t = t.substring(1);
		}
		long v = t.startsWith("0x") || t.startsWith("0X") ? Long.parseUnsignedLong(t.substring(2), 16)
				: Long.parseUnsignedLong(t);
		return neg ? -v : v;
	}

	static byte[] parseBytes(String s) {
		String[] toks = s.trim().split("\\s+");
		if (toks.length == 1 && toks[0].isEmpty()) {
			return new byte[0];
		}
		byte[] out = new byte[toks.length];
		for (int i = 0; i < toks.length; i++) {
			out[i] = (byte) Integer.parseInt(toks[i], 16);
		}
		return out;
	}

	private static Insn[] parseRaw(List<String> toks) {
		List<Insn> out = new ArrayList<>();
		byte[] pending = new byte[Insn.SIZE];
		int n = 0;
		for (String tok : toks) {
			if (tok.startsWith("0x") || tok.startsWith("0X") || tok.length() > 2) {
				if (n != 0) {
					throw new IllegalArgumentException("raw section mixes bytes and 64-bit words");
				}
				out.add(Insn.decode(parseNumber(tok)));
			}
			else {
				pending[n++] = (byte) Integer.parseInt(tok, 16);
				if (n == Insn.SIZE) {
					out.add(Insn.decode(pending)[0]);
					n = 0;
				}
			}
		}
		if (n != 0) {
			throw new IllegalArgumentException("raw section ends inside an instruction (" + n + " bytes)");
		}
		return out.toArray(Insn[]::new);
	}

}
