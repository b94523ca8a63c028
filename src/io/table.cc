#include "io/table.h"

#include <fmt/format.h>

#include "common/error.h"

namespace mmctr::io {
int64_t column_rows(const ColumnValues& values) {
  return std::visit(
      [](const auto& v) -> int64_t {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, ListArray>) return v.rows();
        else if constexpr (std::is_same_v<T, Int64Matrix> || std::is_same_v<T, FloatMatrix>) return v.rows;
        else return static_cast<int64_t>(v.size());
      },
      values);
}

namespace {
template <typename T>
T& find(std::vector<Column>& columns, const std::string& name) {
  for (auto& c : columns) {
    if (c.name != name) continue;
    if (auto* v = std::get_if<T>(&c.values)) return *v;
    throw InternalError(fmt::format("table column '{}' holds another type", name));
  }
  throw InternalError(fmt::format("table has no column '{}'", name));
}
}  // namespace

int64_t Table::rows() const { return columns.empty() ? 0 : column_rows(columns.front().values); }

bool Table::has(const std::string& name) const {
  for (const auto& c : columns)
    if (c.name == name) return true;
  return false;
}

template <typename T>
const T& Table::get(const std::string& name) const {
  return find<T>(const_cast<std::vector<Column>&>(columns), name);
}

template <typename T>
T& Table::get(const std::string& name) {
  return find<T>(columns, name);
}

template const Int64Array& Table::get<Int64Array>(const std::string&) const;
template const FloatArray& Table::get<FloatArray>(const std::string&) const;
template const StringArray& Table::get<StringArray>(const std::string&) const;
template const ListArray& Table::get<ListArray>(const std::string&) const;
template const Int64Matrix& Table::get<Int64Matrix>(const std::string&) const;
template const FloatMatrix& Table::get<FloatMatrix>(const std::string&) const;
template Int64Array& Table::get<Int64Array>(const std::string&);
template FloatArray& Table::get<FloatArray>(const std::string&);
template StringArray& Table::get<StringArray>(const std::string&);
template ListArray& Table::get<ListArray>(const std::string&);
template Int64Matrix& Table::get<Int64Matrix>(const std::string&);
template FloatMatrix& Table::get<FloatMatrix>(const std::string&);

}  // namespace mmctr::io
