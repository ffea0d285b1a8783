package alerting.job;

import static alerting.TestData.S30;
import static alerting.TestData.T0;
import static alerting.TestData.latencyMonitor;
import static alerting.TestData.partial;
import static alerting.TestData.values;
import static org.assertj.core.api.Assertions.assertThat;

import alerting.contract.Baseline;
import alerting.contract.Condition;
import alerting.contract.Monitor;
import alerting.core.Windows;
import alerting.job.Partial;

import java.util.List;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The keyed baseline function through Flink's KeyedOneInputStreamOperatorTestHarness. */
class BaselineBuilderTest {
    private static final long WEEK = 7L * 24 * 3600 * 1000;
    private final Monitor m = baselineMonitor();

    private static Monitor baselineMonitor() {
        Monitor m = latencyMonitor("seasonal", 0, 0);
        m.condition = Condition.baseline(Condition.Direction.ABOVE, 3, 20, null, null);
        return m;
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, Partial, Baseline> harness(long historyMs, int max)
            throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new BaselineBuilder(historyMs, max, 0)), Partial::key, Types.STRING);
    }

    private void window(KeyedOneInputStreamOperatorTestHarness<String, Partial, Baseline> h, long offset, int k, double... values)
            throws Exception {
        Partial p = partial(m, "pool-a", T0 + offset + k * S30, values);
        h.processElement(p, p.paneEnd - 1);
        h.processWatermark(Windows.evaluationTime(p.paneEnd, 0));
    }

    @Test
    void publishesMedianAndMadOfTheHourOfWeekBucketAfterEachWindow() throws Exception {
        var h = harness(4 * WEEK, 1000);
        h.open();
        double[] v = {96, 98, 100, 102, 104, 100, 500};
        for (int k = 0; k < v.length; k++) {
            window(h, 0, k, v[k] - 1, v[k] + 1); // avg = v[k]
        }
        List<Baseline> out = values(h.getOutput());
        assertThat(out).hasSize(v.length);
        Baseline last = out.get(out.size() - 1);
        assertThat(last.hourOfWeek).isEqualTo(9);
        assertThat(last.samples).isEqualTo(7);
        assertThat(last.median).as("the 500 outlier does not move the median").isEqualTo(100);
        assertThat(last.mad).isEqualTo(2); // |v-100| = 4,2,0,2,4,0,400
        assertThat(last.updatedAt).isEqualTo(T0 + 7 * S30);
        assertThat(last.group).containsEntry("desktopPool", "pool-a");
    }

    @Test
    void emptyWindowsAddNoSampleAndTheTimerStopsWhenIdle() throws Exception {
        var h = harness(4 * WEEK, 1000);
        h.open();
        window(h, 0, 0, 100);
        h.processWatermark(T0 + 100 * S30);
        assertThat(values(h.getOutput())).hasSize(1);
        assertThat(h.numEventTimeTimers()).isZero();
        window(h, 0, 101, 110);
        List<Baseline> out = values(h.getOutput());
        assertThat(out).hasSize(2);
        assertThat(out.get(1).samples).isEqualTo(2);
    }

    @Test
    void samplesOlderThanTheHistoryLeaveTheBucket() throws Exception {
        var h = harness(WEEK, 1000);
        h.open();
        window(h, 0, 0, 100);
        window(h, 0, 1, 100);
        window(h, WEEK, 0, 300); // same hour of week, one week later: the first sample expires
        Baseline last = values(h.getOutput()).stream().map(Baseline.class::cast).reduce((a, b) -> b).orElseThrow();
        assertThat(last.hourOfWeek).isEqualTo(9);
        assertThat(last.samples).isEqualTo(2);
        assertThat(last.median).isEqualTo(200);
    }

    @Test
    void keepsAtMostMaxSamplesPerBucket() throws Exception {
        var h = harness(4 * WEEK, 3);
        h.open();
        for (int k = 0; k < 6; k++) {
            window(h, 0, k, k);
        }
        Baseline last = (Baseline) values(h.getOutput()).get(5);
        assertThat(last.samples).isEqualTo(3);
        assertThat(last.median).isEqualTo(4); // newest three: 3, 4, 5
    }

    @Test
    void bucketsSurviveSnapshotAndRestore() throws Exception {
        var h = harness(4 * WEEK, 1000);
        h.open();
        window(h, 0, 0, 90);
        window(h, 0, 1, 100);
        OperatorSubtaskState snapshot = h.snapshot(1, 1);
        h.close();
        var restored = harness(4 * WEEK, 1000);
        restored.initializeState(snapshot);
        restored.open();
        window(restored, 0, 2, 110);
        Baseline b = (Baseline) values(restored.getOutput()).get(0);
        assertThat(b.samples).isEqualTo(3);
        assertThat(b.median).isEqualTo(100);
        assertThat(b.mad).isEqualTo(10);
    }
}
