package dev.bpfnet.bpf.prog;

/**
 * Where a program attaches, with the numbers of {@code enum bpf_attach_type} in
 * {@code include/uapi/linux/bpf.h}. {@link #NONE} is a section (such as {@code tc} or
 * {@code classifier}) that implies no attach point; the user then chooses one.
 */
public enum AttachType {

	NONE(-1), XDP(37), TCX_INGRESS(46), TCX_EGRESS(47), NETKIT_PRIMARY(54), NETKIT_PEER(55);

	private final int id;

	AttachType(int id) {
		this.id = id;
	}

	public int id() {
		return this.id;
	}

}
