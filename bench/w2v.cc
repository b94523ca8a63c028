// bench_w2v: mmctr's Word2Vec against gensim (corpus_file mode, its fastest) with the same
// parameters and thread count, in one run. Validates first (HR@10 of both on the Amazon
// next-item protocol, with popularity as the floor), then times both on a Zipf corpus and prints
// effective words/s and the ratio.
//
// The quality run uses more epochs (--quality-epochs, default 20) than the speed run (--epochs,
// default 3, the seed's setting): on the 150k-token Amazon histories 3 epochs leave both trainers
// barely above popularity, which would validate nothing.
//
// usage: bench_w2v [--threads N] [--tokens N] [--epochs N] [--quality-epochs N] [--model sg|cbow]
//                  [--exact-negatives] [--data Toys_and_Games]
#include <fmt/format.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "common/progress.h"
#include "common/runtime.h"
#include "w2v/corpus.h"
#include "w2v/negative_sampler.h"
#include "w2v/next_item_eval.h"
#include "w2v/rng.h"
#include "w2v/sequence_source.h"
#include "w2v/trainer.h"

using namespace mmctr;
using namespace mmctr::w2v;

namespace {

struct PeerResult {
  double effective_words = 0, seconds = 0, cpu_seconds = 0;
  Embeddings embeddings;
};

void write_sequences_text(const std::string& path, const io::ListArray& sequences) {
  std::FILE* file = std::fopen(path.c_str(), "w");
  if (!file) throw std::runtime_error("cannot write " + path);
  fmt::memory_buffer line;
  for (int64_t r = 0; r < sequences.rows(); ++r) {
    line.clear();
    for (int64_t i = 0; i < sequences.length(r); ++i)
      fmt::format_to(std::back_inserter(line), i ? " {}" : "{}", sequences.row(r)[i]);
    line.push_back('\n');
    std::fwrite(line.data(), 1, line.size(), file);
  }
  std::fclose(file);
}

Embeddings read_word2vec_text(const std::string& path) {
  std::ifstream in(path);
  int64_t rows = 0, dim = 0;
  in >> rows >> dim;
  Vocab vocab;
  io::FloatMatrix vectors{rows, dim, std::vector<float>(size_t(rows * dim))};
  for (int64_t r = 0; r < rows; ++r) {
    int64_t id;
    in >> id;
    vocab.ids.push_back(id);
    vocab.counts.push_back(0);
    for (int64_t c = 0; c < dim; ++c) in >> vectors.row(r)[c];
  }
  if (!in) throw std::runtime_error("bad word2vec text file " + path);
  return sort_by_id(vocab, vectors);
}

PeerResult run_gensim(const std::string& corpus_path, const Args& args, bool want_vectors) {
  std::string vectors = corpus_path + ".vectors.txt";
  std::string command = fmt::format(
      "/usr/bin/python3 {}/bench/w2v_gensim.py {} --dim {} --window {} --negative {} --sample {} "
      "--epochs {} --min-count {} --sg {} --threads {} --seed {} {}",
      MMCTR_SOURCE_DIR, corpus_path, args.dim, args.window, args.negative, args.sample, args.epochs,
      args.min_count, args.model == Model::SkipGram ? 1 : 0, args.threads, args.seed,
      want_vectors ? "--vectors " + vectors : "");
  std::FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) throw std::runtime_error("cannot run " + command);
  std::string output;
  char buffer[4096];
  while (size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  if (pclose(pipe) != 0) throw std::runtime_error("gensim peer failed: " + command);
  auto summary = nlohmann::json::parse(output.substr(output.rfind('{')));
  PeerResult result;
  result.effective_words = summary["effective_words"].get<double>();
  result.seconds = summary["seconds"].get<double>();
  result.cpu_seconds = summary["cpu_seconds"].get<double>();
  if (want_vectors) {
    result.embeddings = read_word2vec_text(vectors);
    std::remove(vectors.c_str());
  }
  return result;
}

PeerResult run_mmctr(const io::ListArray& sequences, const Args& args) {
  CorpusBuilder builder;
  builder.add(sequences);
  Corpus corpus = std::move(builder).finish(args.min_count);
  TrainStats stats;
  std::clock_t cpu_start = std::clock();
  io::FloatMatrix vectors = train(corpus, args, &stats);
  PeerResult result;
  result.cpu_seconds = double(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  result.effective_words = double(stats.effective_words);
  result.seconds = stats.seconds;
  result.embeddings = sort_by_id(corpus.vocab, vectors);
  return result;
}

// Sequences of Zipf-distributed ids (exponent 1) over `items` ids, lengths uniform in [5, 45].
io::ListArray zipf_corpus(int64_t tokens, int64_t items, uint64_t seed) {
  std::vector<int64_t> weights(items);
  for (int64_t i = 0; i < items; ++i) weights[i] = std::llround(1e9 / double(i + 1));
  NegativeSampler zipf(weights, 1.0);
  Rng rng(seed);
  io::ListArray sequences;
  std::vector<int64_t> sequence;
  while (static_cast<int64_t>(sequences.values.size()) < tokens) {
    sequence.resize(5 + rng.below(41));
    for (int64_t& id : sequence) id = 1000 + zipf.draw(rng) * 7;  // ids spread, not 0..n
    sequences.push_back(sequence.data(), static_cast<int64_t>(sequence.size()));
  }
  return sequences;
}

std::string temp_path(const std::string& name) {
  const char* dir = std::getenv("TMPDIR");
  return fmt::format("{}/mmctr_bench_w2v_{}_{}", dir ? dir : "/tmp", getpid(), name);
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  args.threads = hardware_threads();
  int64_t tokens = 20'000'000;
  int quality_epochs = 20;
  std::string data = "Toys_and_Games";
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    auto value = [&] { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
    if (flag == "--threads") args.threads = std::stoi(value());
    else if (flag == "--tokens") tokens = std::stoll(value());
    else if (flag == "--epochs") args.epochs = std::stoi(value());
    else if (flag == "--quality-epochs") quality_epochs = std::stoi(value());
    else if (flag == "--model") args.model = parse_model(value());
    else if (flag == "--exact-negatives") args.shared_negatives = false;
    else if (flag == "--data") data = value();
    else {
      std::fprintf(stderr, "unknown flag %s\n", flag.c_str());
      return 2;
    }
  }
  Progress::set_enabled(false);
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // results appear as they are measured
  std::printf("bench_w2v: model %s, dim %d, window %d, negative %d, sample %g, epochs %d, threads %d, "
              "%s negatives\n",
              model_name(args.model), args.dim, args.window, args.negative, args.sample, args.epochs,
              args.threads, args.shared_negatives ? "shared (per centre word)" : "per pair (gensim)");

  // 1. Quality on real data, same protocol for both.
  std::string amazon = fmt::format("{}/data/amazon/{}.txt", MMCTR_SHARED_DIR, data);
  NextItemTask task = split_last_item(read_amazon_sequences(amazon));
  std::string history_path = temp_path("history.txt");
  write_sequences_text(history_path, task.history);
  Args quality_args = args;
  quality_args.epochs = quality_epochs;
  PeerResult ours = run_mmctr(task.history, quality_args);
  PeerResult theirs = run_gensim(history_path, quality_args, true);
  std::remove(history_path.c_str());
  RankingMetrics popularity = evaluate_popularity(task, 10);
  RankingMetrics our_quality = evaluate_cosine(task, ours.embeddings, 10, args.threads);
  RankingMetrics their_quality = evaluate_cosine(task, theirs.embeddings, 10, args.threads);
  std::printf("\n%s (%lld users, %lld history tokens, %d epochs): next-item HR@10 / NDCG@10\n",
              data.c_str(), (long long)task.targets.size(), (long long)task.history.values.size(),
              quality_epochs);
  std::printf("  mmctr      %.4f / %.4f   (%.0f effective words/s)\n", our_quality.hit_rate, our_quality.ndcg,
              ours.effective_words / ours.seconds);
  std::printf("  gensim     %.4f / %.4f   (%.0f effective words/s)\n", their_quality.hit_rate,
              their_quality.ndcg, theirs.effective_words / theirs.seconds);
  std::printf("  popularity %.4f / %.4f\n", popularity.hit_rate, popularity.ndcg);
  if (our_quality.hit_rate < 2 * popularity.hit_rate) {
    std::printf("FAILED validation: mmctr HR@10 not far above popularity\n");
    return 1;
  }

  // 2. Speed on a Zipf corpus written once.
  io::ListArray zipf = zipf_corpus(tokens, 90'000, 7);
  std::string zipf_path = temp_path("zipf.txt");
  write_sequences_text(zipf_path, zipf);
  PeerResult ours_zipf = run_mmctr(zipf, args);
  PeerResult theirs_zipf = run_gensim(zipf_path, args, false);
  std::remove(zipf_path.c_str());
  // Per CPU second too: on a shared machine the wall-clock rates move with the other load.
  auto report = [](const char* name, const PeerResult& r) {
    std::printf("  %-6s %10.0f /s wall  %10.0f /s per CPU-second  (%.0f effective words in %.2f s, %.2f CPU s)\n",
                name, r.effective_words / r.seconds, r.effective_words / r.cpu_seconds, r.effective_words,
                r.seconds, r.cpu_seconds);
  };
  std::printf("\nZipf corpus (%lld tokens, %lld sequences, 90k ids): effective words/s (train time only)\n",
              (long long)zipf.values.size(), (long long)zipf.rows());
  report("mmctr", ours_zipf);
  report("gensim", theirs_zipf);
  std::printf("  ratio mmctr/gensim: %.2fx wall, %.2fx per CPU-second\n",
              (ours_zipf.effective_words / ours_zipf.seconds) / (theirs_zipf.effective_words / theirs_zipf.seconds),
              (ours_zipf.effective_words / ours_zipf.cpu_seconds) /
                  (theirs_zipf.effective_words / theirs_zipf.cpu_seconds));
  return 0;
}
