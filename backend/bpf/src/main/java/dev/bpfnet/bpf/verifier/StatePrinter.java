package dev.bpfnet.bpf.verifier;

import java.util.List;

import dev.bpfnet.bpf.maps.MapSpec;

/**
 * Formats a state as {@code print_verifier_state()} / {@code print_reg_state()} of
 * {@code kernel/bpf/log.c} do: {@code R1=ctx() R2=pkt(r=14) R3=scalar(smin=0,...)
 * R10=fp0 fp-8=mmmmmmmm}.
 */
final class StatePrinter {

	private StatePrinter() {
	}

	private static final char[] SLOT_CHAR = { '?', 'r', 'm', '0' };

	/** The current frame of {@code st}, each entry preceded by a space. */
	static String print(VState st, List<MapSpec> maps) {
		StringBuilder sb = new StringBuilder();
		FuncState f = st.cur();
		if (st.curframe > 0) {
			sb.append(" frame").append(st.curframe).append(':');
		}
		for (int i = 0; i < f.regs.length; i++) {
			Reg r = f.regs[i];
			if (r.type == RegType.NOT_INIT) {
				continue;
			}
			sb.append(" R").append(i).append('=');
			reg(sb, r, f.frameNo, maps);
		}
		for (int spi = 0; spi < f.allocatedStack / 8; spi++) {
			char[] types = new char[8];
			boolean valid = false;
			for (int j = 0; j < 8; j++) {
				byte t = f.stype[spi * 8 + j];
				valid |= t != FuncState.STACK_INVALID;
				types[j] = SLOT_CHAR[t];
			}
			if (!valid) {
				continue;
			}
			sb.append(" fp").append(-(spi + 1) * 8).append('=');
			if (f.isSpilled(spi)) {
				for (int j = 0; j < 8; j++) {
					if (f.stype[spi * 8 + j] != FuncState.STACK_SPILL) {
						sb.append(types[j]);
					}
				}
				reg(sb, f.spilled[spi], f.frameNo, maps);
			}
			else {
				sb.append(types);
			}
		}
		return sb.toString();
	}

	static String reg(Reg r, List<MapSpec> maps) {
		StringBuilder sb = new StringBuilder();
		reg(sb, r, r.frameNo, maps);
		return sb.toString();
	}

	static void reg(StringBuilder sb, Reg r, int frameNo, List<MapSpec> maps) {
		RegType t = r.type;
		if (t == RegType.NOT_INIT) {
			sb.append('?');
			return;
		}
		if (t == RegType.SCALAR && r.varOff.isConst()) {
			snum(sb, r.varOff.value());
			return;
		}
		sb.append(t.kernelName());
		if (t == RegType.PTR_TO_STACK) {
			if (r.frameNo != frameNo) {
				sb.append('[').append(r.frameNo).append(']');
			}
			if (r.varOff.isConst()) {
				snum(sb, r.varOff.value() + r.off);
				return;
			}
		}
		sb.append('(');
		String sep = "";
		if (r.id != 0) {
			sb.append("id=").append(r.id);
			sep = ",";
		}
		if (r.refObjId != 0) {
			sb.append(sep).append("ref_obj_id=").append(r.refObjId);
			sep = ",";
		}
		if ((t == RegType.CONST_PTR_TO_MAP || t == RegType.PTR_TO_MAP_VALUE || t == RegType.PTR_TO_MAP_VALUE_OR_NULL)
				&& r.mapIndex >= 0 && r.mapIndex < maps.size()) {
			MapSpec m = maps.get(r.mapIndex);
			sb.append(sep)
				.append("map=")
				.append(m.name())
				.append(",ks=")
				.append(m.keySize())
				.append(",vs=")
				.append(m.valueSize());
			sep = ",";
		}
		if (t != RegType.SCALAR && r.off != 0) {
			sb.append(sep).append("off=");
			snum(sb, r.off);
			sep = ",";
		}
		if (t.isPkt()) {
			sb.append(sep).append("r=").append(r.range);
			sep = ",";
		}
		if (t == RegType.PTR_TO_MEM || t == RegType.PTR_TO_MEM_OR_NULL) {
			sb.append(sep).append("sz=").append(r.memSize);
			sep = ",";
		}
		if (r.varOff.isConst()) {
			if (r.varOff.value() != 0) {
				sb.append(sep).append("imm=");
				snum(sb, r.varOff.value());
			}
		}
		else {
			sep = ranges(sb, r, sep);
			if (!r.varOff.isUnknown()) {
				sb.append(sep).append("var_off=").append(r.varOff);
			}
		}
		sb.append(')');
	}

	/** {@code print_scalar_ranges()}: equal bounds share one value (smax=umax=255). */
	private static String ranges(StringBuilder sb, Reg r, String sep) {
		String[] names = { "smin", "smax", "umin", "umax", "smin32", "smax32", "umin32", "umax32" };
		long[] vals = { r.smin, r.smax, r.umin, r.umax, r.s32min, r.s32max, r.u32min & Reg.U32_MAX,
				r.u32max & Reg.U32_MAX };
		boolean[] omit = { r.smin == Long.MIN_VALUE, r.smax == Long.MAX_VALUE, r.umin == 0, r.umax == -1L,
				r.s32min == Integer.MIN_VALUE, r.s32max == Integer.MAX_VALUE, r.u32min == 0, r.u32max == -1 };
		// s32 values print sign-extended only when they print as decimals
		if (!isSnumDecimal(r.s32min)) {
			vals[4] = r.s32min & Reg.U32_MAX;
		}
		if (!isSnumDecimal(r.s32max)) {
			vals[5] = r.s32max & Reg.U32_MAX;
		}
		for (int i = 0; i < names.length; i++) {
			if (omit[i]) {
				continue;
			}
			boolean neg1 = names[i].charAt(0) == 's' && vals[i] < 0;
			sb.append(sep).append(names[i]).append('=');
			sep = ",";
			for (int j = i + 2; j < names.length; j += 2) {
				if (omit[j] || vals[j] != vals[i]) {
					continue;
				}
				boolean neg2 = names[j].charAt(0) == 's' && vals[j] < 0;
				if (neg1 != neg2) {
					continue;
				}
				omit[j] = true;
				sb.append(names[j]).append('=');
			}
			if (names[i].charAt(0) == 's') {
				snum(sb, vals[i]);
			}
			else {
				unum(sb, vals[i]);
			}
		}
		return sep;
	}

	private static boolean isSnumDecimal(long v) {
		return v >= Short.MIN_VALUE && v <= Short.MAX_VALUE;
	}

	private static void snum(StringBuilder sb, long v) {
		if (isSnumDecimal(v)) {
			sb.append(v);
		}
		else {
			sb.append("0x").append(Long.toHexString(v));
		}
	}

	private static void unum(StringBuilder sb, long v) {
		if (Long.compareUnsigned(v, 0xffff) <= 0) {
			sb.append(v);
		}
		else {
			sb.append("0x").append(Long.toHexString(v));
		}
	}

}
