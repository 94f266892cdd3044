package dev.bpfnet.engine.fidelity;

import java.util.Objects;

/**
 * A scenario's outcome: the emulated values of both variants, in the scenario's unit.
 *
 * @param scenario the scenario
 * @param emulatedA emulated value of variant A
 * @param emulatedB emulated value of variant B
 * @param note how the emulated values were measured
 */
public record Result(Scenario scenario, double emulatedA, double emulatedB, String note) {

	public Result {
		Objects.requireNonNull(scenario, "scenario");
		Objects.requireNonNull(note, "note");
	}

	/**
	 * @return emulatedA / emulatedB (NaN when B is 0 or a value is NaN)
	 */
	public double emulatedRatio() {
		return this.emulatedB == 0 ? Double.NaN : this.emulatedA / this.emulatedB;
	}

	/**
	 * @return whether {@link #emulatedRatio()} is within the scenario's band
	 */
	public boolean withinBand() {
		return this.scenario.withinBand(emulatedRatio());
	}

}
