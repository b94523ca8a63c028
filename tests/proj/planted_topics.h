// Realistic synthetic inputs for `mmctr project`: items with a planted topic. Their teacher features
// mix a weak topic signal with strong nuisance factors (a few continuous directions, like lighting or
// photo style, that behaviour does not care about) and small per-item noise, so that in raw feature
// space nearest neighbours barely share the topic while a learnt projection can recover it; their
// behaviour targets cluster by topic. Some items have no target (cold start). Files are written in shuffled item orders.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "io/duckdb.h"
#include "io/parquet.h"
#include "io/table.h"

namespace mmctr::testing {

struct PlantedOptions {
  int64_t items = 2000;  // item ids 1..items, plus padding item 0 in item_info
  int topics = 6;
  int nuisance_factors = 8;
  int64_t image_dim = 96, text_dim = 32;  // features are [image | text]
  int64_t target_dim = 16;
  int64_t cold_start = 200;  // items without a target
  double topic_strength = 0.25, nuisance_strength = 1.0, feature_noise = 0.3, target_noise = 0.3;
  // Targets = target_offset (the same for every item and dimension) + target_scale * (topic centre
  // + noise): small Word2Vec vectors share such a common component.
  double target_offset = 0.0, target_scale = 1.0;
  uint64_t seed = 7;
};

struct PlantedData {
  std::string features;     // item_id, clip_emb [image | text]
  std::string image_part;   // item_id, img_emb (another row order)
  std::string text_part;    // item_id, txt_emb (yet another order)
  std::string targets;      // item_id, w2v_emb, without the cold-start items
  std::string item_info;    // item_id, item_tags BIGINT[], title, item_emb_d128 DOUBLE[], score (NULLs)
  std::vector<int> topic;   // by item id; -1 for padding
  std::vector<bool> cold;   // by item id
  io::FloatMatrix feature_by_item;  // row = item id (row 0 zero)
};

inline std::vector<int64_t> shuffled_ids(int64_t n, std::mt19937_64& rng) {
  std::vector<int64_t> ids(n);
  for (int64_t i = 0; i < n; ++i) ids[i] = i + 1;
  std::shuffle(ids.begin(), ids.end(), rng);
  return ids;
}

inline io::FloatMatrix random_centres(int count, int64_t dim, double scale, std::mt19937_64& rng) {
  std::normal_distribution<float> normal(0.0f, 1.0f);
  io::FloatMatrix m{count, dim, std::vector<float>(count * dim)};
  for (float& v : m.data) v = static_cast<float>(scale) * normal(rng);
  return m;
}

// Columns [begin, begin + width) of the rows of `ids` (by item id) as an (ids, width) matrix.
inline io::FloatMatrix slice_rows(const io::FloatMatrix& by_item, const std::vector<int64_t>& ids,
                                  int64_t begin, int64_t width) {
  io::FloatMatrix m{static_cast<int64_t>(ids.size()), width, {}};
  for (int64_t id : ids)
    m.data.insert(m.data.end(), by_item.row(id) + begin, by_item.row(id) + begin + width);
  return m;
}

inline void write_vectors(const std::string& path, const std::vector<int64_t>& ids,
                          const std::string& column, io::FloatMatrix vectors) {
  io::Table table;
  table.add("item_id", io::Int64Array(ids));
  table.add(column, std::move(vectors));
  io::write_parquet(path, table);
}

inline PlantedData make_planted_data(const std::string& dir, const PlantedOptions& o = {}) {
  std::mt19937_64 rng(o.seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  const int64_t feature_dim = o.image_dim + o.text_dim;
  io::FloatMatrix topic_centres = random_centres(o.topics, feature_dim, o.topic_strength, rng);
  io::FloatMatrix nuisance_directions =
      random_centres(o.nuisance_factors, feature_dim, o.nuisance_strength, rng);
  io::FloatMatrix target_centres = random_centres(o.topics, o.target_dim, 1.0, rng);

  PlantedData data;
  data.topic.assign(o.items + 1, -1);
  data.cold.assign(o.items + 1, false);
  data.feature_by_item = {o.items + 1, feature_dim, std::vector<float>((o.items + 1) * feature_dim)};
  io::FloatMatrix target_by_item{o.items + 1, o.target_dim,
                                 std::vector<float>((o.items + 1) * o.target_dim)};
  for (int64_t id = 1; id <= o.items; ++id) {
    int topic = static_cast<int>(rng() % o.topics);
    data.topic[id] = topic;
    float* features = data.feature_by_item.row(id);
    for (int64_t k = 0; k < feature_dim; ++k)
      features[k] = topic_centres.row(topic)[k] + static_cast<float>(o.feature_noise) * normal(rng);
    for (int f = 0; f < o.nuisance_factors; ++f) {
      float weight = normal(rng);
      for (int64_t k = 0; k < feature_dim; ++k) features[k] += weight * nuisance_directions.row(f)[k];
    }
    for (int64_t k = 0; k < o.target_dim; ++k)
      target_by_item.row(id)[k] = static_cast<float>(
          o.target_offset +
          o.target_scale * (target_centres.row(topic)[k] + o.target_noise * normal(rng)));
  }
  std::vector<int64_t> order = shuffled_ids(o.items, rng);
  for (int64_t i = 0; i < o.cold_start; ++i) data.cold[order[i]] = true;

  data.features = dir + "/features.parquet";
  write_vectors(data.features, order, "clip_emb", slice_rows(data.feature_by_item, order, 0, feature_dim));
  data.image_part = dir + "/image.parquet";
  order = shuffled_ids(o.items, rng);
  write_vectors(data.image_part, order, "img_emb", slice_rows(data.feature_by_item, order, 0, o.image_dim));
  data.text_part = dir + "/text.parquet";
  order = shuffled_ids(o.items, rng);
  write_vectors(data.text_part, order, "txt_emb",
                slice_rows(data.feature_by_item, order, o.image_dim, o.text_dim));
  data.targets = dir + "/w2v.parquet";
  order = shuffled_ids(o.items, rng);
  std::vector<int64_t> warm;
  for (int64_t id : order)
    if (!data.cold[id]) warm.push_back(id);
  write_vectors(data.targets, warm, "w2v_emb", slice_rows(target_by_item, warm, 0, o.target_dim));

  // item_info: padding first, then the items in a shuffled order, with columns of several types
  // (and NULLs) that the projector must carry through untouched.
  std::vector<int64_t> info_ids{0};
  order = shuffled_ids(o.items, rng);
  info_ids.insert(info_ids.end(), order.begin(), order.end());
  io::Table base;
  io::Int64Matrix tags{static_cast<int64_t>(info_ids.size()), 5, {}};
  io::StringArray titles;
  io::FloatArray scores;
  for (int64_t id : info_ids) {
    for (int k = 0; k < 5; ++k) tags.data.push_back(id == 0 ? 0 : (id * 7 + k) % 50 + 1);
    titles.push_back(id == 0 ? "" : "item \"" + std::to_string(id) + "\" title");
    scores.push_back(0.5f * static_cast<float>(id));
  }
  io::Int64Array positions(info_ids.size());
  for (size_t i = 0; i < positions.size(); ++i) positions[i] = static_cast<int64_t>(i);
  base.add("pos", std::move(positions));
  base.add("item_id", io::Int64Array(info_ids));
  base.add("item_tags", std::move(tags));
  base.add("title", std::move(titles));
  base.add("old_emb", random_centres(static_cast<int>(info_ids.size()), 128, 1.0, rng));
  base.add("score", std::move(scores));
  io::Database db;
  io::Connection con(db);
  con.create_table("base", base);
  data.item_info = dir + "/item_info.parquet";
  con.execute("COPY (SELECT item_id, item_tags, title, CAST(old_emb AS DOUBLE[]) AS item_emb_d128, "
              "CASE WHEN item_id % 7 = 3 THEN NULL ELSE score END AS score FROM base ORDER BY pos) "
              "TO " + io::quote_literal(data.item_info) + " (FORMAT parquet)");
  return data;
}

// Share of items (ids with topic >= 0, optionally only cold ones) whose nearest other item by
// cosine similarity of `vectors` (row = item id) has the same topic. Chance is about 1/topics.
inline double neighbour_topic_agreement(const io::FloatMatrix& vectors, const std::vector<int>& topic,
                                        const std::vector<bool>* only = nullptr) {
  const int64_t n = vectors.rows, d = vectors.cols;
  std::vector<double> norm(n, 0.0);
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t k = 0; k < d; ++k) norm[i] += double(vectors.row(i)[k]) * vectors.row(i)[k];
    norm[i] = std::sqrt(norm[i]) + 1e-12;
  }
  int64_t agree = 0, total = 0;
  for (int64_t i = 0; i < n; ++i) {
    if (topic[i] < 0 || (only && !(*only)[i])) continue;
    int64_t best = -1;
    double best_cos = -2;
    for (int64_t j = 0; j < n; ++j) {
      if (j == i || topic[j] < 0) continue;
      double dot = 0;
      for (int64_t k = 0; k < d; ++k) dot += double(vectors.row(i)[k]) * vectors.row(j)[k];
      double cos = dot / (norm[i] * norm[j]);
      if (cos > best_cos) best_cos = cos, best = j;
    }
    agree += topic[best] == topic[i];
    ++total;
  }
  return total ? double(agree) / total : 0.0;
}

}  // namespace mmctr::testing
