package alerting.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import alerting.contract.Baseline;
import alerting.contract.Monitor;
import alerting.core.Accumulator;
import alerting.core.AlertState;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A snapshot names the class of every value in the jobs' state, and a restore fails on a name it
 * cannot load: the deployed application restores its latest snapshot on every update. Moving or
 * renaming one of these classes needs a release that starts without restoring state.
 */
class StateClassNamesTest {
    @Test
    void stateClassesKeepTheNamesSnapshotsHold() {
        assertEquals(
                List.of(
                        "alerting.job.EvalState",
                        "alerting.job.Partial",
                        "alerting.job.BaselineBuilder$Ticker",
                        "alerting.job.BaselineBuilder$SampleHistory",
                        "alerting.core.Accumulator",
                        "alerting.core.AlertState",
                        "alerting.contract.Baseline",
                        "alerting.contract.Monitor"),
                List.of(
                        EvalState.class.getName(),
                        Partial.class.getName(),
                        BaselineBuilder.Ticker.class.getName(),
                        BaselineBuilder.SampleHistory.class.getName(),
                        Accumulator.class.getName(),
                        AlertState.class.getName(),
                        Baseline.class.getName(),
                        Monitor.class.getName()));
    }
}
