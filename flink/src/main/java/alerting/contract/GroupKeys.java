package alerting.contract;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.TreeMap;

/** Canonical group strings and the stable alert fingerprint. */
public final class GroupKeys {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private GroupKeys() {}

    /**
     * Canonical group: compact JSON object with keys in ascending (UTF-16) order, e.g. {@code
     * {"desktopPool":"pool-a"}}; {@code {}} for a monitor without groupBy.
     */
    public static String canonical(Map<String, String> group) {
        Map<String, String> sorted = group instanceof TreeMap ? group : new TreeMap<>(group);
        return Json.write(
                g -> {
                    g.writeStartObject();
                    for (Map.Entry<String, String> e : sorted.entrySet()) {
                        g.writeStringField(e.getKey(), e.getValue());
                    }
                    g.writeEndObject();
                });
    }

    /**
     * alertId = lower-case hex SHA-256 of UTF-8 {@code monitorId + "|" + canonicalGroup}. Stable
     * across restarts, rescaling and redeploys, so consumers deduplicate on (alertId, windowEnd,
     * status).
     */
    public static String alertId(String monitorId, Map<String, String> group) {
        return sha256Hex(monitorId + "|" + canonical(group));
    }

    /** Key of the (monitor, group) keyed state in both jobs. */
    public static String evaluatorKey(String monitorId, String canonicalGroup) {
        return monitorId + "|" + canonicalGroup;
    }

    static String sha256Hex(String s) {
        try {
            byte[] d =
                    MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            char[] out = new char[d.length * 2];
            for (int i = 0; i < d.length; i++) {
                out[2 * i] = HEX[(d[i] >> 4) & 0xf];
                out[2 * i + 1] = HEX[d[i] & 0xf];
            }
            return new String(out);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }
}
