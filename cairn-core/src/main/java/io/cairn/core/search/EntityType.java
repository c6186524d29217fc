package io.cairn.core.search;

/** What an identifier in a filter or order_by refers to. */
public enum EntityType {
  ATTRIBUTE,
  METRIC,
  PARAM,
  TAG,
  DATASET
}
