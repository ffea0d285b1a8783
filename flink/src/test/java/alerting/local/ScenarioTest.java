package alerting.local;

import static org.assertj.core.api.Assertions.assertThat;

import alerting.TestData;
import alerting.contract.Alert;
import alerting.contract.AlertCodec;
import alerting.contract.Json;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The shared fixture scenarios through the local runner: the real job graphs on Flink's
 * MiniCluster over the files, compared with the hand-worked expected alerts.
 */
class ScenarioTest {

    static Stream<Path> scenarios() throws IOException {
        return Files.list(TestData.fixtures().resolve("scenarios")).filter(Files::isDirectory).sorted();
    }

    static List<String> lines(Path p) throws IOException {
        List<String> out = new ArrayList<>();
        for (String l : Files.readAllLines(p, StandardCharsets.UTF_8)) {
            if (!l.isBlank()) {
                out.add(l);
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void producesTheExpectedAlerts(Path scenario) throws Exception {
        Map<String, String> opts = new HashMap<>();
        opts.put("monitors", scenario.resolve("monitors.json").toString());
        opts.put("telemetry", scenario.resolve("telemetry.jsonl").toString());
        opts.put("out", "unused");
        LocalRunner.Result r = LocalRunner.run(opts);

        List<Alert> expected = new ArrayList<>();
        for (String l : lines(scenario.resolve("expected-alerts.jsonl"))) {
            expected.add(AlertCodec.parse(l));
        }
        assertThat(r.alerts).containsExactlyElementsOf(expected);

        Path side = scenario.resolve("expected-side-outputs.json");
        if (Files.exists(side)) {
            JsonNode counts = Json.MAPPER.readTree(side.toFile());
            assertThat(r.deadLetters).hasSize(counts.get("deadLetters").intValue());
            assertThat(r.lateEvents).hasSize(counts.get("lateEvents").intValue());
        }
    }
}
