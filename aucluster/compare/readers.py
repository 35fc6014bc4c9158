"""Microscope files into `Image`: TIFF, Gatan DM3/DM4, Velox and Berkeley EMD, FEI SER/EMI, MRC.

Parsing is rosettasciio's (and tifffile's, underneath); this module only picks the image out of
what the file holds and converts its calibration to Å: two signal axes make a frame, one
navigation axis a movie (its scale is the frame time when its unit is a time). Needs the ``io``
extra (rosettasciio, tifffile, h5py).
"""

import gc
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from aucluster.errors import ParameterError
from aucluster.imaging.image import Image

#: Reader module of rosettasciio per file extension.
READERS = {
    ".tif": "tiff",
    ".tiff": "tiff",
    ".dm3": "digitalmicrograph",
    ".dm4": "digitalmicrograph",
    ".emd": "emd",
    ".ser": "tia",
    ".emi": "tia",
    ".mrc": "mrc",
}

#: Length units as files write them, in Å. ("n_m" is how some Berkeley EMD writers store nm.)
LENGTH_UNITS_A = {
    "pm": 0.01,
    "a": 1.0,
    "å": 1.0,
    "angstrom": 1.0,
    "angstroms": 1.0,
    "nm": 10.0,
    "n_m": 10.0,
    "nanometer": 10.0,
    "µm": 1e4,
    "μm": 1e4,
    "um": 1e4,
    "u_m": 1e4,
    "micron": 1e4,
    "mm": 1e7,
    "m": 1e10,
}

#: Time units of a navigation axis, in s.
TIME_UNITS_S = {"s": 1.0, "sec": 1.0, "ms": 1e-3, "µs": 1e-6, "us": 1e-6, "min": 60.0}


def read_image(
    path: str | Path,
    *,
    signal: str | None = None,
    pixel_size: float | None = None,
    pixel_size_option: str = "--pixel-size",
) -> Image:
    """The image (or image stack) in microscope file `path`.

    signal : title of the signal to take when the file holds several (Velox EMD: "HAADF",
        "BF", ...); default "HAADF" when present, else the only image.
    pixel_size : [Å], overrides the file's calibration (required when the file has none).
    pixel_size_option : how messages name `pixel_size` (the caller's option).
    """
    path = Path(path)
    module = READERS.get(path.suffix.lower())
    if module is None:
        raise ParameterError(
            f"{str(path)!r}: unsupported file type {path.suffix!r}; supported are "
            f"{', '.join(sorted(READERS))}"
        )
    if not path.is_file():
        raise ParameterError(f"{str(path)!r}: no such file")
    reader = _reader(module)
    with warnings.catch_warnings():
        # rosettasciio's MRC reader leaves its file handle to the garbage collector.
        warnings.simplefilter("ignore", ResourceWarning)
        try:
            signals = reader(str(path))
        except Exception as exc:  # rosettasciio raises many types for damaged or foreign files
            raise ParameterError(f"cannot read {str(path)!r} as {module}: {exc}") from None
        chosen = _choose(signals, signal, path)
        chosen = {**chosen, "data": np.array(chosen["data"])}  # off any memory map
        del signals
        gc.collect()
    if module == "tiff":
        _add_imagej_calibration(chosen, path)
    return _to_image(_rows_are_y(chosen), path, pixel_size, pixel_size_option)


def _reader(module: str):
    import importlib

    try:
        return importlib.import_module(f"rsciio.{module}").file_reader
    except ImportError as exc:
        raise ParameterError(
            f"reading microscope files needs the io extra ({exc.name} missing): "
            "pip install 'aucluster[io]'"
        ) from None


def _signal_axes(entry: dict) -> list[dict]:
    return [a for a in entry["axes"] if not a.get("navigate", False)]


def _title(entry: dict) -> str:
    return str(entry.get("metadata", {}).get("General", {}).get("title", ""))


def _choose(signals: list[dict], wanted: str | None, path: Path) -> dict:
    images = [s for s in signals if len(_signal_axes(s)) == 2]
    if not images:
        kinds = ", ".join(f"{len(_signal_axes(s))}-D signal" for s in signals) or "nothing"
        raise ParameterError(f"{str(path)!r} holds no image ({kinds}; a spectrum is not a frame)")
    titles = [_title(s) for s in images]
    if wanted is not None:
        matches = [s for s, t in zip(images, titles, strict=True) if t.lower() == wanted.lower()]
        if not matches:
            raise ParameterError(
                f"{str(path)!r}: no signal {wanted!r}; it holds {', '.join(titles)}"
            )
        return matches[0]
    if len(images) == 1:
        return images[0]
    haadf = [s for s, t in zip(images, titles, strict=True) if t.upper() == "HAADF"]
    if haadf:
        return haadf[0]
    if len(set(titles)) < len(titles):  # untitled pages: frames of one movie, not detectors
        shapes = sorted({tuple(np.shape(s["data"])[-2:]) for s in images})
        raise ParameterError(
            f"{str(path)!r} holds {len(images)} frames of different sizes {shapes}: a movie "
            "needs frames of one size"
        )
    raise ParameterError(
        f"{str(path)!r} holds several images ({', '.join(titles)}): choose one with --signal"
    )


