// The vector kernels of training behind one small API, in a scalar reference version and SIMD
// versions (AVX2+FMA, AVX-512) compiled with per-function target flags and chosen at run time,
// since the build has no -march flag.
#pragma once

namespace mmctr::w2v {

// One negative-sampling update of `inputs` against `outputs` (outputs[0] the positive, label 1;
// the rest negatives, label 0), all from the same snapshot:
//   logit[b][o] = <inputs[b], outputs[o]>; g = (label - sigmoid(logit)) * alpha, or 0 when
//   |logit| >= 6 (gensim skips those pairs); input_grads[b] = sum_o g * outputs[o];
//   outputs[o] += sum_b g * inputs[b]. The caller adds input_grads to wherever the inputs came from.
struct SgnsBlock {
  const float* const* inputs;  // num_inputs rows of dim
  int num_inputs;
  float* const* outputs;       // num_outputs rows of dim, updated in place
  int num_outputs;
  float alpha;
  int dim;
  float* input_grads;          // (num_inputs, dim), overwritten
  float* scratch;              // num_inputs * num_outputs floats
  const float* sigmoid;        // sigmoid_table()
};

struct Kernels {
  const char* name;
  float (*dot)(const float* a, const float* b, int n);
  void (*axpy)(float a, const float* x, float* y, int n);  // y += a * x
  void (*sgns)(const SgnsBlock& block);
};

// gensim's EXP_TABLE: sigmoid over [-6, 6) in 1000 steps.
constexpr int kSigmoidTableSize = 1000;
constexpr float kMaxLogit = 6.0f;
const float* sigmoid_table();

const Kernels& scalar_kernels();
const Kernels* avx2_kernels();    // nullptr when the CPU lacks AVX2/FMA
const Kernels* avx512_kernels();  // nullptr when the CPU lacks AVX-512F
// The widest version this CPU runs.
const Kernels& best_kernels();

}  // namespace mmctr::w2v
