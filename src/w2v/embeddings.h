// Trained item vectors keyed by item id, and their two file formats: Parquet (item_id int64,
// w2v_emb list<float>[dim]) and the word2vec text format ("count dim" then "id v1 ... vdim").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "io/table.h"
#include "w2v/vocab.h"

namespace mmctr::w2v {

struct Embeddings {
  std::vector<int64_t> ids;  // ascending
  io::FloatMatrix vectors;   // row i for ids[i]
};

// Reorders vectors indexed like `vocab` by ascending item id.
Embeddings sort_by_id(const Vocab& vocab, const io::FloatMatrix& vectors);

void write_parquet(const std::string& path, const Embeddings& embeddings);
void write_word2vec_text(const std::string& path, const Embeddings& embeddings);

}  // namespace mmctr::w2v
