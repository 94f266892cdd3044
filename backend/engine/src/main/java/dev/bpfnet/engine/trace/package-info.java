/**
 * Trace events and recorders (DESIGN.md §3.4). Every modelled kernel function emits one
 * event to a {@link dev.bpfnet.engine.trace.TraceSink} with primitive arguments only; the
 * vocabulary is the kernel's ({@link dev.bpfnet.engine.trace.Function},
 * {@link dev.bpfnet.engine.trace.Context}, {@link dev.bpfnet.engine.trace.DropReason},
 * {@link dev.bpfnet.engine.trace.Verdict}).
 *
 * <pre>
 *  model ──event()──▶ Tee ──▶ PathRecorder        (per-skb path, columnar, ≤ 64 B/step)
 *                         ├──▶ QueueDepthRecorder  (depth series per queue, min/max downsampled)
 *                         ├──▶ DropCounter         (by reason, by device)
 *                         └──▶ TraceHasher         (traceSha256)
 *  CPU model ──charge()──▶ CpuAccounting   (ns per CPU, context, task; idle = elapsed − busy)
 *  traffic ──record()──▶ LatencyRecorder   (HdrHistogram per flow)
 *  engine ──register()──▶ Names            (ids → display names)
 * </pre>
 *
 * Recorders only observe: they never call back into the model, so recording on or off
 * gives the same results. All classes are single-threaded (one run = one thread).
 */
package dev.bpfnet.engine.trace;
