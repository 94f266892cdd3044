/**
 * The physical NIC's receive side and the wire between two NICs (datapath.md §6 paths C
 * and E): {@link dev.bpfnet.engine.nic.Wire} carries frames from one NIC's TX ring to the
 * other NIC after a propagation delay; {@link dev.bpfnet.engine.nic.NicRx} is the other
 * NIC's RX descriptor ring, its interrupt moderation, its hard IRQ handler
 * ({@code napi_schedule}) and its NAPI poll ({@code build_skb}, {@code eth_type_trans},
 * {@code napi_gro_receive}, then the datapath's {@code __netif_receive_skb_core}), which
 * also cleans the NIC's TX ring ({@link dev.bpfnet.engine.nic.TxCleaner},
 * {@link dev.bpfnet.engine.nic.TxRingCleaner}) as drivers do in their NAPI poll.
 *
 * <p>
 * <b>Plugging in</b> (for the datapath): for each wired NIC build a {@code NicRx} on its
 * irq CPU with an {@link dev.bpfnet.engine.nic.SkbBuilder} and an
 * {@link dev.bpfnet.engine.cpu.RxHandler} ({@code __netif_receive_skb_core}), attach the
 * two {@code NicRx} to a {@code Wire}, and after each successful
 * {@code TxRing.post(packet, now)} call {@code wire.transmit(side, packet, departure)}.
 * Give the NicRx a {@code TxRingCleaner} over the NIC's TX ring instead of cleaning the
 * ring at no cost. The wire emits {@code phy_tx}/{@code phy_rx} through its ports, so the
 * datapath should not emit its own {@code phy_tx}.
 *
 * <p>
 * Depends on {@code cpu}, {@code cost}, {@code sim}, {@code trace} and {@code qdisc}
 * only.
 */
package dev.bpfnet.engine.nic;
