package dev.bpfnet.cli;

import java.nio.file.Path;

import dev.bpfnet.bpf.asm.Disassembler;
import dev.bpfnet.bpf.elf.BpfObject;
import dev.bpfnet.bpf.elf.ProgramSpec;
import dev.bpfnet.bpf.maps.MapSpec;
import dev.bpfnet.bpf.prog.ProgramType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bpfnet bpf disasm FILE}: the programs of an object in llvm-objdump syntax. */
@Command(name = "disasm", mixinStandardHelpOptions = true,
		description = "Disassemble every program of an ELF object (after relocation) in llvm-objdump syntax.")
final class DisasmCommand implements Runnable {

	@Parameters(paramLabel = "FILE", description = "ELF object (clang -target bpf) or eBPF assembly")
	Path file;

	@Option(names = { "-s", "--section" }, description = "only the program(s) of this section or function name")
	String section;

	@Option(names = "--syntax", description = "llvm (default) or ubpf", defaultValue = "llvm")
	String syntax;

	@Option(names = "--labels", description = "print jump targets as labels instead of offsets")
	boolean labels;

	@Override
	public void run() {
		BpfObject object = BpfCommand.loadObject(this.file, ProgramType.SCHED_CLS);
		Disassembler.Syntax s = switch (this.syntax.toLowerCase(java.util.Locale.ROOT)) {
			case "llvm", "objdump", "kernel" -> Disassembler.Syntax.LLVM;
			case "ubpf", "conformance" -> Disassembler.Syntax.UBPF;
			default -> throw new BpfCommand.CliException("unknown syntax '" + this.syntax + "' (llvm or ubpf)");
		};
		StringBuilder out = new StringBuilder();
		out.append(object.name()).append(": license \"").append(object.license()).append("\"\n");
		for (MapSpec m : object.maps()) {
			out.append(String.format("map %-20s %-12s key %d value %d max_entries %d%s%n", m.name(), m.type(),
					m.keySize(), m.valueSize(), m.maxEntries(), m.readOnly() ? " read-only" : ""));
		}
		for (ProgramSpec p : BpfCommand.select(object, this.section)) {
			out.append("\nDisassembly of section ").append(p.section()).append(":\n\n");
			out.append(p.name())
				.append(": (")
				.append(p.type())
				.append(", attach ")
				.append(p.attachType())
				.append(", ")
				.append(p.insns().length)
				.append(" insns)\n");
			// llvm-objdump's numbered listing by default (it assembles back to the same
			// bytes too)
			boolean numbered = !this.labels && s == Disassembler.Syntax.LLVM;
			out.append(
					numbered ? Disassembler.listing(p.insns()) : Disassembler.disassemble(p.insns(), s, this.labels));
		}
		System.out.print(out);
	}

}
