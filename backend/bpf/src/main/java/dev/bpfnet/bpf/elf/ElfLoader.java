package dev.bpfnet.bpf.elf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import dev.bpfnet.bpf.btf.Btf;
import dev.bpfnet.bpf.btf.BtfException;
import dev.bpfnet.bpf.btf.BtfExt;
import dev.bpfnet.bpf.btf.BtfKind;
import dev.bpfnet.bpf.elf.ElfFile.Section;
import dev.bpfnet.bpf.elf.ElfFile.Symbol;
import dev.bpfnet.bpf.isa.Insn;
import dev.bpfnet.bpf.isa.Opcodes;
import dev.bpfnet.bpf.maps.MapSpec;
import dev.bpfnet.bpf.maps.MapType;
import dev.bpfnet.bpf.prog.SectionDefs;

/**
 * Reads a BPF ELF object built by clang ({@code -target bpf}) into a {@link BpfObject}:
 * maps, programs with relocated instructions, global data, BTF. Models what libbpf's
 * {@code bpf_object__open_mem()} and {@code bpf_object__relocate()} in
 * {@code src/libbpf.c} do before any map or program reaches the kernel:
 * <ol>
 * <li>{@code bpf_object__elf_collect()}: sections, symbol table, {@code license},
 * {@code version}, {@code .BTF}, {@code .BTF.ext};</li>
 * <li>{@code bpf_object__init_maps()}: legacy {@code maps} ({@code struct bpf_map_def}),
 * BTF-defined {@code .maps} ({@code parse_btf_map_def()}, including a PROG_ARRAY's
 * {@code values}), and one array map per global data section;</li>
 * <li>{@code bpf_object__add_programs()}: each FUNC symbol of an executable section other
 * than {@code .text} is a program, several per section allowed;</li>
 * <li>{@code bpf_program__record_reloc()} and {@code bpf_object__reloc_code()}: map and
 * global data {@code lddw}s become {@code BPF_PSEUDO_MAP_IDX} /
 * {@code BPF_PSEUDO_MAP_IDX_VALUE} (indexes instead of file descriptors), and the
 * {@code .text} functions a program calls, transitively, are appended after it with the
 * call immediates rewritten.</li>
 * </ol>
 *
 * <p>
 * Deliberate differences: the legacy {@code maps} section is accepted (libbpf 1.0 refuses
 * it); when an object has no program section, the global functions of {@code .text} are
 * programs (as before libbpf 1.0, and as bpf_conformance's generated ELF files expect);
 * CO-RE relocations are not applied (the object's own BTF is the target, so clang's
 * offsets stand); externs ({@code .kconfig}, {@code .ksyms}, kfuncs) and callback
 * addresses ({@code BPF_PSEUDO_FUNC}) are refused.
 *
 * <p>
 * Hostile input: every offset and size is checked against the file before use, counts are
 * bounded by the bytes that hold them, names are at most 512 bytes, type chains are
 * followed to a bounded depth, and the relocated output is capped
 * ({@link #MAX_PROGRAM_INSNS}, {@link #MAX_TOTAL_INSNS}); anything wrong ends in an
 * {@link ElfException} that names the section, symbol, relocation or offset.
 */
public final class ElfLoader {

	/**
	 * BPF_COMPLEXITY_LIMIT_INSNS: the most instructions the kernel accepts in a program.
	 */
	public static final int MAX_PROGRAM_INSNS = 1_000_000;

	/**
	 * Cap on instructions plus line records across all programs after appending
	 * subprograms.
	 */
	public static final int MAX_TOTAL_INSNS = 2_000_000;

	/** Longest license kept (libbpf keeps 63 characters). */
	static final int MAX_LICENSE = 256;

	static final int R_BPF_64_64 = 1;

	/**
	 * Data pointer relocation: accepted in {@code .rel.maps} (PROG_ARRAY slots). It and
	 * R_BPF_64_ABS32 (3) and R_BPF_64_NODYLD32 (4) in debug and BTF sections are ignored.
	 */
	static final int R_BPF_64_ABS64 = 2;

	static final int R_BPF_64_32 = 10;

	/** {@code BPF_PSEUDO_CALL}. */
	static final int PSEUDO_CALL = 1;

	/** {@code BPF_PSEUDO_MAP_IDX}. */
	static final int PSEUDO_MAP_IDX = 5;

	/** {@code BPF_PSEUDO_MAP_IDX_VALUE}. */
	static final int PSEUDO_MAP_IDX_VALUE = 6;

	/** {@code BPF_F_RDONLY_PROG}, set on {@code .rodata} maps as libbpf does. */
	static final int BPF_F_RDONLY_PROG = 0x80;

	private static final int CALL = Opcodes.CLASS_JMP | 0x80;

	private static final int LEGACY_MAP_DEF_SIZE = 20;

	private ElfLoader() {
	}

	/**
	 * Loads the object in {@code bytes}.
	 * @param bytes the ELF file
	 * @param name the object's name, for messages and {@link BpfObject#name()}
	 * @throws ElfException when the object is malformed or uses what the toolchain does
	 * not support
	 */
	public static BpfObject load(byte[] bytes, String name) throws ElfException {
		return new Loader(ElfFile.parse(bytes), name).load();
	}

	/** A function: an entry program or a subprogram, in one executable section. */
	private static final class Func {

		final int id;

		final int sec;

		final String name;

		final int start;

		int end;

		final boolean global;

		Func(int id, int sec, String name, int start, int end, boolean global) {
			this.id = id;
			this.sec = sec;
			this.name = name;
			this.start = start;
			this.end = end;
			this.global = global;
		}

	}

	/** The decoded instructions of one executable section and what its calls target. */
	private static final class Code {

		final Section section;

		final Insn[] insns;

		/** For each call instruction, the id of the called function; -1 elsewhere. */
		final int[] callee;

		/** For each instruction, the id of the function starting there; -1 elsewhere. */
		final int[] funcAt;

		final List<Func> funcs = new ArrayList<>();

