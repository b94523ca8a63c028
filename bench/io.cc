// Reads a MicroLens-sized train.parquet (3.6M rows, 64-long histories) through io::read_ctr, checks
// what it read, and compares the time with DuckDB's own native scan of the same columns (the floor for
// any reader built on it) measured in the same run. Also prints peak memory against the arrays' size.
//   bench_io [rows=3600000] [file=/tmp/mmctr-bench-train.parquet]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include "common/runtime.h"
#include "io/duckdb.h"
#include "io/microlens.h"

using namespace mmctr;

namespace {
double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
double peak_rss_gib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0 / 1024.0;
}
constexpr int64_t kItems = 91718;

// Row r: history of 64 ids, left-padded with (r % 20) zeros; target id; levels; label.
std::string train_sql(int64_t rows) {
  return "SELECT r AS user_id, "
         "list_transform(range(64), k -> CASE WHEN k < r % 20 THEN 0 ELSE (r * 31 + k * 7) % " +
         std::to_string(kItems - 1) + " + 1 END) AS item_seq, " + "(r * 13) % " + std::to_string(kItems - 1) +
         " + 1 AS item_id, r % 10 + 1 AS likes_level, (r * 3) % 10 + 1 AS views_level, "
         "CAST(r % 4 = 0 AS BIGINT) AS label FROM range(" + std::to_string(rows) + ") t(r)";
}
}  // namespace

int main(int argc, char** argv) {
  tune_malloc();
  set_threads(0);
  int64_t rows = argc > 1 ? std::stoll(argv[1]) : 3600000;
  std::string path = argc > 2 ? argv[2] : "/tmp/mmctr-bench-train.parquet";
  if (!std::filesystem::exists(path)) {
    std::fprintf(stderr, "writing %lld rows to %s\n", static_cast<long long>(rows), path.c_str());
    io::Database db;
    io::Connection con(db);
    con.execute("COPY (" + train_sql(rows) + ") TO " + io::quote_literal(path) + " (FORMAT parquet, COMPRESSION zstd)");
  }

  auto t0 = std::chrono::steady_clock::now();
  double native;
  {
    io::Database db;
    io::Connection con(db);
    con.execute("CREATE TEMP TABLE s AS SELECT sum(list_sum(item_seq)), sum(item_id), sum(label) FROM read_parquet(" +
                io::quote_literal(path) + ")");
    native = seconds_since(t0);
  }

  t0 = std::chrono::steady_clock::now();
  io::CtrData data = io::read_ctr(path, io::CtrKind::Labelled, kItems);
  double ours = seconds_since(t0);

  // Validate before reporting: row r must be what train_sql generated.
  for (int64_t r = 0; r < data.rows(); r += 9973) {
    int64_t want_last = (r * 31 + 63 * 7) % (kItems - 1) + 1;
    if (data.item_seq.row(r)[63] != want_last || data.item_id[r] != (r * 13) % (kItems - 1) + 1 ||
        data.label[r] != (r % 4 == 0) || (r % 20 > 0 && data.item_seq.row(r)[0] != 0)) {
      std::fprintf(stderr, "bench_io: wrong value at row %lld\n", static_cast<long long>(r));
      return 1;
    }
  }
  double array_gib = (data.item_seq.data.size() + 5.0 * data.rows()) * 8 / 1024.0 / 1024.0 / 1024.0;
  std::printf("rows %lld, threads %d\n", static_cast<long long>(data.rows()), num_threads());
  std::printf("duckdb native scan (sum over the same columns): %.2f s\n", native);
  std::printf("mmctr read_ctr into typed arrays, checked:      %.2f s  (%.2fx the native scan)\n", ours, ours / native);
  std::printf("arrays %.2f GiB, peak RSS %.2f GiB\n", array_gib, peak_rss_gib());
  return 0;
}
