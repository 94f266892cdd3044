package dev.bpfnet.bpf.elf;

import dev.bpfnet.bpf.TestObjects;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import dev.bpfnet.bpf.isa.Insn;

/**
 * Test-side ELF tools, written independently of the loader: read the committed (or
 * freshly built) objects, find where their header fields live so tests can patch them,
 * and build small objects by hand.
 */
final class TestElf {

	private TestElf() {
	}

	/** The objects built by {@code src/test/c/build.sh}. */
	static final List<String> OBJECTS = List.of("flow_counter", "nat", "pod_egress", "allowlist", "ringbuf_logger",
			"tail_call", "l2_encap", "xdp_redirect", "legacy_maps", "legacy_maps_nobtf");

	/** The bytes of {@code name.o} ({@link TestObjects#bytes}). */
	static byte[] object(String name) {
		return TestObjects.bytes(name);
	}

	static BpfObject load(String name) {
		return TestObjects.load(name);
	}

	static ByteBuffer le(byte[] b) {
		return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
	}

	/** A section header as the file has it, with where the header itself is. */
	record Shdr(int index, String name, int type, long flags, long offset, long size, int link, int info,
			int headerOffset) {

		int fieldOffset(String field) {
			return this.headerOffset + switch (field) {
				case "name" -> 0;
				case "type" -> 4;
				case "flags" -> 8;
				case "offset" -> 24;
				case "size" -> 32;
				case "link" -> 40;
				case "info" -> 44;
				case "entsize" -> 56;
				default -> throw new IllegalArgumentException(field);
			};
		}

	}

	static List<Shdr> sections(byte[] elf) {
		ByteBuffer b = le(elf);
		int shoff = (int) b.getLong(40);
		int shnum = b.getShort(60) & 0xffff;
		int shstrndx = b.getShort(62) & 0xffff;
		int strOff = (int) b.getLong(shoff + shstrndx * 64 + 24);
		List<Shdr> out = new ArrayList<>();
		for (int i = 0; i < shnum; i++) {
			int h = shoff + i * 64;
			out.add(new Shdr(i, cstring(elf, strOff + b.getInt(h)), b.getInt(h + 4), b.getLong(h + 8),
					b.getLong(h + 24), b.getLong(h + 32), b.getInt(h + 40), b.getInt(h + 44), h));
		}
		return out;
	}

	static Shdr section(byte[] elf, String name) {
		for (Shdr s : sections(elf)) {
			if (s.name().equals(name)) {
				return s;
			}
		}
		throw new IllegalArgumentException("no section " + name);
	}

	static String cstring(byte[] b, int off) {
		int end = off;
		while (b[end] != 0) {
			end++;
		}
		return new String(b, off, end - off, StandardCharsets.UTF_8);
	}

	/** The raw instructions of a section, as clang wrote them. */
	static Insn[] rawInsns(byte[] elf, String section) {
		Shdr s = section(elf, section);
		return Insn.decode(elf, (int) s.offset(), (int) s.size());
	}

	/** {offset, width} of the file header's and the section headers' fields. */
	static List<int[]> headerFields(byte[] elf) {
		List<int[]> out = new ArrayList<>();
		int[][] ehdr = { { 4, 1 }, { 5, 1 }, { 16, 2 }, { 18, 2 }, { 40, 8 }, { 58, 2 }, { 60, 2 }, { 62, 2 } };
		for (int[] f : ehdr) {
			out.add(f);
		}
		for (Shdr s : sections(elf)) {
			for (String f : List.of("name", "type", "link", "info")) {
				out.add(new int[] { s.fieldOffset(f), 4 });
			}
			for (String f : List.of("flags", "offset", "size", "entsize")) {
				out.add(new int[] { s.fieldOffset(f), 8 });
			}
		}
		return out;
	}

