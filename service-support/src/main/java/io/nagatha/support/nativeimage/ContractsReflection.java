package io.nagatha.support.nativeimage;

import io.nagatha.contracts.ApiKey;
import io.nagatha.contracts.AttachRequest;
import io.nagatha.contracts.AttachedInterface;
import io.nagatha.contracts.Caller;
import io.nagatha.contracts.CreateKeyRequest;
import io.nagatha.contracts.CreateSessionRequest;
import io.nagatha.contracts.CreatedKey;
import io.nagatha.contracts.Event;
import io.nagatha.contracts.LinkCode;
import io.nagatha.contracts.LinkRequest;
import io.nagatha.contracts.McpConnectionStatus;
import io.nagatha.contracts.McpServerStatus;
import io.nagatha.contracts.MemoryEntries;
import io.nagatha.contracts.MemoryEntry;
import io.nagatha.contracts.MemoryPut;
import io.nagatha.contracts.Message;
import io.nagatha.contracts.MessageToolCall;
import io.nagatha.contracts.Page;
import io.nagatha.contracts.Problem;
import io.nagatha.contracts.ServiceReplica;
import io.nagatha.contracts.Session;
import io.nagatha.contracts.SessionPatch;
import io.nagatha.contracts.SessionResult;
import io.nagatha.contracts.SessionStats;
import io.nagatha.contracts.SessionUsage;
import io.nagatha.contracts.ToolCallRequest;
import io.nagatha.contracts.ToolCallResult;
import io.nagatha.contracts.ToolInfo;
import io.nagatha.contracts.ToolUsage;
import io.nagatha.contracts.TurnRequest;
import io.nagatha.contracts.TurnUsage;
import io.nagatha.contracts.UsageReport;
import io.nagatha.contracts.UserIdentities;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The records of {@code contracts} for a native image: Jackson reads and writes them through
 * {@code Json} (Redis values, stream entries), outside the REST signatures Quarkus registers by
 * itself, so they need reflection registered. Nested records are included (ignoreNested = false).
 * Every record of contracts must be listed: {@code ContractsReflectionTest} checks it.
 */
@RegisterForReflection(ignoreNested = false, targets = {
        ApiKey.class, AttachRequest.class, AttachedInterface.class, Caller.class, CreateKeyRequest.class,
        CreateSessionRequest.class, CreatedKey.class, Event.class, LinkCode.class, LinkRequest.class,
        McpConnectionStatus.class, McpServerStatus.class, MemoryEntries.class, MemoryEntry.class, MemoryPut.class,
        Message.class, MessageToolCall.class, Page.class, Problem.class, ServiceReplica.class, Session.class, SessionPatch.class,
        SessionResult.class, SessionStats.class, SessionUsage.class, ToolCallRequest.class, ToolCallResult.class,
        ToolInfo.class, ToolUsage.class, TurnRequest.class, TurnUsage.class, UsageReport.class, UserIdentities.class },
        classNames = "io.nagatha.contracts.WholeNumberDeserializer")
public final class ContractsReflection {

    private ContractsReflection() {
    }
}
