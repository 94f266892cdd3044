package dev.bpfnet.engine.cpu;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

import dev.bpfnet.engine.cost.CostModel;
import dev.bpfnet.engine.cost.SchedParams;
import dev.bpfnet.engine.sim.EventHandler;
import dev.bpfnet.engine.sim.Simulator;
import dev.bpfnet.engine.trace.CpuAccounting;
import dev.bpfnet.engine.trace.Function;
import dev.bpfnet.engine.trace.Names;
import dev.bpfnet.engine.trace.TraceSink;

/**
 * The CPUs of one node, with their {@code ksoftirqd/N} tasks and {@code softnet_data}
 * backlogs, and the tasks created on them. Owns the run-wide ids it was given in its
 * {@link Config}: CPU ids {@code firstCpuId ..}, task ids {@code firstTaskId ..} (the
 * ksoftirqd tasks first, then {@link #createTask created} tasks in creation order),
 * backlog queue ids {@code firstQueueId ..}.
 *
 * <p>
 * Not thread-safe: build it and run it on the simulator's thread.
 */
public final class CpuSet {

	/**
	 * The node's CPU configuration.
	 *
	 * @param cpus number of CPUs, {@code >= 1}
	 * @param firstCpuId run-wide id of CPU 0, {@code >= 0}
	 * @param firstTaskId run-wide id of {@code ksoftirqd/0}, {@code >= 0}; this set uses
	 * {@code cpus} ids for ksoftirqd and one more per created task
	 * @param firstQueueId run-wide queue id of CPU 0's backlog, {@code >= 0}; this set
	 * uses {@code cpus} queue ids
	 * @param netdevMaxBacklog {@code net.core.netdev_max_backlog}, {@code >= 1}, default
	 * 1000
	 * @param devWeight {@code net.core.dev_weight} ({@code dev_rx_weight}, the backlog
	 * NAPI quota), {@code >= 1}, default 64
	 */
	public record Config(int cpus, int firstCpuId, int firstTaskId, int firstQueueId, int netdevMaxBacklog,
			int devWeight) {

		/** Default {@code netdev_max_backlog} (net/core/hotdata.c). */
		public static final int DEFAULT_MAX_BACKLOG = 1000;

		/** Default {@code dev_weight} (net/core/hotdata.c). */
		public static final int DEFAULT_DEV_WEIGHT = 64;

		public Config {
			if (cpus < 1) {
				throw new IllegalArgumentException("cpus must be >= 1, was " + cpus);
			}
			if (firstCpuId < 0) {
				throw new IllegalArgumentException("firstCpuId must be >= 0, was " + firstCpuId);
			}
			if (firstTaskId < 0) {
				throw new IllegalArgumentException("firstTaskId must be >= 0, was " + firstTaskId);
			}
			if (firstQueueId < 0) {
				throw new IllegalArgumentException("firstQueueId must be >= 0, was " + firstQueueId);
			}
			if (netdevMaxBacklog < 1) {
				throw new IllegalArgumentException("netdevMaxBacklog must be >= 1, was " + netdevMaxBacklog);
			}
			if (devWeight < 1) {
				throw new IllegalArgumentException("devWeight must be >= 1, was " + devWeight);
			}
		}

		/**
		 * {@code cpus} CPUs with ids from 0 and kernel defaults.
		 * @param cpus number of CPUs
		 * @return the configuration
		 */
		public static Config of(int cpus) {
			return new Config(cpus, 0, 0, 0, DEFAULT_MAX_BACKLOG, DEFAULT_DEV_WEIGHT);
		}

		/**
		 * The same with another backlog limit.
		 * @param max {@code netdev_max_backlog}
		 * @return a copy
		 */
		public Config withMaxBacklog(int max) {
			return new Config(this.cpus, this.firstCpuId, this.firstTaskId, this.firstQueueId, max, this.devWeight);
		}

		/**
		 * The same with another backlog weight.
		 * @param weight {@code dev_weight}
		 * @return a copy
		 */
		public Config withDevWeight(int weight) {
			return new Config(this.cpus, this.firstCpuId, this.firstTaskId, this.firstQueueId, this.netdevMaxBacklog,
					weight);
		}

	}

