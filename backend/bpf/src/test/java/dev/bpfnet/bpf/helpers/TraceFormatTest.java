package dev.bpfnet.bpf.helpers;

import java.nio.charset.StandardCharsets;

import dev.bpfnet.bpf.maps.Errno;
import dev.bpfnet.bpf.mem.BpfFault;
import dev.bpfnet.bpf.mem.Memory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * bpf_trace_printk formats as data: format, three arguments, expected text or -EINVAL.
 */
class TraceFormatTest {

	static String format(String fmt, long a1, long a2, long a3, Memory mem) {
		byte[] b = fmt.getBytes(StandardCharsets.ISO_8859_1);
		StringBuilder out = new StringBuilder();
		int rc = TraceFormat.format(b, b.length, new long[] { a1, a2, a3 }, mem, out);
		if (rc < 0) {
			return "rc=" + rc;
		}
		assertThat(rc).isEqualTo(out.length());
		return out.toString();
	}

	@ParameterizedTest(name = "[{0}]")
	@CsvSource(delimiter = '|', quoteCharacter = '"',
			value = { "hello | 0 | 0 | 0 | hello", "%d %i | -5 | 7 | 0 | -5 7", "%d | 0x1ffffffff | 0 | 0 | -1",
					"%u | -1 | 0 | 0 | 4294967295", "%ld | -1 | 0 | 0 | -1",
					"%lld %llu | -2 | -2 | 0 | -2 18446744073709551614",
					"%x %X %lx | 255 | 48879 | 0x1234567890 | ff BEEF 1234567890",
					"%5d,%-5d,%05d | 42 | 42 | 42 | \"   42,42   ,00042\"", "%+d % d | 3 | 3 | 0 | +3  3",
					"%c%c | 104 | 105 | 0 | hi", "100%% | 0 | 0 | 0 | 100%", "%px | 0x1234 | 0 | 0 | 0000000000001234",
					"%pK | 0x1234 | 0 | 0 | 0000000000000000", "a %d b %d c %d d %d | 1 | 2 | 3 | rc=-22",
					"%s | 0 | 0 | 0 | \"\"", "%hd | 1 | 0 | 0 | rc=-22", "%.2d | 1 | 0 | 0 | rc=-22",
					"%#x | 1 | 0 | 0 | rc=-22", "%pZ | 1 | 0 | 0 | rc=-22", "%f | 1 | 0 | 0 | rc=-22",
					"trailing % | 0 | 0 | 0 | rc=-22" })
	void formats(String fmt, String a1, String a2, String a3, String expected) {
		assertThat(format(fmt, parse(a1), parse(a2), parse(a3), null)).isEqualTo(expected == null ? "" : expected);
	}

	static long parse(String s) {
		s = s.trim();
		return s.startsWith("0x") ? Long.parseUnsignedLong(s.substring(2), 16) : Long.parseLong(s);
	}

	@Test
	void nonPrintableBytesAreRefused() {
		assertThat(format("bell\u0007", 0, 0, 0, null)).isEqualTo("rc=" + -Errno.EINVAL);
		assertThat(format("tab\tand newline\n", 0, 0, 0, null)).isEqualTo("tab\tand newline\n");
		assertThat(format("caf\u00e9", 0, 0, 0, null)).isEqualTo("rc=" + -Errno.EINVAL);
	}

	@Test
	void stringsAndAddressesAreReadFromMemory() throws BpfFault {
		Memory mem = new Memory();
		byte[] buf = new byte[32];
		System.arraycopy("eth0\0junk".getBytes(StandardCharsets.US_ASCII), 0, buf, 0, 9);
		buf[16] = 10;
		buf[17] = 0;
		buf[18] = 2;
		buf[19] = 15;
		mem.beginRun();
		long base = mem.addBuffer(buf, 0, 32, false, null);
		assertThat(format("dev=%s ip=%pI4 %pi4", base, base + 16, base + 16, mem))
			.isEqualTo("dev=eth0 ip=10.0.2.15 010.000.002.015");
		assertThat(format("%pks|%10s|", base, base, 0, mem)).isEqualTo("eth0|      eth0|");
		byte[] v6 = new byte[16];
		v6[0] = 0x20;
		v6[1] = 0x01;
		v6[2] = 0x0d;
		v6[3] = (byte) 0xb8;
		v6[15] = 1;
		long p6 = mem.addBuffer(v6, 0, 16, false, null);
		assertThat(format("%pI6", p6, 0, 0, mem)).isEqualTo("2001:0db8:0000:0000:0000:0000:0000:0001");
		assertThat(format("%pi6", p6, 0, 0, mem)).isEqualTo("20010db8000000000000000000000001");
		// unreadable pointers print empty strings and zero addresses, as *_nofault reads
		assertThat(format("[%s] %pI4", 0, 12, 0, mem)).isEqualTo("[] 0.0.0.0");
		mem.endRun();
	}

	@Test
	void outputIsCutAtTheBufferSize() {
		String fmt = "x".repeat(2000);
		StringBuilder out = new StringBuilder();
		int rc = TraceFormat.format(fmt.getBytes(StandardCharsets.US_ASCII), 2000, new long[3], null, out);
		assertThat(rc).isEqualTo(2000);
		assertThat(out).hasSize(TraceFormat.MAX_BUF - 1);
	}

}
