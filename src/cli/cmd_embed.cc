// `mmctr embed`: Task 1 in one command -- CLIP image vectors, Word2Vec behaviour vectors, then the
// projector -- with the intermediate files kept in a work folder and reused while their inputs and
// parameters are unchanged (common/stage_cache.h).
#include <chrono>
#include <filesystem>

#include "cli/command.h"
#include "cli/project_options.h"
#include "clip/encoder.h"
#include "common/error.h"
#include "common/files.h"
#include "common/runtime.h"
#include "proj/project.h"
#include "common/stage_cache.h"
#include "w2v/args.h"
#include "w2v/embeddings.h"
#include "w2v/sequence_source.h"
#include "w2v/trainer.h"

namespace fs = std::filesystem;

namespace mmctr::cli {
namespace {

struct EmbedOptions {
  CommonOptions common;
  std::string data_dir, model_dir, out, out_embeddings, work_dir;
  std::string images_dir;  // default DATA/item_images
  std::string image_pattern = "{item_id}.jpg";
  int clip_batch = 32;
  std::string sequence_column = "item_seq";
  std::string w2v_model = "sg";
  w2v::Args w2v;
  proj::ProjectArgs project;
};

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Runs `produce` unless `output` is fresh for `fingerprint`; returns what happened for the summary.
template <typename Produce>
nlohmann::json cached_stage(const std::string& name, const std::string& output,
                            const nlohmann::json& fingerprint, Produce produce) {
  auto start = std::chrono::steady_clock::now();
  if (cached_output_is_fresh(output, fingerprint)) {
    std::fprintf(stderr, "embed: %s: reusing %s (inputs and parameters unchanged)\n", name.c_str(),
                 output.c_str());
    return {{"out", output}, {"reused", true}};
  }
  nlohmann::json summary = produce();
  record_cached_output(output, fingerprint);
  summary["out"] = output;
  summary["reused"] = false;
  summary["seconds"] = seconds_since(start);
  return summary;
}

void run_embed(EmbedOptions& o) {
  apply(o.common);
  auto start = std::chrono::steady_clock::now();
  const std::string item_info = (fs::path(o.data_dir) / "item_info.parquet").string();
  const std::string item_seq = (fs::path(o.data_dir) / "item_seq.parquet").string();
  const std::string images =
      o.images_dir.empty() ? (fs::path(o.data_dir) / "item_images").string() : o.images_dir;
  require_file(item_info, "item_info");
  require_file(item_seq, "item_seq");
  MMCTR_CHECK(fs::is_directory(images), "{}: image folder not found (use --images)", images);
  MMCTR_CHECK(fs::is_directory(o.model_dir), "{}: CLIP model folder not found", o.model_dir);
  const std::string work = o.work_dir.empty() ? o.out + ".work" : o.work_dir;
  fs::create_directories(work);
  check_not_input(o.out, {item_info, item_seq});

  clip::ClipArgs clip_args;
  clip_args.model_dir = o.model_dir;
  clip_args.items_path = item_info;
  clip_args.images_dir = images;
  clip_args.out_path = (fs::path(work) / "clip_emb.parquet").string();
  clip_args.pattern = o.image_pattern;
  clip_args.batch = o.clip_batch;
  // The batch size and thread counts do not change the vectors, so they are not part of the key.
  nlohmann::json clip_summary = cached_stage(
      "clip", clip_args.out_path,
      stage_fingerprint({item_info, images, o.model_dir}, {{"pattern", o.image_pattern}}), [&] {
        clip::EncodeResult result = clip::run_clip(clip_args);
        return nlohmann::json{{"items", static_cast<int64_t>(result.item_ids.size())},
                              {"ok", result.ok},
                              {"missing", result.missing},
                              {"corrupt", result.corrupt},
                              {"dim", result.embeddings.cols}};
      });

  w2v::Args w2v_args = o.w2v;
  w2v_args.model = w2v::parse_model(o.w2v_model);
  w2v_args.seed = o.common.seed;
  w2v_args.threads = num_threads();
  w2v_args.validate();
  const std::string w2v_out = (fs::path(work) / "w2v_emb.parquet").string();
  nlohmann::json w2v_params{{"column", o.sequence_column}, {"dim", w2v_args.dim},
                            {"window", w2v_args.window},   {"min_count", w2v_args.min_count},
                            {"negative", w2v_args.negative}, {"sample", w2v_args.sample},
                            {"epochs", w2v_args.epochs},   {"alpha", w2v_args.alpha},
                            {"min_alpha", w2v_args.min_alpha}, {"model", o.w2v_model},
                            {"shared_negatives", w2v_args.shared_negatives},
                            {"seed", w2v_args.seed},
                            // Hogwild with several threads is not reproducible run to run.
                            {"threads", w2v_args.threads == 1 ? 1 : -1}};
  nlohmann::json w2v_summary =
      cached_stage("w2v", w2v_out, stage_fingerprint({item_seq}, w2v_params), [&] {
        w2v::Corpus corpus = w2v::read_parquet_corpus(item_seq, o.sequence_column, w2v_args.min_count);
        w2v::TrainStats stats;
        io::FloatMatrix vectors = w2v::train(corpus, w2v_args, &stats);
        w2v::write_parquet(w2v_out, w2v::sort_by_id(corpus.vocab, vectors));
        return nlohmann::json{{"items", stats.vocab_size}, {"sequences", stats.sequences},
                              {"dim", w2v_args.dim}};
      });

  proj::ProjectArgs project = o.project;
  project.features = {clip_args.out_path};
  project.targets = w2v_out;
  project.item_info = item_info;
  project.out = o.out;
  project.out_embeddings = o.out_embeddings;
  project.seed = o.common.seed;
  nlohmann::json project_summary = proj::run_project(project);

  print_summary({{"command", "embed"},
                 {"work", work},
                 {"clip", clip_summary},
                 {"w2v", w2v_summary},
                 {"project", project_summary},
                 {"out", o.out},
                 {"seconds", seconds_since(start)}});
}

}  // namespace

void add_embed_command(CLI::App& app) {
  auto o = std::make_shared<EmbedOptions>();
  CLI::App* command = app.add_subcommand(
      "embed",
      "Task 1 in one command: clip (image vectors) + w2v (behaviour vectors from item_seq) + project "
      "(MLP image -> behaviour, every item embedded). Intermediate files go to the work folder and are "
      "reused while their inputs (path, size, mtime) and parameters are unchanged.");
  command->add_option("--data", o->data_dir, "data set folder: item_info.parquet, item_seq.parquet, item_images/")
      ->required();
  command->add_option("--model", o->model_dir, "Hugging Face CLIP folder (config.json, model.safetensors)")
      ->required();
  command->add_option("--out", o->out, "output item_info Parquet with the new embedding column")->required();
  command->add_option("--out-embeddings", o->out_embeddings, "also write item_id, item_emb alone");
  command->add_option("--work", o->work_dir, "folder for the intermediate files [default: OUT.work]");
  command->add_option("--images", o->images_dir, "item image folder [default: DATA/item_images]");
  command->add_option("--pattern", o->image_pattern, "image file name; {item_id} is replaced")
      ->capture_default_str();
  command->add_option("--clip-batch", o->clip_batch, "images per CLIP forward")->capture_default_str();
  command->add_option("--w2v-dim", o->w2v.dim, "Word2Vec (and output) dimension")->capture_default_str();
  command->add_option("--w2v-window", o->w2v.window, "Word2Vec window")->capture_default_str();
  command->add_option("--w2v-epochs", o->w2v.epochs, "Word2Vec epochs")->capture_default_str();
  command->add_option("--w2v-negative", o->w2v.negative, "Word2Vec negative samples")->capture_default_str();
  command->add_option("--w2v-min-count", o->w2v.min_count, "Word2Vec min count")->capture_default_str();
  command->add_option("--w2v-sample", o->w2v.sample, "Word2Vec downsampling threshold")->capture_default_str();
  command->add_option("--w2v-model", o->w2v_model, "sg | cbow")->capture_default_str();
  add_projector_training_options(command, o->project);
  add_common_options(command, o->common);
  command->callback([o] { run_embed(*o); });
}

}  // namespace mmctr::cli
