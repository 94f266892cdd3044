/**
 * Network namespaces of the emulated kernel: devices as a namespace numbers them
 * ({@code ifindex}, {@code lo} = 1), addresses, the routing tables (local and main,
 * longest prefix match), the neighbour table, local delivery to sockets, the input/output
 * route decisions ({@code ip_route_input_noref}, {@code ip_route_output_key},
 * {@code ip_forward}) and {@code bpf_fib_lookup}
 * ({@link dev.bpfnet.engine.netns.EngineFib}).
 *
 * <p>
 * Built from a topology document with {@link dev.bpfnet.engine.netns.Netns#fromTopology}.
 * Tables are filled at setup and then only read on the datapath; lookups allocate
 * nothing. Threading: everything here is confined to the engine thread of one run (no
 * locks).
 */
package dev.bpfnet.engine.netns;
