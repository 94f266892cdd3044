package dev.bpfnet.bpf.elf;

import java.util.List;

/**
 * What the object says about a map beyond its {@link dev.bpfnet.bpf.maps.MapSpec}: where
 * it was defined, its BTF key and value types (for showing entries as structs) and, for a
 * PROG_ARRAY defined with {@code .values = { [i] = &prog }}, the programs to put in its
 * slots when the object is loaded.
 *
 * @param section the defining section: {@code .maps}, {@code maps} (legacy), or the
 * global data section's name
 * @param keyTypeId BTF type of the key, 0 when unknown
 * @param valueTypeId BTF type of the value, 0 when unknown
 * @param initialSlots initial PROG_ARRAY contents, by slot
 */
public record MapInfo(String section, int keyTypeId, int valueTypeId, List<Slot> initialSlots) {

	/**
	 * Slot {@code index} of a PROG_ARRAY holds the program whose function is
	 * {@code program}.
	 */
	public record Slot(int index, String program) {
	}

	public MapInfo {
		initialSlots = List.copyOf(initialSlots);
	}

}
