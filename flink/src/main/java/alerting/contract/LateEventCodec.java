package alerting.contract;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/** JSON form of the late-events output. */
public final class LateEventCodec {
    private LateEventCodec() {}

    public static String toJson(LateEvent e) {
        return Json.write(
                g -> {
                    g.writeStartObject();
                    g.writeStringField("kind", e.kind);
                    if (e.telemetry != null) {
                        g.writeStringField(
                                "eventTime", Instant.ofEpochMilli(e.telemetry.timestamp).toString());
                    } else {
                        g.writeStringField("monitorId", e.monitorId);
                        g.writeObjectFieldStart("group");
                        for (Map.Entry<String, String> x : new TreeMap<>(e.group).entrySet()) {
                            g.writeStringField(x.getKey(), x.getValue());
                        }
                        g.writeEndObject();
                        g.writeStringField("paneStart", Instant.ofEpochMilli(e.paneStart).toString());
                        g.writeStringField("paneEnd", Instant.ofEpochMilli(e.paneEnd).toString());
                    }
                    g.writeNumberField("events", e.events);
                    g.writeStringField("watermark", Instant.ofEpochMilli(e.watermark).toString());
                    g.writeStringField("allowedLateness", Json.formatDuration(e.allowedLatenessMs));
                    if (e.telemetry != null) {
                        g.writeFieldName("telemetry");
                        g.writeRawValue(TelemetryCodec.toJson(e.telemetry));
                    }
                    g.writeEndObject();
                });
    }
}
