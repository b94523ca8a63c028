#include "pipeline/report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numeric>

#include "common/files.h"
#include "io/parquet.h"
#include "pipeline/pipeline_config.h"

namespace fs = std::filesystem;

namespace mmctr::pipeline {
namespace {

std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string number(double v, int digits = 4) {
  if (!std::isfinite(v)) return "–";
  return fmt::format("{:.{}g}", v, digits);
}

struct Series {
  std::string name, color;
  std::vector<double> y;
  bool dashed = false;
};

// A line chart over x = 1..n with labelled axes, as inline SVG.
std::string line_chart(const std::string& title, const std::string& x_label, const std::vector<Series>& series) {
  const double w = 420, h = 240, left = 56, right = 12, top = 28, bottom = 40;
  size_t n = 0;
  double lo = INFINITY, hi = -INFINITY;
  for (const auto& s : series) {
    n = std::max(n, s.y.size());
    for (double v : s.y)
      if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
  }
  std::string svg = fmt::format(R"(<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" role="img" aria-label="{}">)",
                                w, h, escape(title));
  svg += fmt::format(R"(<text x="{}" y="18" class="t">{}</text>)", left, escape(title));
  if (n == 0 || !std::isfinite(lo)) return svg + R"(<text x="60" y="120">no data</text></svg>)";
  if (hi - lo < 1e-12) hi = lo + std::max(1e-6, std::abs(lo) * 0.01), lo -= (hi - lo);
  double pad = (hi - lo) * 0.08;
  lo -= pad, hi += pad;
  auto px = [&](size_t i) { return left + (n == 1 ? (w - left - right) / 2 : i * (w - left - right) / (n - 1)); };
  auto py = [&](double v) { return top + (hi - v) / (hi - lo) * (h - top - bottom); };
  svg += fmt::format(R"(<rect x="{}" y="{}" width="{}" height="{}" class="frame"/>)", left, top, w - left - right,
                     h - top - bottom);
  for (int k = 0; k <= 4; ++k) {
    double v = lo + (hi - lo) * k / 4;
    svg += fmt::format(R"(<line x1="{}" x2="{}" y1="{:.1f}" y2="{:.1f}" class="grid"/><text x="{}" y="{:.1f}" class="a" text-anchor="end">{}</text>)",
                       left, w - right, py(v), py(v), left - 4, py(v) + 4, number(v, 4));
  }
  for (size_t i = 0; i < n; ++i)
    svg += fmt::format(R"(<text x="{:.1f}" y="{}" class="a" text-anchor="middle">{}</text>)", px(i), h - bottom + 14, i + 1);
  svg += fmt::format(R"(<text x="{}" y="{}" class="a" text-anchor="middle">{}</text>)", (left + w - right) / 2,
                     h - 8, escape(x_label));
  double legend_x = left + 6;
  for (const auto& s : series) {
    std::string points;
    for (size_t i = 0; i < s.y.size(); ++i)
      if (std::isfinite(s.y[i])) points += fmt::format("{:.1f},{:.1f} ", px(i), py(s.y[i]));
    svg += fmt::format(R"(<polyline fill="none" stroke="{}" stroke-width="2" {} points="{}"/>)", s.color,
                       s.dashed ? R"(stroke-dasharray="5,4")" : "", points);
    for (size_t i = 0; i < s.y.size(); ++i)
      if (std::isfinite(s.y[i]) && !s.dashed)
        svg += fmt::format(R"(<circle cx="{:.1f}" cy="{:.1f}" r="3" fill="{}"><title>{} epoch {}: {}</title></circle>)",
                           px(i), py(s.y[i]), s.color, escape(s.name), i + 1, number(s.y[i], 6));
    svg += fmt::format(R"(<rect x="{:.0f}" y="{}" width="10" height="10" fill="{}"/><text x="{:.0f}" y="{}" class="a">{}</text>)",
                       legend_x, top + 6, s.color, legend_x + 14, top + 15, escape(s.name));
    legend_x += 24 + 6.5 * s.name.size();
  }
  return svg + "</svg>";
}

std::string bar_chart(const std::string& title, const std::vector<std::pair<std::string, double>>& bars,
                      const std::string& unit) {
  const double w = 420, row = 22, left = 90, top = 28;
  double h = top + row * bars.size() + 10, peak = 1e-9;
  for (const auto& b : bars) peak = std::max(peak, b.second);
  std::string svg = fmt::format(R"(<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" role="img" aria-label="{}"><text x="8" y="18" class="t">{}</text>)",
                                w, h, escape(title), escape(title));
  for (size_t i = 0; i < bars.size(); ++i) {
    double y = top + i * row, len = (w - left - 90) * bars[i].second / peak;
    svg += fmt::format(R"(<text x="{}" y="{}" class="a" text-anchor="end">{}</text><rect x="{}" y="{}" width="{:.1f}" height="{}" fill="#4c78a8"/><text x="{:.1f}" y="{}" class="a">{} {}</text>)",
                       left - 6, y + 14, escape(bars[i].first), left, y + 3, std::max(1.0, len), row - 6,
                       left + std::max(1.0, len) + 4, y + 14, number(bars[i].second, 6), unit);
  }
  return svg + "</svg>";
}