		Code(Section section, Insn[] insns) {
			this.section = section;
			this.insns = insns;
			this.callee = new int[insns.length];
			this.funcAt = new int[insns.length];
			Arrays.fill(this.callee, -1);
			Arrays.fill(this.funcAt, -1);
		}

	}

	/** Where a map from {@code maps} or {@code .maps} is defined. */
	private record MapSite(int mapIndex, int sec, long offset, long size, long valuesOffset) {
	}

	private record SiteKey(int sec, long offset) {
	}

	/**
	 * Cap on the bytes of all zero-initialised ({@code SHT_NOBITS}) global data maps
	 * together: their size fields are not backed by file bytes.
	 */
	static final long MAX_GLOBAL_DATA = 4L * MapSpec.MAX_KEY_OR_VALUE_SIZE;

	private static final class Loader {

		private final ElfFile f;

		private final String name;

		private final Section[] sections;

		private final Symbol[] symbols;

		private Section license;

		private Section version;

		private Section btfMaps;

		private Section legacyMaps;

		private Section btfSection;

		private Section btfExtSection;

		private Btf btf;

		private BtfExt btfExt;

		private final List<MapSpec> maps = new ArrayList<>();

		private final List<MapInfo> mapInfos = new ArrayList<>();

		/** Map definitions of {@code maps} and {@code .maps}, by section and offset. */
		private final Map<SiteKey, MapSite> mapSites = new HashMap<>();

		/** The {@code .maps} definitions that have {@code values}, by offset. */
		private final TreeMap<Long, MapSite> valueSites = new TreeMap<>();

		/** Per map: initial PROG_ARRAY slots. */
		private final List<TreeMap<Integer, String>> slots = new ArrayList<>();

		private Map<String, Integer> datasecs = Map.of();

		/**
		 * Bytes of global data still allowed (NOBITS sections have no file bytes to bound
		 * them).
		 */
		private long dataBudget;

		/** Per section index: the global data map it backs, or -1. */
		private final int[] dataMap;

		/** Per section index: true for a global data section (even an empty one). */
		private final boolean[] isData;

		/** Per section index: decoded code, or null. */
		private final Code[] code;

		private final List<Func> funcs = new ArrayList<>();

		private long budget = MAX_TOTAL_INSNS;

		Loader(ElfFile f, String name) {
			this.f = f;
			this.name = name;
			this.sections = f.sections;
			this.symbols = f.symbols;
			this.dataMap = new int[this.sections.length];
			this.isData = new boolean[this.sections.length];
			this.code = new Code[this.sections.length];
			Arrays.fill(this.dataMap, -1);
			this.dataBudget = MAX_GLOBAL_DATA;
		}

		BpfObject load() throws ElfException {
			classify();
			String lic = readLicense();
			int kver = readVersion();
			readBtf();
			legacyMaps();
			btfDefinedMaps();
			globalDataMaps();
			readBtfExt();
			collectFunctions();
			relocateCode();
			progArraySlots();
			List<ProgramSpec> programs = programs();
			checkSlotsNamePrograms(programs);
			List<GlobalSymbol> globals = globals();
			List<MapInfo> infos = new ArrayList<>(this.mapInfos.size());
			for (int i = 0; i < this.mapInfos.size(); i++) {
				MapInfo m = this.mapInfos.get(i);
				List<MapInfo.Slot> list = new ArrayList<>();
				this.slots.get(i).forEach((k, v) -> list.add(new MapInfo.Slot(k, v)));
				infos.add(new MapInfo(m.section(), m.keyTypeId(), m.valueTypeId(), list));
			}
			return new BpfObject(this.name, lic, kver, this.maps, programs, this.btf, globals, infos);
		}

		// ------------------------------------------------------------ sections

		private Section once(Section seen, Section s) throws ElfException {
			if (seen != null) {
				throw new ElfException(
						"duplicate section '" + s.name() + "' (indexes " + seen.index() + " and " + s.index() + ")");
			}
			return s;
		}

		private static boolean isDataName(String n) {
			return n.equals(".data") || n.equals(".rodata") || n.equals(".bss") || n.startsWith(".data.")
					|| n.startsWith(".rodata.");
		}

		private void classify() throws ElfException {
			for (Section s : this.sections) {
				if (s.index() == 0) {
					continue;
				}
				switch (s.name()) {
					case "license" -> this.license = once(this.license, s);
					case "version" -> this.version = once(this.version, s);
					case ".maps" -> this.btfMaps = once(this.btfMaps, s);
					case "maps" -> this.legacyMaps = once(this.legacyMaps, s);
					case ".BTF" -> this.btfSection = once(this.btfSection, s);
					case ".BTF.ext" -> this.btfExtSection = once(this.btfExtSection, s);
					default -> {
					}
				}
				if (s.isExec()) {
					if (s.size() % Insn.SIZE != 0) {
						throw new ElfException(
								s.describe() + ": size " + s.size() + " is not a multiple of 8 (the instruction size)");
					}
					if (s.size() > 0) {
						this.code[s.index()] = new Code(s, Insn.decode(this.f.data, (int) s.offset(), (int) s.size()));
					}
				}
				else if ((s.type() == ElfFile.SHT_PROGBITS || s.type() == ElfFile.SHT_NOBITS) && isDataName(s.name())) {
					this.isData[s.index()] = true;
				}
			}
		}

		private String readLicense() {
			if (this.license == null || this.license.type() == ElfFile.SHT_NOBITS) {
				return "";
			}
			int start = (int) this.license.offset();
			int max = (int) Math.min(this.license.size(), MAX_LICENSE);
			int n = 0;
			while (n < max && this.f.data[start + n] != 0) {
				n++;
			}
			return new String(this.f.data, start, n, StandardCharsets.UTF_8);
		}

		private int readVersion() throws ElfException {
			if (this.version == null) {
				return 0;
			}
			if (this.version.type() == ElfFile.SHT_NOBITS || this.version.size() != 4) {
				throw new ElfException(this.version.describe() + ": size " + Long.toUnsignedString(this.version.size())
						+ ", expected 4 (a u32 kernel version)");
			}
			return (int) ElfFile.u32(this.f.data, (int) this.version.offset());
		}

