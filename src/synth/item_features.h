// The per-item columns that reveal an item's topic to a model: tags drawn mostly from the topic's own
// tag pool, a 128-d embedding around the topic's centroid (the real data ships a precomputed embedding
// there), and likes/views levels that follow popularity with noise.
#pragma once

#include "io/table.h"
#include "synth/synth.h"
#include "synth/world.h"

namespace mmctr::synth {

struct ItemFeatures {
  io::Int64Matrix tags;       // item_rows x args.tags, left-padded with 0; row 0 all zeros
  io::FloatMatrix embedding;  // item_rows x args.embedding_dim, L2-normalised; row 0 all zeros
  io::Int64Array likes_level, views_level;  // 1..10 (0 for the padding row)
};

ItemFeatures make_item_features(const World& world, const SynthArgs& args);

// Tag ids: topic t owns [1 + t*tags_per_topic, 1 + (t+1)*tags_per_topic); generic tags follow.
int64_t first_generic_tag(const SynthArgs& args);

}  // namespace mmctr::synth
