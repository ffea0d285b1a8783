package alerting.contract;

import java.time.Instant;

/** JSON form of the dead-letter output. */
public final class DeadLetterCodec {
    private DeadLetterCodec() {}

    public static String toJson(DeadLetter d) {
        return Json.write(
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
}
