#include "io/parquet.h"

#include <cmath>
#include <cstring>
#include <filesystem>
#include <unordered_map>

#include "common/error.h"
#include "common/files.h"
#include "io/duckdb.h"
#include "io/duckdb_types.h"

namespace mmctr::io {
namespace {

const char* describe(ColumnType type) {
  switch (type) {
    case ColumnType::Int64: return "an integer column (int64)";
    case ColumnType::Float32: return "a floating-point column (float/double)";
    case ColumnType::String: return "a string column";
    case ColumnType::Int64List:
    case ColumnType::Int64Matrix: return "a list of integers (list<int64>)";
    case ColumnType::FloatMatrix: return "a list of floats (list<float> or list<double>)";
  }
  return "?";
}

bool is_integer(const std::string& t) {
  return t == "BIGINT" || t == "INTEGER" || t == "SMALLINT" || t == "TINYINT" || t == "UINTEGER" ||
         t == "USMALLINT" || t == "UTINYINT";
}
bool is_float(const std::string& t) { return t == "FLOAT" || t == "DOUBLE"; }

// "BIGINT[]" -> "BIGINT"; "FLOAT[128]" -> "FLOAT"; anything else -> "".
std::string list_element(const std::string& t) {
  if (t.empty() || t.back() != ']') return "";
  auto open = t.rfind('[');
  return open == std::string::npos ? "" : t.substr(0, open);
}

bool type_matches(ColumnType want, const std::string& t) {
  switch (want) {
    case ColumnType::Int64: return is_integer(t);
    case ColumnType::Float32: return is_float(t);
    case ColumnType::String: return t == "VARCHAR";
    case ColumnType::Int64List:
    case ColumnType::Int64Matrix: return is_integer(list_element(t));
    case ColumnType::FloatMatrix: return is_float(list_element(t));
  }
  return false;
}

std::string select_expression(const ColumnRequest& c) {
  std::string id = quote_identifier(c.name);
  switch (c.type) {
    case ColumnType::Int64: return "CAST(" + id + " AS BIGINT)";
    case ColumnType::Float32: return "CAST(" + id + " AS FLOAT)";
    case ColumnType::String: return id;
    case ColumnType::Int64List:
    case ColumnType::Int64Matrix: return "CAST(" + id + " AS BIGINT[])";
    case ColumnType::FloatMatrix: return "CAST(" + id + " AS FLOAT[])";
  }
  return id;
}

std::string scan_source(const std::string& path) {
  return "read_parquet(" + quote_literal(path) + ")";
}

// DuckDB's own words for a broken file are cryptic ("No magic bytes found at end of file"): say
// what it means first.
[[noreturn]] void rethrow_as_file_error(const std::string& path, const InputError& e) {
  std::string message = e.what();
  auto colon = message.find(": ");
  std::string detail = colon == std::string::npos ? message : message.substr(colon + 2);
  fail("{}: not a readable Parquet file (truncated, corrupt or another format): {}", path, detail);
}

void require_parquet_file(const std::string& path) { require_file(path, "Parquet file"); }

struct Session {
  Database db;
  Connection con{db};
};

std::vector<SchemaField> schema_of(Connection& con, const std::string& path) {
  std::vector<SchemaField> fields;
  try {
    QueryStream stream(con, "DESCRIBE SELECT * FROM " + scan_source(path), path);
    while (duckdb_data_chunk chunk = stream.next()) {
      idx_t n = duckdb_data_chunk_get_size(chunk);
      auto* names = static_cast<duckdb_string_t*>(duckdb_vector_get_data(duckdb_data_chunk_get_vector(chunk, 0)));
      auto* types = static_cast<duckdb_string_t*>(duckdb_vector_get_data(duckdb_data_chunk_get_vector(chunk, 1)));
      for (idx_t i = 0; i < n; ++i) {
        fields.push_back({std::string(duckdb_string_t_data(&names[i]), duckdb_string_t_length(names[i])),
                          std::string(duckdb_string_t_data(&types[i]), duckdb_string_t_length(types[i]))});
      }
    }
  } catch (const InputError& e) {
    rethrow_as_file_error(path, e);
  }
  return fields;
}

void check_columns(const std::string& path, const std::vector<SchemaField>& schema,
                   const std::vector<ColumnRequest>& columns) {
  for (const auto& c : columns) {
    const SchemaField* found = nullptr;
    for (const auto& f : schema)
      if (f.name == c.name) found = &f;
    if (!found) {
      std::string have;
      for (const auto& f : schema) have += (have.empty() ? "" : ", ") + f.name;
      fail("{}: column '{}' not found (the file has: {})", path, c.name, have);
    }
    MMCTR_CHECK(type_matches(c.type, found->type), "{}: column '{}' has type {}, expected {}", path,
                c.name, found->type, describe(c.type));
  }
}

// Appends one DuckDB vector (rows [0, n) of a chunk whose first row is file row `first_row`) to a column.
class ColumnDecoder {
 public:
  ColumnDecoder(std::string path, ColumnRequest request) : path_(std::move(path)), request_(std::move(request)) {
    switch (request_.type) {
      case ColumnType::Int64: values_ = Int64Array{}; break;
      case ColumnType::Float32: values_ = FloatArray{}; break;
      case ColumnType::String: values_ = StringArray{}; break;
      case ColumnType::Int64List: values_ = ListArray{}; break;
      case ColumnType::Int64Matrix: values_ = Int64Matrix{0, request_.width, {}}; break;
      case ColumnType::FloatMatrix: values_ = FloatMatrix{0, request_.width, {}}; break;
    }
  }

