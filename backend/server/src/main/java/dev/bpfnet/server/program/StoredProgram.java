package dev.bpfnet.server.program;

import java.time.OffsetDateTime;

/**
 * One row of {@code programs}.
 *
 * @param id 128-bit random id
 * @param owner the owning user
 * @param name the user's name for it
 * @param kind {@code elf}, {@code asm} or {@code c}
 * @param fileName the uploaded file's name (the C file name diagnostics use)
 * @param source the assembly or C text, {@code null} for an uploaded object
 * @param object the ELF object
 * @param sha256 hex SHA-256 of the object
 * @param verified whether every program passed the verifier
 * @param analysis JSON of {@link ProgramDetails}
 * @param createdAt when it was stored
 */
record StoredProgram(String id, String owner, String name, String kind, String fileName, String source, byte[] object,
		String sha256, boolean verified, String analysis, OffsetDateTime createdAt) {
}
