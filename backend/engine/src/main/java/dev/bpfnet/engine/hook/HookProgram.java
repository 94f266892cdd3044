package dev.bpfnet.engine.hook;

import dev.bpfnet.bpf.interp.Executor;
import dev.bpfnet.bpf.interp.LoadedProgram;
import dev.bpfnet.bpf.load.BpfObjectInstance;

/**
 * A verified, loaded program ready to attach (the kernel's {@code struct bpf_prog} after
 * {@code BPF_PROG_LOAD}), made by {@link ProgramLoader}.
 *
 * @param name the topology name of the program ({@code ProgramRef.name})
 * @param object the object file as written in the topology, or {@code "<asm>"}
 * @param section the ELF section of the program ({@code netkit/peer}, ...), {@code ""}
 * for assembly
 * @param program the loaded program (its {@code name()} is the C function)
 * @param executor how it runs: JIT-compiled code or the interpreter
 * @param jitted whether {@code executor} is JIT-compiled code
 * @param instance the object instance whose maps the program uses, shared by every
 * program of the same object; {@code null} for assembly programs
 */
public record HookProgram(String name, String object, String section, LoadedProgram program, Executor executor,
		boolean jitted, BpfObjectInstance instance) {

	public HookProgram {
		if (name == null || name.isEmpty()) {
			throw new IllegalArgumentException("name must not be empty, got " + name);
		}
		if (object == null || section == null || program == null || executor == null) {
			throw new IllegalArgumentException(
					"object, section, program and executor of program '" + name + "' must not be null");
		}
	}

	@Override
	public String toString() {
		return "HookProgram[" + this.name + " = " + this.object + ":" + this.program.name()
				+ (this.section.isEmpty() ? "" : " (" + this.section + ")") + (this.jitted ? ", jit" : ", interp")
				+ "]";
	}

}
