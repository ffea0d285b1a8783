package alerting.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Shared plumbing: numbers and timestamps. */
class JsonTest {
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
}
