package dev.bpfnet.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import dev.bpfnet.bpf.asm.AsmException;
import dev.bpfnet.bpf.asm.Assembler;
import dev.bpfnet.bpf.isa.Insn;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code bpfnet bpf asm FILE}: assemble to hex, one instruction slot per line (the
 * suite's bytecode format).
 */
@Command(name = "asm", mixinStandardHelpOptions = true,
		description = "Assemble eBPF assembly (uBPF or llvm-objdump syntax) to hex, one 8-byte slot per line.")
final class AsmCommand implements Runnable {

	@Parameters(paramLabel = "FILE", description = "assembly source")
	Path file;

	@Override
	public void run() {
		String text = new String(BpfCommand.read(this.file), StandardCharsets.UTF_8);
		Insn[] insns;
		try {
			insns = Assembler.assembleInsns(text);
		}
		catch (AsmException ex) {
			throw new BpfCommand.CliException(this.file + ":" + ex.line() + ":" + ex.column() + ": " + ex.reason());
		}
		StringBuilder out = new StringBuilder();
		for (Insn insn : insns) {
			byte[] b = Insn.encode(new Insn[] { insn });
			for (int i = 0; i < b.length; i++) {
				out.append(i == 0 ? "" : " ").append(BpfCommand.hex(new byte[] { b[i] }));
			}
			out.append('\n');
		}
		System.out.print(out);
	}

}
