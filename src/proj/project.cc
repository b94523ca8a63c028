#include "proj/project.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <unordered_set>

#include "common/error.h"
#include "common/files.h"
#include "io/parquet.h"
#include "proj/item_info_writer.h"
#include "proj/item_vectors.h"
#include "proj/projector.h"
#include "proj/projector_trainer.h"
#include "proj/regression_score.h"
#include "proj/ridge.h"

namespace mmctr::proj {

namespace {

constexpr int64_t kPaddingItem = 0;

// Rows `rows` of a matrix as a (rows.size(), cols) float tensor.
torch::Tensor gather_rows(const io::FloatMatrix& matrix, const std::vector<int64_t>& rows) {
  auto out = torch::empty({static_cast<int64_t>(rows.size()), matrix.cols}, torch::kFloat32);
  float* dst = out.data_ptr<float>();
  for (size_t i = 0; i < rows.size(); ++i)
    std::memcpy(dst + i * matrix.cols, matrix.row(rows[i]), sizeof(float) * matrix.cols);
  return out;
}

nlohmann::json score_json(const RegressionScore& score) {
  return {{"mse", score.mse}, {"cosine", score.cosine}};
}

// Items of both files, ascending by item_id (file order must not matter), padding excluded.
struct Alignment {
  std::vector<int64_t> item_id, feature_row, target_row;
};

Alignment align(const ItemVectors& features, const ItemVectors& targets) {
  std::vector<int64_t> items;
  for (int64_t item : targets.item_id)
    if (item != kPaddingItem && features.find(item) >= 0) items.push_back(item);
  MMCTR_CHECK(!items.empty(),
              "no item_id is in both the features ({}: {} items, e.g. {}) and the targets ({}: {} "
              "items, e.g. {}); are they from the same data set?",
              features.description, features.rows(), features.item_id.front(), targets.description,
              targets.rows(), targets.item_id.front());
  std::sort(items.begin(), items.end());
  Alignment alignment;
  alignment.item_id = items;
  for (int64_t item : items) {
    alignment.feature_row.push_back(features.find(item));
    alignment.target_row.push_back(targets.find(item));
  }
  return alignment;
}

// Which item_info rows get a projected vector (from which feature row); padding and, when
// allowed, items without features stay zero. Checked before training so bad input fails fast.
struct InferencePlan {
  std::vector<int64_t> feature_rows, info_rows;
  int64_t without_features = 0;
};

InferencePlan plan_inference(const ItemVectors& features, const io::Int64Array& items,
                             const ProjectArgs& args) {
  InferencePlan plan;
  std::vector<int64_t> missing;
  for (size_t r = 0; r < items.size(); ++r) {
    if (items[r] == kPaddingItem) continue;
    int64_t row = features.find(items[r]);
    if (row < 0) {
      missing.push_back(items[r]);
      continue;
    }
    plan.feature_rows.push_back(row);
    plan.info_rows.push_back(static_cast<int64_t>(r));
  }
  if (!missing.empty() && !args.allow_missing_features) {
    std::vector<int64_t> examples(missing.begin(), missing.begin() + std::min<size_t>(5, missing.size()));
    fail("{}: {} items have no features in {} (e.g. item_id {}); give features for every item or "
         "pass --allow-missing-features to embed them as zero vectors",
         args.item_info, missing.size(), features.description, fmt::join(examples, ", "));
  }
  MMCTR_CHECK(!plan.feature_rows.empty(), "{}: no item has features in {}", args.item_info,
              features.description);
  plan.without_features = static_cast<int64_t>(missing.size());
  return plan;
}

// The new vector of every item_info row: projected and L2-normalised, or zero.
io::FloatMatrix embed_items(Projector& model, const ItemVectors& features, const InferencePlan& plan,
                            int64_t rows, int64_t out_dim) {
  auto projected = project(model, gather_rows(features.vectors, plan.feature_rows));  // (M, out)
  projected = (projected / (projected.norm(2, 1, /*keepdim=*/true) + kNormEpsilon)).contiguous();
  io::FloatMatrix embeddings{rows, out_dim, std::vector<float>(rows * out_dim, 0.0f)};
  const float* src = projected.data_ptr<float>();
  for (size_t i = 0; i < plan.info_rows.size(); ++i)
    std::memcpy(embeddings.row(plan.info_rows[i]), src + i * out_dim, sizeof(float) * out_dim);
  return embeddings;
}

void write_embeddings_file(const io::Int64Array& items, const io::FloatMatrix& embeddings,
                           const std::string& path) {
  std::vector<int64_t> order(items.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int64_t>(i);
  std::sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return items[a] < items[b]; });
  io::Int64Array sorted_items;
  io::FloatMatrix sorted{embeddings.rows, embeddings.cols, {}};
  sorted.data.reserve(embeddings.data.size());
  for (int64_t r : order) {
    sorted_items.push_back(items[r]);
    sorted.data.insert(sorted.data.end(), embeddings.row(r), embeddings.row(r) + embeddings.cols);
  }
  io::Table table;
  table.add("item_id", std::move(sorted_items));
  table.add("item_emb", std::move(sorted));
  io::write_parquet(path, table);
}

}  // namespace

