package dev.bpfnet.bpf.prog;

import java.util.List;
import java.util.Optional;

/**
 * From an ELF section name to a program type and an attach type, as libbpf's
 * {@code section_defs[]} table and {@code sec_def_matches()} in {@code src/libbpf.c} do.
 *
 * <p>
 * Only the sections whose program type the toolchain models are listed (the tc/tcx,
 * netkit, XDP and socket entries); any other section gives {@link #UNKNOWN}
 * ({@code BPF_PROG_TYPE_UNSPEC}), which libbpf would refuse at load time ("missing BPF
 * prog type, check ELF section name") and the user can fix with an override: a different
 * attach type ({@link #resolve(String, AttachType)}, or
 * {@code ProgramSpec.withAttachType} in the loader), or extra definitions searched before
 * the built-in ones ({@link #find(String, List)}, like
 * {@code libbpf_register_prog_handler()}).
 *
 * <p>
 * Matching: a pattern ending in {@code /} matches any name it prefixes; a pattern ending
 * in {@code +} matches the name before the {@code +} exactly or followed by {@code /...};
 * any other pattern matches exactly. So {@code SEC("tc")} is {@code tc} and nothing else,
 * and {@code SEC("tc/ingress")} is the tcx alias that libbpf added with tcx (Linux 6.6).
 * The first matching definition wins.
 */
public final class SectionDefs {

	private SectionDefs() {
	}

	/** One {@code SEC_DEF(pattern, type, expected_attach_type, ...)} row. */
	public record SectionDef(String pattern, ProgramType type, AttachType attachType) {

		public SectionDef {
			if (pattern == null || pattern.isEmpty() || type == null || attachType == null) {
				throw new IllegalArgumentException("a section definition needs a pattern, a type and an attach type");
			}
			if (!SectionDefs.compatible(type, attachType)) {
				throw new IllegalArgumentException(
						"section '" + pattern + "': program type " + type + " cannot attach to " + attachType);
			}
		}

		/** {@code sec_def_matches()}. */
		public boolean matches(String section) {
			if (section == null) {
				return false;
			}
			if (this.pattern.endsWith("/")) {
				return section.startsWith(this.pattern);
			}
			if (this.pattern.endsWith("+")) {
				String stem = this.pattern.substring(0, this.pattern.length() - 1);
				return section.equals(stem) || (section.startsWith(stem) && section.length() > stem.length()
						&& section.charAt(stem.length()) == '/');
			}
			return section.equals(this.pattern);
		}

	}

	/** What an unknown section resolves to. */
	public static final SectionDef UNKNOWN = new SectionDef("?", ProgramType.UNSPEC, AttachType.NONE);

	/** The rows of libbpf's table for the modelled program types, in libbpf's order. */
	public static final List<SectionDef> DEFS = List.of(
			new SectionDef("socket", ProgramType.SOCKET_FILTER, AttachType.NONE),
			new SectionDef("tc/ingress", ProgramType.SCHED_CLS, AttachType.TCX_INGRESS),
			new SectionDef("tc/egress", ProgramType.SCHED_CLS, AttachType.TCX_EGRESS),
			new SectionDef("tcx/ingress", ProgramType.SCHED_CLS, AttachType.TCX_INGRESS),
			new SectionDef("tcx/egress", ProgramType.SCHED_CLS, AttachType.TCX_EGRESS),
			new SectionDef("tc", ProgramType.SCHED_CLS, AttachType.NONE),
			new SectionDef("classifier", ProgramType.SCHED_CLS, AttachType.NONE),
			new SectionDef("action", ProgramType.SCHED_ACT, AttachType.NONE),
			new SectionDef("netkit/primary", ProgramType.SCHED_CLS, AttachType.NETKIT_PRIMARY),
			new SectionDef("netkit/peer", ProgramType.SCHED_CLS, AttachType.NETKIT_PEER),
			new SectionDef("xdp.frags", ProgramType.XDP, AttachType.XDP),
			new SectionDef("xdp", ProgramType.XDP, AttachType.XDP));

	/** The first built-in definition matching {@code section}. */
	public static Optional<SectionDef> find(String section) {
		return find(section, List.of());
	}

	/**
	 * The first of {@code overrides}, then of the built-in definitions, that matches
	 * {@code section}.
	 */
	public static Optional<SectionDef> find(String section, List<SectionDef> overrides) {
		for (SectionDef d : overrides) {
			if (d.matches(section)) {
				return Optional.of(d);
			}
		}
		for (SectionDef d : DEFS) {
			if (d.matches(section)) {
				return Optional.of(d);
			}
		}
		return Optional.empty();
	}

	/** The definition for {@code section}, or {@link #UNKNOWN}. */
	public static SectionDef resolve(String section) {
		return find(section).orElse(UNKNOWN);
	}

	/**
	 * The definition for {@code section} with its attach type replaced by
	 * {@code override}; an unknown section takes the program type the attach point needs.
	 * @throws IllegalArgumentException when the section's program type cannot attach
	 * there
	 */
	public static SectionDef resolve(String section, AttachType override) {
		SectionDef d = resolve(section);
		return new SectionDef(section == null ? "?" : section, programTypeFor(d.type(), override), override);
	}

	/**
	 * The program type a program of type {@code type} has when attached to
	 * {@code attach}: {@code type} itself, or for {@link ProgramType#UNSPEC} the type the
	 * attach point requires.
	 * @throws IllegalArgumentException when the two do not go together
	 */
	public static ProgramType programTypeFor(ProgramType type, AttachType attach) {
		ProgramType t = type;
		if (t == ProgramType.UNSPEC) {
			t = switch (attach) {
				case TCX_INGRESS, TCX_EGRESS, NETKIT_PRIMARY, NETKIT_PEER -> ProgramType.SCHED_CLS;
				case XDP -> ProgramType.XDP;
				default -> ProgramType.UNSPEC;
			};
		}
		if (!compatible(t, attach)) {
			throw new IllegalArgumentException("program type " + t + " cannot attach to " + attach);
		}
		return t;
	}

	/**
	 * Whether the kernel attaches programs of {@code type} at {@code attach}: tcx and
	 * netkit take SCHED_CLS only (not SCHED_ACT), XDP takes XDP; {@link AttachType#NONE}
	 * goes with every type.
	 */
	public static boolean compatible(ProgramType type, AttachType attach) {
		return switch (attach) {
			case NONE -> true;
			case TCX_INGRESS, TCX_EGRESS, NETKIT_PRIMARY, NETKIT_PEER -> type == ProgramType.SCHED_CLS;
			case XDP -> type == ProgramType.XDP;
			default -> false;
		};
	}

}
