package dev.bpfnet.server.program;

import java.time.OffsetDateTime;
import java.util.List;

import dev.bpfnet.server.program.ClangSandbox.Diagnostic;
import dev.bpfnet.server.program.ProgramAnalyzer.MapInfo;
import dev.bpfnet.server.program.ProgramAnalyzer.ProgramInfo;

/**
 * A stored program as {@code GET /api/programs/{id}} shows it.
 *
 * @param id the id ({@code program:<id>} in a topology's {@code programs[].object})
 * @param name the user's name
 * @param kind {@code elf}, {@code asm} or {@code c}
 * @param fileName the file name (diagnostics use it for C)
 * @param verified whether every program of the object passed the verifier (a rejected
 * program is stored, with the verifier's message and log)
 * @param objectSize bytes of the ELF object
 * @param sha256 hex SHA-256 of the object
 * @param createdAt when it was stored
 * @param license the object's license section
 * @param programs per program: section, types, instruction count, verifier result and
 * log, disassembly
 * @param maps name, type, key/value size, max entries, flags, defining section
 * @param compilerDiagnostics clang's warnings (C only)
 * @param source the assembly or C source, {@code null} for uploaded objects
 */
public record ProgramView(String id, String name, String kind, String fileName, boolean verified, int objectSize,
		String sha256, OffsetDateTime createdAt, String license, List<ProgramInfo> programs, List<MapInfo> maps,
		List<Diagnostic> compilerDiagnostics, String source) {
}
