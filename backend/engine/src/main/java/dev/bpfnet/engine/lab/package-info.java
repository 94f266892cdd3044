/**
 * Labs (DESIGN.md §7): a folder with a {@code lab.yaml} (title, summary, steps, the runs
 * it compares and the checks), its topology documents and programs.
 * {@link dev.bpfnet.engine.lab.LabParser} reads {@code lab.yaml} with problems that name
 * the field path, line and column; {@link dev.bpfnet.engine.lab.LabRunner} runs every
 * topology of a lab through the {@link dev.bpfnet.engine.datapath.Engine} and evaluates
 * the {@link dev.bpfnet.engine.lab.Check}s on the results, seen through the
 * {@link dev.bpfnet.engine.lab.LabRun} interface. Plain Java, no Spring.
 */
package dev.bpfnet.engine.lab;
