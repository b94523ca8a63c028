// mmctr: one executable, one subcommand per pipeline stage (contract: shared/docs/cli.md).
// Exceptions are caught here once: bad input -> "mmctr: error: ..." and exit code 2.
#include <ATen/Parallel.h>  // only the thread-count API, not all of torch

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iostream>

#include "cli/command.h"
#include "common/error.h"
#include "common/progress.h"
#include "common/runtime.h"

namespace mmctr::cli {

void add_common_options(CLI::App* command, CommonOptions& options) {
  command->add_option("--threads", options.threads, "threads for compute (0: all cores)")
      ->capture_default_str();
  command->add_option("--seed", options.seed, "random seed")->capture_default_str();
}

void apply(const CommonOptions& options) {
  set_threads(options.threads);
  // LibTorch keeps its own intra-op pool (1 thread unless told otherwise).
  at::set_num_threads(num_threads());
}

void print_summary(const nlohmann::json& summary) {
  std::cout << summary.dump() << std::endl;
}

}  // namespace mmctr::cli

int main(int argc, char** argv) {
  // libgomp reads OMP_WAIT_POLICY once, when it is loaded. Its default (spinning workers) starves the
  // threads that decode images or assemble batches beside LibTorch: measured, `mmctr clip` ran 10x
  // slower. So unless the user chose a policy, re-run once with passive waiting.
  if (!std::getenv("OMP_WAIT_POLICY")) {
    setenv("OMP_WAIT_POLICY", "passive", 1);
    execv("/proc/self/exe", argv);  // returns only on failure: then carry on as we are
  }
  mmctr::tune_malloc();
  CLI::App app{"mmctr: multimodal click-through-rate prediction (MicroLens MM-CTR pipeline)", "mmctr"};
  app.require_subcommand(1);
  app.set_version_flag("--version", MMCTR_VERSION);
  bool quiet = false;
  app.add_flag("-q,--quiet", quiet, "no progress bars");
  app.parse_complete_callback([&] { mmctr::Progress::set_enabled(!quiet); });

  using namespace mmctr::cli;
  add_synth_command(app);
  add_convert_command(app);
  add_check_command(app);
  add_w2v_command(app);
  add_clip_command(app);
  add_project_command(app);
  add_set_emb_command(app);
  add_embed_command(app);
  add_train_command(app);
  add_eval_command(app);
  add_predict_command(app);
  add_run_command(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    std::fprintf(stderr, "mmctr: error: %s\n", e.what());
    std::fprintf(stderr, "run 'mmctr --help' or 'mmctr <command> --help' for usage\n");
    return 2;
  } catch (const mmctr::InputError& e) {
    std::fprintf(stderr, "mmctr: error: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mmctr: internal error: %s\n", e.what());
    return 1;
  }
  return 0;
}
