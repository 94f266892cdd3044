package dev.bpfnet.cli;

import java.util.ArrayList;
import java.util.List;

import dev.bpfnet.bpf.interp.ConformancePlugin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code bpfnet bpf conformance-plugin [MEMHEX]}: the bpf_conformance plugin protocol.
 * The program comes as hex on stdin, memory as hex in the argument; r0 is printed as hex.
 * Helper 5 is "unwind" in this mode only, and programs run without the tc verifier (as in
 * uBPF), after the structural checks of {@code ProgramCheck}.
 */
@Command(name = "conformance-plugin", description = "Run one program in the bpf_conformance plugin protocol.")
final class ConformancePluginCommand implements java.util.concurrent.Callable<Integer> {

	@Parameters(arity = "0..*", paramLabel = "ARGS", description = "memory as hex, then the runner's plugin options")
	List<String> args = new ArrayList<>();

	@Override
	public Integer call() {
		return ConformancePlugin.main(this.args.toArray(String[]::new), System.in, System.out, System.err);
	}

}
