package dev.bpfnet.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.bpfnet.bpf.asm.AsmException;
import dev.bpfnet.bpf.asm.Assembler;
import dev.bpfnet.bpf.elf.BpfObject;
import dev.bpfnet.bpf.elf.ElfException;
import dev.bpfnet.bpf.elf.ElfLoader;
import dev.bpfnet.bpf.elf.ProgramSpec;
import dev.bpfnet.bpf.isa.Insn;
import dev.bpfnet.bpf.prog.AttachType;
import dev.bpfnet.bpf.prog.ProgramType;
import picocli.CommandLine.Command;

/**
 * {@code bpfnet bpf ...}: the eBPF toolchain from the command line. Programs come from
 * ELF objects ({@code clang -target bpf}) or, for files that are not ELF, from eBPF
 * assembly in either syntax.
 */
@Command(name = "bpf",
		description = "Disassemble, verify and run eBPF programs; speak the bpf_conformance plugin protocol.",
		mixinStandardHelpOptions = true, subcommands = { DisasmCommand.class, AsmCommand.class, VerifyCommand.class,
				RunCommand.class, ConformancePluginCommand.class })
final class BpfCommand implements Runnable {

	@picocli.CommandLine.Spec
	picocli.CommandLine.Model.CommandSpec spec;

	@Override
	public void run() {
		this.spec.commandLine().usage(System.out);
	}

	/** A user-facing failure: printed as {@code bpfnet: message}, exit status 1. */
	static final class CliException extends RuntimeException {

		CliException(String message) {
			super(message);
		}

	}

	private static final byte[] ELF_MAGIC = { 0x7f, 'E', 'L', 'F' };

	static boolean isElf(byte[] bytes) {
		if (bytes.length < 4) {
			return false;
		}
		for (int i = 0; i < 4; i++) {
			if (bytes[i] != ELF_MAGIC[i]) {
				return false;
			}
		}
		return true;
	}

	static byte[] read(Path file) {
		try {
			if (Files.size(file) > 64L << 20) {
				throw new CliException(file + ": larger than 64 MiB, refusing to read it");
			}
			return Files.readAllBytes(file);
		}
		catch (NoSuchFileException ex) {
			throw new CliException(file + ": no such file");
		}
		catch (IOException ex) {
			throw new CliException(file + ": " + ex.getMessage());
		}
	}

	/**
	 * Loads an ELF object, or wraps an assembly file as an object with one program. The
	 * program type of an assembly file is {@code type}, its section name {@code asm}.
	 */
	static BpfObject loadObject(Path file, ProgramType typeForAsm) {
		byte[] bytes = read(file);
		String name = file.getFileName().toString();
		if (isElf(bytes)) {
			try {
				return ElfLoader.load(bytes, name);
			}
			catch (ElfException ex) {
				throw new CliException(name + ": " + ex.getMessage());
			}
		}
		String text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
		try {
			Assembler.AsmResult asm = Assembler.assemble(text);
			if (!asm.mapRelocations().isEmpty()) {
				throw new CliException(
						name + ": line-level map references (map[" + asm.mapRelocations().get(0).mapName()
								+ "]) need an object with map definitions; compile to ELF instead");
			}
			ProgramSpec program = new ProgramSpec("main", "asm", typeForAsm, AttachType.NONE, asm.insns(), List.of());
			return new BpfObject(name, "GPL", 0, List.of(), List.of(program), null, List.of());
		}
		catch (AsmException ex) {
			throw new CliException(name + ":" + ex.line() + ":" + ex.column() + ": " + ex.reason());
		}
	}

	/**
	 * The programs named by {@code selector} (a section name or a function name), or all
	 * of them when it is null.
	 */
	static List<ProgramSpec> select(BpfObject object, String selector) {
		if (selector == null) {
			return object.programs();
		}
		List<ProgramSpec> out = new ArrayList<>();
		for (ProgramSpec p : object.programs()) {
			if (p.section().equals(selector) || p.name().equals(selector)) {
				out.add(p);
			}
		}
		if (out.isEmpty()) {
			List<String> have = new ArrayList<>();
			for (ProgramSpec p : object.programs()) {
				have.add(p.section() + " (" + p.name() + ")");
			}
			throw new CliException(object.name() + ": no program in section or named '" + selector + "'; it has: "
					+ (have.isEmpty() ? "no programs" : String.join(", ", have)));
		}
		return out;
	}

	static ProgramSpec selectOne(BpfObject object, String selector) {
		List<ProgramSpec> found = select(object, selector);
		if (found.size() > 1) {
			List<String> names = new ArrayList<>();
			for (ProgramSpec p : found) {
				names.add(p.name());
			}
			throw new CliException(
					object.name() + ": " + found.size() + " programs match '" + (selector == null ? "" : selector)
							+ "': " + String.join(", ", names) + "; name one with --section NAME");
		}
		return found.get(0);
	}

	static ProgramType parseType(String type) {
		try {
			return ProgramType.valueOf(type.toUpperCase(Locale.ROOT).replace('-', '_'));
		}
		catch (IllegalArgumentException ex) {
			throw new CliException(
					"unknown program type '" + type + "' (one of sched_cls, sched_act, xdp, socket_filter)");
		}
	}

	static String hex(byte[] bytes) {
		StringBuilder sb = new StringBuilder(bytes.length * 2);
		for (byte b : bytes) {
			sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
		}
		return sb.toString();
	}

	static byte[] parseHex(String what, String text) {
		String s = text.replaceAll("\\s+", "");
		if (s.startsWith("0x") || s.startsWith("0X")) {
			s = s.substring(2);
		}
		if (s.length() % 2 != 0) {
			throw new CliException(what + ": odd number of hex digits (" + s.length() + ")");
		}
		byte[] out = new byte[s.length() / 2];
		for (int i = 0; i < out.length; i++) {
			int hi = Character.digit(s.charAt(2 * i), 16);
			int lo = Character.digit(s.charAt(2 * i + 1), 16);
			if (hi < 0 || lo < 0) {
				throw new CliException(what + ": not a hex digit at position " + (2 * i + (hi < 0 ? 0 : 1)) + ": '"
						+ s.charAt(2 * i + (hi < 0 ? 0 : 1)) + "'");
			}
			out[i] = (byte) (hi << 4 | lo);
		}
		return out;
	}

	static int insnCount(Insn[] insns) {
		return insns.length;
	}

}
