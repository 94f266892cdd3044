package dev.bpfnet.bpf.maps;

/**
 * Marker for what a {@code BPF_MAP_TYPE_PROG_ARRAY} slot holds: a loaded program that
 * {@code bpf_tail_call} can jump to. The interpreter's {@code LoadedProgram} implements
 * it; this package must not depend on the interpreter, hence the marker.
 */
public interface TailCallTarget {

}
