package dev.bpfnet.bpf.btf;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code .BTF.ext} section: per ELF section, the BTF FUNC of each function start
 * ({@code func_info}) and the source position of instructions ({@code line_info}), as
 * clang emits them with {@code -g} and libbpf's {@code btf_ext__new()} reads them.
 *
 * <p>
 * Layout ({@code struct btf_ext_header} in libbpf's {@code libbpf_internal.h}): magic,
 * version, flags, {@code hdr_len}, then {@code func_info_off/len} and
 * {@code line_info_off/len} relative to the end of the header (CO-RE relocation records
 * may follow; they are not read: in the emulator the object's own BTF is the target, so
 * the offsets clang compiled in are already right). Each info block starts with a
 * {@code u32 rec_size} and holds, per section, {@code u32 sec_name_off, u32 num_info} and
 * {@code num_info} records. Instruction offsets are in bytes in the object file; the
 * records here hold instruction indexes.
 */
public final class BtfExt {

	/**
	 * A {@code bpf_func_info}: the function starting at {@code insn} has BTF FUNC
	 * {@code typeId}.
	 */
	public record FuncRecord(String section, int insn, int typeId) {
	}

	/**
	 * A {@code bpf_line_info}: instruction {@code insn} comes from
	 * {@code file:line:column}.
	 */
	public record LineRecord(String section, int insn, String file, String source, int line, int column) {
	}

	private static final int MIN_HEADER = 24;

	/** Source lines and file names are cut after this many bytes. */
	public static final int MAX_TEXT = 256;

	private final List<FuncRecord> funcs;

	private final List<LineRecord> lines;

	private BtfExt(List<FuncRecord> funcs, List<LineRecord> lines) {
		this.funcs = Collections.unmodifiableList(funcs);
		this.lines = Collections.unmodifiableList(lines);
	}

	public List<FuncRecord> funcs() {
		return this.funcs;
	}

	public List<LineRecord> lines() {
		return this.lines;
	}

	/**
	 * Parses {@code data[offset, offset + length)}; names are resolved in {@code btf}'s
	 * string section.
	 * @throws BtfException naming the block, section and record at fault
	 */
	public static BtfExt parse(byte[] data, int offset, int length, Btf btf) throws BtfException {
		if (offset < 0 || length < 0 || offset > data.length - length) {
			throw new IllegalArgumentException("range outside the array");
		}
		if (length < MIN_HEADER) {
			throw new BtfException("BTF.ext header truncated: " + length + " bytes, need " + MIN_HEADER);
		}
		int magic = Btf.u16(data, offset);
		if (magic != Btf.MAGIC) {
			throw new BtfException(String.format("bad BTF.ext magic 0x%04x, expected 0xeb9f", magic));
		}
		int version = data[offset + 2] & 0xff;
		if (version != 1) {
			throw new BtfException("unsupported BTF.ext version " + version);
		}
		long hdrLen = Btf.u32(data, offset + 4);
		if (hdrLen < MIN_HEADER || hdrLen > length) {
			throw new BtfException(
					"BTF.ext header length " + hdrLen + " is out of range (" + MIN_HEADER + ".." + length + ")");
		}
		int base = offset + (int) hdrLen;
		long body = length - hdrLen;
		List<FuncRecord> funcs = new ArrayList<>();
		List<LineRecord> lines = new ArrayList<>();
		Map<Long, String> cache = new HashMap<>();
		readBlock(data, base, body, Btf.u32(data, offset + 8), Btf.u32(data, offset + 12), "func_info", 8, btf, cache,
				(sec, p, insn) -> funcs.add(new FuncRecord(sec, insn, (int) Btf.u32(data, p + 4))));
		readBlock(data, base, body, Btf.u32(data, offset + 16), Btf.u32(data, offset + 20), "line_info", 16, btf, cache,
				(sec, p, insn) -> {
					long col = Btf.u32(data, p + 12);
					lines.add(new LineRecord(sec, insn,
							name(btf, cache, Btf.u32(data, p + 4), "line_info", sec, "file name"),
							name(btf, cache, Btf.u32(data, p + 8), "line_info", sec, "line"), (int) (col >>> 10),
							(int) (col & 0x3ff)));
				});
		return new BtfExt(funcs, lines);
	}

	private interface RecordSink {

		void accept(String section, int recordOffset, int insn) throws BtfException;

	}

	private static String name(Btf btf, Map<Long, String> cache, long off, String block, String section, String what)
			throws BtfException {
		if (off >= btf.stringsLength()) {
			throw new BtfException(block + " of section '" + section + "': " + what + " offset " + off
					+ " is outside the BTF string section (" + btf.stringsLength() + " bytes)");
		}
		return cache.computeIfAbsent(off, o -> btf.string(o, MAX_TEXT));
	}

	private static void readBlock(byte[] data, int base, long body, long off, long len, String block, int minRecord,
			Btf btf, Map<Long, String> cache, RecordSink sink) throws BtfException {
		if (len == 0) {
			return;
		}
		if (off > body || len > body - off) {
			throw new BtfException(block + " (offset " + off + ", length " + len + ") is outside the " + body
					+ " bytes after the header");
		}
		if (len < 4) {
			throw new BtfException(block + ": " + len + " bytes, too short for the record size");
		}
		int p = base + (int) off;
		int end = p + (int) len;
		long recSize = Btf.u32(data, p);
		if (recSize < minRecord || recSize > 1024 || (recSize & 3) != 0) {
			throw new BtfException(
					block + ": record size " + recSize + " is invalid (at least " + minRecord + ", a multiple of 4)");
		}
		p += 4;
		while (p < end) {
			if (end - p < 8) {
				throw new BtfException(block + " at offset " + (p - base) + ": truncated section header");
			}
			String sec = name(btf, cache, Btf.u32(data, p), block, "?", "section name");
			long num = Btf.u32(data, p + 4);
			p += 8;
			if (num == 0) {
				throw new BtfException(block + " of section '" + sec + "' has no records");
			}
			if (num > (end - p) / recSize) {
				throw new BtfException(block + " of section '" + sec + "': " + num + " records of " + recSize
						+ " bytes do not fit in the " + (end - p) + " bytes left");
			}
			for (long i = 0; i < num; i++, p += (int) recSize) {
				long insnOff = Btf.u32(data, p);
				if ((insnOff & 7) != 0) {
					throw new BtfException(block + " of section '" + sec + "': record " + i + " has instruction offset "
							+ insnOff + ", not a multiple of 8");
				}
				sink.accept(sec, p, (int) (insnOff >>> 3));
			}
		}
	}

}
