"""The set-up commands `make run` relies on, and the production settings' refusal to guess."""

import os
import subprocess
import sys
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from tests.support.processes import BASE_DIR


def can_log_in(username, password):
    """Whether the admin's login would accept these (axes needs the request it counts)."""
    return authenticate(
        RequestFactory().post("/admin/login/"), username=username, password=password
    )


def run_ensure_admin() -> str:
    out = StringIO()
    call_command("ensure_admin", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_ensure_admin_uses_the_given_name_and_password(monkeypatch, django_user_model):
    monkeypatch.setenv("ADMIN_USER", "redaktion")
    monkeypatch.setenv("ADMIN_PASSWORD", "et-godt-kodeord-til-faxe")
    output = run_ensure_admin()
    assert "redaktion" in output
    assert "et-godt-kodeord-til-faxe" not in output
    user = can_log_in("redaktion", "et-godt-kodeord-til-faxe")
    assert user is not None and user.is_superuser


@pytest.mark.django_db
def test_ensure_admin_prints_a_generated_password_once(monkeypatch, django_user_model):
    monkeypatch.delenv("ADMIN_USER", raising=False)
    monkeypatch.delenv("ADMIN_PASSWORD", raising=False)
    output = run_ensure_admin()
    password = output.split("): ")[-1].strip()
    assert len(password) >= 12
    assert can_log_in("admin", password) is not None

    second = run_ensure_admin()
    assert password not in second
    assert django_user_model.objects.count() == 1


@pytest.mark.django_db
def test_ensure_admin_neither_generates_nor_prints_a_password_in_production(
    monkeypatch, settings, django_user_model
):
    settings.ENSURE_ADMIN_MAY_GENERATE_PASSWORD = False  # as production.py has it
    monkeypatch.delenv("ADMIN_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="ADMIN_PASSWORD.*createsuperuser"):
        run_ensure_admin()
    assert not django_user_model.objects.exists()

    monkeypatch.setenv("ADMIN_PASSWORD", "et-godt-kodeord-til-faxe")
    assert "Administrator created: admin" in run_ensure_admin()


@pytest.mark.django_db
def test_ensure_admin_refuses_a_weak_password(monkeypatch, django_user_model):
    monkeypatch.setenv("ADMIN_PASSWORD", "admin1234")
    with pytest.raises(CommandError, match="ADMIN_PASSWORD is too weak"):
        run_ensure_admin()
    assert not django_user_model.objects.exists()


def test_production_settings_name_what_is_missing():
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "ALLOWED_HOSTS")}
    env.update(
        DJANGO_SETTINGS_MODULE="faxeif.settings.production", DATABASE_URL="sqlite://:memory:"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "SECRET_KEY, ALLOWED_HOSTS" in result.stderr
    assert "Traceback" not in result.stderr
