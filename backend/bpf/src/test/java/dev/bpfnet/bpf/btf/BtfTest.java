package dev.bpfnet.bpf.btf;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * BTF built by hand (so each kind and each malformation is exercised on its own) and the
 * {@code .BTF} of a clang-built test object.
 */
class BtfTest {

	/** Writes a BTF blob: types as raw words, strings appended. */
	static final class Builder {

		private final ByteArrayOutputStream types = new ByteArrayOutputStream();

		private final ByteArrayOutputStream strings = new ByteArrayOutputStream();

		private int nextId = 1;

		Builder() {
			this.strings.write(0);
		}

		int str(String s) {
			if (s.isEmpty()) {
				return 0;
			}
			int off = this.strings.size();
			this.strings.writeBytes(s.getBytes(StandardCharsets.UTF_8));
			this.strings.write(0);
			return off;
		}

		private void word(long w) {
			for (int i = 0; i < 4; i++) {
				this.types.write((int) (w >>> (8 * i)));
			}
		}

		/** A type with kind, vlen, kind flag and size_or_type, plus trailing words. */
		int type(String name, int kind, int vlen, boolean kflag, long sizeOrType, long... trailing) {
			word(str(name));
			word(((long) kind << 24) | vlen | (kflag ? 0x80000000L : 0));
			word(sizeOrType);
			for (long t : trailing) {
				word(t);
			}
			return this.nextId++;
		}

		int intType(String name, int bytes, boolean signed) {
			return type(name, 1, 0, false, bytes, (signed ? 1L << 24 : 0) | (bytes * 8L));
		}

		byte[] build() {
			byte[] t = this.types.toByteArray();
			byte[] s = this.strings.toByteArray();
			ByteBuffer b = ByteBuffer.allocate(24 + t.length + s.length).order(ByteOrder.LITTLE_ENDIAN);
			b.putShort((short) 0xeb9f).put((byte) 1).put((byte) 0).putInt(24);
			b.putInt(0).putInt(t.length).putInt(t.length).putInt(s.length);
			b.put(t).put(s);
			return b.array();
		}

	}

	private static String error(byte[] btf) {
		try {
			Btf.parse(btf);
		}
		catch (BtfException ex) {
			return ex.getMessage();
		}
		throw new AssertionError("parsed without error");
	}