void ProjectArgs::validate() const {
  MMCTR_CHECK(!features.empty(), "--features: give at least one FILE[:COLUMN]");
  MMCTR_CHECK(!targets.empty(), "--targets: give FILE[:COLUMN]");
  MMCTR_CHECK(!item_info.empty(), "--item-info: give the item_info parquet file");
  MMCTR_CHECK(!out.empty(), "--out: give the output file");
  MMCTR_CHECK(!emb_column.empty() && emb_column != "item_id",
              "--emb-column: '{}' cannot hold the embeddings", emb_column);
  MMCTR_CHECK(hidden1 > 0 && hidden2 > 0, "--hidden: sizes must be positive, got {} and {}",
              hidden1, hidden2);
  MMCTR_CHECK(dropout >= 0 && dropout < 1, "--dropout: must be in [0, 1), got {}", dropout);
  MMCTR_CHECK(epochs >= 1, "--epochs: must be at least 1, got {}", epochs);
  MMCTR_CHECK(batch >= 2, "--batch: must be at least 2 (BatchNorm), got {}", batch);
  MMCTR_CHECK(lr > 0, "--lr: must be positive, got {}", lr);
  MMCTR_CHECK(valid_share >= 0 && valid_share <= 0.5, "--valid-share: must be in [0, 0.5], got {}",
              valid_share);
  MMCTR_CHECK(ridge_lambda >= 0, "--ridge-lambda: must be >= 0, got {}", ridge_lambda);
  MMCTR_CHECK(out_embeddings.empty() || out_embeddings != out,
              "--out-embeddings: must differ from --out ({})", out);
}