  // Reserves room for `rows` rows (list columns: with the first chunk's mean length) so that a whole-file
  // read never holds two copies of a column while a vector grows.
  void reserve(int64_t rows, duckdb_vector first_chunk, idx_t first_n) {
    std::visit(
        [&](auto& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, Int64Matrix> || std::is_same_v<T, FloatMatrix> || std::is_same_v<T, ListArray>) {
            auto* entries = static_cast<duckdb_list_entry*>(duckdb_vector_get_data(first_chunk));
            idx_t sample = 0;
            for (idx_t i = 0; i < first_n; ++i) sample += entries[i].length;
            int64_t per_row = first_n ? static_cast<int64_t>(sample / first_n) : 0;
            if constexpr (std::is_same_v<T, ListArray>) {
              v.offsets.reserve(rows + 1);
              v.values.reserve(rows * per_row);
            } else {
              v.data.reserve(rows * per_row);
            }
          } else {
            v.reserve(rows);
          }
        },
        values_);
  }

  void decode(duckdb_vector vector, idx_t n, int64_t first_row) {
    uint64_t* validity = duckdb_vector_get_validity(vector);
    for (idx_t i = 0; validity && i < n; ++i)
      MMCTR_CHECK(duckdb_validity_row_is_valid(validity, i), "{}: column '{}' row {}: null value, expected {}",
                  path_, request_.name, first_row + static_cast<int64_t>(i), describe(request_.type));
    void* data = duckdb_vector_get_data(vector);
    std::visit([&](auto& out) { decode_into(out, vector, data, n, first_row); }, values_);
  }

  Column take() { return Column{request_.name, std::move(values_)}; }
  void clear() {
    std::visit(
        [](auto& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, ListArray>) v = ListArray{};
          else if constexpr (std::is_same_v<T, Int64Matrix> || std::is_same_v<T, FloatMatrix>) { v.rows = 0; v.data.clear(); }
          else v.clear();
        },
        values_);
  }
  Column copy() const { return Column{request_.name, values_}; }

 private:
  void decode_into(Int64Array& out, duckdb_vector, void* data, idx_t n, int64_t) {
    auto* p = static_cast<int64_t*>(data);
    out.insert(out.end(), p, p + n);
  }
  void decode_into(FloatArray& out, duckdb_vector, void* data, idx_t n, int64_t) {
    auto* p = static_cast<float*>(data);
    out.insert(out.end(), p, p + n);
  }
  void decode_into(StringArray& out, duckdb_vector, void* data, idx_t n, int64_t) {
    auto* p = static_cast<duckdb_string_t*>(data);
    for (idx_t i = 0; i < n; ++i) out.emplace_back(duckdb_string_t_data(&p[i]), duckdb_string_t_length(p[i]));
  }

