package io.nagatha.agent.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiStreamingResponseBuilder;
import dev.langchain4j.model.openai.internal.OpenAiUtils;
import dev.langchain4j.model.openai.internal.chat.ChatCompletionRequest;
import dev.langchain4j.model.openai.internal.chat.ChatCompletionResponse;
import dev.langchain4j.model.openai.internal.chat.ToolChoiceMode;
import dev.langchain4j.model.openai.internal.shared.StreamOptions;
import dev.langchain4j.model.output.FinishReason;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Pins the parts of langchain4j's OpenAI module that LlmClient and LlmStream use although they are
 * internal ({@code dev.langchain4j.model.openai.internal}): building a streaming request with
 * tools, and putting streamed chunks back together into one answer. A version bump that changes
 * them fails here first, not in a turn.
 */
class LlmClientContractTest {

    private static final ObjectMapper MAPPER = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    @Test
    void aStreamingRequestCarriesMessagesToolsToolChoiceAndTheUsageOption() throws Exception {
        ToolSpecification echo = ToolSpecification.builder().name("everything__echo").description("echo")
                .parameters(JsonObjectSchema.builder().addStringProperty("message").required("message").build()).build();
        ChatCompletionRequest request = ChatCompletionRequest.builder().model("gpt-4o-mini")
                .messages(OpenAiUtils.toOpenAiMessages(List.of(SystemMessage.from("be brief"), UserMessage.from("hi"))))
                .stream(true).streamOptions(StreamOptions.builder().includeUsage(true).build())
                .tools(OpenAiUtils.toTools(List.of(echo), false)).toolChoice(ToolChoiceMode.NONE).build();

        JsonNode json = MAPPER.readTree(MAPPER.writeValueAsString(request));

        assertThat(json.get("model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(json.get("stream").asBoolean()).isTrue();
        assertThat(json.at("/stream_options/include_usage").asBoolean()).isTrue();
        assertThat(json.at("/messages/0/role").asText()).isEqualTo("system");
        assertThat(json.at("/messages/1/content").asText()).isEqualTo("hi");
        assertThat(json.at("/tools/0/function/name").asText()).isEqualTo("everything__echo");
        assertThat(json.at("/tools/0/function/parameters/required/0").asText()).isEqualTo("message");
        assertThat(json.get("tool_choice").asText()).isEqualTo("none");
    }

    @Test
    void streamedChunksBecomeOneAnswerWithToolCallsUsageAndFinishReason() throws Exception {
        OpenAiStreamingResponseBuilder answer = new OpenAiStreamingResponseBuilder();
        for (String chunk : List.of(
                "{\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Let me \"}}]}",
                "{\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"check.\"}}]}",
                "{\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"everything__echo\",\"arguments\":\"\"}}]}}]}",
                "{\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"message\\\":\"}}]}}]}",
                "{\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\\\"hi\\\"}\"}}]}}]}",
                "{\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}",
                "{\"id\":\"c1\",\"choices\":[],\"usage\":{\"prompt_tokens\":57,\"completion_tokens\":12,\"total_tokens\":69}}")) {
            answer.append(MAPPER.readValue(chunk, ChatCompletionResponse.class));
        }

        ChatResponse response = answer.build();

        assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_EXECUTION);
        assertThat(response.aiMessage().text()).isEqualTo("Let me check.");
        assertThat(response.aiMessage().toolExecutionRequests()).singleElement().satisfies(call -> {
            assertThat(call.id()).isEqualTo("call_1");
            assertThat(call.name()).isEqualTo("everything__echo");
            assertThat(call.arguments()).isEqualTo("{\"message\":\"hi\"}");
        });
        assertThat(response.tokenUsage().inputTokenCount()).isEqualTo(57);
        assertThat(response.tokenUsage().outputTokenCount()).isEqualTo(12);
    }

    @Test
    void anAnswerWithoutAFinishReasonHasNoneAndIsTreatedAsCutOff() throws Exception {
        OpenAiStreamingResponseBuilder answer = new OpenAiStreamingResponseBuilder();
        answer.append(MAPPER.readValue("{\"id\":\"c2\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"half\"}}]}",
                ChatCompletionResponse.class));

        assertThat(answer.build().finishReason()).isNull();
    }

    @Test
    void retryAfterIsReadAsSecondsOrAsAnHttpDate() {
        assertThat(RetryAfterMapper.parse("2")).hasMillis(2000);
        assertThat(RetryAfterMapper.parse("0.5")).hasMillis(500);
        assertThat(RetryAfterMapper.parse("Wed, 21 Oct 2015 07:28:00 GMT")).isZero();
        assertThat(RetryAfterMapper.parse("soon")).isNull();
        assertThat(RetryAfterMapper.parse(null)).isNull();
    }
}
