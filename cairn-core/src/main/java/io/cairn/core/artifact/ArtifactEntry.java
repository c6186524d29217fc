package io.cairn.core.artifact;

/** One entry of a directory listing: its name within the directory, and its size when a file. */
public record ArtifactEntry(String name, boolean isDir, long fileSize) {}
