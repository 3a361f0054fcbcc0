import datetime
import gc
import io
import signal
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from activities.models import ActivityType
from contacts.models import ContactPage, ContactPerson
from home.models import HomePage
from pages.models import ContentPage, PhaseIndexPage, PhasePage
from tests.support.images import make_image
from tests.support.logins import PASSWORD
from tests.support.showcase_activities import activity_index, add_activity, days_ahead


def pytest_configure(config):
    """make test stops its background passes with SIGTERM (scripts/test_passes.sh, on Ctrl-C):
    end like Ctrl-C ends the foreground pass, with every fixture's clean-up (servers stopped)."""
    signal.signal(signal.SIGTERM, signal.default_int_handler)


STACK_TESTS = Path(__file__).parent / "stack"


def pytest_ignore_collect(collection_path, config):
    """tests/stack/ starts the whole production stack (make test-stack): collected only when
    named on the command line, never by make test's passes."""
    if collection_path == STACK_TESTS:
        named = [Path(arg.split("::")[0]).resolve() for arg in config.args]
        return not any(path == STACK_TESTS or STACK_TESTS in path.parents for path in named)
    return None


def pytest_collection_finish(session):
    """What the run has built so far (Django, Wagtail, the collected tests) lives until it ends:
    into the collector's permanent generation with it, as faxeif.startup does for the site's
    processes, so that full collections during the run and at its exit do not walk it again."""
    gc.freeze()


def pytest_collection_modifyitems(config, items):
    """Each pass leaves out the tests marked for the other (pyproject.toml says which and why),
    and the Lighthouse check unless `-m lighthouse` asks for it: deselected, and counted as
    such, not skipped."""
    from tests.support.databases import on_postgres

    left_out = ["sqlite_only" if on_postgres() else "postgresql_only"]
    if "lighthouse" not in (config.getoption("markexpr") or ""):
        left_out.append("lighthouse")  # make lighthouse asks for it by name

    def is_left_out(item) -> bool:
        return any(item.get_closest_marker(marker) for marker in left_out)

    deselected = [item for item in items if is_left_out(item)]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not is_left_out(item)]


def pytest_report_header(config):
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    return f"database: {engine}"


@pytest.fixture(scope="session", autouse=True)
def announce_database(django_db_setup, django_db_blocker):
    """Say which database this pass really ran on, at the end of the run."""
    with django_db_blocker.unblock():
        vendor, version = connection.vendor, connection.Database.__name__
    yield
    print(f"\nTests ran on: {vendor} ({version})")


DATABASE_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences"}


def uses_database(item) -> bool:
    """Whether a collected test asks for the database (pytest-django makes one only then)."""
    return bool(item.get_closest_marker("django_db") or DATABASE_FIXTURES & set(item.fixturenames))


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    request, django_db_modify_db_settings_parallel_suffix, tmp_path_factory
):
    """The suite's database starts as a copy of the seeded site that the served sites copy too
    (built once per run), instead of being migrated and seeded again: on PostgreSQL Django
    creates it from that database as a template; on SQLite it is a copy of the file, which
    pytest-django keeps (django_db_keepdb) rather than replacing with an empty one. Its migrate
    then finds nothing to do."""
    from django.db import connections

    from tests.support.databases import on_postgres, seeded_sqlite_file, seeded_template

    if not any(uses_database(item) for item in request.session.items):
        return  # no test database to make: no seeded site to build for it
    test_settings = connections["default"].settings_dict.setdefault("TEST", {})
    if on_postgres():
        test_settings["TEMPLATE"] = urlparse(seeded_template()).path.lstrip("/")
    else:
        path = tmp_path_factory.mktemp("suite-database") / "test.sqlite3"
        test_settings["NAME"] = seeded_sqlite_file(path).removeprefix("sqlite:///")


@pytest.fixture(scope="session")
def django_db_keepdb(request):
    """SQLite: keep the copied file (see django_db_modify_db_settings); it lives in pytest's
    temporary folder."""
    from tests.support.databases import on_postgres

    return request.config.getvalue("reuse_db") or not on_postgres()


@pytest.fixture(scope="session")
def django_db_setup(request, django_db_setup, django_db_blocker):
    """The test database as `make run` leaves it, migrated and seeded, built once per run: each
    test's transaction is rolled back, so every test starts from this state."""
    if not any(uses_database(item) for item in request.session.items):
        return  # pytest-django made no test database for this run
    with django_db_blocker.unblock():
        call_command("seed_content", stdout=io.StringIO())
        # A transactional test (serialized_rollback) starts from the state serialized when the
        # database was created: serialize again, so that it starts from the seeded site too.
        if hasattr(connection, "_test_serialized_contents"):
            connection._test_serialized_contents = connection.creation.serialize_db_to_string()


@pytest.fixture
def seeded(db):
    """The site as `make run` sets it up: migrations plus the seed content, which every test
    database has from the start (django_db_setup); the objects the tests use most."""
    return {
        "home": HomePage.objects.get(),
        "baggrund": ContentPage.objects.get(slug="baggrund"),
        "faser": PhaseIndexPage.objects.get(),
        "phases": list(PhasePage.objects.in_time_order()),
        "kontakt": ContactPage.objects.get(),
        "process_leader": ContactPerson.objects.get(),
    }


@pytest.fixture
def procesleder(django_user_model):
    user = django_user_model.objects.create_user(
        username="procesleder", password=PASSWORD, first_name="Proces"
    )
    user.groups.add(Group.objects.get(name="Procesleder"))
    return user


@pytest.fixture
def procesleder_client(client, procesleder):
    client.force_login(procesleder)
    return client


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: the database is new for each test, the cache not."""
    from django.core.cache import caches

    for alias in caches:
        caches[alias].clear()
    yield
    for alias in caches:
        caches[alias].clear()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploads go to a folder of the test's own, never to the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def image(db):
    """An uploaded image, as an editor would upload it."""
    return make_image()


# Activities: the index, an upcoming temadag with two seats, and the site's clock.


@pytest.fixture
def index(seeded):
    return activity_index()


@pytest.fixture
def temadag(index):
    return add_activity(
        index,
        "Temadag om samskabelse",
        days_ahead(10),
        activity_type=ActivityType.TEMADAG,
        audience="Alle ledere",
        introduction="En dag om at skabe sammen.",
        signup_enabled=True,
        capacity=2,
    )


@pytest.fixture
def clock(monkeypatch):
    """Set the time the site believes it is."""

    def set_now(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment.astimezone(datetime.UTC))

    return set_now