  // The list's child vector with its element validity checked.
  template <typename T>
  const T* child_values(duckdb_vector vector, const duckdb_list_entry* entries, idx_t n, int64_t first_row) {
    duckdb_vector child = duckdb_list_vector_get_child(vector);
    uint64_t* validity = duckdb_vector_get_validity(child);
    if (validity) {
      for (idx_t i = 0; i < n; ++i)
        for (uint64_t k = entries[i].offset; k < entries[i].offset + entries[i].length; ++k)
          MMCTR_CHECK(duckdb_validity_row_is_valid(validity, k), "{}: column '{}' row {}: null list element",
                      path_, request_.name, first_row + static_cast<int64_t>(i));
    }
    return static_cast<const T*>(duckdb_vector_get_data(child));
  }

  void decode_into(ListArray& out, duckdb_vector vector, void* data, idx_t n, int64_t first_row) {
    auto* entries = static_cast<duckdb_list_entry*>(data);
    const int64_t* child = child_values<int64_t>(vector, entries, n, first_row);
    for (idx_t i = 0; i < n; ++i) out.push_back(child + entries[i].offset, static_cast<int64_t>(entries[i].length));
  }

  template <typename Matrix>
  void check_width(Matrix& out, const duckdb_list_entry* entries, idx_t n, int64_t first_row) {
    if (out.cols < 0 && n > 0) out.cols = static_cast<int64_t>(entries[0].length);
    for (idx_t i = 0; i < n; ++i)
      MMCTR_CHECK(static_cast<int64_t>(entries[i].length) == out.cols,
                  "{}: column '{}' row {}: list of length {}, expected length {}", path_, request_.name,
                  first_row + static_cast<int64_t>(i), entries[i].length, out.cols);
  }

  template <typename Matrix>
  void decode_matrix(Matrix& out, duckdb_vector vector, void* data, idx_t n, int64_t first_row) {
    using T = typename decltype(out.data)::value_type;
    auto* entries = static_cast<duckdb_list_entry*>(data);
    check_width(out, entries, n, first_row);
    const T* child = child_values<T>(vector, entries, n, first_row);
    size_t old = out.data.size();
    out.data.resize(old + n * out.cols);
    T* dst = out.data.data() + old;
    for (idx_t i = 0; i < n; ++i) std::memcpy(dst + i * out.cols, child + entries[i].offset, out.cols * sizeof(T));
    if constexpr (std::is_same_v<T, float>) {
      for (idx_t i = 0; i < n; ++i)
        for (int64_t k = 0; k < out.cols; ++k)
          MMCTR_CHECK(std::isfinite(dst[i * out.cols + k]), "{}: column '{}' row {}: element {} is {}, expected a finite number",
                      path_, request_.name, first_row + static_cast<int64_t>(i), k, dst[i * out.cols + k]);
    }
    out.rows += static_cast<int64_t>(n);
  }
  void decode_into(Int64Matrix& out, duckdb_vector v, void* data, idx_t n, int64_t first_row) {
    decode_matrix(out, v, data, n, first_row);
  }
  void decode_into(FloatMatrix& out, duckdb_vector v, void* data, idx_t n, int64_t first_row) {
    decode_matrix(out, v, data, n, first_row);
  }

  std::string path_;
  ColumnRequest request_;
  ColumnValues values_;
};

// Runs the checked SELECT over the file and feeds chunks to decoders; `on_rows` is called after
// every chunk with the number of rows decoded so far.
void stream_columns(const std::string& path, const std::vector<ColumnRequest>& columns,
                    std::vector<ColumnDecoder>& decoders, const std::function<void(int64_t)>& after_chunk,
                    int64_t reserve_rows) {
  require_parquet_file(path);
  Session s;
  check_columns(path, schema_of(s.con, path), columns);
  std::string select;
  for (const auto& c : columns) select += (select.empty() ? "" : ", ") + select_expression(c);
  for (const auto& c : columns) decoders.emplace_back(path, c);
  int64_t row = 0;
  try {
    QueryStream stream(s.con, "SELECT " + select + " FROM " + scan_source(path), path);
    while (duckdb_data_chunk chunk = stream.next()) {
      idx_t n = duckdb_data_chunk_get_size(chunk);
      if (row == 0 && reserve_rows > 0)
        for (size_t c = 0; c < decoders.size(); ++c)
          decoders[c].reserve(reserve_rows, duckdb_data_chunk_get_vector(chunk, c), n);
      for (size_t c = 0; c < decoders.size(); ++c)
        decoders[c].decode(duckdb_data_chunk_get_vector(chunk, c), n, row);
      row += static_cast<int64_t>(n);
      after_chunk(row);
    }
  } catch (const InputError& e) {
    std::string message = e.what();
    if (message.rfind(path + ": column", 0) == 0) throw;  // our own, already precise
    if (message.find("Conversion Error") != std::string::npos || message.find("Could not convert") != std::string::npos)
      fail("{}: a value does not fit the expected type after row {}: {}", path, row, message);
    rethrow_as_file_error(path, e);
  }
}

}  // namespace

