package org.elasticsearch.node;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilder;
import org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilderFactory;
import org.apache.logging.log4j.core.config.builder.impl.BuiltConfiguration;
import org.apache.lucene.util.SetOnce;
import org.elasticsearch.Build;
import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.cluster.ClusterState;
import org.elasticsearch.cluster.metadata.IndexNameExpressionResolver;
import org.elasticsearch.cluster.node.DiscoveryNodes;
import org.elasticsearch.cluster.service.ClusterService;
import org.elasticsearch.common.io.stream.NamedWriteableRegistry;
import org.elasticsearch.common.logging.LogConfigurator;
import org.elasticsearch.common.settings.ClusterSettings;
import org.elasticsearch.common.settings.IndexScopedSettings;
import org.elasticsearch.common.settings.SettingsFilter;
import org.elasticsearch.features.NodeFeature;
import org.elasticsearch.plugins.ActionPlugin;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.rest.RestChannel;
import org.elasticsearch.rest.RestController;
import org.elasticsearch.rest.RestHandler;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.RestResponse;
import org.elasticsearch.rest.RestStatus;
import org.elasticsearch.xcontent.XContentBuilder;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.plugins.MockPluginsService;
import org.elasticsearch.plugins.PluginsLoader;
import org.elasticsearch.plugins.PluginsService;
import org.elasticsearch.transport.netty4.Netty4Plugin;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A single-node Elasticsearch (or one node of a small loopback cluster) for Framewatch development and tests, built from the
 * jars on Maven Central (see README.md).
 *
 * <p>It lives in package {@code org.elasticsearch.node} because {@link NodeConstruction},
 * {@link NodeServiceProvider} and the {@code Node(NodeConstruction)} constructor are
 * package-private. On the plain classpath (no module path) a class of ours in that
 * package can reach them.
 *
 * <p>It deliberately does not go through {@code org.elasticsearch.bootstrap.Elasticsearch}
 * (the real entry point: needs the server-cli launcher, a distribution layout, modules/,
 * the entitlement agent, and refuses to run as root) nor through {@code MockNode}
 * (needs ESTestCase and its randomized-testing bootstrap, which also refuses root).
 *
 * <p>Usage: {@code java ... org.elasticsearch.node.FramewatchTestNode --port 9250
 * --transport-port 9350 --data-dir /path}; for a node of a cluster add {@code --node-name fw-0
 * --seed-hosts 127.0.0.1:9430,127.0.0.1:9431 --initial-master-nodes fw-0,fw-1}. System properties {@code framewatch.es.port},
 * {@code framewatch.es.transportPort}, {@code framewatch.es.dataDir} work too.
 */
public final class FramewatchTestNode extends Node {

    private FramewatchTestNode(Environment environment) {
        // forbidPrivateIndexSettings=true: behave like a real node (reject index.* private settings).
        super(NodeConstruction.prepareConstruction(environment, null, new ClasspathPluginsProvider(), true));
    }

    /** Supplies a PluginsService holding only plugins that are on our classpath (no modules/ or plugins/ dirs). */
    private static final class ClasspathPluginsProvider extends NodeServiceProvider {
        @Override
        PluginsService newPluginService(Environment environment, PluginsLoader pluginsLoader) {
            // Netty4Plugin provides the HTTP server and the transport layer. It is the only
            // Elasticsearch module published on Maven Central, so it is the only real one we have.
            return new MockPluginsService(environment.settings(), environment, List.of(Netty4Plugin.class, RootInfoPlugin.class));
        }
    }

    /**
     * GET / and HEAD / (the "You Know, for Search" banner). In 8.x they live in the rest-root
     * module, which is not on Maven Central; clients use them (ping(), info(), version checks).
     */
    public static final class RootInfoPlugin extends Plugin implements ActionPlugin {
        private final SetOnce<ClusterService> clusterService = new SetOnce<>();

        @Override
        public Collection<?> createComponents(PluginServices services) {
            clusterService.set(services.clusterService());
            return List.of();
        }

