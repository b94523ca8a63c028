#include "w2v/trainer.h"

#include <algorithm>
#include <atomic>

#include "common/error.h"
#include "common/parallel.h"
#include "common/progress.h"
#include "w2v/kernels.h"
#include "w2v/negative_sampler.h"
#include "w2v/rng.h"

namespace mmctr::w2v {
namespace {

// Workers publish their word counts (and re-read the learning rate) every this many words.
constexpr int64_t kSyncWords = 10000;

struct Shared {
  const Corpus& corpus;
  const Args& args;
  const Kernels& kernels;
  const NegativeSampler sampler;
  const std::vector<uint32_t> keep;  // by vocab index
  float* input;                      // syn0 (vocab, dim)
  float* output;                     // syn1neg (vocab, dim)
  const int64_t total_words;         // tokens x epochs
  std::atomic<int64_t> processed{0}, effective{0};
  Progress progress;

  Shared(const Corpus& c, const Args& a, float* in, float* out)
      : corpus(c), args(a), kernels(best_kernels()), sampler(c.vocab.counts),
        keep(keep_thresholds(c.vocab, a.sample)), input(in), output(out),
        total_words(c.size() * a.epochs), progress("w2v", c.size() * a.epochs, "words") {}

  float alpha() const {
    double done = double(processed.load(std::memory_order_relaxed)) / double(total_words);
    return std::max(args.min_alpha, float(args.alpha - (args.alpha - args.min_alpha) * done));
  }
  float* input_row(int32_t index) const { return input + int64_t(index) * args.dim; }
  float* output_row(int32_t index) const { return output + int64_t(index) * args.dim; }
};

// One thread's training state: its own RNG and scratch buffers.
class Worker {
 public:
  Worker(Shared& shared, int thread_index)
      : s_(shared), dim_(shared.args.dim), rng_(shared.args.seed + uint64_t(thread_index)),
        alpha_(shared.alpha()) {
    int max_context = 2 * shared.args.window;
    grads_.resize(size_t(max_context) * dim_);
    scratch_.resize(size_t(max_context) * (shared.args.negative + 1));
    mean_.resize(dim_);
    for (int k = 0; k < shared.args.negative; ++k) queue_negative();
  }

  void run(int64_t first_sequence, int64_t end_sequence) {
    const Corpus& corpus = s_.corpus;
    for (int epoch = 0; epoch < s_.args.epochs; ++epoch) {
      for (int64_t seq = first_sequence; seq < end_sequence; ++seq) {
        int64_t begin = corpus.offsets[seq], end = corpus.offsets[seq + 1];
        train_sequence(corpus.tokens.data() + begin, end - begin);
        unsynced_words_ += end - begin;
        if (unsynced_words_ >= kSyncWords) sync();
      }
    }
    sync();
  }

 private:
  void sync() {
    int64_t done = s_.processed.fetch_add(unsynced_words_) + unsynced_words_;
    s_.effective.fetch_add(unsynced_effective_);
    unsynced_words_ = unsynced_effective_ = 0;
    alpha_ = s_.alpha();
    s_.progress.update(done, fmt::format("alpha {:.5f}", alpha_));
  }

  void train_sequence(const int32_t* tokens, int64_t length) {
    // Downsampling comes before windowing: dropped words do not take window slots (gensim).
    kept_.clear();
    for (int64_t i = 0; i < length; ++i)
      if (s_.keep[tokens[i]] >= rng_.next32()) kept_.push_back(tokens[i]);
    unsynced_effective_ += static_cast<int64_t>(kept_.size());
    const int n = static_cast<int>(kept_.size()), window = s_.args.window;
    for (int i = 0; i <= std::min(n - 1, window); ++i) prefetch(s_.input_row(kept_[i]));
    for (int centre = 0; centre < n; ++centre) {
      // The rows the next centre word needs are random in memory: ask for them one step ahead.
      if (centre + 1 < n) prefetch(s_.output_row(kept_[centre + 1]));
      if (centre + 1 + window < n) prefetch(s_.input_row(kept_[centre + 1 + window]));
      int shrink = static_cast<int>(rng_.below(window));  // gensim's reduced window
      int lo = std::max(0, centre - window + shrink), hi = std::min(n, centre + window + 1 - shrink);
      context_.clear();
      for (int j = lo; j < hi; ++j)
        if (j != centre) context_.push_back(kept_[j]);
      if (context_.empty()) continue;
      if (s_.args.model == Model::Cbow) {
        train_cbow(kept_[centre]);
      } else if (s_.args.shared_negatives) {
        train_skipgram(kept_[centre], context_.data(), static_cast<int>(context_.size()));
      } else {
        for (int32_t word : context_) train_skipgram(kept_[centre], &word, 1);
      }
    }
  }

