// mmctr w2v: behaviour vectors from user sequences (Task 1's Word2Vec teacher).
#include <chrono>

#include "cli/command.h"
#include "common/error.h"
#include "common/files.h"
#include "common/runtime.h"
#include "w2v/embeddings.h"
#include "w2v/sequence_source.h"
#include "w2v/trainer.h"

namespace mmctr::cli {

namespace {

struct W2vOptions {
  std::string sequences, out, column = "item_seq", model = "sg", format = "parquet";
  bool exact_negatives = false;
  w2v::Args args;
  CommonOptions common;
};

void run_w2v(W2vOptions& options) {
  auto start = std::chrono::steady_clock::now();
  apply(options.common);
  w2v::Args& args = options.args;
  args.model = w2v::parse_model(options.model);
  args.shared_negatives = !options.exact_negatives;
  args.threads = num_threads();
  args.seed = options.common.seed;
  args.validate();
  require_file(options.sequences, "--sequences");
  check_not_input(options.out, {options.sequences});

  w2v::Corpus corpus = w2v::read_parquet_corpus(options.sequences, options.column, args.min_count);
  w2v::TrainStats stats;
  io::FloatMatrix vectors = w2v::train(corpus, args, &stats);
  w2v::Embeddings embeddings = w2v::sort_by_id(corpus.vocab, vectors);
  if (options.format == "text") w2v::write_word2vec_text(options.out, embeddings);
  else w2v::write_parquet(options.out, embeddings);

  print_summary({{"command", "w2v"},
                 {"out", options.out},
                 {"model", w2v::model_name(args.model)},
                 {"dim", args.dim},
                 {"vocab_size", stats.vocab_size},
                 {"sequences", stats.sequences},
                 {"tokens", corpus.size()},
                 {"epochs", args.epochs},
                 {"words", stats.words},
                 {"effective_words", stats.effective_words},
                 {"words_per_second", stats.effective_words_per_second()},
                 {"train_seconds", stats.seconds},
                 {"threads", args.threads},
                 {"kernels", stats.kernels},
                 {"seconds", std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()}});
}

}  // namespace

void add_w2v_command(CLI::App& app) {
  auto options = std::make_shared<W2vOptions>();
  CLI::App* command = app.add_subcommand("w2v", "train Word2Vec item vectors on user sequences");
  command->add_option("--sequences", options->sequences, "Parquet file with a list<int64> column of item ids")
      ->required();
  command->add_option("--out", options->out, "output file (item_id, w2v_emb) sorted by item id")->required();
  command->add_option("--column", options->column, "sequence column")->capture_default_str();
  command->add_option("--format", options->format, "output format: parquet | text (word2vec text format)")
      ->check(CLI::IsMember({"parquet", "text"}))
      ->capture_default_str();
  command->add_option("--model", options->model, "sg (skip-gram) | cbow")
      ->check(CLI::IsMember({"sg", "cbow"}))
      ->capture_default_str();
  w2v::Args& args = options->args;
  command->add_option("--dim", args.dim, "vector size")->capture_default_str();
  command->add_option("--window", args.window, "max distance between centre and context item")->capture_default_str();
  command->add_option("--min-count", args.min_count, "drop items seen fewer times")->capture_default_str();
  command->add_option("--negative", args.negative, "negative samples per positive")->capture_default_str();
  command->add_option("--sample", args.sample, "downsampling threshold of frequent items (0: off)")
      ->capture_default_str();
  command->add_option("--epochs", args.epochs, "passes over the corpus")->capture_default_str();
  command->add_option("--alpha", args.alpha, "start learning rate")->capture_default_str();
  command->add_option("--min-alpha", args.min_alpha, "end learning rate (linear decay)")->capture_default_str();
  command->add_flag("--exact-negatives", options->exact_negatives,
                    "skip-gram: fresh negatives per (centre, context) pair as gensim, instead of one set "
                    "shared by a centre word's window (faster, same quality)");
  add_common_options(command, options->common);
  command->callback([options] { run_w2v(*options); });
}

}  // namespace mmctr::cli
