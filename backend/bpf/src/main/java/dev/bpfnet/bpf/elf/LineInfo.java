package dev.bpfnet.bpf.elf;

/**
 * The source position of an instruction, from {@code .BTF.ext} line_info (objects built
 * with {@code -g}).
 *
 * @param insn instruction slot index in {@link ProgramSpec#insns()}
 * @param file source file as clang recorded it
 * @param source the text of the source line
 * @param line 1-based line number
 * @param column 1-based column, 0 when unknown
 */
public record LineInfo(int insn, String file, String source, int line, int column) {
}
