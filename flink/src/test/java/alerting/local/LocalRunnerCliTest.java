package alerting.local;

import static org.assertj.core.api.Assertions.assertThat;

import alerting.TestData;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalRunnerCliTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return LocalRunner.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpPrintsUsage() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .startsWith("Usage: alerting-local --monitors <monitors.json> --telemetry <telemetry.jsonl> --out <alerts.jsonl>");
    }

    @Test
    void missingArgumentsAndFilesAreReportedClearly(@TempDir Path dir) {
        assertThat(run("--monitors", "m.json")).isEqualTo(2);
        assertThat(stderr()).contains("error: --telemetry is required").contains("Usage:");
        err.reset();
        assertThat(run("--monitors", dir.resolve("nope.json").toString(), "--telemetry", "t", "--out", "o")).isEqualTo(2);
        assertThat(stderr()).contains("error: --monitors: no such file: " + dir.resolve("nope.json").toAbsolutePath());
        err.reset();
        assertThat(run("--monitors", "m", "--telemetry", "t", "--out", "o", "--bogus", "1")).isEqualTo(2);
        assertThat(stderr()).contains("unknown option --bogus");
    }

    @Test
    void malformedMonitorsNameTheField(@TempDir Path dir) throws Exception {
        Path monitors = dir.resolve("monitors.json");
        Files.writeString(monitors, Files.readString(TestData.fixtures().resolve("scenarios/threshold-trigger-recover/monitors.json")).replaceFirst("\"PT30S\"", "\"30 seconds\""));
        Path telemetry = TestData.fixtures().resolve("scenarios/threshold-trigger-recover/telemetry.jsonl");
        assertThat(run("--monitors", monitors.toString(), "--telemetry", telemetry.toString(), "--out", dir.resolve("a.jsonl").toString()))
                .isEqualTo(2);
        assertThat(stderr()).contains("monitors[0].window.size: expected an ISO-8601 duration such as \"PT30S\", got \"30 seconds\"");
        err.reset();
        Files.writeString(monitors, "[{]");
        assertThat(run("--monitors", monitors.toString(), "--telemetry", telemetry.toString(), "--out", dir.resolve("a.jsonl").toString()))
                .isEqualTo(2);
        assertThat(stderr()).contains("monitors: not valid JSON");
        err.reset();
        Files.write(monitors, new byte[] {'[', (byte) 0xff, (byte) 0xfe, ']'});
        assertThat(run("--monitors", monitors.toString(), "--telemetry", telemetry.toString(), "--out", dir.resolve("a.jsonl").toString()))
                .isEqualTo(2);
        assertThat(stderr()).contains("--monitors: expected UTF-8 JSON text").doesNotContain("\tat ");
        err.reset();
        Files.writeString(monitors, Files.readString(good()).replace("\"severity\"", "\"severty\""));
        assertThat(run("--monitors", monitors.toString(), "--telemetry", telemetry.toString(), "--out", dir.resolve("a.jsonl").toString()))
                .isEqualTo(2);
        assertThat(stderr()).contains("monitors[0].severty: unknown field");
        assertThat(dir.resolve("a.jsonl")).doesNotExist();
        err.reset();
        Path good = TestData.fixtures().resolve("scenarios/threshold-trigger-recover/monitors.json");
        assertThat(run("--monitors", good.toString(), "--telemetry", telemetry.toString(), "--out", "o", "--watermark.out-of-orderness", "5s"))
                .isEqualTo(2);
        assertThat(stderr()).contains("alerting.watermark.out-of-orderness: expected an ISO-8601 duration");
    }

    private static Path good() {
        return TestData.fixtures().resolve("scenarios/threshold-trigger-recover/monitors.json");
    }

    @Test
    void writesTheAlertsFileAndSideOutputs(@TempDir Path dir) throws Exception {
        Path scenario = TestData.fixtures().resolve("scenarios/threshold-trigger-recover");
        Path alerts = dir.resolve("out/alerts.jsonl");
        Path dead = dir.resolve("dead.jsonl");
        Path late = dir.resolve("late.jsonl");
        int code =
                run(
                        "--monitors", scenario.resolve("monitors.json").toString(),
                        "--telemetry", scenario.resolve("telemetry.jsonl").toString(),
                        "--out", alerts.toString(),
                        "--dead-letters", dead.toString(),
                        "--late-events", late.toString(),
                        "--parallelism", "1");
        assertThat(code).as(stderr()).isZero();
        assertThat(Files.readAllLines(alerts)).isEqualTo(ScenarioTest.lines(scenario.resolve("expected-alerts.jsonl")));
        assertThat(Files.readAllLines(dead)).hasSize(2).allSatisfy(l -> assertThat(l).contains("\"input\":\"telemetry\""));
        assertThat(Files.readAllLines(late)).singleElement().satisfies(l -> assertThat(l).contains("\"eventTime\":\"2025-01-06T09:02:10Z\""));
        assertThat(stderr()).contains("4 alert(s) written to").contains("2 dead letter(s), 1 late event(s)");
    }
}
