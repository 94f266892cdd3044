/**
 * The deterministic discrete-event emulation of the Linux datapath (DESIGN.md §3). Only
 * the module boundary exists so far: the engine issue fills it. It depends on
 * {@code dev.bpfnet.bpf} and on nothing from Spring, Reactor or web APIs.
 */
package dev.bpfnet.engine;
