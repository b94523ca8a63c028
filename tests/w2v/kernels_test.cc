#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "w2v/kernels.h"
#include "w2v/rng.h"

namespace mmctr::w2v {
namespace {

std::vector<const Kernels*> simd_kernels() {
  std::vector<const Kernels*> all;
  if (avx2_kernels()) all.push_back(avx2_kernels());
  if (avx512_kernels()) all.push_back(avx512_kernels());
  return all;
}

std::vector<float> random_vector(Rng& rng, int n, float scale) {
  std::vector<float> v(n);
  for (float& x : v) x = (rng.uniform() * 2 - 1) * scale;
  return v;
}

TEST(Kernels, SimdDotAndAxpyMatchScalar) {
  if (simd_kernels().empty()) GTEST_SKIP() << "this CPU has neither AVX2 nor AVX-512";
  Rng rng(11);
  for (const Kernels* simd : simd_kernels()) {
    for (int n : {1, 7, 8, 15, 16, 17, 31, 32, 100, 128, 130, 300}) {
      auto a = random_vector(rng, n, 1), b = random_vector(rng, n, 1), y = random_vector(rng, n, 1);
      EXPECT_NEAR(simd->dot(a.data(), b.data(), n), scalar_kernels().dot(a.data(), b.data(), n), 1e-5f * n)
          << simd->name << " n=" << n;
      auto y_scalar = y;
      simd->axpy(0.37f, a.data(), y.data(), n);
      scalar_kernels().axpy(0.37f, a.data(), y_scalar.data(), n);
      for (int i = 0; i < n; ++i) EXPECT_NEAR(y[i], y_scalar[i], 1e-6f) << simd->name << " n=" << n;
    }
  }
}

// Runs one SGNS block on copies of the given rows and returns (input grads, updated outputs).
std::pair<std::vector<float>, std::vector<float>> run_block(const Kernels& kernels, const std::vector<float>& in,
                                                            std::vector<float> out, int inputs, int outputs,
                                                            int dim, float alpha) {
  std::vector<const float*> in_rows;
  std::vector<float*> out_rows;
  for (int b = 0; b < inputs; ++b) in_rows.push_back(in.data() + b * dim);
  for (int o = 0; o < outputs; ++o) out_rows.push_back(out.data() + o * dim);
  std::vector<float> grads(inputs * dim), scratch(inputs * outputs);
  kernels.sgns(SgnsBlock{in_rows.data(), inputs, out_rows.data(), outputs, alpha, dim, grads.data(),
                         scratch.data(), sigmoid_table()});
  return {grads, out};
}

TEST(Kernels, ScalarBlockIsTheNegativeSamplingGradient) {
  const int dim = 5, inputs = 2, outputs = 3;
  const float alpha = 0.1f;
  Rng rng(5);
  auto in = random_vector(rng, inputs * dim, 0.5f), out = random_vector(rng, outputs * dim, 0.5f);
  auto [grads, updated] = run_block(scalar_kernels(), in, out, inputs, outputs, dim, alpha);
  // Straight from the definition, in double with an exact sigmoid. The table rounds the logit down
  // by up to 0.012, moving the sigmoid by up to 0.003: each term may be off by 0.003 * alpha * |x|.
  for (int b = 0; b < inputs; ++b) {
    for (int k = 0; k < dim; ++k) {
      double expected = 0, tolerance = 0;
      for (int o = 0; o < outputs; ++o) {
        double logit = 0;
        for (int j = 0; j < dim; ++j) logit += double(in[b * dim + j]) * out[o * dim + j];
        double g = ((o == 0 ? 1.0 : 0.0) - 1 / (1 + std::exp(-logit))) * alpha;
        expected += g * out[o * dim + k];
        tolerance += 0.0031 * alpha * std::abs(out[o * dim + k]);
      }
      EXPECT_NEAR(grads[b * dim + k], expected, tolerance);
    }
  }
  for (int o = 0; o < outputs; ++o) {
    for (int k = 0; k < dim; ++k) {
      double expected = out[o * dim + k], tolerance = 0;
      for (int b = 0; b < inputs; ++b) {
        double logit = 0;
        for (int j = 0; j < dim; ++j) logit += double(in[b * dim + j]) * out[o * dim + j];
        expected += ((o == 0 ? 1.0 : 0.0) - 1 / (1 + std::exp(-logit))) * alpha * in[b * dim + k];
        tolerance += 0.0031 * alpha * std::abs(in[b * dim + k]);
      }
      EXPECT_NEAR(updated[o * dim + k], expected, tolerance);
    }
  }
}

TEST(Kernels, SaturatedLogitsAreSkippedLikeGensim) {
  const int dim = 4;
  std::vector<float> in{2, 2, 2, 2}, out{1, 1, 1, 1, -1, -1, -1, -1};  // logits 8 and -8
  auto [grads, updated] = run_block(scalar_kernels(), in, out, 1, 2, dim, 0.5f);
  for (float g : grads) EXPECT_EQ(g, 0.0f);
  EXPECT_EQ(updated, out);
}

TEST(Kernels, SimdBlockMatchesScalar) {
  if (simd_kernels().empty()) GTEST_SKIP() << "this CPU has neither AVX2 nor AVX-512";
  Rng rng(9);
  for (const Kernels* simd : simd_kernels()) {
    for (int dim : {3, 64, 128, 100}) {
      const int inputs = 10, outputs = 6;
      auto in = random_vector(rng, inputs * dim, 0.2f), out = random_vector(rng, outputs * dim, 0.2f);
      auto [grads, updated] = run_block(*simd, in, out, inputs, outputs, dim, 0.025f);
      auto [grads_ref, updated_ref] = run_block(scalar_kernels(), in, out, inputs, outputs, dim, 0.025f);
      // A logit on a sigmoid-table boundary may land one step (about 0.003) apart.
      for (size_t i = 0; i < grads.size(); ++i) EXPECT_NEAR(grads[i], grads_ref[i], 5e-5f) << simd->name;
      for (size_t i = 0; i < updated.size(); ++i) EXPECT_NEAR(updated[i], updated_ref[i], 5e-5f) << simd->name;
    }
  }
}

TEST(Kernels, BestIsTheWidestAvailable) {
  const Kernels& best = best_kernels();
  if (avx512_kernels()) EXPECT_STREQ(best.name, "avx512");
  else if (avx2_kernels()) EXPECT_STREQ(best.name, "avx2");
  else EXPECT_STREQ(best.name, "scalar");
}

}  // namespace
}  // namespace mmctr::w2v
