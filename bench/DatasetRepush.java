import io.cairn.client.CairnClient;
import io.cairn.client.DatasetsClient;
import io.cairn.client.PushOptions;
import java.nio.file.Path;

/**
 * The unchanged re-push from a running JVM (the Java SDK in a training job, say): pushes the folder
 * once to warm up, then times three more unchanged pushes and prints the best, in seconds, and the
 * bytes they sent. Run by bench/datasets.sh as a single-file program on the cairn.jar class path:
 * {@code java -cp cairn.jar bench/DatasetRepush.java URL NAME FOLDER}.
 */
public class DatasetRepush {
  public static void main(String[] args) {
    DatasetsClient datasets = new DatasetsClient(new CairnClient(args[0]));
    Path folder = Path.of(args[2]);
    datasets.push(args[1], folder, new PushOptions());
    double best = Double.MAX_VALUE;
    long sent = 0;
    for (int i = 0; i < 3; i++) {
      long t0 = System.nanoTime();
      DatasetsClient.PushResult r = datasets.push(args[1], folder, new PushOptions());
      best = Math.min(best, (System.nanoTime() - t0) / 1e9);
      sent += r.bytesUploaded();
      if (r.created()) {
        throw new IllegalStateException("an unchanged push made a new version");
      }
    }
    System.out.printf("%.3f %d%n", best, sent);
  }
}
