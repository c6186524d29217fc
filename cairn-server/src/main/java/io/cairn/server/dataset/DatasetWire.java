package io.cairn.server.dataset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cairn.core.dataset.Dataset;
import io.cairn.core.dataset.DatasetFile;
import io.cairn.core.dataset.DatasetInfo;
import io.cairn.core.dataset.DatasetService;
import io.cairn.core.dataset.DatasetVersion;
import io.cairn.core.dataset.VersionUsage;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/** Datasets, versions, profiles and diffs as the JSON of {@code /api/cairn/v1/datasets}. */
final class DatasetWire {
  static final JsonNodeFactory F = JsonNodeFactory.instance;

  /** Records to snake_case JSON (profiles, diffs, usage). */
  private static final ObjectMapper SNAKE =
      JsonMapper.builder().propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).build();

  private DatasetWire() {}

  static JsonNode tree(Object record) {
    return SNAKE.valueToTree(record);
  }

  static ObjectNode dataset(Dataset d) {
    ObjectNode o = F.objectNode();
    o.put("name", d.name());
    info(o, d.info());
    o.put("created_time", d.createdTime());
    o.put("last_updated_time", d.lastUpdatedTime());
    o.put("latest_version", d.latestVersion());
    ObjectNode tags = o.putObject("tags");
    d.tags().entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> tags.put(e.getKey(), e.getValue()));
    return o;
  }

  private static void info(ObjectNode o, DatasetInfo info) {
    o.put("description", info.description());
    o.put("license", info.license());
    ArrayNode keywords = o.putArray("keywords");
    if (info.keywords() != null) {
      info.keywords().forEach(keywords::add);
    }
    if (info.bbox() != null) {
      ArrayNode bbox = o.putArray("bbox");
      info.bbox().forEach(bbox::add);
    } else {
      o.putNull("bbox");
    }
    o.put("start", info.start());
    o.put("end", info.end());
    o.set("metadata", metadata(info.metadata()));
  }

  static ObjectNode version(DatasetVersion v) {
    ObjectNode o = F.objectNode();
    o.put("dataset", v.dataset());
    o.put("version", v.version());
    o.put("message", v.message());
    o.put("author", v.author());
    if (v.parent() == null) {
      o.putNull("parent");
    } else {
      o.put("parent", v.parent());
    }
    o.put("created_time", v.createdTime());
    o.put("digest", v.digest());
    o.put("file_count", v.fileCount());
    o.put("total_bytes", v.totalBytes());
    o.set("metadata", metadata(v.metadata()));
    o.put("deprecated", v.deprecated());
    ArrayNode tags = o.putArray("tags");
    v.tags().forEach(tags::add);
    return o;
  }

  static ArrayNode versions(List<DatasetVersion> versions) {
    ArrayNode a = F.arrayNode();
    versions.forEach(v -> a.add(version(v)));
    return a;
  }

  static ArrayNode files(List<DatasetFile> files) {
    ArrayNode a = F.arrayNode();
    for (DatasetFile f : files) {
      a.addObject().put("path", f.path()).put("size", f.size()).put("sha256", f.sha256());
    }
    return a;
  }

  static ObjectNode details(DatasetService.VersionDetails d) {
    ObjectNode o = F.objectNode();
    o.set("version", version(d.version()));
    o.set("files", files(d.files()));
    ObjectNode profiles = o.putObject("profiles");
    d.profiles().forEach((path, p) -> profiles.set(path, tree(p)));
    usage(o, d.usage());
    return o;
  }

  static void usage(ObjectNode o, VersionUsage usage) {
    o.set("runs", tree(usage.runs()));
    o.set("model_versions", tree(usage.modelVersions()));
  }

  static ObjectNode deleted(DatasetService.DeleteResult r) {
    ObjectNode o = F.objectNode();
    o.put("deleted", r.deleted());
    ArrayNode kept = o.putArray("deprecated");
    r.deprecated().forEach(kept::add);
    o.put("freed_blobs", r.freed().blobs());
    o.put("freed_bytes", r.freed().bytes());
    return o;
  }

  private static JsonNode metadata(String text) {
    if (text == null) {
      return F.objectNode();
    }
    try {
      return SNAKE.readTree(text);
    } catch (IOException e) {
      return F.textNode(text);
    }
  }
}
