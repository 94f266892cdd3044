package dev.bpfnet.bpf.btf;

/**
 * The {@code BTF_KIND_*} values of {@code include/uapi/linux/btf.h}, in their numeric
 * order (bits 24-28 of {@code btf_type.info}).
 */
public enum BtfKind {

	UNKN, INT, PTR, ARRAY, STRUCT, UNION, ENUM, FWD, TYPEDEF, VOLATILE, CONST, RESTRICT, FUNC, FUNC_PROTO, VAR, DATASEC,
	FLOAT, DECL_TAG, TYPE_TAG, ENUM64;

	private static final BtfKind[] BY_ID = values();

	/** The kind with number {@code id}, or {@code null} when the kernel defines none. */
	public static BtfKind byId(int id) {
		return (id > 0 && id < BY_ID.length) ? BY_ID[id] : null;
	}

	/**
	 * Bytes that follow the 12-byte {@code struct btf_type} for a type of this kind with
	 * {@code vlen} entries.
	 */
	long trailingBytes(int vlen) {
		return switch (this) {
			case INT, VAR, DECL_TAG -> 4;
			case ARRAY -> 12;
			case STRUCT, UNION, DATASEC, ENUM64 -> 12L * vlen;
			case ENUM, FUNC_PROTO -> 8L * vlen;
			default -> 0;
		};
	}

	/** Kinds whose {@code size_or_type} field is a type id. */
	boolean refersToType() {
		return switch (this) {
			case PTR, TYPEDEF, VOLATILE, CONST, RESTRICT, TYPE_TAG, FUNC, VAR, DECL_TAG, FUNC_PROTO -> true;
			default -> false;
		};
	}

	/** Kinds that only qualify or rename another type. */
	boolean isModifierOrTypedef() {
		return switch (this) {
			case TYPEDEF, VOLATILE, CONST, RESTRICT, TYPE_TAG -> true;
			default -> false;
		};
	}

}
