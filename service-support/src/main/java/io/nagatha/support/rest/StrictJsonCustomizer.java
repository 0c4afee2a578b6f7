package io.nagatha.support.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nagatha.contracts.Json;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

/** HTTP bodies are read as strictly as the inter-service codec (see {@link Json#strict}). */
@Singleton
public class StrictJsonCustomizer implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        Json.strict(mapper);
    }
}
