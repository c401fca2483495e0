"""Transform stage: the dbt project (dbt-duckdb) as Dagster assets."""
