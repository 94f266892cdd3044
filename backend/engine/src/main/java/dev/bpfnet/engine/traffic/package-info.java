/**
 * Traffic sources and socket endpoints as tasks: what user space does in the emulated
 * hosts. Sources ({@link dev.bpfnet.engine.traffic.ConstantRateUdp},
 * {@link dev.bpfnet.engine.traffic.PoissonUdp},
 * {@link dev.bpfnet.engine.traffic.BurstUdp}) are {@link dev.bpfnet.engine.cpu.TaskBody
 * task bodies} that send through {@link dev.bpfnet.engine.traffic.DatagramWriter}
 * ({@code udp_sendmsg}) into a {@link dev.bpfnet.engine.traffic.PacketSender}
 * ({@code ip_output}); endpoints ({@link dev.bpfnet.engine.traffic.UdpSink},
 * {@link dev.bpfnet.engine.traffic.UdpEcho}, the request-response pair) are
 * {@link dev.bpfnet.engine.traffic.Endpoint sockets} that local delivery calls, with a
 * bounded receive queue and a reader task. {@link dev.bpfnet.engine.traffic.TrafficPlan}
 * builds them from the topology document through a
 * {@link dev.bpfnet.engine.traffic.TrafficResolver} the datapath implements.
 *
 * <p>
 * This package depends on {@code cpu}, {@code cost}, {@code sim}, {@code trace},
 * {@code packet} and {@code topology} (records only), never on {@code datapath}: the
 * datapath plugs in through the two interfaces.
 */
package dev.bpfnet.engine.traffic;
