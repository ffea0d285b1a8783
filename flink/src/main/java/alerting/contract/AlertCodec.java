package alerting.contract;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/** JSON codec of the alert contract v1. */
public final class AlertCodec {
    private AlertCodec() {}

    public static String toJson(Alert a) {
        return Json.write(
                g -> {
                    g.writeStartObject();
                    g.writeStringField("alertId", a.alertId);
                    g.writeStringField("monitorId", a.monitorId);
                    g.writeObjectFieldStart("group");
                    for (Map.Entry<String, String> e : new TreeMap<>(a.group).entrySet()) {
                        g.writeStringField(e.getKey(), e.getValue());
                    }
                    g.writeEndObject();
                    g.writeStringField("status", a.status);
                    g.writeFieldName("value");
                    Json.writeNumber(g, a.value);
                    g.writeFieldName("threshold");
                    Json.writeNumber(g, a.threshold);
                    g.writeStringField("windowStart", Instant.ofEpochMilli(a.windowStart).toString());
                    g.writeStringField("windowEnd", Instant.ofEpochMilli(a.windowEnd).toString());
                    g.writeStringField("severity", a.severity);
                    g.writeEndObject();
                });
    }

    public static Alert parse(String json) {
        JsonNode n = Json.readTree(json, "alert");
        Alert a = new Alert();
        a.alertId = Json.text(n, "alertId", "alert");
        a.monitorId = Json.text(n, "monitorId", "alert");
        a.group = Json.readGroup(n.get("group"), "alert.group");
        a.status = Json.text(n, "status", "alert");
        a.value = n.hasNonNull("value") ? n.get("value").doubleValue() : null;
        a.threshold = n.hasNonNull("threshold") ? n.get("threshold").doubleValue() : null;
        a.windowStart = Json.parseInstant(Json.text(n, "windowStart", "alert"), "alert.windowStart");
        a.windowEnd = Json.parseInstant(Json.text(n, "windowEnd", "alert"), "alert.windowEnd");
        a.severity = Json.text(n, "severity", "alert");
        return a;
    }
}
