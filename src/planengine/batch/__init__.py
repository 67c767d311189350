"""Population scale: plan a whole cohort (a FHIR Bulk Data export, or assessment documents) on
a local process pool or on Spark, with a flag queue, an errors file and a reconciled summary;
compare a cohort's plans under two configurations; write a synthetic cohort. docs/batch.md.
"""

from __future__ import annotations

from planengine.batch._diff import CohortDiff, PatientDiff, diff_cohorts, diff_plans
from planengine.batch._diff_report import render_cohort_diff
from planengine.batch._planning import BatchSettings, PatientResult
from planengine.batch._run import BatchSummary, run_batch
from planengine.batch._synth import SynthStats, write_synthetic_cohort

__all__ = [
    "BatchSettings",
    "BatchSummary",
    "CohortDiff",
    "PatientDiff",
    "PatientResult",
    "SynthStats",
    "diff_cohorts",
    "diff_plans",
    "render_cohort_diff",
    "run_batch",
    "write_synthetic_cohort",
]
