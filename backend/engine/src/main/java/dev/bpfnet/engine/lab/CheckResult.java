package dev.bpfnet.engine.lab;

/**
 * The outcome of one check.
 *
 * @param index the check's position in {@code lab.yaml}
 * @param kind the check's kind ({@code path-contains}, ...)
 * @param title what the check asserts, in words
 * @param passed whether it holds
 * @param message the observed value(s), e.g. {@code 0 of 1000 packets of flow stream ran
 * enqueue_to_backlog}
 */
public record CheckResult(int index, String kind, String title, boolean passed, String message) {
}
