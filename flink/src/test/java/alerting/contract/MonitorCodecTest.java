package alerting.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import alerting.TestData;

import java.nio.file.Files;

import org.junit.jupiter.api.Test;

/** The monitor contract: the shared samples, errors that name the field, unknown fields refused. */
class MonitorCodecTest {
    private static String read(String name) throws Exception {
        return Files.readString(TestData.fixtures().resolve(name));
    }

    @Test
    void parsesTheMonitorSamples() throws Exception {
        Monitor m = MonitorCodec.parse(read("monitor.sample.json"));
        assertThat(m.id).isEqualTo("vdi-latency-high");
        assertThat(m.aggregation).isEqualTo(Aggregation.AVG);
        assertThat(m.groupBy).containsExactly("desktopPool");
        assertThat(m.windowSizeMs).isEqualTo(30_000);
        assertThat(m.windowSlideMs).isEqualTo(30_000);
        assertThat(m.condition.type).isEqualTo(Condition.Type.THRESHOLD);
        assertThat(m.condition.operator).isEqualTo(Operator.GT);
        assertThat(m.condition.value).isEqualTo(300.0);
        assertThat(m.forMs).isEqualTo(300_000);
        assertThat(m.windowsToTrigger()).isEqualTo(10);
        assertThat(m.windowsToRecover()).isEqualTo(1);
        assertThat(m.enabled).isTrue();

        Monitor b = MonitorCodec.parse(read("monitor.baseline.sample.json"));
        assertThat(b.condition.type).isEqualTo(Condition.Type.BASELINE);
        assertThat(b.condition.direction).isEqualTo(Condition.Direction.ABOVE);
        assertThat(b.condition.deviations).isEqualTo(3.0);
        assertThat(b.condition.minSamples).isEqualTo(20);
        assertThat(b.condition.fallbackOperator).isEqualTo(Operator.GT);
        assertThat(b.condition.fallbackValue).isEqualTo(300.0);
        // Checkpointed with the evaluator state: must be the same in every JVM (no identity hashes).
        assertThat(m.windowingHash()).isEqualTo(2061255969);
        // Writing and reading back is lossless.
        assertThat(MonitorCodec.parse(MonitorCodec.toJson(m))).isEqualTo(m);
        assertThat(MonitorCodec.parse(MonitorCodec.toJson(b))).isEqualTo(b);
    }

    @Test
    void monitorErrorsNameTheOffendingField() {
        String good =
                "{\"id\":\"m\",\"source\":\"vdi\",\"metric\":\"x\",\"aggregation\":\"avg\",\"groupBy\":[],"
                        + "\"window\":{\"size\":\"PT30S\",\"slide\":\"PT30S\"},"
                        + "\"condition\":{\"type\":\"threshold\",\"operator\":\">\",\"value\":1},\"for\":\"PT1M\",\"severity\":\"s\"}";
        assertThat(MonitorCodec.parseList("[" + good + "]")).hasSize(1);
        assertThatThrownBy(() -> MonitorCodec.parseList("[" + good + "," + good.replace("PT30S\",\"slide", "30s\",\"slide") + "]"))
                .hasMessage("monitors[1].window.size: expected an ISO-8601 duration such as \"PT30S\", got \"30s\"");
        assertThatThrownBy(() -> MonitorCodec.parseList("{\"monitors\":[" + good + "," + good + "]}"))
                .hasMessage("monitors[1].id: duplicate id \"m\"");
        assertThatThrownBy(() -> MonitorCodec.parse(good.replace("\"avg\"", "\"median\"")))
                .hasMessage("monitor.aggregation: expected one of avg, min, max, sum, count, p95, got \"median\"");
        assertThatThrownBy(() -> MonitorCodec.parse(good.replace("\">\"", "\"=>\"")))
                .hasMessage("monitor.condition.operator: expected one of > >= < <= == !=, got \"=>\"");
        assertThatThrownBy(() -> MonitorCodec.parse(good.replace("\"slide\":\"PT30S\"", "\"slide\":\"PT1M\"")))
                .hasMessageStartingWith("monitor.window.slide: must not exceed window.size");
        assertThatThrownBy(() -> MonitorCodec.parse(good.replace("\"severity\":\"s\"", "\"severity\":3")))
                .hasMessage("monitor.severity: expected a non-empty string, got 3");
        assertThatThrownBy(
                        () ->
                                MonitorCodec.parse(
                                        good.replace(
                                                "{\"type\":\"threshold\",\"operator\":\">\",\"value\":1}",
                                                "{\"type\":\"baseline\",\"direction\":\"up\",\"deviations\":3}")))
                .hasMessage("monitor.condition.direction: expected above or below, got \"up\"");
        assertThatThrownBy(() -> MonitorCodec.parseList("{\"x\":1}"))
                .hasMessageStartingWith("monitors: expected a JSON array");
        assertThatThrownBy(() -> MonitorCodec.parse(good.replace("\"severity\"", "\"severty\"")))
                .hasMessage("monitor.severty: unknown field (known: version, id, source, metric, aggregation,"
                        + " groupBy, window, condition, for, recoverAfter, severity, enabled)");
    }

    @Test
    void unknownFieldsAreRefusedAtEveryLevel() {
        String good =
                "{\"id\":\"m\",\"source\":\"vdi\",\"metric\":\"x\",\"aggregation\":\"avg\","
                        + "\"window\":{\"size\":\"PT30S\"},"
                        + "\"condition\":{\"type\":\"threshold\",\"operator\":\">\",\"value\":1},\"severity\":\"s\"}";
        assertThat(MonitorCodec.parse(good.replace("{\"id\"", "{\"version\":1,\"id\""))).isNotNull();
        assertThatThrownBy(() -> MonitorCodec.parse(good.replace("\"size\"", "\"slide\":\"PT30S\",\"sise\"")))
                .hasMessage("monitor.window.sise: unknown field (known: size, slide)");
        assertThatThrownBy(() -> MonitorCodec.parse(good.replace("\"value\":1", "\"value\":1,\"valeu\":2")))
                .hasMessage("monitor.condition.valeu: unknown field (known: type, operator, value)");
        assertThatThrownBy(
                        () ->
                                MonitorCodec.parse(
                                        good.replace(
                                                "{\"type\":\"threshold\",\"operator\":\">\",\"value\":1}",
                                                "{\"type\":\"baseline\",\"direction\":\"above\",\"deviations\":3,"
                                                        + "\"fallback\":{\"operator\":\">\",\"value\":1,\"for\":\"PT1M\"}}")))
                .hasMessage("monitor.condition.fallback.for: unknown field (known: operator, value)");
        assertThatThrownBy(() -> MonitorCodec.parse(good.replace("{\"id\"", "{\"\u202eid\":1,\"id\"")))
                .hasMessageStartingWith("monitor.\"\\u202eid\": unknown field");
    }
}