std::vector<double> column(const nlohmann::json& rows, const char* key) {
  std::vector<double> out;
  for (const auto& r : rows) out.push_back(r.contains(key) && r[key].is_number() ? r[key].get<double>() : NAN);
  return out;
}

const nlohmann::json& summary_of(const nlohmann::json& record, const char* stage) {
  static const nlohmann::json none = nlohmann::json::object();
  if (!record["stages"].contains(stage)) return none;
  return record["stages"][stage]["summary"];
}

// Nearest neighbours (cosine) of a few items in the Word2Vec space, with the planted topic of each
// item when the data is synth's (its truth/item_truth.parquet).
std::string w2v_neighbours(const nlohmann::json& record) {
  if (!record["stages"].contains("w2v")) return "";
  std::string path = record["stages"]["w2v"]["output"];
  if (!file_exists(path)) return "";
  io::Table t = io::read_parquet(path, {{"item_id", io::ColumnType::Int64}, {"w2v_emb", io::ColumnType::FloatMatrix}});
  const auto& ids = t.get<io::Int64Array>("item_id");
  const auto& emb = t.get<io::FloatMatrix>("w2v_emb");
  if (emb.rows < 8) return "";
  std::map<int64_t, int64_t> topic;
  std::string truth = (fs::path(record["data"].get<std::string>()) / "truth" / "item_truth.parquet").string();
  if (file_exists(truth)) {
    io::Table tt = io::read_parquet(truth, {{"item_id", io::ColumnType::Int64}, {"topic", io::ColumnType::Int64}});
    for (int64_t r = 0; r < tt.rows(); ++r) topic[tt.get<io::Int64Array>("item_id")[r]] = tt.get<io::Int64Array>("topic")[r];
  }
  auto label = [&](int64_t row) {
    auto it = topic.find(ids[row]);
    return it == topic.end() ? std::to_string(ids[row]) : fmt::format("{} <small>(topic {})</small>", ids[row], it->second);
  };
  std::vector<double> norm(emb.rows);
  for (int64_t r = 0; r < emb.rows; ++r) {
    double s = 0;
    for (int64_t k = 0; k < emb.cols; ++k) s += double(emb.row(r)[k]) * emb.row(r)[k];
    norm[r] = std::sqrt(s) + 1e-12;
  }
  std::string html = "<table><tr><th>item</th><th>5 nearest items (cosine)</th></tr>";
  int same = 0, total = 0;
  for (int q = 0; q < 6; ++q) {
    int64_t query = emb.rows * (2 * q + 1) / 12;
    std::vector<std::pair<double, int64_t>> scored;
    for (int64_t r = 0; r < emb.rows; ++r) {
      if (r == query) continue;
      double dot = 0;
      for (int64_t k = 0; k < emb.cols; ++k) dot += double(emb.row(r)[k]) * emb.row(query)[k];
      scored.push_back({dot / (norm[r] * norm[query]), r});
    }
    std::partial_sort(scored.begin(), scored.begin() + 5, scored.end(), std::greater<>());
    html += "<tr><td>" + label(query) + "</td><td>";
    for (int k = 0; k < 5; ++k) {
      html += fmt::format("{} {:.2f}; ", label(scored[k].second), scored[k].first);
      if (!topic.empty()) same += topic[ids[scored[k].second]] == topic[ids[query]], ++total;
    }
    html += "</td></tr>";
  }
  html += "</table>";
  if (total > 0)
    html += fmt::format("<p>{} of {} neighbours share the query's planted topic.</p>", same, total);
  return html;
}

}  // namespace

