-- The council's quality checks, one row per check and the organisation, organisation ×
-- target group or item it judges, with the status, the numbers behind it and the thresholds
-- used (var quality_thresholds, checked by macros/quality_thresholds.sql). Statuses: 'godkänd',
-- 'varning', 'fel', and 'okänd' when there is nothing to judge (an unknown rate or share).
-- A value at a threshold passes (varning only below warn_below / above warn_above).
--
-- response_rate               per organisation: respondents / invited (int_organisation_response_rates)
-- min_respondents             per organisation: fel below var min_cell_respondents
-- respondents_within_invited  per invitation row: fel when more answered than were invited
--                             by e-mail; okänd when invited by link
-- dont_know_share             per item over the county: "vet ej" / (answered + "vet ej")
-- item_nonresponse            per item over the county: blank / all answer rows
{{ check_quality_thresholds() }}
{%- set t = var('quality_thresholds') %}
{%- set minimum_respondents = var('min_cell_respondents') %}
with organisation_rates as (
    select * from {{ ref('int_organisation_response_rates') }}
),

group_rates as (
    select * from {{ ref('int_target_group_response_rates') }}
),

answers as (
    select * from {{ ref('stg_raw__survey_answers') }}
),

response_rate as (
    select
        survey_year,
        'response_rate' as check_name,
        organisation_code,
        cast(null as varchar) as target_group,
        cast(null as varchar) as item_code,
        case
            when response_rate is null then 'okänd'
            when response_rate < cast({{ t.response_rate.fail_below }} as double) then 'fel'
            when response_rate < cast({{ t.response_rate.warn_below }} as double) then 'varning'
            else 'godkänd'
        end as status,
        response_rate as observed,
        respondents as numerator,
        invited as denominator,
        cast({{ t.response_rate.warn_below }} as double) as warn_threshold,
        cast({{ t.response_rate.fail_below }} as double) as fail_threshold,
        'varning < {{ t.response_rate.warn_below }}; fel < {{ t.response_rate.fail_below }}' as threshold
    from organisation_rates
),

min_respondents as (
    select
        survey_year,
        'min_respondents' as check_name,
        organisation_code,
        cast(null as varchar) as target_group,
        cast(null as varchar) as item_code,
        case when respondents < {{ minimum_respondents }} then 'fel' else 'godkänd' end as status,
        respondents as observed,
        cast(null as bigint) as numerator,
        cast(null as bigint) as denominator,
        cast(null as double) as warn_threshold,
        {{ minimum_respondents }} as fail_threshold,
        'fel < {{ minimum_respondents }}' as threshold
    from organisation_rates
),

-- The target groups with an invitation row; the invited count only when invited by e-mail.
group_invitations as (
    select
        survey_year,
        organisation_code,
        target_group,
        respondents,
        case when invitation_method = 'email' then invited end as invited
    from group_rates
    where invitation_method is not null
),

respondents_within_invited as (
    select
        survey_year,
        'respondents_within_invited' as check_name,
        organisation_code,
        target_group,
        cast(null as varchar) as item_code,
        case
            when invited is null then 'okänd'
            when respondents > invited then 'fel'
            else 'godkänd'
        end as status,
        respondents as observed,
        respondents as numerator,
        invited as denominator,
        cast(null as double) as warn_threshold,
        cast(null as double) as fail_threshold,
        'fel > invited' as threshold
    from group_invitations
),

item_counts as (
    select
        survey_year,
        item_code,
        count(*) filter (where answer_status = 'answered') as answered,
        count(*) filter (where answer_status = 'dont_know') as dont_know,
        count(*) filter (where answer_status = 'blank') as blank,
        count(*) as answer_rows
    from answers
    group by survey_year, item_code
),

item_shares as (
    select
        *,
        {{ dont_know_share('dont_know', 'answered') }} as dont_know_share,
        blank / nullif(answer_rows, 0) as blank_share
    from item_counts
),

{#- the two item checks: (check, share, its numerator, its denominator, warning level) -#}
{%- set item_checks = [
    ('dont_know_share', 'dont_know_share', 'dont_know', 'answered + dont_know',
     t.dont_know_share.warn_above),
    ('item_nonresponse', 'blank_share', 'blank', 'answer_rows', t.blank_share.warn_above),
] %}
{%- for check, share, numerator, denominator, limit in item_checks %}

    {{ check }} as (
        select
            survey_year,
            '{{ check }}' as check_name,
            cast(null as varchar) as organisation_code,
            cast(null as varchar) as target_group,
            item_code,
            case
                when {{ share }} is null then 'okänd'
                when {{ share }} > cast({{ limit }} as double) then 'varning'
                else 'godkänd'
            end as status,
            {{ share }} as observed,
            {{ numerator }} as numerator,
            {{ denominator }} as denominator,
            cast({{ limit }} as double) as warn_threshold,
            cast(null as double) as fail_threshold,
            'varning > {{ limit }}' as threshold
        from item_shares
    ),
{%- endfor %}

all_checks as (
    select * from response_rate
    union all
    select * from min_respondents
    union all
    select * from respondents_within_invited
    union all
    select * from dont_know_share
    union all
    select * from item_nonresponse
)

select * from all_checks