nlohmann::json run_project(const ProjectArgs& args) {
  auto start = std::chrono::steady_clock::now();
  args.validate();
  std::vector<VectorSource> feature_sources;
  std::vector<std::string> inputs{args.item_info};
  for (const auto& spec : args.features) {
    feature_sources.push_back(parse_vector_source(spec));
    inputs.push_back(feature_sources.back().path);
  }
  VectorSource target_source = parse_vector_source(args.targets);
  inputs.push_back(target_source.path);
  require_file(args.item_info, "item_info");
  check_embedding_column(args.item_info, args.emb_column);
  check_not_input(args.out, inputs);
  if (!args.out_embeddings.empty()) check_not_input(args.out_embeddings, inputs);

  std::vector<ItemVectors> parts;
  for (const auto& source : feature_sources) parts.push_back(read_item_vectors(source));
  int64_t dropped_by_concatenation = 0;
  ItemVectors features = concatenate(std::move(parts), &dropped_by_concatenation);
  ItemVectors targets = read_item_vectors(target_source);
  io::Int64Array items =
      std::move(io::read_parquet(args.item_info, {{"item_id", io::ColumnType::Int64}})
                    .get<io::Int64Array>("item_id"));
  std::unordered_set<int64_t> info_items;
  int64_t cold_start = 0, features_not_in_info = 0;
  for (size_t r = 0; r < items.size(); ++r) {
    MMCTR_CHECK(info_items.insert(items[r]).second, "{}: column item_id, row {}: item {} appears again",
                args.item_info, r, items[r]);
    if (items[r] != kPaddingItem && targets.find(items[r]) < 0) ++cold_start;
  }
  for (int64_t item : features.item_id)
    if (!info_items.count(item)) ++features_not_in_info;

  InferencePlan plan = plan_inference(features, items, args);
  Alignment alignment = align(features, targets);
  const int64_t aligned = static_cast<int64_t>(alignment.item_id.size());
  fmt::print(stderr, "project: {} feature items ({}-d), {} target items ({}-d), {} aligned; {} of {} "
             "item_info items have no target (cold start)\n", features.rows(), features.dim(),
             targets.rows(), targets.dim(), aligned, cold_start, items.size());

  // Split, initialisation, shuffling and dropout all draw from this one seeded generator.
  torch::manual_seed(args.seed);
  int64_t valid_count = static_cast<int64_t>(std::llround(args.valid_share * aligned));
  if (args.valid_share > 0) valid_count = std::max<int64_t>(valid_count, 1);
  MMCTR_CHECK(aligned - valid_count >= 2,
              "only {} aligned items: too few to train the projector (and hold out {})", aligned,
              valid_count);
  auto x_all = gather_rows(features.vectors, alignment.feature_row);  // (aligned, in)
  auto y_all = gather_rows(targets.vectors, alignment.target_row);    // (aligned, out)
  auto permutation = torch::randperm(aligned, torch::kLong);
  auto valid_rows = permutation.slice(0, 0, valid_count);
  auto train_rows = permutation.slice(0, valid_count, aligned);
  auto x_train = x_all.index_select(0, train_rows), y_train = y_all.index_select(0, train_rows);
  auto x_valid = x_all.index_select(0, valid_rows), y_valid = y_all.index_select(0, valid_rows);
  x_all = torch::Tensor();
  y_all = torch::Tensor();

  nlohmann::json references = nlohmann::json::object();
  RegressionScore ridge_score, mean_score;
  if (valid_count > 0) {
    auto mean_prediction = y_train.mean(0, /*keepdim=*/true).expand_as(y_valid);
    mean_score = score_regression(mean_prediction, y_valid);
    references["mean_target"] = score_json(mean_score);
    RidgeRegression ridge;
    ridge.fit(x_train, y_train, args.ridge_lambda);
    ridge_score = score_regression(ridge.predict(x_valid), y_valid);
    references["ridge"] = score_json(ridge_score);
    references["ridge"]["lambda"] = args.ridge_lambda;
    fmt::print(stderr, "project: references on {} held-out items: mean target mse {:.4g} cos {:.4f}; "
               "ridge (lambda {}) mse {:.4g} cos {:.4f}\n", valid_count, mean_score.mse,
               mean_score.cosine, args.ridge_lambda, ridge_score.mse, ridge_score.cosine);
  }

  ProjectorOptions model_options;
  model_options.in_dim = features.dim();
  model_options.hidden1 = args.hidden1;
  model_options.hidden2 = args.hidden2;
  model_options.out_dim = targets.dim();
  model_options.dropout = args.dropout;
  Projector model(model_options);
  if (args.standardize_targets)
    model->set_output_affine(y_train.mean(0), y_train.std(0).clamp_min(1e-8));
  TrainOptions train_options;
  train_options.epochs = args.epochs;
  train_options.batch = args.batch;
  train_options.lr = args.lr;
  nlohmann::json epochs = nlohmann::json::array();
  auto reports = train_projector(model, x_train, y_train, x_valid, y_valid, train_options,
                                 [&](const EpochReport& report) {
    nlohmann::json row{{"epoch", report.epoch}, {"train_mse", report.train_loss},
                       {"seconds", report.seconds}};
    if (report.has_valid) {
      row["valid_mse"] = report.valid.mse;
      row["valid_cosine"] = report.valid.cosine;
      fmt::print(stderr, "project: epoch {} train mse {:.4g} valid mse {:.4g} cos {:.4f}\n",
                 report.epoch, report.train_loss, report.valid.mse, report.valid.cosine);
    }
    epochs.push_back(row);
  });

  io::FloatMatrix embeddings =
      embed_items(model, features, plan, static_cast<int64_t>(items.size()), targets.dim());
  write_item_info_with_embeddings(args.item_info, args.emb_column, embeddings, args.out);
  if (!args.out_embeddings.empty()) write_embeddings_file(items, embeddings, args.out_embeddings);

  nlohmann::json summary{
      {"features", {{"source", features.description}, {"items", features.rows()},
                    {"dim", features.dim()}, {"dropped_by_concatenation", dropped_by_concatenation},
                    {"not_in_item_info", features_not_in_info}}},
      {"targets", {{"source", targets.description}, {"items", targets.rows()}, {"dim", targets.dim()}}},
      {"aligned", aligned},
      {"train_items", aligned - valid_count},
      {"valid_items", valid_count},
      {"item_info", {{"path", args.item_info}, {"items", items.size()}, {"cold_start", cold_start},
                     {"without_features", plan.without_features}}},
      {"epochs", epochs},
      {"references", references},
      {"out", args.out},
      {"emb_column", args.emb_column},
      {"dim", targets.dim()},
  };
  if (!args.out_embeddings.empty()) summary["out_embeddings"] = args.out_embeddings;
  summary["standardize_targets"] = args.standardize_targets;
  if (valid_count > 0) {
    const RegressionScore& last = reports.back().valid;
    summary["valid"] = score_json(last);
    summary["projector_beats_ridge"] = last.mse < ridge_score.mse;
    summary["projector_beats_mean"] = last.mse < mean_score.mse;
    if (last.mse >= ridge_score.mse)
      summary["note"] = fmt::format(
          "the projector (valid mse {:.6g}) does not beat {} (valid mse {:.6g}) on the held-out "
          "items{}", last.mse, last.mse >= mean_score.mse ? "even the mean target" : "ridge regression",
          last.mse >= mean_score.mse ? mean_score.mse : ridge_score.mse,
          args.standardize_targets ? "" : "; try --standardize-targets or more --epochs");
  }
  summary["seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return summary;
}

}  // namespace mmctr::proj
