/**
 * Traffic in, captures out (issue 5): what the engine's frame taps
 * ({@link dev.bpfnet.engine.trace.FrameTap}) and recorders saw, written for the tools
 * people already use, and captures made elsewhere replayed into a topology.
 * <ul>
 * <li>{@link dev.bpfnet.engine.capture.DeviceCapture}: pcap of one device and direction
 * as {@code tcpdump -i DEV -Q in|out} would write it (Pcap4J's dumper over libpcap).</li>
 * <li>{@link dev.bpfnet.engine.capture.PathCapture}: pcapng with one interface per hop
 * (device and direction), as retis does, written by
 * {@link dev.bpfnet.engine.capture.PcapngWriter} (Pcap4J writes no pcapng).</li>
 * <li>{@link dev.bpfnet.engine.capture.LatencyCsv}: per-packet first/last time, latency
 * and fate.</li>
 * <li>{@link dev.bpfnet.engine.capture.PerfettoExporter}: Chrome/Perfetto trace-event
 * JSON, streamed.</li>
 * <li>{@link dev.bpfnet.engine.traffic.ReplayFile}: pcap/pcapng read through libpcap,
 * link types Ethernet, raw IP, SLL and SLL2, with limits;
 * {@link dev.bpfnet.engine.capture.Injection} turns it, or crafted packets, into a
 * {@link dev.bpfnet.engine.traffic.FrameSource} of an
 * {@link dev.bpfnet.engine.datapath.Engine}.</li>
 * </ul>
 * Everything here only observes the run (taps and sinks) or prepares input before it, so
 * captures never change results.
 */
package dev.bpfnet.engine.capture;