		private void readBtf() throws ElfException {
			if (this.btfSection == null) {
				return;
			}
			if (this.btfSection.type() == ElfFile.SHT_NOBITS) {
				throw new ElfException(this.btfSection.describe() + ": has no contents (SHT_NOBITS)");
			}
			try {
				this.btf = Btf.parse(this.f.data, (int) this.btfSection.offset(), (int) this.btfSection.size());
			}
			catch (BtfException ex) {
				throw new ElfException(this.btfSection.describe() + ": " + ex.getMessage());
			}
			this.btf = this.btf.withDatasecLayout(datasecLayout());
			Map<String, Integer> ds = new HashMap<>();
			for (int id = 1; id <= this.btf.typeCount(); id++) {
				if (this.btf.kind(id) == BtfKind.DATASEC) {
					ds.putIfAbsent(this.btf.name(id), id);
				}
			}
			this.datasecs = ds;
		}

		/**
		 * ELF section sizes and OBJECT symbol offsets, for libbpf's btf_fixup_datasec().
		 */
		private Btf.DatasecLayout datasecLayout() {
			Map<String, Long> sizes = new HashMap<>();
			Map<String, Integer> index = new HashMap<>();
			for (Section s : this.sections) {
				if (s.index() > 0) {
					sizes.putIfAbsent(s.name(), s.size());
					index.putIfAbsent(s.name(), s.index());
				}
			}
			Map<String, Long> offsets = new HashMap<>();
			for (Symbol sym : this.symbols) {
				if (sym.type() == ElfFile.STT_OBJECT && sym.shndx() > 0 && sym.shndx() < this.sections.length) {
					offsets.putIfAbsent(sym.shndx() + "/" + sym.name(), sym.value());
				}
			}
			return new Btf.DatasecLayout() {

				@Override
				public long sectionSize(String section) {
					return sizes.getOrDefault(section, -1L);
				}

				@Override
				public long varOffset(String section, String var) {
					Integer sec = index.get(section);
					return sec == null ? -1 : offsets.getOrDefault(sec + "/" + var, -1L);
				}

			};
		}

		private void readBtfExt() throws ElfException {
			if (this.btfExtSection == null || this.btf == null) {
				return;
			}
			if (this.btfExtSection.type() == ElfFile.SHT_NOBITS) {
				throw new ElfException(this.btfExtSection.describe() + ": has no contents (SHT_NOBITS)");
			}
			try {
				this.btfExt = BtfExt.parse(this.f.data, (int) this.btfExtSection.offset(),
						(int) this.btfExtSection.size(), this.btf);
			}
			catch (BtfException ex) {
				throw new ElfException(this.btfExtSection.describe() + ": " + ex.getMessage());
			}
		}

		/** Named symbols defined in section {@code sec}, by offset. */
		private List<Symbol> symbolsIn(int sec) {
			List<Symbol> out = new ArrayList<>();
			for (Symbol s : this.symbols) {
				if (s.shndx() == sec && s.type() != ElfFile.STT_SECTION && s.type() != ElfFile.STT_FUNC
						&& !s.name().isEmpty()) {
					out.add(s);
				}
			}
			out.sort(Comparator.comparingLong(Symbol::value).thenComparingInt(Symbol::index));
			return out;
		}

		// ------------------------------------------------------------ maps

		private int addMap(MapSpec spec, MapInfo info) {
			this.maps.add(spec);
			this.mapInfos.add(info);
			this.slots.add(new TreeMap<>());
			return this.maps.size() - 1;
		}

		private static int checkSize(String map, String what, long size) throws ElfException {
			if (size < 0 || size > MapSpec.MAX_KEY_OR_VALUE_SIZE) {
				throw new ElfException("map '" + map + "': " + what + " " + Long.toUnsignedString(size)
						+ " exceeds the limit of " + MapSpec.MAX_KEY_OR_VALUE_SIZE + " bytes");
			}
			return (int) size;
		}

		private static int checkEntries(String map, long n) throws ElfException {
			if (n < 0 || n > Integer.MAX_VALUE) {
				throw new ElfException("map '" + map + "': max_entries " + Long.toUnsignedString(n) + " is larger than "
						+ Integer.MAX_VALUE);
			}
			return (int) n;
		}

		private static MapType mapType(String map, long id) throws ElfException {
			MapType t = (id < 0 || id > Integer.MAX_VALUE) ? null : MapType.byId((int) id);
			if (t == null) {
				throw new ElfException(
						"map '" + map + "': map type " + Long.toUnsignedString(id) + " is not supported");
			}
			return t;
		}

		/** {@code struct bpf_map_def} entries of the legacy {@code maps} section. */
		private void legacyMaps() throws ElfException {
			Section s = this.legacyMaps;
			if (s == null) {
				return;
			}
			List<Symbol> defs = symbolsIn(s.index());
			if (defs.isEmpty()) {
				return;
			}
			if (s.type() != ElfFile.SHT_PROGBITS) {
				throw new ElfException(s.describe() + ": map definitions need contents (type " + s.type() + ")");
			}
			long fallbackSize = s.size() / defs.size();
			for (Symbol sym : defs) {
				long size = sym.size() != 0 ? sym.size() : fallbackSize;
				if (sym.value() < 0 || size < 0 || sym.value() > s.size() || size > s.size() - sym.value()) {
					throw new ElfException("map '" + sym.name() + "': definition at offset "
							+ Long.toUnsignedString(sym.value()) + " with size " + Long.toUnsignedString(size)
							+ " is outside " + s.describe() + " (" + s.size() + " bytes)");
				}
				if (size < LEGACY_MAP_DEF_SIZE) {
					throw new ElfException("map '" + sym.name() + "': legacy definition is " + size
							+ " bytes, need at least " + LEGACY_MAP_DEF_SIZE + " (struct bpf_map_def)");
				}
				int p = (int) (s.offset() + sym.value());
				byte[] d = this.f.data;
				MapType type = mapType(sym.name(), ElfFile.u32(d, p));
				int key = checkSize(sym.name(), "key size", ElfFile.u32(d, p + 4));
				int value = checkSize(sym.name(), "value size", ElfFile.u32(d, p + 8));
				int entries = checkEntries(sym.name(), ElfFile.u32(d, p + 12));
				int flags = (int) ElfFile.u32(d, p + 16);
				int idx = addMap(new MapSpec(sym.name(), type, key, value, entries, flags, null, false),
						new MapInfo(s.name(), 0, 0, List.of()));
				this.mapSites.putIfAbsent(new SiteKey(s.index(), sym.value()),
						new MapSite(idx, s.index(), sym.value(), size, -1));
			}
		}

