// What Java itself reads, for the parity tests of the CLI's parsers (test/support/javaReference.ts):
//
//   java -cp <kafka libs> JavaReference.java properties FILE…   java.util.Properties.load of each
//   java -cp <kafka libs> JavaReference.java jaas VALUE…        Kafka's client reading each value as
//                                                               sasl.jaas.config (JaasContext)
//
// Per input, a line "#input", then "[key]=[value]" per property in key order (for jaas: first
// "module <class>"), chars outside printable ASCII and the backslash written \\uXXXX; or "error"
// when Java refuses the input.
import java.io.FileInputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import javax.security.auth.login.AppConfigurationEntry;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.security.JaasContext;

public class JavaReference {
  public static void main(String[] args) throws Exception {
    for (int i = 1; i < args.length; i++) {
      System.out.println("#input");
      try {
        if (args[0].equals("properties")) properties(args[i]);
        else jaas(args[i]);
      } catch (RuntimeException e) {
        System.out.println("error");
      }
    }
  }

  static void properties(String file) throws Exception {
    Properties p = new Properties();
    try (FileInputStream in = new FileInputStream(file)) {
      p.load(in);
    }
    TreeMap<String, String> sorted = new TreeMap<>();
    for (String k : p.stringPropertyNames()) sorted.put(k, p.getProperty(k));
    print(sorted);
  }

  static void jaas(String value) {
    Map<String, Object> configs = new HashMap<>();
    configs.put("sasl.jaas.config", new Password(value));
    for (AppConfigurationEntry e : JaasContext.loadClientContext(configs).configurationEntries()) {
      System.out.println("module " + e.getLoginModuleName());
      TreeMap<String, String> sorted = new TreeMap<>();
      for (Map.Entry<String, ?> o : e.getOptions().entrySet()) sorted.put(o.getKey(), String.valueOf(o.getValue()));
      print(sorted);
    }
  }

  static void print(TreeMap<String, String> entries) {
    for (Map.Entry<String, String> e : entries.entrySet()) System.out.println(escape(e.getKey()) + "=" + escape(e.getValue()));
  }

  static String escape(String s) {
    StringBuilder b = new StringBuilder("[");
    for (char c : s.toCharArray()) {
      if (c < 32 || c > 126 || c == '\\') b.append(String.format("\\u%04x", (int) c));
      else b.append(c);
    }
    return b.append("]").toString();
  }
}