        @Override
        public Collection<RestHandler> getRestHandlers(
            Settings settings,
            NamedWriteableRegistry namedWriteableRegistry,
            RestController restController,
            ClusterSettings clusterSettings,
            IndexScopedSettings indexScopedSettings,
            SettingsFilter settingsFilter,
            IndexNameExpressionResolver indexNameExpressionResolver,
            Supplier<DiscoveryNodes> nodesInCluster,
            Predicate<NodeFeature> clusterSupportsFeature
        ) {
            return List.of(new RestHandler() {
                @Override
                public List<Route> routes() {
                    return List.of(new Route(RestRequest.Method.GET, "/"), new Route(RestRequest.Method.HEAD, "/"));
                }

                @Override
                public void handleRequest(RestRequest request, RestChannel channel, NodeClient client) throws Exception {
                    ClusterState state = clusterService.get().state();
                    Build build = Build.current();
                    XContentBuilder b = channel.newBuilder();
                    b.startObject();
                    b.field("name", clusterService.get().getNodeName());
                    b.field("cluster_name", state.getClusterName().value());
                    b.field("cluster_uuid", state.metadata().clusterUUID());
                    b.startObject("version");
                    b.field("number", build.qualifiedVersion());
                    b.field("build_flavor", build.flavor());
                    b.field("build_type", build.type().displayName());
                    b.field("build_hash", build.hash());
                    b.field("build_date", build.date());
                    b.field("build_snapshot", build.isSnapshot());
                    b.field("lucene_version", org.apache.lucene.util.Version.LATEST.toString());
                    b.field("minimum_wire_compatibility_version", build.minWireCompatVersion());
                    b.field("minimum_index_compatibility_version", build.minIndexCompatVersion());
                    b.endObject();
                    b.field("tagline", "You Know, for Search");
                    b.endObject();
                    channel.sendResponse(new RestResponse(RestStatus.OK, b));
                }
            });
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = parseArgs(args);
        int httpPort = Integer.parseInt(opts.getOrDefault("port", System.getProperty("framewatch.es.port", "9250")));
        int transportPort = Integer.parseInt(
            opts.getOrDefault("transport-port", System.getProperty("framewatch.es.transportPort", String.valueOf(httpPort + 100)))
        );
        Path dataDir = Path.of(opts.getOrDefault("data-dir", System.getProperty("framewatch.es.dataDir", ".data")))
            .toAbsolutePath()
            .normalize();
        String nodeName = opts.getOrDefault("node-name", "framewatch-es");
        // Cluster mode: the transport addresses of every node (host:port, comma-separated) and, the
        // first time the cluster forms only, the names of the master-eligible nodes that bootstrap it
        // (a node that already belongs to a cluster warns when it is still given them).
        String seedHosts = opts.get("seed-hosts");
        String initialMasters = opts.get("initial-master-nodes");
        if (seedHosts == null && initialMasters != null) {
            throw new IllegalArgumentException("--initial-master-nodes needs --seed-hosts");
        }

        // Logging must be configured before any Elasticsearch class asks for a logger.
        configureLogging(opts.containsKey("verbose") ? Level.INFO : Level.WARN);

        Path home = dataDir.resolve("home");
        Files.createDirectories(home.resolve("config"));
        Files.createDirectories(dataDir.resolve("data"));
        Files.createDirectories(dataDir.resolve("logs"));

        Settings.Builder builder = Settings.builder().put("cluster.name", "framewatch-test").put("node.name", nodeName);
        if (seedHosts == null) {
            // One node, elects itself: no discovery, no cluster bootstrapping, and bootstrap
            // checks are not enforced (they only are when bound to a non-loopback address).
            builder.put("discovery.type", "single-node");
        } else {
            // Several nodes on loopback find each other over their transport ports. Bootstrap
            // checks stay unenforced because every address is a loopback one.
            builder.putList("discovery.seed_hosts", List.of(seedHosts.split(",")));
            if (initialMasters != null) {
                builder.putList("cluster.initial_master_nodes", List.of(initialMasters.split(",")));
            }
        }
        Settings settings = builder
            .put("network.host", "127.0.0.1")
            .put("http.port", httpPort)
            .put("transport.port", transportPort)
            .put("path.home", home.toString())
            .put("path.data", dataDir.resolve("data").toString())
            .put("path.logs", dataDir.resolve("logs").toString())
            // Dev machines are often fuller than the 85/90/95% disk watermarks; we never want
            // a test index to turn read-only or unassigned because of that.
            .put("cluster.routing.allocation.disk.threshold_enabled", false)
            // Let tests clean up with wildcards (DELETE /framewatch-test-*).
            .put("action.destructive_requires_name", false)
            .build();
        // (No xpack.* settings: x-pack is not on the classpath, and a node rejects unknown settings.)

        Environment environment = InternalSettingsPreparer.prepareEnvironment(settings, Map.of(), null, () -> nodeName);

        long t0 = System.nanoTime();
        FramewatchTestNode node = new FramewatchTestNode(environment);

        // A non-daemon thread keeps the JVM alive; the shutdown hook (SIGTERM/SIGINT) releases it.
        CountDownLatch keepAlive = new CountDownLatch(1);
        Thread keepAliveThread = new Thread(() -> {
            try {
                keepAlive.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "framewatch-es-keepalive");
        keepAliveThread.setDaemon(false);
        keepAliveThread.start();

        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("framewatch-es: stopping");
            try {
                node.prepareForClose();
                node.close();
                if (node.awaitClose(15, TimeUnit.SECONDS) == false) {
                    System.out.println("framewatch-es: node did not stop within 15s");
                }
                System.out.println("framewatch-es: stopped");
            } catch (Exception e) {
                e.printStackTrace();
            } finally {
                Configurator.shutdown((LoggerContext) LogManager.getContext(false));
                keepAlive.countDown();
            }
        }, "framewatch-es-shutdown"));