		/** {@code bpf_object__init_user_btf_maps()} and {@code parse_btf_map_def()}. */
		private void btfDefinedMaps() throws ElfException {
			Section s = this.btfMaps;
			if (s == null) {
				return;
			}
			if (this.btf == null) {
				List<Symbol> defs = symbolsIn(s.index());
				String first = defs.isEmpty() ? s.name() : defs.get(0).name();
				throw new ElfException("map '" + first + "': .maps section requires BTF (compile with -g)");
			}
			int ds = this.datasecs.getOrDefault(".maps", -1);
			if (ds < 0) {
				if (symbolsIn(s.index()).isEmpty()) {
					return;
				}
				throw new ElfException(s.describe() + ": DATASEC '.maps' not found in BTF");
			}
			List<Btf.VarSecinfo> vars = new ArrayList<>(this.btf.datasec(ds));
			vars.sort(Comparator.comparingLong(Btf.VarSecinfo::offset));
			for (Btf.VarSecinfo v : vars) {
				int var = v.type();
				if (this.btf.kind(var) != BtfKind.VAR) {
					throw new ElfException(
							s.describe() + ": DATASEC entry [" + var + "] is " + this.btf.kind(var) + ", not a VAR");
				}
				String map = this.btf.name(var);
				if (v.offset() > s.size() || v.size() > s.size() - v.offset()) {
					throw new ElfException("map '" + map + "': BTF data is corrupted: offset " + v.offset() + " + size "
							+ v.size() + " is outside " + s.describe() + " (" + s.size() + " bytes)");
				}
				try {
					parseBtfMap(s, map, v);
				}
				catch (BtfException ex) {
					throw new ElfException("map '" + map + "': " + ex.getMessage());
				}
			}
		}

		private long intAttr(String map, Btf.Member m) throws ElfException, BtfException {
			int t = this.btf.skipModsAndTypedefs(m.type());
			if (this.btf.kind(t) != BtfKind.PTR) {
				throw new ElfException(
						"map '" + map + "': attr '" + m.name() + "': expected PTR, got " + this.btf.kind(t) + ".");
			}
			int arr = this.btf.type(t);
			if (this.btf.kind(arr) != BtfKind.ARRAY) {
				throw new ElfException(
						"map '" + map + "': attr '" + m.name() + "': expected ARRAY, got " + this.btf.kind(arr) + ".");
			}
			return this.btf.array(arr).nelems();
		}

		private int typeAttr(String map, Btf.Member m) throws ElfException, BtfException {
			int t = this.btf.skipModsAndTypedefs(m.type());
			if (this.btf.kind(t) != BtfKind.PTR) {
				throw new ElfException(
						"map '" + map + "': " + m.name() + " spec is not PTR: " + this.btf.kind(t) + ".");
			}
			return this.btf.type(t);
		}

		private void parseBtfMap(Section s, String map, Btf.VarSecinfo v) throws ElfException, BtfException {
			int def = this.btf.skipModsAndTypedefs(this.btf.type(v.type()));
			if (this.btf.kind(def) != BtfKind.STRUCT) {
				throw new ElfException("map '" + map + "': unexpected def kind " + this.btf.kind(def) + ".");
			}
			long type = -1;
			long maxEntries = 0;
			long flags = 0;
			long keySize = -1;
			long valueSize = -1;
			int keyType = 0;
			int valueType = 0;
			long valuesOffset = -1;
			for (Btf.Member m : this.btf.members(def)) {
				switch (m.name()) {
					case "type" -> type = intAttr(map, m);
					case "max_entries" -> maxEntries = intAttr(map, m);
					case "map_flags" -> flags = intAttr(map, m);
					case "numa_node", "map_extra", "pinning" -> intAttr(map, m);
					case "key_size", "value_size" -> {
						long sz = intAttr(map, m);
						boolean key = m.name().equals("key_size");
						long prev = key ? keySize : valueSize;
						if (prev != -1 && prev != sz) {
							throw new ElfException("map '" + map + "': conflicting " + (key ? "key" : "value")
									+ " size " + prev + " != " + sz + ".");
						}
						if (key) {
							keySize = sz;
						}
						else {
							valueSize = sz;
						}
					}
					case "key", "value" -> {
						int t = typeAttr(map, m);
						long sz = this.btf.resolveSize(t);
						boolean key = m.name().equals("key");
						long prev = key ? keySize : valueSize;
						if (prev != -1 && prev != sz) {
							throw new ElfException("map '" + map + "': conflicting " + (key ? "key" : "value")
									+ " size " + prev + " != " + sz + ".");
						}
						if (key) {
							keySize = sz;
							keyType = t;
						}
						else {
							valueSize = sz;
							valueType = t;
						}
					}
					case "values" -> {
						int t = this.btf.skipModsAndTypedefs(m.type());
						if (this.btf.kind(t) != BtfKind.ARRAY || this.btf.array(t).nelems() != 0) {
							throw new ElfException("map '" + map + "': values spec is not a zero-sized array: "
									+ this.btf.typeName(t) + ".");
						}
						int elem = this.btf.skipModsAndTypedefs(this.btf.array(t).elemType());
						if (this.btf.kind(elem) != BtfKind.PTR) {
							throw new ElfException("map '" + map + "': values element is not a pointer: "
									+ this.btf.typeName(elem) + ".");
						}
						if (m.bitfieldSize() != 0 || (m.bitOffset() & 7) != 0) {
							throw new ElfException("map '" + map + "': values is not byte aligned");
						}
						valuesOffset = m.bitOffset() / 8;
					}
					default -> throw new ElfException("map '" + map + "': unknown field '" + m.name() + "'.");
				}
			}
			if (type == -1) {
				throw new ElfException("map '" + map + "': map type isn't specified.");
			}
			MapType mt = mapType(map, type);
			if (valuesOffset >= 0 && mt != MapType.PROG_ARRAY) {
				throw new ElfException("map '" + map + "': values is supported for PROG_ARRAY maps only," + " not " + mt
						+ " (map-in-map is not supported)");
			}
			if (valuesOffset >= 0 && valueSize == -1) {
				// libbpf: a prog array declared with values holds 4-byte program fds
				valueSize = 4;
			}
			int key = checkSize(map, "key size", Math.max(keySize, 0));
			int value = checkSize(map, "value size", Math.max(valueSize, 0));
			int entries = checkEntries(map, maxEntries);
			int idx = addMap(new MapSpec(map, mt, key, value, entries, (int) flags, null, false),
					new MapInfo(s.name(), keyType, valueType, List.of()));
			MapSite site = new MapSite(idx, s.index(), v.offset(), v.size(), valuesOffset);
			this.mapSites.putIfAbsent(new SiteKey(s.index(), v.offset()), site);
			if (valuesOffset >= 0) {
				this.valueSites.put(v.offset(), site);
			}
		}

