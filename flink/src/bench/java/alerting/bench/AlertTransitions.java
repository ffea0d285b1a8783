package alerting.bench;

import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.annotation.FunctionHint;
import org.apache.flink.table.functions.AggregateFunction;
import org.apache.flink.types.Row;

import java.time.Instant;

/**
 * The {@code for}/{@code recoverAfter} logic as an aggregate over an unbounded OVER window of one
 * monitor and group, ordered by window time:
 *
 * <pre>
 * ALERT_TRANSITIONS(window_time, breach, slide_ms, windows_to_trigger, windows_to_recover)
 *     OVER (PARTITION BY monitor_id, grp ORDER BY window_time)
 * </pre>
 *
 * returns, for each window row, {@code status} (TRIGGERED, RECOVERED or null) and {@code
 * gap_recovered_end}: windows without events produce no row in SQL, yet they are clear windows,
 * so when a gap before this row completed the recovery its window end is reported here (the alert
 * then has no value). In a live stream that recovery is only seen when the group reports again.
 */
@FunctionHint(output = @DataTypeHint("ROW<status STRING, gap_recovered_end BIGINT>"))
public final class AlertTransitions extends AggregateFunction<Row, AlertTransitions.State> {
    private static final long serialVersionUID = 1L;

    /** State machine of one monitor and group, plus the result for the row just accumulated. */
    public static final class State {
        public long lastEnd = Long.MIN_VALUE;
        public int breachStreak;
        public int clearStreak;
        public boolean triggered;
        public String status;
        public Long gapRecoveredEnd;
    }

    @Override
    public State createAccumulator() {
        return new State();
    }

    public void accumulate(
            State s, Instant windowTime, Boolean breach, Long slideMs, Integer windowsToTrigger, Integer windowsToRecover) {
        long end = windowTime.toEpochMilli() + 1; // window_time is the window's last millisecond
        s.status = null;
        s.gapRecoveredEnd = null;
        if (s.lastEnd != Long.MIN_VALUE && end - s.lastEnd > slideMs) {
            long empty = (end - s.lastEnd) / slideMs - 1;
            if (s.triggered && s.clearStreak + empty >= windowsToRecover) {
                s.gapRecoveredEnd = s.lastEnd + (windowsToRecover - s.clearStreak) * slideMs;
                s.triggered = false;
            }
            s.clearStreak = (int) Math.min(Integer.MAX_VALUE, s.clearStreak + empty);
            s.breachStreak = 0;
        }
        s.lastEnd = end;
        if (Boolean.TRUE.equals(breach)) {
            s.breachStreak = s.breachStreak == Integer.MAX_VALUE ? s.breachStreak : s.breachStreak + 1;
            s.clearStreak = 0;
        } else {
            s.clearStreak = s.clearStreak == Integer.MAX_VALUE ? s.clearStreak : s.clearStreak + 1;
            s.breachStreak = 0;
        }
        if (!s.triggered && s.breachStreak >= windowsToTrigger) {
            s.triggered = true;
            s.status = "TRIGGERED";
        } else if (s.triggered && s.clearStreak >= windowsToRecover) {
            s.triggered = false;
            s.status = "RECOVERED";
        }
    }

    @Override
    public Row getValue(State s) {
        return Row.of(s.status, s.gapRecoveredEnd);
    }
}
