/**
 * Crafted packets: {@link dev.bpfnet.engine.packet.PacketSpec} (what a packet contains,
 * from code or from YAML/JSON via {@code fromMap}),
 * {@link dev.bpfnet.engine.packet.PacketFactory} (bytes built with Pcap4J's builders),
 * {@link dev.bpfnet.engine.packet.PacketTemplate} (build once, patch per packet with RFC
 * 1624 checksum updates: the traffic generator's fast path),
 * {@link dev.bpfnet.engine.packet.PacketDecoder} (layers and fields with byte ranges for
 * the UI, and the diff of two hops) and {@link dev.bpfnet.engine.packet.FlowKey} (the
 * 5-tuple by plain byte reads, for per-flow statistics on the hot path).
 *
 * <p>
 * Only Pcap4J's {@code org.pcap4j.packet} and {@code org.pcap4j.util} packages are used
 * (PacketArchitectureTest): building and parsing never load libpcap or open a device.
 * This package depends on no other engine package, so the topology and traffic code can
 * use it without cycles.
 */
package dev.bpfnet.engine.packet;
