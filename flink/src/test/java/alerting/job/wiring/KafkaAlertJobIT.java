package alerting.job.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import alerting.TestData;
import alerting.contract.Alert;
import alerting.contract.AlertCodec;
import alerting.contract.Monitor;
import alerting.contract.MonitorCodec;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The deployed alert job graph, Kafka topics to Kafka topics, against a real Kafka 4 broker
 * (KRaft) running in this JVM, with checkpointing on and the at-least-once Kafka sink.
 */
@Timeout(240)
class KafkaAlertJobIT {
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = new EmbeddedKafka();
        kafka.createTopics(
                Map.of(
                        "telemetry", 2,
                        "monitors", 1,
                        "baselines", 1,
                        "alerts", 1,
                        "alerting-dead-letters", 1,
                        "alerting-late-events", 1),
                List.of("monitors", "baselines"));
    }

    @AfterAll
    static void stopKafka() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void alertJobFromKafkaToKafka() throws Exception {
        Path scenario = TestData.fixtures().resolve("scenarios/threshold-trigger-recover");
        List<String> telemetry = Files.readAllLines(scenario.resolve("telemetry.jsonl"), StandardCharsets.UTF_8);
        String lateLine = telemetry.remove(telemetry.size() - 1); // sent once the watermark has moved on
        List<Monitor> monitors = MonitorCodec.parseList(Files.readString(scenario.resolve("monitors.json")));

        try (KafkaProducer<String, String> producer = producer()) {
            for (Monitor m : monitors) {
                producer.send(new ProducerRecord<>("monitors", m.id, MonitorCodec.toJson(m)));
            }
            producer.send(new ProducerRecord<>("monitors", "broken", "{\"id\":\"broken\"}"));
            producer.flush();
        }

        JobConfig cfg =
                JobConfig.load(
                        Map.of(),
                        new String[] {
                            "--kafka.bootstrap.servers", kafka.bootstrapServers(),
                            "--telemetry.starting-offsets", "earliest",
                            // Idleness off: replaying history, an idle-marked partition would race
                            // the other one (that case is covered by the evaluator harness test).
                            "--watermark.idleness", "PT0S",
                            "--checkpoint.interval", "PT1S"
                        });
        Configuration conf = new Configuration();
        conf.set(RestOptions.BIND_PORT, "0");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, conf);
        JobEnv.configure(env, cfg);
        JobEnv.enableCheckpointing(env, cfg);
        AlertJob.wireKafka(env, cfg);
        JobClient job = env.executeAsync("alert-job-it");
        try {
            awaitRunning(job);
            // Let the monitor table reach the broadcast state before the first event.
            Thread.sleep(3_000);
            try (KafkaProducer<String, String> producer = producer()) {
                for (String line : telemetry) {
                    // pool-a entities on partition 0, pool-b and malformed lines on partition 1:
                    // both partitions carry data up to the end, so the watermark reaches it.
                    int partition = line.contains("pool-a") ? 0 : 1;
                    producer.send(new ProducerRecord<>("telemetry", partition, null, line));
                }
                producer.flush();
            }

            List<ConsumerRecord<String, String>> alertRecords = consume("alerts", 4, r -> true);
            List<Alert> alerts = new ArrayList<>();
            for (ConsumerRecord<String, String> r : alertRecords) {
                Alert a = AlertCodec.parse(r.value());
                assertThat(r.key()).as("record key is the alertId").isEqualTo(a.alertId);
                alerts.add(a);
            }
            alerts.sort(Comparator.comparingLong((Alert a) -> a.windowEnd).thenComparing(a -> a.alertId));
            List<Alert> expected = new ArrayList<>();
            for (String l : Files.readAllLines(scenario.resolve("expected-alerts.jsonl"))) {
                expected.add(AlertCodec.parse(l));
            }
            assertThat(alerts).containsExactlyElementsOf(expected);

            try (KafkaProducer<String, String> producer = producer()) {
                producer.send(new ProducerRecord<>("telemetry", 0, "desktop-1", lateLine));
                producer.flush();
            }
            List<ConsumerRecord<String, String>> late = consume("alerting-late-events", 1, r -> true);
            assertThat(late.get(0).value()).contains("\"kind\":\"event\"").contains("\"eventTime\":\"2025-01-06T09:02:10Z\"");
            assertThat(late.get(0).key()).isEqualTo("desktop-1");

            List<ConsumerRecord<String, String>> dead = consume("alerting-dead-letters", 3, r -> true);
            assertThat(dead).extracting(ConsumerRecord::key).containsExactlyInAnyOrder("telemetry", "telemetry", "monitors");
            assertThat(dead).anySatisfy(r -> assertThat(r.value()).contains("monitor.source: required").contains("\"topic\":\"monitors\""));
            assertThat(job.getJobStatus().get()).as("malformed records do not stop the job").isEqualTo(JobStatus.RUNNING);
        } finally {
            job.cancel().get();
        }
    }

    private static KafkaProducer<String, String> producer() {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        p.put("key.serializer", StringSerializer.class.getName());
        p.put("value.serializer", StringSerializer.class.getName());
        return new KafkaProducer<>(p);
    }

    private static void awaitRunning(JobClient job) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (job.getJobStatus().get() != JobStatus.RUNNING) {
            assertThat(System.currentTimeMillis()).as("job did not start").isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    /** Reads the topic from the beginning until {@code n} matching records have arrived. */
    private static List<ConsumerRecord<String, String>> consume(String topic, int n, Predicate<ConsumerRecord<String, String>> filter) {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        p.put("group.id", "it-" + topic + "-" + System.nanoTime());
        p.put("auto.offset.reset", "earliest");
        p.put("key.deserializer", StringDeserializer.class.getName());
        p.put("value.deserializer", StringDeserializer.class.getName());
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 120_000;
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p)) {
            c.subscribe(List.of(topic));
            while (out.size() < n && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(500))) {
                    if (filter.test(r)) {
                        out.add(r);
                    }
                }
            }
            // A short extra poll catches unexpected extra records.
            for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(1_000))) {
                if (filter.test(r)) {
                    out.add(r);
                }
            }
        }
        assertThat(out).as(topic).hasSize(n);
        return out;
    }
}
