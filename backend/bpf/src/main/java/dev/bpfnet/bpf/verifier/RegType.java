package dev.bpfnet.bpf.verifier;

/**
 * Register types ({@code enum bpf_reg_type} with its flags folded in), named as the
 * kernel's {@code reg_type_str()} prints them.
 */
public enum RegType {

	NOT_INIT("?"), SCALAR("scalar"), PTR_TO_CTX("ctx"), CONST_PTR_TO_MAP("map_ptr"), PTR_TO_MAP_VALUE("map_value"),
	PTR_TO_MAP_VALUE_OR_NULL("map_value_or_null"), PTR_TO_STACK("fp"), PTR_TO_PACKET("pkt"),
	PTR_TO_PACKET_META("pkt_meta"), PTR_TO_PACKET_END("pkt_end"),
	/** PTR_TO_MEM | MEM_RINGBUF: a reserved ring buffer record. */
	PTR_TO_MEM("ringbuf_mem"),
	/** PTR_TO_MEM | MEM_RINGBUF | PTR_MAYBE_NULL. */
	PTR_TO_MEM_OR_NULL("ringbuf_mem_or_null"), PTR_TO_SOCK_COMMON("sock_common"),
	PTR_TO_SOCK_COMMON_OR_NULL("sock_common_or_null"), PTR_TO_FUNC("func");

	private final String kernelName;

	RegType(String kernelName) {
		this.kernelName = kernelName;
	}

	/** The {@code reg_type_str()} spelling, e.g. {@code map_value_or_null}. */
	public String kernelName() {
		return this.kernelName;
	}

	/** PTR_MAYBE_NULL is set. */
	public boolean maybeNull() {
		return this == PTR_TO_MAP_VALUE_OR_NULL || this == PTR_TO_MEM_OR_NULL || this == PTR_TO_SOCK_COMMON_OR_NULL;
	}

	/** The type with PTR_MAYBE_NULL cleared. */
	public RegType nonNull() {
		return switch (this) {
			case PTR_TO_MAP_VALUE_OR_NULL -> PTR_TO_MAP_VALUE;
			case PTR_TO_MEM_OR_NULL -> PTR_TO_MEM;
			case PTR_TO_SOCK_COMMON_OR_NULL -> PTR_TO_SOCK_COMMON;
			default -> this;
		};
	}

	/** {@code reg_is_pkt_pointer()}: PTR_TO_PACKET or PTR_TO_PACKET_META. */
	public boolean isPkt() {
		return this == PTR_TO_PACKET || this == PTR_TO_PACKET_META;
	}

	/** {@code reg_is_pkt_pointer_any()}. */
	public boolean isPktAny() {
		return isPkt() || this == PTR_TO_PACKET_END;
	}

	public boolean isPointer() {
		return this != NOT_INIT && this != SCALAR;
	}

}
