package alerting.job.operators;

import static alerting.TestData.values;
import static org.assertj.core.api.Assertions.assertThat;

import alerting.TestData;
import alerting.contract.Baseline;
import alerting.contract.BaselineCodec;
import alerting.contract.DeadLetter;
import alerting.contract.Telemetry;
import alerting.job.records.MonitorUpdate;
import alerting.job.records.RawRecord;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;


import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class ParsersTest {

    private static <T> List<DeadLetter> deadLetters(OneInputStreamOperatorTestHarness<?, T> h) {
        List<DeadLetter> out = new ArrayList<>();
        var side = h.getSideOutput(Parsers.DEAD_LETTERS);
        if (side != null) {
            for (StreamRecord<DeadLetter> r : side) {
                out.add(r.getValue());
            }
        }
        return out;
    }

    @Test
    void monitorTableUpsertsDeletesAndRejects() throws Exception {
        var h = ProcessFunctionTestHarnesses.forProcessFunction(new Parsers.ParseMonitors());
        String sample = Files.readString(TestData.fixtures().resolve("monitor.sample.json"));
        h.processElement(RawRecord.of("vdi-latency-high", sample), 0);
        h.processElement(RawRecord.of("vdi-latency-high", null), 0); // tombstone
        RawRecord mismatched = RawRecord.of("other-id", sample);
        mismatched.topic = "monitors";
        mismatched.partition = 0;
        mismatched.offset = 42L;
        h.processElement(mismatched, 0);
        h.processElement(RawRecord.of(null, "{\"id\":\"x\"}"), 0);
        String misspelt = sample.replace("\"severity\"", "\"severty\"");
        h.processElement(RawRecord.of("vdi-latency-high", misspelt), 0);

        List<MonitorUpdate> out = values(h.getOutput());
        assertThat(out).hasSize(2);
        assertThat(out.get(0).isActive()).isTrue();
        assertThat(out.get(0).monitor.id).isEqualTo("vdi-latency-high");
        assertThat(out.get(1).monitorId).isEqualTo("vdi-latency-high");
        assertThat(out.get(1).monitor).as("deleted").isNull();

        List<DeadLetter> dead = deadLetters(h);
        assertThat(dead).extracting(d -> d.error)
                .containsExactly(
                        "monitor.id: \"vdi-latency-high\" does not match the record key \"other-id\"",
                        "monitor.source: required",
                        "monitor.severty: unknown field (known: version, id, source, metric, aggregation,"
                                + " groupBy, window, condition, for, recoverAfter, severity, enabled)");
        assertThat(dead.get(2).payload).isEqualTo(misspelt);
        assertThat(dead.get(0).topic).isEqualTo("monitors");
        assertThat(dead.get(0).offset).isEqualTo(42L);
        assertThat(dead.get(0).payload).isEqualTo(sample);
    }

    @Test
    void telemetryDeadLettersAreSplitOffAndTheStreamGoesOn() throws Exception {
        var h = ProcessFunctionTestHarnesses.forProcessFunction(new Parsers.SplitTelemetry());
        String sample = Files.readString(TestData.fixtures().resolve("telemetry.sample.json"));
        h.processElement(Parsers.telemetry("{broken"), 0);
        h.processElement(Parsers.telemetry(sample), 0);
        h.processElement(Parsers.telemetry((byte[]) null), 0);
        List<Telemetry> out = values(h.getOutput());
        assertThat(out).singleElement().satisfies(t -> assertThat(t.entity).isEqualTo("desktop-17"));
        assertThat(deadLetters(h)).extracting(d -> d.input).containsExactly("telemetry", "telemetry");
        assertThat(deadLetters(h).get(0).payload).isEqualTo("{broken");
    }

    @Test
    void baselineTableParsesAndRejects() throws Exception {
        var h = ProcessFunctionTestHarnesses.forProcessFunction(new Parsers.ParseBaselines());
        Baseline b = new Baseline("m", TestData.pool("pool-a"), 3, 1, 0.5, 30, TestData.T0);
        h.processElement(RawRecord.of(b.key(), BaselineCodec.toJson(b)), 0);
        h.processElement(RawRecord.of(b.key(), null), 0);
        h.processElement(RawRecord.of(b.key(), "{\"monitorId\":\"m\"}"), 0);
        assertThat(values(h.getOutput())).containsExactly(b);
        assertThat(deadLetters(h)).singleElement().satisfies(d -> assertThat(d.input).isEqualTo("baselines"));
    }
}
