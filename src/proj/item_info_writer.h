// Writes item_info again with one embedding column replaced (or added): every other column, its
// type and every row stay as they were, in the same order. Done in DuckDB SQL, joining the file's
// row numbers to the new vectors, so columns mmctr does not know about pass through untouched.
#pragma once

#include <string>

#include "io/table.h"

namespace mmctr::proj {

// The seed's L2 normalisation of item embeddings: v / (|v| + 1e-6).
constexpr double kNormEpsilon = 1e-6;

// InputError unless `column` is absent from item_info (it will be appended) or holds vectors, and
// item_info has no column named file_row_number (the writer's row key).
void check_embedding_column(const std::string& item_info, const std::string& column);

// embeddings.row(r) becomes `column` of row r of `item_info`. An existing column keeps its place
// and type (e.g. DOUBLE[]); a new one is appended as FLOAT[]. `out` is written atomically
// (zstd Parquet) and must not be `item_info`.
void write_item_info_with_embeddings(const std::string& item_info, const std::string& column,
                                     const io::FloatMatrix& embeddings, const std::string& out);

}  // namespace mmctr::proj
