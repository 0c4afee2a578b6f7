package io.nagatha.chaos;

import io.nagatha.contracts.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What each fault checked, PASS or FAIL per check and per fault, printed as it goes and written as JSON. */
final class Report {

    record Check(String what, boolean passed, String detail) {
    }

    static final class Fault {
        final String name;
        final List<Check> checks = new ArrayList<>();
        final Map<String, Object> measured = new LinkedHashMap<>();
        String error;
        double seconds;

        Fault(String name) {
            this.name = name;
        }

        boolean passed() {
            return error == null && !checks.isEmpty() && checks.stream().allMatch(Check::passed);
        }
    }

    private final List<Fault> faults = new ArrayList<>();
    private Fault current;

    void begin(String name) {
        current = new Fault(name);
        faults.add(current);
        System.out.printf("%n== %s%n", name);
    }

    /** Records one check; a failed check does not stop the fault, so every check is reported. */
    boolean check(String what, boolean passed, String detail) {
        current.checks.add(new Check(what, passed, detail));
        System.out.printf("  [%s] %s%s%n", passed ? "PASS" : "FAIL", what, detail == null || detail.isEmpty() ? "" : " — " + detail);
        return passed;
    }

    void measured(String what, Object value) {
        current.measured.put(what, value);
        System.out.printf("  (measured) %s: %s%n", what, value);
    }

    void error(Throwable e) {
        current.error = e.toString();
        System.out.printf("  [FAIL] the fault did not run to its end: %s%n", e);
        e.printStackTrace(System.out);
    }

    void end(double seconds) {
        current.seconds = seconds;
        System.out.printf("  %s: %s (%.1f s)%n", current.name, current.passed() ? "PASS" : "FAIL", seconds);
    }

    boolean passed() {
        return faults.stream().allMatch(Fault::passed);
    }

    void summary() {
        System.out.printf("%n%-28s %-6s %7s  %s%n", "fault", "result", "seconds", "checks");
        for (Fault f : faults) {
            System.out.printf("%-28s %-6s %7.1f  %d/%d passed%n", f.name, f.passed() ? "PASS" : "FAIL", f.seconds,
                    f.checks.stream().filter(Check::passed).count(), f.checks.size());
        }
    }

    void write(Path file, Map<String, Object> run) {
        Map<String, Object> json = new LinkedHashMap<>(run);
        List<Map<String, Object>> list = new ArrayList<>();
        for (Fault f : faults) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("fault", f.name);
            one.put("passed", f.passed());
            one.put("seconds", f.seconds);
            one.put("checks", f.checks);
            one.put("measured", f.measured);
            if (f.error != null) {
                one.put("error", f.error);
            }
            list.add(one);
        }
        json.put("passed", passed());
        json.put("faults", list);
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