		/** {@code bpf_object__init_global_data_maps()}. */
		private void globalDataMaps() throws ElfException {
			for (Section s : this.sections) {
				if (!this.isData[s.index()] || s.size() == 0) {
					continue;
				}
				if (s.size() < 0 || s.size() > MapSpec.MAX_KEY_OR_VALUE_SIZE) {
					throw new ElfException(s.describe() + ": size " + Long.toUnsignedString(s.size())
							+ " exceeds the largest map value (" + MapSpec.MAX_KEY_OR_VALUE_SIZE + " bytes)");
				}
				int size = (int) s.size();
				if (s.type() == ElfFile.SHT_NOBITS) {
					this.dataBudget -= size;
					if (this.dataBudget < 0) {
						throw new ElfException(
								s.describe() + ": zero-initialised global data sections add up to more than "
										+ MAX_GLOBAL_DATA + " bytes");
					}
				}
				byte[] init = new byte[size];
				if (s.type() != ElfFile.SHT_NOBITS) {
					System.arraycopy(this.f.data, (int) s.offset(), init, 0, size);
				}
				boolean ro = s.name().equals(".rodata") || s.name().startsWith(".rodata.");
				int valueType = this.datasecs.getOrDefault(s.name(), 0);
				int idx = addMap(new MapSpec(s.name(), MapType.ARRAY, 4, size, 1, ro ? BPF_F_RDONLY_PROG : 0, init, ro),
						new MapInfo(s.name(), 0, valueType, List.of()));
				this.dataMap[s.index()] = idx;
			}
		}

		/** {@code init_prog_array_slots()}: the relocations in {@code .rel.maps}. */
		private void progArraySlots() throws ElfException {
			if (this.btfMaps == null) {
				return;
			}
			for (Section rel : this.sections) {
				if (rel.type() != ElfFile.SHT_REL || rel.info() != this.btfMaps.index()) {
					continue;
				}
				int n = relocationCount(rel);
				for (int r = 0; r < n; r++) {
					int p = (int) (rel.offset() + (long) r * ElfFile.REL_SIZE);
					long off = ElfFile.u64(this.f.data, p);
					long info = ElfFile.u64(this.f.data, p + 8);
					int type = (int) info;
					String where = "relocation " + r + " of " + rel.describe() + " at offset 0x"
							+ Long.toHexString(off);
					if (type != R_BPF_64_64 && type != R_BPF_64_ABS64) {
						throw new ElfException(where + " has unsupported type " + Integer.toUnsignedString(type));
					}
					Symbol sym = symbol(info >>> 32, where);
					Map.Entry<Long, MapSite> e = off < 0 ? null : this.valueSites.floorEntry(off);
					MapSite site = e == null ? null : e.getValue();
					if (site != null
							&& (off < site.offset() + site.valuesOffset() || off >= site.offset() + site.size())) {
						site = null;
					}
					if (site == null) {
						throw new ElfException(where + " is not inside the values of a PROG_ARRAY map");
					}
					String map = this.maps.get(site.mapIndex()).name();
					long rel0 = off - site.offset() - site.valuesOffset();
					if (rel0 % 8 != 0) {
						throw new ElfException("map '" + map + "': " + where + " is not on a values slot");
					}
					long slot = rel0 / 8;
					int max = this.maps.get(site.mapIndex()).maxEntries();
					if (slot >= max) {
						throw new ElfException("map '" + map + "' slot [" + slot + "] out of bounds (" + max + ").");
					}
					if (sym.type() != ElfFile.STT_FUNC || sym.shndx() >= this.code.length
							|| this.code[sym.shndx()] == null
							|| this.code[sym.shndx()].section.name().equals(".text")) {
						throw new ElfException("map '" + map + "': slot [" + slot + "] refers to '" + sym.name()
								+ "', which is not a program");
					}
					this.slots.get(site.mapIndex()).put((int) slot, sym.name());
				}
			}
		}

		private void checkSlotsNamePrograms(List<ProgramSpec> programs) throws ElfException {
			Set<String> names = new HashSet<>();
			for (ProgramSpec p : programs) {
				names.add(p.name());
			}
			for (int i = 0; i < this.slots.size(); i++) {
				for (Map.Entry<Integer, String> slot : this.slots.get(i).entrySet()) {
					if (!names.contains(slot.getValue())) {
						throw new ElfException("map '" + this.maps.get(i).name() + "': slot [" + slot.getKey()
								+ "] refers to '" + slot.getValue() + "', which is not a program");
					}
				}
			}
		}

