package alerting.contract;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * JSON codecs for the v1 contracts. Parsing validates and names the offending field in the error
 * (for example {@code monitors[2].window.size: expected an ISO-8601 duration such as "PT30S", got
 * "30s"}); writing produces the exact field names of the contracts.
 */
public final class Json {
    public static final int VERSION = 1;

    static final JsonFactory FACTORY =
            JsonFactory.builder()
                    .enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                    .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
                    .build();
    public static final ObjectMapper MAPPER = new ObjectMapper(FACTORY);

    /** Cap on windows per pane layout, so one monitor cannot make keyed state unbounded. */
    public static final long MAX_PANES_PER_WINDOW = 10_000;

    private Json() {}

    // ---------------------------------------------------------------- telemetry

    public static Telemetry parseTelemetry(String json) {
        return parseTelemetry(json.getBytes(StandardCharsets.UTF_8));
    }

    /** Streaming parse (no tree): this runs once per event on the hot path. */
    public static Telemetry parseTelemetry(byte[] json) {
        Telemetry t = new Telemetry();
        boolean hasTimestamp = false;
        try (JsonParser p = FACTORY.createParser(json)) {
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
                        t.timestamp = parseInstant(requireText(p, v, "timestamp"), "telemetry.timestamp");
                        hasTimestamp = true;
                        break;
                    case "dimensions":
                        t.dimensions = readDimensions(p, v);
                        break;
                    case "metrics":
                        t.metrics = readMetrics(p, v);
                        break;
                    case "version":
                        checkVersion(v == JsonToken.VALUE_NUMBER_INT ? p.getIntValue() : -1, "");
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

    public static String telemetryToJson(Telemetry t) {
        return write(
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
                        writeNumber(g, e.getValue());
                    }
                    g.writeEndObject();
                    g.writeEndObject();
                });
    }

    // ---------------------------------------------------------------- monitors

    public static Monitor parseMonitor(String json) {
        return parseMonitor(readTree(json, "monitor"), "monitor");
    }

