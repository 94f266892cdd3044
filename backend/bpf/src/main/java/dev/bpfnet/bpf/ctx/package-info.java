/**
 * Program contexts: {@link dev.bpfnet.bpf.ctx.SkBuff} (a linear socket buffer with the
 * {@code struct sk_buff} fields tc programs see), the {@code struct __sk_buff} layout and
 * access rules ({@link dev.bpfnet.bpf.ctx.SkBuffLayout}), and the accessors the
 * interpreter delegates context loads and stores to:
 * {@link dev.bpfnet.bpf.ctx.SkBuffContext} and {@link dev.bpfnet.bpf.ctx.XdpContext}.
 * Depends on {@code mem}.
 */
package dev.bpfnet.bpf.ctx;
