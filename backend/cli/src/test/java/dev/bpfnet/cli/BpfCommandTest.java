package dev.bpfnet.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.bpfnet.bpf.asm.Assembler;
import dev.bpfnet.bpf.elf.ElfLoader;
import dev.bpfnet.bpf.elf.ProgramSpec;
import dev.bpfnet.bpf.isa.Insn;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code bpfnet bpf} commands end to end, in-process, on the project's C test
 * programs.
 */
class BpfCommandTest extends CapturedStdio {

	/** Ethernet + IPv4 (10.0.0.1 -> 10.0.0.2) + TCP SYN 1234 -> 80. */
	static final String TCP_SYN = "020000000002020000000001080045000028000100004006" + "00000a0000010a00000204d2"
			+ "005000000001000000005002200000000000";

	InputStream savedIn;

	@TempDir
	Path tmp;

	static Path object(String name) throws Exception {
		return Path.of(BpfCommandTest.class.getResource("/bpf/" + name).toURI());
	}

	String out() {
		return this.out.toString(StandardCharsets.UTF_8);
	}

	String err() {
		return this.err.toString(StandardCharsets.UTF_8);
	}

	@Test
	void disasmPrintsEveryProgramAndItAssemblesBackToTheLoadedBytes() throws Exception {
		Path nat = object("nat.o");
		assertThat(BpfnetCli.execute("bpf", "disasm", nat.toString(), "--section", "tc/egress")).isZero();
		String text = out();
		assertThat(text).contains("Disassembly of section tc/egress:").contains("nat_egress:");
		String body = text.substring(text.indexOf("insns)\n") + "insns)\n".length());
		ProgramSpec spec = ElfLoader.load(Files.readAllBytes(nat), "nat.o").program("nat_egress");
		assertThat(Insn.encode(Assembler.assembleInsns(body))).isEqualTo(Insn.encode(spec.insns()));
	}

	@Test
	void verifyAcceptsClangOutput() throws Exception {
		assertThat(BpfnetCli.execute("bpf", "verify", object("flow_counter.o").toString())).isZero();
		assertThat(out()).contains("count_flows (tcx/ingress): accepted, processed");
	}

	@Test
	void verifyRejectsWithTheKernelsWordsAndExitStatus1() throws IOException {
		Path prog = this.tmp.resolve("bad.s");
		Files.writeString(prog, "r0 = *(u32 *)(r1 + 1000)\nexit\n");
		assertThat(BpfnetCli.execute("bpf", "verify", prog.toString())).isEqualTo(1);
		assertThat(out()).contains("rejected at insn 0: invalid bpf_context access off=1000 size=4");
	}

	@Test
	void runReportsVerdictPacketAndChangedMapsAsJson() throws Exception {
		int status = BpfnetCli.execute("bpf", "run", object("flow_counter.o").toString(), "--section", "tcx/ingress",
				"--packet", TCP_SYN, "--repeat", "5", "--json");
		assertThat(status).as(err()).isZero();
		JsonNode json = JsonMapper.builder().build().readTree(out());
		assertThat(json.get("verdict").asString()).isEqualTo("TC_ACT_OK");
		assertThat(json.get("r0").asLong()).isZero();
		assertThat(json.get("packetHex").asString()).isEqualTo(TCP_SYN);
		assertThat(json.get("nsPerRun").asLong()).isPositive();
		assertThat(json.get("runs").asInt()).isEqualTo(5);
		// maps keep their state across the runs: the flow was counted five times
		JsonNode flows = json.get("mapsChanged").get("flows");
		assertThat(flows).hasSize(1);
		assertThat(flows.get(0).get("key").asString()).isEqualTo("0a0000010a00000204d2005006000000");
		assertThat(flows.get(0).get("value").asString()).startsWith("0500000000000000");
	}

	@Test
	void runShowsThePacketAProgramRewrote() throws Exception {
		// TCP 10.0.0.1:1234 -> service 10.96.0.1:80, valid checksums; the NAT rewrites it
		// to the backend in
		// slot 0: 10.0.0.99:8080
		byte[] frame = hexBytes("020000000002020000000001080045000028000100004006" + "0000" + "0a0000010a600001"
				+ "04d2005000000001000000005002200000000000");
		putShort(frame, 24, ipChecksum(frame, 14));
		int status = BpfnetCli.execute("bpf", "run", object("nat.o").toString(), "--section", "tc/egress", "--packet",
				BpfCommand.hex(frame), "--global", "service_ip=0x0100600a", "--map-update",
				"nat_backends:00000000=0a0000631f900000", "--json");
		assertThat(status).as(err()).isZero();
		JsonNode json = JsonMapper.builder().build().readTree(out());
		assertThat(json.get("verdict").asString()).isEqualTo("TC_ACT_OK");
		assertThat(json.get("packetChanged").asBoolean()).isTrue();
		byte[] after = hexBytes(json.get("packetHex").asString());
		assertThat(BpfCommand.hex(java.util.Arrays.copyOfRange(after, 30, 34))).isEqualTo("0a000063");
		assertThat(BpfCommand.hex(java.util.Arrays.copyOfRange(after, 36, 38))).isEqualTo("1f90");
		assertThat(ipChecksum(after, 14)).as("IPv4 header checksum after the rewrite verifies").isZero();
		assertThat(json.get("mapsChanged").get(".bss").get(0).get("value").asString()).startsWith("01");
	}

