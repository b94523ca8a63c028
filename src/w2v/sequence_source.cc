#include "w2v/sequence_source.h"

#include <charconv>
#include <fstream>

#include "common/error.h"
#include "common/files.h"
#include "common/progress.h"
#include "io/parquet.h"

namespace mmctr::w2v {

Corpus read_parquet_corpus(const std::string& path, const std::string& column, int64_t min_count) {
  constexpr int64_t kBatchRows = 65536;
  CorpusBuilder builder;
  Progress progress("read " + column, io::parquet_rows(path), "sequences");
  io::scan_parquet(path, {{column, io::ColumnType::Int64List}}, kBatchRows,
                   [&](const io::Table& batch, int64_t first_row) {
                     builder.add(batch.get<io::ListArray>(column));
                     progress.update(first_row + batch.rows());
                   });
  progress.finish();
  MMCTR_CHECK(builder.sequences() > 0, "{}: column '{}' holds no non-empty sequence", path, column);
  return std::move(builder).finish(min_count);
}

io::ListArray read_amazon_sequences(const std::string& path) {
  require_file(path, "sequence file");
  std::ifstream in(path);
  io::ListArray sequences;
  std::vector<int64_t> items;
  std::string line;
  for (int64_t line_number = 1; std::getline(in, line); ++line_number) {
    items.clear();
    const char* p = line.data();
    const char* end = p + line.size();
    bool user = true;
    while (true) {
      while (p < end && (*p == ' ' || *p == '\t' || *p == '\r')) ++p;
      if (p == end) break;
      int64_t value = 0;
      auto [next, error] = std::from_chars(p, end, value);
      MMCTR_CHECK(error == std::errc() && (next == end || *next == ' ' || *next == '\t' || *next == '\r'),
                  "{}:{}: expected integer ids ('user item item ...'), got '{}'", path, line_number,
                  std::string(p, std::find_if(p, end, [](char c) { return c == ' ' || c == '\t'; })));
      p = next;
      if (!user) items.push_back(value);
      user = false;
    }
    if (!items.empty()) sequences.push_back(items.data(), static_cast<int64_t>(items.size()));
  }
  return sequences;
}

}  // namespace mmctr::w2v
