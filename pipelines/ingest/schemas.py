"""Arrow schemas of the raw tables, exactly as docs/data-contracts.md §3."""

from __future__ import annotations

import pyarrow as pa

SURVEY_ANSWERS = pa.schema([
    pa.field("survey_year", pa.int32(), nullable=False),
    pa.field("respondent_id", pa.string(), nullable=False),
    pa.field("item_code", pa.string(), nullable=False),
    pa.field("answer_value", pa.int32(), nullable=True),
    pa.field("answer_status", pa.string(), nullable=False),
    pa.field("answer_raw", pa.string(), nullable=False),
])

RESPONDENTS = pa.schema([
    pa.field("survey_year", pa.int32(), nullable=False),
    pa.field("respondent_id", pa.string(), nullable=False),
    pa.field("organisation_code", pa.string(), nullable=False),
    pa.field("target_group", pa.string(), nullable=False),
    pa.field("department", pa.string(), nullable=True),
    pa.field("submitted_at", pa.timestamp("s"), nullable=True),
    pa.field("instrument_version", pa.string(), nullable=False),
    pa.field("source_file", pa.string(), nullable=False),
    pa.field("source_row", pa.int32(), nullable=False),
])

INVITATIONS = pa.schema([
    pa.field("survey_year", pa.int32(), nullable=False),
    pa.field("organisation_code", pa.string(), nullable=False),
    pa.field("target_group", pa.string(), nullable=False),
    pa.field("invited", pa.int32(), nullable=True),
    pa.field("invitation_method", pa.string(), nullable=False),
])

SCHEMAS: dict[str, pa.Schema] = {
    "survey_answers": SURVEY_ANSWERS,
    "respondents": RESPONDENTS,
    "invitations": INVITATIONS,
}