	@Test
	void mapUpdateWithTheWrongSizeIsRefused() throws Exception {
		assertThat(BpfnetCli.execute("bpf", "run", object("nat.o").toString(), "--section", "tc/egress", "--packet",
				TCP_SYN, "--map-update", "nat_backends:00=00"))
			.isEqualTo(1);
		assertThat(err()).contains("--map-update nat_backends: key must be 4 bytes and value 8 bytes, got 1 and 1");
	}

	static byte[] hexBytes(String hex) {
		return BpfCommand.parseHex("test", hex);
	}

	static void putShort(byte[] b, int off, int v) {
		b[off] = (byte) (v >> 8);
		b[off + 1] = (byte) v;
	}

	/**
	 * The IPv4 header checksum over 20 bytes at {@code off}: 0 when the stored checksum
	 * is right.
	 */
	static int ipChecksum(byte[] b, int off) {
		int sum = 0;
		for (int i = 0; i < 20; i += 2) {
			sum += ((b[off + i] & 0xff) << 8) | (b[off + i + 1] & 0xff);
		}
		while ((sum >> 16) != 0) {
			sum = (sum & 0xffff) + (sum >> 16);
		}
		return ~sum & 0xffff;
	}

	@Test
	void jitAndInterpreterAgreeOnARealProgram() throws Exception {
		String[] common = { "bpf", "run", object("flow_counter.o").toString(), "--section", "tcx/ingress", "--packet",
				TCP_SYN, "--repeat", "3", "--json" };
		assertThat(BpfnetCli.execute(common)).as(err()).isZero();
		JsonNode interpreted = JsonMapper.builder().build().readTree(out());
		this.out.reset();
		String[] withJit = java.util.Arrays.copyOf(common, common.length + 1);
		withJit[common.length] = "--jit";
		assertThat(BpfnetCli.execute(withJit)).as(err()).isZero();
		JsonNode jitted = JsonMapper.builder().build().readTree(out());
		assertThat(jitted.get("engine").asString()).isEqualTo("jit");
		assertThat(interpreted.get("engine").asString()).isEqualTo("interpreter");
		for (String field : new String[] { "r0", "verdict", "packetHex", "instructions", "mapsChanged" }) {
			assertThat(jitted.get(field)).as(field).isEqualTo(interpreted.get(field));
		}
	}

	@Test
	void runOfAnAssemblyFile() throws IOException {
		Path prog = this.tmp.resolve("two.s");
		Files.writeString(prog, "r0 = 2\nexit\n");
		assertThat(BpfnetCli.execute("bpf", "run", prog.toString(), "--packet", TCP_SYN)).isZero();
		assertThat(out()).contains("main (asm): TC_ACT_SHOT, r0 = 0x2 (2)").contains("packet after (unchanged)");
	}

	@Test
	void conformancePluginSpeaksTheProtocol() {
		// ldxdw r0, [r1+0]; exit with memory 11 22 ... 88
		System.setIn(new ByteArrayInputStream("79 10 00 00 00 00 00 00 95 00 00 00 00 00 00 00".getBytes()));
		assertThat(BpfnetCli.execute("bpf", "conformance-plugin", "1122334455667788")).isZero();
		assertThat(out().trim()).isEqualTo("8877665544332211");
	}

	@Test
	void badInputGetsAPreciseErrorAndStatus1() throws Exception {
		assertThat(BpfnetCli.execute("bpf", "disasm", this.tmp.resolve("missing.o").toString())).isEqualTo(1);
		assertThat(err()).contains("missing.o: no such file");
		this.err.reset();
		assertThat(BpfnetCli.execute("bpf", "run", object("nat.o").toString(), "--section", "nope", "--packet", "00"))
			.isEqualTo(1);
		assertThat(err()).contains("no program in section or named 'nope'").contains("tc/egress (nat_egress)");
		this.err.reset();
		assertThat(
				BpfnetCli.execute("bpf", "run", object("nat.o").toString(), "--section", "tc/egress", "--packet", "0g"))
			.isEqualTo(1);
		assertThat(err()).contains("--packet: not a hex digit at position 1: 'g'");
		this.err.reset();
		Path junk = this.tmp.resolve("junk.o");
		Files.write(junk, new byte[] { 0x7f, 'E', 'L', 'F', 2, 1, 1, 0 });
		assertThat(BpfnetCli.execute("bpf", "disasm", junk.toString())).isEqualTo(1);
		assertThat(err()).startsWith("bpfnet: junk.o: ");
		this.err.reset();
		Path asm = this.tmp.resolve("bad.s");
		Files.writeString(asm, "r0 = 1\nfrobnicate r1\nexit\n");
		assertThat(BpfnetCli.execute("bpf", "disasm", asm.toString())).isEqualTo(1);
		assertThat(err()).contains("bad.s:2:1: ");
	}

}
