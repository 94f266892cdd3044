package dev.bpfnet.server.program;

import java.util.List;

import dev.bpfnet.server.program.ClangSandbox.Diagnostic;
import dev.bpfnet.server.program.ProgramAnalyzer.MapInfo;
import dev.bpfnet.server.program.ProgramAnalyzer.ProgramInfo;

/**
 * What is stored (as JSON) about a program besides its object: computed once at upload.
 *
 * @param license the object's license
 * @param programs each program with its section, verifier result and disassembly
 * @param maps the maps
 * @param compilerDiagnostics clang's warnings in the user's file (C uploads)
 */
public record ProgramDetails(String license, List<ProgramInfo> programs, List<MapInfo> maps,
		List<Diagnostic> compilerDiagnostics) {
}
