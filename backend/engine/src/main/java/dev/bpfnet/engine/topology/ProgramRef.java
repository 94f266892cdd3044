package dev.bpfnet.engine.topology;

import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

import static java.util.Collections.unmodifiableSortedMap;

/**
 * An eBPF program to load: either an ELF object (path relative to the topology file) or
 * inline assembly for the {@code dev.bpfnet.bpf.asm} assembler.
 *
 * @param name unique program name, used by {@link Attach}
 * @param object path of the ELF object, or empty
 * @param asm inline assembly, or empty; exactly one of {@code object} and {@code asm}
 * @param section ELF section of the program ({@code netkit/peer}, {@code tcx/ingress},
 * ...); empty = the only program of the object
 * @param rodata {@code .rodata} globals to set before load, by name, sorted by name
 */
public record ProgramRef(String name, Optional<String> object, Optional<String> asm, Optional<String> section,
		SortedMap<String, RodataValue> rodata) {

	public ProgramRef {
		Names.require("name", name);
		if (object == null || asm == null || section == null || rodata == null) {
			throw new IllegalArgumentException("object, asm, section and rodata must not be null");
		}
		if (object.isPresent() == asm.isPresent()) {
			throw new IllegalArgumentException("exactly one of object and asm must be given");
		}
		rodata = unmodifiableSortedMap(new TreeMap<>(rodata));
	}

	/** A program loaded from an ELF object. */
	public static ProgramRef object(String name, String path, String section, Map<String, RodataValue> rodata) {
		return new ProgramRef(name, Optional.of(path), Optional.empty(), Optional.ofNullable(section),
				new TreeMap<>(rodata));
	}

	/** A program given as assembly text. */
	public static ProgramRef asm(String name, String asm) {
		return new ProgramRef(name, Optional.empty(), Optional.of(asm), Optional.empty(), new TreeMap<>());
	}

}
