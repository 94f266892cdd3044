package dev.bpfnet.bpf.load;

import java.util.ArrayList;
import java.util.List;

import dev.bpfnet.bpf.helpers.BpfHost;
import dev.bpfnet.bpf.helpers.FibLookupParams;

/** A host whose FIB answer is set by the test. */
final class TestHost implements BpfHost {

	long now = 5_000;

	final List<String> lines = new ArrayList<>();

	int fibResult = FibLookupParams.RET_SUCCESS;

	int fibIfindex = 7;

	int gateway;

	FibLookupParams lastQuery;

	@Override
	public long ktimeGetNs() {
		return this.now;
	}

	@Override
	public void tracePrintk(String line) {
		this.lines.add(line);
	}

	@Override
	public int fibLookup(FibLookupParams p, int flags) {
		this.lastQuery = new FibLookupParams(p.bytes().clone());
		if (this.fibResult == FibLookupParams.RET_SUCCESS || this.fibResult == FibLookupParams.RET_NO_NEIGH) {
			p.ifindex(this.fibIfindex);
			if (this.gateway != 0) {
				p.ipv4Dst(this.gateway);
			}
		}
		if (this.fibResult == FibLookupParams.RET_SUCCESS) {
			p.smac(new byte[] { 2, 0, 0, 0, 0, 0x07 });
			p.dmac(new byte[] { 2, 0, 0, 0, 0, (byte) 0xfe });
		}
		p.mtuResult(1500);
		return this.fibResult;
	}

}
