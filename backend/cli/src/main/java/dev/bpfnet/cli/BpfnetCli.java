package dev.bpfnet.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code bpfnet} command: the toolchain and (later) the engine, without the server.
 */
@Command(name = "bpfnet", mixinStandardHelpOptions = true, version = "bpfnet 0.1.0",
		description = "Emulate, trace and compare the Linux container datapath with real eBPF programs.",
		subcommands = { CommandLine.HelpCommand.class })
public final class BpfnetCli implements Runnable {

	@CommandLine.Spec
	CommandLine.Model.CommandSpec spec;

	public static void main(String[] args) {
		System.exit(new CommandLine(new BpfnetCli()).execute(args));
	}

	@Override
	public void run() {
		this.spec.commandLine().usage(System.out);
	}

}
