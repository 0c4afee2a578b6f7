package io.nagatha.pool;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.nagatha.support.metrics.StreamMetrics;
import io.nagatha.support.metrics.StreamMetrics.StreamStats;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.XGroupCreateArgs;
import io.quarkus.redis.datasource.stream.XReadGroupArgs;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The stream gauges read what Redis 7 reports, through the consumers' XACK + XDEL pattern. */
@QuarkusTest
@WithTestResource(PoolTestResource.class)
class StreamMetricsTest {

    @Inject
    RedisDataSource redis;

    @Inject
    StreamMetrics metrics;

    @Test
    void lengthLagAndPendingFollowTheConsumerGroup() {
        String stream = "test:metrics:" + System.nanoTime();
        assertThat(StreamMetrics.read(redis, stream, "g")).isEqualTo(new StreamStats(0, 0, 0));

        for (int i = 0; i < 5; i++) {
            redis.stream(String.class).xadd(stream, Map.of("f", "v" + i));
        }
        // no group yet: nothing was handed out, everything waits
        assertThat(StreamMetrics.read(redis, stream, "g")).isEqualTo(new StreamStats(5, 5, 0));

        redis.stream(String.class).xgroupCreate(stream, "g", "0", new XGroupCreateArgs());
        List<StreamMessage<String, String, String>> taken = redis.stream(String.class)
                .xreadgroup("g", "c1", stream, ">", new XReadGroupArgs().count(2));
        assertThat(taken).hasSize(2);
        assertThat(StreamMetrics.read(redis, stream, "g")).isEqualTo(new StreamStats(5, 3, 2));

        // acknowledged and deleted, as the agent and the pool do: Redis keeps an exact lag
        for (StreamMessage<String, String, String> m : taken) {
            redis.stream(String.class).xack(stream, "g", m.id());
            redis.stream(String.class).xdel(stream, m.id());
        }
        assertThat(StreamMetrics.read(redis, stream, "g")).isEqualTo(new StreamStats(3, 3, 0));
    }

    @Test
    void theGaugesOfThePoolsStreamAreExported() {
        metrics.sample();
        String text = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(text)
                .containsPattern("nagatha_stream_length\\{application=\"pool-service\",stream=\"nagatha:tool-calls\"} \\d")
                .containsPattern("nagatha_stream_lag\\{application=\"pool-service\",group=\"pool\",stream=\"nagatha:tool-calls\"} \\d")
                .containsPattern("nagatha_stream_pending\\{application=\"pool-service\",group=\"pool\",stream=\"nagatha:tool-calls\"} \\d")
                .contains("nagatha_redis_up{application=\"pool-service\"} 1.0")
                .containsPattern("nagatha_redis_memory_used_bytes\\{application=\"pool-service\"} [1-9]")
                .doesNotContain("stream=\"nagatha:turns\"");
    }
}
