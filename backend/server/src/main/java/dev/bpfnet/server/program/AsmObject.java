package dev.bpfnet.server.program;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import dev.bpfnet.bpf.isa.Insn;

/**
 * Wraps assembled instructions into the smallest relocatable BPF ELF object that
 * {@link dev.bpfnet.bpf.elf.ElfLoader} (and libbpf) open: an {@code ET_REL}
 * {@code EM_BPF} ELF64 little-endian file with
 * <ol>
 * <li>the program section ({@code SHT_PROGBITS}, {@code SHF_ALLOC|SHF_EXECINSTR}) holding
 * the instruction slots,</li>
 * <li>{@code license} ({@code "GPL"}, so that GPL-only helpers are allowed, as for the
 * lab's own programs),</li>
 * <li>{@code .symtab} with one {@code STT_FUNC}/{@code STB_GLOBAL} symbol naming the
 * program at offset 0,</li>
 * <li>{@code .strtab} and {@code .shstrtab}.</li>
 * </ol>
 * Storing assembly this way means every stored program, whatever its source, is an ELF
 * object: the engine, the download endpoint and {@link ProgramObjects} have one path. No
 * maps, no BTF and no relocations: an assembly program that needs maps must be written in
 * C or uploaded as an object.
 */
public final class AsmObject {

	static final int EM_BPF = 247;

	private static final int SHT_PROGBITS = 1;

	private static final int SHT_SYMTAB = 2;

	private static final int SHT_STRTAB = 3;

	private static final int SHF_WRITE = 1;

	private static final int SHF_ALLOC = 2;

	private static final int SHF_EXECINSTR = 4;

	private AsmObject() {
	}

	/**
	 * The ELF bytes.
	 * @param section the program's section name ({@code tc}, {@code tcx/ingress}, ...)
	 * @param function the program's symbol name (a C identifier)
	 * @param insns the instruction slots
	 */
	public static byte[] elf(String section, String function, Insn[] insns) {
		byte[] code = Insn.encode(insns);
		byte[] license = "GPL\0".getBytes(StandardCharsets.US_ASCII);

		Strtab shstr = new Strtab();
		int nSection = shstr.add(section);
		int nLicense = shstr.add("license");
		int nSymtab = shstr.add(".symtab");
		int nStrtab = shstr.add(".strtab");
		int nShstrtab = shstr.add(".shstrtab");
		Strtab str = new Strtab();
		int nFunc = str.add(function);

		byte[] symtab = new byte[2 * 24];
		ByteBuffer sb = ByteBuffer.wrap(symtab).order(ByteOrder.LITTLE_ENDIAN);
		sb.position(24);
		sb.putInt(nFunc); // st_name
		sb.put((byte) ((1 << 4) | 2)); // STB_GLOBAL, STT_FUNC
		sb.put((byte) 0); // STV_DEFAULT
		sb.putShort((short) 1); // the program section
		sb.putLong(0); // st_value
		sb.putLong(code.length); // st_size

		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.writeBytes(new byte[64]);
		long offCode = place(out, code);
		long offLicense = place(out, license);
		long offSymtab = place(out, symtab);
		long offStr = place(out, str.bytes());
		long offShstr = place(out, shstr.bytes());
		align(out);
		long shoff = out.size();
		ByteBuffer sh = ByteBuffer.allocate(6 * 64).order(ByteOrder.LITTLE_ENDIAN);
		sh.position(64); // null section
		header(sh, nSection, SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, offCode, code.length, 0, 0, 8, 0);
		header(sh, nLicense, SHT_PROGBITS, SHF_WRITE | SHF_ALLOC, offLicense, license.length, 0, 0, 1, 0);
		header(sh, nSymtab, SHT_SYMTAB, 0, offSymtab, symtab.length, 4, 1, 8, 24);
		header(sh, nStrtab, SHT_STRTAB, 0, offStr, str.bytes().length, 0, 0, 1, 0);
		header(sh, nShstrtab, SHT_STRTAB, 0, offShstr, shstr.bytes().length, 0, 0, 1, 0);
		out.writeBytes(sh.array());

		byte[] elf = out.toByteArray();
		ByteBuffer eh = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
		eh.put(new byte[] { 0x7f, 'E', 'L', 'F', 2, 1, 1, 0 }); // ELF64, LSB, EV_CURRENT,
																// SYSV
		eh.position(16);
		eh.putShort((short) 1); // ET_REL
		eh.putShort((short) EM_BPF);
		eh.putInt(1); // e_version
		eh.putLong(0); // e_entry
		eh.putLong(0); // e_phoff
		eh.putLong(shoff);
		eh.putInt(0); // e_flags
		eh.putShort((short) 64); // e_ehsize
		eh.putShort((short) 0); // e_phentsize
		eh.putShort((short) 0); // e_phnum
		eh.putShort((short) 64); // e_shentsize
		eh.putShort((short) 6); // e_shnum
		eh.putShort((short) 5); // e_shstrndx
		return elf;
	}

	private static long place(ByteArrayOutputStream out, byte[] data) {
		align(out);
		long off = out.size();
		out.writeBytes(data);
		return off;
	}

	private static void align(ByteArrayOutputStream out) {
		while (out.size() % 8 != 0) {
			out.write(0);
		}
	}

	private static void header(ByteBuffer sh, int name, int type, long flags, long offset, long size, int link,
			int info, long align, long entsize) {
		sh.putInt(name);
		sh.putInt(type);
		sh.putLong(flags);
		sh.putLong(0); // sh_addr
		sh.putLong(offset);
		sh.putLong(size);
		sh.putInt(link);
		sh.putInt(info);
		sh.putLong(align);
		sh.putLong(entsize);
	}

	/** A string table: starts with the empty string. */
	private static final class Strtab {

		private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

		Strtab() {
			this.bytes.write(0);
		}

		int add(String s) {
			int at = this.bytes.size();
			this.bytes.writeBytes(s.getBytes(StandardCharsets.UTF_8));
			this.bytes.write(0);
			return at;
		}

		byte[] bytes() {
			return this.bytes.toByteArray();
		}

	}

}
