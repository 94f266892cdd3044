package dev.bpfnet.bpf.elf;

/**
 * A function inside a loaded program: the program's main function at instruction 0, then
 * each appended subprogram.
 *
 * @param name the function's symbol
 * @param start index of its first instruction slot in {@link ProgramSpec#insns()}
 * @param btfTypeId its BTF FUNC type ({@code .BTF.ext} func_info, else by name), or 0
 */
public record FuncInfo(String name, int start, int btfTypeId) {
}
