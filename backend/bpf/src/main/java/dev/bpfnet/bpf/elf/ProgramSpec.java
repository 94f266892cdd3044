package dev.bpfnet.bpf.elf;

import java.util.List;

import dev.bpfnet.bpf.isa.Insn;
import dev.bpfnet.bpf.prog.AttachType;
import dev.bpfnet.bpf.prog.ProgramType;
import dev.bpfnet.bpf.prog.SectionDefs;

/**
 * One program of an object, ready for the verifier: its function's instructions followed
 * by every {@code .text} subprogram it reaches, with calls and map references relocated
 * the way libbpf's {@code bpf_object__relocate()} leaves them for {@code BPF_PROG_LOAD}:
 * <ul>
 * <li>{@code call} (src 1, BPF_PSEUDO_CALL): {@code imm} is relative to the next
 * instruction and lands on the first instruction of an appended function;</li>
 * <li>{@code lddw} of a map: src 5 (BPF_PSEUDO_MAP_IDX), {@code imm} = index in
 * {@link BpfObject#maps()};</li>
 * <li>{@code lddw} of global data: src 6 (BPF_PSEUDO_MAP_IDX_VALUE), {@code imm} = map
 * index, second slot's {@code imm} = byte offset in the value.</li>
 * </ul>
 * The {@code insns} array is shared, not copied: do not modify it.
 *
 * @param name the function symbol
 * @param section the ELF section ({@code tcx/ingress}, {@code tc}, ...)
 * @param type program type from the section name ({@link SectionDefs})
 * @param attachType expected attach type from the section name, or an override
 * @param insns the relocated instruction slots
 * @param funcs main function (start 0) and each appended subprogram
 * @param lines source positions from {@code .BTF.ext}, by instruction, empty without
 * {@code -g}
 */
public record ProgramSpec(String name, String section, ProgramType type, AttachType attachType, Insn[] insns,
		List<FuncInfo> funcs, List<LineInfo> lines) {

	public ProgramSpec {
		funcs = List.copyOf(funcs);
		lines = List.copyOf(lines);
	}

	public ProgramSpec(String name, String section, ProgramType type, AttachType attachType, Insn[] insns,
			List<FuncInfo> funcs) {
		this(name, section, type, attachType, insns, funcs, List.of());
	}

	/**
	 * This program, to be attached at {@code override} instead of where its section says
	 * (a {@code SEC("tc")} program on tcx ingress, a {@code SEC("classifier")} one on
	 * netkit). A program from an unknown section takes the type the attach point needs.
	 * @throws IllegalArgumentException when the program's type cannot attach there (an
	 * XDP program on tcx, a SCHED_ACT program on netkit)
	 */
	public ProgramSpec withAttachType(AttachType override) {
		ProgramType t;
		try {
			t = SectionDefs.programTypeFor(this.type, override);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("program '" + this.name + "' (section '" + this.section + "', type "
					+ this.type + ") cannot attach to " + override);
		}
		return new ProgramSpec(this.name, this.section, t, override, this.insns, this.funcs, this.lines);
	}

	/** The function whose range contains instruction {@code insn}. */
	public FuncInfo funcAt(int insn) {
		FuncInfo best = null;
		for (FuncInfo f : this.funcs) {
			if (f.start() <= insn && (best == null || f.start() >= best.start())) {
				best = f;
			}
		}
		return best;
	}

	@Override
	public String toString() {
		return "ProgramSpec[" + this.name + " in '" + this.section + "', " + this.type + "/" + this.attachType + ", "
				+ this.insns.length + " insns, funcs=" + this.funcs + "]";
	}

}
