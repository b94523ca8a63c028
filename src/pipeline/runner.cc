#include "pipeline/runner.h"

#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <filesystem>

#include "clip/random_model.h"
#include "common/error.h"
#include "common/files.h"
#include "common/stage_cache.h"
#include "pipeline/report.h"

namespace fs = std::filesystem;

namespace mmctr::pipeline {
namespace {

// One stage as a command line: what it reads (fingerprinted), what it writes, its flags.
struct Stage {
  std::string name;
  std::vector<std::string> inputs;
  std::string output;               // file or folder the stage creates
  std::vector<std::string> args;    // subcommand and flags, unquoted
  nlohmann::json params;            // what besides the inputs decides the result
  // Scoring stages (eval and the references) print their result and write nothing: it becomes the output.
  bool output_is_summary() const { return args.at(0) == "eval"; }
};

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Stage section {key: value} -> --key value (underscores become dashes; true -> a bare flag).
void add_flags(std::vector<std::string>& args, const nlohmann::json& section) {
  for (const auto& [key, value] : section.items()) {
    std::string flag = "--" + key;
    std::replace(flag.begin(), flag.end(), '_', '-');
    if (value.is_boolean()) {
      if (value.get<bool>()) args.push_back(flag);
      continue;
    }
    args.push_back(flag);
    args.push_back(value.is_string() ? value.get<std::string>() : value.dump());
  }
}

// Runs `executable args...`; stderr passes through (progress, logs); returns the JSON summary line.
nlohmann::json run_stage_process(const std::string& executable, const Stage& stage) {
  std::string command = shell_quote(executable);
  for (const auto& a : stage.args) command += " " + shell_quote(a);
  std::fprintf(stderr, "== %s: %s\n", stage.name.c_str(), command.c_str());
  FILE* pipe = popen(command.c_str(), "r");
  MMCTR_ASSERT(pipe != nullptr);
  std::string out;
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
  int status = pclose(pipe);
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : 1;
  MMCTR_CHECK(code == 0, "stage {} failed (exit code {}); its error is above. Fix it and run again: "
              "finished stages are kept", stage.name, code);
  auto last_line = out.find_last_of('\n', out.size() >= 2 ? out.size() - 2 : 0);
  std::string line = last_line == std::string::npos ? out : out.substr(last_line + 1);
  nlohmann::json summary = nlohmann::json::parse(line, nullptr, false);
  MMCTR_ASSERT(!summary.is_discarded());
  return summary;
}

std::vector<Stage> plan(const PipelineConfig& c, const std::string& work, const std::string& data,
                        const std::string& model) {
  auto w = [&](const std::string& p) { return (fs::path(work) / p).string(); };
  auto d = [&](const std::string& p) { return (fs::path(data) / p).string(); };
  const std::string seed = std::to_string(c.seed), threads = std::to_string(c.threads);
  std::vector<Stage> stages;
  auto stage = [&](const std::string& name, std::vector<std::string> inputs, const std::string& output,
                   std::vector<std::string> args, bool computes = true) {
    Stage s{name, std::move(inputs), output, std::move(args), c.stage(name)};
    if (computes) {
      s.args.insert(s.args.end(), {"--seed", seed, "--threads", threads});
      s.params["seed"] = c.seed;
    }
    if (name != "train") add_flags(s.args, c.stage(name));
    s.params["mmctr_version"] = MMCTR_VERSION;
    stages.push_back(std::move(s));
  };
  if (c.embedded_default()) {
    std::vector<std::string> args{"synth", "--out", data};
    stage("synth", {}, data, args);
  }
  stage("clip", {d("item_info.parquet"), d("item_images"), model}, w("clip/clip.parquet"),
        {"clip", "--model", model, "--items", d("item_info.parquet"), "--images", d("item_images"), "--out",
         w("clip/clip.parquet")});
  stage("w2v", {d("item_seq.parquet")}, w("w2v/w2v.parquet"),
        {"w2v", "--sequences", d("item_seq.parquet"), "--out", w("w2v/w2v.parquet")});
  stage("project", {w("clip/clip.parquet"), w("w2v/w2v.parquet"), d("item_info.parquet")},
        w("project/item_info.parquet"),
        {"project", "--features", w("clip/clip.parquet"), "--targets", w("w2v/w2v.parquet"), "--item-info",
         d("item_info.parquet"), "--out", w("project/item_info.parquet")});
  // References that need no model: how much the Task 1 embeddings and popularity alone tell on valid.
  stage("cosine", {w("project/item_info.parquet"), d("valid.parquet")}, w("reference/cosine.json"),
        {"eval", "--baseline", "cosine", "--item-info", w("project/item_info.parquet"), "--data", d("valid.parquet")},
        false);
  stage("popularity", {d("train.parquet"), d("valid.parquet")}, w("reference/popularity.json"),
        {"eval", "--baseline", "popularity", "--train", d("train.parquet"), "--data", d("valid.parquet")}, false);
  std::vector<std::string> train{"train", "--data", data, "--item-info", w("project/item_info.parquet"),
                                 "--out", w("train/run")};
  for (const auto& [key, value] : c.stage("train").items())
    train.insert(train.end(), {"--set", key + "=" + (value.is_string() ? value.get<std::string>() : value.dump())});
  stage("train", {d("train.parquet"), d("valid.parquet"), w("project/item_info.parquet")}, w("train/run"), train);
  stage("eval", {w("train/run"), d("valid.parquet")}, w("eval/summary.json"),
        {"eval", "--run", w("train/run"), "--data", d("valid.parquet")}, false);
  stage("predict", {w("train/run"), d("test.parquet")}, w("predict/submission.csv"),
        {"predict", "--run", w("train/run"), "--data", d("test.parquet"), "--out", w("predict/submission.csv")},
        false);
  return stages;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

nlohmann::json run_pipeline(const PipelineConfig& c, const RunOptions& options) {
  for (const auto& f : options.force) {
    bool known = false;
    for (const auto& s : stage_names()) known |= s == f;
    MMCTR_CHECK(known, "--force {}: unknown stage (stages: {})", f, fmt::format("{}", fmt::join(stage_names(), ", ")));
  }
  const std::string work = fs::absolute(c.work).lexically_normal().string();
  fs::create_directories(work);
  const std::string data = c.embedded_default() ? (fs::path(work) / "data").string() : fs::absolute(c.data).string();
  if (!c.embedded_default()) MMCTR_CHECK(fs::is_directory(data), "{}: data folder not found", data);
  std::string model = c.clip_model.empty() ? (fs::path(work) / "random-clip").string() : fs::absolute(c.clip_model).string();
  if (c.clip_model.empty() && !file_exists(model + "/model.safetensors")) {
    std::fprintf(stderr,
                 "== no clip_model given: writing a small CLIP-shaped model with random weights to %s.\n"
                 "   This is NOT CLIP: the image teacher then carries only what random features keep.\n",
                 model.c_str());
    clip::write_random_model(model, clip::small_random_shape(), c.seed);
  }
  if (!c.clip_model.empty()) MMCTR_CHECK(fs::is_directory(model), "{}: CLIP model folder not found", model);

  nlohmann::json record = {{"work", work}, {"data", data}, {"clip_model", model},
                           {"random_clip", c.clip_model.empty()}, {"stages", nlohmann::json::object()}};
  for (Stage& stage : plan(c, work, data, model)) {
    fs::create_directories(fs::path(stage.output).parent_path());
    const std::string summary_file = (fs::path(work) / (stage.name + ".summary.json")).string();
    const nlohmann::json params = {{"args", stage.args}, {"params", stage.params}};
    auto current_fingerprint = [&] {
      for (const auto& in : stage.inputs) MMCTR_CHECK(file_exists(in), "stage {}: input {} not found", stage.name, in);
      return stage_fingerprint(stage.inputs, params);
    };
    if (!options.force.count(stage.name) && file_exists(summary_file) &&
        cached_output_is_fresh(stage.output, current_fingerprint())) {
      nlohmann::json summary = nlohmann::json::parse(read_text_file(summary_file));
      record["stages"][stage.name] = {{"status", "skipped"}, {"seconds", 0.0}, {"summary", summary}, {"output", stage.output}};
      std::fprintf(stderr, "== %s: up to date, skipped\n", stage.name.c_str());
      continue;
    }
    // An interrupted training run continues from its last finished epoch instead of starting over.
    if (stage.name == "train" && file_exists(stage.output + "/last.pt") && !options.force.count("train") &&
        !file_exists(manifest_path(stage.output))) {
      stage.args = {"train", "--resume", stage.output, "--seed", std::to_string(c.seed), "--threads",
                    std::to_string(c.threads)};
    } else if (stage.name != "synth" && fs::exists(stage.output)) {
      fs::remove_all(stage.output);
    }
    auto start = std::chrono::steady_clock::now();
    nlohmann::json summary = run_stage_process(options.executable, stage);
    double seconds = seconds_since(start);
    if (stage.output_is_summary()) write_text_file_atomic(stage.output, summary.dump(2) + "\n");
    write_text_file_atomic(summary_file, summary.dump() + "\n");
    record_cached_output(stage.output, current_fingerprint());
    record["stages"][stage.name] = {{"status", "ran"}, {"seconds", seconds}, {"summary", summary}, {"output", stage.output}};
  }
  write_report(record, (fs::path(work) / "report.html").string());
  write_text_file_atomic((fs::path(work) / "metrics.json").string(), record.dump(2) + "\n");
  record["report"] = (fs::path(work) / "report.html").string();
  return record;
}

}  // namespace mmctr::pipeline
