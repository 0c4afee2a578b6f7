package io.nagatha.pool;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.containsStringIgnoringCase;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nagatha.contracts.Keys;
import io.nagatha.testing.RedisTestResource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(RedisTestResource.class)
class PoolServiceTest {

    @Inject
    RedisDataSource redis;

    @Test
    void theToolCallGroupExistsOnceTheServiceRuns() {
        assertEquals(0, redis.stream(String.class).xpending(Keys.TOOL_CALLS, Keys.TOOL_CALLS_GROUP).getPendingCount());
    }

    @Test
    void readinessReportsRedisAndMetricsArePrometheusText() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", hasItem(containsStringIgnoringCase("redis")));
        given().accept("text/plain").get("/q/metrics").then().statusCode(200)
                .body(containsString("# TYPE jvm_memory_used_bytes gauge"));
    }
}
