package alerting.contract;

import java.util.Objects;

/** A record that could not be parsed, with the reason; published to the dead-letter topic. */
public class DeadLetter {
    /** Payloads are cut to this many characters so one huge record cannot stall the sink. */
    public static final int MAX_PAYLOAD_CHARS = 64 * 1024;

    /** {@code telemetry}, {@code monitors} or {@code baselines}. */
    public String input;
    public String error;
    public String payload;
    public String topic;
    public Integer partition;
    public Long offset;
    /** Processing time the record was rejected (epoch ms). */
    public long receivedAt;

    public DeadLetter() {}

    public static DeadLetter of(String input, String error, String payload) {
        DeadLetter d = new DeadLetter();
        d.input = input;
        d.error = error;
        d.payload =
                payload != null && payload.length() > MAX_PAYLOAD_CHARS
                        ? payload.substring(0, MAX_PAYLOAD_CHARS)
                        : payload;
        d.receivedAt = System.currentTimeMillis();
        return d;
    }

    public DeadLetter at(String topic, int partition, long offset) {
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        return this;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof DeadLetter)) {
            return false;
        }
        DeadLetter d = (DeadLetter) o;
        return Objects.equals(input, d.input)
                && Objects.equals(error, d.error)
                && Objects.equals(payload, d.payload)
                && Objects.equals(topic, d.topic)
                && Objects.equals(partition, d.partition)
                && Objects.equals(offset, d.offset);
    }

    @Override
    public int hashCode() {
        return Objects.hash(input, error, payload);
    }

    @Override
    public String toString() {
        return DeadLetterCodec.toJson(this);
    }
}
