package alerting.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** Canonical groups and the alert fingerprint. */
class GroupKeysTest {
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
}
