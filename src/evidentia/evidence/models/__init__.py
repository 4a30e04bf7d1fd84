"""Evidence models, one module per aggregate."""

from evidentia.evidence.models.items import (
    Blob,
    FixityAlert,
    FixityRun,
    Item,
    Job,
    Kind,
    Processing,
)

__all__ = ["Blob", "FixityAlert", "FixityRun", "Item", "Job", "Kind", "Processing"]
