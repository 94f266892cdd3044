package dev.bpfnet.engine.cost;

/**
 * How a default cost was obtained, following the tags of {@code reference/costs.md} (S,
 * D, A). Mixed tags take the weaker basis: S/D is {@link #DERIVED}, D/A and A/D are
 * {@link #ASSUMED}; the original tag is kept at the start of {@link CostEntry#source()}.
 */
public enum Basis {

	/**
	 * The number appears in the cited source (frequency-scaled to 3 GHz where CPU-bound).
	 */
	SOURCED,

	/**
	 * Arithmetic on sourced numbers (shown in the source text), or fitted to a sourced
	 * measurement.
	 */
	DERIVED,

	/** Engineering estimate with no published per-function number: a calibration knob. */
	ASSUMED,

	/** Set by the user through {@link CostModel#withOverrides(java.util.Map)}. */
	OVERRIDDEN

}
