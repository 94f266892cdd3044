package dev.bpfnet.bpf.elf;

import java.nio.charset.StandardCharsets;

/**
 * The ELF64 little-endian container of a BPF object: file header, section headers, string
 * tables and the symbol table ({@code include/uapi/linux/elf.h}, System V gABI), with
 * every offset and size checked against the file before use.
 *
 * <p>
 * Counts are bounded by the bytes that back them (a section table of {@code n} entries
 * needs {@code 64 * n} bytes of file), so allocations stay proportional to the input.
 * Arithmetic on file offsets is done in {@code long} on unsigned values.
 */
final class ElfFile {

	static final int EHDR_SIZE = 64;

	static final int SHDR_SIZE = 64;

	static final int SYM_SIZE = 24;

	static final int REL_SIZE = 16;

	static final int EM_BPF = 247;

	static final int ET_REL = 1;

	static final int SHT_NULL = 0;

	static final int SHT_PROGBITS = 1;

	static final int SHT_SYMTAB = 2;

	static final int SHT_STRTAB = 3;

	static final int SHT_RELA = 4;

	static final int SHT_NOBITS = 8;

	static final int SHT_REL = 9;

	static final long SHF_EXECINSTR = 0x4;

	static final int STT_NOTYPE = 0;

	static final int STT_OBJECT = 1;

	static final int STT_FUNC = 2;

	static final int STT_SECTION = 3;

	static final int STB_LOCAL = 0;

	static final int SHN_UNDEF = 0;

	static final int SHN_LORESERVE = 0xff00;

	static final int SHN_XINDEX = 0xffff;

	/**
	 * Longest section or symbol name accepted, in bytes: the kernel's KSYM_NAME_LEN. It
	 * bounds the work and memory per name, so that many symbols pointing into one long
	 * string cannot cost more than a constant factor of the file size.
	 */
	static final int MAX_NAME = 512;

	/**
	 * A section header. {@code offset} and {@code size} are unsigned values held in
	 * longs.
	 */
	record Section(int index, String name, int type, long flags, long offset, long size, int link, int info,
			long entsize) {

		boolean isExec() {
			return this.type == SHT_PROGBITS && (this.flags & SHF_EXECINSTR) != 0;
		}

		/** {@code section 'tc' (index 3)}: how error messages name a section. */
		String describe() {
			return "section '" + this.name + "' (index " + this.index + ")";
		}

	}

	/** A symbol table entry. */
	record Symbol(int index, String name, int info, int shndx, long value, long size) {

		int type() {
			return this.info & 0xf;
		}

		int bind() {
			return (this.info >>> 4) & 0xf;
		}

	}

	final byte[] data;

	final Section[] sections;

	final Symbol[] symbols;

	/** Index of the symbol table section, or -1. */
	final int symtabIndex;

	private ElfFile(byte[] data, Section[] sections, Symbol[] symbols, int symtabIndex) {
		this.data = data;
		this.sections = sections;
		this.symbols = symbols;
		this.symtabIndex = symtabIndex;
	}

