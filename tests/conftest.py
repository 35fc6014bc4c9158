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


#: A PostgreSQL server for the tests marked `postgres`: a libpq URL of a database on it that
#: the tests may create databases from (e.g. postgresql:///aucluster?host=/tmp/pg&port=5432
#: &user=postgres). `.ci/run` starts a throw-away server and sets it; elsewhere those tests
#: skip with a reason, or fail when AUCLUSTER_REQUIRE_POSTGRES=1.
POSTGRES_URL = "AUCLUSTER_POSTGRES_URL"
REQUIRE_POSTGRES = "AUCLUSTER_REQUIRE_POSTGRES"


@pytest.fixture
def postgres_database():
    """The URL of a new, empty database on the test server, dropped afterwards."""
    import uuid

    url = os.environ.get(POSTGRES_URL)
    if not url:
        reason = f"needs a PostgreSQL server: set {POSTGRES_URL} (.ci/run starts one)"
        if os.environ.get(REQUIRE_POSTGRES) == "1":
            pytest.fail(f"{reason}; {REQUIRE_POSTGRES}=1 makes it required")
        pytest.skip(reason)
    psycopg2 = pytest.importorskip("psycopg2", reason="needs the postgres extra")
    pytest.importorskip("ase_db_backends", reason="needs the postgres extra")
    name = f"aucluster_test_{uuid.uuid4().hex[:12]}"
    admin = psycopg2.connect(url)
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {name}")
        base, query = url.split("?", 1) if "?" in url else (url, "")
        new = f"{base.rsplit('/', 1)[0]}/{name}" + (f"?{query}" if query else "")
        yield new
        with admin.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    finally:
        admin.close()
