// `mmctr set-emb`: puts ready-made item vectors (Word2Vec output, a CLIP file, vectors computed
// elsewhere: any item_id + list<float> Parquet) into item_info's embedding column, without training
// anything. Items the file lacks get a zero vector, as the padding item has; vectors are
// L2-normalised the way `mmctr project` normalises its output unless asked not to.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace mmctr::proj {

struct SetEmbeddingsArgs {
  std::string embeddings;                    // FILE[:COLUMN]
  std::string item_info;                     // the items, written back with the column
  std::string out;                           // item_info with `emb_column` replaced or added
  std::string emb_column = "item_emb_d128";  // the column DIN reads
  bool normalize = true;                     // v / (|v| + 1e-6)
};

// Writes `out` and returns the summary: items, with and without a vector, vectors not in item_info.
nlohmann::json set_embeddings(const SetEmbeddingsArgs& args);

}  // namespace mmctr::proj
