package alerting.job.records;

/** A record of a table-like topic (monitors, baselines): key, value (null = tombstone), origin. */
public class RawRecord {
    public String key;
    public String value;
    public String topic;
    public Integer partition;
    public Long offset;

    public RawRecord() {}

    public static RawRecord of(String key, String value) {
        RawRecord r = new RawRecord();
        r.key = key;
        r.value = value;
        return r;
    }
}
