-- Every index code of the optional national reference values (seeds/national_reference.csv)
-- is a category of the model, a dimension or `maturity`: a misspelt code would otherwise
-- silently show no national value. Returns the offending rows.
select national_reference.*
from {{ ref('national_reference') }} as national_reference
where
    index_code not in (select category_code from {{ ref('stg_reference__categories') }})
    and index_code not in (select dimension_code from {{ ref('stg_reference__dimensions') }})
    and index_code <> 'maturity'
