package dev.bpfnet.server.program;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.bpfnet.bpf.asm.AsmException;
import dev.bpfnet.bpf.asm.Assembler;
import dev.bpfnet.bpf.asm.Disassembler;
import dev.bpfnet.bpf.elf.BpfObject;
import dev.bpfnet.bpf.elf.ElfException;
import dev.bpfnet.bpf.elf.ElfLoader;
import dev.bpfnet.bpf.elf.ProgramSpec;
import dev.bpfnet.bpf.maps.MapSpec;
import dev.bpfnet.bpf.prog.ProgramType;
import dev.bpfnet.bpf.prog.SectionDefs;
import dev.bpfnet.bpf.verifier.Verifier;
import dev.bpfnet.bpf.verifier.VerifierResult;
import dev.bpfnet.server.api.ApiException;
import org.springframework.http.HttpStatus;

/**
 * What the server learns from an object before storing it: {@link ElfLoader} opens it
 * (libbpf's {@code bpf_object__open()}), every program goes through {@link Verifier}
 * against the object's maps (libbpf's {@code bpf_object__load()} loads every program, so
 * the kernel verifies each), and {@link Disassembler} lists each program. Also turns
 * assembly into an object ({@link AsmObject}). Plain Java, blocking (callers run it off
 * the event loop).
 */
public final class ProgramAnalyzer {

	/** The section assembly programs get when none is given ({@code SEC("tc")}). */
	public static final String DEFAULT_ASM_SECTION = "tc";

	private static final Pattern SECTION = Pattern.compile("section '([^']*)'");

	private static final Pattern OFFSET = Pattern.compile("offset (\\d+)");

	private final int maxProgramInsns;

	/**
	 * @param maxProgramInsns the most instruction slots one program may have
	 */
	public ProgramAnalyzer(int maxProgramInsns) {
		this.maxProgramInsns = maxProgramInsns;
	}

	/**
	 * One program of the object.
	 *
	 * @param function the function (symbol) name
	 * @param section the ELF section
	 * @param programType the program type the section gives
	 * @param attachType the expected attach type the section gives
	 * @param insns instruction slots (after subprograms are appended)
	 * @param verifier the verifier's verdict
	 * @param disassembly llvm-objdump style listing
	 */
	public record ProgramInfo(String function, String section, String programType, String attachType, int insns,
			Verification verifier, String disassembly) {
	}

	/**
	 * The verifier's verdict, as the kernel reports it to {@code BPF_PROG_LOAD}.
	 *
	 * @param accepted whether the program would load
	 * @param error the kernel-style message, {@code null} when accepted
	 * @param errno the errno, 0 when accepted
	 * @param errorInsn the instruction the error is about, -1 for the whole program
	 * @param processedInsns instructions processed over all paths
	 * @param log the per-instruction verifier log (capped by the verifier)
	 */
	public record Verification(boolean accepted, String error, int errno, int errorInsn, int processedInsns,
			String log) {
	}

	/**
	 * One map of the object.
	 *
	 * @param name the map's name
	 * @param type {@code BPF_MAP_TYPE_*} name
	 * @param keySize key bytes
	 * @param valueSize value bytes
	 * @param maxEntries capacity
	 * @param flags map flags
	 * @param section where it was defined ({@code .maps}, {@code maps}, {@code .rodata}
	 * ...)
	 */
	public record MapInfo(String name, String type, int keySize, int valueSize, int maxEntries, int flags,
			String section) {
	}

	/**
	 * Everything learnt.
	 *
	 * @param license the {@code license} section
	 * @param verified whether every program passed the verifier
	 * @param programs the programs
	 * @param maps the maps
	 */
	public record Analysis(String license, boolean verified, List<ProgramInfo> programs, List<MapInfo> maps) {
	}

