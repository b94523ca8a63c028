// bench_din: DIN training and inference throughput at the seed configuration (batch 4096, 64-long
// histories, MicroLens-sized vocabularies, random data), and peak memory; then the same model as
// plain PyTorch (bench/din_torch.py: FuxiCTR's per-position concatenated attention input) with the
// same thread count, and the ratios. Validates first: finite losses, probabilities in (0, 1).
//
// usage: bench_din [--threads N] [--batch 4096] [--steps 3] [--infer-batches 3] [--no-peer]
#include <fmt/format.h>
#include <sys/resource.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "common/progress.h"
#include "common/runtime.h"
#include "ctr/batch.h"
#include "ctr/trainer.h"

using namespace mmctr;

namespace {

constexpr int64_t kItems = 91718, kTagVocab = 11740, kEmbDim = 128, kHistory = 64;

struct Args {
  int threads = 0;
  int64_t batch = 4096, steps = 3, infer_batches = 3;
  bool peer = true;
};

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    auto next = [&] { return i + 1 < argc ? std::atoll(argv[++i]) : 0LL; };
    if (!std::strcmp(argv[i], "--threads")) a.threads = static_cast<int>(next());
    else if (!std::strcmp(argv[i], "--batch")) a.batch = next();
    else if (!std::strcmp(argv[i], "--steps")) a.steps = next();
    else if (!std::strcmp(argv[i], "--infer-batches")) a.infer_batches = next();
    else if (!std::strcmp(argv[i], "--no-peer")) a.peer = false;
    else {
      std::fprintf(stderr, "usage: bench_din [--threads N] [--batch N] [--steps N] [--infer-batches N] [--no-peer]\n");
      std::exit(2);
    }
  }
  return a;
}

io::ItemInfo random_items(std::mt19937_64& rng) {
  io::ItemInfo info;
  std::normal_distribution<float> normal;
  info.tags.rows = info.emb.rows = kItems;
  info.tags.cols = 5;
  info.emb.cols = kEmbDim;
  for (int64_t i = 0; i < kItems; ++i) {
    info.item_id.push_back(i);
    for (int t = 0; t < 5; ++t) info.tags.data.push_back(i == 0 ? 0 : static_cast<int64_t>(rng() % kTagVocab));
    for (int64_t d = 0; d < kEmbDim; ++d) info.emb.data.push_back(i == 0 ? 0.0f : normal(rng));
  }
  return info;
}

// Histories of uniform length 1..64, left-padded, like the challenge's.
io::CtrData random_rows(int64_t rows, std::mt19937_64& rng) {
  io::CtrData data;
  data.item_seq.rows = rows;
  data.item_seq.cols = kHistory;
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t length = 1 + static_cast<int64_t>(rng() % kHistory);
    for (int64_t l = 0; l < kHistory; ++l)
      data.item_seq.data.push_back(l >= kHistory - length ? 1 + static_cast<int64_t>(rng() % (kItems - 1)) : 0);
    data.user_id.push_back(r);
    data.item_id.push_back(1 + static_cast<int64_t>(rng() % (kItems - 1)));
    data.likes_level.push_back(static_cast<int64_t>(rng() % 11));
    data.views_level.push_back(static_cast<int64_t>(rng() % 11));
    data.label.push_back(static_cast<int64_t>(rng() % 2));
  }
  return data;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024;
}

nlohmann::json run_peer(const Args& a) {
  const std::string command =
      fmt::format("/usr/bin/python3 {}/bench/din_torch.py --batch {} --steps {} --infer-batches {} --threads {}",
                  MMCTR_SOURCE_DIR, a.batch, a.steps, a.infer_batches, num_threads());
  std::FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return nullptr;
  std::string out;
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe)) out += buffer;
  if (pclose(pipe) != 0 || out.empty()) return nullptr;
  return nlohmann::json::parse(out);
}

}  // namespace

int main(int argc, char** argv) {
  tune_malloc();
  const Args a = parse(argc, argv);
  set_threads(a.threads);
  Progress::set_enabled(false);
  std::mt19937_64 rng(20242025);
  const io::ItemInfo items = random_items(rng);
  const io::CtrData data = random_rows(a.batch * std::max(a.steps + 1, a.infer_batches), rng);
  ctr::DinConfig config;  // the seed configuration
  config.batch_size = a.batch;
  ctr::Trainer trainer(config, ctr::feature_shape(items, config), "");
  ctr::BatchBuilder builder(data, items);
  const std::vector<int64_t> order = ctr::sequential_order(data.rows());

  // Validate: the first (warm-up) step and every timed step give a finite loss.
  trainer.model().train();
  const double first_loss = trainer.step(builder.build(order.data(), a.batch));
  if (!std::isfinite(first_loss)) {
    std::fprintf(stderr, "bench_din: the loss is %g\n", first_loss);
    return 1;
  }
  double train_seconds = 0;
  for (int64_t s = 0; s < a.steps; ++s) {
    const ctr::Batch batch = builder.build(order.data() + (s + 1) * a.batch, a.batch);
    const auto start = std::chrono::steady_clock::now();
    const double loss = trainer.step(batch);
    train_seconds += seconds_since(start);
    if (!std::isfinite(loss)) {
      std::fprintf(stderr, "bench_din: the loss is %g at step %lld\n", loss, static_cast<long long>(s));
      return 1;
    }
  }
  const double train_rate = static_cast<double>(a.steps * a.batch) / train_seconds;

  io::CtrData infer = data;
  infer.item_seq.rows = a.batch * a.infer_batches;
  infer.item_seq.data.resize(infer.item_seq.rows * kHistory);
  for (auto* column : {&infer.user_id, &infer.item_id, &infer.likes_level, &infer.views_level, &infer.label})
    column->resize(infer.item_seq.rows);
  const auto start = std::chrono::steady_clock::now();
  const std::vector<double> probabilities = ctr::predict(trainer.model(), infer, items, a.batch);
  const double infer_rate = static_cast<double>(infer.rows()) / seconds_since(start);
  for (double p : probabilities)
    if (!(p > 0 && p < 1)) {
      std::fprintf(stderr, "bench_din: a prediction is %g\n", p);
      return 1;
    }
  const double rss = peak_rss_mb();

  fmt::print("bench_din: seed config (embedding 128, dnn 2048-1024-512-256, attention 1024-512-256), "
             "batch {}, history {}, {} threads\n", a.batch, kHistory, num_threads());
  fmt::print("  mmctr   train {:9.1f} samples/s ({} steps)  infer {:9.1f} samples/s  peak RSS {:.0f} MB\n",
             train_rate, a.steps, infer_rate, rss);
  if (!a.peer) return 0;
  const nlohmann::json peer = run_peer(a);
  if (peer.is_null()) {
    fmt::print("  pytorch peer (bench/din_torch.py) did not run\n");
    return 0;
  }
  const double peer_train = peer["train_samples_per_second"], peer_infer = peer["infer_samples_per_second"];
  fmt::print("  pytorch train {:9.1f} samples/s            infer {:9.1f} samples/s  peak RSS {:.0f} MB\n",
             peer_train, peer_infer, peer["peak_rss_mb"].get<double>());
  fmt::print("  ratio (mmctr / pytorch): train {:.2f}x  infer {:.2f}x\n", train_rate / peer_train,
             infer_rate / peer_infer);
  return 0;
}
