// Parquet in and out through DuckDB: read requested columns into typed arrays (checked against the
// request, with file/column/row in every error), scan large files in bounded batches, write atomically.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "io/table.h"

namespace mmctr::io {

enum class ColumnType {
  Int64,        // any integer column that widens losslessly to int64 -> Int64Array
  Float32,      // float or double -> FloatArray
  String,       // varchar -> StringArray
  Int64List,    // list<integer> of any lengths -> ListArray
  Int64Matrix,  // list<integer> of one length (width, or inferred from the first row) -> Int64Matrix
  FloatMatrix,  // list<float|double> of one length -> FloatMatrix; NaN/Inf rejected
};

struct ColumnRequest {
  std::string name;
  ColumnType type;
  int64_t width = -1;  // Int64Matrix/FloatMatrix: required length; -1 takes the first row's
};

// One entry of a Parquet file's schema as DuckDB sees it, e.g. {"item_seq", "BIGINT[]"}.
struct SchemaField {
  std::string name;
  std::string type;
};

std::vector<SchemaField> parquet_schema(const std::string& path);
int64_t parquet_rows(const std::string& path);

// Reads whole columns. Errors (InputError): missing/non-Parquet file, missing column, wrong type,
// NULL, list of the wrong length, NaN/Inf in a float matrix -- each naming file, column and row.
Table read_parquet(const std::string& path, const std::vector<ColumnRequest>& columns);

// Streams the file in batches of about batch_rows rows (bounded memory). `on_batch` gets each
// batch and the index of its first row in the file.
void scan_parquet(const std::string& path, const std::vector<ColumnRequest>& columns,
                  int64_t batch_rows, const std::function<void(const Table&, int64_t first_row)>& on_batch);

// Writes a table (Int64Array -> BIGINT, FloatArray -> FLOAT, StringArray -> VARCHAR,
// ListArray/Int64Matrix -> BIGINT[], FloatMatrix -> FLOAT[]) as zstd Parquet, through a temporary
// name renamed into place.
void write_parquet(const std::string& path, const Table& table);

// Writes a table in parts (for outputs larger than memory): append() batches with the same
// columns, then finish() renames the file into place. Destroyed unfinished, nothing is left.
class ParquetWriter {
 public:
  explicit ParquetWriter(std::string path);
  ~ParquetWriter();
  void append(const Table& batch);
  void finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace mmctr::io