	@Test
	void everyKindIsReadAndDescribed() throws BtfException {
		Builder b = new Builder();
		int u32 = b.intType("unsigned int", 4, false); // 1
		int typedef = b.type("__u32", 8, 0, false, u32); // 2
		int chr = b.intType("char", 1, true); // 3
		int arr = b.type("", 3, 0, false, 0, chr, u32, 6); // 4: char[6]
		int str = b.type("flow", 4, 3, false, 16, b.str("saddr"), typedef, 0, b.str("name"), arr, 32, b.str("flags"),
				u32, (3L << 24) | 96); // 5 (no kind flag: offsets are plain)
		int ptr = b.type("", 2, 0, false, str); // 6
		int cnst = b.type("", 10, 0, false, chr); // 7 const char
		int cptr = b.type("", 2, 0, false, cnst); // 8 const char *
		int en = b.type("color", 6, 2, false, 4, b.str("RED"), 0, b.str("BLUE"), 0xffffffffL); // 9
		int proto = b.type("", 13, 2, false, u32, b.str("f"), ptr, b.str("msg"), cptr); // 10
		int func = b.type("handle", 12, 1, false, proto); // 11: global
		int var = b.type("counter", 14, 0, false, typedef, 1); // 12
		int ds = b.type(".bss", 15, 1, false, 4, var, 0, 4); // 13
		int fwd = b.type("sock", 7, 0, false, 0); // 14
		int vol = b.type("", 9, 0, false, typedef); // 15
		int flt = b.type("double", 16, 0, false, 8); // 16
		int tag = b.type("user", 18, 0, false, ptr); // 17
		int decl = b.type("kfunc", 17, 0, false, func, -1L & 0xffffffffL); // 18
		int en64 = b.type("big", 19, 1, true, 8, b.str("HUGE"), 0, 1); // 19
		int uni = b.type("u", 5, 2, true, 4, b.str("a"), u32, 0, b.str("b"), chr, (4L << 24) | 3); // 20
		Btf btf = Btf.parse(b.build());

		assertThat(btf.typeCount()).isEqualTo(20);
		assertThat(btf.kind(0)).isEqualTo(BtfKind.UNKN);
		assertThat(btf.kind(ds)).isEqualTo(BtfKind.DATASEC);
		assertThat(btf.intBits(u32)).isEqualTo(32);
		assertThat(btf.intSigned(chr)).isTrue();
		assertThat(btf.resolveSize(str)).isEqualTo(16);
		assertThat(btf.resolveSize(arr)).isEqualTo(6);
		assertThat(btf.resolveSize(ptr)).isEqualTo(8);
		assertThat(btf.resolveSize(vol)).isEqualTo(4);
		assertThat(btf.resolveSize(var)).isEqualTo(4);
		assertThat(btf.skipModsAndTypedefs(vol)).isEqualTo(u32);
		assertThat(btf.findByName("counter", BtfKind.VAR)).isEqualTo(var);
		assertThat(btf.findByName("counter", BtfKind.FUNC)).isEqualTo(-1);
		assertThat(btf.members(uni)).containsExactly(new Btf.Member("a", u32, 0, 0), new Btf.Member("b", chr, 3, 4));
		assertThat(btf.enumValues(en)).extracting(Btf.EnumValue::value).containsExactly(0L, -1L);
		assertThat(btf.enumValues(en64)).extracting(Btf.EnumValue::value).containsExactly(1L << 32);

		assertThat(btf.describe(str))
			.isEqualTo("struct flow { __u32 saddr; char name[6]; unsigned int flags; } /* 16 bytes */");
		assertThat(btf.describe(typedef)).isEqualTo("typedef unsigned int __u32");
		assertThat(btf.describe(en)).isEqualTo("enum color { RED = 0, BLUE = -1 }");
		assertThat(btf.describe(func)).isEqualTo("unsigned int handle(struct flow * f, const char * msg)");
		assertThat(btf.describe(var)).isEqualTo("__u32 counter");
		assertThat(btf.describe(ds)).isEqualTo("section .bss { counter at 0 (4 bytes); }");
		assertThat(btf.describe(uni)).isEqualTo("union u { unsigned int a; char b:4; } /* 4 bytes */");
		assertThat(btf.typeName(cptr)).isEqualTo("const char *");
		assertThat(btf.typeName(fwd)).isEqualTo("struct sock");
		assertThat(btf.typeName(vol)).isEqualTo("volatile __u32");
		assertThat(btf.typeName(flt)).isEqualTo("double");
		assertThat(btf.typeName(tag)).isEqualTo("struct flow * __attribute__((btf_type_tag(\"user\")))");
		assertThat(btf.typeName(decl)).isEqualTo("kfunc");
		assertThat(btf.typeName(proto)).isEqualTo("unsigned int (*)(struct flow * f, const char * msg)");
		assertThat(btf.typeName(99)).isEqualTo("<bad type 99>");
		assertThatThrownBy(() -> btf.resolveSize(fwd)).isInstanceOf(BtfException.class)
			.hasMessage("type [14]: FWD has no size");
		assertThatThrownBy(() -> btf.resolveSize(func)).isInstanceOf(BtfException.class)
			.hasMessage("type [11]: FUNC has no size");
	}

	@Test
	void cyclesAreDetectedNotFollowedForever() throws BtfException {
		Builder b = new Builder();
		b.type("a", 8, 0, false, 2); // 1: typedef a -> 2
		b.type("b", 8, 0, false, 1); // 2: typedef b -> 1
		b.type("", 2, 0, false, 3); // 3: pointer to itself
		b.type("", 3, 0, false, 0, 4, 1, 1); // 4: array of itself
		Btf btf = Btf.parse(b.build());
		assertThatThrownBy(() -> btf.skipModsAndTypedefs(1)).isInstanceOf(BtfException.class)
			.hasMessage("type [1]: chain of typedefs and modifiers is longer than 32 (or cyclic)");
		assertThatThrownBy(() -> btf.resolveSize(1)).isInstanceOf(BtfException.class)
			.hasMessage("type [1]: type chain is longer than 32 (or cyclic)");
		assertThatThrownBy(() -> btf.resolveSize(4)).isInstanceOf(BtfException.class)
			.hasMessage("type [4]: type chain is longer than 32 (or cyclic)");
		assertThat(btf.resolveSize(3)).isEqualTo(8);
		assertThat(btf.typeName(3)).startsWith("... *").endsWith("* *");
		assertThat(btf.describe(1)).isEqualTo("typedef b a");
		assertThat(btf.typeName(4)).contains("...");
	}

