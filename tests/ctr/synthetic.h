// A small in-memory CTR problem with a known structure: items belong to one of `topics` topics,
// a user's history is drawn from their topic, and a target of the user's topic is clicked far more
// often; items also differ in popularity, so a popularity baseline is better than chance but
// cannot see the history.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "io/microlens.h"

namespace mmctr::ctr::testing {

struct SyntheticProblem {
  io::ItemInfo items;
  io::CtrData train, valid;
};

inline io::ItemInfo synthetic_items(int64_t count, int64_t topics, int64_t emb_dim, std::mt19937_64& rng) {
  io::ItemInfo info;
  std::normal_distribution<float> noise(0.0f, 1.0f);
  info.tags.rows = info.emb.rows = count;
  info.tags.cols = 5;
  info.emb.cols = emb_dim;
  for (int64_t i = 0; i < count; ++i) {
    info.item_id.push_back(i);
    const int64_t topic = i % topics;
    for (int64_t t = 0; t < 5; ++t)  // left-padded: 2 zeros, a topic tag and two random tags
      info.tags.data.push_back(i == 0 || t < 2 ? 0 : t == 2 ? 1 + topic : 1 + topics + static_cast<int64_t>(rng() % 20));
    for (int64_t d = 0; d < emb_dim; ++d)
      info.emb.data.push_back(i == 0 ? 0.0f : (d == topic ? 1.0f : 0.0f) + 0.3f * noise(rng));
  }
  return info;
}

inline io::CtrData synthetic_rows(int64_t rows, int64_t items, int64_t topics, int64_t history,
                                  std::mt19937_64& rng) {
  io::CtrData data;
  data.item_seq.rows = rows;
  data.item_seq.cols = history;
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t topic = static_cast<int64_t>(rng() % topics);
    const int64_t length = 2 + static_cast<int64_t>(rng() % (history - 1));
    for (int64_t l = 0; l < history; ++l) {
      int64_t id = 0;
      if (l >= history - length) {
        id = topic + topics * static_cast<int64_t>(rng() % ((items - 1) / topics));
        if (id == 0) id = topics;
      }
      data.item_seq.data.push_back(id);
    }
    const int64_t target = 1 + static_cast<int64_t>(rng() % (items - 1));
    const double popularity = static_cast<double>(target % 7) / 20;  // 0 .. 0.3
    const double p = (target % topics == topic ? 0.6 : 0.05) + popularity;
    data.user_id.push_back(r);
    data.item_id.push_back(target);
    data.likes_level.push_back(static_cast<int64_t>(rng() % 11));
    data.views_level.push_back(static_cast<int64_t>(rng() % 11));
    data.label.push_back(uniform(rng) < p ? 1 : 0);
  }
  return data;
}

inline SyntheticProblem synthetic_problem(int64_t train_rows, int64_t valid_rows, uint64_t seed = 5) {
  constexpr int64_t kItems = 121, kTopics = 4, kEmbDim = 8, kHistory = 10;
  std::mt19937_64 rng(seed);
  SyntheticProblem problem;
  problem.items = synthetic_items(kItems, kTopics, kEmbDim, rng);
  problem.train = synthetic_rows(train_rows, kItems, kTopics, kHistory, rng);
  problem.valid = synthetic_rows(valid_rows, kItems, kTopics, kHistory, rng);
  return problem;
}

}  // namespace mmctr::ctr::testing
