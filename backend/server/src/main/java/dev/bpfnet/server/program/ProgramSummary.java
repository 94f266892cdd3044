package dev.bpfnet.server.program;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * A program in the {@code GET /api/programs} list.
 *
 * @param id the id
 * @param name the user's name
 * @param kind {@code elf}, {@code asm} or {@code c}
 * @param fileName the file name
 * @param verified whether every program passed the verifier
 * @param objectSize bytes of the ELF object
 * @param sha256 hex SHA-256 of the object
 * @param createdAt when it was stored
 * @param sections one entry per program of the object
 * @param maps how many maps the object defines
 */
public record ProgramSummary(String id, String name, String kind, String fileName, boolean verified, int objectSize,
		String sha256, OffsetDateTime createdAt, List<Section> sections, int maps) {

	/**
	 * @param function the function
	 * @param section the ELF section
	 * @param attachType the attach type the section gives
	 * @param insns instruction slots
	 * @param accepted whether the verifier accepted it
	 */
	public record Section(String function, String section, String attachType, int insns, boolean accepted) {
	}

}
