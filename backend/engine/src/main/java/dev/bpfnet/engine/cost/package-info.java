/**
 * The cost model: how many nanoseconds of CPU each modelled kernel function takes
 * ({@link dev.bpfnet.engine.cost.CostModel}, one table of
 * {@link dev.bpfnet.engine.cost.CostEntry}), and the scheduling and softirq parameters
 * that are latencies or limits rather than CPU work
 * ({@link dev.bpfnet.engine.cost.SchedParams}).
 *
 * <p>
 * The defaults are the table proposed in {@code reference/costs.md} §3 (≈3 GHz x86 server
 * core, recent kernel, warm caches), each with its basis and source;
 * {@code docs/costs.md} prints the table as the engine uses it. Read its last section
 * before tuning anything: the {@code bpf_redirect} vs {@code bpf_redirect_peer} TCP_RR
 * gap (122.45 vs 44.45 µs) is waiting for softirq service, not CPU work, so it belongs to
 * the scheduling model, not to this table.
 *
 * <p>
 * Everything here is immutable and safe to share between runs and threads.
 */
package dev.bpfnet.engine.cost;
