package io.nagatha.gateway.rest;

import java.util.List;

/** A whole list as API.md answers it: {@code {items: [...]}}. */
public record Items<T>(List<T> items) {
}
