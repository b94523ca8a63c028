#include "proj/item_info_writer.h"

#include <fmt/format.h>

#include "common/error.h"
#include "common/files.h"
#include "io/duckdb.h"
#include "io/parquet.h"
#include "proj/item_vectors.h"

namespace mmctr::proj {

void check_embedding_column(const std::string& item_info, const std::string& column) {
  for (const auto& field : io::parquet_schema(item_info)) {
    MMCTR_CHECK(field.name != "file_row_number",
                "{}: a column named file_row_number clashes with the row numbers used to keep the "
                "row order; rename it", item_info);
    MMCTR_CHECK(field.name != column || is_vector_type(field.type),
                "{}: column {} holds {}, not vectors; choose another --emb-column", item_info, column,
                field.type);
  }
}

void write_item_info_with_embeddings(const std::string& item_info, const std::string& column,
                                     const io::FloatMatrix& embeddings, const std::string& out) {
  check_not_input(out, {item_info});
  const int64_t rows = io::parquet_rows(item_info);
  MMCTR_ASSERT(embeddings.rows == rows);
  check_embedding_column(item_info, column);
  std::string existing_type;
  for (const auto& field : io::parquet_schema(item_info))
    if (field.name == column) existing_type = field.type;

  io::Table new_embeddings;
  io::Int64Array row_numbers(rows);
  for (int64_t r = 0; r < rows; ++r) row_numbers[r] = r;
  new_embeddings.add("row_number", std::move(row_numbers));
  new_embeddings.add("embedding", embeddings);

  io::Database db;
  io::Connection con(db);
  con.create_table("mmctr_new_embedding", new_embeddings);
  const std::string name = io::quote_identifier(column);
  std::string select =
      existing_type.empty()
          ? fmt::format("info.* EXCLUDE (file_row_number), e.embedding AS {}", name)
          : fmt::format("info.* EXCLUDE (file_row_number) REPLACE (CAST(e.embedding AS {}) AS {})",
                        existing_type, name);
  PendingOutput pending(out);
  con.execute(fmt::format("COPY (SELECT {} FROM read_parquet({}, file_row_number = true) AS info "
                          "JOIN mmctr_new_embedding AS e ON e.row_number = info.file_row_number "
                          "ORDER BY info.file_row_number) TO {} (FORMAT parquet, COMPRESSION zstd)",
                          select, io::quote_literal(item_info), io::quote_literal(pending.path())),
              item_info);
  pending.commit();
}

}  // namespace mmctr::proj
