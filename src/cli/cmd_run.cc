// mmctr run [--config FILE.yaml]: the whole pipeline, stage by stage, skipping what is up to date.
#include <unistd.h>

#include <climits>

#include "cli/command.h"
#include "common/error.h"
#include "common/runtime.h"
#include "pipeline/runner.h"

namespace mmctr::cli {
namespace {

struct RunArgs {
  std::string config;
  std::string work;
  std::vector<std::string> sets;
  std::vector<std::string> force;
  int threads = 0;
  uint64_t seed = 42;
};

std::string self_executable() {
  char buffer[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buffer, sizeof buffer - 1);
  MMCTR_ASSERT(n > 0);
  return std::string(buffer, n);
}

void run_run(const RunArgs& args, CLI::App* command) {
  pipeline::PipelineConfig config = args.config.empty() ? pipeline::default_pipeline() : pipeline::load_pipeline(args.config);
  if (command->get_option("--threads")->count()) config.threads = args.threads;
  if (command->get_option("--seed")->count()) config.seed = args.seed;
  if (!args.work.empty()) config.work = args.work;
  pipeline::apply_overrides(config, args.sets);
  set_threads(config.threads);
  pipeline::RunOptions options{self_executable(), {args.force.begin(), args.force.end()}};
  nlohmann::json record = pipeline::run_pipeline(config, options);
  nlohmann::json stages = nlohmann::json::object();
  for (const auto& [name, stage] : record["stages"].items())
    stages[name] = {{"status", stage["status"]}, {"seconds", stage["seconds"]}, {"output", stage["output"]}};
  const auto& eval = record["stages"].contains("eval") ? record["stages"]["eval"]["summary"] : nlohmann::json::object();
  print_summary({{"command", "run"}, {"work", record["work"]}, {"stages", stages},
                 {"valid_auc", eval.value("auc", nlohmann::json())}, {"valid_logloss", eval.value("logloss", nlohmann::json())},
                 {"report", record["report"]}, {"submission", record["stages"]["predict"]["output"]}});
}

}  // namespace

void add_run_command(CLI::App& app) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* cmd = app.add_subcommand(
      "run", "the whole pipeline (synth, clip, w2v, project, the cosine and popularity references, train, eval, "
             "predict); with no --config, the embedded default: synth data and a random CLIP-shaped model (not CLIP)");
  cmd->add_option("--config", args->config, "pipeline YAML (configs/pipeline.yaml shows every key)");
  cmd->add_option("--work", args->work, "work folder for stage outputs, manifests and the report [mmctr-run]");
  cmd->add_option("--set", args->sets, "override: stage.key=value (e.g. train.learning_rate=1e-3) or key=value");
  cmd->add_option("--force", args->force, "redo this stage even if it is up to date (repeatable)");
  cmd->add_option("--threads", args->threads, "threads for every stage (0: all cores)");
  cmd->add_option("--seed", args->seed, "seed for every stage");
  cmd->callback([args, cmd] { run_run(*args, cmd); });
}

}  // namespace mmctr::cli
