// A CTR data set in the MicroLens_1M_x1 schema, made from plain behaviour sequences such as the
// Amazon review files ("user item item ..." per line, oldest first) and, optionally, item
// attributes ({"item": [attribute, ...]}) that become item_tags.
//
// Every step k >= 1 of a user's sequence s gives two rows with the same history, the up-to-`history`
// items before it (left-padded with 0): the next item s[k] (label 1) and an item drawn uniformly from
// the items the user never touched (label 0). The user's last step is the test row pair, the one
// before it valid, the others train. item_seq.parquet holds each sequence without its last two items,
// so behaviour vectors learned from it have not seen the valid or test targets.
//
// Written to OUT (created; must be absent or empty):
//   item_info.parquet           item_id (0..max id; 0 is padding), item_tags list<int64>[tags]
//   item_seq.parquet            user_id, item_seq
//   train.parquet, valid.parquet user_id, item_seq list<int64>[history], item_id, likes_level,
//                                views_level (both 0: the source has none), label
//   test.parquet                 ID, user_id, item_seq, item_id, likes_level, views_level
//   truth/test_labels.parquet    ID, label
//   source.json                  the arguments and counts
// item_info has no embedding column yet: add one with `mmctr set-emb` or `mmctr project`.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace mmctr::prep {

struct SequenceCtrArgs {
  std::string sequences;   // text file of sequences
  std::string attributes;  // optional JSON object item -> attribute ids (>= 1)
  std::string out;         // folder to create
  int64_t history = 64;    // history length of the CTR rows (> 0)
  int64_t tags = 5;        // tags per item: the first ones listed are kept (> 0)
  uint64_t seed = 42;      // negative sampling

  // InputError naming the flag when a value is out of range or an input is missing.
  void validate() const;
};

// Converts and returns the summary: users (kept and skipped), items, rows per split, tag counts.
nlohmann::json convert_sequences(const SequenceCtrArgs& args);

}  // namespace mmctr::prep