def _rows_are_y(entry: dict) -> dict:
    """Rows are y: when the two signal axes come named (x, y) in array order (rosettasciio's
    Berkeley EMD reader returns the stored (Y, X) array transposed), swap them back."""
    signal = _signal_axes(entry)
    names = [str(a.get("name", "")).lower() for a in signal]
    if names != ["x", "y"]:
        return entry
    axes = list(entry["axes"])
    i, j = axes.index(signal[0]), axes.index(signal[1])
    axes[i], axes[j] = axes[j], axes[i]
    return {**entry, "axes": axes, "data": np.swapaxes(entry["data"], -1, -2).copy()}


#: ImageJ's spellings of length units in TIFF descriptions.
_IMAGEJ_UNITS = {"micron": "µm", "\\u00b5m": "µm", "\\u00c5": "Å", "angstrom": "Å", "nm": "nm"}


def _add_imagej_calibration(entry: dict, path: Path) -> None:
    """rosettasciio takes an ImageJ TIFF's scale from its resolution tags but keeps only the
    unit "micron" and drops the frame interval; fill both in from the ImageJ description."""
    import tifffile

    with tifffile.TiffFile(path) as handle:
        meta = handle.imagej_metadata or {}
    unit = _IMAGEJ_UNITS.get(str(meta.get("unit", "")).lower(), meta.get("unit"))
    for axis in _signal_axes(entry):
        if not axis.get("units") and isinstance(unit, str) and unit.lower() in LENGTH_UNITS_A:
            axis["units"] = unit
    navigation = [a for a in entry["axes"] if a.get("navigate", False)]
    if navigation and "finterval" in meta and not navigation[0].get("units"):
        navigation[0]["scale"] = float(meta["finterval"])
        navigation[0]["units"] = str(meta.get("tunit") or "s")  # ImageJ's default is seconds


def _length_A(axis: dict) -> float | None:
    """Axis scale in Å, or None when the file gives no usable length unit."""
    unit = axis.get("units")
    if not isinstance(unit, str) or unit.strip().lower() not in LENGTH_UNITS_A:
        return None
    return float(axis["scale"]) * LENGTH_UNITS_A[unit.strip().lower()]


def _to_image(entry: dict, path: Path, override: float | None, option: str) -> Image:
    data = np.asarray(entry["data"])
    axes = entry["axes"]
    navigation = [a for a in axes if a.get("navigate", False)]
    if len(navigation) > 1:
        raise ParameterError(
            f"{str(path)!r}: {len(navigation)} navigation axes; a frame or one stack of frames "
            "is supported"
        )
    y_axis, x_axis = _signal_axes(entry)
    if override is not None:
        if not (np.isfinite(override) and override > 0):
            raise ParameterError(f"{option} {override!r} Å: must be positive")
        dy = dx = float(override)
    else:
        found_y, found_x = _length_A(y_axis), _length_A(x_axis)
        if found_y is None or found_x is None:
            units = (y_axis.get("units"), x_axis.get("units"))
            raise ParameterError(
                f"{str(path)!r} has no length calibration (axis units {units}): "
                f"give the pixel size with {option} (Å)"
            )
        dy, dx = found_y, found_x
    frame_time = None
    md_interval = None
    if navigation:
        unit = str(navigation[0].get("units") or "").strip().lower()
        if unit in TIME_UNITS_S:
            frame_time = float(navigation[0]["scale"]) * TIME_UNITS_S[unit]
        elif unit == "ps":  # a simulated movie on MD time (aucluster.imaging.write_tiff)
            md_interval = float(navigation[0]["scale"])
    metadata: dict[str, Any] = {
        "source": str(path),
        "title": _title(entry),
        "axes": [
            {k: a.get(k) for k in ("name", "scale", "offset", "units", "size", "navigate")}
            for a in axes
        ],
        "metadata": entry.get("metadata", {}),
        "original_metadata": entry.get("original_metadata", {}),
    }
    if md_interval is not None:
        metadata["md_frame_interval_ps"] = md_interval
    quantity = entry.get("metadata", {}).get("Signal", {}).get("quantity")
    return Image(
        data=data,
        pixel_size=dx,
        pixel_size_y=None if np.isclose(dy, dx) else dy,
        unit=str(quantity) if quantity else "counts",
        frame_time_s=frame_time,
        metadata=metadata,
    )
