package dev.bpfnet.engine.cpu;

import java.util.ArrayDeque;

import dev.bpfnet.engine.cost.CostModel;
import dev.bpfnet.engine.trace.DropReason;
import dev.bpfnet.engine.trace.Function;

/**
 * A CPU's {@code struct softnet_data} (net/core/dev.c): the backlog
 * ({@code input_pkt_queue} + {@code process_queue}), its NAPI instance
 * ({@code sd->backlog}, polled by {@code process_backlog}), the {@code poll_list} of
 * scheduled NAPIs and {@code net_rx_action}, the NET_RX softirq handler.
 *
 * <p>
 * <b>Backlog.</b> {@link #enqueueToBacklog} follows the 6.10+ code
 * ({@code reference/datapath.md} §2.2): the skb is accepted while
 * {@code qlen(input_pkt_queue) <= netdev_max_backlog}, so the input queue holds up to
 * {@code netdev_max_backlog + 1} skbs and the first drop is packet
 * {@code netdev_max_backlog + 2} of a burst nobody drains; a drop is counted
 * ({@code sd->dropped}) and traced as {@code kfree_skb_reason(CPU_BACKLOG)}. Flow limit
 * ({@code skb_flow_limit}) is off, as by default. Both queues live in one ring: the first
 * {@code processLen} skbs are the {@code process_queue}, the rest the
 * {@code input_pkt_queue}; the splice is then a counter update.
 *
 * <p>
 * <b>RPS.</b> {@link #netifRx} and {@link #netifRxUnlocked} enqueue to the calling CPU's
 * backlog ({@code netif_rx_internal} without an RPS map). The caller that has chosen a
 * CPU with {@code get_rps_cpu} calls {@link #enqueueToBacklog(Cpu, Skb)} on that CPU's
 * {@code softnet_data} from its own chain: the skb joins the remote
 * {@code input_pkt_queue} at once (under the remote lock in the kernel), traced and
 * charged ({@code ENQUEUE_TO_BACKLOG_RPS}) on the caller. If the remote backlog NAPI was
 * idle, {@code napi_schedule_rps} sets its {@code NAPI_STATE_SCHED}, puts the remote
 * {@code softnet_data} on the caller's {@code rps_ipi_list} and raises NET_RX on the
 * caller; the caller's {@code net_rx_action} ends with
 * {@code net_rps_action_and_irq_enable}, which sends the IPI ({@code net_rps_send_ipi} →
 * {@code smp_call_function_single_async}). The IPI reaches the remote CPU
 * {@code SchedParams.ipiDeliveryNs()} later (plus the idle exit if it is idle), where
 * {@code rps_trigger_softirq} runs in hard IRQ context ({@code RPS_TRIGGER_SOFTIRQ}) and
 * {@code ____napi_schedule}s the backlog; NET_RX runs at its {@code irq_exit}.
 *
 * <p>
 * <b>Time across CPUs.</b> A call chain runs ahead of the simulator on its CPU's cursor
 * (see {@link Cpu}), so an RPS caller can put an skb into this backlog at a time this CPU
 * has not reached yet, for example while this CPU's {@code process_backlog} runs at an
 * earlier time. Each entry therefore keeps its enqueue time, and {@code input_pkt_queue}
 * is kept in enqueue-time order (an entry is inserted before later ones, so a local skb
 * enqueued at an earlier time than a remote one is processed first, as the kernel's lock
 * order would have it). {@code process_backlog} splices only the entries that have
 * arrived by this CPU's time; when only future entries remain it completes, and the first
 * of them triggers the backlog {@code ipiDeliveryNs} after its enqueue time, like the IPI
 * the remote caller would have sent had it found the backlog idle (the simplification:
 * the caller's {@code net_rps_send_ipi} is not traced for it, and the IPI leaves at the
 * enqueue time rather than at the end of the caller's {@code net_rx_action}). A local
 * enqueue schedules the backlog NAPI whenever it is not scheduled (in the kernel, exactly
 * when the queue was empty; here the queue may hold only future entries). Without RPS
 * every entry is local and this changes nothing. {@code CausalityProperties} checks that
 * no packet's path goes back in time.
 *
 * <p>
 * Queue depth in trace events is the whole backlog (both queues, future entries
 * included). Allocation-free on the packet path. Not thread-safe.
 */
public final class SoftnetData {

	/** {@code NET_RX_SUCCESS}. */
	public static final int NET_RX_SUCCESS = 0;

