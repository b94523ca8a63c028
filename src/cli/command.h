// The pieces every subcommand shares: --threads/--seed, the one-line JSON summary on stdout.
// Each subcommand lives in its own cmd_<name>.cc and exposes add_<name>_command(app).
#pragma once

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdint>

namespace mmctr::cli {

struct CommonOptions {
  int threads = 0;         // 0: all cores
  uint64_t seed = 42;
};

// Adds --threads and --seed to a subcommand; the values are applied (set_threads) by apply().
void add_common_options(CLI::App* command, CommonOptions& options);
void apply(const CommonOptions& options);

// Prints the command's summary as ONE line of JSON on stdout.
void print_summary(const nlohmann::json& summary);

void add_synth_command(CLI::App& app);
void add_convert_command(CLI::App& app);
void add_check_command(CLI::App& app);
void add_w2v_command(CLI::App& app);
void add_clip_command(CLI::App& app);
void add_project_command(CLI::App& app);
void add_set_emb_command(CLI::App& app);
void add_embed_command(CLI::App& app);
void add_train_command(CLI::App& app);
void add_eval_command(CLI::App& app);
void add_predict_command(CLI::App& app);
void add_run_command(CLI::App& app);

}  // namespace mmctr::cli
