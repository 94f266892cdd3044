package dev.bpfnet.server.program;

import reactor.core.publisher.Mono;

/**
 * The stored ELF objects, for the run side: a topology's {@code programs[].object:
 * "program:<id>"} names a stored program of the topology's owner. Every stored program is
 * an ELF object (assembly is wrapped by {@link AsmObject}), so the engine loads all of
 * them through {@code ElfLoader}.
 */
public interface ProgramObjects {

	/** The prefix of {@code programs[].object} values that name a stored program. */
	String PREFIX = "program:";

	/**
	 * The stored ELF object of program {@code programId}.
	 * @return the bytes, or empty when there is no such program of {@code owner}
	 */
	Mono<byte[]> object(String owner, String programId);

}
