package dev.chat.chatctl;

import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.chat.common.auth.Tokens;
import dev.chat.common.runtime.BackendSettings;
import dev.chat.common.runtime.CassandraConnection;
import dev.chat.common.runtime.ServiceConfig;
import dev.chat.localstack.LocalStack;
import dev.chat.localstack.ServiceProcess;
import dev.chat.localstack.StackEndpoints;
import dev.chat.localstack.StackSettings;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Scale-out on the real stack: three gateways and two persisters as processes (one consumer group
 * sharing the partitions), all on the local Redis Cluster with sharded Pub/Sub; members of each
 * channel connected to different gateways send under load while one persister is killed (SIGKILL)
 * and not restarted. The other persister takes over its partitions: every acked message is stored
 * exactly once, history is in seq order, and every member received every message in seq order.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ScaleOutIT {

    private static final int CHANNELS = 9;
    private static final int RATE = 40;

    @Test
    void threeGatewaysAndTwoPersistersOnTheRedisClusterLoseNothingWhenAPersisterDies() throws Exception {
        LocalStack stack = LocalStack.shared();
        StackSettings settings = stack.settings();
        StackEndpoints endpoints = stack.endpoints().onRedisCluster();
        var config = ServiceConfig.load(endpoints.serviceConfig());
        List<ServiceProcess> services = new ArrayList<>();
        List<URI> gateways = new ArrayList<>();
        try (CassandraConnection cassandra = CassandraConnection.open("scale-out-it", BackendSettings.create(config))) {
            for (int i = 1; i <= 3; i++) {
                int port = freePort();
                services.add(ServiceProcess.launch(settings.home(), "gateway", "gateway-scale-" + i, port,
                        endpoints.serviceEnvironment(), settings.logDir(), "384m"));
                gateways.add(URI.create("ws://127.0.0.1:" + port + "/ws"));
            }
            List<ServiceProcess> persisters = new ArrayList<>();
            for (int i = 1; i <= 2; i++) {
                persisters.add(ServiceProcess.launch(settings.home(), "persister", "persister-scale-" + i, freePort(),
                        endpoints.serviceEnvironment(), settings.logDir(), "256m"));
            }
            services.addAll(persisters);
            for (ServiceProcess service : services) {
                service.awaitReady(Duration.ofSeconds(90));
            }

            try (FaultLoad load = FaultLoad.start(endpoints, Tokens.create(config), gateways, CHANNELS, RATE)) {
                // the load runs, then one persister dies; the group moves its partitions to the other
                await().atMost(Duration.ofSeconds(30)).until(load::acked, acked -> acked >= RATE * 4);
                persisters.getFirst().kill();
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                        .until(() -> survivorPartitions(endpoints), owned -> owned == settings.kafkaPartitions());
                long afterTakeOver = load.acked();
                await().atMost(Duration.ofSeconds(30)).until(load::acked, acked -> acked >= afterTakeOver + RATE * 4);
                FaultLoad.Result result = load.finish(cassandra.session(), Duration.ofSeconds(60));
                Verification.Report report = result.report();
                Map<String, Long> counts = report.countsByKind();
                System.out.printf("SCALE-OUT sent %d acked %d stored %d gave_up %d findings %s%n", report.sent(),
                        report.acked(), report.stored(), result.gaveUp(), counts);

                assertThat(report.acked()).as("the load ran").isGreaterThan(RATE * 10);
                assertThat(result.gaveUp()).as("no sender gave up").isZero();
                assertThat(report.findings()).as("stored exactly once, in seq order, delivered in seq order").isEmpty();
                assertThat(report.stored()).isEqualTo(report.acked());
                assertThat(load.undelivered()).as("every member received every acked message").isZero();
            }
            assertThat(survivorPartitions(endpoints)).as("the surviving persister owns every partition")
                    .isEqualTo(settings.kafkaPartitions());
        } finally {
            services.forEach(ServiceProcess::stop);
        }
    }

    /** @return how many partitions the one remaining member of the persisters' group owns (0 while there are two) */
    private static int survivorPartitions(StackEndpoints endpoints) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrap()))) {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of("chat-persister"))
                    .describedGroups().get("chat-persister").get(10, TimeUnit.SECONDS);
            return group.members().size() != 1 ? 0
                    : group.members().iterator().next().assignment().topicPartitions().size();
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
