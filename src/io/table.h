// Typed columnar arrays: what the data layer hands to the stages and takes back from them.
// Files -> Table -> tensors -> Table -> files; no stage sees DuckDB.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace mmctr::io {

using Int64Array = std::vector<int64_t>;
using FloatArray = std::vector<float>;
using StringArray = std::vector<std::string>;

// A list<int64> column of any lengths: row r holds values[offsets[r] .. offsets[r+1]).
struct ListArray {
  std::vector<int64_t> offsets{0};
  std::vector<int64_t> values;

  int64_t rows() const { return static_cast<int64_t>(offsets.size()) - 1; }
  int64_t length(int64_t r) const { return offsets[r + 1] - offsets[r]; }
  const int64_t* row(int64_t r) const { return values.data() + offsets[r]; }
  void push_back(const int64_t* begin, int64_t n) {
    values.insert(values.end(), begin, begin + n);
    offsets.push_back(static_cast<int64_t>(values.size()));
  }
};

// A fixed-length list<int64> column (sequences, tags): rows x cols, row-major.
struct Int64Matrix {
  int64_t rows = 0, cols = 0;
  std::vector<int64_t> data;
  const int64_t* row(int64_t r) const { return data.data() + r * cols; }
  int64_t* row(int64_t r) { return data.data() + r * cols; }
};

// A fixed-length list<float> (or list<double>) column, e.g. embeddings: rows x cols, row-major.
struct FloatMatrix {
  int64_t rows = 0, cols = 0;
  std::vector<float> data;
  const float* row(int64_t r) const { return data.data() + r * cols; }
  float* row(int64_t r) { return data.data() + r * cols; }
};

using ColumnValues = std::variant<Int64Array, FloatArray, StringArray, ListArray, Int64Matrix, FloatMatrix>;

int64_t column_rows(const ColumnValues& values);

struct Column {
  std::string name;
  ColumnValues values;
};

// Columns of equal length, in file order.
struct Table {
  std::vector<Column> columns;

  int64_t rows() const;
  bool has(const std::string& name) const;
  // Throws InternalError if the column is missing or holds another type.
  template <typename T>
  const T& get(const std::string& name) const;
  template <typename T>
  T& get(const std::string& name);
  template <typename T>
  void add(std::string name, T values) {
    columns.push_back(Column{std::move(name), std::move(values)});
  }
};

}  // namespace mmctr::io
