-- Two-sided t critical values by confidence level and degrees of freedom; the row with a
-- null df is the normal limit z (df = infinity), used beyond the table's largest df.
with critical_values as (
    select * from {{ ref('t_critical_values') }}
),

renamed as (
    select
        cast(confidence_level as decimal(4, 3)) as confidence_level,
        cast(df as integer) as degrees_of_freedom,
        cast(t_critical as double) as t_critical
    from critical_values
)

select * from renamed
