// Runs the mmctr executable as a user would and captures what it prints and its exit code.
#pragma once

#include <nlohmann/json.hpp>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "support/temp_dir.h"

namespace mmctr::testing {

struct CliResult {
  int exit_code = -1;
  std::string out, err;
  // The one-line JSON summary a successful command prints on stdout.
  nlohmann::json summary() const { return nlohmann::json::parse(out); }
};

// args are passed through the shell: quote paths with spaces yourself.
inline CliResult run_mmctr(const std::string& args) {
  TempDir capture;
  std::string command = std::string(MMCTR_EXE) + " --quiet " + args + " >" + capture.file("out") + " 2>" +
                        capture.file("err");
  int status = std::system(command.c_str());
  CliResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  auto slurp = [](const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  };
  result.out = slurp(capture.file("out"));
  result.err = slurp(capture.file("err"));
  return result;
}

}  // namespace mmctr::testing
