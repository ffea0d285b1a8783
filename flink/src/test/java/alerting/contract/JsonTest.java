package alerting.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import alerting.TestData;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class JsonTest {
    private static String read(String name) throws Exception {
        return Files.readString(TestData.fixtures().resolve(name));
    }

    @Test
    void parsesTheTelemetrySample() throws Exception {
        Telemetry t = Json.parseTelemetry(read("telemetry.sample.json"));
        assertThat(t.source).isEqualTo("vdi");
        assertThat(t.timestamp).isEqualTo(Instant.parse("2025-01-06T09:03:05Z").toEpochMilli());
        assertThat(t.entity).isEqualTo("desktop-17");
        assertThat(t.dimensions).containsEntry("desktopPool", "pool-a");
        assertThat(t.metrics).containsEntry("networkLatencyMs", 312.5).containsEntry("cpuQueueLength", 2.0);
    }

    @Test
    void telemetryRoundTripsAndIgnoresUnknownFields() {
        Telemetry t =
                Json.parseTelemetry(
                        "{\"version\":1,\"source\":\"vdi\",\"timestamp\":\"2025-01-06T09:00:00.250Z\",\"entity\":\"d1\","
                                + "\"dimensions\":{\"desktopPool\":\"a\"},\"metrics\":{\"x\":1.5,\"missing\":null},"
                                + "\"extra\":{\"nested\":[1,2]}}");
        assertThat(t.metrics).containsOnlyKeys("x");
        assertThat(Json.parseTelemetry(Json.telemetryToJson(t))).isEqualTo(t);
    }

    @Test
    void rejectsMalformedTelemetryNamingTheField() {
        assertThatThrownBy(() -> Json.parseTelemetry("not json"))
                .isInstanceOf(ContractException.class)
                .hasMessageStartingWith("telemetry: not valid JSON");
        assertThatThrownBy(() -> Json.parseTelemetry("[1]")).hasMessage("telemetry: expected a JSON object");
        assertThatThrownBy(
                        () ->
                                Json.parseTelemetry(
                                        "{\"source\":\"vdi\",\"timestamp\":\"2025-01-06T09:00:00Z\",\"entity\":\"e\",\"metrics\":{\"x\":\"high\"}}"))
                .hasMessage("telemetry.metrics.x: expected a number, got \"high\"");
        assertThatThrownBy(
                        () ->
                                Json.parseTelemetry(
                                        "{\"source\":\"vdi\",\"timestamp\":\"09:00\",\"entity\":\"e\",\"metrics\":{}}"))
                .hasMessageStartingWith("telemetry.timestamp: expected an ISO-8601 UTC timestamp");
        assertThatThrownBy(() -> Json.parseTelemetry("{\"source\":\"vdi\",\"entity\":\"e\",\"metrics\":{}}"))
                .hasMessage("telemetry.timestamp: required");
        assertThatThrownBy(
                        () ->
                                Json.parseTelemetry(
                                        "{\"source\":\"vdi\",\"timestamp\":\"2025-01-06T09:00:00Z\",\"entity\":\"e\",\"dimensions\":{\"p\":1},\"metrics\":{}}"))
                .hasMessage("telemetry.dimensions.p: expected a string, got 1");
        assertThatThrownBy(
                        () ->
                                Json.parseTelemetry(
                                        "{\"version\":2,\"source\":\"vdi\",\"timestamp\":\"2025-01-06T09:00:00Z\",\"entity\":\"e\",\"metrics\":{}}"))
                .hasMessage("version: only version 1 is understood");
    }

    @Test
    void parsesTheMonitorSamples() throws Exception {
        Monitor m = Json.parseMonitor(read("monitor.sample.json"));
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

        Monitor b = Json.parseMonitor(read("monitor.baseline.sample.json"));
        assertThat(b.condition.type).isEqualTo(Condition.Type.BASELINE);
        assertThat(b.condition.direction).isEqualTo(Condition.Direction.ABOVE);
        assertThat(b.condition.deviations).isEqualTo(3.0);
        assertThat(b.condition.minSamples).isEqualTo(20);
        assertThat(b.condition.fallbackOperator).isEqualTo(Operator.GT);
        assertThat(b.condition.fallbackValue).isEqualTo(300.0);
        // Checkpointed with the evaluator state: must be the same in every JVM (no identity hashes).
        assertThat(m.windowingHash()).isEqualTo(2061255969);
        // Writing and reading back is lossless.
        assertThat(Json.parseMonitor(Json.monitorToJson(m))).isEqualTo(m);
        assertThat(Json.parseMonitor(Json.monitorToJson(b))).isEqualTo(b);
    }

    @Test
    void monitorErrorsNameTheOffendingField() {
        String good =
                "{\"id\":\"m\",\"source\":\"vdi\",\"metric\":\"x\",\"aggregation\":\"avg\",\"groupBy\":[],"
                        + "\"window\":{\"size\":\"PT30S\",\"slide\":\"PT30S\"},"
                        + "\"condition\":{\"type\":\"threshold\",\"operator\":\">\",\"value\":1},\"for\":\"PT1M\",\"severity\":\"s\"}";
        assertThat(Json.parseMonitorList("[" + good + "]")).hasSize(1);
        assertThatThrownBy(() -> Json.parseMonitorList("[" + good + "," + good.replace("PT30S\",\"slide", "30s\",\"slide") + "]"))
                .hasMessage("monitors[1].window.size: expected an ISO-8601 duration such as \"PT30S\", got \"30s\"");
        assertThatThrownBy(() -> Json.parseMonitorList("{\"monitors\":[" + good + "," + good + "]}"))
                .hasMessage("monitors[1].id: duplicate id \"m\"");
        assertThatThrownBy(() -> Json.parseMonitor(good.replace("\"avg\"", "\"median\"")))
                .hasMessage("monitor.aggregation: expected one of avg, min, max, sum, count, p95, got \"median\"");
        assertThatThrownBy(() -> Json.parseMonitor(good.replace("\">\"", "\"=>\"")))
                .hasMessage("monitor.condition.operator: expected one of > >= < <= == !=, got \"=>\"");
        assertThatThrownBy(() -> Json.parseMonitor(good.replace("\"slide\":\"PT30S\"", "\"slide\":\"PT1M\"")))
                .hasMessageStartingWith("monitor.window.slide: must not exceed window.size");
        assertThatThrownBy(() -> Json.parseMonitor(good.replace("\"severity\":\"s\"", "\"severity\":3")))
                .hasMessage("monitor.severity: expected a non-empty string, got 3");
        assertThatThrownBy(
                        () ->
                                Json.parseMonitor(
                                        good.replace(
                                                "{\"type\":\"threshold\",\"operator\":\">\",\"value\":1}",
                                                "{\"type\":\"baseline\",\"direction\":\"up\",\"deviations\":3}")))
                .hasMessage("monitor.condition.direction: expected above or below, got \"up\"");
        assertThatThrownBy(() -> Json.parseMonitorList("{\"x\":1}"))
                .hasMessageStartingWith("monitors: expected a JSON array");
        assertThatThrownBy(() -> Json.parseMonitor(good.replace("\"severity\"", "\"severty\"")))
                .hasMessage("monitor.severty: unknown field (known: version, id, source, metric, aggregation,"
                        + " groupBy, window, condition, for, recoverAfter, severity, enabled)");
    }

    @Test
    void unknownFieldsAreRefusedAtEveryLevel() {
        String good =
                "{\"id\":\"m\",\"source\":\"vdi\",\"metric\":\"x\",\"aggregation\":\"avg\","
                        + "\"window\":{\"size\":\"PT30S\"},"
                        + "\"condition\":{\"type\":\"threshold\",\"operator\":\">\",\"value\":1},\"severity\":\"s\"}";
        assertThat(Json.parseMonitor(good.replace("{\"id\"", "{\"version\":1,\"id\""))).isNotNull();
        assertThatThrownBy(() -> Json.parseMonitor(good.replace("\"size\"", "\"slide\":\"PT30S\",\"sise\"")))
                .hasMessage("monitor.window.sise: unknown field (known: size, slide)");
        assertThatThrownBy(() -> Json.parseMonitor(good.replace("\"value\":1", "\"value\":1,\"valeu\":2")))
                .hasMessage("monitor.condition.valeu: unknown field (known: type, operator, value)");
        assertThatThrownBy(
                        () ->
                                Json.parseMonitor(
                                        good.replace(
                                                "{\"type\":\"threshold\",\"operator\":\">\",\"value\":1}",
                                                "{\"type\":\"baseline\",\"direction\":\"above\",\"deviations\":3,"
                                                        + "\"fallback\":{\"operator\":\">\",\"value\":1,\"for\":\"PT1M\"}}")))
                .hasMessage("monitor.condition.fallback.for: unknown field (known: operator, value)");
        assertThatThrownBy(() -> Json.parseMonitor(good.replace("{\"id\"", "{\"\u202eid\":1,\"id\"")))
                .hasMessageStartingWith("monitor.\"\\u202eid\": unknown field");
    }

    @Test
    void alertSampleMatchesTheContractAndTheFingerprint() throws Exception {
        JsonNode sample = Json.MAPPER.readTree(read("alert.sample.json"));
        List<String> fields = List.of("alertId", "monitorId", "group", "status", "value", "threshold", "windowStart", "windowEnd", "severity");
        assertThat(sample.fieldNames()).toIterable().containsExactlyElementsOf(fields);

        Alert a = Json.parseAlert(read("alert.sample.json"));
        assertThat(a.alertId).isEqualTo(GroupKeys.alertId(a.monitorId, a.group));
        // The writer produces the exact fields, in contract order, with plain numbers.
        JsonNode written = Json.MAPPER.readTree(Json.alertToJson(a));
        assertThat(written).isEqualTo(sample);
        assertThat(Json.alertToJson(a)).contains("\"value\":350,").contains("\"windowEnd\":\"2025-01-06T09:08:00Z\"");
    }

    @Test
    void alertIdIsTheSha256OfMonitorAndCanonicalGroup() {
        Map<String, String> g = new java.util.HashMap<>();
        g.put("site", "b");
        g.put("desktopPool", "a");
        assertThat(GroupKeys.canonical(g)).isEqualTo("{\"desktopPool\":\"a\",\"site\":\"b\"}");
        assertThat(GroupKeys.alertId("m", g)).isEqualTo(GroupKeys.sha256Hex("m|{\"desktopPool\":\"a\",\"site\":\"b\"}")).hasSize(64);
        // sha256("abc"), a published test vector.
        assertThat(GroupKeys.sha256Hex("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(GroupKeys.canonical(Map.of())).isEqualTo("{}");
    }

    @Test
    void numbersAreWrittenWithoutFloatNoise() {
        assertThat(Json.round(100 + 3 * 1.4826 * 2).toPlainString()).isEqualTo("108.8956");
        assertThat(Json.round(350.0).toPlainString()).isEqualTo("350");
        assertThat(Json.round(1e-9).toPlainString()).isEqualTo("0.000000001");
        assertThat(Json.round(123456789012345.0).toPlainString()).isEqualTo("123456789012000");
    }

    @Test
    void fastTimestampParsingAgreesWithTheIsoParser() {
        for (String ts :
                List.of(
                        "2025-01-06T09:03:05Z", "2025-01-06T09:03:05.2Z", "2025-01-06T09:03:05.250Z",
                        "2024-02-29T23:59:59.999999999Z", "1969-12-31T23:59:59.5Z", "2000-01-01T00:00:00Z")) {
            assertThat(Json.parseUtcFast(ts)).as(ts).isEqualTo(Instant.parse(ts).toEpochMilli());
        }
        // Other ISO forms take the general path and still parse.
        assertThat(Json.parseUtcFast("2025-01-06T10:03:05+01:00")).isEqualTo(Long.MIN_VALUE);
        assertThat(Json.parseInstant("2025-01-06T10:03:05+01:00", "t")).isEqualTo(Instant.parse("2025-01-06T09:03:05Z").toEpochMilli());
        assertThat(Json.parseUtcFast("2025-02-30T00:00:00Z")).isEqualTo(Long.MIN_VALUE);
        assertThatThrownBy(() -> Json.parseInstant("2025-02-30T00:00:00Z", "t")).isInstanceOf(ContractException.class);
        assertThatThrownBy(() -> Json.parseInstant("2025-01-06T25:00:00Z", "t")).isInstanceOf(ContractException.class);
    }

    @Test
    void baselineRoundTrips() {
        Baseline b = new Baseline("m", TestData.pool("pool-a"), 12, 100, 2, 100, TestData.T0);
        assertThat(Json.parseBaseline(Json.baselineToJson(b))).isEqualTo(b);
        assertThat(b.key()).isEqualTo("m|{\"desktopPool\":\"pool-a\"}|12");
        assertThatThrownBy(() -> Json.parseBaseline(Json.baselineToJson(b).replace("\"hourOfWeek\":12", "\"hourOfWeek\":200")))
                .hasMessage("baseline.hourOfWeek: expected an integer 0..167");
    }
}