	/** {offset, width} of the fields worth corrupting: headers, tables, BTF headers. */
	static List<int[]> interestingFields(byte[] elf) {
		List<int[]> out = new ArrayList<>(); // {offset, width}
		int[][] ehdr = { { 4, 1 }, { 5, 1 }, { 16, 2 }, { 18, 2 }, { 40, 8 }, { 58, 2 }, { 60, 2 }, { 62, 2 } };
		for (int[] f : ehdr) {
			out.add(f);
		}
		List<Shdr> secs = sections(elf);
		for (Shdr s : secs) {
			for (String f : List.of("name", "type", "link", "info")) {
				out.add(new int[] { s.fieldOffset(f), 4 });
			}
			for (String f : List.of("flags", "offset", "size", "entsize")) {
				out.add(new int[] { s.fieldOffset(f), 8 });
			}
			if (s.type() == 2) { // symbols: name, info, shndx, value, size
				for (long p = s.offset(); p + 24 <= s.offset() + s.size(); p += 24) {
					out.add(new int[] { (int) p, 4 });
					out.add(new int[] { (int) p + 4, 1 });
					out.add(new int[] { (int) p + 6, 2 });
					out.add(new int[] { (int) p + 8, 8 });
					out.add(new int[] { (int) p + 16, 8 });
				}
			}
			if (s.type() == 9) { // relocations: offset, type, symbol
				for (long p = s.offset(); p + 16 <= s.offset() + s.size(); p += 16) {
					out.add(new int[] { (int) p, 8 });
					out.add(new int[] { (int) p + 8, 4 });
					out.add(new int[] { (int) p + 12, 4 });
				}
			}
			if (s.name().equals(".BTF") || s.name().equals(".BTF.ext")) {
				for (int f = 4; f < 32 && f + 4 <= s.size(); f += 4) {
					out.add(new int[] { (int) s.offset() + f, 4 });
				}
				if (s.name().equals(".BTF") && s.size() >= 24) {
					ByteBuffer b = le(elf);
					int hdr = b.getInt((int) s.offset() + 4);
					int typeStart = (int) s.offset() + hdr + b.getInt((int) s.offset() + 8);
					int typeLen = b.getInt((int) s.offset() + 12);
					// the first words of the type section: name_off, info (vlen/kind),
					// size_or_type
					for (int p = typeStart; p < typeStart + Math.min(typeLen, 600); p += 4) {
						out.add(new int[] { p, 4 });
					}
				}
			}
			if (s.name().equals(".maps") || s.name().equals("maps") || s.name().equals("version")) {
				for (long p = s.offset(); p + 4 <= s.offset() + s.size(); p += 4) {
					out.add(new int[] { (int) p, 4 });
				}
			}
		}
		return out;
	}

	static void put(byte[] b, int off, int width, long value) {
		for (int i = 0; i < width && off + i < b.length; i++) {
			b[off + i] = (byte) (value >>> (8 * i));
		}
	}

	/**
	 * Builds small ELF64 little-endian EM_BPF relocatable objects: sections with
	 * contents, a symbol table and REL sections, laid out one after another.
	 */
	static final class Builder {

		record Sec(String name, int type, long flags, byte[] data, int link, int info, long entsize, long nobitsSize) {
		}

		record Sym(String name, int info, int shndx, long value, long size) {
		}

		record Rel(String target, long offset, int symbol, int type) {
		}

		private final List<Sec> secs = new ArrayList<>();

		private final List<Sym> syms = new ArrayList<>();

		private final List<Rel> rels = new ArrayList<>();

		private int machine = 247;

		Builder() {
			this.syms.add(new Sym("", 0, 0, 0, 0));
		}

		Builder machine(int m) {
			this.machine = m;
			return this;
		}

		/** Adds a section; returns its index (section 0 is the null section). */
		int section(String name, int type, long flags, byte[] data) {
			this.secs.add(new Sec(name, type, flags, data, 0, 0, 0, 0));
			return this.secs.size();
		}

		int code(String name, Insn... insns) {
			return section(name, 1, 0x6, Insn.encode(insns));
		}

		int bss(String name, long size) {
			this.secs.add(new Sec(name, 8, 0x3, new byte[0], 0, 0, 0, size));
			return this.secs.size();
		}

		/** Adds a symbol; returns its index. */
		int symbol(String name, int type, int bind, int shndx, long value, long size) {
			this.syms.add(new Sym(name, (bind << 4) | type, shndx, value, size));
			return this.syms.size() - 1;
		}

