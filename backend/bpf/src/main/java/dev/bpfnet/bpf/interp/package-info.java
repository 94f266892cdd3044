/**
 * The eBPF interpreter: {@link dev.bpfnet.bpf.interp.Vm} (one execution environment per
 * engine thread), {@link dev.bpfnet.bpf.interp.LoadedProgram} (pre-decoded, immutable),
 * {@link dev.bpfnet.bpf.interp.HelperTable} /
 * {@link dev.bpfnet.bpf.interp.HelperFunction},
 * {@link dev.bpfnet.bpf.interp.ProgramCheck} (structural checks for conformance mode) and
 * {@link dev.bpfnet.bpf.interp.ConformancePlugin} (the bpf_conformance plugin protocol).
 *
 * <p>
 * Faults are {@link dev.bpfnet.bpf.mem.BpfFault}, which lives in {@code mem} so that the
 * memory model can throw it without a package cycle ({@code interp -> mem}, never back).
 * Dependencies: {@code interp -> mem, maps, isa, prog}.
 */
package dev.bpfnet.bpf.interp;
