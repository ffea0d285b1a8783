package alerting.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import alerting.contract.Aggregation;
import alerting.contract.Alert;
import alerting.contract.Baseline;
import alerting.contract.Condition;
import alerting.contract.Operator;
import alerting.TestData;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class CoreMathTest {

    @Test
    void medianAndMad() {
        assertThat(RobustStats.median(new double[] {5, 1, 3})).isEqualTo(3);
        assertThat(RobustStats.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
        double[] v = {1, 1, 2, 2, 4, 6, 9};
        double med = RobustStats.median(v);
        assertThat(med).isEqualTo(2);
        // |v - 2| = 1,1,0,0,2,4,7 -> median 1
        assertThat(RobustStats.mad(v, med)).isEqualTo(1);
    }

    @Test
    void medianAndMadResistOutliers() {
        double[] normal = new double[100];
        for (int i = 0; i < normal.length; i++) {
            normal[i] = 100 + (i % 5 - 2) * 2;
        }
        double[] spiked = normal.clone();
        for (int i = 0; i < 8; i++) {
            spiked[i * 12] = 10_000; // 8% wild outliers
        }
        assertThat(RobustStats.median(spiked)).isEqualTo(RobustStats.median(normal));
        assertThat(RobustStats.mad(spiked, RobustStats.median(spiked))).isEqualTo(2);
    }

    @Test
    void aggregationsOverMergedPanes() {
        Accumulator a = Accumulator.of(true, 1, 2, 3);
        Accumulator b = Accumulator.of(true, 10, 4);
        Accumulator m = Accumulator.merge(a, b);
        assertThat(m.result(Aggregation.COUNT)).isEqualTo(5);
        assertThat(m.result(Aggregation.SUM)).isEqualTo(20);
        assertThat(m.result(Aggregation.AVG)).isEqualTo(4);
        assertThat(m.result(Aggregation.MIN)).isEqualTo(1);
        assertThat(m.result(Aggregation.MAX)).isEqualTo(10);
        assertThat(m.result(Aggregation.P95)).isEqualTo(10);
        assertThat(new Accumulator().result(Aggregation.COUNT)).as("empty window has no value").isNull();
        assertThat(Accumulator.merge(null, null)).isNull();
        // merge does not alias its inputs
        m.values[0] = -1;
        assertThat(a.values[0]).isEqualTo(1);
    }

    @Test
    void p95IsNearestRank() {
        double[] v = new double[100];
        for (int i = 0; i < 100; i++) {
            v[i] = 100 - i; // 100..1, unsorted
        }
        assertThat(Accumulator.percentile(v, 0.95)).isEqualTo(95);
        assertThat(Accumulator.percentile(new double[] {7}, 0.95)).isEqualTo(7);
        // 20 values: rank ceil(19) = 19th smallest
        double[] w = new double[20];
        for (int i = 0; i < 20; i++) {
            w[i] = i + 1;
        }
        assertThat(Accumulator.percentile(w, 0.95)).isEqualTo(19);
    }

    @Test
    void thresholdOperators() {
        assertThat(Operator.GT.test(2, 1)).isTrue();
        assertThat(Operator.GT.test(1, 1)).isFalse();
        assertThat(Operator.GE.test(1, 1)).isTrue();
        assertThat(Operator.LT.test(0, 1)).isTrue();
        assertThat(Operator.LE.test(1, 1)).isTrue();
        assertThat(Operator.EQ.test(1, 1)).isTrue();
        assertThat(Operator.NE.test(1, 1)).isFalse();
        Condition c = Condition.threshold(Operator.GE, 300);
        assertThat(Evaluation.of(c, 300.0, null).breach).isTrue();
        assertThat(Evaluation.of(c, 299.9, null).breach).isFalse();
        assertThat(Evaluation.of(c, null, null).breach).as("no data never breaches").isFalse();
        assertThat(Evaluation.of(c, 1.0, null).threshold).isEqualTo(300);
    }

    @Test
    void baselineUsesMedianPlusDeviationsOnceTheBucketIsFull() {
        Condition above = Condition.baseline(Condition.Direction.ABOVE, 3, 20, Operator.GT, 300.0);
        Baseline full = new Baseline("m", Map.of(), 12, 100, 2, 20, 0);
        Evaluation e = Evaluation.of(above, 109.0, full);
        assertThat(e.threshold).isCloseTo(108.8956, within(1e-9));
        assertThat(e.breach).isTrue();
        assertThat(e.fromBaseline).isTrue();
        assertThat(Evaluation.of(above, 108.0, full).breach).isFalse();

        Condition below = Condition.baseline(Condition.Direction.BELOW, 2, 20, null, null);
        Evaluation low = Evaluation.of(below, 94.0, full);
        assertThat(low.threshold).isCloseTo(100 - 2 * 1.4826 * 2, within(1e-9));
        assertThat(low.breach).isTrue();
    }

    @Test
    void baselineFallsBackToTheStaticThresholdUntilMinSamples() {
        Condition c = Condition.baseline(Condition.Direction.ABOVE, 3, 20, Operator.GT, 300.0);
        Baseline thin = new Baseline("m", Map.of(), 12, 100, 2, 19, 0);
        Evaluation e = Evaluation.of(c, 150.0, thin);
        assertThat(e.breach).as("150 would breach the baseline but the bucket is too thin").isFalse();
        assertThat(e.threshold).isEqualTo(300);
        assertThat(e.fromBaseline).isFalse();
        assertThat(Evaluation.of(c, 301.0, null).breach).as("no bucket at all").isTrue();
        Condition noFallback = Condition.baseline(Condition.Direction.ABOVE, 3, 20, null, null);
        Evaluation none = Evaluation.of(noFallback, 1e9, thin);
        assertThat(none.breach).isFalse();
        assertThat(none.threshold).isNull();
    }

    @Test
    void triggersAfterTheForPeriodAndRecoversAfterRecoverAfter() {
        AlertState s = new AlertState();
        List<String> out = new ArrayList<>();
        boolean[] windows = {true, true, false, true, true, true, true, false, true, false, false, true};
        for (boolean breach : windows) {
            out.add(s.onWindow(breach, 3, 2));
        }
        // 3 consecutive breaches needed: the first two are interrupted by a clear window.
        assertThat(out)
                .containsExactly(
                        null, null, null, null, null, Alert.TRIGGERED, null, null, null, null, Alert.RECOVERED, null);
        assertThat(s.triggered).isFalse();
        assertThat(s.isQuiet()).isFalse(); // a new streak has started
    }

    @Test
    void forZeroTriggersOnTheFirstBreach() {
        AlertState s = new AlertState();
        assertThat(s.onWindow(true, 1, 1)).isEqualTo(Alert.TRIGGERED);
        assertThat(s.onWindow(true, 1, 1)).isNull();
        assertThat(s.onWindow(false, 1, 1)).isEqualTo(Alert.RECOVERED);
        assertThat(s.isQuiet()).isTrue();
    }

    @Test
    void windowArithmetic() {
        long t = TestData.T0 + 65_000; // 09:01:05
        assertThat(Windows.paneStart(t, 30_000)).isEqualTo(TestData.T0 + 60_000);
        assertThat(Windows.paneStart(-1, 30_000)).isEqualTo(-30_000);
        // pane [09:01:00, 09:01:30) with slide 30 s: first window ends 09:01:30
        assertThat(Windows.firstWindowEnd(TestData.T0 + 90_000, 30_000)).isEqualTo(TestData.T0 + 90_000);
        // 10 s panes of a 60 s / 20 s window: pane [09:00:20, 09:00:30) is first in the window ending 09:00:40
        assertThat(Windows.firstWindowEnd(TestData.T0 + 30_000, 20_000)).isEqualTo(TestData.T0 + 40_000);
        assertThat(Windows.evaluationTime(1000, 0)).isEqualTo(999);
        assertThat(Windows.isLate(1000, 999, 0)).isFalse();
        assertThat(Windows.isLate(1000, 1000, 0)).isTrue();
        assertThat(Windows.isLate(1000, 1500, 1000)).isFalse();
        assertThat(Windows.isLate(1000, Long.MIN_VALUE, 0)).isFalse();
        assertThat(Windows.isLate(Long.MAX_VALUE - 1, Long.MAX_VALUE - 5, 10)).as("no overflow").isFalse();
    }

    @Test
    void hourOfWeekStartsOnMondayUtc() {
        assertThat(Windows.hourOfWeek(Instant.parse("2025-01-06T00:00:00Z").toEpochMilli())).isEqualTo(0); // Monday
        assertThat(Windows.hourOfWeek(Instant.parse("2025-01-06T12:59:59Z").toEpochMilli())).isEqualTo(12);
        assertThat(Windows.hourOfWeek(Instant.parse("2025-01-12T23:30:00Z").toEpochMilli())).isEqualTo(167); // Sunday
        assertThat(Windows.hourOfWeek(Instant.parse("2025-01-13T00:00:00Z").toEpochMilli())).isEqualTo(0);
        assertThat(Windows.hourOfWeek(0)).isEqualTo(72); // the epoch was a Thursday
        assertThat(Windows.hourOfWeek(-1)).isEqualTo(71);
    }
}