	/** {@code NET_RX_DROP}. */
	public static final int NET_RX_DROP = 1;

	private static final RxHandler NO_HANDLER = (cpu, skb) -> {
		throw new IllegalStateException(cpu + ": no receive handler set on the backlog (skb " + skb.id() + ")");
	};

	private final Cpu cpu;

	private final int queueId;

	private final int maxBacklog;

	private final int weight;

	private final Skb[] ring;

	/** Enqueue time of each ring slot. */
	private final long[] ringTime;

	/** Time of the pending trigger for future entries, or {@code Long.MAX_VALUE}. */
	private long arrivalTriggerAt = Long.MAX_VALUE;

	private final int mask;

	private int head;

	private int size;

	private int processLen;

	private final ArrayDeque<Napi> pollList = new ArrayDeque<>();

	private final ArrayDeque<Napi> list = new ArrayDeque<>();

	private final ArrayDeque<Napi> repoll = new ArrayDeque<>();

	private Napi polling;

	private boolean pollingCompleted;

	private RxHandler rxHandler = NO_HANDLER;

	private final Napi backlog;

	private long enqueued;

	private long processed;

	private long dropped;

	private long timeSqueeze;

	private long netRxActions;

	/**
	 * {@code NAPI_STATE_SCHED} set by a remote {@code napi_schedule_rps}, IPI pending.
	 */
	private boolean backlogIpiPending;

	/** {@code sd->in_net_rx_action}. */
	private boolean inNetRxAction;

	/** {@code sd->rps_ipi_list}: remote backlogs to kick at the end of net_rx_action. */
	private final ArrayDeque<SoftnetData> rpsIpiList = new ArrayDeque<>();

	/** {@code sd->received_rps}: RPS IPIs taken. */
	private long receivedRps;

	private final IrqHandler rpsTrigger = (c, arg) -> rpsTriggerSoftirq(c);

	SoftnetData(Cpu cpu, int queueId, int maxBacklog, int weight) {
		this.cpu = cpu;
		this.queueId = queueId;
		this.maxBacklog = maxBacklog;
		this.weight = weight;
		int cap = Integer.highestOneBit(Math.max(2, 2 * (maxBacklog + 1)) - 1) << 1;
		this.ring = new Skb[cap];
		this.ringTime = new long[cap];
		this.mask = cap - 1;
		this.backlog = new Napi() {
			@Override
			public int poll(Cpu c, int budget) {
				return processBacklog(budget);
			}

			@Override
			public int weight() {
				return SoftnetData.this.weight;
			}

			@Override
			public String toString() {
				return "backlog napi of " + SoftnetData.this.cpu;
			}
		};
	}

	/** The CPU. */
	public Cpu cpu() {
		return this.cpu;
	}

	/** The run-wide queue id of the backlog. */
	public int queueId() {
		return this.queueId;
	}

	/** {@code netdev_max_backlog}. */
	public int maxBacklog() {
		return this.maxBacklog;
	}

	/** The backlog NAPI ({@code sd->backlog}). */
	public Napi backlogNapi() {
		return this.backlog;
	}

	/**
	 * Sets what {@code process_backlog} hands skbs to ({@code __netif_receive_skb}).
	 * @param handler the handler
	 */
	public void setRxHandler(RxHandler handler) {
		if (handler == null) {
			throw new IllegalArgumentException("handler must not be null");
		}
		this.rxHandler = handler;
	}

	/** Skbs in the backlog (input_pkt_queue + process_queue). */
	public int backlogLength() {
		return this.size;
	}

	/** Skbs in {@code input_pkt_queue}. */
	public int inputQueueLength() {
		return this.size - this.processLen;
	}

	/** Skbs accepted by {@link #enqueueToBacklog} so far. */
	public long enqueued() {
		return this.enqueued;
	}

	/** Skbs handed to the receive handler so far. */
	public long processed() {
		return this.processed;
	}

	/** {@code sd->dropped}: backlog drops (softnet_stat column 2). */
	public long dropped() {
		return this.dropped;
	}

	/** {@code sd->time_squeeze} (softnet_stat column 3). */
	public long timeSqueeze() {
		return this.timeSqueeze;
	}

	/** {@code net_rx_action} invocations so far. */
	public long netRxActions() {
		return this.netRxActions;
	}

	/** {@code sd->received_rps}: RPS IPIs this CPU took (softnet_stat column 10). */
	public long receivedRps() {
		return this.receivedRps;
	}

	/** NAPIs on the poll list. */
	public int pollListLength() {
		return this.pollList.size();
	}

