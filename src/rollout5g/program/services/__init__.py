"""Business actions of programme supervision, by subject. Each is atomic and audited; ``actor`` first, keyword-only,
a user or :data:`rollout5g.platform.actors.SYSTEM` (never ``None``). The steps of the supervision records are declared
on their models (:mod:`rollout5g.program.models`) and taken with :func:`~rollout5g.platform.workflow.transition`.

- :mod:`.common` — who acts on a task (units, lead units, the office) and the deadline it is held to;
- :mod:`.tasks` — the task flow, milestones, deadline extensions;
- :mod:`.reports` — progress reports and observed indicator values;
- :mod:`.rules` — status rules and evaluation weights as data;
- :mod:`.meetings` — the joint meeting and its follow-up actions;
- :mod:`.snapshots` — frozen states and their differences.
"""

from .common import (
    DATA_DIR,
    allowed_transitions,
    effective_deadline,
    is_office,
    lead_unit_ids,
    may_lead,
    may_report,
    office_region,
    require_lead,
    require_unit,
    task_unit_ids,
)
from .evaluations import evaluation_publish
from .meetings import action_complete, action_create, meeting_create
from .reports import NOT_LOGGED, clean_figures, indicator_value_enter, report_submit
from .rules import (
    evaluation_config,
    evaluation_weights_set,
    load_evaluation_indicators,
    load_status_rules,
    status_rule_update,
)
from .snapshots import snapshot_data, snapshot_diff, snapshot_take
from .tasks import extension_decide, extension_request, milestone_complete, milestone_create, task_transition

__all__ = [
    "DATA_DIR", "NOT_LOGGED", "action_complete", "action_create", "allowed_transitions", "clean_figures",
    "effective_deadline", "evaluation_config", "evaluation_publish", "evaluation_weights_set", "extension_decide", "extension_request",
    "indicator_value_enter", "is_office", "office_region", "lead_unit_ids", "load_evaluation_indicators", "load_status_rules",
    "may_lead", "may_report", "meeting_create", "milestone_complete", "milestone_create", "report_submit",
    "require_lead", "require_unit", "snapshot_data", "snapshot_diff", "snapshot_take", "status_rule_update",
    "task_transition", "task_unit_ids",
]
