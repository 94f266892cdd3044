package dev.bpfnet.server.run;

import java.util.List;

/**
 * One packet (skb) of a run, as the packet list shows it.
 *
 * @param skb the skb id
 * @param firstNs simulated time of its first step
 * @param lastNs simulated time of its last step
 * @param steps number of steps
 * @param first its first function
 * @param last its last function
 * @param devices the devices it passed, in order, each once
 * @param verdicts the program verdicts it got, in order
 * @param drop its drop reason, or {@code null} if it was not dropped
 */
public record PacketSummary(long skb, long firstNs, long lastNs, int steps, String first, String last,
		List<String> devices, List<Integer> verdicts, String drop) {

}