    /** Accepts a JSON array of monitors or an object {@code {"monitors": [...]}}. */
    public static List<Monitor> parseMonitorList(String json) {
        JsonNode root = readTree(json, "monitors");
        JsonNode list = root.isObject() && root.has("monitors") ? root.get("monitors") : root;
        if (!list.isArray()) {
            throw new ContractException(
                    "monitors: expected a JSON array of monitors or {\"monitors\": [...]}");
        }
        List<Monitor> out = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String path = "monitors[" + i + "]";
            Monitor m = parseMonitor(list.get(i), path);
            if (!ids.add(m.id)) {
                throw new ContractException(path + ".id: duplicate id \"" + m.id + "\"");
            }
            out.add(m);
        }
        return out;
    }

    public static Monitor parseMonitor(JsonNode n, String path) {
        if (n == null || !n.isObject()) {
            throw new ContractException(path + ": expected a JSON object");
        }
        onlyFields(n, path, MONITOR_FIELDS);
        if (n.has("version")) {
            JsonNode v = n.get("version");
            checkVersion(v.isInt() ? v.intValue() : -1, path + ".");
        }
        Monitor m = new Monitor();
        m.id = text(n, "id", path, true);
        m.source = text(n, "source", path, true);
        m.metric = text(n, "metric", path, true);
        String agg = text(n, "aggregation", path, true);
        m.aggregation = Aggregation.fromWire(agg);
        if (m.aggregation == null) {
            throw new ContractException(
                    path
                            + ".aggregation: expected one of avg, min, max, sum, count, p95, got \""
                            + agg
                            + "\"");
        }
        JsonNode groupBy = n.get("groupBy");
        if (groupBy != null && !groupBy.isNull()) {
            if (!groupBy.isArray()) {
                throw new ContractException(
                        path + ".groupBy: expected an array of dimension names");
            }
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < groupBy.size(); i++) {
                JsonNode g = groupBy.get(i);
                if (!g.isTextual() || g.textValue().isEmpty()) {
                    throw new ContractException(
                            path + ".groupBy[" + i + "]: expected a non-empty string");
                }
                if (!seen.add(g.textValue())) {
                    throw new ContractException(
                            path + ".groupBy[" + i + "]: duplicate \"" + g.textValue() + "\"");
                }
                m.groupBy.add(g.textValue());
            }
        }
        JsonNode window = n.get("window");
        if (window == null || !window.isObject()) {
            throw new ContractException(
                    path + ".window: required, e.g. {\"size\": \"PT30S\", \"slide\": \"PT30S\"}");
        }
        onlyFields(window, path + ".window", WINDOW_FIELDS);
        m.windowSizeMs = positiveDuration(window, "size", path + ".window");
        m.windowSlideMs =
                window.has("slide")
                        ? positiveDuration(window, "slide", path + ".window")
                        : m.windowSizeMs;
        if (m.windowSlideMs > m.windowSizeMs) {
            throw new ContractException(
                    path + ".window.slide: must not exceed window.size (windows would leave gaps)");
        }
        if (m.windowSizeMs / m.paneMs() > MAX_PANES_PER_WINDOW) {
            throw new ContractException(
                    path
                            + ".window: size/gcd(size, slide) must be at most "
                            + MAX_PANES_PER_WINDOW
                            + "; choose a slide that divides the size");
        }
        m.condition = parseCondition(n.get("condition"), path + ".condition");
        m.forMs = n.has("for") ? duration(n.get("for"), path + ".for", true) : 0L;
        m.recoverAfterMs =
                n.has("recoverAfter") && !n.get("recoverAfter").isNull()
                        ? duration(n.get("recoverAfter"), path + ".recoverAfter", true)
                        : 0L;
        m.severity = text(n, "severity", path, true);
        JsonNode enabled = n.get("enabled");
        if (enabled != null && !enabled.isNull()) {
            if (!enabled.isBoolean()) {
                throw new ContractException(path + ".enabled: expected true or false");
            }
            m.enabled = enabled.booleanValue();
        }
        return m;
    }

    private static Condition parseCondition(JsonNode c, String path) {
        if (c == null || !c.isObject()) {
            throw new ContractException(
                    path
                            + ": required, e.g. {\"type\": \"threshold\", \"operator\": \">\","
                            + " \"value\": 300}");
        }
        String type = text(c, "type", path, true);
        switch (type) {
            case "threshold":
                onlyFields(c, path, THRESHOLD_FIELDS);
                return Condition.threshold(
                        operator(c, "operator", path), number(c, "value", path, true));
            case "baseline":
                {
                    onlyFields(c, path, BASELINE_FIELDS);
                    String dir = text(c, "direction", path, true);
                    Condition.Direction direction;
                    if ("above".equals(dir)) {
                        direction = Condition.Direction.ABOVE;
                    } else if ("below".equals(dir)) {
                        direction = Condition.Direction.BELOW;
                    } else {
                        throw new ContractException(
                                path + ".direction: expected above or below, got \"" + dir + "\"");
                    }
                    double deviations = number(c, "deviations", path, true);
                    if (!(deviations > 0)) {
                        throw new ContractException(
                                path + ".deviations: expected a positive number");
                    }
                    int minSamples = 20;
                    if (c.has("minSamples")) {
                        JsonNode ms = c.get("minSamples");
                        if (!ms.canConvertToInt() || !ms.isIntegralNumber() || ms.intValue() < 1) {
                            throw new ContractException(
                                    path + ".minSamples: expected a positive integer, got " + ms);
                        }
                        minSamples = ms.intValue();
                    }
                    Operator fallbackOp = null;
                    Double fallbackValue = null;
                    JsonNode fb = c.get("fallback");
                    if (fb != null && !fb.isNull()) {
                        if (!fb.isObject()) {
                            throw new ContractException(
                                    path
                                            + ".fallback: expected {\"operator\": \">\", \"value\":"
                                            + " 300}");
                        }
                        onlyFields(fb, path + ".fallback", FALLBACK_FIELDS);
                        fallbackOp = operator(fb, "operator", path + ".fallback");
                        fallbackValue = number(fb, "value", path + ".fallback", true);
                    }
                    return Condition.baseline(
                            direction, deviations, minSamples, fallbackOp, fallbackValue);
                }
            default:
                throw new ContractException(
                        path + ".type: expected threshold or baseline, got \"" + type + "\"");
        }
    }

    // Monitor contract v1 fields: a misspelt field ("severty") is refused rather than ignored, so
    // the monitor is dead-lettered instead of running with a default.
    private static final List<String> MONITOR_FIELDS =
            List.of(
                    "version", "id", "source", "metric", "aggregation", "groupBy", "window",
                    "condition", "for", "recoverAfter", "severity", "enabled");
    private static final List<String> WINDOW_FIELDS = List.of("size", "slide");
    private static final List<String> THRESHOLD_FIELDS = List.of("type", "operator", "value");
    private static final List<String> BASELINE_FIELDS =
            List.of("type", "direction", "deviations", "minSamples", "fallback");
    private static final List<String> FALLBACK_FIELDS = List.of("operator", "value");

    private static void onlyFields(JsonNode n, String path, List<String> known) {
        Iterator<String> names = n.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!known.contains(name)) {
                throw new ContractException(
                        path
                                + "."
                                + printableName(name)
                                + ": unknown field (known: "
                                + String.join(", ", known)
                                + ")");
            }
        }
    }

    /** A field name as is when plain ASCII, else quoted with the rest escaped; at most 64 characters. */
    static String printableName(String name) {
        if (name.length() > 64) {
            return printableName(name.substring(0, 64)) + "...";
        }
        if (!name.isEmpty()
                && name.chars()
                        .allMatch(ch -> ch < 128 && (Character.isLetterOrDigit(ch) || ch == '_' || ch == '-'))) {
            return name;
        }
        StringBuilder b = new StringBuilder("\"");
        for (char ch : name.toCharArray()) {
            if (ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '\\') {
                b.append(ch);
            } else {
                b.append(String.format("\\u%04x", (int) ch));
            }
        }
        return b.append('"').toString();
    }

    private static Operator operator(JsonNode n, String field, String path) {
        String s = text(n, field, path, true);
        Operator op = Operator.fromWire(s);
        if (op == null) {
            throw new ContractException(
                    path + "." + field + ": expected one of > >= < <= == !=, got \"" + s + "\"");
        }
        return op;
    }

    private static String text(JsonNode n, String field, String path, boolean required) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw new ContractException(path + "." + field + ": required");
            }
            return null;
        }
        if (!v.isTextual() || v.textValue().isEmpty()) {
            throw new ContractException(
                    path + "." + field + ": expected a non-empty string, got " + v);
        }
        return v.textValue();
    }

    private static double number(JsonNode n, String field, String path, boolean required) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            throw new ContractException(path + "." + field + ": required");
        }
        if (!v.isNumber() || !Double.isFinite(v.doubleValue())) {
            throw new ContractException(path + "." + field + ": expected a number, got " + v);
        }
        return v.doubleValue();
    }

    private static long positiveDuration(JsonNode n, String field, String path) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            throw new ContractException(path + "." + field + ": required");
        }
        long ms = duration(v, path + "." + field, false);
        if (ms <= 0) {
            throw new ContractException(path + "." + field + ": must be positive");
        }
        return ms;
    }

    private static long duration(JsonNode v, String path, boolean zeroAllowed) {
        if (!v.isTextual()) {
            throw new ContractException(
                    path + ": expected an ISO-8601 duration such as \"PT30S\", got " + v);
        }
        long ms = parseDuration(v.textValue(), path);
        if (ms < 0 || (!zeroAllowed && ms == 0)) {
            throw new ContractException(path + ": must be " + (zeroAllowed ? "zero or " : "") + "positive");
        }
        return ms;
    }

    /** ISO-8601 duration ({@code PT30S}, {@code PT5M}, {@code P28D}) to milliseconds. */
    public static long parseDuration(String s, String path) {
        try {
            Duration d = Duration.parse(s);
            if (d.getNano() % 1_000_000 != 0) {
                throw new ContractException(path + ": sub-millisecond durations are not supported");
            }
            return d.toMillis();
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new ContractException(
                    path + ": expected an ISO-8601 duration such as \"PT30S\", got \"" + s + "\"");
        }
    }

    public static String formatDuration(long ms) {
        return Duration.ofMillis(ms).toString();
    }

    public static String monitorToJson(Monitor m) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("id", m.id);
        n.put("source", m.source);
        n.put("metric", m.metric);
        n.put("aggregation", m.aggregation == null ? null : m.aggregation.wire());
        ArrayNode gb = n.putArray("groupBy");
        m.groupBy.forEach(gb::add);
        ObjectNode w = n.putObject("window");
        w.put("size", formatDuration(m.windowSizeMs));
        w.put("slide", formatDuration(m.windowSlideMs));
        if (m.condition != null) {
            ObjectNode c = n.putObject("condition");
            Condition k = m.condition;
            if (k.type == Condition.Type.THRESHOLD) {
                c.put("type", "threshold");
                c.put("operator", k.operator.wire());
                c.put("value", k.value);
            } else {
                c.put("type", "baseline");
                c.put("direction", k.direction == Condition.Direction.ABOVE ? "above" : "below");
                c.put("deviations", k.deviations);
                c.put("minSamples", k.minSamples);
                if (k.fallbackOperator != null) {
                    ObjectNode fb = c.putObject("fallback");
                    fb.put("operator", k.fallbackOperator.wire());
                    fb.put("value", k.fallbackValue);
                }
            }
        }
        n.put("for", formatDuration(m.forMs));
        if (m.recoverAfterMs > 0) {
            n.put("recoverAfter", formatDuration(m.recoverAfterMs));
        }
        n.put("severity", m.severity);
        n.put("enabled", m.enabled);
        try {
            return MAPPER.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------- alerts

    public static String alertToJson(Alert a) {
        return write(
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
                    writeNumber(g, a.value);
                    g.writeFieldName("threshold");
                    writeNumber(g, a.threshold);
                    g.writeStringField("windowStart", Instant.ofEpochMilli(a.windowStart).toString());
                    g.writeStringField("windowEnd", Instant.ofEpochMilli(a.windowEnd).toString());
                    g.writeStringField("severity", a.severity);
                    g.writeEndObject();
                });
    }

    public static Alert parseAlert(String json) {
        JsonNode n = readTree(json, "alert");
        Alert a = new Alert();
        a.alertId = text(n, "alertId", "alert", true);
        a.monitorId = text(n, "monitorId", "alert", true);
        a.group = readGroup(n.get("group"), "alert.group");
        a.status = text(n, "status", "alert", true);
        a.value = n.hasNonNull("value") ? n.get("value").doubleValue() : null;
        a.threshold = n.hasNonNull("threshold") ? n.get("threshold").doubleValue() : null;
        a.windowStart = parseInstant(text(n, "windowStart", "alert", true), "alert.windowStart");
        a.windowEnd = parseInstant(text(n, "windowEnd", "alert", true), "alert.windowEnd");
        a.severity = text(n, "severity", "alert", true);
        return a;
    }

    // ---------------------------------------------------------------- baselines

    public static String baselineToJson(Baseline b) {
        return write(
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
                    writeNumber(g, b.median);
                    g.writeFieldName("mad");
                    writeNumber(g, b.mad);
                    g.writeNumberField("samples", b.samples);
                    g.writeStringField("updatedAt", Instant.ofEpochMilli(b.updatedAt).toString());
                    g.writeEndObject();
                });
    }

    public static Baseline parseBaseline(String json) {
        JsonNode n = readTree(json, "baseline");
        Baseline b = new Baseline();
        b.monitorId = text(n, "monitorId", "baseline", true);
        b.group = readGroup(n.get("group"), "baseline.group");
        JsonNode how = n.get("hourOfWeek");
        if (how == null || !how.isInt() || how.intValue() < 0 || how.intValue() > 167) {
            throw new ContractException("baseline.hourOfWeek: expected an integer 0..167");
        }
        b.hourOfWeek = how.intValue();
        b.median = number(n, "median", "baseline", true);
        b.mad = number(n, "mad", "baseline", true);
        JsonNode samples = n.get("samples");
        if (samples == null || !samples.isInt() || samples.intValue() < 0) {
            throw new ContractException("baseline.samples: expected a non-negative integer");
        }
        b.samples = samples.intValue();
        b.updatedAt = parseInstant(text(n, "updatedAt", "baseline", true), "baseline.updatedAt");
        return b;
    }

    // ---------------------------------------------------------------- side outputs

    public static String deadLetterToJson(DeadLetter d) {
        return write(
                g -> {
                    g.writeStartObject();
                    g.writeStringField("input", d.input);
                    g.writeStringField("error", d.error);
                    g.writeStringField("payload", d.payload);
                    if (d.topic != null) {
                        g.writeStringField("topic", d.topic);
                        g.writeNumberField("partition", d.partition);
                        g.writeNumberField("offset", d.offset);
                    }
                    g.writeStringField("receivedAt", Instant.ofEpochMilli(d.receivedAt).toString());
                    g.writeEndObject();
                });
    }

    public static String lateEventToJson(LateEvent e) {
        return write(
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
                    g.writeStringField("allowedLateness", formatDuration(e.allowedLatenessMs));
                    if (e.telemetry != null) {
                        g.writeFieldName("telemetry");
                        g.writeRawValue(telemetryToJson(e.telemetry));
                    }
                    g.writeEndObject();
                });
    }

    // ---------------------------------------------------------------- helpers

    static String canonicalGroup(Map<String, String> sortedGroup) {
        return write(
                g -> {
                    g.writeStartObject();
                    for (Map.Entry<String, String> e : sortedGroup.entrySet()) {
                        g.writeStringField(e.getKey(), e.getValue());
                    }
                    g.writeEndObject();
                });
    }

    private static Map<String, String> readGroup(JsonNode g, String path) {
        if (g == null || !g.isObject()) {
            throw new ContractException(path + ": expected an object of dimension values");
        }
        Map<String, String> out = new TreeMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = g.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw new ContractException(path + "." + e.getKey() + ": expected a string");
            }
            out.put(e.getKey(), e.getValue().textValue());
        }
        return out;
    }

    public static long parseInstant(String s, String path) {
        long fast = parseUtcFast(s);
        if (fast != Long.MIN_VALUE) {
            return fast;
        }
        try {
            return Instant.parse(s).toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new ContractException(
                    path
                            + ": expected an ISO-8601 UTC timestamp such as"
                            + " \"2025-01-06T09:00:00Z\", got \""
                            + s
                            + "\"");
        }
    }

    /**
     * {@code yyyy-MM-ddTHH:mm:ss[.f…]Z}, the shape producers send, without the general ISO parser
     * (this runs once per event). Anything else returns Long.MIN_VALUE and takes the slow path.
     */
    static long parseUtcFast(String s) {
        int n = s.length();
        if (n < 20 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T'
                || s.charAt(13) != ':' || s.charAt(16) != ':' || s.charAt(n - 1) != 'Z') {
            return Long.MIN_VALUE;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 7);
        int day = digits(s, 8, 10);
        int hour = digits(s, 11, 13);
        int minute = digits(s, 14, 16);
        int second = digits(s, 17, 19);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23
                || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return Long.MIN_VALUE;
        }
        int millis = 0;
        if (n > 20) {
            if (s.charAt(19) != '.' || n - 21 > 9 || n == 21) {
                return Long.MIN_VALUE;
            }
            int scale = 100;
            for (int i = 20; i < n - 1; i++) {
                char c = s.charAt(i);
                if (c < '0' || c > '9') {
                    return Long.MIN_VALUE;
                }
                millis += (c - '0') * scale;
                scale /= 10;
            }
        } else if (n != 20) {
            return Long.MIN_VALUE;
        }
        if (day > java.time.YearMonth.of(year, month).lengthOfMonth()) {
            return Long.MIN_VALUE;
        }
        long epochDay = java.time.LocalDate.of(year, month, day).toEpochDay();
        return ((epochDay * 24 + hour) * 60 + minute) * 60_000L + second * 1000L + millis;
    }

    private static int digits(String s, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static void checkVersion(int version, String prefix) {
        if (version != VERSION) {
            throw new ContractException(
                    prefix + "version: only version " + VERSION + " is understood");
        }
    }

    private static JsonNode readTree(String json, String what) {
        try {
            JsonNode n = MAPPER.readTree(json);
            if (n == null || n.isMissingNode()) {
                throw new ContractException(what + ": empty document");
            }
            return n;
        } catch (JsonProcessingException e) {
            throw new ContractException(what + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Numbers are written with at most 12 significant digits: float noise such as {@code
     * 108.89559999999999} would otherwise leak into alerts and make them hard to compare.
     */
    static void writeNumber(JsonGenerator g, Double d) throws IOException {
        if (d == null || !Double.isFinite(d)) {
            g.writeNull();
        } else {
            g.writeNumber(round(d));
        }
    }

    public static BigDecimal round(double d) {
        BigDecimal b = new BigDecimal(d).round(new MathContext(12)).stripTrailingZeros();
        return b.scale() < 0 ? b.setScale(0) : b;
    }

    interface Writer {
        void write(JsonGenerator g) throws IOException;
    }

    private static String write(Writer w) {
        StringWriter sw = new StringWriter(256);
        try (JsonGenerator g = FACTORY.createGenerator(sw)) {
            w.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sw.toString();
    }
}
