package alerting.job.wiring;

import alerting.job.io.KafkaIO;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The property groups the stack synthesizes (committed fixture, kept equal to the synthesized
 * templates by test/flink-alerting/managed-flink-contracts.test.ts) load through JobConfig exactly as Main
 * loads them on Managed Flink, and every value parses. With unknown keys rejected, a key the stack
 * misspells fails here instead of falling back to a default at run time.
 */
class ManagedFlinkPropertyGroupsTest {

    static Stream<Arguments> applications() {
        return ManagedFlinkFixtures.applications().entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("applications")
    void theStacksPropertyGroupsLoadAndParse(String application, Map<String, Properties> groups) throws Exception {
        JobConfig cfg = Main.config(new String[0], () -> groups);

        assertThat(cfg.required(JobConfig.JOB)).isIn("alert", "baseline");
        for (String key :
                new String[] {
                    JobConfig.OUT_OF_ORDERNESS, JobConfig.IDLENESS, JobConfig.WATERMARK_INTERVAL,
                    JobConfig.ALLOWED_LATENESS, JobConfig.BASELINE_HISTORY
                }) {
            cfg.durationMs(key);
        }
        cfg.positiveInt(JobConfig.BASELINE_MAX_SAMPLES);
        KafkaIO.startingOffsets(cfg.required(JobConfig.TELEMETRY_START));
        // The stack always connects to MSK with IAM; the bootstrap servers are a deploy-time value.
        assertThat(cfg.bool(JobConfig.MSK_IAM)).isTrue();
        assertThat(cfg.kafkaProperties().getProperty("sasl.mechanism")).isEqualTo("AWS_MSK_IAM");
        assertThat(cfg.groupId()).isEqualTo(groups.get(JobConfig.GROUP).getProperty(JobConfig.GROUP_ID));
        for (String topic :
                new String[] {
                    JobConfig.TOPIC_TELEMETRY, JobConfig.TOPIC_MONITORS, JobConfig.TOPIC_BASELINES, JobConfig.TOPIC_ALERTS,
                    JobConfig.TOPIC_DEAD_LETTERS, JobConfig.TOPIC_LATE_EVENTS
                }) {
            assertThat(groups.get(JobConfig.GROUP).getProperty(topic)).as(topic).isNotBlank();
        }
    }

    @Test
    void aMisspeltKeyOrGroupIsRejected() {
        Properties group = new Properties();
        group.setProperty("job", "alert");
        group.setProperty("watermark.out-of-ordernes", "PT10S");
        assertThatThrownBy(() -> Main.config(new String[0], () -> Map.of("alerting", group)))
                .hasMessageStartingWith("alerting.watermark.out-of-ordernes: unknown setting (in property group \"alerting\")");

        Properties ok = new Properties();
        ok.setProperty("job", "alert");
        assertThatThrownBy(() -> Main.config(new String[0], () -> Map.of("alerting", ok, "alertng", ok)))
                .hasMessage("property group \"alertng\": unknown; the job reads only \"alerting\"");
    }

    @Test
    void checkpointSettingsBelongToTheApplicationOnManagedFlink() {
        Properties group = new Properties();
        group.setProperty("checkpoint.interval", "PT10S");
        assertThatThrownBy(() -> Main.config(new String[0], () -> Map.of("alerting", group)))
                .hasMessageContaining("CheckpointConfiguration");
    }
}
