package dev.bpfnet.cli;

import java.nio.file.Path;
import java.util.List;

import dev.bpfnet.bpf.elf.BpfObject;
import dev.bpfnet.bpf.elf.ProgramSpec;
import dev.bpfnet.bpf.verifier.Verifier;
import dev.bpfnet.bpf.verifier.VerifierResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bpfnet bpf verify FILE}: the verifier's verdict for each program, in the
 * kernel's words.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
		description = "Verify the programs of an object; exit status 1 when one is rejected.")
final class VerifyCommand implements java.util.concurrent.Callable<Integer> {

	@Parameters(paramLabel = "FILE", description = "ELF object or eBPF assembly")
	Path file;

	@Option(names = { "-s", "--section" }, description = "only the program(s) of this section or function name")
	String section;

	@Option(names = "--type", description = "program type of an assembly file (default sched_cls)",
			defaultValue = "sched_cls")
	String type;

	@Option(names = "--log", description = "print the verifier log, not only the verdict")
	boolean log;

	@Override
	public Integer call() {
		BpfObject object = BpfCommand.loadObject(this.file, BpfCommand.parseType(this.type));
		List<ProgramSpec> programs = BpfCommand.select(object, this.section);
		int rejected = 0;
		for (ProgramSpec p : programs) {
			VerifierResult r = Verifier.verify(p.insns(), p.type(), object.maps());
			if (this.log && r.log() != null && !r.log().isEmpty()) {
				System.out.print(r.log().endsWith("\n") ? r.log() : r.log() + "\n");
			}
			if (r.accepted()) {
				System.out.printf(
						"%s (%s): accepted, processed %d insns (limit 1000000) total_states %d peak_states %d%n",
						p.name(), p.section(), r.processedInsns(), r.totalStates(), r.peakStates());
			}
			else {
				rejected++;
				System.out.printf("%s (%s): rejected at insn %d: %s%n", p.name(), p.section(), r.errorInsn(),
						r.error().replace("\n", "\n  "));
			}
		}
		return rejected == 0 ? 0 : 1;
	}

}
