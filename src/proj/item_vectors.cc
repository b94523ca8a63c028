#include "proj/item_vectors.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "common/error.h"
#include "common/files.h"
#include "io/parquet.h"

namespace mmctr::proj {

bool is_vector_type(const std::string& duckdb_type) {
  for (const char* element : {"FLOAT[", "DOUBLE["})
    if (duckdb_type.rfind(element, 0) == 0) return true;
  return false;
}

VectorSource parse_vector_source(const std::string& spec) {
  auto colon = spec.rfind(':');
  if (colon == std::string::npos || file_exists(spec)) return {spec, ""};
  std::string column = spec.substr(colon + 1);
  MMCTR_CHECK(!column.empty(), "{}: empty column name after ':' (use FILE or FILE:COLUMN)", spec);
  return {spec.substr(0, colon), column};
}

std::string resolve_column(const VectorSource& source) {
  if (!source.column.empty()) return source.column;
  std::vector<std::string> candidates;
  for (const auto& field : io::parquet_schema(source.path))
    if (field.name != "item_id" && is_vector_type(field.type)) candidates.push_back(field.name);
  MMCTR_CHECK(!candidates.empty(), "{}: no list<float> column besides item_id to read vectors from",
              source.path);
  MMCTR_CHECK(candidates.size() == 1,
              "{}: several vector columns ({}); name one as {}:COLUMN", source.path,
              fmt::join(candidates, ", "), source.path);
  return candidates.front();
}

int64_t ItemVectors::find(int64_t item) const {
  auto it = row_of.find(item);
  return it == row_of.end() ? -1 : it->second;
}

ItemVectors read_item_vectors(const VectorSource& source) {
  require_file(source.path, "vector file");
  std::string column = resolve_column(source);
  io::Table table = io::read_parquet(source.path, {{"item_id", io::ColumnType::Int64},
                                                   {column, io::ColumnType::FloatMatrix}});
  ItemVectors result;
  result.item_id = std::move(table.get<io::Int64Array>("item_id"));
  result.vectors = std::move(table.get<io::FloatMatrix>(column));
  result.description = source.path + ":" + column;
  MMCTR_CHECK(result.rows() > 0, "{}: no rows", result.description);
  result.row_of.reserve(result.item_id.size());
  for (int64_t r = 0; r < result.rows(); ++r) {
    auto [it, inserted] = result.row_of.emplace(result.item_id[r], r);
    MMCTR_CHECK(inserted, "{}: column item_id, row {}: item {} appears again (first at row {})",
                source.path, r, result.item_id[r], it->second);
  }
  return result;
}

ItemVectors concatenate(std::vector<ItemVectors> parts, int64_t* dropped) {
  MMCTR_ASSERT(!parts.empty());
  *dropped = 0;
  if (parts.size() == 1) return std::move(parts.front());
  ItemVectors result;
  int64_t dim = 0;
  std::vector<std::string> descriptions;
  for (const auto& part : parts) {
    dim += part.dim();
    descriptions.push_back(part.description);
  }
  result.description = fmt::format("{}", fmt::join(descriptions, "+"));
  result.vectors.cols = dim;
  const ItemVectors& first = parts.front();
  std::vector<int64_t> rows(parts.size());
  for (int64_t r = 0; r < first.rows(); ++r) {
    bool everywhere = true;
    for (size_t p = 0; p < parts.size(); ++p) {
      rows[p] = parts[p].find(first.item_id[r]);
      everywhere = everywhere && rows[p] >= 0;
    }
    if (!everywhere) continue;
    for (size_t p = 0; p < parts.size(); ++p) {
      const float* v = parts[p].vectors.row(rows[p]);
      result.vectors.data.insert(result.vectors.data.end(), v, v + parts[p].dim());
    }
    result.row_of.emplace(first.item_id[r], result.vectors.rows++);
    result.item_id.push_back(first.item_id[r]);
  }
  // Every item of any part that did not make it into the result.
  std::unordered_map<int64_t, bool> seen;
  for (const auto& part : parts)
    for (int64_t item : part.item_id)
      if (result.find(item) < 0 && seen.emplace(item, true).second) ++*dropped;
  MMCTR_CHECK(result.rows() > 0, "the feature sources {} share no item_id", result.description);
  return result;
}

}  // namespace mmctr::proj
