"""Settings dataclasses from TOML/JSON tables: one parser, and the parsing is the validation.

`from_table(cls, data, table)` builds the frozen dataclass `cls` from a dict whose keys are
its field names. Every key is checked before the object exists: an unknown key is refused
naming the nearest valid one, a value of the wrong type names the key, the value and the
type wanted; ranges are then checked by the class's own ``__post_init__``. Nested dataclass
fields take a sub-table; enums take their string value; tuples take lists.
"""

import difflib
import enum
import math
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import MISSING, fields, is_dataclass
from typing import Any

from aucluster.errors import ParameterError

#: Converters for field types that are neither plain values nor dataclasses (e.g. a
#: temperature program), keyed by the type: ``convert(value, where) -> object``.
Hooks = Mapping[type, Callable[[Any, str], Any]]


def nearest(name: str, allowed) -> str:
    """`` (did you mean X?)`` for the closest of `allowed` to `name`, or ''."""
    match = difflib.get_close_matches(str(name), [str(a) for a in allowed], n=1, cutoff=0.5)
    return f" (did you mean {match[0]!r}?)" if match else ""


def check_keys(data: Mapping[str, Any], allowed, where: str) -> None:
    """Refuse the first key of `data` not in `allowed`, naming the nearest valid one."""
    allowed = list(allowed)
    for key in data:
        if key not in allowed:
            raise ParameterError(
                f"{where}: unknown key {key!r}{nearest(key, allowed)}; "
                f"allowed are {', '.join(sorted(allowed))}"
            )


def _kind(value: Any) -> str:
    return {bool: "a boolean", str: "a string", list: "a list", dict: "a table"}.get(
        type(value), type(value).__name__
    )


def _name(table: str, key: str) -> str:
    return f"[{table}] {key}" if table else key


def convert(value: Any, annotation: Any, table: str, key: str, hooks: Hooks | None = None) -> Any:
    """`value` as the type `annotation` wants, or `ParameterError` naming ``[table] key``."""
    hooks = hooks or {}
    where = _name(table, key)
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        options = [o for o in typing.get_args(annotation) if o is not type(None)]
        if value is None and len(options) < len(typing.get_args(annotation)):
            return None
        errors = []
        for option in options:
            try:
                return convert(value, option, table, key, hooks)
            except ParameterError as exc:
                errors.append(str(exc))
        raise ParameterError(errors[0])
    if annotation in hooks:
        return hooks[annotation](value, where)
    if annotation is Any:
        return value
    if annotation is bool:
        if not isinstance(value, bool):
            raise ParameterError(f"{where} = {value!r}: must be true or false, not {_kind(value)}")
        return value
    if annotation is int:
        if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
            raise ParameterError(f"{where} = {value!r}: must be an integer, not {_kind(value)}")
        return int(value)
    if annotation is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ParameterError(f"{where} = {value!r}: must be a number, not {_kind(value)}")
        if math.isnan(value):
            raise ParameterError(f"{where} = {value!r}: must be a number, not NaN")
        return float(value)
    if annotation is str:
        if not isinstance(value, str):
            raise ParameterError(f"{where} = {value!r}: must be a string, not {_kind(value)}")
        return value
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        if isinstance(value, annotation):
            return value
        allowed = [str(m.value) for m in annotation]
        if not isinstance(value, str) or value not in allowed:
            raise ParameterError(
                f"{where} = {value!r}: allowed are {', '.join(allowed)}{nearest(value, allowed)}"
            )
        return annotation(value)
    if origin in (tuple, list):
        if not isinstance(value, list | tuple):
            raise ParameterError(f"{where} = {value!r}: must be a list, not {_kind(value)}")
        args = typing.get_args(annotation)
        if not args:
            return tuple(value) if origin is tuple else list(value)
        uniform = origin is list or args[-1] is Ellipsis
        if not uniform and len(args) != len(value):
            raise ParameterError(f"{where} = {value!r}: must be a list of {len(args)} values")
        items = [
            convert(v, args[0] if uniform else args[i], table, f"{key}[{i}]", hooks)
            for i, v in enumerate(value)
        ]
        return tuple(items) if origin is tuple else items
    if isinstance(annotation, type) and is_dataclass(annotation):
        if isinstance(value, annotation):
            return value
        if not isinstance(value, Mapping):
            raise ParameterError(f"{where} = {value!r}: must be a table, not {_kind(value)}")
        return from_table(annotation, value, f"{table}.{key}" if table else key, hooks)
    return value


def from_table(cls: type, data: Mapping[str, Any], table: str, hooks: Hooks | None = None):
    """The dataclass `cls` from `data` (see the module notes); `table` names it in messages,
    e.g. ``md.solvent``."""
    if not isinstance(data, Mapping):
        raise ParameterError(f"[{table}] must be a table, not {_kind(data)}")
    hints = typing.get_type_hints(cls)
    known = [f.name for f in fields(cls) if f.init]
    check_keys(data, known, f"[{table}]")
    for f in fields(cls):
        required = f.default is MISSING and f.default_factory is MISSING
        if f.init and required and f.name not in data:
            raise ParameterError(f"[{table}]: missing key {f.name!r}")
    values = {key: convert(value, hints[key], table, key, hooks) for key, value in data.items()}
    return cls(**values)


__all__ = ["check_keys", "convert", "from_table", "nearest"]
