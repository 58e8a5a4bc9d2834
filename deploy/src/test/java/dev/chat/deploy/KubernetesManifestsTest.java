package dev.chat.deploy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * deploy/kubernetes rendered as an operator renders it ({@code kubectl kustomize} of the example
 * overlay), then checked against what the services really do: ports as in config/*, probes on the
 * health paths every service serves, the gateway's drain inside its grace period, the disruption
 * budget and autoscaler on the gateways, secrets only in Secrets.
 */
class KubernetesManifestsTest {

    private static final Set<String> SERVICES = Set.of("gateway", "api", "persister", "notifier");
    /** What ServiceRuntime.observe serves on every service (ApiHealthIT checks them on a running api). */
    private static final Set<String> HEALTH_PATHS = Set.of("/observe/health/live", "/observe/health/ready");
    private static final YAMLMapper YAML = new YAMLMapper();

    private static final List<JsonNode> rendered = new ArrayList<>();

    @BeforeAll
    static void render() throws Exception {
        Tool.Run kustomize = Tool.run("kubernetes-client", "kubectl", "kustomize", "deploy/kubernetes/overlays/example");
        assertThat(kustomize.exit()).as(kustomize.output()).isZero();
        String yaml = kustomize.output().lines().filter(line -> !line.startsWith("# Warning"))
                .reduce("", (a, b) -> a + b + "\n");
        try (var parser = new YAMLFactory().createParser(yaml)) {
            new ObjectMapper(new YAMLFactory()).readValues(parser, JsonNode.class).forEachRemaining(rendered::add);
        }
    }

    @Test
    void everyServiceIsADeploymentWithAServiceInTheNamespace() {
        for (String service : SERVICES) {
            JsonNode deployment = one("Deployment", service);
            assertThat(deployment.path("metadata").path("namespace").asText()).isEqualTo("chat");
            assertThat(container(deployment).path("image").asText()).startsWith("registry.example.com/chat/" + service + ":");
            JsonNode svc = one("Service", service);
            for (JsonNode port : svc.path("spec").path("ports")) {
                assertThat(portNames(deployment)).as(service + " Service targetPort").contains(port.path("targetPort").asText());
            }
            assertThat(labels(deployment.path("spec").path("template"))).containsAllEntriesOf(
                    fields(svc.path("spec").path("selector")));
        }
    }

    @Test
    void eachContainerListensWhereItsServiceIsConfiguredTo() throws IOException {
        for (String service : SERVICES) {
            int configured = YAML.readTree(Tool.ROOT.resolve(Path.of("config", service, "application.yaml")).toFile())
                    .path("server").path("port").asInt();
            JsonNode port = container(one("Deployment", service)).path("ports").get(0);
            assertThat(port.path("containerPort").asInt()).as(service).isEqualTo(configured);
            assertThat(one("Deployment", service).path("spec").path("template").path("metadata").path("annotations")
                    .path("prometheus.io/port").asText()).isEqualTo(Integer.toString(configured));
        }
    }

