// Where training sequences come from: a Parquet list<int64> column streamed in batches, or the
// Amazon review text format (`user item item ...` per line) used for the quality protocol.
#pragma once

#include <string>

#include "io/table.h"
#include "w2v/corpus.h"

namespace mmctr::w2v {

// Streams `column` of a Parquet file into a corpus in bounded batches. InputError if the column is
// missing or not a list of integers, or no item survives min_count.
Corpus read_parquet_corpus(const std::string& path, const std::string& column, int64_t min_count);

// Reads an Amazon sequence file: each line a user id then that user's item ids in time order.
// Returns the item sequences in file order. InputError naming file and line on a bad token.
io::ListArray read_amazon_sequences(const std::string& path);

}  // namespace mmctr::w2v
