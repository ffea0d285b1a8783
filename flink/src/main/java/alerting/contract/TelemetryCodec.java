package alerting.contract;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/** JSON codec of the telemetry contract v1 (one JSON object per record). */
public final class TelemetryCodec {
    private TelemetryCodec() {}

    public static Telemetry parse(String json) {
        return parse(json.getBytes(StandardCharsets.UTF_8));
    }

    /** Streaming parse (no tree): this runs once per event on the hot path. */
    public static Telemetry parse(byte[] json) {
        Telemetry t = new Telemetry();
        boolean hasTimestamp = false;
        try (JsonParser p = Json.FACTORY.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new ContractException("telemetry: expected a JSON object");
            }
            JsonToken tok;
            while ((tok = p.nextToken()) == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                switch (field) {
                    case "source":
                        t.source = requireText(p, v, "source");
                        break;
                    case "entity":
                        t.entity = requireText(p, v, "entity");
                        break;
                    case "timestamp":
                        t.timestamp = Json.parseInstant(requireText(p, v, "timestamp"), "telemetry.timestamp");
                        hasTimestamp = true;
                        break;
                    case "dimensions":
                        t.dimensions = readDimensions(p, v);
                        break;
                    case "metrics":
                        t.metrics = readMetrics(p, v);
                        break;
                    case "version":
                        Json.checkVersion(v == JsonToken.VALUE_NUMBER_INT ? p.getIntValue() : -1, "");
                        break;
                    default:
                        p.skipChildren();
                }
            }
            if (tok != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new ContractException("telemetry: expected exactly one JSON object");
            }
        } catch (JsonProcessingException e) {
            throw new ContractException("telemetry: not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (t.source == null) {
            throw new ContractException("telemetry.source: required");
        }
        if (t.entity == null) {
            throw new ContractException("telemetry.entity: required");
        }
        if (!hasTimestamp) {
            throw new ContractException("telemetry.timestamp: required");
        }
        if (t.metrics == null) {
            throw new ContractException("telemetry.metrics: required");
        }
        return t;
    }

    private static String requireText(JsonParser p, JsonToken v, String field) throws IOException {
        if (v != JsonToken.VALUE_STRING || p.getText().isEmpty()) {
            throw new ContractException(
                    "telemetry." + field + ": expected a non-empty string, got " + describe(p, v));
        }
        return p.getText();
    }

    private static Map<String, String> readDimensions(JsonParser p, JsonToken v)
            throws IOException {
        if (v != JsonToken.START_OBJECT) {
            throw new ContractException(
                    "telemetry.dimensions: expected an object, got " + describe(p, v));
        }
        Map<String, String> dims = new HashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken dv = p.nextToken();
            if (dv != JsonToken.VALUE_STRING) {
                throw new ContractException(
                        "telemetry.dimensions."
                                + name
                                + ": expected a string, got "
                                + describe(p, dv));
            }
            dims.put(name, p.getText());
        }
        return dims;
    }

    private static Map<String, Double> readMetrics(JsonParser p, JsonToken v) throws IOException {
        if (v != JsonToken.START_OBJECT) {
            throw new ContractException(
                    "telemetry.metrics: expected an object, got " + describe(p, v));
        }
        Map<String, Double> metrics = new HashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken mv = p.nextToken();
            if (mv == JsonToken.VALUE_NUMBER_INT || mv == JsonToken.VALUE_NUMBER_FLOAT) {
                double d = p.getDoubleValue();
                if (Double.isFinite(d)) {
                    metrics.put(name, d);
                }
            } else if (mv != JsonToken.VALUE_NULL) {
                // null means "not measured"; anything else is a producer bug worth a dead letter.
                throw new ContractException(
                        "telemetry.metrics." + name + ": expected a number, got " + describe(p, mv));
            }
        }
        return metrics;
    }

    private static String describe(JsonParser p, JsonToken v) throws IOException {
        if (v == null) {
            return "nothing";
        }
        switch (v) {
            case VALUE_STRING:
                return "\"" + p.getText() + "\"";
            case START_OBJECT:
                return "an object";
            case START_ARRAY:
                return "an array";
            default:
                return p.getText();
        }
    }

    public static String toJson(Telemetry t) {
        return Json.write(
                g -> {
                    g.writeStartObject();
                    g.writeStringField("source", t.source);
                    g.writeStringField("timestamp", Instant.ofEpochMilli(t.timestamp).toString());
                    g.writeStringField("entity", t.entity);
                    g.writeObjectFieldStart("dimensions");
                    for (Map.Entry<String, String> e : new TreeMap<>(t.dimensions).entrySet()) {
                        g.writeStringField(e.getKey(), e.getValue());
                    }
                    g.writeEndObject();
                    g.writeObjectFieldStart("metrics");
                    for (Map.Entry<String, Double> e : new TreeMap<>(t.metrics).entrySet()) {
                        g.writeFieldName(e.getKey());
                        Json.writeNumber(g, e.getValue());
                    }
                    g.writeEndObject();
                    g.writeEndObject();
                });
    }
}
