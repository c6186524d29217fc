package io.cairn.core.search;

/** One order_by clause. */
public record OrderBy(Identifier identifier, boolean ascending) {}
