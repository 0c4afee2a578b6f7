package io.nagatha.pool;

import static org.assertj.core.api.Assertions.assertThat;

import io.nagatha.contracts.ApiKey;
import io.nagatha.support.nativeimage.ContractsReflection;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** A record added to contracts without a native reflection registration would fail only in a native image: caught here. */
class ContractsReflectionTest {

    @Test
    void everyTopLevelRecordOfContractsIsRegistered() throws IOException, URISyntaxException {
        Path location = Path.of(ApiKey.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Set<String> records;
        // target/classes in some builds, the module's jar in others
        try (FileSystem jar = Files.isDirectory(location) ? null : FileSystems.newFileSystem(location);
                Stream<Path> files = Files.walk(jar == null ? location : jar.getPath("/"))) {
            Path root = jar == null ? location : jar.getPath("/");
            records = files.map(f -> root.relativize(f).toString()).filter(n -> n.endsWith(".class") && !n.contains("$"))
                    .map(n -> n.replace('/', '.').replaceAll("\\.class$", "")).map(ContractsReflectionTest::load)
                    .filter(Class::isRecord).map(Class::getName).collect(Collectors.toSet());
        }
        RegisterForReflection registration = ContractsReflection.class.getAnnotation(RegisterForReflection.class);
        Set<String> registered = Arrays.stream(registration.targets()).map(Class::getName).collect(Collectors.toSet());
        assertThat(records).hasSizeGreaterThan(25);
        assertThat(registered).containsExactlyInAnyOrderElementsOf(records);
        assertThat(registration.ignoreNested()).as("nested records (UsageReport.Tokens, ...) too").isFalse();
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }
}
