package alerting.job.records;

import alerting.job.Partial;
import alerting.contract.Baseline;

/**
 * Keyed input of the evaluator: pane partials and baseline updates share the (monitor, group) key,
 * so they meet in the same keyed state without a third operator input.
 */
public class EvalInput {
    public Partial partial;
    public Baseline baseline;

    public EvalInput() {}

    public static EvalInput of(Partial p) {
        EvalInput e = new EvalInput();
        e.partial = p;
        return e;
    }

    public static EvalInput of(Baseline b) {
        EvalInput e = new EvalInput();
        e.baseline = b;
        return e;
    }

    public String key() {
        return partial != null ? partial.key() : baseline.evaluatorKey();
    }
}
