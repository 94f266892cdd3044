package dev.bpfnet.bpf.asm;

import dev.bpfnet.bpf.conformance.ConformanceFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.bpfnet.bpf.isa.Insn;

/**
 * Reads the bpf_conformance suite in place ({@code bpfnet.shared.dir}/bpf_conformance):
 * {@code .data} sections as {@code bpf_test_parser.cc} splits them (a line containing
 * {@code --} switches section) and {@code bytecode/NAME.hex} files (one slot per line,
 * eight hex byte pairs in memory order).
 */
final class SuiteFiles {

	private SuiteFiles() {
	}

	/**
	 * The suite directory; skips the calling test when the shared directory is absent.
	 */
	static Path suite() {
		return ConformanceFile.suite();
	}

	static List<Path> list(Path dir, String suffix) {
		try (Stream<Path> files = Files.list(dir)) {
			return files.filter((p) -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static String read(Path file) {
		try {
			return Files.readString(file, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static String baseName(Path file) {
		String n = file.getFileName().toString();
		return n.substring(0, n.lastIndexOf('.'));
	}

	/**
	 * Section name to raw text (lines joined with {@code \n}, comments kept: the
	 * assembler strips them itself). A directive other than the known ones is kept as a
	 * section too.
	 */
	static Map<String, String> sections(Path dataFile) {
		Map<String, String> out = new LinkedHashMap<>();
		String section = null;
		StringBuilder body = new StringBuilder();
		for (String line : read(dataFile).replace("\r", "").split("\n", -1)) {
			if (line.contains("--")) {
				if (section != null) {
					out.put(section, body.toString());
				}
				String directive = line.substring(line.indexOf("--") + 2);
				int hash = directive.indexOf('#');
				section = ((hash >= 0) ? directive.substring(0, hash) : directive).trim();
				body.setLength(0);
				continue;
			}
			if (section != null) {
				body.append(line).append('\n');
			}
		}
		if (section != null) {
			out.put(section, body.toString());
		}
		return out;
	}

	/** The slots of a {@code bytecode/*.hex} file. */
	static Insn[] hex(Path file) {
		List<Insn> out = new ArrayList<>();
		for (String line : read(file).split("\n")) {
			if (line.isBlank()) {
				continue;
			}
			String[] bytes = line.trim().split("\\s+");
			if (bytes.length != Insn.SIZE) {
				throw new IllegalStateException(file + ": expected 8 bytes per line: " + line);
			}
			long v = 0;
			for (int i = 0; i < Insn.SIZE; i++) {
				v |= Long.parseLong(bytes[i], 16) << (8 * i);
			}
			out.add(Insn.decode(v));
		}
		return out.toArray(new Insn[0]);
	}

	/** The slots as {@code hh hh hh hh hh hh hh hh} lines, for readable diffs. */
	static List<String> hexLines(Insn[] prog) {
		List<String> out = new ArrayList<>();
		for (Insn i : prog) {
			long v = i.encode();
			StringBuilder b = new StringBuilder();
			for (int k = 0; k < Insn.SIZE; k++) {
				if (k > 0) {
					b.append(' ');
				}
				b.append(String.format("%02x", (v >>> (8 * k)) & 0xff));
			}
			out.add(b.toString());
		}
		return out;
	}

}
