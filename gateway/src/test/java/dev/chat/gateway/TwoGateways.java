package dev.chat.gateway;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;

import dev.chat.common.runtime.ServiceRuntime;
import dev.chat.localstack.LocalStack;
import dev.chat.localstack.ServiceProcess;
import dev.chat.localstack.StackEndpoints;
import dev.chat.localstack.StackSettings;

/**
 * The messaging path on the real stack for a test class: two gateways in this JVM (production
 * wiring) and the persister as its own process, plus the test data fixtures.
 *
 * @param fixtures  users, channels, tokens, stored rows
 * @param a         the first gateway
 * @param b         the second gateway
 * @param persister the persister process
 */
record TwoGateways(Fixtures fixtures, ServiceRuntime a, ServiceRuntime b, ServiceProcess persister)
        implements AutoCloseable {

    /**
     * @param persisterName the persister's process and log name
     * @return the running gateways and persister
     * @throws Exception if something does not start
     */
    static TwoGateways start(String persisterName) throws Exception {
        return start(persisterName, false);
    }

    /**
     * @param persisterName the persister's process and log name
     * @param sharded       whether everything uses the stack's Redis Cluster with sharded Pub/Sub
     * @return the running gateways and persister
     * @throws Exception if something does not start
     */
    static TwoGateways start(String persisterName, boolean sharded) throws Exception {
        Fixtures fixtures = new Fixtures(sharded);
        return new TwoGateways(fixtures, GatewayMain.start(fixtures.config(Map.of())),
                GatewayMain.start(fixtures.config(Map.of())), startPersister(persisterName, fixtures.endpoints()));
    }

    /**
     * @param name the persister's process and log name
     * @return a persister process on the local stack, ready
     * @throws Exception if it does not become ready
     */
    static ServiceProcess startPersister(String name) throws Exception {
        return startPersister(name, LocalStack.shared().endpoints());
    }

    private static ServiceProcess startPersister(String name, StackEndpoints endpoints) throws Exception {
        StackSettings settings = LocalStack.shared().settings();
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        ServiceProcess process = ServiceProcess.launch(settings.home(), "persister", name, port,
                endpoints.serviceEnvironment(), settings.logDir(), "256m");
        process.awaitReady(Duration.ofSeconds(60));
        return process;
    }

    @Override
    public void close() {
        persister.stop();
        a.close();
        b.close();
        fixtures.close();
    }
}
