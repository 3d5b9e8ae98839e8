// Prints what java.util.Properties.load reads from each file named on the command line, for
// test/real-kafka/javaPropertiesParity.test.ts: per file, "#file <n>" then one line per property
// in key order as JSON-style escaped [key]=[value], or "error <class>" when load throws.
import java.io.FileInputStream;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

public class PropertiesDump {
  public static void main(String[] args) throws Exception {
    for (int i = 0; i < args.length; i++) {
      System.out.println("#file " + i);
      Properties p = new Properties();
      try (FileInputStream in = new FileInputStream(args[i])) {
        p.load(in);
      } catch (IllegalArgumentException e) {
        System.out.println("error " + e.getClass().getSimpleName());
        continue;
      }
      TreeMap<String, String> sorted = new TreeMap<>();
      for (String k : p.stringPropertyNames()) sorted.put(k, p.getProperty(k));
      for (Map.Entry<String, String> e : sorted.entrySet()) System.out.println(escape(e.getKey()) + "=" + escape(e.getValue()));
    }
  }

  /** Every char outside printable ASCII as \\uXXXX, and the brackets marking the ends. */
  static String escape(String s) {
    StringBuilder b = new StringBuilder("[");
    for (char c : s.toCharArray()) {
      if (c < 32 || c > 126 || c == '\\') b.append(String.format("\\u%04x", (int) c));
      else b.append(c);
    }
    return b.append("]").toString();
  }
}
