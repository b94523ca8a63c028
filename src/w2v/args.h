// Word2Vec training parameters (gensim's names and defaults where gensim has the parameter).
#pragma once

#include <cstdint>
#include <string>

namespace mmctr::w2v {

enum class Model { SkipGram, Cbow };

Model parse_model(const std::string& name);  // "sg" | "cbow", else InputError
const char* model_name(Model model);

struct Args {
  int dim = 128;             // vector_size; >= 1
  int window = 5;            // max distance between centre and context; >= 1
  int64_t min_count = 1;     // items seen fewer times are dropped from the vocabulary; >= 1
  int negative = 5;          // negative samples per positive; >= 1
  double sample = 1e-3;      // downsampling threshold as a share of all words; 0 disables; [0, 1)
  int epochs = 3;            // >= 1
  float alpha = 0.025f;      // start learning rate; > 0
  float min_alpha = 1e-4f;   // end learning rate, reached linearly after the last epoch; [0, alpha]
  Model model = Model::SkipGram;
  // Skip-gram only: one set of negatives per centre word, shared by all its context words, so a
  // window becomes one small matrix product (pSGNScc). false: fresh negatives per (centre, context)
  // pair, exactly as gensim and word2vec.c.
  bool shared_negatives = true;
  int threads = 1;           // Hogwild workers; 1 is the deterministic path
  uint64_t seed = 1;

  // InputError naming the flag if a value is out of range.
  void validate() const;
};

}  // namespace mmctr::w2v
