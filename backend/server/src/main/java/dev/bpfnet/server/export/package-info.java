/**
 * Downloads of a run's outputs (pcap per device, path pcapng, latency CSV, Perfetto JSON,
 * per-hop decoded packets): frames are not in the stored trace, so each download runs the
 * finished run again with a {@link dev.bpfnet.engine.capture.CaptureSession} attached and
 * checks the re-run's trace hash against the stored one
 * ({@link dev.bpfnet.server.run.RunService#rerun}).
 */
package dev.bpfnet.server.export;