		Builder rel(String target, long offset, int symbol, int type) {
			this.rels.add(new Rel(target, offset, symbol, type));
			return this;
		}

		byte[] build() {
			List<Sec> all = new ArrayList<>(this.secs);
			int symtab = all.size() + 1;
			int strtab = all.size() + 2;
			ByteArrayOutputStream strings = new ByteArrayOutputStream();
			strings.write(0);
			// symbols
			ByteBuffer symBuf = ByteBuffer.allocate(24 * this.syms.size()).order(ByteOrder.LITTLE_ENDIAN);
			for (Sym s : this.syms) {
				symBuf.putInt(addString(strings, s.name()));
				symBuf.put((byte) s.info()).put((byte) 0).putShort((short) s.shndx());
				symBuf.putLong(s.value()).putLong(s.size());
			}
			all.add(new Sec(".symtab", 2, 0, symBuf.array(), strtab, 1, 24, 0));
			all.add(null); // strtab, filled last
			for (String target : this.rels.stream().map(Rel::target).distinct().toList()) {
				List<Rel> mine = this.rels.stream().filter(r -> r.target().equals(target)).toList();
				ByteBuffer rb = ByteBuffer.allocate(16 * mine.size()).order(ByteOrder.LITTLE_ENDIAN);
				for (Rel r : mine) {
					rb.putLong(r.offset()).putLong(((long) r.symbol() << 32) | (r.type() & 0xffffffffL));
				}
				int targetIndex = -1;
				for (int i = 0; i < this.secs.size(); i++) {
					if (this.secs.get(i).name().equals(target)) {
						targetIndex = i + 1;
					}
				}
				all.add(new Sec(".rel" + target, 9, 0, rb.array(), symtab, targetIndex, 16, 0));
			}
			int[] nameOffsets = new int[all.size()];
			for (int i = 0; i < all.size(); i++) {
				nameOffsets[i] = addString(strings, all.get(i) == null ? ".strtab" : all.get(i).name());
			}
			all.set(strtab - 1, new Sec(".strtab", 3, 0, strings.toByteArray(), 0, 0, 0, 0));
			ByteArrayOutputStream body = new ByteArrayOutputStream();
			body.writeBytes(new byte[64]);
			long[] offsets = new long[all.size()];
			for (int i = 0; i < all.size(); i++) {
				while (body.size() % 8 != 0) {
					body.write(0);
				}
				offsets[i] = body.size();
				body.writeBytes(all.get(i).data());
			}
			while (body.size() % 8 != 0) {
				body.write(0);
			}
			int shoff = body.size();
			int shnum = all.size() + 1;
			ByteBuffer out = ByteBuffer.allocate(shoff + 64 * shnum).order(ByteOrder.LITTLE_ENDIAN);
			out.put(body.toByteArray());
			out.position(0);
			out.put(new byte[] { 0x7f, 'E', 'L', 'F', 2, 1, 1 });
			out.putShort(16, (short) 1).putShort(18, (short) this.machine).putInt(20, 1);
			out.putLong(40, shoff).putShort(52, (short) 64).putShort(58, (short) 64);
			out.putShort(60, (short) shnum).putShort(62, (short) strtab);
			for (int i = 0; i < all.size(); i++) {
				Sec s = all.get(i);
				int h = shoff + 64 * (i + 1);
				out.putInt(h, nameOffsets[i]).putInt(h + 4, s.type()).putLong(h + 8, s.flags());
				out.putLong(h + 24, offsets[i]).putLong(h + 32, s.type() == 8 ? s.nobitsSize() : s.data().length);
				out.putInt(h + 40, s.link()).putInt(h + 44, s.info()).putLong(h + 48, 8).putLong(h + 56, s.entsize());
			}
			return out.array();
		}

		private static int addString(ByteArrayOutputStream strings, String s) {
			if (s.isEmpty()) {
				return 0;
			}
			int off = strings.size();
			strings.writeBytes(s.getBytes(StandardCharsets.UTF_8));
			strings.write(0);
			return off;
		}

	}

}
