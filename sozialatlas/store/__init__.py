"""Store: everything that speaks SQL to DuckDB (schema, catalogue, queries, versions, publish)."""
