#include "io/duckdb.h"

#include <string>

#include "common/error.h"
#include "common/runtime.h"
#include "io/duckdb_types.h"

namespace mmctr::io {
namespace {
std::string with_context(const std::string& context, const std::string& message) {
  return context.empty() ? message : context + ": " + message;
}
}  // namespace

Database::Database() {
  duckdb_config config;
  MMCTR_ASSERT(duckdb_create_config(&config) == DuckDBSuccess);
  duckdb_set_config(config, "threads", std::to_string(num_threads()).c_str());
  // Results must come back in file order: row i of a file is row i of the arrays.
  duckdb_set_config(config, "preserve_insertion_order", "true");
  char* error = nullptr;
  duckdb_state state = duckdb_open_ext(nullptr, &db_, config, &error);
  duckdb_destroy_config(&config);
  if (state != DuckDBSuccess) {
    std::string message = error ? error : "unknown error";
    duckdb_free(error);
    throw InternalError("cannot open DuckDB: " + message);
  }
}

Database::~Database() { duckdb_close(&db_); }

Connection::Connection(const Database& db) {
  MMCTR_ASSERT(duckdb_connect(db.get(), &con_) == DuckDBSuccess);
}

Connection::~Connection() { duckdb_disconnect(&con_); }

void Connection::execute(const std::string& sql, const std::string& context) {
  duckdb_result result;
  duckdb_state state = duckdb_query(con_, sql.c_str(), &result);
  std::string error = state == DuckDBSuccess ? "" : duckdb_result_error(&result);
  duckdb_destroy_result(&result);
  if (state != DuckDBSuccess) throw InputError(with_context(context, error));
}

QueryStream::QueryStream(const Connection& con, const std::string& sql, const std::string& context)
    : context_(context) {
  duckdb_prepared_statement prepared;
  if (duckdb_prepare(con.get(), sql.c_str(), &prepared) != DuckDBSuccess) {
    std::string error = duckdb_prepare_error(prepared);
    duckdb_destroy_prepare(&prepared);
    throw InputError(with_context(context, error));
  }
  duckdb_pending_result pending;
  duckdb_state state = duckdb_pending_prepared_streaming(prepared, &pending);
  duckdb_destroy_prepare(&prepared);
  if (state != DuckDBSuccess) {
    std::string error = duckdb_pending_error(pending);
    duckdb_destroy_pending(&pending);
    throw InputError(with_context(context, error));
  }
  state = duckdb_execute_pending(pending, &result_);
  duckdb_destroy_pending(&pending);
  if (state != DuckDBSuccess) {
    std::string error = duckdb_result_error(&result_);
    duckdb_destroy_result(&result_);
    throw InputError(with_context(context, error));
  }
}

QueryStream::~QueryStream() {
  if (chunk_) duckdb_destroy_data_chunk(&chunk_);
  duckdb_destroy_result(&result_);
}

int64_t QueryStream::column_count() const {
  return static_cast<int64_t>(duckdb_column_count(const_cast<duckdb_result*>(&result_)));
}

std::string QueryStream::column_name(int64_t col) const {
  return duckdb_column_name(const_cast<duckdb_result*>(&result_), col);
}

duckdb_data_chunk QueryStream::next() {
  if (chunk_) duckdb_destroy_data_chunk(&chunk_);
  chunk_ = duckdb_fetch_chunk(result_);
  if (!chunk_) {
    // A failure in the middle of a streamed scan (a corrupt page) surfaces here.
    const char* error = duckdb_result_error(&result_);
    if (error && *error) throw InputError(with_context(context_, error));
  }
  return chunk_;
}

void Connection::create_table(const std::string& name, const Table& table) {
  std::string columns;
  for (const auto& column : table.columns) {
    if (!columns.empty()) columns += ", ";
    columns += quote_identifier(column.name) + " " + sql_type(column.values);
  }
  execute("CREATE OR REPLACE TEMP TABLE " + quote_identifier(name) + " (" + columns + ")");
  append_table(*this, name, table);
}

std::string quote_literal(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

std::string quote_identifier(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace mmctr::io
