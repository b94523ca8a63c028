// mmctr check --data DIR: validates whichever MicroLens files are present before a long run.
#include <filesystem>
#include <map>

#include "cli/command.h"
#include "common/error.h"
#include "common/progress.h"
#include "common/runtime.h"
#include "io/microlens.h"
#include "io/parquet.h"

namespace fs = std::filesystem;

namespace mmctr::cli {
namespace {

struct CheckArgs {
  std::string data;
  CommonOptions common;
  io::ColumnNames names;
  std::string image_pattern = "item_images/{item_id}.jpg";
};

// History lengths (non-padding entries) of a CTR file.
nlohmann::json history_lengths(const io::Int64Matrix& seq) {
  std::vector<int64_t> counts(seq.cols + 1, 0);
  double total = 0;
  for (int64_t r = 0; r < seq.rows; ++r) {
    int64_t n = 0;
    for (int64_t k = 0; k < seq.cols; ++k) n += seq.row(r)[k] != 0;
    ++counts[n];
    total += n;
  }
  auto quantile = [&](double q) {
    int64_t need = static_cast<int64_t>(q * seq.rows), seen = 0;
    for (size_t n = 0; n < counts.size(); ++n)
      if ((seen += counts[n]) > need) return static_cast<int64_t>(n);
    return seq.cols;
  };
  return {{"length", seq.cols}, {"mean", seq.rows ? total / seq.rows : 0.0}, {"min", quantile(0)},
          {"median", quantile(0.5)}, {"max", quantile(1.0 - 1e-12)}, {"empty", counts[0]}};
}

std::string image_path(const std::string& dir, const std::string& pattern, int64_t item_id) {
  std::string p = pattern;
  auto at = p.find("{item_id}");
  if (at != std::string::npos) p.replace(at, 9, std::to_string(item_id));
  return (fs::path(dir) / p).string();
}

void run_check(const CheckArgs& args) {
  apply(args.common);
  MMCTR_CHECK(fs::is_directory(args.data), "{}: not a folder", args.data);
  auto file = [&](const std::string& name) { return (fs::path(args.data) / name).string(); };
  std::vector<io::Problem> problems;
  nlohmann::json files = nlohmann::json::object();
  auto guarded = [&](const std::string& name, const std::function<void(nlohmann::json&)>& body) {
    if (!fs::exists(file(name))) return;
    nlohmann::json entry;
    try {
      body(entry);
    } catch (const InputError& e) {
      problems.push_back({file(name), "", -1, e.what()});
      entry["error"] = e.what();
    }
    files[name] = entry;
  };

  int64_t num_items = -1;
  guarded("item_info.parquet", [&](nlohmann::json& entry) {
    io::ItemInfo info = io::read_item_info(file("item_info.parquet"), args.names, false, &problems);
    num_items = info.items();
    entry = {{"rows", info.items()}, {"items", info.items() - 1}, {"tags_per_item", info.tags.cols},
             {"embedding_dim", info.emb.cols}};
    int64_t max_tag = 0;
    for (int64_t t : info.tags.data) max_tag = std::max(max_tag, t);
    entry["tag_vocab"] = max_tag + 1;
    if (fs::is_directory(file("item_images"))) {
      int64_t present = 0;
      for (int64_t id = 1; id < info.items(); ++id) present += fs::exists(image_path(args.data, args.image_pattern, id));
      entry["images_present"] = present;
      entry["images_missing"] = info.items() - 1 - present;
    }
  });

  guarded("item_seq.parquet", [&](nlohmann::json& entry) {
    int64_t rows = 0, tokens = 0, empty = 0, longest = 0, out_of_range = 0;
    io::scan_parquet(file("item_seq.parquet"),
                     {{args.names.user_id, io::ColumnType::Int64}, {args.names.item_seq, io::ColumnType::Int64List}},
                     1 << 16, [&](const io::Table& batch, int64_t first_row) {
                       const auto& seq = batch.get<io::ListArray>(args.names.item_seq);
                       for (int64_t r = 0; r < seq.rows(); ++r) {
                         int64_t n = seq.length(r);
                         rows++, tokens += n, empty += n == 0, longest = std::max(longest, n);
                         for (int64_t k = 0; k < n; ++k) {
                           int64_t id = seq.row(r)[k];
                           if (id <= 0 || (num_items > 0 && id >= num_items)) {
                             if (out_of_range++ < 20)
                               problems.push_back({file("item_seq.parquet"), args.names.item_seq, first_row + r,
                                                   fmt::format("item id {} at position {}, expected 1..{}", id, k,
                                                               num_items > 0 ? num_items - 1 : 0)});
                             break;
                           }
                         }
                       }
                     });
    entry = {{"rows", rows}, {"tokens", tokens}, {"empty_sequences", empty}, {"longest", longest},
             {"mean_length", rows ? static_cast<double>(tokens) / rows : 0.0}};
  });

  for (const char* name : {"train.parquet", "valid.parquet", "test.parquet"}) {
    guarded(name, [&](nlohmann::json& entry) {
      bool test = std::string(name) == "test.parquet";
      io::CtrData data = io::read_ctr(file(name), test ? io::CtrKind::Test : io::CtrKind::Labelled, num_items,
                                      args.names, &problems);
      entry = {{"rows", data.rows()}, {"history", history_lengths(data.item_seq)}};
      if (!test) {
        int64_t positives = 0;
        for (int64_t l : data.label) positives += l == 1;
        entry["positive_rate"] = data.rows() ? static_cast<double>(positives) / data.rows() : 0.0;
      }
    });
  }
  MMCTR_CHECK(!files.empty(), "{}: no MicroLens files found (item_info, item_seq, train, valid, test .parquet)",
              args.data);

  nlohmann::json problem_list = nlohmann::json::array();
  for (const auto& p : problems) problem_list.push_back(p.describe());
  print_summary({{"data", args.data}, {"files", files}, {"problems", problem_list}});
  if (!problems.empty()) {
    for (const auto& p : problems) std::fprintf(stderr, "mmctr: error: %s\n", p.describe().c_str());
    fail("{}: {} problem{} found", args.data, problems.size(), problems.size() > 1 ? "s" : "");
  }
}

}  // namespace

void add_check_command(CLI::App& app) {
  auto args = std::make_shared<CheckArgs>();
  CLI::App* cmd = app.add_subcommand("check", "validate a MicroLens data-set folder before a long run");
  cmd->add_option("--data", args->data, "data-set folder (any subset of item_info, item_seq, train, valid, test)")
      ->required();
  cmd->add_option("--image-pattern", args->image_pattern, "image path under --data")->capture_default_str();
  add_common_options(cmd, args->common);
  cmd->callback([args] { run_check(*args); });
}

}  // namespace mmctr::cli