    @Test
    void probesUseTheHealthPathsOnTheContainersPort() {
        for (String service : SERVICES) {
            JsonNode container = container(one("Deployment", service));
            for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
                JsonNode get = container.path(probe).path("httpGet");
                assertThat(HEALTH_PATHS).as(service + " " + probe).contains(get.path("path").asText());
                assertThat(portNames(one("Deployment", service))).contains(get.path("port").asText());
            }
            assertThat(container.path("readinessProbe").path("httpGet").path("path").asText()).endsWith("/ready");
            assertThat(container.path("livenessProbe").path("httpGet").path("path").asText()).endsWith("/live");
        }
    }

    @Test
    void aGatewaysDrainFitsInItsTerminationGracePeriod() throws IOException {
        JsonNode pod = one("Deployment", "gateway").path("spec").path("template").path("spec");
        JsonNode container = container(one("Deployment", "gateway"));
        JsonNode defaults = YAML.readTree(Tool.ROOT.resolve("config/gateway/application.yaml").toFile()).path("gateway");
        long window = envOr(container, "GATEWAY_DRAINWINDOWMILLIS", defaults.path("drainwindowmillis").asLong());
        long grace = envOr(container, "GATEWAY_SHUTDOWNGRACEMILLIS", defaults.path("shutdowngracemillis").asLong());
        long preStop = container.path("lifecycle").path("preStop").path("sleep").path("seconds").asLong() * 1000;
        long period = pod.path("terminationGracePeriodSeconds").asLong() * 1000;
        assertThat(preStop).as("preStop lets load balancers stop sending new sockets first").isPositive();
        assertThat(preStop + window + grace).as("preStop + drain window + shutdown grace (ms)").isLessThan(period);
        assertThat(container.path("env").findValues("name").stream().map(JsonNode::asText))
                .as("each gateway is named for chatctl connections and drain").contains("GATEWAY_NAME");
    }

    @Test
    void gatewaysHaveADisruptionBudgetAndAnAutoscaler() {
        Map<String, String> gatewayLabels = labels(one("Deployment", "gateway").path("spec").path("template"));
        JsonNode budget = one("PodDisruptionBudget", "gateway");
        assertThat(gatewayLabels).containsAllEntriesOf(fields(budget.path("spec").path("selector").path("matchLabels")));
        assertThat(budget.path("spec").path("maxUnavailable").asInt()).isEqualTo(1);
        JsonNode scaler = one("HorizontalPodAutoscaler", "gateway");
        assertThat(scaler.path("spec").path("scaleTargetRef").path("name").asText()).isEqualTo("gateway");
        assertThat(scaler.path("spec").path("minReplicas").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(scaler.path("spec").path("metrics").get(0).path("resource").path("name").asText()).isEqualTo("cpu");
    }

    @Test
    void secretsAreOnlyInSecretsAndEveryReferenceResolves() {
        for (JsonNode map : all("ConfigMap")) {
            map.path("data").fieldNames().forEachRemaining(key -> assertThat(key.toUpperCase(Locale.ROOT))
                    .as("a secret in ConfigMap " + map.path("metadata").path("name").asText())
                    .doesNotContain("SECRET").doesNotContain("PASSWORD").doesNotContain("PRIVATEKEY")
                    .doesNotContain("ACCESSKEY").doesNotContain("TOKEN"));
        }
        Map<String, Set<String>> secrets = new HashMap<>();
        all("Secret").forEach(secret -> secrets.put(secret.path("metadata").path("name").asText(),
                Set.copyOf(iterable(secret.path("data").fieldNames()))));
        for (String service : SERVICES) {
            JsonNode container = container(one("Deployment", service));
            for (JsonNode ref : container.path("env").findValues("secretKeyRef")) {
                String name = ref.path("name").asText();
                assertThat(secrets).as(service + " refers to Secret " + name).containsKey(name);
                assertThat(secrets.get(name)).contains(ref.path("key").asText());
            }
            for (JsonNode ref : container.path("envFrom").findValues("configMapRef")) {
                assertThat(all("ConfigMap").stream().map(m -> m.path("metadata").path("name").asText()))
                        .contains(ref.path("name").asText());
            }
            for (JsonNode entry : container.path("env")) {
                String name = entry.path("name").asText();
                if (name.contains("SECRET") || name.contains("PASSWORD") || name.contains("PRIVATEKEY")) {
                    assertThat(entry.has("value")).as(service + " takes " + name + " as a plain value").isFalse();
                }
            }
        }
    }

    @Test
    void containersRunAsNonRootWithoutPrivileges() {
        for (String service : SERVICES) {
            JsonNode pod = one("Deployment", service).path("spec").path("template").path("spec");
            assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).as(service).isTrue();
            JsonNode container = container(one("Deployment", service));
            assertThat(container.path("securityContext").path("allowPrivilegeEscalation").asBoolean(true)).isFalse();
            assertThat(container.path("resources").path("requests").has("memory")).isTrue();
        }
    }

    private static long envOr(JsonNode container, String name, long fallback) {
        for (JsonNode env : container.path("env")) {
            if (env.path("name").asText().equals(name)) {
                return Long.parseLong(env.path("value").asText());
            }
        }
        return fallback;
    }

    private static JsonNode container(JsonNode deployment) {
        return deployment.path("spec").path("template").path("spec").path("containers").get(0);
    }

    private static List<String> portNames(JsonNode deployment) {
        return container(deployment).path("ports").findValues("name").stream().map(JsonNode::asText).toList();
    }

    private static Map<String, String> labels(JsonNode metadataHolder) {
        return fields(metadataHolder.path("metadata").path("labels"));
    }

    private static Map<String, String> fields(JsonNode object) {
        Map<String, String> map = new HashMap<>();
        object.fields().forEachRemaining(field -> map.put(field.getKey(), field.getValue().asText()));
        return map;
    }

    private static List<JsonNode> all(String kind) {
        return rendered.stream().filter(node -> node.path("kind").asText().equals(kind)).toList();
    }

    private static JsonNode one(String kind, String name) {
        List<JsonNode> found = all(kind).stream().filter(node -> node.path("metadata").path("name").asText().equals(name)).toList();
        assertThat(found).as(kind + " " + name).hasSize(1);
        return found.getFirst();
    }

    private static <T> List<T> iterable(java.util.Iterator<T> iterator) {
        List<T> list = new ArrayList<>();
        iterator.forEachRemaining(list::add);
        return list;
    }
}
