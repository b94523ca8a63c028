#include "io/duckdb_types.h"

#include <cstring>

#include "common/error.h"

namespace mmctr::io {
namespace {

template <class... Ts>
struct overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
overloaded(Ts...) -> overloaded<Ts...>;

duckdb_logical_type logical_type(const ColumnValues& values) {
  auto scalar = [](duckdb_type t) { return duckdb_create_logical_type(t); };
  auto list = [](duckdb_type t) {
    duckdb_logical_type child = duckdb_create_logical_type(t);
    duckdb_logical_type l = duckdb_create_list_type(child);
    duckdb_destroy_logical_type(&child);
    return l;
  };
  return std::visit(overloaded{[&](const Int64Array&) { return scalar(DUCKDB_TYPE_BIGINT); },
                               [&](const FloatArray&) { return scalar(DUCKDB_TYPE_FLOAT); },
                               [&](const StringArray&) { return scalar(DUCKDB_TYPE_VARCHAR); },
                               [&](const ListArray&) { return list(DUCKDB_TYPE_BIGINT); },
                               [&](const Int64Matrix&) { return list(DUCKDB_TYPE_BIGINT); },
                               [&](const FloatMatrix&) { return list(DUCKDB_TYPE_FLOAT); }},
                    values);
}

// Fills rows [begin, begin + n) of a column into a chunk's vector.
void fill_vector(duckdb_vector vector, const ColumnValues& values, int64_t begin, idx_t n) {
  auto fill_list = [&](auto row_length, auto row_data, auto element) {
    using T = std::decay_t<decltype(element)>;
    idx_t total = 0;
    for (idx_t i = 0; i < n; ++i) total += row_length(begin + i);
    duckdb_list_vector_reserve(vector, total);
    duckdb_list_vector_set_size(vector, total);
    auto* entries = static_cast<duckdb_list_entry*>(duckdb_vector_get_data(vector));
    T* child = static_cast<T*>(duckdb_vector_get_data(duckdb_list_vector_get_child(vector)));
    idx_t offset = 0;
    for (idx_t i = 0; i < n; ++i) {
      idx_t len = row_length(begin + i);
      entries[i] = {offset, len};
      std::memcpy(child + offset, row_data(begin + i), len * sizeof(T));
      offset += len;
    }
  };
  std::visit(
      overloaded{
          [&](const Int64Array& v) {
            std::memcpy(duckdb_vector_get_data(vector), v.data() + begin, n * sizeof(int64_t));
          },
          [&](const FloatArray& v) {
            std::memcpy(duckdb_vector_get_data(vector), v.data() + begin, n * sizeof(float));
          },
          [&](const StringArray& v) {
            for (idx_t i = 0; i < n; ++i)
              duckdb_vector_assign_string_element_len(vector, i, v[begin + i].data(), v[begin + i].size());
          },
          [&](const ListArray& v) {
            fill_list([&](int64_t r) { return static_cast<idx_t>(v.length(r)); },
                      [&](int64_t r) { return v.row(r); }, int64_t{});
          },
          [&](const Int64Matrix& v) {
            fill_list([&](int64_t) { return static_cast<idx_t>(v.cols); }, [&](int64_t r) { return v.row(r); },
                      int64_t{});
          },
          [&](const FloatMatrix& v) {
            fill_list([&](int64_t) { return static_cast<idx_t>(v.cols); }, [&](int64_t r) { return v.row(r); },
                      float{});
          }},
      values);
}

}  // namespace

std::string sql_type(const ColumnValues& values) {
  return std::visit(overloaded{[](const Int64Array&) { return "BIGINT"; }, [](const FloatArray&) { return "FLOAT"; },
                               [](const StringArray&) { return "VARCHAR"; }, [](const ListArray&) { return "BIGINT[]"; },
                               [](const Int64Matrix&) { return "BIGINT[]"; },
                               [](const FloatMatrix&) { return "FLOAT[]"; }},
                    values);
}

void append_table(Connection& con, const std::string& name, const Table& table) {
  int64_t rows = table.rows();
  for (const auto& c : table.columns)
    MMCTR_CHECK(column_rows(c.values) == rows, "table {}: column '{}' has {} rows, expected {}", name, c.name,
                column_rows(c.values), rows);

  duckdb_appender appender;
  MMCTR_ASSERT(duckdb_appender_create(con.get(), nullptr, name.c_str(), &appender) == DuckDBSuccess);
  std::vector<duckdb_logical_type> types;
  for (const auto& c : table.columns) types.push_back(logical_type(c.values));
  duckdb_data_chunk chunk = duckdb_create_data_chunk(types.data(), types.size());
  const auto chunk_rows = static_cast<int64_t>(duckdb_vector_size());
  std::string error;
  for (int64_t begin = 0; begin < rows && error.empty(); begin += chunk_rows) {
    duckdb_data_chunk_reset(chunk);
    idx_t n = static_cast<idx_t>(std::min(chunk_rows, rows - begin));
    for (size_t c = 0; c < table.columns.size(); ++c)
      fill_vector(duckdb_data_chunk_get_vector(chunk, c), table.columns[c].values, begin, n);
    duckdb_data_chunk_set_size(chunk, n);
    if (duckdb_append_data_chunk(appender, chunk) != DuckDBSuccess) error = duckdb_appender_error(appender);
  }
  if (error.empty() && duckdb_appender_close(appender) != DuckDBSuccess) error = duckdb_appender_error(appender);
  duckdb_destroy_data_chunk(&chunk);
  for (auto& t : types) duckdb_destroy_logical_type(&t);
  duckdb_appender_destroy(&appender);
  if (!error.empty()) throw InternalError("appending to DuckDB table " + name + ": " + error);
}

}  // namespace mmctr::io
