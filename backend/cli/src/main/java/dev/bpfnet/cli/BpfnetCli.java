package dev.bpfnet.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code bpfnet} command: the toolchain ({@code bpf}) and the engine ({@code run}),
 * without the server.
 */
@Command(name = "bpfnet", mixinStandardHelpOptions = true, version = "bpfnet 0.1.0",
		description = "Emulate, trace and compare the Linux container datapath with real eBPF programs.",
		subcommands = { BpfCommand.class, TopologyRunCommand.class, FidelityCommand.class, LabCommand.class,
				CommandLine.HelpCommand.class })
public final class BpfnetCli implements Runnable {

	@CommandLine.Spec
	CommandLine.Model.CommandSpec spec;

	public static void main(String[] args) {
		System.exit(execute(args));
	}

	/**
	 * Runs the command line and returns the exit status (tests call this instead of
	 * {@link #main}).
	 */
	public static int execute(String... args) {
		CommandLine cli = new CommandLine(new BpfnetCli());
		cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
			if (ex instanceof BpfCommand.CliException) {
				commandLine.getErr().println("bpfnet: " + ex.getMessage());
				return 1;
			}
			throw ex;
		});
		return cli.execute(args);
	}

	@Override
	public void run() {
		this.spec.commandLine().usage(System.out);
	}

}
