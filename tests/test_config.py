"""The one settings parser (aucluster.config): every key and type checked, nearest key named."""

from dataclasses import dataclass
from enum import StrEnum

import pytest

from aucluster.config import from_table, nearest
from aucluster.errors import ParameterError


class Colour(StrEnum):
    RED = "red"
    BLUE = "blue"


@dataclass(frozen=True, kw_only=True)
class Inner:
    depth_A: float = 1.0


@dataclass(frozen=True, kw_only=True)
class Outer:
    count: int
    ratio: float = 0.5
    colour: Colour = Colour.RED
    shape_px: tuple[int, int] = (8, 8)
    values: tuple[float, ...] = ()
    label: str | None = None
    inner: Inner = Inner()

    def __post_init__(self) -> None:
        if self.count < 1:
            raise ParameterError(f"[t] count = {self.count}: must be ≥ 1")


def test_a_good_table_becomes_typed_values():
    made = from_table(
        Outer,
        {
            "count": 3,
            "ratio": 2,
            "colour": "blue",
            "shape_px": [4, 5],
            "values": [1, 2.5],
            "inner": {"depth_A": 3},
        },
        "t",
    )
    assert made == Outer(
        count=3,
        ratio=2.0,
        colour=Colour.BLUE,
        shape_px=(4, 5),
        values=(1.0, 2.5),
        inner=Inner(depth_A=3.0),
    )
    assert isinstance(made.ratio, float)
    assert isinstance(made.colour, Colour)


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"count": 1, "ratoi": 1.0}, "[t]: unknown key 'ratoi' (did you mean 'ratio'?)"),
        ({}, "[t]: missing key 'count'"),
        ({"count": "3"}, "[t] count = '3': must be an integer, not a string"),
        ({"count": 2.5}, "[t] count = 2.5: must be an integer"),
        ({"count": True}, "[t] count = True: must be an integer, not a boolean"),
        ({"count": 1, "ratio": "high"}, "[t] ratio = 'high': must be a number, not a string"),
        ({"count": 1, "colour": "bleu"}, "allowed are red, blue (did you mean 'blue'?)"),
        ({"count": 1, "shape_px": [4]}, "[t] shape_px = [4]: must be a list of 2 values"),
        ({"count": 1, "shape_px": 4}, "[t] shape_px = 4: must be a list, not int"),
        ({"count": 1, "values": [1, "x"]}, "[t] values[1] = 'x': must be a number"),
        ({"count": 1, "label": 3}, "[t] label = 3: must be a string, not int"),
        ({"count": 1, "inner": {"depth": 1}}, "[t.inner]: unknown key 'depth'"),
        ({"count": 1, "inner": 2}, "[t] inner = 2: must be a table"),
        ({"count": 0}, "[t] count = 0: must be ≥ 1"),  # the class's own range check
    ],
)
def test_a_bad_table_names_the_key_the_value_and_what_is_allowed(table, message):
    with pytest.raises(ParameterError) as caught:
        from_table(Outer, table, "t")
    assert message in str(caught.value)


def test_nearest_names_only_a_close_match():
    assert nearest("dose_e_per_A3", ["dose_e_per_A2", "frame_time_s"]) == (
        " (did you mean 'dose_e_per_A2'?)"
    )
    assert nearest("zzz", ["dose_e_per_A2", "frame_time_s"]) == ""
