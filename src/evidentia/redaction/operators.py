"""Operators: how a region is hidden. Plug-ins with one method, applied per plane.

The render works on the decoded picture's own planes (Y, U, V at half size for 4:2:0,
or R, G, B for still images), so an operator gets one 2-D uint8 region and the value
that means "black" in that plane.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

import cv2
import numpy as np


class Operator(ABC):
    name: str = "operator"

    @abstractmethod
    def apply(self, region: np.ndarray, black: int) -> np.ndarray:
        """The hidden version of ``region`` (same shape, uint8)."""

    def describe(self) -> dict[str, object]:
        return {"operator": self.name}


class Box(Operator):
    """A solid black box: nothing of the original survives."""

    name = "box"

    def apply(self, region: np.ndarray, black: int) -> np.ndarray:
        return np.full_like(region, black)


class Pixelate(Operator):
    """Each side reduced to ``blocks`` averaged cells, shown as flat squares."""

    name = "pixelate"

    def __init__(self, blocks: int = 8) -> None:
        self.blocks = blocks

    def apply(self, region: np.ndarray, black: int) -> np.ndarray:
        h, w = region.shape
        small = cv2.resize(
            region, (min(w, self.blocks), min(h, self.blocks)), interpolation=cv2.INTER_AREA
        )
        return cv2.resize(small, (w, h), interpolation=cv2.INTER_NEAREST)

    def describe(self) -> dict[str, object]:
        return {"operator": self.name, "blocks_per_side": self.blocks}


class Blur(Operator):
    """A blur strong enough that no facial detail survives: the region is averaged down
    to a few cells per side, then smoothly enlarged and softened (a plain Gaussian of
    moderate size leaves identifiable detail on large faces)."""

    name = "blur"

    def __init__(self, cells: int = 6) -> None:
        self.cells = cells

    def apply(self, region: np.ndarray, black: int) -> np.ndarray:
        h, w = region.shape
        small = cv2.resize(
            region, (min(w, self.cells), min(h, self.cells)), interpolation=cv2.INTER_AREA
        )
        big = cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
        k = max(3, (min(w, h) // self.cells) | 1)
        return cv2.blur(big, (k, k))

    def describe(self) -> dict[str, object]:
        return {"operator": self.name, "cells_per_side": self.cells}


OPERATORS: dict[str, type[Operator]] = {"blur": Blur, "pixelate": Pixelate, "box": Box}


def make_operator(mode: str) -> Operator:
    if mode not in OPERATORS:
        raise ValueError(f"unknown mode {mode!r}: choose from {', '.join(OPERATORS)}")
    return OPERATORS[mode]()


def hide(
    planes: list[np.ndarray],
    blacks: list[int],
    boxes: list[tuple[int, int, int, int]],
    operator: Operator,
    full_size: tuple[int, int],
) -> None:
    """Apply ``operator`` in place to each box (full-size pixel coords) on every plane;
    subsampled planes get the box scaled outward so chroma is hidden too."""
    width, height = full_size
    for plane, black in zip(planes, blacks, strict=True):
        ph, pw = plane.shape
        fx, fy = pw / width, ph / height
        for x1, y1, x2, y2 in boxes:
            px1, py1 = int(np.floor(x1 * fx)), int(np.floor(y1 * fy))
            px2, py2 = int(np.ceil(x2 * fx)), int(np.ceil(y2 * fy))
            if px2 > px1 and py2 > py1:
                plane[py1:py2, px1:px2] = operator.apply(plane[py1:py2, px1:px2], black)


def whole_frame(planes: list[np.ndarray], blacks: list[int], mode: str) -> None:
    """Hide the entire picture: black, or blurred past recognition."""
    for plane, black in zip(planes, blacks, strict=True):
        if mode == "black":
            plane[:] = black
        else:
            plane[:] = Blur(cells=16).apply(plane, black)
