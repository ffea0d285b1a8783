package alerting.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import alerting.TestData;

import org.junit.jupiter.api.Test;

/** The baseline records between the two jobs. */
class BaselineCodecTest {
    @Test
    void baselineRoundTrips() {
        Baseline b = new Baseline("m", TestData.pool("pool-a"), 12, 100, 2, 100, TestData.T0);
        assertThat(BaselineCodec.parse(BaselineCodec.toJson(b))).isEqualTo(b);
        assertThat(b.key()).isEqualTo("m|{\"desktopPool\":\"pool-a\"}|12");
        assertThatThrownBy(() -> BaselineCodec.parse(BaselineCodec.toJson(b).replace("\"hourOfWeek\":12", "\"hourOfWeek\":200")))
                .hasMessage("baseline.hourOfWeek: expected an integer 0..167");
    }
}
