package dev.bpfnet.bpf.verifier;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code kernel/bpf/tnum.c}: the abstract operations contain the concrete results. */
class TnumTest {

	@Test
	void printsAsTheKernel() {
		assertThat(Tnum.constant(0).and(Tnum.UNKNOWN).or(Tnum.range(0, 31))).hasToString("(0x0; 0x1f)");
		assertThat(Tnum.range(4, 7)).isEqualTo(new Tnum(4, 3));
		assertThat(Tnum.range(0, -1L)).isEqualTo(Tnum.UNKNOWN);
	}

	private static Tnum around(long v, long mask) {
		return new Tnum(v & ~mask, mask);
	}

	@Property(tries = 2000)
	void operationsAreSound(@ForAll long a, @ForAll long am, @ForAll long b, @ForAll long bm, @ForAll long pickA,
			@ForAll long pickB) {
		// narrow the masks so that the tnums are not all unknown
		am &= 0xff0f;
		bm &= 0x0ff0;
		Tnum ta = around(a, am);
		Tnum tb = around(b, bm);
		long x = ta.value() | (pickA & am);
		long y = tb.value() | (pickB & bm);
		assertThat(ta.add(tb).contains(Tnum.constant(x + y))).isTrue();
		assertThat(ta.sub(tb).contains(Tnum.constant(x - y))).isTrue();
		assertThat(ta.mul(tb).contains(Tnum.constant(x * y))).isTrue();
		assertThat(ta.and(tb).contains(Tnum.constant(x & y))).isTrue();
		assertThat(ta.or(tb).contains(Tnum.constant(x | y))).isTrue();
		assertThat(ta.xor(tb).contains(Tnum.constant(x ^ y))).isTrue();
		int s = (int) (pickB & 63);
		assertThat(ta.lshift(s).contains(Tnum.constant(x << s))).isTrue();
		assertThat(ta.rshift(s).contains(Tnum.constant(x >>> s))).isTrue();
		assertThat(ta.arshift(s, 64).contains(Tnum.constant(x >> s))).isTrue();
		long lo = Math.min(x, y);
		long hi = Math.max(x, y);
		if (Long.compareUnsigned(x, y) <= 0) {
			lo = x;
			hi = y;
		}
		else {
			lo = y;
			hi = x;
		}
		assertThat(Tnum.range(lo, hi).contains(Tnum.constant(lo))).isTrue();
		assertThat(Tnum.range(lo, hi).contains(Tnum.constant(hi))).isTrue();
	}

}
