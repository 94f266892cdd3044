package dev.bpfnet.bpf.prog;

/**
 * Program types, with the numbers of {@code enum bpf_prog_type} in
 * {@code include/uapi/linux/bpf.h}. The type decides the context
 * ({@code struct __sk_buff} for SCHED_CLS/SCHED_ACT) and the helpers a program may call.
 */
public enum ProgramType {

	UNSPEC(0), SOCKET_FILTER(1), SCHED_CLS(3), SCHED_ACT(4), XDP(6);

	private final int id;

	ProgramType(int id) {
		this.id = id;
	}

	public int id() {
		return this.id;
	}

}
