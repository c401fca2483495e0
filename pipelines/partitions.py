"""Survey-year partitions: one partition per measurement (calendar year).

Dynamic, because measurements go on every year: a year becomes a partition when its landing
folder appears (the landing sensor or ``mognad load`` adds it). Keys are four-digit years.
"""


import dagster as dg

survey_years = dg.DynamicPartitionsDefinition(name="survey_year")


def year_of(context: dg.AssetExecutionContext) -> int:
    """The survey year of the running partition; raises ``dagster.Failure`` on a bad key."""
    key = context.partition_key
    if not (len(key) == 4 and key.isdigit()):
        raise dg.Failure(description=f"Partition key {key!r} is not a four-digit survey year.")
    return int(key)
