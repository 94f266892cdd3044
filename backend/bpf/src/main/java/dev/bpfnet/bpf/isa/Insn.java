package dev.bpfnet.bpf.isa;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One 64-bit instruction slot of RFC 9669:
 * {@code opcode:8 | src:4 dst:4 | offset:s16 | imm:s32}, little endian (dst in the low
 * nibble of the register byte).
 *
 * <p>
 * A wide {@code lddw} occupies two slots; the second is kept as its own {@code Insn}
 * whose {@code imm} is the upper 32 bits ({@code next_imm}), exactly as it is encoded, so
 * that programs are arrays of slots and jump offsets count slots as the kernel does.
 */
public record Insn(int opcode, int dst, int src, short off, int imm) {

	public static final int SIZE = 8;

	public Insn {
		if (opcode < 0 || opcode > 0xff) {
			throw new IllegalArgumentException("opcode out of range: " + opcode);
		}
		if (dst < 0 || dst > 15 || src < 0 || src > 15) {
			throw new IllegalArgumentException("register out of range: dst=" + dst + " src=" + src);
		}
	}

	public static Insn of(int opcode, int dst, int src, int off, int imm) {
		return new Insn(opcode, dst, src, (short) off, imm);
	}

	/** The two slots of {@code lddw dst, imm64} with the given pseudo source. */
	public static Insn[] lddw(int dst, int src, long imm64) {
		return new Insn[] { of(Opcodes.LDDW, dst, src, 0, (int) imm64), of(0, 0, 0, 0, (int) (imm64 >>> 32)) };
	}

	public int cls() {
		return opcode & 0x07;
	}

	public boolean isLddw() {
		return opcode == Opcodes.LDDW;
	}

	/** The 64-bit immediate of an lddw whose second slot is {@code next}. */
	public long imm64(Insn next) {
		return (imm & 0xffffffffL) | ((long) next.imm << 32);
	}

	public Insn withImm(int newImm) {
		return new Insn(opcode, dst, src, off, newImm);
	}

	public Insn withSrc(int newSrc) {
		return new Insn(opcode, dst, newSrc, off, imm);
	}

	public Insn withOff(int newOff) {
		return new Insn(opcode, dst, src, (short) newOff, imm);
	}

	public long encode() {
		return (opcode & 0xffL) | ((long) (dst | (src << 4)) << 8) | ((off & 0xffffL) << 16) | ((long) imm << 32);
	}

	public static Insn decode(long raw) {
		int opcode = (int) (raw & 0xff);
		int regs = (int) ((raw >>> 8) & 0xff);
		return new Insn(opcode, regs & 0x0f, (regs >>> 4) & 0x0f, (short) (raw >>> 16), (int) (raw >>> 32));
	}

	/**
	 * Decodes {@code length} bytes from {@code offset}; the length must be a multiple of
	 * 8.
	 * @throws IllegalArgumentException naming the byte count when it is not
	 */
	public static Insn[] decode(byte[] code, int offset, int length) {
		if (length % SIZE != 0) {
			throw new IllegalArgumentException("program length " + length + " is not a multiple of 8");
		}
		ByteBuffer buf = ByteBuffer.wrap(code, offset, length).order(ByteOrder.LITTLE_ENDIAN);
		Insn[] out = new Insn[length / SIZE];
		for (int i = 0; i < out.length; i++) {
			out[i] = decode(buf.getLong());
		}
		return out;
	}

	public static Insn[] decode(byte[] code) {
		return decode(code, 0, code.length);
	}

	public static byte[] encode(Insn[] insns) {
		ByteBuffer buf = ByteBuffer.allocate(insns.length * SIZE).order(ByteOrder.LITTLE_ENDIAN);
		for (Insn insn : insns) {
			buf.putLong(insn.encode());
		}
		return buf.array();
	}

	public static Insn[] concat(Insn[]... parts) {
		int n = 0;
		for (Insn[] p : parts) {
			n += p.length;
		}
		Insn[] out = new Insn[n];
		int i = 0;
		for (Insn[] p : parts) {
			System.arraycopy(p, 0, out, i, p.length);
			i += p.length;
		}
		return out;
	}

	@Override
	public String toString() {
		return String.format("Insn[op=%02x dst=%d src=%d off=%d imm=%d]", opcode, dst, src, off, imm);
	}

	/** Structural equality of two programs, slot by slot. */
	public static boolean sameProgram(Insn[] a, Insn[] b) {
		return Arrays.equals(a, b);
	}

}
