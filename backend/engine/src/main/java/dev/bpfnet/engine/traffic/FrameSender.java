package dev.bpfnet.engine.traffic;

import dev.bpfnet.engine.cpu.Cpu;
import dev.bpfnet.engine.topology.DeviceRef;
import dev.bpfnet.engine.topology.NamespaceRef;

/**
 * Where the frames of a {@link FrameSource} go: straight into a device through an
 * {@code AF_PACKET} socket ({@code packet_snd} → {@code __dev_queue_xmit}, as
 * {@code tcpreplay -i DEV} does), or from a namespace through a raw socket with
 * {@code IP_HDRINCL} ({@code raw_sendmsg} → routing → {@code ip_output}). The engine
 * implements it. Calls are made in the sending task's chain; the frame array belongs to
 * the callee afterwards.
 */
public interface FrameSender {

	/**
	 * Sends an Ethernet frame out of a device.
	 * @param cpu the sending CPU
	 * @param device the device
	 * @param frame the frame
	 */
	void packetXmit(Cpu cpu, DeviceRef device, byte[] frame);

	/**
	 * Sends the IPv4 packet of an Ethernet frame from a namespace, routed by its
	 * destination.
	 * @param cpu the sending CPU
	 * @param ns the namespace
	 * @param frame the frame (Ethernet + IPv4)
	 */
	void rawIpSend(Cpu cpu, NamespaceRef ns, byte[] frame);

}
