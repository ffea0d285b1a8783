package alerting.job.wiring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/** Test resources under managed-flink/: AWS's allow-list and what the stack synthesizes. */
final class ManagedFlinkFixtures {
    /** Written by test/flink-alerting/managed-flink-contracts.test.ts from the example config's templates. */
    static final String PROPERTY_GROUPS = "managed-flink/property-groups.example.json";
    static final String ALLOW_LIST = "managed-flink/programmatic-configuration-allow-list.txt";

    private ManagedFlinkFixtures() {}

    /**
     * Runtime property groups of every Managed Flink application of the example config, keyed by
     * "stack/logicalId", as KinesisAnalyticsRuntime.getApplicationProperties() hands them to Main.
     */
    static Map<String, Map<String, Properties>> applications() {
        try (InputStream in = open(PROPERTY_GROUPS)) {
            JsonNode root = new ObjectMapper().readTree(in);
            Map<String, Map<String, Properties>> apps = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> a = root.get("applications").fields(); a.hasNext(); ) {
                Map.Entry<String, JsonNode> app = a.next();
                Map<String, Properties> groups = new LinkedHashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> g = app.getValue().fields(); g.hasNext(); ) {
                    Map.Entry<String, JsonNode> group = g.next();
                    Properties p = new Properties();
                    group.getValue().fields().forEachRemaining(e -> p.setProperty(e.getKey(), e.getValue().asText()));
                    groups.put(group.getKey(), p);
                }
                apps.put(app.getKey(), groups);
            }
            return apps;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Set<String> allowList() {
        Set<String> keys = new TreeSet<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(open(ALLOW_LIST), StandardCharsets.UTF_8))) {
            r.lines().map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).forEach(keys::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return keys;
    }

    private static InputStream open(String resource) {
        InputStream in = ManagedFlinkFixtures.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException(resource + ": missing test resource");
        }
        return in;
    }
}
