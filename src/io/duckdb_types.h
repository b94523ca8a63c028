// Internal to io: the mapping between Table columns and DuckDB types and vectors.
#pragma once

#include <string>

#include "io/duckdb.h"
#include "io/table.h"

namespace mmctr::io {

// DuckDB column type for a Table column: BIGINT, FLOAT, VARCHAR, BIGINT[] or FLOAT[].
std::string sql_type(const ColumnValues& values);

// Appends every row of `table` to the existing table `name` (same column order).
void append_table(Connection& con, const std::string& name, const Table& table);

}  // namespace mmctr::io
