package alerting.core;

/**
 * Event-time arithmetic shared by both jobs. Windows are {@code [end - size, end)} with {@code
 * end} a multiple of the slide since the epoch (the alignment of Flink's sliding windows with
 * offset 0); panes of {@code gcd(size, slide)} tile every window exactly.
 */
public final class Windows {
    public static final long HOUR_MS = 3_600_000L;

    private Windows() {}

    public static long paneStart(long timestamp, long paneMs) {
        return Math.floorDiv(timestamp, paneMs) * paneMs;
    }

    /** End of the first window that contains the pane ending at {@code paneEnd}. */
    public static long firstWindowEnd(long paneEnd, long slideMs) {
        return Math.floorDiv(paneEnd + slideMs - 1, slideMs) * slideMs;
    }

    /** Watermark at which the window ending at {@code windowEnd} is final and evaluated. */
    public static long evaluationTime(long windowEnd, long allowedLatenessMs) {
        return windowEnd - 1 + allowedLatenessMs;
    }

    /** An event is late when the watermark has passed its time plus the allowed lateness. */
    public static boolean isLate(long timestamp, long watermark, long allowedLatenessMs) {
        return watermark != Long.MIN_VALUE && saturatedAdd(timestamp, allowedLatenessMs) <= watermark;
    }

    /** 0 = Monday 00:00-01:00 UTC ... 167 = Sunday 23:00-24:00 UTC (the epoch was a Thursday). */
    public static int hourOfWeek(long timestamp) {
        return (int) Math.floorMod(Math.floorDiv(timestamp, HOUR_MS) + 72, 168);
    }

    static long saturatedAdd(long a, long b) {
        long r = a + b;
        if (((a ^ r) & (b ^ r)) < 0) {
            return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return r;
    }
}
