/**
 * CPUs of a node: execution contexts, softirq, {@code ksoftirqd}, a fair scheduler and
 * the per-CPU backlog ({@code softnet_data}), modelled on kernel/softirq.c,
 * kernel/sched/fair.c and net/core/dev.c ({@code reference/datapath.md} §2.2, §6;
 * {@code reference/costs.md} §4–5).
 *
 * <h2>Execution model</h2>
 *
 * Kernel work runs <em>synchronously as a call chain</em> inside one simulator event, and
 * charges its CPU cost to a per-CPU <em>cursor</em>
 * ({@link dev.bpfnet.engine.cpu.Cpu#now()}):
 *
 * <pre>
 *  Simulator event "kick cpu N" at time T  (one pending kick per CPU)
 *    |  T &lt; cursor? -&gt; re-kick at cursor (the CPU is still busy)
 *    |  nothing to do? -&gt; CPU idle (uncharged) until an IRQ or a wake-up kicks it
 *    |  was idle? cursor = T + idleExitNs (uncharged: idle)
 *    v
 *  +-- pending hard IRQs (FIFO) ------------------+   +-- else: scheduler -------------------+
 *  | HARDIRQ: IrqHandler.handle -&gt; cpu.spend()   |   | need_resched? pick min vruntime     |
 *  |   napi_schedule -&gt; raise NET_RX             |   | TASK / KSOFTIRQD: TaskBody.step()   |
 *  | irq_exit: pending &amp;&amp; !deferred              |   |   e.g. sendmsg .. netif_rx:        |
 *  |   -&gt; __do_softirq  [SOFTIRQ]                |   |   local_bh_disable; enqueue_to_backlog|
 *  +-----------------------------------------------+   |   local_bh_enable -&gt; __do_softirq    |
 *                                                      |       [SOFTIRQ, on top of the task] |
 *                                                      | -&gt; RUN_AGAIN | BLOCK | sleep until t  |
 *                                                      +--------------------------------------+
 *  __do_softirq: loop { net_rx_action: poll_list -&gt; Napi.poll (process_backlog -&gt; RxHandler) }
 *       restart while pending &amp;&amp; restarts &lt; 10 &amp;&amp; &lt; 2 ms &amp;&amp; !need_resched
 *       else wakeup_softirqd -&gt; ksoftirqd/N becomes RUNNABLE on the run queue
 *    |
 *    v  every cpu.spend(costId, bytes): CpuAccounting.charge(cpu, ctx, task, cursor, cursor+ns);
 *       cursor += ns; every trace event is stamped with the cursor
 *  chain ends: the CPU is busy until the cursor; kick again at the cursor
 *  effects on other CPUs (remote wake-ups) -&gt; Simulator.scheduleAt(cursor + delay)
 * </pre>
 *
 * <b>Rules.</b> A chain is never interrupted: a hard IRQ raised while the CPU is busy is
 * served at the chain's end, and a preemption decided during a task's step takes effect
 * when the step returns; keep steps short (one system call). Effects local to the CPU
 * (its backlog, its run queue) are applied directly at the cursor; effects other CPUs
 * must see are scheduled on the {@link dev.bpfnet.engine.sim.Simulator} at the cursor
 * plus a delay. Every nanosecond of a CPU is charged exactly once: to a task
 * ({@code TASK}), to inline softirq ({@code SOFTIRQ}, attributed to the interrupted task,
 * or {@code NO_ID} on an idle CPU, as {@code CONFIG_IRQ_TIME_ACCOUNTING} reports it; it
 * does not advance the task's vruntime), to {@code KSOFTIRQD} (ksoftirqd's task), to
 * {@code HARDIRQ} (attributed to the interrupted task), or it is idle.
 *
 * <p>
 * <b>Trace order.</b> Events are non-decreasing in time per CPU. Across CPUs a chain
 * stamps events up to its cursor, ahead of the simulator clock, so another CPU's later
 * event may carry an earlier time; the stream is deterministic but not globally sorted. A
 * reordering sink (release events older than the simulator clock) is still to be written.
 *
 * <p>
 * Entry points: {@link dev.bpfnet.engine.cpu.CpuSet} (build, create tasks, wake),
 * {@link dev.bpfnet.engine.cpu.Cpu} (spend, trace, BH, softirq, IRQs),
 * {@link dev.bpfnet.engine.cpu.SoftnetData} (netif_rx, NAPI, net_rx_action).
 */
package dev.bpfnet.engine.cpu;