	// =====================================================================
	// netif_rx / enqueue_to_backlog
	// =====================================================================

	/**
	 * {@code netif_rx()}: {@code local_bh_disable(); __netif_rx(skb); local_bh_enable()}
	 * (5.18+). From process context, the NET_RX softirq it raises runs at the
	 * {@code local_bh_enable}, inline on this CPU, on top of the calling task.
	 * @param skb the skb
	 * @return {@link #NET_RX_SUCCESS} or {@link #NET_RX_DROP}
	 */
	public int netifRx(Skb skb) {
		this.cpu.localBhDisable();
		int r = netifRxInternal(skb);
		this.cpu.localBhEnable();
		return r;
	}

	/**
	 * {@code __netif_rx()}: for callers already in interrupt context or with bottom
	 * halves disabled (veth and netkit under {@code __dev_queue_xmit}'s
	 * {@code rcu_read_lock_bh}, a NIC in hard IRQ).
	 * @param skb the skb
	 * @return {@link #NET_RX_SUCCESS} or {@link #NET_RX_DROP}
	 * @throws IllegalStateException outside interrupt/BH-disabled context (the kernel's
	 * {@code lockdep_assert_once})
	 */
	public int netifRxUnlocked(Skb skb) {
		if (!this.cpu.inInterrupt()) {
			throw new IllegalStateException(this.cpu + ": __netif_rx outside interrupt context (use netifRx)");
		}
		return netifRxInternal(skb);
	}

	private int netifRxInternal(Skb skb) {
		// RPS hook: get_rps_cpu() would pick the target CPU here (see the class doc).
		return enqueueToBacklog(skb);
	}

	/**
	 * {@code enqueue_to_backlog(skb, smp_processor_id())}: appends to this CPU's
	 * {@code input_pkt_queue}, scheduling the backlog NAPI if the queue was empty, or
	 * drops with {@code CPU_BACKLOG}. Cost {@code ENQUEUE_TO_BACKLOG} (+
	 * {@code KFREE_SKB_REASON} on drop).
	 * @param skb the skb
	 * @return {@link #NET_RX_SUCCESS} or {@link #NET_RX_DROP}
	 */
	public int enqueueToBacklog(Skb skb) {
		return enqueueToBacklog(this.cpu, skb);
	}

	/**
	 * {@code enqueue_to_backlog(skb, cpu)} called from {@code caller}'s chain for this
	 * CPU's backlog: on this CPU as {@link #enqueueToBacklog(Skb)}; from another CPU
	 * (RPS) traced and charged on the caller ({@code ENQUEUE_TO_BACKLOG_RPS}, which
	 * includes the later IPI send), scheduling this backlog with
	 * {@code napi_schedule_rps} (see the class documentation). Call with the caller in
	 * interrupt or BH-disabled context.
	 * @param caller the CPU running the call chain
	 * @param skb the skb
	 * @return {@link #NET_RX_SUCCESS} or {@link #NET_RX_DROP}
	 */
	public int enqueueToBacklog(Cpu caller, Skb skb) {
		boolean remote = caller != this.cpu;
		int cost = remote ? CostModel.Id.ENQUEUE_TO_BACKLOG_RPS : CostModel.Id.ENQUEUE_TO_BACKLOG;
		int qlen = inputQueueLength();
		if (qlen <= this.maxBacklog) {
			// the queue as the caller sees it: empty when it holds only entries of later
			// times (see the class doc), as in the kernel at the caller's time
			boolean emptyForCaller = qlen == 0
					|| this.ringTime[(this.head + this.processLen) & this.mask] > caller.now();
			this.enqueued++;
			caller.trace(Function.ENQUEUE_TO_BACKLOG, skb, this.queueId, this.size + 1, DropReason.NOT_DROPPED_YET);
			caller.spend(cost, 0);
			// visible to the backlog's CPU from the end of enqueue_to_backlog on
			insertInput(skb, caller.now());
			if (!remote) {
				if (napiSchedule(this.backlog)) {
					caller.trace(Function.NAPI_SCHEDULE_RPS, skb, this.queueId, this.size, DropReason.NOT_DROPPED_YET);
				}
			}
			else if (emptyForCaller) {
				if (!backlogScheduled()) {
					// napi_schedule_rps, sd != mysd: IPI at the end of the caller's
					// net_rx_action
					this.backlogIpiPending = true;
					caller.softnet().rpsIpiList.addLast(this);
					caller.trace(Function.NAPI_SCHEDULE_RPS, skb, this.queueId, this.size, DropReason.NOT_DROPPED_YET);
					if (!caller.softnet().inNetRxAction) {
						caller.raiseSoftirq(Cpu.NET_RX_SOFTIRQ);
					}
				}
			}
			return NET_RX_SUCCESS;
		}
		this.dropped++;
		caller.trace(Function.ENQUEUE_TO_BACKLOG, skb, this.queueId, this.size, DropReason.NOT_DROPPED_YET);
		caller.spend(cost, 0);
		caller.trace(Function.KFREE_SKB_REASON, skb, this.queueId, this.size, DropReason.CPU_BACKLOG);
		caller.spend(CostModel.Id.KFREE_SKB_REASON, 0);
		return NET_RX_DROP;
	}

