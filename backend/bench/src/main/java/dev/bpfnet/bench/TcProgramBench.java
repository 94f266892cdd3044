package dev.bpfnet.bench;

import java.io.IOException;
import java.io.InputStream;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

import dev.bpfnet.bpf.ctx.SkBuff;
import dev.bpfnet.bpf.elf.ElfException;
import dev.bpfnet.bpf.elf.ElfLoader;
import dev.bpfnet.bpf.helpers.BpfHost;
import dev.bpfnet.bpf.helpers.FibLookupParams;
import dev.bpfnet.bpf.helpers.HelperEnv;
import dev.bpfnet.bpf.interp.Executor;
import dev.bpfnet.bpf.interp.LoadedProgram;
import dev.bpfnet.bpf.interp.Vm;
import dev.bpfnet.bpf.jit.JitCompiler;
import dev.bpfnet.bpf.jit.JitException;
import dev.bpfnet.bpf.load.BpfObjectInstance;
import dev.bpfnet.bpf.mem.BpfFault;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A real tc program per packet: {@code count_flows} from
 * {@code backend/bpf/src/test/c/flow_counter.c} (clang -O2 -mcpu=v3) parses Ethernet,
 * IPv4 and TCP, updates a per-CPU counter, reads the clock, and looks up and updates a
 * per-flow hash map entry: 99 instructions per packet on this TCP SYN. One operation =
 * one program run on the same packet (the program does not change it).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TcProgramBench {

	/** Ethernet + IPv4 10.0.0.1 -> 10.0.0.2 + TCP SYN 1234 -> 80. */
	static final String TCP_SYN = "020000000002020000000001080045000028000100004006"
			+ "00000a0000010a00000204d2005000000001000000005002200000000000";

	Vm vm;

	HelperEnv env;

	LoadedProgram countFlows;

	SkBuff skb;

	Executor jit;

	@Setup
	public void setup() throws IOException, ElfException, JitException {
		byte[] object;
		try (InputStream in = TcProgramBench.class.getResourceAsStream("/bpf/flow_counter.o")) {
			object = in.readAllBytes();
		}
		BpfObjectInstance instance = BpfObjectInstance.open(ElfLoader.load(object, "flow_counter.o"), 1);
		instance.load();
		this.countFlows = instance.program("count_flows");
		this.vm = new Vm();
		this.env = HelperEnv.attach(this.vm, new BenchHost(), 1);
		this.skb = new SkBuff(HexFormat.of().parseHex(TCP_SYN));
		this.jit = JitCompiler.compile(this.countFlows).executor();
	}

	/** A clock that advances 100 ns per read; no routes, printk discarded. */
	static final class BenchHost implements BpfHost {

		long now;

		@Override
		public long ktimeGetNs() {
			return this.now += 100;
		}

		@Override
		public void tracePrintk(String line) {
		}

		@Override
		public int fibLookup(FibLookupParams params, int flags) {
			return FibLookupParams.RET_NOT_FWDED;
		}

	}

	@Benchmark
	public long interpreterCountFlows() throws BpfFault {
		return this.env.run(this.vm, this.countFlows, this.skb);
	}

	@Benchmark
	public long jitCountFlows() throws BpfFault {
		return this.env.run(this.vm, this.countFlows, this.skb, this.jit);
	}

}
