package alerting.contract;

import static org.assertj.core.api.Assertions.assertThat;

import alerting.TestData;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The alert contract: the shared sample, field for field. */
class AlertCodecTest {
    private static String read(String name) throws Exception {
        return Files.readString(TestData.fixtures().resolve(name));
    }

    @Test
    void alertSampleMatchesTheContractAndTheFingerprint() throws Exception {
        JsonNode sample = Json.MAPPER.readTree(read("alert.sample.json"));
        List<String> fields = List.of("alertId", "monitorId", "group", "status", "value", "threshold", "windowStart", "windowEnd", "severity");
        assertThat(sample.fieldNames()).toIterable().containsExactlyElementsOf(fields);

        Alert a = AlertCodec.parse(read("alert.sample.json"));
        assertThat(a.alertId).isEqualTo(GroupKeys.alertId(a.monitorId, a.group));
        // The writer produces the exact fields, in contract order, with plain numbers.
        JsonNode written = Json.MAPPER.readTree(AlertCodec.toJson(a));
        assertThat(written).isEqualTo(sample);
        assertThat(AlertCodec.toJson(a)).contains("\"value\":350,").contains("\"windowEnd\":\"2025-01-06T09:08:00Z\"");
    }
}