	/**
	 * Appends {@code skb} to {@code input_pkt_queue} in enqueue-time order: after every
	 * entry enqueued at or before {@code timeNs} (so equal times keep call order), never
	 * into {@code process_queue}.
	 */
	private void insertInput(Skb skb, long timeNs) {
		int pos = this.size;
		while (pos > this.processLen && this.ringTime[(this.head + pos - 1) & this.mask] > timeNs) {
			int from = (this.head + pos - 1) & this.mask;
			int to = (this.head + pos) & this.mask;
			this.ring[to] = this.ring[from];
			this.ringTime[to] = this.ringTime[from];
			pos--;
		}
		int slot = (this.head + pos) & this.mask;
		this.ring[slot] = skb;
		this.ringTime[slot] = timeNs;
		this.size++;
	}

	/** {@code NAPI_STATE_SCHED} of the backlog NAPI. */
	private boolean backlogScheduled() {
		return this.backlogIpiPending || (this.polling == this.backlog && !this.pollingCompleted)
				|| this.pollList.contains(this.backlog) || this.list.contains(this.backlog)
				|| this.repoll.contains(this.backlog);
	}

	/**
	 * {@code net_rps_action_and_irq_enable}: sends the IPI of every remote backlog this
	 * CPU scheduled ({@code net_rps_send_ipi}, traced on this CPU with the remote
	 * backlog's queue); each arrives {@code ipiDeliveryNs} later.
	 */
	private void netRpsAction(Cpu c) {
		SoftnetData remote;
		while ((remote = this.rpsIpiList.pollFirst()) != null) {
			c.trace(Function.NET_RPS_SEND_IPI, null, remote.queueId, remote.size, DropReason.NOT_DROPPED_YET);
			remote.cpu.raiseIrqAt(c.now() + c.params().ipiDeliveryNs(), remote.rpsTrigger, 0);
		}
	}

	/**
	 * {@code rps_trigger_softirq}, the IPI's CSD callback on this CPU (hard IRQ):
	 * {@code ____napi_schedule} of the backlog ({@code napi_schedule} traced with the
	 * backlog's queue), NET_RX raised for {@code irq_exit}; cost
	 * {@code RPS_TRIGGER_SOFTIRQ}.
	 */
	private void rpsTriggerSoftirq(Cpu c) {
		if (c.now() >= this.arrivalTriggerAt) {
			this.arrivalTriggerAt = Long.MAX_VALUE;
		}
		c.spend(CostModel.Id.RPS_TRIGGER_SOFTIRQ, 0);
		this.receivedRps++;
		this.backlogIpiPending = false;
		if (napiSchedule(this.backlog)) {
			c.trace(Function.NAPI_SCHEDULE, null, this.queueId, this.size, DropReason.NOT_DROPPED_YET);
		}
	}

	// =====================================================================
	// NAPI
	// =====================================================================

	/**
	 * {@code napi_schedule()} / {@code ____napi_schedule}: if the instance is not
	 * scheduled ({@code NAPI_STATE_SCHED} clear), appends it to the poll list and raises
	 * NET_RX. Call from interrupt or BH-disabled context on this CPU.
	 * @param napi the instance
	 * @return {@code true} if it was scheduled now, {@code false} if it already was
	 */
	public boolean napiSchedule(Napi napi) {
		if ((napi == this.backlog && this.backlogIpiPending) || (napi == this.polling && !this.pollingCompleted)
				|| this.pollList.contains(napi) || this.list.contains(napi) || this.repoll.contains(napi)) {
			return false;
		}
		this.pollList.addLast(napi);
		this.cpu.raiseSoftirq(Cpu.NET_RX_SOFTIRQ);
		return true;
	}

