package dev.bpfnet.engine.run;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import dev.bpfnet.bpf.load.BpfObjectInstance;
import dev.bpfnet.bpf.maps.BpfMap;
import dev.bpfnet.bpf.maps.MapEntry;
import dev.bpfnet.engine.datapath.Datapath;
import dev.bpfnet.engine.datapath.Engine;
import dev.bpfnet.engine.hook.HookProgram;
import dev.bpfnet.engine.trace.Context;
import dev.bpfnet.engine.trace.CpuAccounting;
import dev.bpfnet.engine.trace.DropCounter;
import dev.bpfnet.engine.trace.PacketLedger;
import dev.bpfnet.engine.trace.DropReason;
import dev.bpfnet.engine.trace.LatencyRecorder;
import dev.bpfnet.engine.trace.Names;
import dev.bpfnet.engine.trace.TraceHasher;
import dev.bpfnet.engine.traffic.TrafficPlan;

/**
 * What a run produced, as {@code bpfnet run --json} prints it, plus the maps' contents at
 * the end. A plain record tree: Jackson serialises it as is (absent optional numbers are
 * {@code null}).
 *
 * @param topology the document's name
 * @param seed the run's seed
 * @param simulatedNs the simulated clock at the end
 * @param packets packets sent, delivered and dropped by reason
 * @param flows each traffic flow, in document order
 * @param accountedNs the time the CPU figures cover: the simulated clock, or later if
 * chains that started before the end ran on past it
 * @param cpus CPU time per context and task, per CPU of every node
 * @param traceEvents trace events emitted
 * @param traceSha256 SHA-256 of the trace (the run's fingerprint)
 * @param maps every map of every loaded object at the end (prog arrays and ring buffers
 * listed without entries)
 */
