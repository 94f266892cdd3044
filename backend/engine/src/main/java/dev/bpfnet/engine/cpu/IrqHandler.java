package dev.bpfnet.engine.cpu;

/**
 * A hard interrupt handler (a NIC's MSI-X handler), run by {@link Cpu#raiseIrq} between
 * {@code irq_enter} and {@code irq_exit} in
 * {@link dev.bpfnet.engine.trace.Context#HARDIRQ} context. It charges its cost with
 * {@link Cpu#spend} (typically {@code CostModel.Id.IRQ_HANDLER}) and usually schedules a
 * NAPI; pending softirqs run at {@code irq_exit}. Keep instances in fields: passing a
 * capturing lambda per interrupt allocates.
 */
@FunctionalInterface
public interface IrqHandler {

	/**
	 * Handles the interrupt.
	 * @param cpu the interrupted CPU
	 * @param arg the argument given to {@link Cpu#raiseIrq}
	 */
	void handle(Cpu cpu, long arg);

}