	static ElfFile parse(byte[] data) throws ElfException {
		long len = data.length;
		if (len < EHDR_SIZE) {
			throw new ElfException("truncated ELF header: " + len + " bytes, need " + EHDR_SIZE);
		}
		if (data[0] != 0x7f || data[1] != 'E' || data[2] != 'L' || data[3] != 'F') {
			throw new ElfException(
					String.format("not an ELF object: bad magic %02x %02x %02x %02x (expected 7f 45 4c 46)",
							data[0] & 0xff, data[1] & 0xff, data[2] & 0xff, data[3] & 0xff));
		}
		int cls = data[4] & 0xff;
		if (cls != 2) {
			throw new ElfException("ELF class " + cls + " is not supported: BPF objects are ELF64 (class 2)");
		}
		int enc = data[5] & 0xff;
		if (enc == 2) {
			throw new ElfException(
					"big-endian ELF (EI_DATA 2) is not supported: build the object little-endian (clang -target bpfel)");
		}
		if (enc != 1) {
			throw new ElfException("invalid ELF data encoding " + enc + " (EI_DATA)");
		}
		int type = u16(data, 16);
		if (type != ET_REL) {
			throw new ElfException(
					"ELF type " + type + " is not supported: expected a relocatable object (ET_REL, clang -c)");
		}
		int machine = u16(data, 18);
		if (machine != EM_BPF) {
			throw new ElfException("ELF machine " + machine + " is not BPF (EM_BPF = 247)");
		}
		long shoff = u64(data, 40);
		int shentsize = u16(data, 58);
		long shnum = u16(data, 60);
		int shstrndx = u16(data, 62);
		if (shoff == 0 && shnum == 0) {
			throw new ElfException("ELF object has no section headers");
		}
		if (shentsize != SHDR_SIZE) {
			throw new ElfException("ELF section header size " + shentsize + " is not " + SHDR_SIZE);
		}
		if (shoff < 0 || shoff > len - SHDR_SIZE) {
			throw new ElfException("section headers at offset " + Long.toUnsignedString(shoff)
					+ " are outside the file (" + len + " bytes)");
		}
		if (shnum == 0) {
			// extended numbering: the count is in section 0's sh_size
			shnum = u64(data, (int) shoff + 32);
		}
		if (shnum <= 0 || shnum > (len - shoff) / SHDR_SIZE) {
			throw new ElfException("section headers at offset " + shoff + " (" + Long.toUnsignedString(shnum) + " x "
					+ SHDR_SIZE + " bytes) extend past the end of the file (" + len + " bytes)");
		}
		if (shstrndx == SHN_XINDEX) {
			shstrndx = (int) u32(data, (int) shoff + 40);
		}
		int n = (int) shnum;
		if (shstrndx <= 0 || shstrndx >= n) {
			throw new ElfException("section name string table index " + Integer.toUnsignedString(shstrndx)
					+ " is out of range (" + n + " sections)");
		}
		Section[] sections = new Section[n];
		// the name string table first: every other header needs it for its name
		Section shstr = readSection(data, (int) (shoff + (long) shstrndx * SHDR_SIZE), shstrndx,
				"section name string table (index " + shstrndx + ")", false);
		if (shstr.type() != SHT_STRTAB) {
			throw new ElfException(
					"section name string table (index " + shstrndx + ") has type " + shstr.type() + ", not SHT_STRTAB");
		}
		checkBounds(data, shstr, "section name string table (index " + shstrndx + ")");
		for (int i = 0; i < n; i++) {
			long nameOff = u32(data, (int) (shoff + (long) i * SHDR_SIZE));
			String name = i == 0 ? "" : cstring(data, shstr, "the section name string table (index " + shstrndx + ")",
					nameOff, "name of section " + i);
			sections[i] = readSection(data, (int) (shoff + (long) i * SHDR_SIZE), i, name, true);
		}
		int symtab = -1;
		for (Section s : sections) {
			if (s.type() == SHT_SYMTAB) {
				if (symtab >= 0) {
					throw new ElfException(
							"multiple symbol tables: " + sections[symtab].describe() + " and " + s.describe());
				}
				symtab = s.index();
			}
		}
		Symbol[] symbols = symtab < 0 ? new Symbol[0] : readSymbols(data, sections, sections[symtab]);
		return new ElfFile(data, sections, symbols, symtab);
	}

	private static Section readSection(byte[] data, int p, int index, String name, boolean check) throws ElfException {
		int type = (int) u32(data, p + 4);
		long flags = u64(data, p + 8);
		long offset = u64(data, p + 24);
		long size = u64(data, p + 32);
		int link = (int) u32(data, p + 40);
		int info = (int) u32(data, p + 44);
		long entsize = u64(data, p + 56);
		Section s = new Section(index, name, type, flags, offset, size, link, info, entsize);
		if (check) {
			checkBounds(data, s, s.describe());
		}
		return s;
	}

