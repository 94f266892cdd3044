package dev.bpfnet.bpf.elf;

import java.util.ArrayList;
import java.util.List;

import dev.bpfnet.bpf.btf.Btf;
import dev.bpfnet.bpf.maps.MapSpec;

/**
 * A loaded BPF ELF object: what libbpf's {@code bpf_object__open()} knows before anything
 * is created in the kernel.
 *
 * <p>
 * Maps are indexed in the order libbpf creates them: legacy {@code maps} section, then
 * BTF-defined {@code .maps}, then one internal array map per global data section
 * ({@code .data}, {@code .rodata}, {@code .bss}, {@code .data.*}, {@code .rodata.*}) in
 * section order. The instructions of every program refer to maps by these indexes.
 *
 * @param name the object's name (usually the file name)
 * @param license contents of the {@code license} section, empty when absent
 * @param kernelVersion contents of the {@code version} section, 0 when absent
 * @param maps the maps
 * @param programs the programs, in section then symbol offset order
 * @param btf the object's BTF, {@code null} without {@code -g}
 * @param globals named variables in the global data maps
 * @param mapInfos per map (same index as {@code maps}): section, BTF types, PROG_ARRAY
 * contents
 */
public record BpfObject(String name, String license, int kernelVersion, List<MapSpec> maps, List<ProgramSpec> programs,
		Btf btf, List<GlobalSymbol> globals, List<MapInfo> mapInfos) {

	public BpfObject {
		maps = List.copyOf(maps);
		programs = List.copyOf(programs);
		globals = List.copyOf(globals);
		mapInfos = List.copyOf(mapInfos);
		if (mapInfos.size() != maps.size()) {
			throw new IllegalArgumentException(
					"mapInfos has " + mapInfos.size() + " entries for " + maps.size() + " maps");
		}
	}

	/** An object without extra map information. */
	public BpfObject(String name, String license, int kernelVersion, List<MapSpec> maps, List<ProgramSpec> programs,
			Btf btf, List<GlobalSymbol> globals) {
		this(name, license, kernelVersion, maps, programs, btf, globals, noInfo(maps));
	}

	private static List<MapInfo> noInfo(List<MapSpec> maps) {
		List<MapInfo> out = new ArrayList<>(maps.size());
		for (int i = 0; i < maps.size(); i++) {
			out.add(new MapInfo("", 0, 0, List.of()));
		}
		return out;
	}

	/** The first program whose function is called {@code name}, or {@code null}. */
	public ProgramSpec program(String programName) {
		for (ProgramSpec p : this.programs) {
			if (p.name().equals(programName)) {
				return p;
			}
		}
		return null;
	}

	/** The index of the map called {@code mapName}, or -1. */
	public int mapIndex(String mapName) {
		for (int i = 0; i < this.maps.size(); i++) {
			if (this.maps.get(i).name().equals(mapName)) {
				return i;
			}
		}
		return -1;
	}

	/** The global variable called {@code symbol}, or {@code null}. */
	public GlobalSymbol global(String symbol) {
		for (GlobalSymbol g : this.globals) {
			if (g.name().equals(symbol)) {
				return g;
			}
		}
		return null;
	}

	/**
	 * This object with global variable {@code symbol} initialised to {@code value} (what
	 * a skeleton's {@code skel->rodata->knob = v} does before load). The other maps and
	 * programs are shared.
	 * @throws IllegalArgumentException when there is no such variable or the size differs
	 */
	public BpfObject withGlobal(String symbol, byte[] value) {
		GlobalSymbol g = global(symbol);
		if (g == null) {
			throw new IllegalArgumentException("object '" + this.name + "' has no global variable '" + symbol + "'");
		}
		if (value.length != g.size()) {
			throw new IllegalArgumentException(
					"global '" + symbol + "' is " + g.size() + " bytes, got " + value.length);
		}
		MapSpec m = this.maps.get(g.mapIndex());
		byte[] init = m.initialValue().clone();
		System.arraycopy(value, 0, init, g.offset(), value.length);
		List<MapSpec> newMaps = new ArrayList<>(this.maps);
		newMaps.set(g.mapIndex(), new MapSpec(m.name(), m.type(), m.keySize(), m.valueSize(), m.maxEntries(), m.flags(),
				init, m.readOnly()));
		return new BpfObject(this.name, this.license, this.kernelVersion, newMaps, this.programs, this.btf,
				this.globals, this.mapInfos);
	}

	/**
	 * This object with the 1, 2, 4 or 8-byte global variable {@code symbol} set to
	 * {@code value}, little-endian.
	 * @throws IllegalArgumentException when there is no such variable, its size is not an
	 * integer size, or {@code value} does not fit (signed or unsigned)
	 */
	public BpfObject withGlobal(String symbol, long value) {
		GlobalSymbol g = global(symbol);
		if (g == null) {
			throw new IllegalArgumentException("object '" + this.name + "' has no global variable '" + symbol + "'");
		}
		int size = g.size();
		if (size != 1 && size != 2 && size != 4 && size != 8) {
			throw new IllegalArgumentException("global '" + symbol + "' is " + size + " bytes, not an integer");
		}
		if (size < 8) {
			long min = -(1L << (8 * size - 1));
			long max = (1L << (8 * size)) - 1;
			if (value < min || value > max) {
				throw new IllegalArgumentException(
						"value " + value + " does not fit in global '" + symbol + "' (" + size + " bytes)");
			}
		}
		byte[] bytes = new byte[size];
		for (int i = 0; i < size; i++) {
			bytes[i] = (byte) (value >>> (8 * i));
		}
		return withGlobal(symbol, bytes);
	}

}
