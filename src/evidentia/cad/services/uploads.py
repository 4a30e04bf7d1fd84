"""CAD exports waiting between upload and import (see core/staged.py)."""

from __future__ import annotations

from evidentia.core.staged import StagedUploads

STAGED = StagedUploads("cad", "CAD_IMPORT_MAX_BYTES", "CAD imports")