	final EventHandler kickHandler = (sim, arg) -> cpuAt((int) arg).onKick();

	final EventHandler timerHandler = (sim, arg) -> taskAt((int) arg).cpu.timerExpired(taskAt((int) arg));

	final EventHandler wakeHandler = (sim, arg) -> {
		Task t = taskAt((int) arg);
		t.cpu.enqueue(t);
	};

	private final Simulator sim;

	private final Config config;

	private final SchedParams params;

	private final Cpu[] cpus;

	private final List<Task> tasks = new ArrayList<>();

	private Cpu running;

	/**
	 * Builds the CPUs, their backlogs (each with no receive handler yet) and their
	 * ksoftirqd tasks.
	 * @param sim the run's simulator
	 * @param config CPU count and ids
	 * @param params scheduling and softirq parameters
	 * @param costs the cost table
	 * @param accounting the run's accounting; must cover the CPU ids of this set
	 * @param trace the trace sink
	 */
	public CpuSet(Simulator sim, Config config, SchedParams params, CostModel costs, CpuAccounting accounting,
			TraceSink trace) {
		this.sim = Objects.requireNonNull(sim, "sim");
		this.config = Objects.requireNonNull(config, "config");
		this.params = Objects.requireNonNull(params, "params");
		Objects.requireNonNull(costs, "costs");
		Objects.requireNonNull(accounting, "accounting");
		Objects.requireNonNull(trace, "trace");
		if (accounting.cpus() < config.firstCpuId() + config.cpus()) {
			throw new IllegalArgumentException("accounting covers " + accounting.cpus()
					+ " CPUs, the set needs ids up to " + (config.firstCpuId() + config.cpus() - 1));
		}
		this.cpus = new Cpu[config.cpus()];
		for (int i = 0; i < this.cpus.length; i++) {
			this.cpus[i] = new Cpu(this, i, config.firstCpuId() + i, sim, costs, params, accounting, trace,
					config.cpus());
		}
		for (int i = 0; i < this.cpus.length; i++) {
			Cpu cpu = this.cpus[i];
			Task k = newTask(cpu, "ksoftirqd/" + i, KSOFTIRQD_BODY, true);
			SoftnetData sd = new SoftnetData(cpu, config.firstQueueId() + i, config.netdevMaxBacklog(),
					config.devWeight());
			cpu.attach(sd, k);
		}
	}

	/**
	 * {@code run_ksoftirqd} (kernel/softirq.c) under the smpboot loop: if softirqs are
	 * pending, run {@code __do_softirq} in KSOFTIRQD context and stay runnable while more
	 * are pending; otherwise sleep.
	 */
	private static final TaskBody KSOFTIRQD_BODY = (cpu, self) -> {
		if (cpu.softirqPending() == 0) {
			return TaskBody.BLOCK;
		}
		cpu.trace(Function.RUN_KSOFTIRQD, null);
		cpu.doSoftirq(CostModel.Id.DO_SOFTIRQ);
		return (cpu.softirqPending() != 0) ? TaskBody.RUN_AGAIN : TaskBody.BLOCK;
	};

	/** The configuration. */
	public Config config() {
		return this.config;
	}

	/** The scheduling parameters. */
	public SchedParams params() {
		return this.params;
	}

	/** The simulator. */
	public Simulator simulator() {
		return this.sim;
	}

	/** Number of CPUs. */
	public int size() {
		return this.cpus.length;
	}

	/**
	 * A CPU by its index in the node.
	 * @param index {@code 0..size()-1}
	 * @return the CPU
	 */
	public Cpu cpu(int index) {
		if (index < 0 || index >= this.cpus.length) {
			throw new IllegalArgumentException("cpu index must be in [0, " + this.cpus.length + "), was " + index);
		}
		return this.cpus[index];
	}

	/** Every task, ksoftirqd first, in id order. */
	public List<Task> tasks() {
		return Collections.unmodifiableList(this.tasks);
	}

	/**
	 * The CPU whose call chain is executing, or {@code null} between chains.
	 * @return the running CPU
	 */
	public Cpu running() {
		return this.running;
	}

