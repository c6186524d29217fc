package io.cairn.core.search;

import io.cairn.core.error.CairnException;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What one kind of entity can be searched and ordered by: its attributes (with MLflow's aliases)
 * and which of metrics, params, tags and datasets it has. Attribute names given to the SQL adapters
 * are always the canonical ones.
 */
public final class SearchSchema {
  /** How an attribute's values compare. */
  public enum ValueType {
    STRING,
    NUMBER
  }

  public static final SearchSchema RUNS =
      new Builder("runs", EnumSet.allOf(EntityType.class))
          .attr("run_id", ValueType.STRING, "run_uuid", "id")
          .attr("run_name", ValueType.STRING, "name", "`Run name`", "Run name")
          .attr("status", ValueType.STRING)
          .attr("user_id", ValueType.STRING, "user")
          .attr("artifact_uri", ValueType.STRING)
          .attr("lifecycle_stage", ValueType.STRING)
          .attr("start_time", ValueType.NUMBER, "created", "Created")
          .attr("end_time", ValueType.NUMBER)
          .build();

  public static final SearchSchema EXPERIMENTS =
      new Builder("experiments", EnumSet.of(EntityType.ATTRIBUTE, EntityType.TAG))
          .attr("name", ValueType.STRING)
          .attr("experiment_id", ValueType.STRING, "id")
          .attr("creation_time", ValueType.NUMBER)
          .attr("last_update_time", ValueType.NUMBER)
          .build();

  public static final SearchSchema LOGGED_MODELS =
      new Builder(
              "logged models",
              EnumSet.of(EntityType.ATTRIBUTE, EntityType.METRIC, EntityType.PARAM, EntityType.TAG))
          .attr("model_id", ValueType.STRING)
          .attr("name", ValueType.STRING)
          .attr("model_type", ValueType.STRING)
          .attr("status", ValueType.STRING)
          .attr("source_run_id", ValueType.STRING)
          .attr("experiment_id", ValueType.STRING)
          .attr("creation_timestamp", ValueType.NUMBER, "creation_time")
          .attr("last_updated_timestamp", ValueType.NUMBER, "last_updated_time")
          .build();

  public static final SearchSchema REGISTERED_MODELS =
      new Builder("registered models", EnumSet.of(EntityType.ATTRIBUTE, EntityType.TAG))
          .attr("name", ValueType.STRING)
          .attr("creation_timestamp", ValueType.NUMBER)
          .attr("last_updated_timestamp", ValueType.NUMBER, "timestamp")
          .build();

  public static final SearchSchema MODEL_VERSIONS =
      new Builder("model versions", EnumSet.of(EntityType.ATTRIBUTE, EntityType.TAG))
          .attr("name", ValueType.STRING)
          .attr("version_number", ValueType.NUMBER, "version")
          .attr("run_id", ValueType.STRING)
          .attr("source_path", ValueType.STRING, "source")
          .attr("current_stage", ValueType.STRING)
          .attr("model_id", ValueType.STRING)
          .attr("creation_timestamp", ValueType.NUMBER)
          .attr("last_updated_timestamp", ValueType.NUMBER, "timestamp")
          .build();

  private static final Set<String> DATASET_KEYS = Set.of("name", "digest", "context");

  private final String entityName;
  private final Set<EntityType> entities;
  private final Map<String, String> aliases;
  private final Map<String, ValueType> attributes;

  private SearchSchema(
      String entityName,
      Set<EntityType> entities,
      Map<String, String> aliases,
      Map<String, ValueType> attributes) {
    this.entityName = entityName;
    this.entities = entities;
    this.aliases = aliases;
    this.attributes = attributes;
  }

  public String entityName() {
    return entityName;
  }

  /** The canonical attribute for a name as a user wrote it, or null if there is none. */
  public String attribute(String name) {
    return aliases.get(name.toLowerCase(Locale.ROOT));
  }

  public ValueType attributeType(String canonical) {
    return attributes.get(canonical);
  }

  /** Checks that this entity has identifiers of the given kind and key, and canonicalises it. */
  Identifier resolve(EntityType type, String key, Aggregate aggregate, String text) {
    if (!entities.contains(type)) {
      throw CairnException.invalid(
          "Invalid identifier '%s': %s cannot be searched by %s",
          text, entityName, type.name().toLowerCase(Locale.ROOT) + "s");
    }
    if (key.isEmpty()) {
      throw CairnException.invalid("Invalid identifier '%s': the key is empty", text);
    }
    if (aggregate != Aggregate.LAST && type != EntityType.METRIC) {
      throw CairnException.invalid(
          "Invalid identifier '%s': min(), max() and last() apply to metrics only", text);
    }
    switch (type) {
      case ATTRIBUTE -> {
        String canonical = attribute(key);
        if (canonical == null) {
          throw CairnException.invalid(
              "Invalid attribute '%s': %s have the attributes %s",
              key, entityName, attributes.keySet());
        }
        return Identifier.of(type, canonical);
      }
      case DATASET -> {
        String lower = key.toLowerCase(Locale.ROOT);
        if (!DATASET_KEYS.contains(lower)) {
          throw CairnException.invalid(
              "Invalid dataset attribute '%s': expected one of name, digest, context", key);
        }
        return Identifier.of(type, lower);
      }
      default -> {
        return new Identifier(type, key, aggregate);
      }
    }
  }

  private static final class Builder {
    private final String entityName;
    private final Set<EntityType> entities;
    private final Map<String, String> aliases = new LinkedHashMap<>();
    private final Map<String, ValueType> attributes = new LinkedHashMap<>();

    Builder(String entityName, Set<EntityType> entities) {
      this.entityName = entityName;
      this.entities = entities;
    }

    Builder attr(String name, ValueType type, String... more) {
      attributes.put(name, type);
      aliases.put(name, name);
      for (String alias : more) {
        aliases.put(alias.toLowerCase(Locale.ROOT), name);
      }
      return this;
    }

    SearchSchema build() {
      return new SearchSchema(entityName, entities, Map.copyOf(aliases), Map.copyOf(attributes));
    }
  }
}
