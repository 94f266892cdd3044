package dev.bpfnet.server.config;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The server's settings ({@code bpfnet.*}); every limit answers with a precise problem
 * detail (413, 422 or 429) when it is hit.
 *
 * @param dataDir where the H2 file database and the run trace files live
 * @param labsDir where the lab folders are read from at start-up
 * @param limits the limits
 * @param clang the sandbox for compiling uploaded C
 */
@ConfigurationProperties("bpfnet")
public record BpfnetProperties(@DefaultValue("./data") Path dataDir, @DefaultValue("./labs") Path labsDir,
		@DefaultValue Limits limits, @DefaultValue Clang clang) {

	/**
	 * @param maxUploadBytes largest request body for uploads (ELF, C, assembly, pcap)
	 * @param maxTopologyBytes largest topology document
	 * @param maxProgramInsns most instructions in one program
	 * @param runsPerUser concurrent runs per user
	 * @param concurrentRuns concurrent runs per server (the run executor's size)
	 * @param maxSimulatedNs most simulated time per run
	 * @param maxEventsPerRun most trace events per run
	 * @param maxWallTime most wall-clock time per run
	 * @param sseClientBuffer events buffered per SSE client before it is sampled
	 * @param keepRunTraces how many recorded run traces are kept per user (oldest
	 * deleted)
	 * @param anonymousRunTtl how long the runs of lab visitors without an account live
	 * @param maxVisitorRuns most runs of lab visitors (all visitors together) kept at
	 * once; further visitor runs answer 429 until older ones expire
	 */
	public record Limits(@DefaultValue("1048576") long maxUploadBytes, @DefaultValue("262144") long maxTopologyBytes,
			@DefaultValue("100000") int maxProgramInsns, @DefaultValue("4") int runsPerUser,
			@DefaultValue("2") int concurrentRuns, @DefaultValue("1000000000") long maxSimulatedNs,
			@DefaultValue("20000000") long maxEventsPerRun, @DefaultValue("60s") Duration maxWallTime,
			@DefaultValue("4096") int sseClientBuffer, @DefaultValue("50") int keepRunTraces,
			@DefaultValue("1h") Duration anonymousRunTtl, @DefaultValue("500") int maxVisitorRuns) {
	}

	/**
	 * @param command the clang binary
	 * @param timeout wall-clock limit of one compile
	 * @param maxMemoryBytes address-space limit of the clang process
	 * @param maxOutputBytes largest object or diagnostics output kept
	 */
	public record Clang(@DefaultValue("clang") String command, @DefaultValue("20s") Duration timeout,
			@DefaultValue("1073741824") long maxMemoryBytes, @DefaultValue("4194304") long maxOutputBytes) {
	}

}
