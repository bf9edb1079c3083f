import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.elasticsearch.common.logging.LogConfigurator;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.node.InternalSettingsPreparer;
import org.elasticsearch.node.Node;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.transport.Netty4Plugin;

/**
 * A single Elasticsearch node for tests and local use, run from the Maven jars (scripts/es/start.sh).
 * The stock distribution is not on Maven Central; its core jar is. Node's protected constructor takes
 * "classpath plugins", so the HTTP transport (Netty4Plugin) is loaded from the classpath instead of a
 * plugins/ folder. Settings come as -E key=value arguments, like the real bin/elasticsearch.
 *
 *   java -cp 'libs/*:classes' EsMain <home> -E http.port=19200 -E ...
 */
public final class EsMain {
  /** Node's constructor that accepts plugins from the classpath is protected. */
  static final class ClasspathPluginNode extends Node {
    ClasspathPluginNode(Environment env, List<Class<? extends Plugin>> plugins) {
      super(env, plugins, true);
    }
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: EsMain <home> [-E key=value]...");
      System.exit(2);
    }
    Path home = Paths.get(args[0]).toAbsolutePath();
    Settings.Builder builder = Settings.builder().put("path.home", home.toString());
    for (int i = 1; i < args.length; i++) {
      if (!"-E".equals(args[i]) || i + 1 >= args.length || !args[i + 1].contains("=")) {
        System.err.println("bad argument: " + args[i] + " (expected -E key=value)");
        System.exit(2);
      }
      String kv = args[++i];
      builder.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
    }
    Settings settings = builder.build();
    LogConfigurator.registerErrorListener();
    Environment env = InternalSettingsPreparer.prepareEnvironment(settings, Collections.emptyMap(), null, () -> "streamforge-es");
    // As bin/elasticsearch does: log4j2.properties from <home>/config (start.sh writes one that logs to stdout).
    LogConfigurator.setNodeName(env.settings().get("node.name", "streamforge-es"));
    LogConfigurator.configure(env);
    Node node = new ClasspathPluginNode(env, List.of(Netty4Plugin.class));
    CountDownLatch stopped = new CountDownLatch(1);
    // SIGTERM (scripts/es/stop.sh) closes the node: shards are flushed, the next start recovers nothing.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        node.close();
        node.awaitClose(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        e.printStackTrace();
      }
      stopped.countDown();
    }, "es-shutdown"));
    node.start();
    System.out.println("streamforge-es: node started");
    stopped.await();
  }
}