  void prefetch(const float* row) const {
    for (int k = 0; k < dim_; k += 64 / static_cast<int>(sizeof(float))) __builtin_prefetch(row + k, 1);
  }

  // Negatives are drawn one update ahead of their use so that their rows can be prefetched.
  void queue_negative() {
    int32_t negative = s_.sampler.draw(rng_);
    prefetch(s_.output_row(negative));
    negatives_.push_back(negative);
  }

  // Fills outputs_ with the centre (positive) and the next negatives; like gensim, a draw equal to
  // the centre is dropped rather than redrawn.
  void draw_outputs(int32_t centre) {
    outputs_.clear();
    outputs_.push_back(s_.output_row(centre));
    const int negative_count = s_.args.negative;
    for (int k = 0; k < negative_count; ++k)
      if (negatives_[k] != centre) outputs_.push_back(s_.output_row(negatives_[k]));
    negatives_.erase(negatives_.begin(), negatives_.begin() + negative_count);
    for (int k = 0; k < negative_count; ++k) queue_negative();
  }

  SgnsBlock block(int num_inputs) {
    return SgnsBlock{inputs_.data(), num_inputs, outputs_.data(), static_cast<int>(outputs_.size()),
                     alpha_, dim_, grads_.data(), scratch_.data(), sigmoid_table()};
  }

  // Skip-gram: each context word's input vector predicts the centre word (gensim's
  // train_sg_pair(centre, context)); all `count` context words share one draw of negatives.
  void train_skipgram(int32_t centre, const int32_t* context, int count) {
    draw_outputs(centre);
    inputs_.clear();
    for (int b = 0; b < count; ++b) inputs_.push_back(s_.input_row(context[b]));
    s_.kernels.sgns(block(count));
    for (int b = 0; b < count; ++b) s_.kernels.axpy(1.0f, &grads_[size_t(b) * dim_], s_.input_row(context[b]), dim_);
  }

  // CBOW with cbow_mean=1: the mean of the context vectors predicts the centre; each context
  // vector then receives the whole (undivided) gradient, as in gensim.
  void train_cbow(int32_t centre) {
    std::fill(mean_.begin(), mean_.end(), 0.0f);
    for (int32_t word : context_) s_.kernels.axpy(1.0f, s_.input_row(word), mean_.data(), dim_);
    float inverse = 1.0f / static_cast<float>(context_.size());
    for (float& x : mean_) x *= inverse;
    draw_outputs(centre);
    inputs_.assign(1, mean_.data());
    s_.kernels.sgns(block(1));
    for (int32_t word : context_) s_.kernels.axpy(1.0f, grads_.data(), s_.input_row(word), dim_);
  }

  Shared& s_;
  const int dim_;
  Rng rng_;
  float alpha_;
  int64_t unsynced_words_ = 0, unsynced_effective_ = 0;
  std::vector<int32_t> kept_, context_, negatives_;
  std::vector<const float*> inputs_;
  std::vector<float*> outputs_;
  std::vector<float> grads_, scratch_, mean_;
};

}  // namespace

io::FloatMatrix train(const Corpus& corpus, const Args& args, TrainStats* stats) {
  args.validate();
  MMCTR_ASSERT(corpus.vocab.size() > 0 && corpus.sequences() > 0);
  const int64_t vocab = corpus.vocab.size();
  io::FloatMatrix input{vocab, args.dim, std::vector<float>(size_t(vocab) * args.dim)};
  std::vector<float> output(size_t(vocab) * args.dim, 0.0f);
  // gensim 4: input vectors uniform in [-1/dim, 1/dim), output vectors zero.
  Rng init(args.seed);
  for (float& x : input.data) x = (init.uniform() * 2.0f - 1.0f) / float(args.dim);

  Shared shared(corpus, args, input.data.data(), output.data());
  // Shards of about equal token counts, each a whole number of sequences.
  const int threads = static_cast<int>(std::min<int64_t>(args.threads, corpus.sequences()));
  std::vector<int64_t> shard_start(threads + 1, corpus.sequences());
  for (int t = 0; t < threads; ++t) {
    int64_t token = corpus.size() * t / threads;
    shard_start[t] = std::upper_bound(corpus.offsets.begin(), corpus.offsets.end(), token) -
                     corpus.offsets.begin() - 1;
  }
  parallel_for(threads, threads, [&](int64_t t, int64_t, int) {
    Worker worker(shared, static_cast<int>(t));
    worker.run(shard_start[t], shard_start[t + 1]);
  });
  shared.progress.finish();

  if (stats) {
    stats->vocab_size = vocab;
    stats->sequences = corpus.sequences();
    stats->words = shared.processed.load();
    stats->effective_words = shared.effective.load();
    stats->seconds = shared.progress.seconds();
    stats->kernels = shared.kernels.name;
  }
  return input;
}

}  // namespace mmctr::w2v