public record RunReport(String topology, long seed, long simulatedNs, Packets packets, List<Flow> flows,
		long accountedNs, List<CpuTime> cpus, long traceEvents, String traceSha256, List<MapDump> maps) {

	/**
	 * Most entries listed per map; {@link MapDump#truncated()} says when there were more.
	 */
	public static final int MAX_MAP_ENTRIES = 1024;

	/**
	 * Every packet of the run, by fate (see {@link PacketLedger}); they add up:
	 * {@code sent = delivered + Σ dropped + left + inFlight}.
	 *
	 * @param sent packets that entered the topology: every skb the run created
	 * (datagrams, responses, echo replies, ARP, crafted and replayed frames; a frame
	 * crossing a wire stays one packet)
	 * @param delivered packets an endpoint took: queued to a socket or consumed by the
	 * stack (no socket bound, ICMP, ARP)
	 * @param dropped drops by kernel reason name, sorted
	 * @param left frames that left the topology through a NIC without a wire
	 * @param inFlight packets still on their way at the end (queues, rings, wires)
	 * <p>
	 * {@code left} and {@code inFlight} are boxed: a summary the server stored before
	 * they existed reads back with {@code null} (Jackson 3 refuses a missing primitive,
	 * {@code FAIL_ON_NULL_FOR_PRIMITIVES}), every new report has both.
	 */
	public record Packets(long sent, long delivered, SortedMap<String, Long> dropped, Long left, Long inFlight) {

	}

	/**
	 * One traffic flow. Request-response flows have {@code transactions} and
	 * {@code transactionsPerSec}; datagram flows {@code sent}, {@code received} and
	 * {@code throughputBps}; the others are {@code null}.
	 *
	 * @param name the traffic's name
	 * @param kind the traffic's kind
	 * @param latencyNs one-way latencies (round trips for request-response)
	 * @param transactions completed transactions
	 * @param transactionsPerSec completed transactions per simulated second while the
	 * flow ran: from its start to its last completed round trip (netperf TCP_RR's rate,
	 * so a flow of 100 transactions gives the same rate whatever the run's duration)
	 * @param sent datagrams sent
	 * @param received datagrams received
	 * @param throughputBps received payload bits per simulated second while the flow ran:
	 * from its start to its last received datagram (a flow that ended early is not
	 * averaged over the rest of the run)
	 */
	public record Flow(String name, String kind, Latency latencyNs, Long transactions, Double transactionsPerSec,
			Long sent, Long received, Double throughputBps) {

	}

	/**
	 * @param count samples
	 * @param p50 median, ns
	 * @param p90 90th percentile, ns ({@code null} in reports stored before it was added)
	 * @param p99 99th percentile, ns
	 * @param max maximum, ns
	 */
	public record Latency(long count, long p50, Long p90, long p99, long max) {

	}

	/**
	 * @param cpu the CPU's name ({@code node/cpuN})
	 * @param id the run-wide CPU id
	 * @param processNs time in process context
	 * @param hardirqNs time in hard IRQ
	 * @param softirqNs time in softirq run inline
	 * @param ksoftirqdNs time in ksoftirqd
	 * @param idleNs idle time up to {@link RunReport#accountedNs()}
	 * @param byTask time per task name
	 */
	public record CpuTime(String cpu, int id, long processNs, long hardirqNs, long softirqNs, long ksoftirqdNs,
			long idleNs, SortedMap<String, Long> byTask) {

	}

	/**
	 * @param node the node whose programs use the map
	 * @param object the object's {@code programs[].object} reference
	 * @param name the map's name
	 * @param type the map type
	 * @param keySize key bytes
	 * @param valueSize value bytes
	 * @param maxEntries capacity
	 * @param size entries present
	 * @param entries up to {@link RunReport#MAX_MAP_ENTRIES} entries
	 * @param truncated whether entries were left out
	 */
	public record MapDump(String node, String object, String name, String type, int keySize, int valueSize,
			int maxEntries, int size, List<MapEntryHex> entries, boolean truncated) {

	}

	/**
	 * @param key the key as hex
	 * @param values the value as hex, one per CPU for per-CPU maps
	 */
	public record MapEntryHex(String key, List<String> values) {

	}

	/**
	 * Builds the report of an engine that has run; call it on the run's thread or after
	 * the run.
	 * @param engine the engine
	 * @param ledger the run's packet ledger
	 * @param drops the run's drop counter
	 * @param hasher the run's trace hasher
	 * @return the report
	 */
	static RunReport of(Engine engine, PacketLedger ledger, DropCounter drops, TraceHasher hasher) {
		long elapsed = engine.simulator().now();
		SortedMap<String, Long> byReason = new TreeMap<>();
		for (Map.Entry<DropReason, Long> e : drops.byReason().entrySet()) {
			byReason.put(e.getKey().name(), e.getValue());
		}
		List<Flow> flows = new ArrayList<>();
		for (TrafficPlan.Flow f : engine.plan().flows()) {
			LatencyRecorder.LatencySummary s = engine.latency().summary(f.flowId());
			Latency lat = new Latency(s.count(), s.p50Ns(), s.p90Ns(), s.p99Ns(), s.maxNs());
			if (f instanceof TrafficPlan.RequestResponseFlow rr) {
				long tx = rr.client().transactions();
				flows.add(new Flow(f.traffic().name(), f.traffic().kind(), lat, tx, rr.client().transactionsPerSecond(),
						null, null, null));
			}
			else if (f instanceof TrafficPlan.UdpFlow u) {
				long window = (u.sink().lastNs() < 0) ? 0 : u.sink().lastNs() - f.traffic().startNs();
				flows.add(new Flow(f.traffic().name(), f.traffic().kind(), lat, null, null, u.source().sent(),
						u.sink().received(), (window <= 0) ? 0.0 : u.sink().receivedBytes() * 8e9 / window));
			}
			else {
				flows.add(new Flow(f.traffic().name(), f.traffic().kind(), lat, null, null, null, null, null));
			}
		}
		// chains that started before the end run to completion: account up to the last
		// one
		long accounted = elapsed;
		for (int c = 0; c < engine.accounting().cpus(); c++) {
			accounted = Math.max(accounted, engine.accounting().chargedUntilNs(c));
		}
		return new RunReport(engine.document().name(), engine.document().seed(), elapsed,
				new Packets(engine.skbsCreated(), ledger.delivered(), Collections.unmodifiableSortedMap(byReason),
						ledger.left(), ledger.inFlight()),
				Collections.unmodifiableList(flows), accounted, cpus(engine, accounted), hasher.events(), hasher.hex(),
				maps(engine));
	}

	private static List<CpuTime> cpus(Engine engine, long accounted) {
		CpuAccounting acc = engine.accounting();
		Names names = engine.names();
		List<CpuTime> out = new ArrayList<>();
		for (Datapath dp : engine.nodes()) {
			for (int c = 0; c < dp.cpus().size(); c++) {
				int id = dp.cpus().cpu(c).id();
				SortedMap<String, Long> byTask = new TreeMap<>();
				for (int t : acc.taskIds(id)) {
					byTask.put(names.name(Names.Kind.TASK, t), acc.taskNs(id, t));
				}
				out.add(new CpuTime(names.name(Names.Kind.CPU, id), id, acc.contextNs(id, Context.TASK),
						acc.contextNs(id, Context.HARDIRQ), acc.contextNs(id, Context.SOFTIRQ),
						acc.contextNs(id, Context.KSOFTIRQD), acc.idleNs(id, accounted),
						Collections.unmodifiableSortedMap(byTask)));
			}
		}
		return Collections.unmodifiableList(out);
	}

	/** The maps of every object instance of every node, each instance once. */
	static List<MapDump> maps(Engine engine) {
		HexFormat hex = HexFormat.of();
		List<MapDump> out = new ArrayList<>();
		for (Datapath dp : engine.nodes()) {
			Map<BpfObjectInstance, Boolean> seen = new IdentityHashMap<>();
			for (HookProgram p : dp.programs().values()) {
				BpfObjectInstance instance = p.instance();
				if (instance == null || seen.put(instance, Boolean.TRUE) != null) {
					continue;
				}
				for (BpfMap map : instance.maps()) {
					List<MapEntryHex> entries = new ArrayList<>();
					boolean truncated = false;
					switch (map.type()) {
						case PROG_ARRAY, RINGBUF -> {
						}
						default -> {
							for (MapEntry e : map.entries()) {
								if (entries.size() == MAX_MAP_ENTRIES) {
									truncated = true;
									break;
								}
								List<String> values = new ArrayList<>(e.values().length);
								for (byte[] v : e.values()) {
									values.add(hex.formatHex(v));
								}
								entries.add(new MapEntryHex(hex.formatHex(e.key()), List.copyOf(values)));
							}
						}
					}
					out.add(new MapDump(dp.node(), p.object(), map.name(), map.type().name(), map.keySize(),
							map.valueSize(), map.maxEntries(), map.size(), Collections.unmodifiableList(entries),
							truncated));
				}
			}
		}
		return Collections.unmodifiableList(out);
	}

}
