#include "w2v/args.h"

#include "common/error.h"

namespace mmctr::w2v {

Model parse_model(const std::string& name) {
  if (name == "sg") return Model::SkipGram;
  if (name == "cbow") return Model::Cbow;
  fail("--model: expected 'sg' or 'cbow', got '{}'", name);
}

const char* model_name(Model model) { return model == Model::SkipGram ? "sg" : "cbow"; }

void Args::validate() const {
  MMCTR_CHECK(dim >= 1 && dim <= 4096, "--dim: expected 1..4096, got {}", dim);
  MMCTR_CHECK(window >= 1 && window <= 1000, "--window: expected 1..1000, got {}", window);
  MMCTR_CHECK(min_count >= 1, "--min-count: expected >= 1, got {}", min_count);
  MMCTR_CHECK(negative >= 1 && negative <= 1000, "--negative: expected 1..1000, got {}", negative);
  MMCTR_CHECK(sample >= 0 && sample < 1, "--sample: expected a share in [0, 1), got {}", sample);
  MMCTR_CHECK(epochs >= 1, "--epochs: expected >= 1, got {}", epochs);
  MMCTR_CHECK(alpha > 0, "--alpha: expected > 0, got {}", alpha);
  MMCTR_CHECK(min_alpha >= 0 && min_alpha <= alpha, "--min-alpha: expected 0..alpha ({}), got {}",
              alpha, min_alpha);
  MMCTR_CHECK(threads >= 1, "threads: expected >= 1, got {}", threads);
}

}  // namespace mmctr::w2v
