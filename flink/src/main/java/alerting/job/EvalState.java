package alerting.job;

import alerting.contract.Monitor;
import alerting.core.AlertState;

import java.util.Map;
import java.util.TreeMap;

/** Keyed state of one (monitor, group) in the evaluator. */
public class EvalState {
    /** Latest definition seen with a partial; used until the broadcast copy arrives. */
    public Monitor spec;
    public Map<String, String> group = new TreeMap<>();
    /** Pane layout the stored panes were built with. */
    public int windowingHash;
    /** End of the next window to evaluate; an event-time timer is set for it. */
    public long nextWindowEnd;
    /** End of the last evaluated window: panes of decided windows are late, whatever the watermark. */
    public long lastEvaluatedEnd = Long.MIN_VALUE;
    public AlertState alert = new AlertState();

    public EvalState() {}
}
