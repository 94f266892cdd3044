package dev.bpfnet.server.program;

import reactor.core.publisher.Mono;

/**
 * The ELF objects of stored programs (server contract; implemented by the "programs"
 * helper's program store). Empty for a program that does not exist or belongs to another
 * owner.
 */
public interface ProgramObjects {

	/** The stored ELF object of the owner's program, or empty. */
	Mono<byte[]> object(String owner, String programId);

}
