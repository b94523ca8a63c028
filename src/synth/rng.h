// The random streams of the synthetic data set (common/random.h): every purpose has its own, so two
// purposes never share random numbers for the same index, and the whole data set is reproducible
// from --seed.
#pragma once

#include <cstdint>

#include "common/random.h"

namespace mmctr::synth {

// The purpose of a stream: two purposes never share random numbers for the same index.
enum class Stream : uint64_t {
  TopicStyle = 1,
  ItemLayout,    // topic and popularity permutations
  ItemFeatures,  // tags, embedding, levels
  ItemImage,
  ImageFate,     // present, missing or corrupt
  UserPreference,
  UserSequence,
  SequenceItem,
  TrainRow,
  ValidRow,
  TestRow,
  Calibration,
};

class Rng : public mmctr::Rng {
 public:
  Rng(uint64_t seed, Stream stream, uint64_t index, uint64_t sub_index = 0)
      : mmctr::Rng(seed, static_cast<uint64_t>(stream), index, sub_index) {}
};

}  // namespace mmctr::synth