	/**
	 * Opens, verifies and disassembles an object.
	 * @throws ApiException 422 for an object the loader refuses (naming the section and
	 * offset the loader names), with no programs, or with a program larger than the limit
	 */
	public Analysis analyze(byte[] elf, String name) {
		BpfObject obj;
		try {
			obj = ElfLoader.load(elf, name);
		}
		catch (ElfException ex) {
			Map<String, Object> err = new LinkedHashMap<>();
			err.put("path", "file");
			Matcher s = SECTION.matcher(ex.getMessage());
			if (s.find()) {
				err.put("section", s.group(1));
			}
			Matcher o = OFFSET.matcher(ex.getMessage());
			if (o.find()) {
				err.put("offset", Long.parseLong(o.group(1)));
			}
			err.put("message", ex.getMessage());
			throw new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, "invalid-object", "Not a usable BPF object",
					name + ": " + ex.getMessage(), List.of(err));
		}
		catch (RuntimeException ex) {
			// a loader bug must not become a 500 with a stack trace
			throw ApiException.invalid(HttpStatus.UNPROCESSABLE_CONTENT, "invalid-object", "Not a usable BPF object",
					"file", "the loader could not read the object: " + ex);
		}
		if (obj.programs().isEmpty()) {
			throw ApiException.invalid(HttpStatus.UNPROCESSABLE_CONTENT, "invalid-object", "Not a usable BPF object",
					"file", "the object has no programs (no FUNC symbol in an executable section)");
		}
		for (ProgramSpec p : obj.programs()) {
			if (p.insns().length > this.maxProgramInsns) {
				throw tooLarge(p.section(), p.name(), p.insns().length);
			}
		}
		List<ProgramInfo> programs = new ArrayList<>();
		boolean all = true;
		for (ProgramSpec p : obj.programs()) {
			VerifierResult vr = Verifier.verify(p.insns(), p.type(), obj.maps());
			all &= vr.accepted();
			programs.add(new ProgramInfo(p.name(), p.section(), p.type().name(), p.attachType().name(),
					p.insns().length, new Verification(vr.accepted(), vr.error(), vr.errno(), vr.errorInsn(),
							vr.processedInsns(), vr.log()),
					Disassembler.disassemble(p.insns())));
		}
		List<MapInfo> maps = new ArrayList<>();
		for (int i = 0; i < obj.maps().size(); i++) {
			MapSpec m = obj.maps().get(i);
			maps.add(new MapInfo(m.name(), m.type().name(), m.keySize(), m.valueSize(), m.maxEntries(), m.flags(),
					obj.mapInfos().get(i).section()));
		}
		return new Analysis(obj.license(), all, programs, maps);
	}

	private ApiException tooLarge(String section, String function, int insns) {
		Map<String, Object> err = new LinkedHashMap<>();
		err.put("section", section);
		err.put("function", function);
		err.put("message", "program has " + insns + " instructions, more than the limit of " + this.maxProgramInsns);
		return new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, "program-too-large", "Program too large",
				"section " + section + ", function " + function + ": " + insns + " instructions, the limit is "
						+ this.maxProgramInsns + " (bpfnet.limits.max-program-insns)",
				List.of(err));
	}

	/**
	 * Assembles {@code source} into an ELF object with one program.
	 * @param section the section ({@link #DEFAULT_ASM_SECTION} when blank); must be one
	 * the toolchain knows
	 * @param function the program's symbol
	 * @throws ApiException 422 naming the line and column of an assembly error, the
	 * {@code section} field for an unknown section, the instruction of a symbolic map
	 * reference (assembly programs have no maps)
	 */
	public byte[] assemble(String source, String section, String function) {
		String sec = (section == null || section.isBlank()) ? DEFAULT_ASM_SECTION : section.strip();
		if (SectionDefs.resolve(sec).type() == ProgramType.UNSPEC || sec.length() > 128) {
			throw ApiException.invalid(HttpStatus.UNPROCESSABLE_CONTENT, "invalid-assembly", "Invalid assembly",
					"section", "unknown section '" + sec
							+ "'; use a libbpf section such as tc, tcx/ingress, tcx/egress, netkit/primary, netkit/peer or xdp");
		}
		Assembler.AsmResult asm;
		try {
			asm = Assembler.assemble(source);
		}
		catch (AsmException ex) {
			Map<String, Object> err = new LinkedHashMap<>();
			err.put("line", ex.line());
			err.put("column", ex.column());
			err.put("message", ex.reason());
			throw new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, "invalid-assembly", "Invalid assembly",
					ex.getMessage(), List.of(err));
		}
		if (asm.insns().length == 0) {
			throw ApiException.invalid(HttpStatus.UNPROCESSABLE_CONTENT, "invalid-assembly", "Invalid assembly",
					"source", "no instructions");
		}
		if (asm.insns().length > this.maxProgramInsns) {
			throw tooLarge(sec, function, asm.insns().length);
		}
		if (!asm.mapRelocations().isEmpty()) {
			Assembler.MapRelocation r = asm.mapRelocations().get(0);
			Map<String, Object> err = new LinkedHashMap<>();
			err.put("section", sec);
			err.put("instruction", r.insnIndex());
			err.put("message", "map[" + r.mapName()
					+ "]: assembly programs have no maps; write the program in C or upload an object to use maps");
			throw new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, "invalid-assembly", "Invalid assembly",
					"instruction " + r.insnIndex() + ": " + err.get("message"), List.of(err));
		}
		return AsmObject.elf(sec, function, asm.insns());
	}

	/** A C identifier for {@code name}, used as the symbol of an assembly program. */
	public static String symbolFor(String name) {
		StringBuilder b = new StringBuilder();
		for (char c : name.toCharArray()) {
			b.append((c < 128 && (Character.isLetterOrDigit(c) || c == '_')) ? c : '_');
			if (b.length() == 64) {
				break;
			}
		}
		if (b.length() == 0 || Character.isDigit(b.charAt(0))) {
			b.insert(0, "prog_");
		}
		return b.toString();
	}

}
