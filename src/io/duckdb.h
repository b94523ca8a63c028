// RAII handles over DuckDB's C API, for stages that need SQL (joins, column replacement).
// Errors from DuckDB become InputError with the query's context.
#pragma once

#include <duckdb.h>

#include <string>

#include "io/table.h"

namespace mmctr::io {

class Database {
 public:
  Database();  // in-memory; uses num_threads() threads
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  duckdb_database get() const { return db_; }

 private:
  duckdb_database db_ = nullptr;
};

class Connection {
 public:
  explicit Connection(const Database& db);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs a statement; `context` prefixes the error message (usually the file being read).
  void execute(const std::string& sql, const std::string& context = "");
  // Registers a Table as a temporary DuckDB table (same type mapping as write_parquet).
  void create_table(const std::string& name, const Table& table);
  duckdb_connection get() const { return con_; }

 private:
  duckdb_connection con_ = nullptr;
};

// A query's result read chunk by chunk (streaming: memory stays bounded by one chunk).
class QueryStream {
 public:
  QueryStream(const Connection& con, const std::string& sql, const std::string& context = "");
  ~QueryStream();
  QueryStream(const QueryStream&) = delete;
  QueryStream& operator=(const QueryStream&) = delete;

  int64_t column_count() const;
  std::string column_name(int64_t col) const;
  // The next chunk (up to 2048 rows) or nullptr at the end. Owned by the stream until the next call.
  duckdb_data_chunk next();

 private:
  duckdb_result result_{};
  duckdb_data_chunk chunk_ = nullptr;
  std::string context_;
};

// SQL string literal for a path or value: 'it''s'.
std::string quote_literal(const std::string& s);
// SQL identifier: "col".
std::string quote_identifier(const std::string& s);

}  // namespace mmctr::io
