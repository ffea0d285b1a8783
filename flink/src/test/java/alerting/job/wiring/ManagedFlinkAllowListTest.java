package alerting.job.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Managed Flink (from 2.2) refuses job code that changes a Flink configuration key outside its
 * published programmatic allow-list. Builds each application's job through Main's own path, with
 * the property groups the stack synthesizes, and compares the environment's configuration with
 * Flink's defaults: every key that changed must be on AWS's list.
 */
class ManagedFlinkAllowListTest {

    static Stream<Arguments> applications() {
        return ManagedFlinkFixtures.applications().entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("applications")
    void theJobChangesOnlyAllowListedConfiguration(String application, Map<String, Properties> groups) throws Exception {
        Map<String, String> defaults = StreamExecutionEnvironment.getExecutionEnvironment().getConfiguration().toMap();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();

        Main.wire(env, Main.config(new String[0], () -> groups));

        Map<String, String> changed = new TreeMap<>();
        env.getConfiguration().toMap().forEach((k, v) -> {
            if (!v.equals(defaults.get(k))) {
                changed.put(k, v);
            }
        });
        defaults.keySet().stream().filter(k -> !env.getConfiguration().toMap().containsKey(k)).forEach(k -> changed.put(k, "<removed>"));
        Set<String> allowed = ManagedFlinkFixtures.allowList();
        assertThat(changed.keySet())
                .as("%s changes %s; Managed Flink allows only the keys in %s", application, changed, ManagedFlinkFixtures.ALLOW_LIST)
                .isSubsetOf(allowed);
        // The settings the job does rely on are still applied (and are on the list).
        assertThat(changed).containsKeys("pipeline.generic-types", "pipeline.object-reuse");
        // Checkpointing is the application's CheckpointConfiguration on Managed Flink, never the job's.
        assertThat(env.getCheckpointConfig().isCheckpointingEnabled()).isFalse();
    }

    @Test
    void everyApplicationOfTheStackIsCovered() {
        assertThat(ManagedFlinkFixtures.applications()).hasSize(2);
        assertThat(ManagedFlinkFixtures.allowList()).doesNotContain("execution.checkpointing.interval");
    }
}
