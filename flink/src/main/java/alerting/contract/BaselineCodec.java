package alerting.contract;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/** JSON codec of the baseline records the baseline job publishes and the alert job joins. */
public final class BaselineCodec {
    private BaselineCodec() {}

    public static String toJson(Baseline b) {
        return Json.write(
                g -> {
                    g.writeStartObject();
                    g.writeStringField("monitorId", b.monitorId);
                    g.writeObjectFieldStart("group");
                    for (Map.Entry<String, String> e : new TreeMap<>(b.group).entrySet()) {
                        g.writeStringField(e.getKey(), e.getValue());
                    }
                    g.writeEndObject();
                    g.writeNumberField("hourOfWeek", b.hourOfWeek);
                    g.writeFieldName("median");
                    Json.writeNumber(g, b.median);
                    g.writeFieldName("mad");
                    Json.writeNumber(g, b.mad);
                    g.writeNumberField("samples", b.samples);
                    g.writeStringField("updatedAt", Instant.ofEpochMilli(b.updatedAt).toString());
                    g.writeEndObject();
                });
    }

    public static Baseline parse(String json) {
        JsonNode n = Json.readTree(json, "baseline");
        Baseline b = new Baseline();
        b.monitorId = Json.text(n, "monitorId", "baseline");
        b.group = Json.readGroup(n.get("group"), "baseline.group");
        JsonNode how = n.get("hourOfWeek");
        if (how == null || !how.isInt() || how.intValue() < 0 || how.intValue() > 167) {
            throw new ContractException("baseline.hourOfWeek: expected an integer 0..167");
        }
        b.hourOfWeek = how.intValue();
        b.median = Json.number(n, "median", "baseline");
        b.mad = Json.number(n, "mad", "baseline");
        JsonNode samples = n.get("samples");
        if (samples == null || !samples.isInt() || samples.intValue() < 0) {
            throw new ContractException("baseline.samples: expected a non-negative integer");
        }
        b.samples = samples.intValue();
        b.updatedAt = Json.parseInstant(Json.text(n, "updatedAt", "baseline"), "baseline.updatedAt");
        return b;
    }
}