std::vector<SchemaField> parquet_schema(const std::string& path) {
  require_parquet_file(path);
  Session s;
  return schema_of(s.con, path);
}

int64_t parquet_rows(const std::string& path) {
  require_parquet_file(path);
  Session s;
  int64_t rows = 0;
  try {
    QueryStream stream(s.con, "SELECT CAST(SUM(num_rows) AS BIGINT) FROM parquet_file_metadata(" + quote_literal(path) + ")", path);
    if (duckdb_data_chunk chunk = stream.next())
      rows = static_cast<int64_t*>(duckdb_vector_get_data(duckdb_data_chunk_get_vector(chunk, 0)))[0];
  } catch (const InputError& e) {
    rethrow_as_file_error(path, e);
  }
  return rows;
}

Table read_parquet(const std::string& path, const std::vector<ColumnRequest>& columns) {
  std::vector<ColumnDecoder> decoders;
  stream_columns(path, columns, decoders, [](int64_t) {}, parquet_rows(path));
  Table table;
  for (auto& d : decoders) table.columns.push_back(d.take());
  return table;
}

void scan_parquet(const std::string& path, const std::vector<ColumnRequest>& columns, int64_t batch_rows,
                  const std::function<void(const Table&, int64_t)>& on_batch) {
  std::vector<ColumnDecoder> decoders;
  int64_t batch_start = 0;
  auto flush = [&](int64_t rows_done) {
    Table batch;
    for (auto& d : decoders) {
      batch.columns.push_back(d.take());
      d.clear();
    }
    if (batch.rows() > 0) on_batch(batch, batch_start);
    batch_start = rows_done;
  };
  stream_columns(path, columns, decoders, [&](int64_t rows_done) {
    if (rows_done - batch_start >= batch_rows) flush(rows_done);
  }, 0);
  flush(batch_start);
}

// ---- writing ----

struct ParquetWriter::State {
  std::string path;
  PendingOutput parts_folder;
  std::vector<std::string> parts;
  Session session;
  explicit State(std::string p) : path(std::move(p)), parts_folder(path + ".parts", true) {}
};

namespace {
void copy_table_to_parquet(Connection& con, const std::string& table_sql, const std::string& out) {
  con.execute("COPY (" + table_sql + ") TO " + quote_literal(out) + " (FORMAT parquet, COMPRESSION zstd)", out);
}
}  // namespace

ParquetWriter::ParquetWriter(std::string path) : state_(std::make_unique<State>(std::move(path))) {}
ParquetWriter::~ParquetWriter() = default;

void ParquetWriter::append(const Table& batch) {
  MMCTR_ASSERT(state_);
  std::string part = fmt::format("{}/part-{:06d}.parquet", state_->parts_folder.path(), state_->parts.size());
  state_->session.con.create_table("batch", batch);
  copy_table_to_parquet(state_->session.con, "SELECT * FROM batch", part);
  state_->session.con.execute("DROP TABLE batch");
  state_->parts.push_back(part);
}

void ParquetWriter::finish() {
  MMCTR_ASSERT(state_ && !state_->parts.empty());
  PendingOutput out(state_->path);
  std::string list;
  for (const auto& p : state_->parts) list += (list.empty() ? "" : ", ") + quote_literal(p);
  // Parts are read back in order (preserve_insertion_order), so rows keep the order they were appended in.
  copy_table_to_parquet(state_->session.con, "SELECT * FROM read_parquet([" + list + "])", out.path());
  out.commit();
  state_.reset();
}

void write_parquet(const std::string& path, const Table& table) {
  MMCTR_CHECK(!table.columns.empty(), "{}: nothing to write", path);
  PendingOutput out(path);
  Session s;
  s.con.create_table("output", table);
  copy_table_to_parquet(s.con, "SELECT * FROM output", out.path());
  out.commit();
}

}  // namespace mmctr::io
