{#-
    The files of the dbt sources that live under the data root ($MOGNAD_DATA_DIR): the
    accepted raw tables, the action register and the council's sign-off log. Each such source
    declares in its `meta`
      - data_root_path: where its files are, relative to the data root, as a DuckDB glob
        ({name} = the source table's name), e.g. "warehouse/raw/*/{name}.parquet";
      - reader: the DuckDB table function that reads them, {path} = the quoted absolute path,
        e.g. "read_parquet({path}, union_by_name = true)".
    The data root is read here, when dbt compiles a model at run time, and never rendered
    into the sources' YAML: the manifest `dbt parse` writes is then the same for every data
    root of a checkout (pipelines/transform/project.py parses once for all of them), and each
    build's views read the absolute paths of that build's own data root.
-#}

{#- data_root_path(source_name, table_name): the absolute path (a glob) of the source's files
    under this run's data root. Only at run time (it reads the compiled graph). -#}
{% macro data_root_path(source_name, table_name) -%}
    {%- set node = graph.sources['source.' ~ project_name ~ '.' ~ source_name ~ '.' ~ table_name] -%}
    {%- set relative = node.meta.get('data_root_path') -%}
    {%- if not relative -%}
        {{ exceptions.raise_compiler_error(
            "source " ~ source_name ~ "." ~ table_name ~ " declares no meta.data_root_path") }}
    {%- endif -%}
    {{- env_var('MOGNAD_DATA_DIR') ~ '/' ~ relative.replace('{name}', table_name) -}}
{%- endmacro %}

{#- data_root_source(source_name, table_name): the source's reader over its files under this
    run's data root, e.g. read_parquet('/srv/mognad/warehouse/raw/*/respondents.parquet',
    union_by_name = true). At parse time (no connection) the source relation, which records
    the model's lineage. -#}
{% macro data_root_source(source_name, table_name) -%}
    {%- set relation = source(source_name, table_name) -%}
    {%- if execute -%}
        {%- set node = graph.sources['source.' ~ project_name ~ '.' ~ source_name ~ '.' ~ table_name] -%}
        {%- set quoted = "'" ~ data_root_path(source_name, table_name).replace("'", "''") ~ "'" -%}
        {{- node.meta.get('reader', 'read_parquet({path})').replace('{path}', quoted) -}}
    {%- else -%}
        {{- relation -}}
    {%- endif -%}
{%- endmacro %}
