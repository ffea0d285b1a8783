package alerting.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import alerting.TestData;

import java.nio.file.Files;
import java.time.Instant;

import org.junit.jupiter.api.Test;

/** The telemetry contract: the shared sample, round trips, errors that name the field. */
class TelemetryCodecTest {
    private static String read(String name) throws Exception {
        return Files.readString(TestData.fixtures().resolve(name));
    }

    @Test
    void parsesTheTelemetrySample() throws Exception {
        Telemetry t = TelemetryCodec.parse(read("telemetry.sample.json"));
        assertThat(t.source).isEqualTo("vdi");
        assertThat(t.timestamp).isEqualTo(Instant.parse("2025-01-06T09:03:05Z").toEpochMilli());
        assertThat(t.entity).isEqualTo("desktop-17");
        assertThat(t.dimensions).containsEntry("desktopPool", "pool-a");
        assertThat(t.metrics).containsEntry("networkLatencyMs", 312.5).containsEntry("cpuQueueLength", 2.0);
    }

    @Test
    void telemetryRoundTripsAndIgnoresUnknownFields() {
        Telemetry t =
                TelemetryCodec.parse(
                        "{\"version\":1,\"source\":\"vdi\",\"timestamp\":\"2025-01-06T09:00:00.250Z\",\"entity\":\"d1\","
                                + "\"dimensions\":{\"desktopPool\":\"a\"},\"metrics\":{\"x\":1.5,\"missing\":null},"
                                + "\"extra\":{\"nested\":[1,2]}}");
        assertThat(t.metrics).containsOnlyKeys("x");
        assertThat(TelemetryCodec.parse(TelemetryCodec.toJson(t))).isEqualTo(t);
    }

    @Test
    void rejectsMalformedTelemetryNamingTheField() {
        assertThatThrownBy(() -> TelemetryCodec.parse("not json"))
                .isInstanceOf(ContractException.class)
                .hasMessageStartingWith("telemetry: not valid JSON");
        assertThatThrownBy(() -> TelemetryCodec.parse("[1]")).hasMessage("telemetry: expected a JSON object");
        assertThatThrownBy(
                        () ->
                                TelemetryCodec.parse(
                                        "{\"source\":\"vdi\",\"timestamp\":\"2025-01-06T09:00:00Z\",\"entity\":\"e\",\"metrics\":{\"x\":\"high\"}}"))
                .hasMessage("telemetry.metrics.x: expected a number, got \"high\"");
        assertThatThrownBy(
                        () ->
                                TelemetryCodec.parse(
                                        "{\"source\":\"vdi\",\"timestamp\":\"09:00\",\"entity\":\"e\",\"metrics\":{}}"))
                .hasMessageStartingWith("telemetry.timestamp: expected an ISO-8601 UTC timestamp");
        assertThatThrownBy(() -> TelemetryCodec.parse("{\"source\":\"vdi\",\"entity\":\"e\",\"metrics\":{}}"))
                .hasMessage("telemetry.timestamp: required");
        assertThatThrownBy(
                        () ->
                                TelemetryCodec.parse(
                                        "{\"source\":\"vdi\",\"timestamp\":\"2025-01-06T09:00:00Z\",\"entity\":\"e\",\"dimensions\":{\"p\":1},\"metrics\":{}}"))
                .hasMessage("telemetry.dimensions.p: expected a string, got 1");
        assertThatThrownBy(
                        () ->
                                TelemetryCodec.parse(
                                        "{\"version\":2,\"source\":\"vdi\",\"timestamp\":\"2025-01-06T09:00:00Z\",\"entity\":\"e\",\"metrics\":{}}"))
                .hasMessage("version: only version 1 is understood");
    }
}
