#include "synth/synth.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "common/error.h"
#include "common/files.h"
#include "common/parallel.h"
#include "common/progress.h"
#include "common/runtime.h"
#include "image/codec.h"
#include "io/parquet.h"
#include "metrics/auc.h"
#include "synth/item_features.h"
#include "synth/item_image.h"
#include "synth/world.h"

namespace fs = std::filesystem;

namespace mmctr::synth {
namespace {

constexpr const char* kGenerator = "mmctr synth";
constexpr int kFormatVersion = 1;
// Rows per Parquet batch: fixed (not a function of the thread count) so the files are byte-identical
// for any --threads; 32k rows x 64 history ids = 16 MiB per batch.
constexpr int64_t kBatchRows = 1 << 15;

enum class ImageState : int64_t { Present = 0, Missing = 1, Corrupt = 2 };

// A folder we may replace: absent, empty, or written by an earlier `mmctr synth`.
void check_output_folder(const std::string& folder, bool force) {
  std::error_code ec;
  if (!fs::exists(folder, ec)) return;
  MMCTR_CHECK(fs::is_directory(folder, ec), "{}: --out exists and is not a folder", folder);
  if (fs::is_empty(folder, ec) || force) return;
  const std::string truth = (fs::path(folder) / "truth" / "truth.json").string();
  bool ours = false;
  if (file_exists(truth)) {
    auto parsed = nlohmann::json::parse(read_text_file(truth), nullptr, false);
    ours = parsed.is_object() && parsed.value("generator", "") == kGenerator;
  }
  MMCTR_CHECK(ours,
              "{}: the folder exists, is not empty and is not an earlier `mmctr synth` output; "
              "choose another --out or pass --force to replace it",
              folder);
}

int threads_of(const SynthArgs& args) { return args.threads > 0 ? args.threads : num_threads(); }

void write_bytes(const fs::path& path, const std::vector<uint8_t>& bytes) {
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  MMCTR_CHECK(f.good(), "{}: write failed", path.string());
}

// Renders, encodes and writes item_images/{id}.jpg; returns each item row's ImageState.
std::vector<int64_t> write_images(const SynthArgs& args, const World& world, const fs::path& dir) {
  const int64_t rows = world.item_rows();
  std::vector<int64_t> state(rows, static_cast<int64_t>(ImageState::Missing));
  if (!args.images) return state;
  fs::create_directories(dir);
  Progress progress("item_images", rows - 1, "images");
  std::atomic<int64_t> done{0};
  parallel_for(rows - 1, threads_of(args), [&](int64_t begin, int64_t end, int) {
    for (int64_t i = begin + 1; i < end + 1; ++i) {
      Rng fate(args.seed, Stream::ImageFate, static_cast<uint64_t>(i));
      const double u = fate.uniform();
      if (u >= args.missing_images) {
        Rng rng(args.seed, Stream::ItemImage, static_cast<uint64_t>(i));
        image::Image picture =
            render_item_image(topic_style(world.topic(i), args.topics), rng, args.image_min, args.image_max);
        std::vector<uint8_t> jpeg = image::encode_jpeg(picture, args.jpeg_quality);
        const bool corrupt = u < args.missing_images + args.corrupt_images;
        if (corrupt) jpeg = corrupt_image_bytes(jpeg, fate);
        write_bytes(dir / (std::to_string(i) + ".jpg"), jpeg);
        state[i] = static_cast<int64_t>(corrupt ? ImageState::Corrupt : ImageState::Present);
      }
      progress.update(++done);
    }
  });
  progress.finish();
  return state;
}

// item_seq.parquet: one row per user, the whole behaviour sequence, unpadded.
int64_t write_item_seq(const SynthArgs& args, const World& world, const std::string& path) {
  io::ParquetWriter writer(path);
  Progress progress("item_seq.parquet", args.users, "users");
  int64_t total_length = 0;
  for (int64_t first = 0; first < args.users; first += kBatchRows) {
    const int64_t n = std::min(kBatchRows, args.users - first);
    std::vector<std::vector<int64_t>> sequences(n);
    parallel_for(n, threads_of(args), [&](int64_t begin, int64_t end, int) {
      for (int64_t r = begin; r < end; ++r) {
        const UserPreference user = world.user(first + r + 1);
        sequences[r].resize(user.sequence_length);
        for (int64_t p = 0; p < user.sequence_length; ++p) sequences[r][p] = world.sequence_item(user, p);
      }
    });
    io::Int64Array user_id(n);
    io::ListArray item_seq;
    for (int64_t r = 0; r < n; ++r) {
      user_id[r] = first + r + 1;
      item_seq.push_back(sequences[r].data(), static_cast<int64_t>(sequences[r].size()));
    }
    total_length += static_cast<int64_t>(item_seq.values.size());
    io::Table batch;
    batch.add("user_id", std::move(user_id));
    batch.add("item_seq", std::move(item_seq));
    writer.append(batch);
    progress.update(first + n);
  }
  writer.finish();
  progress.finish();
  return total_length;
}

enum class Split { Train, Valid, Test };

// The ground truth of a split's rows: what the AUCs and test_labels.parquet are computed from.
struct SplitTruth {
  std::vector<double> probability;  // rounded to float, as test_labels.parquet stores it
  std::vector<double> popularity;   // of the shown item, rounded to float as item_truth.parquet
  std::vector<int64_t> label;
  int64_t rows = 0, positives = 0, cold_targets = 0;
};

// train/valid/test.parquet, streamed in batches. Row r draws its user, a point in the user's
// sequence (the history is the up-to-`history` items before it, left-padded), the shown item and the label.
SplitTruth write_split(const SynthArgs& args, const World& world, const ItemFeatures& features,
                       Split split, int64_t rows, const std::string& path) {
  const Stream stream = split == Split::Train ? Stream::TrainRow
                        : split == Split::Valid ? Stream::ValidRow : Stream::TestRow;
  const bool keep_truth = split != Split::Train;
  const int64_t history = args.history;
  SplitTruth truth;
  truth.rows = rows;
  io::ParquetWriter writer(path);
  Progress progress(fs::path(path).filename().string(), rows, "rows");
  for (int64_t first = 0; first < rows; first += kBatchRows) {
    const int64_t n = std::min(kBatchRows, rows - first);
    io::Int64Array user_id(n), item_id(n), likes(n), views(n), label(n);
    io::Int64Matrix item_seq{n, history, std::vector<int64_t>(n * history, 0)};
    std::vector<double> probability(n);
    parallel_for(n, threads_of(args), [&](int64_t begin, int64_t end, int) {
      for (int64_t r = begin; r < end; ++r) {
        Rng rng(args.seed, stream, static_cast<uint64_t>(first + r));
        const UserPreference user = world.user(1 + static_cast<int64_t>(rng.below(args.users)));
        const int64_t length = user.sequence_length;
        const int64_t position = rng.between((length + 1) / 2, length);
        const int64_t kept = std::min(history, position);
        int64_t* seq = item_seq.row(r) + (history - kept);
        for (int64_t j = 0; j < kept; ++j) seq[j] = world.sequence_item(user, position - kept + j);
        const Impression shown = world.impression(user, rng, split != Split::Train);
        user_id[r] = user.user_id;
        item_id[r] = shown.item;
        likes[r] = features.likes_level[shown.item];
        views[r] = features.views_level[shown.item];
        label[r] = shown.label;
        probability[r] = shown.probability;
      }
    });
    for (int64_t r = 0; r < n; ++r) {
      truth.positives += label[r];
      truth.cold_targets += world.cold(item_id[r]) ? 1 : 0;
      if (!keep_truth) continue;
      truth.probability.push_back(static_cast<float>(probability[r]));
      truth.popularity.push_back(static_cast<float>(world.popularity(item_id[r])));
      truth.label.push_back(label[r]);
    }
    io::Table batch;
    if (split == Split::Test) {
      io::Int64Array id(n);
      for (int64_t r = 0; r < n; ++r) id[r] = first + r;
      batch.add("ID", std::move(id));
    }
    batch.add("user_id", std::move(user_id));
    batch.add("item_seq", std::move(item_seq));
    batch.add("item_id", std::move(item_id));
    batch.add("likes_level", std::move(likes));
    batch.add("views_level", std::move(views));
    if (split != Split::Test) batch.add("label", std::move(label));
    writer.append(batch);
    progress.update(first + n);
  }
  writer.finish();
  progress.finish();
  return truth;
}

void write_item_info(const World& world, const ItemFeatures& features, const std::string& path) {
  io::Int64Array item_id(world.item_rows());
  for (int64_t i = 0; i < world.item_rows(); ++i) item_id[i] = i;
  io::Table table;
  table.add("item_id", std::move(item_id));
  table.add("item_tags", features.tags);
  table.add("item_emb_d128", features.embedding);
  io::write_parquet(path, table);
}

void write_item_truth(const World& world, const std::vector<int64_t>& image_state, const std::string& path) {
  const int64_t rows = world.item_rows();
  io::Int64Array item_id(rows), topic(rows), cold(rows);
  io::FloatArray popularity(rows);
  for (int64_t i = 0; i < rows; ++i) {
    item_id[i] = i;
    topic[i] = world.topic(i);
    popularity[i] = static_cast<float>(world.popularity(i));
    cold[i] = world.cold(i) ? 1 : 0;
  }
  io::Table table;
  table.add("item_id", std::move(item_id));
  table.add("topic", std::move(topic));
  table.add("popularity", std::move(popularity));
  table.add("cold", std::move(cold));
  table.add("image_state", image_state);
  io::write_parquet(path, table);
}

void write_test_labels(const SplitTruth& test, const std::string& path) {
  io::Int64Array id(test.rows);
  io::FloatArray probability(test.rows);
  for (int64_t r = 0; r < test.rows; ++r) {
    id[r] = r;
    probability[r] = static_cast<float>(test.probability[r]);
  }
  io::Table table;
  table.add("ID", std::move(id));
  table.add("label", test.label);
  table.add("probability", std::move(probability));
  io::write_parquet(path, table);
}

double rate(int64_t part, int64_t whole) { return whole > 0 ? static_cast<double>(part) / whole : 0.0; }

// The AUC, or null when the rows hold one class only (tiny data sets).
nlohmann::json auc_or_null(const std::vector<double>& scores, const std::vector<int64_t>& labels) {
  std::vector<double> label(labels.begin(), labels.end());
  int64_t positives = std::count(labels.begin(), labels.end(), 1);
  if (positives == 0 || positives == static_cast<int64_t>(labels.size())) return nullptr;
  return metrics::roc_auc(label, scores);
}

nlohmann::json describe(const SynthArgs& args) {
  const PlantedModel& m = args.model;
  return {{"items", args.items},
          {"users", args.users},
          {"train_rows", args.train_rows},
          {"valid_rows", args.valid_rows},
          {"test_rows", args.test_rows},
          {"topics", args.topics},
          {"history", args.history},
          {"tags", args.tags},
          {"embedding_dim", args.embedding_dim},
          {"images", args.images},
          {"image_min", args.image_min},
          {"image_max", args.image_max},
          {"jpeg_quality", args.jpeg_quality},
          {"missing_images", args.missing_images},
          {"corrupt_images", args.corrupt_images},
          {"cold_items", args.cold_items},
          {"positive_rate", args.positive_rate},
          {"model",
           {{"preference_alpha", m.preference_alpha},
            {"preference_floor", m.preference_floor},
            {"zipf_exponent", m.zipf_exponent},
            {"mean_sequence_length", m.mean_sequence_length},
            {"affinity_weight", m.affinity_weight},
            {"popularity_weight", m.popularity_weight},
            {"affinity_smoothing", m.affinity_smoothing},
            {"impression_from_preference", m.impression_from_preference},
            {"embedding_noise", m.embedding_noise},
            {"topic_tag_share", m.topic_tag_share},
            {"tags_per_topic", m.tags_per_topic},
            {"generic_tags", m.generic_tags}}}};
}

}  // namespace

void SynthArgs::set_full_scale() {
  items = 91717;
  users = 1000000;
  train_rows = 3600000;
  valid_rows = 10000;
  test_rows = 379142;
  topics = 32;
}

void SynthArgs::validate() const {
  MMCTR_CHECK(!out.empty(), "--out is required");
  MMCTR_CHECK(topics >= 1, "--topics must be at least 1 (got {})", topics);
  MMCTR_CHECK(items >= 4 * static_cast<int64_t>(topics),
              "--items must be at least 4 per topic ({} for --topics {}), got {}", 4 * topics, topics, items);
  MMCTR_CHECK(users >= 1, "--users must be at least 1 (got {})", users);
  MMCTR_CHECK(train_rows >= 1 && valid_rows >= 1 && test_rows >= 1,
              "--train-rows, --valid-rows and --test-rows must be at least 1 (got {}, {}, {})", train_rows,
              valid_rows, test_rows);
  MMCTR_CHECK(history >= 1, "--history must be at least 1 (got {})", history);
  MMCTR_CHECK(tags >= 1 && tags <= model.tags_per_topic, "tags per item must be 1..{} (got {})",
              model.tags_per_topic, tags);
  MMCTR_CHECK(embedding_dim >= 1, "the embedding dimension must be at least 1");
  MMCTR_CHECK(image_min >= 8 && image_max >= image_min && image_max <= 4096,
              "--image-min/--image-max must satisfy 8 <= min <= max <= 4096 (got {} and {})", image_min,
              image_max);
  MMCTR_CHECK(missing_images >= 0 && corrupt_images >= 0 && missing_images + corrupt_images <= 1,
              "--missing-images and --corrupt-images must be shares in [0, 1] with a sum <= 1 (got {} and {})",
              missing_images, corrupt_images);
  MMCTR_CHECK(cold_items >= 0 && cold_items <= 0.5, "the cold item share must be in [0, 0.5] (got {})",
              cold_items);
  MMCTR_CHECK(positive_rate > 0 && positive_rate < 1, "the positive rate must be in (0, 1) (got {})",
              positive_rate);
}

nlohmann::json generate(const SynthArgs& args) {
  args.validate();
  const std::string folder = output_folder(args.out);
  check_output_folder(folder, args.force);
  PendingOutput output(folder, /*is_directory=*/true);
  const fs::path dir(output.path());
  fs::create_directories(dir / "truth");

  const World world(args);
  const ItemFeatures features = make_item_features(world, args);
  write_item_info(world, features, (dir / "item_info.parquet").string());
  const std::vector<int64_t> image_state = write_images(args, world, dir / "item_images");
  write_item_truth(world, image_state, (dir / "truth" / "item_truth.parquet").string());
  const int64_t sequence_items = write_item_seq(args, world, (dir / "item_seq.parquet").string());
  const SplitTruth train = write_split(args, world, features, Split::Train, args.train_rows,
                                       (dir / "train.parquet").string());
  const SplitTruth valid = write_split(args, world, features, Split::Valid, args.valid_rows,
                                       (dir / "valid.parquet").string());
  const SplitTruth test = write_split(args, world, features, Split::Test, args.test_rows,
                                      (dir / "test.parquet").string());
  write_test_labels(test, (dir / "truth" / "test_labels.parquet").string());

  auto count_state = [&](ImageState s) {
    return std::count(image_state.begin() + 1, image_state.end(), static_cast<int64_t>(s));
  };
  nlohmann::json truth = {
      {"generator", kGenerator},
      {"format_version", kFormatVersion},
      {"seed", args.seed},
      {"args", describe(args)},
      {"intercept", world.intercept()},
      {"counts",
       {{"item_rows", world.item_rows()},
        {"items", args.items},
        {"cold_items", world.cold_items()},
        {"users", args.users},
        {"sequence_items", sequence_items},
        {"train_rows", train.rows},
        {"valid_rows", valid.rows},
        {"test_rows", test.rows},
        {"valid_cold_targets", valid.cold_targets},
        {"test_cold_targets", test.cold_targets},
        {"images_present", count_state(ImageState::Present)},
        {"images_missing", count_state(ImageState::Missing)},
        {"images_corrupt", count_state(ImageState::Corrupt)}}},
      {"positive_rate",
       {{"train", rate(train.positives, train.rows)},
        {"valid", rate(valid.positives, valid.rows)},
        {"test", rate(test.positives, test.rows)}}},
      {"oracle_auc",
       {{"valid", auc_or_null(valid.probability, valid.label)},
        {"test", auc_or_null(test.probability, test.label)}}},
      {"popularity_auc",
       {{"valid", auc_or_null(valid.popularity, valid.label)},
        {"test", auc_or_null(test.popularity, test.label)}}},
  };
  write_text_file_atomic((dir / "truth" / "truth.json").string(), truth.dump(2) + "\n");
  output.commit();
  return truth;
}

}  // namespace mmctr::synth