		private List<GlobalSymbol> globals() throws ElfException {
			List<GlobalSymbol> out = new ArrayList<>();
			for (Symbol sym : this.symbols) {
				int sec = sym.shndx();
				if (sym.type() != ElfFile.STT_OBJECT || sym.name().isEmpty() || sec >= this.sections.length
						|| !this.isData[sec]) {
					continue;
				}
				Section s = this.sections[sec];
				if (sym.value() < 0 || sym.size() < 0 || sym.value() > s.size()
						|| sym.size() > s.size() - sym.value()) {
					throw new ElfException("symbol '" + sym.name() + "': offset " + Long.toUnsignedString(sym.value())
							+ " + size " + Long.toUnsignedString(sym.size()) + " is outside " + s.describe() + " ("
							+ s.size() + " bytes)");
				}
				if (this.dataMap[sec] < 0) {
					continue;
				}
				out.add(new GlobalSymbol(sym.name(), this.dataMap[sec], (int) sym.value(), (int) sym.size()));
			}
			out.sort(Comparator.comparingInt(GlobalSymbol::mapIndex).thenComparingInt(GlobalSymbol::offset));
			return out;
		}

		// ------------------------------------------------------------ code

		/** {@code bpf_object__add_programs()}: functions by FUNC symbols. */
		private void collectFunctions() throws ElfException {
			List<List<Symbol>> bySection = new ArrayList<>(this.sections.length);
			for (int i = 0; i < this.sections.length; i++) {
				bySection.add(null);
			}
			for (Symbol sym : this.symbols) {
				if (sym.type() == ElfFile.STT_FUNC && sym.shndx() < this.code.length
						&& this.code[sym.shndx()] != null) {
					List<Symbol> l = bySection.get(sym.shndx());
					if (l == null) {
						l = new ArrayList<>();
						bySection.set(sym.shndx(), l);
					}
					l.add(sym);
				}
			}
			for (Code c : this.code) {
				if (c == null) {
					continue;
				}
				Section s = c.section;
				List<Symbol> syms = bySection.get(s.index());
				if (syms == null) {
					// no symbols (hand-made objects): the whole section is one function
					addFunc(c, s.name(), 0, c.insns.length, true);
					continue;
				}
				syms.sort(Comparator.comparingLong(Symbol::value).thenComparingInt(Symbol::index));
				for (Symbol sym : syms) {
					if (sym.value() < 0 || sym.value() % Insn.SIZE != 0 || sym.value() >= s.size()) {
						throw new ElfException(
								"function '" + sym.name() + "': offset " + Long.toUnsignedString(sym.value())
										+ " is not an instruction of " + s.describe() + " (" + s.size() + " bytes)");
					}
					if (sym.size() < 0 || sym.size() % Insn.SIZE != 0 || sym.size() > s.size() - sym.value()) {
						throw new ElfException("function '" + sym.name() + "' at offset " + sym.value() + " with size "
								+ Long.toUnsignedString(sym.size()) + " crosses the end of " + s.describe() + " ("
								+ s.size() + " bytes)");
					}
					int start = (int) (sym.value() / Insn.SIZE);
					if (c.funcAt[start] >= 0) {
						continue; // an alias of a function already seen
					}
					int end = sym.size() == 0 ? -1 : start + (int) (sym.size() / Insn.SIZE);
					addFunc(c, sym.name(), start, end, sym.bind() != ElfFile.STB_LOCAL);
				}
				// size-0 symbols extend to the next function or the end of the section
				for (int i = 0; i < c.funcs.size(); i++) {
					Func fn = c.funcs.get(i);
					if (fn.end < 0) {
						fn.end = i + 1 < c.funcs.size() ? c.funcs.get(i + 1).start : c.insns.length;
					}
				}
			}
		}

		private void addFunc(Code c, String fname, int start, int end, boolean global) {
			Func fn = new Func(this.funcs.size(), c.section.index(), fname, start, end, global);
			this.funcs.add(fn);
			c.funcs.add(fn);
			c.funcAt[start] = fn.id;
		}

		private int relocationCount(Section rel) throws ElfException {
			if (rel.size() % ElfFile.REL_SIZE != 0) {
				throw new ElfException(rel.describe() + ": size " + rel.size() + " is not a multiple of "
						+ ElfFile.REL_SIZE + " (one relocation)");
			}
			if (this.f.symtabIndex < 0) {
				throw new ElfException(rel.describe() + ": relocations but no symbol table");
			}
			if (rel.link() != this.f.symtabIndex) {
				throw new ElfException(rel.describe() + ": links to section " + Integer.toUnsignedString(rel.link())
						+ ", not to the symbol table (index " + this.f.symtabIndex + ")");
			}
			return (int) (rel.size() / ElfFile.REL_SIZE);
		}

		private Symbol symbol(long index, String where) throws ElfException {
			if (index < 0 || index >= this.symbols.length) {
				throw new ElfException(where + " refers to symbol " + Long.toUnsignedString(index)
						+ ", but the symbol table has " + this.symbols.length);
			}
			return this.symbols[(int) index];
		}

