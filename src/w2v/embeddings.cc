#include "w2v/embeddings.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <numeric>

#include "common/error.h"
#include "common/files.h"
#include "io/parquet.h"

namespace mmctr::w2v {

Embeddings sort_by_id(const Vocab& vocab, const io::FloatMatrix& vectors) {
  MMCTR_ASSERT(vectors.rows == vocab.size());
  std::vector<int64_t> order(vocab.ids.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return vocab.ids[a] < vocab.ids[b]; });
  Embeddings sorted;
  sorted.vectors = io::FloatMatrix{vectors.rows, vectors.cols, std::vector<float>(vectors.data.size())};
  for (size_t r = 0; r < order.size(); ++r) {
    sorted.ids.push_back(vocab.ids[order[r]]);
    std::copy_n(vectors.row(order[r]), vectors.cols, sorted.vectors.row(static_cast<int64_t>(r)));
  }
  return sorted;
}

void write_parquet(const std::string& path, const Embeddings& embeddings) {
  io::Table table;
  table.add("item_id", embeddings.ids);
  table.add("w2v_emb", embeddings.vectors);
  io::write_parquet(path, table);
}

void write_word2vec_text(const std::string& path, const Embeddings& embeddings) {
  PendingOutput output(path);
  std::FILE* file = std::fopen(output.path().c_str(), "w");
  MMCTR_CHECK(file, "cannot write {}", output.path());
  fmt::memory_buffer line;
  fmt::format_to(std::back_inserter(line), "{} {}\n", embeddings.vectors.rows, embeddings.vectors.cols);
  bool ok = std::fwrite(line.data(), 1, line.size(), file) == line.size();
  for (int64_t r = 0; r < embeddings.vectors.rows && ok; ++r) {
    line.clear();
    fmt::format_to(std::back_inserter(line), "{}", embeddings.ids[r]);
    const float* row = embeddings.vectors.row(r);
    for (int64_t c = 0; c < embeddings.vectors.cols; ++c) fmt::format_to(std::back_inserter(line), " {}", row[c]);
    line.push_back('\n');
    ok = std::fwrite(line.data(), 1, line.size(), file) == line.size();
  }
  ok = (std::fclose(file) == 0) && ok;
  MMCTR_CHECK(ok, "write failed: {}", output.path());
  output.commit();
}

}  // namespace mmctr::w2v
