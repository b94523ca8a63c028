// Scores for a CTR file that need no trained model: the references a model's AUC is read against.
//   popularity  how often the shown item was clicked in the training rows
//   cosine      cosine between the shown item's embedding and the mean embedding of the history
//               items (0 when either is a zero vector): how much the item embeddings alone, e.g. the
//               Task 1 output, say about what a user clicks next
#pragma once

#include <vector>

#include "io/microlens.h"

namespace mmctr::baseline {

// One score per row of `data`: the number of train rows with label 1 and the same item_id.
std::vector<double> popularity_scores(const io::CtrData& train, const io::CtrData& data);

// One score per row of `data`; `items.emb` must hold a vector for every item id of `data`.
std::vector<double> cosine_scores(const io::ItemInfo& items, const io::CtrData& data);

}  // namespace mmctr::baseline