		/**
		 * {@code bpf_object__collect_relos()} and {@code bpf_program__record_reloc()}.
		 */
		private void relocateCode() throws ElfException {
			for (Section rel : this.sections) {
				if (rel.type() != ElfFile.SHT_REL && rel.type() != ElfFile.SHT_RELA) {
					continue;
				}
				int target = rel.info();
				if (target <= 0 || target >= this.sections.length || !this.sections[target].isExec()) {
					continue; // debug info, BTF, .maps (read with the maps)
				}
				if (rel.type() == ElfFile.SHT_RELA) {
					throw new ElfException(
							rel.describe() + ": RELA relocations are not supported in code (clang emits REL)");
				}
				Code c = this.code[target];
				int n = relocationCount(rel);
				for (int r = 0; r < n; r++) {
					int p = (int) (rel.offset() + (long) r * ElfFile.REL_SIZE);
					long off = ElfFile.u64(this.f.data, p);
					long info = ElfFile.u64(this.f.data, p + 8);
					int type = (int) info;
					String secName = this.sections[target].name();
					if (type != R_BPF_64_64 && type != R_BPF_64_32) {
						throw new ElfException("relocation " + r + " of " + rel.describe() + " at offset 0x"
								+ Long.toHexString(off) + " of '" + secName + "' has unsupported type "
								+ Integer.toUnsignedString(type) + " (code takes R_BPF_64_64 and R_BPF_64_32)");
					}
					if (c == null || off < 0 || off % Insn.SIZE != 0 || off / Insn.SIZE >= c.insns.length) {
						throw new ElfException("relocation " + r + " of " + rel.describe() + ": offset 0x"
								+ Long.toHexString(off) + " is not an instruction of "
								+ this.sections[target].describe() + " (" + this.sections[target].size() + " bytes)");
					}
					int i = (int) (off / Insn.SIZE);
					String where = "relocation " + r + " of " + rel.describe() + " (insn " + i + " of '" + secName
							+ "')";
					Symbol sym = symbol(info >>> 32, where);
					if (type == R_BPF_64_64) {
						relocateLddw(c, i, sym, where);
					}
					else {
						relocateCall(c, i, sym, where);
					}
				}
			}
			// calls without relocation stay inside their section
			for (Code c : this.code) {
				if (c == null) {
					continue;
				}
				for (int i = 0; i < c.insns.length; i++) {
					Insn insn = c.insns[i];
					if (insn.opcode() == CALL && insn.src() == PSEUDO_CALL && c.callee[i] < 0) {
						long t = (long) i + insn.imm() + 1;
						c.callee[i] = calleeAt(c, t, "call at insn " + i + " of '" + c.section.name() + "'");
					}
					if (insn.isLddw()) {
						i++;
					}
				}
			}
		}

		private int calleeAt(Code c, long target, String where) throws ElfException {
			if (target < 0 || target >= c.insns.length) {
				throw new ElfException(where + " jumps to insn " + target + ", outside " + c.section.describe() + " ("
						+ c.insns.length + " insns)");
			}
			int fn = c.funcAt[(int) target];
			if (fn < 0) {
				throw new ElfException(where + " targets insn " + target + " of '" + c.section.name()
						+ "', which is not the start of a function");
			}
			return fn;
		}

		private void relocateLddw(Code c, int i, Symbol sym, String where) throws ElfException {
			Insn insn = c.insns[i];
			if (!insn.isLddw() || i + 1 >= c.insns.length) {
				throw new ElfException(where + ": R_BPF_64_64 needs an lddw instruction, found opcode 0x"
						+ Integer.toHexString(insn.opcode()) + (insn.isLddw() ? " without its second slot" : ""));
			}
			int sec = checkDefined(sym, where);
			boolean sectionSym = sym.type() == ElfFile.STT_SECTION;
			if (this.legacyMaps != null && sec == this.legacyMaps.index()
					|| this.btfMaps != null && sec == this.btfMaps.index()) {
				long off = sym.value() + (sectionSym ? insn.imm() : 0);
				MapSite m = this.mapSites.get(new SiteKey(sec, off));
				if (m != null) {
					c.insns[i] = insn.withSrc(PSEUDO_MAP_IDX).withImm(m.mapIndex());
					return;
				}
				throw new ElfException(where + " refers to '" + sym.name() + "' at offset " + off + " of section '"
						+ this.sections[sec].name() + "', where no map is defined");
			}
			if (this.isData[sec]) {
				if (this.dataMap[sec] < 0) {
					throw new ElfException(where + " refers to '" + sym.name() + "' in the empty section '"
							+ this.sections[sec].name() + "'");
				}
				long off = sym.value() + insn.imm();
				if (off < 0 || off > Integer.MAX_VALUE) {
					throw new ElfException(
							where + " refers to offset " + off + " of section '" + this.sections[sec].name() + "'");
				}
				c.insns[i] = insn.withSrc(PSEUDO_MAP_IDX_VALUE).withImm(this.dataMap[sec]);
				c.insns[i + 1] = c.insns[i + 1].withImm((int) off);
				return;
			}
			if (this.code[sec] != null || this.sections[sec].isExec()) {
				throw new ElfException(where + ": lddw of the address of function '" + sym.name()
						+ "' (a callback, BPF_PSEUDO_FUNC) is not supported");
			}
			throw new ElfException(where + " refers to '" + sym.name() + "' in section '" + this.sections[sec].name()
					+ "', which holds no map or global data");
		}

		private int checkDefined(Symbol sym, String where) throws ElfException {
			int sec = sym.shndx();
			if (sec == ElfFile.SHN_UNDEF) {
				throw new ElfException(where + " refers to extern '" + sym.name()
						+ "', which is not supported (.kconfig, .ksyms, kfuncs)");
			}
			if (sec >= ElfFile.SHN_LORESERVE || sec >= this.sections.length) {
				throw new ElfException(where + " refers to '" + sym.name() + "' with section index 0x"
						+ Integer.toHexString(sec) + ", which is not a section of this object");
			}
			return sec;
		}

		private void relocateCall(Code c, int i, Symbol sym, String where) throws ElfException {
			Insn insn = c.insns[i];
			if (insn.opcode() != CALL || insn.src() != PSEUDO_CALL) {
				throw new ElfException(
						where + ": R_BPF_64_32 needs a bpf-to-bpf call (call with src 1), found opcode 0x"
								+ Integer.toHexString(insn.opcode()) + " src " + insn.src());
			}
			if (sym.shndx() == ElfFile.SHN_UNDEF) {
				throw new ElfException(
						where + ": call to extern function '" + sym.name() + "' is not supported (kfuncs)");
			}
			int sec = checkDefined(sym, where);
			Code target = this.code[sec];
			if (target == null) {
				throw new ElfException(where + ": call to '" + sym.name() + "' in section '" + this.sections[sec].name()
						+ "', which holds no code");
			}
			if (sym.value() < 0 || sym.value() % Insn.SIZE != 0) {
				throw new ElfException(where + ": call to '" + sym.name() + "' at offset "
						+ Long.toUnsignedString(sym.value()) + ", not a multiple of 8");
			}
			// libbpf: sub_insn_idx = sym_off / BPF_INSN_SZ + insn->imm + 1, for section
			// symbols (imm = offset) and function symbols (imm = -1) alike
			long t = sym.value() / Insn.SIZE + insn.imm() + 1;
			c.callee[i] = calleeAt(target, t, where + ": call to '" + sym.name() + "'");
		}

