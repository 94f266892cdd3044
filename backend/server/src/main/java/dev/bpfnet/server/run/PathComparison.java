package dev.bpfnet.server.run;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import dev.bpfnet.engine.trace.DropReason;
import dev.bpfnet.engine.trace.PathRecorder;
import dev.bpfnet.engine.trace.Step;

/**
 * Per-packet path differences between two runs, for the compare view. The trace carries
 * no flow ids, so packets are matched by their <em>first function</em> (the way they
 * entered: {@code udp_sendmsg} for a socket's datagrams, {@code __netif_receive_skb} for
 * frames arriving on a NIC, ...) and then by order of their first step: the k-th packet
 * that started at {@code udp_sendmsg} in run A is paired with the k-th one in run B. For
 * runs of the same traffic and seed (the compare view's use: the same pods on veth and on
 * bpfnet) that is the same datagram of the same flow; for different traffic it is only a
 * positional pairing, which the view says.
 *
 * @param a run A's id
 * @param b run B's id
 * @param packetsA packets (skbs) in run A
 * @param packetsB packets in run B
 * @param matched pairs matched
 * @param functions per kernel function, in how many matched pairs it is on A's path and
 * not B's ({@code onlyA}) or the reverse; functions on both paths of every pair are left
 * out; sorted by the larger count
 * @param pairs the first {@code limit} pairs, each with its own differences
 */
public record PathComparison(String a, String b, long packetsA, long packetsB, int matched,
		List<FunctionDiff> functions, List<Pair> pairs) {

	/** Most pairs listed; the function counts cover every matched pair. */
	static final int MAX_LIMIT = 500;

	/**
	 * @param function the kernel function
	 * @param onlyA pairs where only A's path has it
	 * @param onlyB pairs where only B's path has it
	 */
	public record FunctionDiff(String function, int onlyA, int onlyB) {
	}

	/**
	 * One matched pair.
	 *
	 * @param order position among the packets with the same first function
	 * @param entry the first function of both
	 * @param skbA the skb in A
	 * @param skbB the skb in B
	 * @param stepsA steps of A's path
	 * @param stepsB steps of B's path
	 * @param latencyA simulated time from A's first to last step
	 * @param latencyB the same for B
	 * @param lastA A's last function
	 * @param lastB B's last function
	 * @param dropA A's drop reason, or {@code null}
	 * @param dropB B's drop reason, or {@code null}
	 * @param onlyA functions on A's path and not on B's, in path order
	 * @param onlyB functions on B's path and not on A's, in path order
	 */
	public record Pair(int order, String entry, long skbA, long skbB, int stepsA, int stepsB, long latencyA,
			long latencyB, String lastA, String lastB, String dropA, String dropB, List<String> onlyA,
			List<String> onlyB) {
	}

	/** Compares the recorded paths of two runs; lists at most {@code limit} pairs. */
	static PathComparison of(String idA, Recorded a, String idB, Recorded b, int limit) {
		Map<String, List<Long>> byEntryA = byEntry(a.paths());
		Map<String, List<Long>> byEntryB = byEntry(b.paths());
		Map<String, int[]> counts = new TreeMap<>();
		List<Pair> pairs = new ArrayList<>();
		int matched = 0;
		for (Map.Entry<String, List<Long>> e : byEntryA.entrySet()) {
			List<Long> inB = byEntryB.get(e.getKey());
			if (inB == null) {
				continue;
			}
			List<Long> inA = e.getValue();
			int n = Math.min(inA.size(), inB.size());
			for (int k = 0; k < n; k++) {
				List<Step> pa = a.paths().path(inA.get(k));
				List<Step> pb = b.paths().path(inB.get(k));
				Set<String> fa = functions(pa);
				Set<String> fb = functions(pb);
				List<String> onlyA = new ArrayList<>();
				for (String f : fa) {
					if (!fb.contains(f)) {
						onlyA.add(f);
						counts.computeIfAbsent(f, (x) -> new int[2])[0]++;
					}
				}
				List<String> onlyB = new ArrayList<>();
				for (String f : fb) {
					if (!fa.contains(f)) {
						onlyB.add(f);
						counts.computeIfAbsent(f, (x) -> new int[2])[1]++;
					}
				}
				matched++;
				if (pairs.size() < limit) {
					pairs.add(new Pair(k, e.getKey(), inA.get(k), inB.get(k), pa.size(), pb.size(), span(pa), span(pb),
							last(pa), last(pb), drop(pa), drop(pb), onlyA, onlyB));
				}
			}
		}
		List<FunctionDiff> functions = new ArrayList<>();
		counts.forEach((f, c) -> functions.add(new FunctionDiff(f, c[0], c[1])));
		functions.sort((x, y) -> Integer.compare(Math.max(y.onlyA(), y.onlyB()), Math.max(x.onlyA(), x.onlyB())));
		return new PathComparison(idA, idB, count(byEntryA), count(byEntryB), matched, functions, pairs);
	}

	/** The skbs by first function, each list in order of first step. */
	private static Map<String, List<Long>> byEntry(PathRecorder paths) {
		Map<Long, Boolean> seen = new LinkedHashMap<>();
		for (int i = 0; i < paths.size(); i++) {
			long skb = paths.step(i).skbId();
			if (skb >= 0) {
				seen.putIfAbsent(skb, Boolean.TRUE);
			}
		}
		Map<String, List<Long>> out = new LinkedHashMap<>();
		for (long skb : seen.keySet()) {
			List<Step> path = paths.path(skb);
			out.computeIfAbsent(path.get(0).fn().kernelName(), (k) -> new ArrayList<>()).add(skb);
		}
		return out;
	}

	private static long count(Map<String, List<Long>> byEntry) {
		long n = 0;
		for (List<Long> l : byEntry.values()) {
			n += l.size();
		}
		return n;
	}

	private static Set<String> functions(List<Step> path) {
		Set<String> out = new LinkedHashSet<>();
		for (Step s : path) {
			out.add(s.fn().kernelName());
		}
		return out;
	}

	private static long span(List<Step> path) {
		return path.get(path.size() - 1).timeNs() - path.get(0).timeNs();
	}

	private static String last(List<Step> path) {
		return path.get(path.size() - 1).fn().kernelName();
	}

	private static String drop(List<Step> path) {
		for (Step s : path) {
			if (s.drop() != DropReason.NOT_DROPPED_YET) {
				return s.drop().name();
			}
		}
		return null;
	}

}
