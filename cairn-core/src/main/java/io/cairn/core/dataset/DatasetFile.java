package io.cairn.core.dataset;

/**
 * One file of a dataset version: its path inside the dataset (relative, '/'-separated), its size in
 * bytes and the sha256 of its content (64 lowercase hex digits), which names the blob that holds
 * it.
 */
public record DatasetFile(String path, long size, String sha256) {}