	/**
	 * {@code napi_complete_done()}: the instance being polled has no more work and clears
	 * {@code NAPI_STATE_SCHED}; a later {@link #napiSchedule} lists it again. A poll that
	 * returns less than its budget is completed implicitly.
	 * @param napi the instance being polled
	 */
	public void napiComplete(Napi napi) {
		if (napi != this.polling) {
			throw new IllegalStateException(napi + " completed while not being polled on " + this.cpu);
		}
		this.pollingCompleted = true;
	}

	/**
	 * {@code net_rx_action()}: polls the listed NAPIs, each at most once per call with
	 * its weight, until the list is done, {@code netdev_budget} packets were processed or
	 * {@code netdev_budget_usecs} elapsed (the last two count a {@code time_squeeze});
	 * re-raises NET_RX if NAPIs remain. Its dispatch cost is part of the
	 * {@code __do_softirq} entry cost.
	 * @param c the CPU (this one)
	 */
	void netRxAction(Cpu c) {
		this.netRxActions++;
		this.inNetRxAction = true;
		c.trace(Function.NET_RX_ACTION, null);
		long timeLimit = c.now() + c.params().netdevBudgetTimeNs();
		int budget = c.params().netdevBudget();
		moveAll(this.pollList, this.list);
		while (!this.list.isEmpty()) {
			Napi n = this.list.pollFirst();
			int w = n.weight();
			this.polling = n;
			this.pollingCompleted = false;
			int work = n.poll(c, w);
			this.polling = null;
			if (work < 0 || work > w) {
				throw new IllegalStateException(n + " returned " + work + " from poll with weight " + w);
			}
			if (work == w && !this.pollingCompleted) {
				this.repoll.addLast(n);
			}
			budget -= work;
			if (budget <= 0 || c.now() >= timeLimit) {
				this.timeSqueeze++;
				break;
			}
		}
		// list_splice_tail_init(&sd->poll_list, &list); list_splice_tail(&repoll, &list);
		// list_splice(&list, &sd->poll_list);
		moveAll(this.pollList, this.list);
		moveAll(this.repoll, this.list);
		moveAll(this.list, this.pollList);
		if (!this.pollList.isEmpty()) {
			c.raiseSoftirq(Cpu.NET_RX_SOFTIRQ);
		}
		this.inNetRxAction = false;
		netRpsAction(c);
	}

	/**
	 * {@code process_backlog(napi, quota)}: hands skbs from {@code process_queue} to the
	 * receive handler, splicing {@code input_pkt_queue} over when it runs dry, until
	 * {@code quota} skbs or both queues are empty (then it clears its SCHED bit). Costs
	 * {@code PROCESS_BACKLOG_POLL} per call and {@code PROCESS_BACKLOG} per skb.
	 */
	private int processBacklog(int quota) {
		Cpu c = this.cpu;
		c.spend(CostModel.Id.PROCESS_BACKLOG_POLL, 0);
		int work = 0;
		while (true) {
			while (this.processLen > 0) {
				Skb skb = this.ring[this.head];
				this.ring[this.head] = null;
				this.head = (this.head + 1) & this.mask;
				this.size--;
				this.processLen--;
				this.processed++;
				c.trace(Function.PROCESS_BACKLOG, skb, this.queueId, this.size, DropReason.NOT_DROPPED_YET);
				c.spend(CostModel.Id.PROCESS_BACKLOG, 0);
				this.rxHandler.receive(c, skb);
				if (++work >= quota) {
					return work;
				}
			}
			if (this.size == 0) {
				napiComplete(this.backlog);
				return work;
			}
			// splice the entries that have arrived by this CPU's time
			long now = c.now();
			int arrived = 0;
			while (arrived < this.size && this.ringTime[(this.head + arrived) & this.mask] <= now) {
				arrived++;
			}
			if (arrived == 0) {
				// only entries another CPU's chain made at a later time: see the class
				// doc
				napiComplete(this.backlog);
				long at = this.ringTime[this.head] + c.params().ipiDeliveryNs();
				if (at < this.arrivalTriggerAt) {
					this.arrivalTriggerAt = at;
					c.raiseIrqAt(at, this.rpsTrigger, 0);
				}
				return work;
			}
			this.processLen = arrived;
		}
	}

	private static void moveAll(ArrayDeque<Napi> from, ArrayDeque<Napi> to) {
		Napi n;
		while ((n = from.pollFirst()) != null) {
			to.addLast(n);
		}
	}

}
