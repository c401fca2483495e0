-- Fails when var('confidence_level') has no row in seeds/t_critical_values.csv (every
-- interval would silently be null) or lacks its normal-limit row (df is null).
with critical_values as (
    {{ t_critical_values_cte() }}
),

coverage as (
    select
        count(*) filter (where degrees_of_freedom = 1) as has_df_1,
        count(*) filter (where degrees_of_freedom is null) as has_normal_limit
    from critical_values
),

missing as (
    select *
    from coverage
    where has_df_1 = 0 or has_normal_limit = 0
)

select * from missing