std::string render_report(const nlohmann::json& record) {
  std::string html = R"(<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>mmctr run report</title><style>
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px auto;max-width:920px;color:#222;padding:0 12px}
h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd;padding-bottom:4px}
table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ddd;padding:4px 8px;text-align:left}
.warn{background:#fff4e5;border:1px solid #f0b36b;padding:8px 12px;border-radius:4px}
.kpi{display:inline-block;margin:6px 18px 6px 0}.kpi b{font-size:22px;display:block}
svg{margin:6px 12px 6px 0;font-family:inherit}.t{font-size:13px;font-weight:600}.a{font-size:11px;fill:#555}
.frame{fill:none;stroke:#bbb}.grid{stroke:#eee}
</style></head><body><h1>mmctr run report</h1>)";
  html += fmt::format("<p>Work folder <code>{}</code>, data <code>{}</code>.</p>", escape(record.value("work", "")),
                      escape(record.value("data", "")));
  if (record.value("random_clip", false))
    html += R"(<p class="warn">The image teacher is a CLIP-shaped model with <b>random weights</b> written by mmctr, not CLIP: its features keep only what random projections of the pixels keep. Give <code>clip_model</code> (openai/clip-vit-base-patch32) for the real pipeline.</p>)";

  // Final metrics.
  html += "<h2>Final metrics</h2>";
  const auto& eval = summary_of(record, "eval");
  const auto& synth = summary_of(record, "synth");
  auto kpi = [&](const std::string& name, const nlohmann::json& v) {
    if (v.is_number()) html += fmt::format("<span class=kpi><b>{}</b>{}</span>", number(v.get<double>(), 5), escape(name));
  };
  kpi("valid AUC", eval.value("auc", nlohmann::json()));
  kpi("valid gAUC", eval.value("gauc", nlohmann::json()));
  kpi("valid logloss", eval.value("logloss", nlohmann::json()));
  kpi("item_emb cosine AUC (no model, valid)", summary_of(record, "cosine").value("auc", nlohmann::json()));
  kpi("popularity AUC (train clicks, valid)", summary_of(record, "popularity").value("auc", nlohmann::json()));
  if (synth.contains("oracle_auc")) kpi("oracle AUC (synth, valid)", synth["oracle_auc"].value("valid", nlohmann::json()));
  if (synth.contains("popularity_auc")) kpi("popularity AUC (synth, valid)", synth["popularity_auc"].value("valid", nlohmann::json()));
  const auto& predict = summary_of(record, "predict");
  if (predict.contains("out"))
    html += fmt::format("<p>Submission: <code>{}</code> ({} rows).</p>", escape(predict["out"].get<std::string>()),
                        predict.value("rows", nlohmann::json(0)).dump());

  // Training curves.
  html += "<h2>CTR model training (per epoch)</h2>";
  if (record["stages"].contains("train")) {
    std::string metrics = record["stages"]["train"]["output"].get<std::string>() + "/metrics.json";
    if (file_exists(metrics)) {
      auto epochs = nlohmann::json::parse(read_text_file(metrics))["epochs"];
      html += line_chart("train loss", "epoch", {{"train loss", "#4c78a8", column(epochs, "train_loss")}});
      html += line_chart("valid AUC", "epoch", {{"valid AUC", "#54a24b", column(epochs, "valid_auc")}});
      html += line_chart("valid logloss", "epoch", {{"valid logloss", "#e45756", column(epochs, "valid_logloss")}});
    }
  }

  // Projector.
  const auto& project = summary_of(record, "project");
  if (project.contains("epochs")) {
    html += "<h2>Projector (image → behaviour), held-out items</h2>";
    const auto& epochs = project["epochs"];
    size_t n = epochs.size();
    auto flat = [&](const char* ref, const char* key) {
      double v = project["references"].contains(ref) ? project["references"][ref].value(key, NAN) : NAN;
      return std::vector<double>(n, v);
    };
    html += line_chart("validation MSE", "epoch",
                       {{"MLP", "#4c78a8", column(epochs, "valid_mse")},
                        {"ridge", "#f58518", flat("ridge", "mse"), true},
                        {"mean target", "#999999", flat("mean_target", "mse"), true}});
    html += line_chart("validation cosine", "epoch",
                       {{"MLP", "#4c78a8", column(epochs, "valid_cosine")},
                        {"ridge", "#f58518", flat("ridge", "cosine"), true},
                        {"mean target", "#999999", flat("mean_target", "cosine"), true}});
    html += fmt::format("<p>{} items aligned, {} held out; {} cold-start items (no behaviour) embedded from images alone.</p>",
                        project.value("aligned", nlohmann::json(0)).dump(), project.value("valid_items", nlohmann::json(0)).dump(),
                        project.contains("item_info") ? project["item_info"].value("cold_start", nlohmann::json(0)).dump() : "0");
  }

  // Word2Vec neighbours.
  std::string neighbours = w2v_neighbours(record);
  if (!neighbours.empty()) html += "<h2>Word2Vec nearest neighbours</h2>" + neighbours;

  // Images.
  const auto& clip = summary_of(record, "clip");
  if (clip.contains("ok")) {
    html += "<h2>Item images</h2>";
    html += bar_chart("images", {{"decoded", clip["ok"].get<double>()}, {"missing", clip.value("missing", 0.0)},
                                 {"corrupt", clip.value("corrupt", 0.0)}}, "");
    html += "<p>Missing and corrupt images get the black default image (the seed's cold-start rule).</p>";
  }

  // Timings.
  html += "<h2>Stages</h2><table><tr><th>stage</th><th>status</th><th>seconds</th><th>output</th></tr>";
  std::vector<std::pair<std::string, double>> bars;
  for (const auto& name : stage_names()) {
    if (!record["stages"].contains(name)) continue;
    const auto& stage = record["stages"][name];
    html += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td></tr>", escape(name),
                        escape(stage.value("status", "")), number(stage.value("seconds", 0.0), 4),
                        escape(stage.value("output", "")));
    bars.push_back({name, stage.value("seconds", 0.0)});
  }
  html += "</table>" + bar_chart("time per stage (this run)", bars, "s");
  html += "</body></html>\n";
  return html;
}

void write_report(const nlohmann::json& record, const std::string& path) {
  write_text_file_atomic(path, render_report(record));
}

}  // namespace mmctr::pipeline