	@Test
	void hugeArraysDoNotOverflow() throws BtfException {
		Builder b = new Builder();
		int u64 = b.intType("u64", 8, false);
		int big = b.type("", 3, 0, false, 0, u64, u64, 0x20000000L); // 4 GiB
		int ok = b.type("", 3, 0, false, 0, u64, u64, 0x1fffffffL);
		Btf btf = Btf.parse(b.build());
		assertThatThrownBy(() -> btf.resolveSize(big)).isInstanceOf(BtfException.class)
			.hasMessage("type [2]: size is larger than 4294967295 bytes");
		assertThat(btf.resolveSize(ok)).isEqualTo(0xfffffff8L);
	}

	@Test
	void malformedHeadersAndTypes() {
		byte[] good = new Builder().build();
		assertThat(error(new byte[10])).isEqualTo("BTF header truncated: 10 bytes, need 24");
		byte[] be = good.clone();
		be[0] = (byte) 0xeb;
		be[1] = (byte) 0x9f;
		assertThat(error(be)).isEqualTo("BTF is big-endian (magic 0x9feb): only little-endian BTF is supported");
		byte[] magic = good.clone();
		magic[0] = 1;
		assertThat(error(magic)).isEqualTo("bad BTF magic 0xeb01, expected 0xeb9f");
		byte[] version = good.clone();
		version[2] = 2;
		assertThat(error(version)).isEqualTo("unsupported BTF version 2");
		byte[] hdr = good.clone();
		hdr[4] = (byte) 200;
		assertThat(error(hdr)).isEqualTo("BTF header length 200 is out of range (24..25)");
		byte[] strings = good.clone();
		strings[20] = 0;
		assertThat(error(strings)).isEqualTo("invalid BTF string section: it must start and end with a NUL byte");

		Builder unknown = new Builder();
		unknown.type("x", 25, 0, false, 0);
		assertThat(error(unknown.build())).isEqualTo("type [1]: unknown kind 25");
		Builder dangling = new Builder();
		dangling.type("", 2, 0, false, 7);
		assertThat(error(dangling.build()))
			.isEqualTo("type [1] (PTR): its type refers to type [7], but the last type is [1]");
		Builder member = new Builder();
		member.type("s", 4, 1, false, 4, 0, 9, 0);
		assertThat(error(member.build()))
			.isEqualTo("type [1] (STRUCT): member 0 refers to type [9], but the last type is [1]");
		Builder vlen = new Builder();
		vlen.type("s", 4, 1000, false, 4, 0, 0, 0);
		assertThat(error(vlen.build()))
			.isEqualTo("type [1] (STRUCT): needs 12012 bytes, only 24 left in the type section");
		Builder name = new Builder();
		name.type("", 1, 0, false, 4, 32);
		byte[] badName = name.build();
		ByteBuffer.wrap(badName).order(ByteOrder.LITTLE_ENDIAN).putInt(24, 5000);
		assertThat(error(badName))
			.isEqualTo("type [1] (INT): name offset 5000 is outside the string section (1 bytes)");
		Builder longName = new Builder();
		longName.intType("n".repeat(600), 4, false);
		assertThat(error(longName.build())).isEqualTo("type [1] (INT): name at offset 1 is longer than 512 bytes");
		Builder truncated = new Builder();
		truncated.intType("int", 4, true);
		byte[] t = truncated.build();
		ByteBuffer.wrap(t).order(ByteOrder.LITTLE_ENDIAN).putInt(12, 18);
		assertThat(error(t)).isEqualTo("type [2] at offset 16: truncated, 2 bytes left of 12");
		ByteBuffer.wrap(t).order(ByteOrder.LITTLE_ENDIAN).putInt(12, 14);
		assertThat(error(t)).isEqualTo("type [1] (INT): needs 16 bytes, only 14 left in the type section");
		Builder vlenOnPtr = new Builder();
		vlenOnPtr.type("", 2, 3, false, 0);
		assertThat(error(vlenOnPtr.build())).isEqualTo("type [1] (PTR): vlen != 0");
	}

