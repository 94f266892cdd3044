package dev.bpfnet.bpf.helpers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import dev.bpfnet.bpf.ctx.SkBuff;
import dev.bpfnet.bpf.maps.BpfMap;

/**
 * Where a program asked its packet to go: models {@code struct bpf_redirect_info} in
 * {@code net/core/filter.c}, filled by {@code bpf_redirect}, {@code bpf_redirect_peer},
 * {@code bpf_redirect_neigh} and {@code bpf_redirect_map}, and read by the engine's
 * {@code skb_do_redirect()} after the program returned {@code TC_ACT_REDIRECT}. Reset at
 * the start of every run; the last successful call wins, as in the kernel. Clones made by
 * {@code bpf_clone_redirect} are listed separately: they leave at once, whatever the
 * verdict.
 */
public final class RedirectInfo {

	/** {@code BPF_F_INGRESS}. */
	public static final long BPF_F_INGRESS = 1;

	/** {@code BPF_F_BROADCAST} (redirect_map). */
	public static final long BPF_F_BROADCAST = 1 << 3;

	/** {@code BPF_F_EXCLUDE_INGRESS} (redirect_map). */
	public static final long BPF_F_EXCLUDE_INGRESS = 1 << 4;

	/** The kind of redirect requested. */
	public enum Kind {

		/** No redirect requested. */
		NONE,
		/**
		 * {@code bpf_redirect}: egress of the target, or its ingress with BPF_F_INGRESS.
		 */
		REDIRECT,
		/**
		 * {@code bpf_redirect_peer}: ingress of the target's peer device (BPF_F_PEER).
		 */
		REDIRECT_PEER,
		/**
		 * {@code bpf_redirect_neigh}: egress through the neighbour layer (BPF_F_NEIGH).
		 */
		REDIRECT_NEIGH,
		/** {@code bpf_redirect_map}: the target looked up in a DEVMAP. */
		REDIRECT_MAP

	}

	/** A packet copy sent by {@code bpf_clone_redirect}. */
	public record Clone(int ifindex, boolean ingress, SkBuff skb) {
	}

	private Kind kind = Kind.NONE;

	private int ifindex;

	private long flags;

	private int nhFamily;

	private final byte[] nexthop = new byte[16];

	private boolean hasNexthop;

	private BpfMap map;

	private int mapKey;

	private List<Clone> clones = Collections.emptyList();

	/** A copy that later runs do not change (the clones' skbs are shared). */
	public RedirectInfo copy() {
		RedirectInfo c = new RedirectInfo();
		c.kind = this.kind;
		c.ifindex = this.ifindex;
		c.flags = this.flags;
		c.nhFamily = this.nhFamily;
		System.arraycopy(this.nexthop, 0, c.nexthop, 0, 16);
		c.hasNexthop = this.hasNexthop;
		c.map = this.map;
		c.mapKey = this.mapKey;
		c.clones = this.clones.isEmpty() ? Collections.emptyList() : List.copyOf(this.clones);
		return c;
	}

	/** Forgets everything (start of a run). */
	public void reset() {
		this.kind = Kind.NONE;
		this.ifindex = 0;
		this.flags = 0;
		this.nhFamily = 0;
		this.hasNexthop = false;
		this.map = null;
		this.mapKey = 0;
		if (!this.clones.isEmpty()) {
			this.clones = Collections.emptyList();
		}
	}

	void set(Kind kind, int ifindex, long flags) {
		this.kind = kind;
		this.ifindex = ifindex;
		this.flags = flags;
		this.hasNexthop = false;
		this.map = null;
	}

	void setNexthop(int family, byte[] addr16) {
		this.nhFamily = family;
		System.arraycopy(addr16, 0, this.nexthop, 0, 16);
		this.hasNexthop = true;
	}

	void setMap(BpfMap map, int key, int targetIfindex) {
		set(Kind.REDIRECT_MAP, targetIfindex, 0);
		this.map = map;
		this.mapKey = key;
	}

	/** {@code bpf_redirect_map} missed: the state is cleared (map_id = INT_MAX). */
	void clear() {
		this.kind = Kind.NONE;
		this.ifindex = 0;
		this.flags = 0;
		this.map = null;
	}

	void addClone(Clone clone) {
		if (this.clones.isEmpty()) {
			this.clones = new ArrayList<>(2);
		}
		this.clones.add(clone);
	}

	public Kind kind() {
		return this.kind;
	}

	/** Whether a redirect target was set. */
	public boolean isSet() {
		return this.kind != Kind.NONE;
	}

	/** The target device ({@code tgt_index}). */
	public int ifindex() {
		return this.ifindex;
	}

	/** The user flags of {@code bpf_redirect} (BPF_F_INGRESS), 0 for the other kinds. */
	public long flags() {
		return this.flags;
	}

	/** {@code bpf_redirect} with BPF_F_INGRESS: deliver to the target's ingress. */
	public boolean ingress() {
		return this.kind == Kind.REDIRECT && (this.flags & BPF_F_INGRESS) != 0;
	}

	/** {@code bpf_redirect_neigh} with a {@code bpf_redir_neigh} (BPF_F_NEXTHOP). */
	public boolean hasNexthop() {
		return this.hasNexthop;
	}

	/** {@code nh_family} of the next hop (AF_INET or AF_INET6). */
	public int nexthopFamily() {
		return this.nhFamily;
	}

	/** The next hop address: 4 bytes for AF_INET, 16 for AF_INET6 (network order). */
	public byte[] nexthop() {
		return Arrays.copyOf(this.nexthop, this.nhFamily == FibLookupParams.AF_INET ? 4 : 16);
	}

	/** The DEVMAP of a {@link Kind#REDIRECT_MAP}, or null. */
	public BpfMap map() {
		return this.map;
	}

	public int mapKey() {
		return this.mapKey;
	}

	/** Packets cloned out by {@code bpf_clone_redirect}, in call order. */
	public List<Clone> clones() {
		return this.clones;
	}

	@Override
	public String toString() {
		return switch (this.kind) {
			case NONE -> "no redirect";
			case REDIRECT -> "redirect to ifindex " + this.ifindex + (ingress() ? " ingress" : " egress");
			case REDIRECT_PEER -> "redirect_peer to ifindex " + this.ifindex;
			case REDIRECT_NEIGH ->
				"redirect_neigh to ifindex " + this.ifindex + (this.hasNexthop ? " via nexthop" : "");
			case REDIRECT_MAP -> "redirect_map " + this.map.name() + "[" + this.mapKey + "] to ifindex " + this.ifindex;
		};
	}

}
