package alerting.job.io;

import alerting.contract.Alert;
import alerting.contract.AlertCodec;
import alerting.contract.Baseline;
import alerting.contract.BaselineCodec;
import alerting.contract.DeadLetter;
import alerting.contract.DeadLetterCodec;
import alerting.contract.LateEvent;
import alerting.contract.LateEventCodec;
import alerting.job.operators.Parsers;
import alerting.job.records.RawRecord;
import alerting.job.records.RecordTypes;
import alerting.job.records.TelemetryRecord;
import alerting.job.wiring.JobConfig;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;
import java.util.Properties;

/** Kafka sources and sinks of both jobs. */
public final class KafkaIO {
    private KafkaIO() {}

    public static KafkaSource<TelemetryRecord> telemetrySource(JobConfig cfg) {
        return KafkaSource.<TelemetryRecord>builder()
                .setProperties(cfg.kafkaProperties())
                .setGroupId(cfg.groupId())
                .setTopics(cfg.required(JobConfig.TOPIC_TELEMETRY))
                .setStartingOffsets(startingOffsets(cfg.required(JobConfig.TELEMETRY_START)))
                .setDeserializer(new TelemetryDeserializer())
                .build();
    }

    /**
     * Monitors and baselines are compacted tables: read from the beginning on a fresh start (a
     * restore resumes from the checkpointed offsets).
     */
    public static KafkaSource<RawRecord> tableSource(JobConfig cfg, String topicKey) {
        return KafkaSource.<RawRecord>builder()
                .setProperties(cfg.kafkaProperties())
                .setGroupId(cfg.groupId() + "-" + cfg.required(topicKey))
                .setTopics(cfg.required(topicKey))
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(new RawRecordDeserializer())
                .build();
    }

    public static OffsetsInitializer startingOffsets(String mode) {
        switch (mode) {
            case "earliest":
                return OffsetsInitializer.earliest();
            case "latest":
                return OffsetsInitializer.latest();
            case "committed-or-earliest":
                return OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
            case "committed-or-latest":
                return OffsetsInitializer.committedOffsets(OffsetResetStrategy.LATEST);
            default:
                throw new IllegalArgumentException(
                        JobConfig.GROUP + "." + JobConfig.TELEMETRY_START
                                + ": expected earliest, latest, committed-or-earliest or"
                                + " committed-or-latest, got \"" + mode + "\"");
        }
    }

    /** At-least-once: alertId (key) plus windowEnd makes a redelivered alert a duplicate. */
    public static KafkaSink<Alert> alertSink(JobConfig cfg) {
        return sink(cfg, JobConfig.TOPIC_ALERTS, a -> a.alertId, AlertCodec::toJson);
    }

    public static KafkaSink<Baseline> baselineSink(JobConfig cfg) {
        return sink(cfg, JobConfig.TOPIC_BASELINES, Baseline::key, BaselineCodec::toJson);
    }

    public static KafkaSink<DeadLetter> deadLetterSink(JobConfig cfg) {
        return sink(cfg, JobConfig.TOPIC_DEAD_LETTERS, d -> d.input, DeadLetterCodec::toJson);
    }

    public static KafkaSink<LateEvent> lateEventSink(JobConfig cfg) {
        return sink(cfg, JobConfig.TOPIC_LATE_EVENTS, LateEvent::key, LateEventCodec::toJson);
    }

    private static <T> KafkaSink<T> sink(
            JobConfig cfg,
            String topicKey,
            SerializableFunction<T, String> key,
            SerializableFunction<T, String> value) {
        Properties props = cfg.kafkaProperties();
        return KafkaSink.<T>builder()
                .setKafkaProducerConfig(props)
                .setBootstrapServers(props.getProperty("bootstrap.servers"))
                .setRecordSerializer(new JsonRecordSerializer<>(cfg.required(topicKey), key, value))
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build();
    }

    static final class JsonRecordSerializer<T> implements KafkaRecordSerializationSchema<T> {
        private static final long serialVersionUID = 1L;
        private final String topic;
        private final SerializableFunction<T, String> key;
        private final SerializableFunction<T, String> value;

        JsonRecordSerializer(String topic, SerializableFunction<T, String> key, SerializableFunction<T, String> value) {
            this.topic = topic;
            this.key = key;
            this.value = value;
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context, Long timestamp) {
            String k = key.apply(element);
            return new ProducerRecord<>(
                    topic,
                    null,
                    k == null ? null : k.getBytes(StandardCharsets.UTF_8),
                    value.apply(element).getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Parses in the source so watermarks are generated per partition. */
    static final class TelemetryDeserializer implements KafkaRecordDeserializationSchema<TelemetryRecord> {
        private static final long serialVersionUID = 1L;

        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<TelemetryRecord> out) {
            TelemetryRecord r = Parsers.telemetry(record.value());
            if (r.deadLetter != null) {
                r.deadLetter.at(record.topic(), record.partition(), record.offset());
            }
            out.collect(r);
        }

        @Override
        public TypeInformation<TelemetryRecord> getProducedType() {
            return RecordTypes.TELEMETRY_RECORD;
        }
    }

    static final class RawRecordDeserializer implements KafkaRecordDeserializationSchema<RawRecord> {
        private static final long serialVersionUID = 1L;

        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RawRecord> out) {
            RawRecord r =
                    RawRecord.of(
                            record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8),
                            record.value() == null ? null : new String(record.value(), StandardCharsets.UTF_8));
            r.topic = record.topic();
            r.partition = record.partition();
            r.offset = record.offset();
            out.collect(r);
        }

        @Override
        public TypeInformation<RawRecord> getProducedType() {
            return RecordTypes.RAW_RECORD;
        }
    }
}
