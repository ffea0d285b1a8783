package alerting.job.operators;

import alerting.contract.GroupKeys;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Maps an event's dimensions to a monitor's group. Canonical strings are cached per distinct
 * combination because building JSON for every event and monitor would dominate the hot path.
 */
final class GroupResolver {
    /** Beyond this many cached groups per groupBy the cache restarts (bounded memory). */
    private static final int MAX_CACHED = 100_000;

    static final class GroupInfo {
        final String key;
        final Map<String, String> group;

        GroupInfo(String key, Map<String, String> group) {
            this.key = key;
            this.group = group;
        }
    }

    private static final GroupInfo NO_GROUP = new GroupInfo("{}", Collections.emptyMap());

    private final Map<List<String>, Map<String, GroupInfo>> cache = new HashMap<>();
    private final StringBuilder sb = new StringBuilder(64);

    /** The group, or null when the event lacks one of the groupBy dimensions. */
    GroupInfo resolve(List<String> groupBy, Map<String, String> dimensions) {
        if (groupBy.isEmpty()) {
            return NO_GROUP;
        }
        if (groupBy.size() == 1) {
            // The common case: the dimension value itself is the cache key, no string building.
            String v = dimensions.get(groupBy.get(0));
            if (v == null) {
                return null;
            }
            Map<String, GroupInfo> byValue = cache.computeIfAbsent(groupBy, k -> new HashMap<>());
            GroupInfo g = byValue.get(v);
            return g != null ? g : cacheNew(byValue, v, groupBy, dimensions);
        }
        sb.setLength(0);
        for (String d : groupBy) {
            String v = dimensions.get(d);
            if (v == null) {
                return null;
            }
            sb.append(v).append('\u0000');
        }
        Map<String, GroupInfo> byValues = cache.computeIfAbsent(groupBy, k -> new HashMap<>());
        String values = sb.toString();
        GroupInfo g = byValues.get(values);
        return g != null ? g : cacheNew(byValues, values, groupBy, dimensions);
    }

    private static GroupInfo cacheNew(
            Map<String, GroupInfo> byValues, String values, List<String> groupBy, Map<String, String> dimensions) {
        TreeMap<String, String> group = new TreeMap<>();
        for (String d : groupBy) {
            group.put(d, dimensions.get(d));
        }
        GroupInfo g = new GroupInfo(GroupKeys.canonical(group), Collections.unmodifiableMap(group));
        if (byValues.size() >= MAX_CACHED) {
            byValues.clear();
        }
        byValues.put(values, g);
        return g;
    }
}
