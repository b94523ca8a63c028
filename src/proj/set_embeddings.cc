#include "proj/set_embeddings.h"

#include <cmath>
#include <unordered_set>

#include "common/error.h"
#include "common/files.h"
#include "io/parquet.h"
#include "proj/item_info_writer.h"
#include "proj/item_vectors.h"

namespace mmctr::proj {

nlohmann::json set_embeddings(const SetEmbeddingsArgs& args) {
  MMCTR_CHECK(!args.embeddings.empty() && !args.item_info.empty() && !args.out.empty(),
              "set-emb: --embeddings, --item-info and --out are required");
  const VectorSource source = parse_vector_source(args.embeddings);
  require_file(args.item_info, "item_info");
  check_embedding_column(args.item_info, args.emb_column);
  check_not_input(args.out, {args.item_info, source.path});

  const ItemVectors vectors = read_item_vectors(source);
  const io::Int64Array items = std::move(
      io::read_parquet(args.item_info, {{"item_id", io::ColumnType::Int64}}).get<io::Int64Array>("item_id"));
  const int64_t dim = vectors.dim();
  io::FloatMatrix embeddings{static_cast<int64_t>(items.size()), dim,
                             std::vector<float>(items.size() * dim, 0.0f)};
  std::unordered_set<int64_t> seen;
  int64_t with_vector = 0;
  for (size_t r = 0; r < items.size(); ++r) {
    MMCTR_CHECK(seen.insert(items[r]).second, "{}: column item_id, row {}: item {} appears again",
                args.item_info, r, items[r]);
    const int64_t row = items[r] == 0 ? -1 : vectors.find(items[r]);  // item 0 is padding: stays zero
    if (row < 0) continue;
    const float* v = vectors.vectors.row(row);
    double norm = 0;
    for (int64_t d = 0; d < dim; ++d) norm += static_cast<double>(v[d]) * v[d];
    const double scale = args.normalize ? 1.0 / (std::sqrt(norm) + kNormEpsilon) : 1.0;
    float* out = embeddings.row(static_cast<int64_t>(r));
    for (int64_t d = 0; d < dim; ++d) out[d] = static_cast<float>(v[d] * scale);
    ++with_vector;
  }
  int64_t not_in_item_info = 0;
  for (int64_t item : vectors.item_id) not_in_item_info += seen.count(item) == 0;
  write_item_info_with_embeddings(args.item_info, args.emb_column, embeddings, args.out);
  return {{"embeddings", vectors.description},
          {"dim", dim},
          {"item_info", args.item_info},
          {"items", items.size()},
          {"with_vector", with_vector},
          {"zero_vector", static_cast<int64_t>(items.size()) - with_vector},
          {"vectors_not_in_item_info", not_in_item_info},
          {"normalized", args.normalize},
          {"emb_column", args.emb_column},
          {"out", args.out}};
}

}  // namespace mmctr::proj
