// The training corpus held once in memory as int32 vocabulary indices (4 bytes per token: 150M
// tokens take 600 MB), built in one streaming pass over the input batches.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "io/table.h"
#include "w2v/vocab.h"

namespace mmctr::w2v {

struct Corpus {
  Vocab vocab;
  std::vector<int32_t> tokens;   // vocab indices of all sequences, back to back
  std::vector<int64_t> offsets;  // sequence s is tokens[offsets[s], offsets[s+1]); none is empty

  int64_t sequences() const { return static_cast<int64_t>(offsets.size()) - 1; }
  int64_t size() const { return static_cast<int64_t>(tokens.size()); }
};

// Collects sequences of item ids; ids get provisional indices in order of first appearance and are
// renumbered to the final vocabulary order by finish(), so the ids are read only once.
class CorpusBuilder {
 public:
  void add(const int64_t* ids, int64_t n);  // empty sequences are skipped
  void add(const io::ListArray& sequences);
  int64_t sequences() const { return static_cast<int64_t>(offsets_.size()) - 1; }

  // Drops items seen fewer than min_count times (and sequences left empty). InputError if
  // nothing remains.
  Corpus finish(int64_t min_count) &&;

 private:
  std::unordered_map<int64_t, int32_t> index_of_;
  std::vector<int64_t> ids_, counts_;  // by provisional index
  std::vector<int32_t> tokens_;
  std::vector<int64_t> offsets_{0};
};

}  // namespace mmctr::w2v
