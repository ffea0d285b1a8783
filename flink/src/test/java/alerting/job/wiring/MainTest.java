package alerting.job.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;

/** Main decides where it runs from its arguments, never from a failure to read the runtime. */
class MainTest {
    private static final Main.PropertyGroups NOT_READ =
            () -> {
                throw new AssertionError("the Managed Flink runtime properties were read");
            };

    @Test
    void aSelfManagedRunReadsItsArgumentsOnly() throws Exception {
        JobConfig cfg =
                Main.config(
                        new String[] {"--self-managed", "--job", "baseline", "--kafka.bootstrap.servers", "b:9092"},
                        NOT_READ);
        assertThat(cfg.required(JobConfig.JOB)).isEqualTo("baseline");
        assertThat(cfg.required(JobConfig.BOOTSTRAP_SERVERS)).isEqualTo("b:9092");
        // checkpoint.interval, refused in the Managed Flink property group, is accepted here.
        assertThat(Main.config(new String[] {"--self-managed", "--checkpoint.interval", "PT10S"}, NOT_READ)
                        .durationMs(JobConfig.CHECKPOINT_INTERVAL))
                .isEqualTo(10_000);
    }

    @Test
    void argumentsWithoutTheSelfManagedFlagAreRefused() {
        assertThatThrownBy(() -> Main.config(new String[] {"--job", "alert"}, NOT_READ))
                .hasMessageContaining("on Managed Flink the job takes no arguments")
                .hasMessageContaining("--self-managed");
    }

    @Test
    void onManagedFlinkTheAlertingGroupIsRequired() {
        assertThatThrownBy(() -> Main.config(new String[0], Map::of))
                .hasMessageStartingWith("property group \"alerting\": missing from the Managed Flink runtime properties")
                .hasMessageContaining("--self-managed");
    }

    @Test
    void aFailureToReadTheRuntimePropertiesStopsTheJob() {
        IOException unreadable = new IOException("application_properties.json: unexpected end of input");
        assertThatThrownBy(
                        () ->
                                Main.config(
                                        new String[0],
                                        () -> {
                                            throw unreadable;
                                        }))
                .isSameAs(unreadable);
    }

    @Test
    void onManagedFlinkTheGroupIsTheConfiguration() throws Exception {
        Properties group = new Properties();
        group.setProperty(JobConfig.JOB, "baseline");
        assertThat(Main.config(new String[0], () -> Map.of(JobConfig.GROUP, group)).required(JobConfig.JOB))
                .isEqualTo("baseline");
    }
}
