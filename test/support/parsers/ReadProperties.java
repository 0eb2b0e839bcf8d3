import java.io.FileInputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Properties;
import java.util.TreeSet;

/**
 * Loads a properties file twice, with load(InputStream) (ISO-8859-1) and load(Reader) (UTF-8), and
 * prints "stream|reader TAB base64(key) TAB base64(value)" per entry, UTF-8 inside base64, so nothing
 * is lost on the way out.
 */
public class ReadProperties {
  public static void main(String[] args) throws Exception {
    Properties stream = new Properties();
    try (FileInputStream in = new FileInputStream(args[0])) {
      stream.load(in);
    }
    Properties reader = new Properties();
    try (InputStreamReader in = new InputStreamReader(new FileInputStream(args[0]), StandardCharsets.UTF_8)) {
      reader.load(in);
    }
    print("stream", stream);
    print("reader", reader);
  }

  private static void print(String how, Properties properties) {
    Base64.Encoder b64 = Base64.getEncoder();
    for (String key : new TreeSet<>(properties.stringPropertyNames())) {
      String value = properties.getProperty(key);
      System.out.println(how + "\t" + b64.encodeToString(key.getBytes(StandardCharsets.UTF_8)) + "\t"
          + b64.encodeToString(value.getBytes(StandardCharsets.UTF_8)));
    }
  }
}
