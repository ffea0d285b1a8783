package alerting.core;

import alerting.contract.Alert;

/**
 * The {@code for}/{@code recoverAfter} state machine of one monitor and group, fed one window at
 * a time in window order. Only transitions produce output.
 */
public class AlertState {
    public boolean triggered;
    /** Consecutive breaching windows up to the last evaluated one. */
    public int breachStreak;
    /** Consecutive clear windows up to the last evaluated one. */
    public int clearStreak;

    public AlertState() {}

    /**
     * @param windowsToTrigger breaching windows that make up the {@code for} period
     * @param windowsToRecover clear windows that make up {@code recoverAfter}
     * @return {@link Alert#TRIGGERED}, {@link Alert#RECOVERED} or null when nothing changed
     */
    public String onWindow(boolean breach, int windowsToTrigger, int windowsToRecover) {
        if (breach) {
            breachStreak = saturatedIncrement(breachStreak);
            clearStreak = 0;
        } else {
            clearStreak = saturatedIncrement(clearStreak);
            breachStreak = 0;
        }
        if (!triggered && breachStreak >= windowsToTrigger) {
            triggered = true;
            return Alert.TRIGGERED;
        }
        if (triggered && clearStreak >= windowsToRecover) {
            triggered = false;
            return Alert.RECOVERED;
        }
        return null;
    }

    /** True when nothing is pending: the state can be dropped without changing any output. */
    public boolean isQuiet() {
        return !triggered && breachStreak == 0;
    }

    private static int saturatedIncrement(int i) {
        return i == Integer.MAX_VALUE ? i : i + 1;
    }
}
