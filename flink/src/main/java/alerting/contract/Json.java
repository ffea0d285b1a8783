package alerting.contract;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * JSON plumbing the contract codecs share: one parser factory, field readers that name the
 * offending field in the error, timestamps, durations, and numbers written without float noise.
 */
public final class Json {
    public static final int VERSION = 1;

    static final JsonFactory FACTORY =
            JsonFactory.builder()
                    .enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                    .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
                    .build();
    public static final ObjectMapper MAPPER = new ObjectMapper(FACTORY);

    private Json() {}

    static String text(JsonNode n, String field, String path) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            throw new ContractException(path + "." + field + ": required");
        }
        if (!v.isTextual() || v.textValue().isEmpty()) {
            throw new ContractException(
                    path + "." + field + ": expected a non-empty string, got " + v);
        }
        return v.textValue();
    }

    static double number(JsonNode n, String field, String path) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            throw new ContractException(path + "." + field + ": required");
        }
        if (!v.isNumber() || !Double.isFinite(v.doubleValue())) {
            throw new ContractException(path + "." + field + ": expected a number, got " + v);
        }
        return v.doubleValue();
    }

    static Map<String, String> readGroup(JsonNode g, String path) {
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

    static void checkVersion(int version, String prefix) {
        if (version != VERSION) {
            throw new ContractException(
                    prefix + "version: only version " + VERSION + " is understood");
        }
    }

    static JsonNode readTree(String json, String what) {
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

    static String write(Writer w) {
        StringWriter sw = new StringWriter(256);
        try (JsonGenerator g = FACTORY.createGenerator(sw)) {
            w.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sw.toString();
    }
}