        try {
            node.start();
        } catch (Exception e) {
            e.printStackTrace();
            // One line with the whole cause chain, last, so that the tail of es.log says why.
            StringBuilder why = new StringBuilder(e.toString());
            for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
                why.append(" <- ").append(c);
            }
            System.out.println("framewatch-es: failed to start: " + why);
            System.exit(1);
        }
        System.out.printf(
            "framewatch-es: started %s http://127.0.0.1:%d (transport %d, data %s, %.1fs)%n",
            nodeName,
            httpPort,
            transportPort,
            dataDir,
            (System.nanoTime() - t0) / 1e9
        );
    }

    /**
     * Console logging with a plain pattern, set up programmatically so that log4j does not
     * auto-discover the test framework's log4j2-test.properties (which needs randomizedtesting).
     * Elasticsearch's own LoggerFactory is installed on top, as the real bootstrap does.
     */
    private static void configureLogging(Level rootLevel) {
        // Our shutdown hook closes logging after the node; log4j's own hook would do it too early.
        System.setProperty("log4j.shutdownHookEnabled", "false");
        System.setProperty("log4j2.disable.jmx", "true");
        ConfigurationBuilder<BuiltConfiguration> b = ConfigurationBuilderFactory.newConfigurationBuilder();
        b.setStatusLevel(Level.ERROR);
        b.add(
            b.newAppender("console", "Console")
                .add(b.newLayout("PatternLayout").addAttribute("pattern", "[%d{ISO8601}][%-5p][%c{1.}] %m%n"))
        );
        // Keep "started" and similar lifecycle lines even when the root level is WARN.
        b.add(b.newLogger("org.elasticsearch.node.Node", Level.INFO));
        b.add(b.newRootLogger(rootLevel).add(b.newAppenderRef("console")));
        Configurator.initialize(b.build());
        LogConfigurator.configureESLogging();
    }

    private static Map<String, String> parseArgs(String[] args) {
        java.util.HashMap<String, String> out = new java.util.HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.startsWith("--") == false) {
                throw new IllegalArgumentException("unexpected argument: " + a);
            }
            String key = a.substring(2);
            int eq = key.indexOf('=');
            if (eq >= 0) {
                out.put(key.substring(0, eq), key.substring(eq + 1));
            } else if (key.equals("verbose")) {
                out.put(key, "true");
            } else if (i + 1 < args.length) {
                out.put(key, args[++i]);
            } else {
                throw new IllegalArgumentException("missing value for " + a);
            }
        }
        return out;
    }
}
