package dev.bpfnet.bpf.load;

import java.util.List;

import dev.bpfnet.bpf.helpers.RedirectInfo;
import dev.bpfnet.bpf.mem.BpfFault;

/**
 * What one program run produced.
 *
 * @param r0 the return value ({@code 0} after a fault)
 * @param verdict r0 named for the program type ({@code TC_ACT_OK}, {@code TC_ACT_SHOT},
 * {@code TC_ACT_REDIRECT}, {@code XDP_PASS}, ...), or {@code FAULT}
 * @param redirect the redirect requested (a copy: later runs do not change it)
 * @param trace the {@code bpf_trace_printk} lines of this run
 * @param instructions instructions executed (tail-called programs included)
 * @param fault the fault that stopped the program, or {@code null}
 */
public record RunResult(long r0, String verdict, RedirectInfo redirect, List<String> trace, long instructions,
		BpfFault fault) {

	public RunResult {
		trace = List.copyOf(trace);
	}

	/** Whether the program ran to its exit. */
	public boolean ok() {
		return this.fault == null;
	}

}
