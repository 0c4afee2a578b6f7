package io.nagatha.pool.config;

import io.modelcontextprotocol.spec.McpSchema;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The MCP SDK's protocol records (McpSchema and its nested types), which its Jackson mapper reads
 * and writes by reflection: registered so that the pool works in a native image.
 */
@RegisterForReflection(targets = McpSchema.class, ignoreNested = false)
public final class McpSchemaReflection {

    private McpSchemaReflection() {
    }
}
