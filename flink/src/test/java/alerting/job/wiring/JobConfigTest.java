package alerting.job.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import alerting.job.io.KafkaIO;
import alerting.job.BaselineBuilder;
import alerting.job.EvalState;
import alerting.job.records.RecordTypes;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobConfigTest {

    @Test
    void defaultsAreUsable() throws Exception {
        JobConfig c = JobConfig.load(Map.of(), new String[] {"--kafka.bootstrap.servers", "b:9092"});
        assertThat(c.required(JobConfig.JOB)).isEqualTo("alert");
        assertThat(c.durationMs(JobConfig.OUT_OF_ORDERNESS)).isEqualTo(5_000);
        assertThat(c.durationMs(JobConfig.IDLENESS)).isEqualTo(60_000);
        assertThat(c.durationMs(JobConfig.ALLOWED_LATENESS)).isZero();
        assertThat(c.durationMs(JobConfig.BASELINE_HISTORY)).isEqualTo(28L * 24 * 3600 * 1000);
        assertThat(c.groupId()).isEqualTo("alerting-alert-job");
        Properties k = c.kafkaProperties();
        assertThat(k.getProperty("bootstrap.servers")).isEqualTo("b:9092");
        assertThat(k).doesNotContainKey("security.protocol");
    }

    @Test
    void managedFlinkPropertyGroupThenFileThenArguments(@TempDir Path dir) throws Exception {
        Properties group = new Properties();
        group.setProperty("job", "baseline");
        group.setProperty("kafka.bootstrap.servers", "b-1.msk:9098,b-2.msk:9098");
        group.setProperty("kafka.msk-iam", "true");
        group.setProperty("topic.alerts", "from-group");
        group.setProperty("watermark.out-of-orderness", "PT10S");
        Properties ignored = new Properties();
        ignored.setProperty("job", "ignored");
        Path file = dir.resolve("job.properties");
        Files.writeString(file, "topic.alerts=from-file\nallowed-lateness=PT2S\n");

        JobConfig c =
                JobConfig.load(
                        Map.of("alerting", group, "other", ignored),
                        new String[] {"--config", file.toString(), "--allowed-lateness=PT3S", "--kafka.client.linger.ms", "5"});
        assertThat(c.required(JobConfig.JOB)).isEqualTo("baseline");
        assertThat(c.required(JobConfig.TOPIC_ALERTS)).isEqualTo("from-file");
        assertThat(c.durationMs(JobConfig.ALLOWED_LATENESS)).isEqualTo(3_000);
        assertThat(c.durationMs(JobConfig.OUT_OF_ORDERNESS)).isEqualTo(10_000);
        Properties k = c.kafkaProperties();
        assertThat(k.getProperty("security.protocol")).isEqualTo("SASL_SSL");
        assertThat(k.getProperty("sasl.mechanism")).isEqualTo("AWS_MSK_IAM");
        assertThat(k.getProperty("sasl.jaas.config")).isEqualTo("software.amazon.msk.auth.iam.IAMLoginModule required;");
        assertThat(k.getProperty("sasl.client.callback.handler.class"))
                .isEqualTo("software.amazon.msk.auth.iam.IAMClientCallbackHandler");
        assertThat(k.getProperty("linger.ms")).isEqualTo("5");
        assertThat(c.groupId()).isEqualTo("alerting-baseline-job");
    }

    @Test
    void theMskIamClassesAreOnTheClasspath() throws Exception {
        // The jaas/callback class names above must resolve inside the application jar.
        Class.forName("software.amazon.msk.auth.iam.IAMLoginModule");
        Class.forName("software.amazon.msk.auth.iam.IAMClientCallbackHandler");
    }

    @Test
    void errorsNameTheProperty() throws Exception {
        JobConfig c = JobConfig.load(Map.of(), new String[] {"--watermark.idleness", "60s", "--baseline.max-samples-per-bucket", "0"});
        assertThatThrownBy(() -> c.durationMs(JobConfig.IDLENESS))
                .hasMessage("alerting.watermark.idleness: expected an ISO-8601 duration such as \"PT30S\", got \"60s\"");
        assertThatThrownBy(() -> c.positiveInt(JobConfig.BASELINE_MAX_SAMPLES))
                .hasMessage("alerting.baseline.max-samples-per-bucket: expected a positive integer, got \"0\"");
        assertThatThrownBy(c::kafkaProperties).hasMessageStartingWith("alerting.kafka.bootstrap.servers: required");
        assertThatThrownBy(() -> JobConfig.load(Map.of(), new String[] {"job"})).hasMessageContaining("expected --key value");
        assertThatThrownBy(() -> JobConfig.load(Map.of(), new String[] {"--allowed-latenes", "PT1S"}))
                .hasMessageStartingWith("alerting.allowed-latenes: unknown setting (in the arguments)");
        assertThatThrownBy(() -> JobConfig.load(Map.of(), new String[] {"--kafka.client.", "x"}))
                .hasMessageContaining("unknown setting");
        assertThatThrownBy(() -> KafkaIO.startingOffsets("newest")).hasMessageContaining("telemetry.starting-offsets");
    }

    @Test
    void theCommittedKeyListIsExactlyWhatJobConfigReadsAndAccepts() throws Exception {
        // Every key constant of JobConfig (not the group name or the prefix) is in the list, and no other key.
        Set<String> constants = new TreeSet<>();
        for (Field f : JobConfig.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class
                    && !f.getName().equals("GROUP") && !f.getName().equals("KAFKA_CLIENT_PREFIX")) {
                constants.add((String) f.get(null));
            }
        }
        assertThat(JobConfig.KEYS).isEqualTo(constants);
        // kafkaProperties() passes on only kafka.client.* keys: any other prefix would be accepted and ignored.
        assertThat(JobConfig.PREFIXES).containsExactly(JobConfig.KAFKA_CLIENT_PREFIX);

        for (String key : JobConfig.KEYS) {
            assertThat(JobConfig.load(Map.of(), new String[] {"--" + key, "x"}).get(key)).as(key).isEqualTo("x");
            Properties group = new Properties();
            group.setProperty(key, "x");
            if (JobConfig.NOT_ON_MANAGED_FLINK.contains(key)) {
                assertThatThrownBy(() -> Main.config(new String[0], () -> Map.of(JobConfig.GROUP, group)))
                        .as(key)
                        .hasMessageContaining("not used on Managed Flink");
            } else {
                assertThat(Main.config(new String[0], () -> Map.of(JobConfig.GROUP, group)).get(key)).as(key).isEqualTo("x");
            }
        }
    }

    @Test
    void everyRecordTypeIsAFlinkPojo() {
        for (TypeInformation<?> t :
                new TypeInformation<?>[] {
                    RecordTypes.TELEMETRY, RecordTypes.TELEMETRY_RECORD, RecordTypes.RAW_RECORD, RecordTypes.MONITOR,
                    RecordTypes.MONITOR_UPDATE, RecordTypes.PARTIAL, RecordTypes.EVAL_INPUT, RecordTypes.BASELINE,
                    RecordTypes.ALERT, RecordTypes.DEAD_LETTER, RecordTypes.LATE_EVENT,
                    TypeInformation.of(EvalState.class), TypeInformation.of(BaselineBuilder.Ticker.class),
                    TypeInformation.of(BaselineBuilder.SampleHistory.class)
                }) {
            assertThat(t).as(t.toString()).isInstanceOf(PojoTypeInfo.class);
        }
    }
}
