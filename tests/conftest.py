"""The project's test data beside the checkout (../shared/data): tests marked `shared` skip
with a reason where it is absent (a clone anywhere else), and fail instead when
AUCLUSTER_REQUIRE_SHARED=1, as `.ci/run` sets, so CI still runs them."""

import os
from pathlib import Path

import pytest

#: ../shared/data/microscope beside the checkout: real microscope files.
MICROSCOPE_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "microscope"

REQUIRE = "AUCLUSTER_REQUIRE_SHARED"


@pytest.fixture(autouse=True)
def _shared_data(request):
    if request.node.get_closest_marker("shared") is None or MICROSCOPE_DATA.is_dir():
        return
    reason = (
        f"needs the project's test data {MICROSCOPE_DATA} (../shared beside the checkout), "
        "absent here"
    )
    if os.environ.get(REQUIRE) == "1":
        pytest.fail(f"{reason}; {REQUIRE}=1 makes it required")
    pytest.skip(reason)
