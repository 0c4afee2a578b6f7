package io.nagatha.support.metrics;

import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import io.nagatha.support.config.ServiceConfig;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.List;

/**
 * Every metric of every service carries {@code application="<service name>"}, so dashboards and
 * alerts can tell the services apart however Prometheus scrapes them (pod annotations,
 * ServiceMonitor, a static config).
 */
@Singleton
public class CommonTags {

    @Produces
    @Singleton
    MeterFilter applicationTag(ServiceConfig service) {
        return MeterFilter.commonTags(List.of(Tag.of("application", service.name())));
    }
}
