"""The set-up commands `make run` relies on, and the production settings' refusal to guess."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

BASE_DIR = Path(__file__).resolve().parent.parent


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
    user = authenticate(username="redaktion", password="et-godt-kodeord-til-faxe")
    assert user is not None and user.is_superuser


@pytest.mark.django_db
def test_ensure_admin_prints_a_generated_password_once(monkeypatch, django_user_model):
    monkeypatch.delenv("ADMIN_USER", raising=False)
    monkeypatch.delenv("ADMIN_PASSWORD", raising=False)
    output = run_ensure_admin()
    password = output.split("): ")[-1].strip()
    assert len(password) >= 12
    assert authenticate(username="admin", password=password) is not None

    second = run_ensure_admin()
    assert password not in second
    assert django_user_model.objects.count() == 1


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
