package dev.bpfnet.bpf.elf;

/**
 * A named variable in a global data section ({@code .data}, {@code .rodata},
 * {@code .bss}, ...): where its bytes are in the value of the section's internal array
 * map, so that Java can set a {@code const volatile} knob before the program runs (what
 * libbpf skeletons do through {@code skel->rodata->knob}).
 *
 * @param name the symbol
 * @param mapIndex index of the section's map in {@link BpfObject#maps()}
 * @param offset byte offset in the map value
 * @param size size in bytes
 */
public record GlobalSymbol(String name, int mapIndex, int offset, int size) {
}
