package dev.bpfnet.bpf.btf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The BPF Type Format of an object's {@code .BTF} section: a header, a type section and a
 * string section, as described in the kernel's {@code Documentation/bpf/btf.rst} and
 * {@code include/uapi/linux/btf.h}.
 *
 * <p>
 * Parsing models the structural half of {@code btf_parse()} in {@code kernel/bpf/btf.c}:
 * header and section bounds, string section framing, every type's trailing data inside
 * the type section, every name offset inside the string section and every referenced type
 * id inside the table. It does not run the kernel's per-kind semantic checks (member
 * offsets against struct sizes, enum value widths); the loader asks only for what it
 * needs. Type ids are implicit and sequential from 1, 0 is {@code void}.
 *
 * <p>
 * Types are kept as offsets into a copy of the type section and decoded on demand, so
 * that memory stays proportional to the section. Every walk along type references is
 * bounded by {@link #MAX_RESOLVE_DEPTH}, as libbpf's {@code btf__resolve_size()} is, so a
 * cyclic chain ends in a {@link BtfException} (or a {@code ...} in the descriptions),
 * never in a hang.
 *
 * <p>
 * Instances are immutable and safe to share between threads.
 */
public final class Btf {

	/** {@code BTF_MAGIC}: 0xeb9f read little-endian; 0x9feb means big-endian data. */
	public static final int MAGIC = 0xeb9f;

	/** Size of {@code struct btf_header} (version 1). */
	public static final int HEADER_SIZE = 24;

	/** libbpf's {@code MAX_RESOLVE_DEPTH}: longest chain of references followed. */
	public static final int MAX_RESOLVE_DEPTH = 32;

	/** {@code BTF_FUNC_STATIC}, {@code BTF_FUNC_GLOBAL}, {@code BTF_FUNC_EXTERN}. */
	public static final int FUNC_STATIC = 0;

	public static final int FUNC_GLOBAL = 1;

	public static final int FUNC_EXTERN = 2;

	/**
	 * Longest type, member or section name, in bytes: the kernel's KSYM_NAME_LEN, which
	 * {@code btf_name_valid_identifier()} enforces.
	 */
	public static final int MAX_NAME = 512;

	private static final int TYPE_SIZE = 12;

	private static final int DESCRIBE_DEPTH = 16;

	/** Descriptions are cut (with {@code ...}) beyond this many characters. */
	public static final int MAX_DESCRIPTION = 4096;

	private final byte[] types;

	private final byte[] strings;

	/**
	 * offsets[id] is where type {@code id} starts in {@link #types}; offsets[0] is void.
	 */
	private final int[] offsets;

	private final int count;

	private Btf(byte[] types, byte[] strings, int[] offsets, int count) {
		this.types = types;
		this.strings = strings;
		this.offsets = offsets;
		this.count = count;
	}

	public static Btf parse(byte[] data) throws BtfException {
		return parse(data, 0, data.length);
	}

	/**
	 * Parses the {@code .BTF} bytes at {@code data[offset, offset + length)}.
	 * @throws BtfException naming the header field, type id or offset that is wrong
	 */
	public static Btf parse(byte[] data, int offset, int length) throws BtfException {
		if (offset < 0 || length < 0 || offset > data.length - length) {
			throw new IllegalArgumentException("range outside the array");
		}
		if (length < HEADER_SIZE) {
			throw new BtfException("BTF header truncated: " + length + " bytes, need " + HEADER_SIZE);
		}
		int magic = u16(data, offset);
		if (magic == 0x9feb) {
			throw new BtfException("BTF is big-endian (magic 0x9feb): only little-endian BTF is supported");
		}
		if (magic != MAGIC) {
			throw new BtfException(String.format("bad BTF magic 0x%04x, expected 0xeb9f", magic));
		}
		int version = data[offset + 2] & 0xff;
		if (version != 1) {
			throw new BtfException("unsupported BTF version " + version);
		}
		long hdrLen = u32(data, offset + 4);
		if (hdrLen < HEADER_SIZE || hdrLen > length) {
			throw new BtfException(
					"BTF header length " + hdrLen + " is out of range (" + HEADER_SIZE + ".." + length + ")");
		}
		long typeOff = u32(data, offset + 8);
		long typeLen = u32(data, offset + 12);
		long strOff = u32(data, offset + 16);
		long strLen = u32(data, offset + 20);
		long body = length - hdrLen;
		if (typeOff > body || typeLen > body - typeOff) {
			throw new BtfException("BTF type section (offset " + typeOff + ", length " + typeLen + ") is outside the "
					+ body + " bytes after the header");
		}
		if (strOff > body || strLen > body - strOff) {
			throw new BtfException("BTF string section (offset " + strOff + ", length " + strLen + ") is outside the "
					+ body + " bytes after the header");
		}
		if ((typeOff & 3) != 0) {
			throw new BtfException("BTF type section offset " + typeOff + " is not 4-byte aligned");
		}
		int base = offset + (int) hdrLen;
		byte[] strings = copy(data, base + (int) strOff, (int) strLen);
		if (strings.length == 0 || strings[0] != 0 || strings[strings.length - 1] != 0) {
			throw new BtfException("invalid BTF string section: it must start and end with a NUL byte");
		}
		int[] nextNul = new int[strings.length];
		for (int i = strings.length - 1, nul = i; i >= 0; i--) {
			if (strings[i] == 0) {
				nul = i;
			}
			nextNul[i] = nul;
		}
		byte[] types = copy(data, base + (int) typeOff, (int) typeLen);
		int[] offsets = new int[types.length / TYPE_SIZE + 1];
		int count = 1;
		int pos = 0;
		while (pos < types.length) {
			int id = count;
			if (types.length - pos < TYPE_SIZE) {
				throw new BtfException("type [" + id + "] at offset " + pos + ": truncated, " + (types.length - pos)
						+ " bytes left of " + TYPE_SIZE);
			}
			long nameOff = u32(types, pos);
			int info = (int) u32(types, pos + 4);
			BtfKind kind = BtfKind.byId((info >>> 24) & 0x1f);
			if (kind == null) {
				throw new BtfException("type [" + id + "]: unknown kind " + ((info >>> 24) & 0x1f));
			}
			long trailing = kind.trailingBytes(info & 0xffff);
			if (trailing > types.length - pos - TYPE_SIZE) {
				throw new BtfException("type [" + id + "] (" + kind + "): needs " + (TYPE_SIZE + trailing)
						+ " bytes, only " + (types.length - pos) + " left in the type section");
			}
			checkName(nextNul, nameOff, id, kind, "name");
			int vlen = info & 0xffff;
			if (vlen != 0 && kind.trailingBytes(1) == kind.trailingBytes(0) && kind != BtfKind.FUNC) {
				throw new BtfException("type [" + id + "] (" + kind + "): vlen != 0");
			}
			if (kind == BtfKind.FUNC && vlen > FUNC_EXTERN) {
				throw new BtfException("type [" + id + "] (FUNC): invalid func linkage " + vlen);
			}
			offsets[id] = pos;
			count++;
			pos += TYPE_SIZE + (int) trailing;
		}
		Btf btf = new Btf(types, strings, offsets, count);
		for (int id = 1; id < count; id++) {
			btf.checkReferences(id, nextNul);
		}
		return btf;
	}

	private static byte[] copy(byte[] data, int from, int len) {
		byte[] out = new byte[len];
		System.arraycopy(data, from, out, 0, len);
		return out;
	}

	private static void checkName(int[] nextNul, long off, int id, BtfKind kind, String what) throws BtfException {
		if (off >= nextNul.length) {
			throw new BtfException("type [" + id + "] (" + kind + "): " + what + " offset " + off
					+ " is outside the string section (" + nextNul.length + " bytes)");
		}
		if (nextNul[(int) off] - off > MAX_NAME) {
			throw new BtfException("type [" + id + "] (" + kind + "): " + what + " at offset " + off
					+ " is longer than " + MAX_NAME + " bytes");
		}
	}

	private void checkType(long ref, int id, String what) throws BtfException {
		if (ref >= this.count) {
			throw new BtfException("type [" + id + "] (" + kind(id) + "): " + what + " refers to type [" + ref
					+ "], but the last type is [" + (this.count - 1) + "]");
		}
	}

	private void checkReferences(int id, int[] nextNul) throws BtfException {
		BtfKind kind = kind(id);
		int p = this.offsets[id];
		int vlen = vlen(id);
		if (kind.refersToType()) {
			checkType(u32(this.types, p + 8), id, "its type");
		}
		int t = p + TYPE_SIZE;
		switch (kind) {
			case ARRAY -> {
				checkType(u32(this.types, t), id, "the element type");
				checkType(u32(this.types, t + 4), id, "the index type");
			}
			case STRUCT, UNION -> {
				for (int i = 0; i < vlen; i++, t += 12) {
					checkName(nextNul, u32(this.types, t), id, kind, "member " + i + " name");
					checkType(u32(this.types, t + 4), id, "member " + i);
				}
			}
			case ENUM -> {
				for (int i = 0; i < vlen; i++, t += 8) {
					checkName(nextNul, u32(this.types, t), id, kind, "value " + i + " name");
				}
			}
			case ENUM64 -> {
				for (int i = 0; i < vlen; i++, t += 12) {
					checkName(nextNul, u32(this.types, t), id, kind, "value " + i + " name");
				}
			}
			case FUNC_PROTO -> {
				for (int i = 0; i < vlen; i++, t += 8) {
					checkName(nextNul, u32(this.types, t), id, kind, "parameter " + i + " name");
					checkType(u32(this.types, t + 4), id, "parameter " + i);
				}
			}
			case DATASEC -> {
				for (int i = 0; i < vlen; i++, t += 12) {
					checkType(u32(this.types, t), id, "variable " + i);
				}
			}
			default -> {
			}
		}
	}

	// ---------------------------------------------------------------- raw access

	/** The number of types, not counting {@code void}: valid ids are 0..typeCount(). */
	public int typeCount() {
		return this.count - 1;
	}

	private int offsetOf(int id) {
		if (id <= 0 || id >= this.count) {
			throw new IllegalArgumentException("no BTF type [" + id + "]");
		}
		return this.offsets[id];
	}

	/** The kind of type {@code id}; {@link BtfKind#UNKN} for {@code void} (id 0). */
	public BtfKind kind(int id) {
		if (id == 0) {
			return BtfKind.UNKN;
		}
		return BtfKind.byId((int) (u32(this.types, offsetOf(id) + 4) >>> 24) & 0x1f);
	}

	/** The name of type {@code id}, empty for anonymous types and {@code void}. */
	public String name(int id) {
		if (id == 0) {
			return "";
		}
		return string(u32(this.types, offsetOf(id)));
	}

	/** {@code vlen}: members, values, parameters or variables; the linkage of a FUNC. */
	public int vlen(int id) {
		return id == 0 ? 0 : (int) (u32(this.types, offsetOf(id) + 4) & 0xffff);
	}

	public boolean kindFlag(int id) {
		return id != 0 && (u32(this.types, offsetOf(id) + 4) & 0x80000000L) != 0;
	}

	/** {@code size_or_type} as a size (INT, STRUCT, UNION, ENUM, DATASEC, FLOAT). */
	public long size(int id) {
		return id == 0 ? 0 : u32(this.types, offsetOf(id) + 8);
	}

	/** {@code size_or_type} as a type id (PTR, TYPEDEF, modifiers, FUNC, VAR, ...). */
	public int type(int id) {
		return id == 0 ? 0 : (int) u32(this.types, offsetOf(id) + 8);
	}

	/** Bits of an INT type ({@code BTF_INT_BITS}). */
	public int intBits(int id) {
		return (int) (u32(this.types, offsetOf(id) + TYPE_SIZE) & 0xff);
	}

	/** True for a signed INT ({@code BTF_INT_SIGNED}). */
	public boolean intSigned(int id) {
		return (u32(this.types, offsetOf(id) + TYPE_SIZE) >>> 24 & 1) != 0;
	}

	/** A struct or union member; with a kind flag, {@code bitfieldSize} is non-zero. */
	public record Member(String name, int type, long bitOffset, int bitfieldSize) {
	}

	/** {@code struct btf_array}. */
	public record ArrayInfo(int elemType, int indexType, long nelems) {
	}

	/** {@code struct btf_var_secinfo}: a variable of a DATASEC and its place. */
	public record VarSecinfo(int type, long offset, long size) {
	}

	/** An ENUM or ENUM64 value. */
	public record EnumValue(String name, long value) {
	}

	/** A FUNC_PROTO parameter. */
	public record Param(String name, int type) {
	}

	public List<Member> members(int id) {
		BtfKind k = kind(id);
		if (k != BtfKind.STRUCT && k != BtfKind.UNION) {
			throw new IllegalArgumentException("type [" + id + "] is " + k + ", not a STRUCT or UNION");
		}
		boolean bitfields = kindFlag(id);
		int t = offsetOf(id) + TYPE_SIZE;
		int n = vlen(id);
		List<Member> out = new ArrayList<>(n);
		for (int i = 0; i < n; i++, t += 12) {
			long off = u32(this.types, t + 8);
			out.add(new Member(string(u32(this.types, t)), (int) u32(this.types, t + 4),
					bitfields ? off & 0xffffff : off, bitfields ? (int) (off >>> 24) : 0));
		}
		return out;
	}

	public ArrayInfo array(int id) {
		if (kind(id) != BtfKind.ARRAY) {
			throw new IllegalArgumentException("type [" + id + "] is " + kind(id) + ", not an ARRAY");
		}
		int t = offsetOf(id) + TYPE_SIZE;
		return new ArrayInfo((int) u32(this.types, t), (int) u32(this.types, t + 4), u32(this.types, t + 8));
	}

	public List<VarSecinfo> datasec(int id) {
		if (kind(id) != BtfKind.DATASEC) {
			throw new IllegalArgumentException("type [" + id + "] is " + kind(id) + ", not a DATASEC");
		}
		int t = offsetOf(id) + TYPE_SIZE;
		int n = vlen(id);
		List<VarSecinfo> out = new ArrayList<>(n);
		for (int i = 0; i < n; i++, t += 12) {
			out.add(new VarSecinfo((int) u32(this.types, t), u32(this.types, t + 4), u32(this.types, t + 8)));
		}
		return out;
	}

	public List<EnumValue> enumValues(int id) {
		BtfKind k = kind(id);
		int t = offsetOf(id) + TYPE_SIZE;
		int n = vlen(id);
		List<EnumValue> out = new ArrayList<>(n);
		if (k == BtfKind.ENUM) {
			boolean unsigned = kindFlag(id);
			for (int i = 0; i < n; i++, t += 8) {
				long raw = u32(this.types, t + 4);
				out.add(new EnumValue(string(u32(this.types, t)), unsigned ? raw : (int) raw));
			}
		}
		else if (k == BtfKind.ENUM64) {
			for (int i = 0; i < n; i++, t += 12) {
				out.add(new EnumValue(string(u32(this.types, t)),
						u32(this.types, t + 4) | (u32(this.types, t + 8) << 32)));
			}
		}
		else {
			throw new IllegalArgumentException("type [" + id + "] is " + k + ", not an ENUM");
		}
		return out;
	}

	public List<Param> params(int id) {
		if (kind(id) != BtfKind.FUNC_PROTO) {
			throw new IllegalArgumentException("type [" + id + "] is " + kind(id) + ", not a FUNC_PROTO");
		}
		int t = offsetOf(id) + TYPE_SIZE;
		int n = vlen(id);
		List<Param> out = new ArrayList<>(n);
		for (int i = 0; i < n; i++, t += 8) {
			out.add(new Param(string(u32(this.types, t)), (int) u32(this.types, t + 4)));
		}
		return out;
	}

	/** The linkage of a VAR ({@code btf_var.linkage}: 0 static, 1 global). */
	public long varLinkage(int id) {
		if (kind(id) != BtfKind.VAR) {
			throw new IllegalArgumentException("type [" + id + "] is " + kind(id) + ", not a VAR");
		}
		return u32(this.types, offsetOf(id) + TYPE_SIZE);
	}

	/**
	 * The NUL-terminated string at {@code off} of the string section.
	 * @throws IllegalArgumentException when {@code off} is outside it
	 */
	public String string(long off) {
		return string(off, Integer.MAX_VALUE);
	}

	/**
	 * The string at {@code off}, cut after {@code maxBytes} bytes (for long source
	 * lines).
	 * @throws IllegalArgumentException when {@code off} is outside the string section
	 */
	public String string(long off, int maxBytes) {
		if (off < 0 || off >= this.strings.length) {
			throw new IllegalArgumentException(
					"string offset " + off + " is outside the string section (" + this.strings.length + " bytes)");
		}
		int start = (int) off;
		int end = start;
		while (this.strings[end] != 0 && end - start < maxBytes) {
			end++;
		}
		return new String(this.strings, start, end - start, StandardCharsets.UTF_8);
	}

	/** Size of the string section in bytes. */
	public int stringsLength() {
		return this.strings.length;
	}

	/** The first type of the given kind and name, or -1. */
	public int findByName(String name, BtfKind kind) {
		byte[] want = name.getBytes(StandardCharsets.UTF_8);
		for (int id = 1; id < this.count; id++) {
			if (kind(id) == kind && nameEquals(u32(this.types, this.offsets[id]), want)) {
				return id;
			}
		}
		return -1;
	}

	private boolean nameEquals(long off, byte[] want) {
		if (off + want.length >= this.strings.length) {
			return false;
		}
		int p = (int) off;
		for (byte b : want) {
			if (this.strings[p++] != b) {
				return false;
			}
		}
		return this.strings[p] == 0;
	}

	/**
	 * Where the ELF object put a data section and its variables: the input of
	 * {@link #withDatasecLayout}.
	 */
	public interface DatasecLayout {

		/** Size of ELF section {@code section}, or -1 when there is none. */
		long sectionSize(String section);

		/** Offset of variable {@code var} in ELF section {@code section}, or -1. */
		long varOffset(String section, String var);

	}

	/**
	 * A copy with the DATASEC sizes and variable offsets that clang leaves as zero in an
	 * object file filled in from the ELF symbol table, as libbpf's
	 * {@code btf_fixup_datasec()} does: only DATASECs of size 0 are changed (a linked
	 * object already has them), and variables without an ELF symbol keep their offset.
	 */
	public Btf withDatasecLayout(DatasecLayout layout) {
		byte[] patched = null;
		for (int id = 1; id < this.count; id++) {
			if (kind(id) != BtfKind.DATASEC || size(id) != 0) {
				continue;
			}
			String sec = name(id);
			long secSize = layout.sectionSize(sec);
			if (secSize <= 0 || secSize > 0xffffffffL) {
				continue;
			}
			if (patched == null) {
				patched = this.types.clone();
			}
			int p = this.offsets[id];
			putU32(patched, p + 8, secSize);
			int t = p + TYPE_SIZE;
			for (int i = 0, n = vlen(id); i < n; i++, t += 12) {
				int var = (int) u32(this.types, t);
				if (var <= 0 || var >= this.count || kind(var) != BtfKind.VAR) {
					continue;
				}
				long off = layout.varOffset(sec, name(var));
				if (off >= 0 && off <= 0xffffffffL) {
					putU32(patched, t + 4, off);
				}
			}
		}
		return patched == null ? this : new Btf(patched, this.strings, this.offsets, this.count);
	}

	private static void putU32(byte[] b, int off, long v) {
		b[off] = (byte) v;
		b[off + 1] = (byte) (v >>> 8);
		b[off + 2] = (byte) (v >>> 16);
		b[off + 3] = (byte) (v >>> 24);
	}

	// ---------------------------------------------------------------- resolution

	/**
	 * Follows typedefs and modifiers (const, volatile, restrict, type tags) to the type
	 * they name, as libbpf's {@code skip_mods_and_typedefs()} does.
	 * @throws BtfException when the chain is longer than {@link #MAX_RESOLVE_DEPTH}
	 * (which includes cycles)
	 */
	public int skipModsAndTypedefs(int id) throws BtfException {
		int cur = id;
		for (int depth = 0; depth <= MAX_RESOLVE_DEPTH; depth++) {
			if (cur == 0 || !kind(cur).isModifierOrTypedef()) {
				return cur;
			}
			cur = type(cur);
		}
		throw new BtfException("type [" + id + "]: chain of typedefs and modifiers is longer than " + MAX_RESOLVE_DEPTH
				+ " (or cyclic)");
	}

	/**
	 * The size in bytes of a value of type {@code id}, as libbpf's
	 * {@code btf__resolve_size()} computes it: arrays multiply, pointers are 8 bytes,
	 * typedefs, modifiers and VARs follow their target.
	 * @throws BtfException for types without a size (void, FUNC, FWD), chains longer than
	 * {@link #MAX_RESOLVE_DEPTH} and sizes above {@code UINT32_MAX}
	 */
	public long resolveSize(int id) throws BtfException {
		long nelems = 1;
		int cur = id;
		for (int depth = 0; depth <= MAX_RESOLVE_DEPTH; depth++) {
			BtfKind k = kind(cur);
			long size;
			switch (k) {
				case INT, STRUCT, UNION, ENUM, ENUM64, DATASEC, FLOAT -> size = size(cur);
				case PTR -> size = 8;
				case TYPEDEF, VOLATILE, CONST, RESTRICT, TYPE_TAG, VAR, DECL_TAG -> {
					cur = type(cur);
					continue;
				}
				case ARRAY -> {
					ArrayInfo a = array(cur);
					nelems *= a.nelems();
					if (nelems > 0xffffffffL) {
						throw new BtfException("type [" + id + "]: size is larger than 4294967295 bytes");
					}
					cur = a.elemType();
					continue;
				}
				default -> throw new BtfException("type [" + id + "]: " + (cur == 0 ? "void" : k.toString())
						+ (cur == id ? "" : " [" + cur + "]") + " has no size");
			}
			long total = size * nelems;
			if (size != 0 && total / size != nelems || total > 0xffffffffL) {
				throw new BtfException("type [" + id + "]: size is larger than 4294967295 bytes");
			}
			return total;
		}
		throw new BtfException("type [" + id + "]: type chain is longer than " + MAX_RESOLVE_DEPTH + " (or cyclic)");
	}

	// ---------------------------------------------------------------- rendering

	/**
	 * A short C spelling of type {@code id}: {@code __u32}, {@code struct flow_key},
	 * {@code __u8[3]}, {@code const char *}. Never throws: bad ids and over-long chains
	 * render as {@code <bad type N>} and {@code ...}.
	 */
	public String typeName(int id) {
		StringBuilder sb = new StringBuilder();
		appendTypeName(sb, id, 0);
		return cut(sb);
	}

	private static String cut(StringBuilder sb) {
		if (sb.length() > MAX_DESCRIPTION) {
			sb.setLength(MAX_DESCRIPTION);
			sb.append("...");
		}
		return sb.toString();
	}

	private void appendTypeName(StringBuilder sb, int id, int depth) {
		if (sb.length() > MAX_DESCRIPTION) {
			return;
		}
		if (id < 0 || id >= this.count) {
			sb.append("<bad type ").append(Integer.toUnsignedString(id)).append('>');
			return;
		}
		if (depth > DESCRIBE_DEPTH) {
			sb.append("...");
			return;
		}
		if (id == 0) {
			sb.append("void");
			return;
		}
		BtfKind k = kind(id);
		String name = name(id);
		switch (k) {
			case INT, FLOAT, TYPEDEF, FUNC, VAR, DATASEC, DECL_TAG -> sb.append(name.isEmpty() ? "<anon>" : name);
			case PTR -> {
				appendTypeName(sb, type(id), depth + 1);
				sb.append(" *");
			}
			case ARRAY -> {
				ArrayInfo a = array(id);
				appendTypeName(sb, a.elemType(), depth + 1);
				sb.append('[').append(a.nelems()).append(']');
			}
			case STRUCT, UNION, ENUM, ENUM64 ->
				sb.append(k == BtfKind.STRUCT ? "struct " : k == BtfKind.UNION ? "union " : "enum ")
					.append(name.isEmpty() ? "{...}" : name);
			case FWD -> sb.append(kindFlag(id) ? "union " : "struct ").append(name);
			case CONST, VOLATILE, RESTRICT -> {
				sb.append(k.toString().toLowerCase()).append(' ');
				appendTypeName(sb, type(id), depth + 1);
			}
			case TYPE_TAG -> {
				appendTypeName(sb, type(id), depth + 1);
				sb.append(" __attribute__((btf_type_tag(\"").append(name).append("\")))");
			}
			case FUNC_PROTO -> {
				appendTypeName(sb, type(id), depth + 1);
				sb.append(" (*)(");
				appendParams(sb, id, depth);
				sb.append(')');
			}
			default -> sb.append(k);
		}
	}

	private void appendParams(StringBuilder sb, int protoId, int depth) {
		// read in place: a list per nested prototype would cost vlen allocations per
		// level
		int n = vlen(protoId);
		int t = offsetOf(protoId) + TYPE_SIZE;
		for (int i = 0; i < n && sb.length() <= MAX_DESCRIPTION; i++, t += 8) {
			if (i > 0) {
				sb.append(", ");
			}
			String pname = string(u32(this.types, t));
			int ptype = (int) u32(this.types, t + 4);
			if (ptype == 0 && pname.isEmpty()) {
				sb.append("...");
				continue;
			}
			appendTypeName(sb, ptype, depth + 1);
			if (!pname.isEmpty()) {
				sb.append(' ').append(pname);
			}
		}
		if (n == 0) {
			sb.append("void");
		}
	}

	/** {@code type name} or, for arrays, {@code elem name[n]...}. */
	private void appendDeclaration(StringBuilder sb, int type, String name, int depth) {
		if (type > 0 && type < this.count && kind(type) == BtfKind.ARRAY) {
			StringBuilder dims = new StringBuilder();
			int cur = type;
			int guard = 0;
			while (cur > 0 && cur < this.count && kind(cur) == BtfKind.ARRAY && guard++ < DESCRIBE_DEPTH) {
				ArrayInfo a = array(cur);
				dims.append('[').append(a.nelems()).append(']');
				cur = a.elemType();
			}
			appendTypeName(sb, cur, depth + 1);
			sb.append(' ').append(name).append(dims);
			return;
		}
		appendTypeName(sb, type, depth + 1);
		if (!name.isEmpty()) {
			sb.append(' ').append(name);
		}
	}

	/**
	 * A one-line C-like description of type {@code id} for people: structs and unions
	 * with their members, enums with their values, functions with their signature,
	 * typedefs with their target, DATASECs with their variables. Never throws.
	 */
	public String describe(int id) {
		if (id <= 0 || id >= this.count) {
			return typeName(id);
		}
		StringBuilder sb = new StringBuilder();
		BtfKind k = kind(id);
		String name = name(id);
		switch (k) {
			case STRUCT, UNION -> {
				appendTypeName(sb, id, 0);
				sb.append(" {");
				for (Member m : members(id)) {
					if (sb.length() > MAX_DESCRIPTION) {
						break;
					}
					sb.append(' ');
					appendDeclaration(sb, m.type(), m.name(), 0);
					if (m.bitfieldSize() != 0) {
						sb.append(':').append(m.bitfieldSize());
					}
					sb.append(';');
				}
				sb.append(" } /* ").append(size(id)).append(" bytes */");
			}
			case ENUM, ENUM64 -> {
				appendTypeName(sb, id, 0);
				sb.append(" {");
				List<EnumValue> values = enumValues(id);
				for (int i = 0; i < values.size() && sb.length() <= MAX_DESCRIPTION; i++) {
					sb.append(i == 0 ? " " : ", ")
						.append(values.get(i).name())
						.append(" = ")
						.append(values.get(i).value());
				}
				sb.append(" }");
			}
			case TYPEDEF -> {
				sb.append("typedef ");
				appendDeclaration(sb, type(id), name, 0);
			}
			case FUNC -> {
				int proto = type(id);
				if (vlen(id) == FUNC_STATIC) {
					sb.append("static ");
				}
				else if (vlen(id) == FUNC_EXTERN) {
					sb.append("extern ");
				}
				if (kind(proto) == BtfKind.FUNC_PROTO) {
					appendTypeName(sb, type(proto), 1);
					sb.append(' ').append(name).append('(');
					appendParams(sb, proto, 1);
					sb.append(')');
				}
				else {
					sb.append(name);
				}
			}
			case VAR -> {
				if (varLinkage(id) == 0) {
					sb.append("static ");
				}
				appendDeclaration(sb, type(id), name, 0);
			}
			case DATASEC -> {
				sb.append("section ").append(name).append(" {");
				for (VarSecinfo v : datasec(id)) {
					if (sb.length() > MAX_DESCRIPTION) {
						break;
					}
					sb.append(' ');
					appendTypeName(sb, v.type(), 1);
					sb.append(" at ").append(v.offset()).append(" (").append(v.size()).append(" bytes);");
				}
				sb.append(" }");
			}
			default -> appendTypeName(sb, id, 0);
		}
		return cut(sb);
	}

	// ---------------------------------------------------------------- little-endian
	// reads

	static int u16(byte[] b, int off) {
		return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8;
	}

	static long u32(byte[] b, int off) {
		return (b[off] & 0xffL) | (b[off + 1] & 0xffL) << 8 | (b[off + 2] & 0xffL) << 16 | (b[off + 3] & 0xffL) << 24;
	}

}
