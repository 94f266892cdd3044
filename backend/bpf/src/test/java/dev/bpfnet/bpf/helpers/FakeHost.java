package dev.bpfnet.bpf.helpers;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** A host with a settable clock, a list of devices and one route. */
final class FakeHost implements BpfHost {

	long now = 1_000_000;

	final List<String> lines = new ArrayList<>();

	final Set<Integer> devices = new HashSet<>(List.of(1, 2, 3));

	/**
	 * ifindex the route for 10.0.0.0/8 leaves through; other destinations are
	 * unreachable.
	 */
	int routeIfindex = 3;

	int mtu = 1500;

	int lastFlags;

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
		this.lastFlags = flags;
		if (p.family() != FibLookupParams.AF_INET || (p.ipv4Dst() >>> 24) != 10) {
			return FibLookupParams.RET_UNREACHABLE;
		}
		if (p.totLen() > this.mtu) {
			p.mtuResult(this.mtu);
			return FibLookupParams.RET_FRAG_NEEDED;
		}
		p.ifindex(this.routeIfindex);
		p.smac(new byte[] { 2, 0, 0, 0, 0, 3 });
		p.dmac(new byte[] { 2, 0, 0, 0, 0, (byte) 0xfe });
		p.mtuResult(this.mtu);
		return FibLookupParams.RET_SUCCESS;
	}

	@Override
	public boolean deviceExists(int ifindex) {
		return this.devices.contains(ifindex);
	}

}
