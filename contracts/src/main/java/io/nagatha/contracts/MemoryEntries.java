package io.nagatha.contracts;

import java.util.List;

/** The entries of one memory section, ordered by key. */
public record MemoryEntries(List<MemoryEntry> items) {
}
