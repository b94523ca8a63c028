// Per-item vectors read from a Parquet column (teacher features, behaviour targets), looked up by
// item_id. A source is named "FILE" or "FILE:COLUMN"; several feature sources are concatenated
// item by item, so e.g. image and text vectors of the same items become one input.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "io/table.h"

namespace mmctr::proj {

struct VectorSource {
  std::string path;
  std::string column;  // empty: the file's only list<float|double> column besides item_id
};

// Whether a column of this DuckDB type (parquet_schema) holds vectors: FLOAT[] or DOUBLE[].
bool is_vector_type(const std::string& duckdb_type);

// "FILE" or "FILE:COLUMN". A spec naming an existing file is taken whole, so paths that
// contain ':' still work.
VectorSource parse_vector_source(const std::string& spec);

// The column a source reads: its own, or the only float-list column of the file (InputError
// listing the candidates when there are none or several).
std::string resolve_column(const VectorSource& source);

struct ItemVectors {
  io::Int64Array item_id;
  io::FloatMatrix vectors;  // row r belongs to item_id[r]
  std::string description;  // "file:column[+file:column]" for messages and the summary
  std::unordered_map<int64_t, int64_t> row_of;  // item_id -> row

  int64_t rows() const { return vectors.rows; }
  int64_t dim() const { return vectors.cols; }
  // The row of an item, or -1.
  int64_t find(int64_t item) const;
};

// Reads item_id and one float-list column. Errors (InputError, naming file/column/row): missing
// file or column, ragged or non-finite vectors (from the io layer), duplicate item ids.
ItemVectors read_item_vectors(const VectorSource& source);

// Concatenates the vectors of the items present in every part, in the order of the first part.
// `dropped` counts items of any part that are missing from another.
ItemVectors concatenate(std::vector<ItemVectors> parts, int64_t* dropped);

}  // namespace mmctr::proj