	@Test
	void datasecLayoutIsFilledInLikeLibbpf() throws BtfException {
		Builder b = new Builder();
		int u64 = b.intType("u64", 8, false);
		int v1 = b.type("first", 14, 0, false, u64, 1);
		int v2 = b.type("second", 14, 0, false, u64, 1);
		int ds = b.type(".bss", 15, 2, false, 0, v1, 0, 8, v2, 0, 8);
		Btf btf = Btf.parse(b.build());
		Btf fixed = btf.withDatasecLayout(new Btf.DatasecLayout() {

			@Override
			public long sectionSize(String section) {
				return section.equals(".bss") ? 16 : -1;
			}

			@Override
			public long varOffset(String section, String var) {
				return var.equals("second") ? 8 : 0;
			}

		});
		assertThat(fixed.size(ds)).isEqualTo(16);
		assertThat(fixed.datasec(ds)).extracting(Btf.VarSecinfo::offset).containsExactly(0L, 8L);
		assertThat(btf.datasec(ds)).extracting(Btf.VarSecinfo::offset).containsExactly(0L, 0L);
	}

	@Test
	void clangBtfAndLineInfo() throws IOException, BtfException {
		byte[] elf;
		try (InputStream in = BtfTest.class.getResourceAsStream("/bpf/flow_counter.o")) {
			elf = in.readAllBytes();
		}
		ByteBuffer b = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
		int shoff = (int) b.getLong(40);
		int shnum = b.getShort(60);
		int strOff = (int) b.getLong(shoff + b.getShort(62) * 64 + 24);
		List<int[]> found = new ArrayList<>();
		for (int i = 0; i < shnum; i++) {
			int h = shoff + i * 64;
			int nameAt = strOff + b.getInt(h);
			String name = new String(elf, nameAt, 8, StandardCharsets.ISO_8859_1);
			if (name.startsWith(".BTF\0") || name.startsWith(".BTF.ext")) {
				found.add(new int[] { (int) b.getLong(h + 24), (int) b.getLong(h + 32) });
			}
		}
		assertThat(found).hasSize(2);
		Btf btf = Btf.parse(elf, found.get(0)[0], found.get(0)[1]);
		int key = btf.findByName("flow_key", BtfKind.STRUCT);
		assertThat(btf.resolveSize(key)).isEqualTo(16);
		int count = btf.findByName("count_flows", BtfKind.FUNC);
		assertThat(btf.describe(count)).isEqualTo("int count_flows(struct __sk_buff * skb)");
		assertThat(btf.describe(btf.findByName("parse_ipv4", BtfKind.FUNC)))
			.isEqualTo("static int parse_ipv4(struct __sk_buff * skb, struct flow_key * key)");
		BtfExt ext = BtfExt.parse(elf, found.get(1)[0], found.get(1)[1], btf);
		assertThat(ext.funcs()).extracting(BtfExt.FuncRecord::section)
			.containsExactlyInAnyOrder(".text", ".text", "tcx/ingress", "tc/ingress");
		assertThat(ext.funcs()).contains(new BtfExt.FuncRecord("tcx/ingress", 0, count));
		assertThat(ext.lines()).allSatisfy(l -> assertThat(l.line()).isNotNegative());
		assertThat(ext.lines()).filteredOn(l -> l.line() > 0).allSatisfy(l -> assertThat(l.source()).isNotEmpty());
		assertThat(ext.lines()).anySatisfy(l -> assertThat(l.source()).contains("return count(skb);"));
	}

	@Test
	void malformedBtfExt() throws BtfException {
		Btf btf = Btf.parse(new Builder().build());
		ByteBuffer ext = ByteBuffer.allocate(24 + 4 + 8 + 8).order(ByteOrder.LITTLE_ENDIAN);
		ext.putShort((short) 0xeb9f).put((byte) 1).put((byte) 0).putInt(24);
		ext.putInt(0).putInt(20).putInt(0).putInt(0); // func_info: 20 bytes
		ext.putInt(8).putInt(0).putInt(1).putInt(3).putInt(0); // rec 8, sec "", 1 record
																// at insn off 3
		byte[] bytes = ext.array();
		assertThatThrownBy(() -> BtfExt.parse(bytes, 0, bytes.length, btf)).isInstanceOf(BtfException.class)
			.hasMessage("func_info of section '': record 0 has instruction offset 3, not a multiple of 8");
		ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(32, 1000);
		assertThatThrownBy(() -> BtfExt.parse(bytes, 0, bytes.length, btf)).isInstanceOf(BtfException.class)
			.hasMessage("func_info of section '': 1000 records of 8 bytes do not fit in the 8 bytes left");
		ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(12, 100);
		assertThatThrownBy(() -> BtfExt.parse(bytes, 0, bytes.length, btf)).isInstanceOf(BtfException.class)
			.hasMessage("func_info (offset 0, length 100) is outside the 20 bytes after the header");
	}

}
