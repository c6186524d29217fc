package io.cairn.core.artifact;

import io.cairn.core.artifact.MultipartArtifactRepository.CompletedPart;
import io.cairn.core.error.CairnException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The part list of a multipart completion, checked the same way by every {@link
 * MultipartArtifactRepository}: well formed first ({@link #sorted}), then against the parts the
 * upload holds, with the same refusals ({@link #notUploaded}, {@link #wrongEtag}). All refusals are
 * INVALID_PARAMETER_VALUE and name the part; the upload stays as it was, completable with the right
 * list.
 */
public final class PartList {
  private PartList() {}

  /**
   * The listed parts in part-number order, each checked to have a number from 1 to {@code
   * maxParts}, an ETag, and to be listed once.
   */
  public static List<CompletedPart> sorted(
      ArtifactPath file, List<CompletedPart> parts, int maxParts) {
    if (parts == null || parts.isEmpty()) {
      throw CairnException.invalid("Cannot complete the upload of '%s': no parts given", file);
    }
    Set<Integer> seen = new HashSet<>();
    for (CompletedPart part : parts) {
      if (part.partNumber() < 1 || part.partNumber() > maxParts) {
        throw CairnException.invalid(
            "Cannot complete the upload of '%s': part numbers must be between 1 and %d, got %d",
            file, maxParts, part.partNumber());
      }
      if (part.etag() == null || part.etag().isBlank()) {
        throw CairnException.invalid(
            "Cannot complete the upload of '%s': Part %d has no ETag", file, part.partNumber());
      }
      if (!seen.add(part.partNumber())) {
        throw CairnException.invalid(
            "Cannot complete the upload of '%s': Part %d is listed twice", file, part.partNumber());
      }
    }
    List<CompletedPart> sorted = new ArrayList<>(parts);
    sorted.sort(Comparator.comparingInt(CompletedPart::partNumber));
    return sorted;
  }

  /** An ETag without the double quotes HTTP puts around it (S3's are quoted, Cairn's are not). */
  public static String bare(String etag) {
    String e = etag.strip();
    return e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"")
        ? e.substring(1, e.length() - 1)
        : e;
  }

  /** Whether two ETags name the same part content, quoted or not. */
  public static boolean sameEtag(String a, String b) {
    return bare(a).equalsIgnoreCase(bare(b));
  }

  /** The refusal of a listed part that was never uploaded. */
  public static CairnException notUploaded(ArtifactPath file, String uploadId, int partNumber) {
    return CairnException.invalid(
        "Cannot complete the upload of '%s': Part %d was never uploaded to upload %s;"
            + " upload it, or list only the parts you uploaded",
        file, partNumber, uploadId);
  }

  /** The refusal of a listed part whose ETag is not the one its upload was answered with. */
  public static CairnException wrongEtag(ArtifactPath file, CompletedPart listed, String stored) {
    return CairnException.invalid(
        "Cannot complete the upload of '%s': Part %d is listed with ETag %s, but the part"
            + " uploaded has ETag %s; list each part with the ETag its upload answered",
        file, listed.partNumber(), listed.etag(), stored);
  }
}
