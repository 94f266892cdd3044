package dev.bpfnet.bpf.helpers;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class ChecksumsTest {

	static byte[] le64s(long... words) {
		ByteBuffer b = ByteBuffer.allocate(words.length * 8).order(ByteOrder.LITTLE_ENDIAN);
		for (long w : words) {
			b.putLong(w);
		}
		return b.array();
	}

	/**
	 * Vectors of the kernel's selftest
	 * tools/testing/selftests/bpf/prog_tests/test_csum_diff.c (little-endian results):
	 * push (to only), pull (from only), diff (both), edge.
	 */
	@ParameterizedTest(name = "{0}")
	@CsvSource({
			// name, from words, from_len, to words, to_len, seed, result
			"push 8, '', 0, deadbeefdeadbeef, 8, 0x0, 0x3b3b",
			"push 16, '', 0, deadbeefdeadbeef beefdeadbeefdead, 16, 0x1234, 0x88aa",
			"push 15, '', 0, deadbeefdeadbeef beefdeadbeefdead, 15, 0x1234, 0xcaa9",
			"pull 8, deadbeefdeadbeef, 8, '', 0, 0x0, 0xc4c4",
			"pull 16, deadbeefdeadbeef beefdeadbeefdead, 16, '', 0, 0x1234, 0x9bbd",
			"pull 15, deadbeefdeadbeef beefdeadbeefdead, 15, '', 0, 0x1234, 0x59be",
			"diff 8, deadbeefdeadbeef, 8, abababababababab, 8, 0x0, 0x7373",
			"diff 7, deadbeefdeadbeef, 7, abababababababab, 7, 0x0, 0xa673",
			"diff from zero, 0, 8, abababababababab, 8, 0x0, 0xaeae",
			"diff to zero, deadbeefdeadbeef, 8, 0, 8, 0xffff, 0xc4c4", "edge empty, '', 0, '', 0, 0x0, 0x0",
			"edge seed only, '', 0, '', 0, 0x1234, 0x1234" })
	void csumDiffMatchesKernelSelftest(String name, String from, int fromLen, String to, int toLen, String seed,
			String result) {
		byte[] f = words(from);
		byte[] t = words(to);
		int got = Checksums.csumDiff(f, 0, fromLen, t, 0, toLen, Integer.decode(seed));
		assertThat(got & 0xffff).isEqualTo(Integer.decode(result));
	}

	@ParameterizedTest
	@CsvSource({ "512" })
	void pullOfZerosWithFullSeedKeepsSeed(int len) {
		assertThat(Checksums.csumDiff(new byte[len], 0, len, null, 0, 0, 0xffff)).isEqualTo(0xffff);
	}

	private static byte[] words(String hexWords) {
		if (hexWords.isBlank()) {
			return new byte[64];
		}
		String[] parts = hexWords.trim().split("\\s+");
		long[] w = new long[Math.max(parts.length, 8)];
		for (int i = 0; i < parts.length; i++) {
			w[i] = Long.parseUnsignedLong(parts[i], 16);
		}
		return le64s(w);
	}

	/**
	 * A NAT rewrite of the IPv4 destination, as a program does it: diff = csum_diff(&old,
	 * 4, &new, 4, 0), then csum_replace_by_diff on the header checksum; the result must
	 * equal the checksum computed from scratch.
	 */
	@Property(tries = 500)
	void ipv4AddressRewriteByDiffMatchesRecompute(@ForAll int src, @ForAll int dst, @ForAll int newDst,
			@ForAll @IntRange(min = 0, max = 255) int ttl) {
		byte[] f = Packets.udp4(src, dst, 1000, 2000, new byte[] { 1, 2, 3 });
		f[Packets.ETH + 8] = (byte) ttl;
		Packets.fixChecksums(f);
		byte[] oldAddr = java.util.Arrays.copyOfRange(f, Packets.IP_DST, Packets.IP_DST + 4);
		byte[] newAddr = ByteBuffer.allocate(4).putInt(newDst).array();
		int diff = Checksums.csumDiff(oldAddr, 0, 4, newAddr, 0, 4, 0);
		int sum = (f[Packets.IP_CSUM] & 0xff) | (f[Packets.IP_CSUM + 1] & 0xff) << 8;
		int updated = Checksums.replaceByDiff(sum, diff);
		System.arraycopy(newAddr, 0, f, Packets.IP_DST, 4);
		f[Packets.IP_CSUM] = (byte) updated;
		f[Packets.IP_CSUM + 1] = (byte) (updated >>> 8);
		assertThat(Packets.ipHeaderValid(f)).isTrue();
		int fresh = Packets.be16(f, Packets.IP_CSUM);
		f[Packets.IP_CSUM] = 0;
		f[Packets.IP_CSUM + 1] = 0;
		assertThat(fresh).isEqualTo(Checksums.ipChecksum(f, Packets.ETH, 20));
	}

	/**
	 * csum_replace2 and csum_replace4 on the TTL/protocol word and the source address.
	 */
	@Property(tries = 500)
	void replace2And4MatchRecompute(@ForAll int src, @ForAll int newSrc, @ForAll short newTtlProto) {
		byte[] f = Packets.tcp4(src, 0x0a000001, 1, 2, new byte[0]);
		int sum = (f[Packets.IP_CSUM] & 0xff) | (f[Packets.IP_CSUM + 1] & 0xff) << 8;
		int oldWord = (f[Packets.ETH + 8] & 0xff) | (f[Packets.ETH + 9] & 0xff) << 8;
		int newWord = Short.toUnsignedInt(newTtlProto);
		sum = Checksums.replace2(sum, oldWord, newWord);
		f[Packets.ETH + 8] = (byte) newWord;
		f[Packets.ETH + 9] = (byte) (newWord >>> 8);
		int oldSrc = ByteBuffer.wrap(f, Packets.IP_SRC, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
		ByteBuffer.wrap(f, Packets.IP_SRC, 4).putInt(newSrc);
		int newSrcLe = ByteBuffer.wrap(f, Packets.IP_SRC, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
		sum = Checksums.replace4(sum, oldSrc, newSrcLe);
		f[Packets.IP_CSUM] = (byte) sum;
		f[Packets.IP_CSUM + 1] = (byte) (sum >>> 8);
		assertThat(Packets.ipHeaderValid(f)).isTrue();
	}

	@ParameterizedTest
	@CsvSource({ "0x00000000, 0xffff", "0x0000ffff, 0x0000", "0xffffffff, 0x0000", "0x12345678, 0x9753",
			"0x0001fffd, 0x0001" })
	void csumFoldAsTheKernel(String in, String out) {
		assertThat(Checksums.csumFold((int) (long) Long.decode(in))).isEqualTo(Integer.decode(out));
	}

}