	private static void checkBounds(byte[] data, Section s, String what) throws ElfException {
		if (s.type() != SHT_NOBITS && s.type() != SHT_NULL) {
			long len = data.length;
			long offset = s.offset();
			long size = s.size();
			if (offset < 0 || size < 0 || offset > len || size > len - offset) {
				throw new ElfException(what + ": offset " + Long.toUnsignedString(offset) + " + size "
						+ Long.toUnsignedString(size) + " is past the end of the file (" + len + " bytes)");
			}
		}
	}

	private static Symbol[] readSymbols(byte[] data, Section[] sections, Section symtab) throws ElfException {
		if (symtab.entsize() != SYM_SIZE && symtab.entsize() != 0) {
			throw new ElfException(symtab.describe() + ": symbol size " + Long.toUnsignedString(symtab.entsize())
					+ " is not " + SYM_SIZE);
		}
		if (symtab.size() % SYM_SIZE != 0) {
			throw new ElfException(symtab.describe() + ": size " + symtab.size() + " is not a multiple of " + SYM_SIZE
					+ " (one symbol)");
		}
		if (symtab.link() <= 0 || symtab.link() >= sections.length || sections[symtab.link()].type() != SHT_STRTAB) {
			throw new ElfException(symtab.describe() + ": string table index " + Integer.toUnsignedString(symtab.link())
					+ " is not a string table section");
		}
		Section strtab = sections[symtab.link()];
		int n = (int) (symtab.size() / SYM_SIZE);
		Symbol[] out = new Symbol[n];
		for (int i = 0; i < n; i++) {
			int p = (int) (symtab.offset() + (long) i * SYM_SIZE);
			long nameOff = u32(data, p);
			int info = data[p + 4] & 0xff;
			int shndx = u16(data, p + 6);
			long value = u64(data, p + 8);
			long size = u64(data, p + 16);
			String name;
			if ((info & 0xf) == STT_SECTION && nameOff == 0 && shndx > 0 && shndx < sections.length) {
				name = sections[shndx].name();
			}
			else {
				name = cstring(data, strtab, strtab.describe(), nameOff, "name of symbol " + i);
			}
			out[i] = new Symbol(i, name, info, shndx, value, size);
		}
		return out;
	}

	/** The NUL-terminated string at {@code off} of string table {@code strtab}. */
	static String cstring(byte[] data, Section strtab, String table, long off, String what) throws ElfException {
		if (off < 0 || off >= strtab.size()) {
			throw new ElfException(what + ": offset " + Long.toUnsignedString(off) + " is outside "
					+ table.replace("section '", "string table '") + " (" + strtab.size() + " bytes)");
		}
		int start = (int) (strtab.offset() + off);
		int end = (int) Math.min(strtab.offset() + strtab.size(), start + (long) MAX_NAME + 1);
		int p = start;
		while (p < end && data[p] != 0) {
			p++;
		}
		if (p == end) {
			throw new ElfException(what + ": string at offset " + off + " of " + table.replace("section '", "'")
					+ (p - start > MAX_NAME ? " is longer than " + MAX_NAME + " bytes" : " is not NUL-terminated"));
		}
		return new String(data, start, p - start, StandardCharsets.UTF_8);
	}

	static int u16(byte[] b, int off) {
		return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8;
	}

	static long u32(byte[] b, int off) {
		return (b[off] & 0xffL) | (b[off + 1] & 0xffL) << 8 | (b[off + 2] & 0xffL) << 16 | (b[off + 3] & 0xffL) << 24;
	}

	/** A u64 field; values above {@code Long.MAX_VALUE} come back negative. */
	static long u64(byte[] b, int off) {
		return u32(b, off) | u32(b, off + 4) << 32;
	}

}
