package io.cairn.storage.sql;

import io.cairn.core.dataset.DatasetRef;
import io.cairn.core.error.CairnException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Lookups of managed datasets shared by the dataset store and the run store (which links a run's
 * inputs to dataset versions in its own transaction).
 */
final class DatasetRows {
  /** Most values bound in one statement's {@code IN} list, well under every driver's limit. */
  static final int CHUNK = 400;

  private static final Pattern NUMBER = Pattern.compile("^[0-9]{1,18}$");

  private DatasetRows() {}

  static Optional<Long> datasetId(Tx tx, String workspace, String name) throws SQLException {
    return tx.first(
        "SELECT dataset_id FROM managed_datasets WHERE workspace = ? AND name = ?",
        rs -> rs.getLong(1),
        workspace,
        name);
  }

  static long requireDataset(Tx tx, String workspace, String name) throws SQLException {
    return datasetId(tx, workspace, name).orElseThrow(() -> datasetNotFound(name));
  }

  static CairnException datasetNotFound(String name) {
    return CairnException.notFound("Dataset '%s' not found.", name);
  }

  static CairnException versionNotFound(String name, long version) {
    return CairnException.notFound("Dataset '%s' has no version %d.", name, version);
  }

  static boolean versionExists(Tx tx, long datasetId, long version) throws SQLException {
    return tx.first(
            "SELECT 1 FROM managed_dataset_versions WHERE dataset_id = ? AND version = ?",
            rs -> rs.getInt(1),
            datasetId,
            version)
        .isPresent();
  }

  /**
   * The version a reference's version part names in a dataset: null is the newest version that is
   * not deprecated, digits are that version (if it exists), anything else is a tag.
   */
  static Optional<Long> resolve(Tx tx, long datasetId, String version) throws SQLException {
    if (version == null) {
      List<Long> newest =
          tx.query(
              "SELECT MAX(version) AS newest FROM managed_dataset_versions WHERE dataset_id = ?"
                  + " AND NOT deprecated",
              rs -> Tx.nullableLong(rs, "newest"),
              datasetId);
      return newest.isEmpty() ? Optional.empty() : Optional.ofNullable(newest.get(0));
    }
    if (NUMBER.matcher(version).matches()) {
      long number = Long.parseLong(version);
      return versionExists(tx, datasetId, number) ? Optional.of(number) : Optional.empty();
    }
    return tx.first(
        "SELECT version FROM managed_dataset_tags WHERE dataset_id = ? AND tag = ?",
        rs -> rs.getLong(1),
        datasetId,
        version);
  }

  /** Why a reference names no version in a workspace, for an error message. */
  static String unresolved(Tx tx, String workspace, DatasetRef ref) throws SQLException {
    if (datasetId(tx, workspace, ref.name()).isEmpty()) {
      return "there is no dataset '" + ref.name() + "'";
    }
    if (ref.version() == null) {
      return "dataset '" + ref.name() + "' has no version that is not deprecated";
    }
    return "dataset '" + ref.name() + "' has no version or tag '" + ref.version() + "'";
  }

  /** The list cut into consecutive pieces of at most {@code size}. */
  static <T> List<List<T>> chunks(List<T> list, int size) {
    List<List<T>> out = new ArrayList<>();
    for (int from = 0; from < list.size(); from += size) {
      out.add(list.subList(from, Math.min(list.size(), from + size)));
    }
    return out;
  }
}
