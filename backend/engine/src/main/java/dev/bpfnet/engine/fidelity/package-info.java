/**
 * Calibration scenarios: whole-topology runs compared with published kernel measurements
 * (issue 3, docs/fidelity.md). {@link dev.bpfnet.engine.fidelity.Fidelity#runAll} runs
 * every {@link dev.bpfnet.engine.fidelity.Scenario} with the default cost table and
 * scheduling model and returns a {@link dev.bpfnet.engine.fidelity.Result} each; no
 * parameter is fitted per scenario.
 */
package dev.bpfnet.engine.fidelity;
