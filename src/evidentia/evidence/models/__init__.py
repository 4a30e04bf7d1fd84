"""Evidence models, one module per aggregate."""

from evidentia.evidence.models.derivatives import Derivative
from evidentia.evidence.models.items import (
    Blob,
    FixityAlert,
    FixityRun,
    Item,
    Job,
    Kind,
    Processing,
)
from evidentia.evidence.models.review import (
    Bookmark,
    Comment,
    FeedbackMessage,
    FeedbackThread,
    TrainingMarker,
)
from evidentia.evidence.models.tracks import TrackPoint
from evidentia.evidence.models.uploads import Upload

__all__ = [
    "Blob",
    "Bookmark",
    "Comment",
    "Derivative",
    "FeedbackMessage",
    "FeedbackThread",
    "FixityAlert",
    "FixityRun",
    "Item",
    "Job",
    "Kind",
    "Processing",
    "TrackPoint",
    "TrainingMarker",
    "Upload",
]
