-- Baseline 1 (issue 7): maturity_by_organisation from the raw export files in one DuckDB
-- SQL script, written by hand the way an analyst who knows DuckDB would write it.
--
-- Placeholders filled by duckdb_baseline.py (plain text substitution, nothing else):
--   {seeds}        folder with organisations.csv, organisation_aliases.csv, instrument_items.csv
--   {files_2018}   list literal of 2018-format CSV files (';'), transcoded from
--                  Windows-1252 to UTF-8 by the runner: DuckDB 2.0 reads Windows-1252
--                  only through the 'encodings' extension (not installable offline), and
--                  its latin-1 reader rejects the bytes 0x80-0x9F that cp1252 uses for
--                  '–', '…' and curly quotes in the comment column
--   {files_2019}   list literal of the 2019 XLSX sheets already saved as UTF-8 CSV
--                  (DuckDB 2.0 reads XLSX only through the 'excel' extension, which cannot
--                  be installed offline; the runner converts the sheet with openpyxl)
--   {files_2020}   list literal of 2020-format CSV files (UTF-8 with BOM, ',')
--   {out}          Parquet file to write
-- The survey year is the name of each file's folder (landing/<year>/...).
--
-- Scoring: domain doc "The scoring method" steps 1-5, the same rules as the dbt models
-- (int_answers_scored ... int_organisation_indices_aggregated), written independently:
--   item_score = 100 * (x' - min) / (max - min), x' reverse coded where the codebook says;
--   "vet ej" and blank are not scores; a respondent's category score is the mean of their
--   answered items, kept when answered >= 0.5 * items of the category; category index =
--   mean of kept scores; dimension index = mean of its category indices (null unless all
--   exist); maturity index = mean of the two dimension indices.
-- Duplicates: one identity (normalised e-mail, else the tool's respondent id) per year;
-- the latest submission is kept (ties: the larger respondent id, i.e. the later row).

create or replace macro norm(x) as
    lower(trim(regexp_replace(nfc_normalize(coalesce(x, '')), '\s+', ' ', 'g')));

create or replace table codebook as
select
    *,
    row_number() over (partition by instrument_version order by sort_order) as item_position
from read_csv('{seeds}/instrument_items.csv', header = true, delim = ',', quote = '"',
    escape = '"', columns = {
        'instrument_version': 'varchar', 'item_code': 'varchar', 'factor_code': 'varchar',
        'category_code': 'varchar', 'dimension_code': 'varchar', 'item_text_sv': 'varchar',
        'reverse_coded': 'boolean', 'scale_min': 'integer', 'scale_max': 'integer',
        'sort_order': 'integer'});

create or replace table organisations as
select * from read_csv('{seeds}/organisations.csv', header = true, delim = ',', quote = '"',
    escape = '"', all_varchar = true);

create or replace table organisation_keys as
select distinct k, organisation_code from (
    select norm(organisation_code) as k, organisation_code from organisations
    union all select norm(organisation_name), organisation_code from organisations
    union all select norm(short_name), organisation_code from organisations
    union all
    select norm(alias), organisation_code
    from read_csv('{seeds}/organisation_aliases.csv', header = true, delim = ',',
        quote = '"', escape = '"', all_varchar = true)
);

create or replace table target_group_labels as
select norm(label) as k, target_group from (values
    ('Förtroendevald', 'fortroendevalda'), ('Förtroendevalda', 'fortroendevalda'),
    ('Kommunledning', 'kommunledning'),
    ('Förvaltningsledning', 'forvaltningsledning'),
    ('Strateg/verksamhetsutvecklare', 'strateger'), ('Strateger', 'strateger'),
    ('Systemansvarig', 'systemansvariga'), ('Systemansvariga', 'systemansvariga')
) as t (label, target_group);

-- answer text -> value/status, per export format
create or replace table answer_map as
select fmt, norm(k) as k, answer_value, answer_status from (values
    ('2018', '1', 1, 'answered'), ('2018', '2', 2, 'answered'), ('2018', '3', 3, 'answered'),
    ('2018', '4', 4, 'answered'), ('2018', '5', 5, 'answered'),
    ('2018', 'Vet ej', null, 'dont_know'),
    ('2019', 'Instämmer inte alls', 1, 'answered'),
    ('2019', 'Instämmer till liten del', 2, 'answered'),
    ('2019', 'Instämmer delvis', 3, 'answered'),
    ('2019', 'Instämmer till stor del', 4, 'answered'),
    ('2019', 'Instämmer helt', 5, 'answered'),
    ('2019', 'Vet ej', null, 'dont_know'),
    ('2020', '1', 1, 'answered'), ('2020', '2', 2, 'answered'), ('2020', '3', 3, 'answered'),
    ('2020', '4', 4, 'answered'), ('2020', '5', 5, 'answered'),
    ('2020', '99', null, 'dont_know')
) as t (fmt, k, answer_value, answer_status);

-- one row per respondent row of every export, wide, in one shape
create or replace table responses as
with export_2018 as (
    select * from read_csv({files_2018}, encoding = 'utf-8', delim = ';', quote = '"',
        escape = '"', header = true, all_varchar = true, filename = true)
),

export_2019 as (
    select * from read_csv({files_2019}, encoding = 'utf-8', delim = ',', quote = '"',
        escape = '"', header = true, all_varchar = true, filename = true)
),

export_2020 as (
    select * from read_csv({files_2020}, encoding = 'utf-8', delim = ',', quote = '"',
        escape = '"', header = true, all_varchar = true, filename = true)
),

unioned as (
    select
        '2018' as fmt, filename, "Respondent" as respondent_raw, "E-post" as email,
        strptime("Inskickad", '%Y-%m-%d %H:%M') as submitted_at,
        "Organisation" as organisation_raw, "Respondentgrupp" as target_group_raw,
        columns('^F[0-9]+$')
    from export_2018
    union all by name
    select
        '2019' as fmt, filename, "Respondent" as respondent_raw, "E-post" as email,
        strptime("Inskickad", '%Y-%m-%d %H:%M:%S') as submitted_at,
        "Organisation" as organisation_raw, "Respondentgrupp" as target_group_raw,
        columns('^F[0-9]+$')
    from export_2019
    union all by name
    select
        '2020' as fmt, filename, "RespondentID" as respondent_raw, "Epost" as email,
        strptime("Skickad", '%Y-%m-%dT%H:%M:%S') as submitted_at,
        "Kommunkod" as organisation_raw, "Målgrupp" as target_group_raw,
        columns('^F[0-9]+$')
    from export_2020
)

select
    cast(regexp_extract(filename, '([0-9]{4})[/\\][^/\\]+$', 1) as integer) as survey_year,
    *,
    coalesce(nullif(norm(email), ''), 'id|' || norm(respondent_raw)) as identity
from unioned;

-- duplicate rule, organisation and target group matching
create or replace table respondents as
with latest as (
    select
        *,
        row_number() over (
            partition by survey_year, identity
            order by submitted_at desc nulls last, respondent_raw desc
        ) as submission_rank
    from responses
)

select
    latest.* exclude (submission_rank),
    case when latest.survey_year < 2020 then 'v2018' else 'v2020' end as instrument_version,
    organisation_keys.organisation_code,
    target_group_labels.target_group
from latest
left join organisation_keys on norm(latest.organisation_raw) = organisation_keys.k
left join target_group_labels on norm(latest.target_group_raw) = target_group_labels.k
where latest.submission_rank = 1;

-- an empty cell is read as null; make it '' so that unpivot keeps it (blank answer)
create or replace view respondent_items as
select survey_year, identity, fmt, instrument_version, organisation_code,
    coalesce(columns('^F[0-9]+$'), '')
from respondents;

create or replace table answers as
with long as (
    unpivot respondent_items
    on columns('^F[0-9]+$')
    into name item_column value answer_raw
)

select
    long.*,
    cast(substr(long.item_column, 2) as integer) as item_position,
    case when norm(long.answer_raw) = '' then 'blank' else answer_map.answer_status end
        as answer_status,
    answer_map.answer_value
from long
left join answer_map on long.fmt = answer_map.fmt and norm(long.answer_raw) = answer_map.k;

-- a hand-written script still stops on what it cannot read
select case
    when (select count(*) from respondents where organisation_code is null) > 0
        then error('unmatched organisations')
    when (select count(*) from respondents where target_group is null) > 0
        then error('unmatched target groups')
    when (select count(*) from answers where answer_status is null) > 0
        then error('unmapped answer values')
    else 'ok'
end as input_check;

create or replace table maturity_by_organisation as
with scored as (
    select
        answers.survey_year,
        answers.identity,
        answers.organisation_code,
        codebook.instrument_version,
        codebook.dimension_code,
        codebook.category_code,
        case when answers.answer_status = 'answered' then
            100.0 * ((case when codebook.reverse_coded
                then codebook.scale_min + codebook.scale_max - answers.answer_value
                else answers.answer_value end) - codebook.scale_min)
            / (codebook.scale_max - codebook.scale_min)
        end as item_score
    from answers
    inner join codebook
        on answers.instrument_version = codebook.instrument_version
        and answers.item_position = codebook.item_position
),

category_sizes as (
    select instrument_version, category_code, count(*) as items_in_category
    from codebook group by all
),

respondent_categories as (
    select
        scored.survey_year, scored.identity, scored.organisation_code,
        scored.instrument_version, scored.dimension_code, scored.category_code,
        case when count(scored.item_score) >= 0.5 * any_value(category_sizes.items_in_category)
            then avg(scored.item_score) end as category_score
    from scored
    inner join category_sizes using (instrument_version, category_code)
    group by all
),

category_indices as (
    select organisation_code, survey_year, dimension_code, category_code,
        avg(category_score) as category_index
    from respondent_categories group by all
),

dimension_indices as (
    select organisation_code, survey_year, dimension_code,
        case when count(category_index) = count(*) then avg(category_index) end
            as dimension_index
    from category_indices group by all
),

respondent_counts as (
    select organisation_code, survey_year, count(*) as respondents
    from respondents group by all
),

indices as (
    select
        organisation_code, survey_year,
        max(dimension_index) filter (where dimension_code = 'capability') as capability_index,
        max(dimension_index) filter (where dimension_code = 'legacy') as legacy_index
    from dimension_indices group by all
)

select
    indices.organisation_code,
    indices.survey_year,
    respondent_counts.respondents,
    indices.capability_index,
    indices.legacy_index,
    (indices.capability_index + indices.legacy_index) / 2 as maturity_index
from indices
inner join respondent_counts using (organisation_code, survey_year)
order by survey_year, organisation_code;

copy maturity_by_organisation to '{out}' (format parquet);
