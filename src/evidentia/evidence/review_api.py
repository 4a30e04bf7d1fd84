"""Review for training: bookmarks, comments, feedback threads, training-clip markers."""

from ninja import Router

router = Router(tags=["review"])