		// ------------------------------------------------------------ programs

		private List<ProgramSpec> programs() throws ElfException {
			List<Func> entries = new ArrayList<>();
			for (Code c : this.code) {
				if (c != null && !c.section.name().equals(".text")) {
					entries.addAll(c.funcs);
				}
			}
			if (entries.isEmpty()) {
				for (Code c : this.code) {
					if (c != null) {
						for (Func fn : c.funcs) {
							if (fn.global) {
								entries.add(fn);
							}
						}
					}
				}
			}
			Map<String, Integer> funcTypes = funcTypesByName();
			Map<String, Map<Integer, Integer>> funcInfo = new HashMap<>();
			Map<String, BtfExt.LineRecord[]> lines = new HashMap<>();
			indexBtfExt(funcInfo, lines);
			int[] pos = new int[this.funcs.size()];
			Arrays.fill(pos, -1);
			List<ProgramSpec> out = new ArrayList<>(entries.size());
			for (Func entry : entries) {
				out.add(program(entry, pos, funcTypes, funcInfo, lines));
			}
			return out;
		}

		private Map<String, Integer> funcTypesByName() {
			Map<String, Integer> out = new HashMap<>();
			if (this.btf != null) {
				for (int id = 1; id <= this.btf.typeCount(); id++) {
					if (this.btf.kind(id) == BtfKind.FUNC) {
						out.putIfAbsent(this.btf.name(id), id);
					}
				}
			}
			return out;
		}

		private void indexBtfExt(Map<String, Map<Integer, Integer>> funcInfo, Map<String, BtfExt.LineRecord[]> lines) {
			if (this.btfExt == null) {
				return;
			}
			for (BtfExt.FuncRecord r : this.btfExt.funcs()) {
				funcInfo.computeIfAbsent(r.section(), k -> new HashMap<>()).putIfAbsent(r.insn(), r.typeId());
			}
			Map<String, List<BtfExt.LineRecord>> bySec = new HashMap<>();
			for (BtfExt.LineRecord r : this.btfExt.lines()) {
				bySec.computeIfAbsent(r.section(), k -> new ArrayList<>()).add(r);
			}
			for (Map.Entry<String, List<BtfExt.LineRecord>> e : bySec.entrySet()) {
				BtfExt.LineRecord[] arr = e.getValue().toArray(new BtfExt.LineRecord[0]);
				Arrays.sort(arr, Comparator.comparingInt(BtfExt.LineRecord::insn));
				lines.put(e.getKey(), arr);
			}
		}

		private void spend(long n, Func entry) throws ElfException {
			this.budget -= n;
			if (this.budget < 0) {
				throw new ElfException("program '" + entry.name + "': the object needs more than " + MAX_TOTAL_INSNS
						+ " instructions and line records in total after appending subprograms");
			}
		}

		private ProgramSpec program(Func entry, int[] pos, Map<String, Integer> funcTypes,
				Map<String, Map<Integer, Integer>> funcInfo, Map<String, BtfExt.LineRecord[]> lines)
				throws ElfException {
			List<Func> order = new ArrayList<>();
			order.add(entry);
			pos[entry.id] = 0;
			long len = entry.end - entry.start;
			try {
				for (int k = 0; k < order.size(); k++) {
					Func fn = order.get(k);
					int[] callee = this.code[fn.sec].callee;
					for (int i = fn.start; i < fn.end; i++) {
						int to = callee[i];
						if (to >= 0 && pos[to] < 0) {
							Func sub = this.funcs.get(to);
							pos[to] = (int) len;
							len += sub.end - sub.start;
							order.add(sub);
							if (len > MAX_PROGRAM_INSNS) {
								throw new ElfException("program '" + entry.name + "': " + len
										+ " instructions after appending subprograms, more than " + MAX_PROGRAM_INSNS
										+ " (E2BIG)");
							}
						}
					}
				}
				spend(len, entry);
				Insn[] insns = new Insn[(int) len];
				List<FuncInfo> fis = new ArrayList<>(order.size());
				List<LineInfo> lis = new ArrayList<>();
				for (Func fn : order) {
					Code c = this.code[fn.sec];
					int p = pos[fn.id];
					System.arraycopy(c.insns, fn.start, insns, p, fn.end - fn.start);
					for (int i = fn.start; i < fn.end; i++) {
						int to = c.callee[i];
						if (to >= 0) {
							int at = p + i - fn.start;
							insns[at] = insns[at].withSrc(PSEUDO_CALL).withImm(pos[to] - (at + 1));
						}
					}
					String sec = c.section.name();
					Map<Integer, Integer> fi = funcInfo.get(sec);
					Integer typeId = fi == null ? null : fi.get(fn.start);
					if (typeId == null) {
						typeId = funcTypes.getOrDefault(fn.name, 0);
					}
					fis.add(new FuncInfo(fn.name, p, typeId));
					BtfExt.LineRecord[] recs = lines.get(sec);
					if (recs != null) {
						int from = firstAtOrAfter(recs, fn.start);
						for (int r = from; r < recs.length && recs[r].insn() < fn.end; r++) {
							BtfExt.LineRecord lr = recs[r];
							spend(1, entry);
							lis.add(new LineInfo(p + lr.insn() - fn.start, lr.file(), lr.source(), lr.line(),
									lr.column()));
						}
					}
				}
				String section = this.sections[entry.sec].name();
				SectionDefs.SectionDef def = SectionDefs.resolve(section);
				return new ProgramSpec(entry.name, section, def.type(), def.attachType(), insns, fis, lis);
			}
			finally {
				for (Func fn : order) {
					pos[fn.id] = -1;
				}
			}
		}

		private static int firstAtOrAfter(BtfExt.LineRecord[] recs, int insn) {
			int lo = 0;
			int hi = recs.length;
			while (lo < hi) {
				int mid = (lo + hi) >>> 1;
				if (recs[mid].insn() < insn) {
					lo = mid + 1;
				}
				else {
					hi = mid;
				}
			}
			return lo;
		}

	}

}
