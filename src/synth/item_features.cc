#include "synth/item_features.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace mmctr::synth {
namespace {

void normalise(float* v, int64_t n) {
  double norm = 0;
  for (int64_t j = 0; j < n; ++j) norm += static_cast<double>(v[j]) * v[j];
  const double scale = norm > 0 ? 1.0 / std::sqrt(norm) : 0.0;
  for (int64_t j = 0; j < n; ++j) v[j] = static_cast<float>(v[j] * scale);
}

// Levels 1..10 by decile of log popularity + Gaussian noise over the real items.
io::Int64Array popularity_levels(const World& world, const SynthArgs& args, double noise, uint64_t salt) {
  const int64_t rows = world.item_rows(), n = rows - 1;
  std::vector<double> score(rows);
  for (int64_t i = 1; i < rows; ++i) {
    Rng rng(args.seed, Stream::ItemFeatures, static_cast<uint64_t>(i), salt);
    score[i] = std::log(world.popularity(i)) + noise * rng.normal();
  }
  std::vector<int64_t> order(n);
  std::iota(order.begin(), order.end(), 1);
  std::sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
    return score[a] != score[b] ? score[a] < score[b] : a < b;
  });
  io::Int64Array level(rows, 0);
  for (int64_t r = 0; r < n; ++r) level[order[r]] = 1 + r * 10 / n;
  return level;
}

}  // namespace

int64_t first_generic_tag(const SynthArgs& args) {
  return 1 + static_cast<int64_t>(args.topics) * args.model.tags_per_topic;
}

ItemFeatures make_item_features(const World& world, const SynthArgs& args) {
  const int64_t rows = world.item_rows(), dim = args.embedding_dim;
  const PlantedModel& m = args.model;
  ItemFeatures f;

  io::FloatMatrix centroids{args.topics, dim, std::vector<float>(args.topics * dim)};
  for (int t = 0; t < args.topics; ++t) {
    Rng rng(args.seed, Stream::ItemFeatures, 0, 1000 + t);
    for (int64_t j = 0; j < dim; ++j) centroids.row(t)[j] = static_cast<float>(rng.normal());
    normalise(centroids.row(t), dim);
  }

  f.tags = io::Int64Matrix{rows, args.tags, std::vector<int64_t>(rows * args.tags, 0)};
  f.embedding = io::FloatMatrix{rows, dim, std::vector<float>(rows * dim, 0.0f)};
  for (int64_t i = 1; i < rows; ++i) {
    const int t = world.topic(i);
    Rng rng(args.seed, Stream::ItemFeatures, static_cast<uint64_t>(i));
    const int n_tags = static_cast<int>(rng.between(1, args.tags));
    std::vector<int64_t> tags;
    while (static_cast<int>(tags.size()) < n_tags) {
      int64_t tag = rng.uniform() < m.topic_tag_share
                        ? 1 + static_cast<int64_t>(t) * m.tags_per_topic + rng.between(0, m.tags_per_topic - 1)
                        : first_generic_tag(args) + rng.between(0, m.generic_tags - 1);
      if (std::find(tags.begin(), tags.end(), tag) == tags.end()) tags.push_back(tag);
    }
    std::copy(tags.begin(), tags.end(), f.tags.row(i) + (args.tags - n_tags));

    float* e = f.embedding.row(i);
    for (int64_t j = 0; j < dim; ++j)
      e[j] = centroids.row(t)[j] + static_cast<float>(m.embedding_noise * rng.normal());
    normalise(e, dim);
  }
  f.views_level = popularity_levels(world, args, 1.0, 1);
  f.likes_level = popularity_levels(world, args, 1.5, 2);
  return f;
}

}  // namespace mmctr::synth