	/**
	 * Creates a task pinned to a CPU, blocked until {@link #wake woken}.
	 * @param cpuIndex the CPU's index
	 * @param name the task's name (for {@link Names})
	 * @param body its steps
	 * @return the task, with the next task id
	 */
	public Task createTask(int cpuIndex, String name, TaskBody body) {
		Objects.requireNonNull(name, "name");
		Objects.requireNonNull(body, "body");
		return newTask(cpu(cpuIndex), name, body, false);
	}

	private Task newTask(Cpu cpu, String name, TaskBody body, boolean ksoftirqd) {
		int index = this.tasks.size();
		Task t = new Task(index, this.config.firstTaskId() + index, name, cpu, body, ksoftirqd);
		this.tasks.add(t);
		return t;
	}

	/**
	 * {@code try_to_wake_up}: makes a blocked or sleeping task runnable. From inside a
	 * call chain the waker pays {@code TRY_TO_WAKE_UP} (same CPU) or
	 * {@code TRY_TO_WAKE_UP_REMOTE} (another CPU, which sees the wake-up
	 * {@link SchedParams#ipiDeliveryNs()} after the waker's cursor); outside a chain (a
	 * test, a timer) it is free and immediate. {@link SchedParams#wakeupLatencyNs()} is
	 * added when non-zero. Waking a runnable task does nothing; waking the running task
	 * makes its {@link TaskBody#BLOCK} a run-again.
	 * @param task the task
	 */
	public void wake(Task task) {
		Objects.requireNonNull(task, "task");
		if (task.cpu.cpuSet() != this) {
			throw new IllegalArgumentException(task + " belongs to another node");
		}
		if (task.state == Task.State.RUNNABLE) {
			return;
		}
		if (task.state == Task.State.RUNNING) {
			task.wokenWhileRunning = true;
			return;
		}
		Cpu waker = this.running;
		long latency = this.params.wakeupLatencyNs();
		if (waker == null) {
			if (latency == 0) {
				task.cpu.enqueue(task);
			}
			else {
				this.sim.schedule(latency, this.wakeHandler, task.index);
			}
			return;
		}
		waker.trace(Function.TRY_TO_WAKE_UP, null);
		if (waker == task.cpu) {
			waker.spend(CostModel.Id.TRY_TO_WAKE_UP, 0);
			if (latency == 0) {
				task.cpu.enqueue(task);
			}
			else {
				this.sim.scheduleAt(waker.now() + latency, this.wakeHandler, task.index);
			}
		}
		else {
			waker.spend(CostModel.Id.TRY_TO_WAKE_UP_REMOTE, 0);
			this.sim.scheduleAt(waker.now() + this.params.ipiDeliveryNs() + latency, this.wakeHandler, task.index);
		}
	}

	/**
	 * Wakes a task at an absolute time (an external timer, the start of a generator).
	 * @param task the task
	 * @param timeNs the time, not before the simulator's current time
	 */
	public void wakeAt(Task task, long timeNs) {
		Objects.requireNonNull(task, "task");
		this.sim.scheduleAt(timeNs, this.wakeHandler, task.index);
	}

	/**
	 * Registers the names of this set's CPUs ({@code cpuN}), tasks and backlog queues
	 * ({@code cpuN/backlog}), for trace views. Call after creating the tasks.
	 * @param names the run's registry
	 * @param prefix a prefix for the node, e.g. {@code "node1/"}
	 */
	public void registerNames(Names names, String prefix) {
		for (Cpu c : this.cpus) {
			names.register(Names.Kind.CPU, c.id(), prefix + "cpu" + c.index());
			names.register(Names.Kind.QUEUE, c.softnet().queueId(), prefix + "cpu" + c.index() + "/backlog");
		}
		for (Task t : this.tasks) {
			names.register(Names.Kind.TASK, t.id, prefix + t.name);
		}
	}

	Cpu cpuAt(int index) {
		return this.cpus[index];
	}

	Task taskAt(int index) {
		return this.tasks.get(index);
	}

	void enter(Cpu cpu) {
		if (this.running != null) {
			throw new IllegalStateException(cpu + ": a call chain started inside " + this.running + "'s chain");
		}
		this.running = cpu;
	}

	void leave(Cpu cpu) {
		this.running = null;
	}

}
