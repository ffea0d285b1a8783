package alerting.contract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * JSON codec of the monitor contract v1. Errors name the offending field, for example {@code
 * monitors[2].window.size: expected an ISO-8601 duration such as "PT30S", got "30s"}.
 */
public final class MonitorCodec {
    /** Cap on windows per pane layout, so one monitor cannot make keyed state unbounded. */
    public static final long MAX_PANES_PER_WINDOW = 10_000;

    private MonitorCodec() {}


    public static Monitor parse(String json) {
        return parse(Json.readTree(json, "monitor"), "monitor");
    }

    /** Accepts a JSON array of monitors or an object {@code {"monitors": [...]}}. */
    public static List<Monitor> parseList(String json) {
        JsonNode root = Json.readTree(json, "monitors");
        JsonNode list = root.isObject() && root.has("monitors") ? root.get("monitors") : root;
        if (!list.isArray()) {
            throw new ContractException(
                    "monitors: expected a JSON array of monitors or {\"monitors\": [...]}");
        }
        List<Monitor> out = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String path = "monitors[" + i + "]";
            Monitor m = parse(list.get(i), path);
            if (!ids.add(m.id)) {
                throw new ContractException(path + ".id: duplicate id \"" + m.id + "\"");
            }
            out.add(m);
        }
        return out;
    }

    public static Monitor parse(JsonNode n, String path) {
        if (n == null || !n.isObject()) {
            throw new ContractException(path + ": expected a JSON object");
        }
        onlyFields(n, path, MONITOR_FIELDS);
        if (n.has("version")) {
            JsonNode v = n.get("version");
            Json.checkVersion(v.isInt() ? v.intValue() : -1, path + ".");
        }
        Monitor m = new Monitor();
        m.id = Json.text(n, "id", path);
        m.source = Json.text(n, "source", path);
        m.metric = Json.text(n, "metric", path);
        String agg = Json.text(n, "aggregation", path);
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
        m.severity = Json.text(n, "severity", path);
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
        String type = Json.text(c, "type", path);
        switch (type) {
            case "threshold":
                onlyFields(c, path, THRESHOLD_FIELDS);
                return Condition.threshold(
                        operator(c, "operator", path), Json.number(c, "value", path));
            case "baseline":
                {
                    onlyFields(c, path, BASELINE_FIELDS);
                    String dir = Json.text(c, "direction", path);
                    Condition.Direction direction;
                    if ("above".equals(dir)) {
                        direction = Condition.Direction.ABOVE;
                    } else if ("below".equals(dir)) {
                        direction = Condition.Direction.BELOW;
                    } else {
                        throw new ContractException(
                                path + ".direction: expected above or below, got \"" + dir + "\"");
                    }
                    double deviations = Json.number(c, "deviations", path);
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
                        fallbackValue = Json.number(fb, "value", path + ".fallback");
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
        String s = Json.text(n, field, path);
        Operator op = Operator.fromWire(s);
        if (op == null) {
            throw new ContractException(
                    path + "." + field + ": expected one of > >= < <= == !=, got \"" + s + "\"");
        }
        return op;
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
        long ms = Json.parseDuration(v.textValue(), path);
        if (ms < 0 || (!zeroAllowed && ms == 0)) {
            throw new ContractException(path + ": must be " + (zeroAllowed ? "zero or " : "") + "positive");
        }
        return ms;
    }

    public static String toJson(Monitor m) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("id", m.id);
        n.put("source", m.source);
        n.put("metric", m.metric);
        n.put("aggregation", m.aggregation == null ? null : m.aggregation.wire());
        ArrayNode gb = n.putArray("groupBy");
        m.groupBy.forEach(gb::add);
        ObjectNode w = n.putObject("window");
        w.put("size", Json.formatDuration(m.windowSizeMs));
        w.put("slide", Json.formatDuration(m.windowSlideMs));
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
        n.put("for", Json.formatDuration(m.forMs));
        if (m.recoverAfterMs > 0) {
            n.put("recoverAfter", Json.formatDuration(m.recoverAfterMs));
        }
        n.put("severity", m.severity);
        n.put("enabled", m.enabled);
        try {
            return Json.MAPPER.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
