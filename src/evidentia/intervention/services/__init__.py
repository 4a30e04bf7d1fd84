"""The one door for every change to early intervention (rule 2). The evaluation lives
in `services.evaluate` (import it from there; the name is also the function's)."""

from evidentia.intervention.services.access import get_alert, may_use, visible_alerts
from evidentia.intervention.services.alerts import forward, record_intervention, viewed
from evidentia.intervention.services.rules import save_rule

__all__ = [
    "forward",
    "get_alert",
    "may_use",
    "record_intervention",
    "save_rule",
    "viewed",
    "visible_alerts",
]
