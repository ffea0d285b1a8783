package alerting.local;

import alerting.job.io.Watermarks;
import alerting.job.operators.Parsers;
import alerting.job.records.RawRecord;
import alerting.job.records.RecordTypes;
import alerting.job.records.TelemetryRecord;


import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.file.src.reader.TextLineInputFormat;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** Bounded file inputs of the local runner (and the benchmark's tables). */
public final class FileInputs {
    private FileInputs() {}

    /**
     * One reader keeps the file's order, and a watermark per event makes lateness decisions the
     * same on every run.
     */
    public static DataStream<TelemetryRecord> telemetry(
            StreamExecutionEnvironment env, long outOfOrdernessMs, java.nio.file.Path file) {
        return env.fromSource(lines(file), WatermarkStrategy.noWatermarks(), "telemetry-file")
                .setParallelism(1)
                .filter(line -> !line.isBlank())
                .setParallelism(1)
                .map(Parsers::telemetry, RecordTypes.TELEMETRY_RECORD)
                .setParallelism(1)
                .assignTimestampsAndWatermarks(Watermarks.telemetryPerEvent(outOfOrdernessMs))
                .setParallelism(1)
                .rebalance();
    }

    /**
     * A table without watermarks: the file source emits +infinity at its end, so nothing is
     * evaluated before the whole table has been read.
     */
    public static DataStream<RawRecord> table(
            StreamExecutionEnvironment env, java.nio.file.Path file, String name) {
        return env.fromSource(lines(file), WatermarkStrategy.noWatermarks(), name + "-file")
                .setParallelism(1)
                .filter(line -> !line.isBlank())
                .setParallelism(1)
                .map(line -> RawRecord.of(null, line), RecordTypes.RAW_RECORD)
                .setParallelism(1);
    }

    private static FileSource<String> lines(java.nio.file.Path file) {
        return FileSource.forRecordStreamFormat(new TextLineInputFormat(), new Path(file.toUri())).build();
    }
}
