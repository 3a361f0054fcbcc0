"""The production files in deploy/ do what the README says: the systemd timers' services and the
cron lines publish due pages, send review reminders and empty the Papirkurv of pages older
than 90 days, each once per cluster, and nginx with deploy/nginx/faxeif.conf, in front of
Varnish (deploy/varnish/faxeif.vcl), keeps slow clients away from gunicorn's sync workers and
serves the images from the S3 bucket. Each runs here as written, with only its site-specific
paths and ports replaced. (tests/stack/ runs them all together: make test-stack.)"""

import os
import shlex
import shutil
import ssl
import subprocess
import time
from http.client import HTTPConnection, HTTPSConnection
from pathlib import Path

import pytest

from scripts.stack import BUCKET_POLICY, site_config
from scripts.throwaway_nginx import NGINX, nginx_command
from scripts.throwaway_varnish import VARNISHD, start_varnish, stop_varnish
from tests.support.databases import seeded_site
from tests.support.processes import (
    BASE_DIR,
    free_port,
    manage,
    require,
    shell_result,
    start_gunicorn,
    stop_gunicorn,
    wait_until_serving,
)
from tests.support.s3 import S3Server
from tests.support.visitors import SlowClients, assert_served_promptly, http, ten_visitors

# The production shape, which runs on PostgreSQL; nginx, systemd and cron do not depend on it.
pytestmark = pytest.mark.postgresql_only

SYSTEMD = BASE_DIR / "deploy" / "systemd"
SERVICE = SYSTEMD / "faxeif-publish-scheduled.service"
TIMER = SYSTEMD / "faxeif-publish-scheduled.timer"
CRON = BASE_DIR / "deploy" / "cron" / "faxeif-publish-scheduled"
PURGE_SERVICE = SYSTEMD / "faxeif-purge-trash.service"
PURGE_TIMER = SYSTEMD / "faxeif-purge-trash.timer"
PURGE_CRON = BASE_DIR / "deploy" / "cron" / "faxeif-purge-trash"
REMINDER_SERVICE = SYSTEMD / "faxeif-review-reminders.service"
REMINDER_TIMER = SYSTEMD / "faxeif-review-reminders.timer"
REMINDER_CRON = BASE_DIR / "deploy" / "cron" / "faxeif-review-reminders"
WORKER_SERVICE = SYSTEMD / "faxeif-worker.service"
MAIL_CRON = BASE_DIR / "deploy" / "cron" / "faxeif-mail"
# The worker's own switch for a test: send what is queued, then stop.
ONE_BATCH = ("--batch", "--no-startup-delay")
NGINX_SITE = BASE_DIR / "deploy" / "nginx" / "faxeif.conf"
# Where the deploy files expect the site; the tests put the repository there.
DEPLOY_DIR = "/srv/faxeif"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A migrated, seeded site database of its own and the environment to reach it."""
    tmp = tmp_path_factory.mktemp("deploy")
    with seeded_site(tmp) as env:
        yield {"tmp": tmp, "env": env}


def unit(path: Path) -> dict[str, list[str]]:
    """A systemd unit file's settings as {"Section.Key": [values]}."""
    settings, section = {}, ""
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        key, value = line.split("=", 1)
        settings.setdefault(f"{section}.{key}", []).append(value)
    return settings


def here(value: str) -> str:
    return value.replace(DEPLOY_DIR, str(BASE_DIR))


DUE_SOON = """
from datetime import timedelta
from django.utils import timezone
from home.models import HomePage
from pages.models import ContentPage

page = HomePage.objects.get().add_child(instance=ContentPage(title="{title}", live=False))
page.go_live_at = timezone.now() + timedelta(seconds=1)
page.save_revision().publish()
print(page.go_live_at.timestamp())
"""
IS_LIVE = "from wagtail.models import Page; print(Page.objects.get(title='{title}').live)"


def due_page(site, title: str) -> None:
    """A page scheduled to go live a second from now, once that second has passed: due."""
    go_live = float(shell_result(site["env"], DUE_SOON.format(title=title)))
    time.sleep(max(0.0, go_live - time.time()) + 0.5)
    assert not is_live(site, title)


def is_live(site, title: str) -> bool:
    return shell_result(site["env"], IS_LIVE.format(title=title)) == "True"


def production_environment(site) -> dict:
    """What the site's environment file holds in production (README, Production)."""
    return {
        "SECRET_KEY": "deploy-test-not-secret",
        "ALLOWED_HOSTS": "faxeifaellesskab.dk",
        "DATABASE_URL": site["env"]["DATABASE_URL"],
        "CACHE_DIR": site["env"]["CACHE_DIR"],
    }


def run_service(
    service_file: Path, site, *extra_args: str, **environment
) -> subprocess.CompletedProcess:
    """The service's ExecStart (and `extra_args`), as systemd runs it: in its working directory,
    with the environment file's settings (and `environment`), then the unit's own Environment=
    lines."""
    service = unit(service_file)
    env = {"PATH": os.environ["PATH"], **production_environment(site), **environment}
    for assignments in service["Service.Environment"]:
        env.update(assignment.split("=", 1) for assignment in shlex.split(assignments))
    assert env["DJANGO_SETTINGS_MODULE"] == "faxeif.settings.production"
    [exec_start] = service["Service.ExecStart"]
    [working_directory] = service["Service.WorkingDirectory"]
    return subprocess.run(
        [here(arg) for arg in shlex.split(exec_start)] + list(extra_args),
        cwd=here(working_directory),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def run_cron_line(cron_file: Path, site, tmp_path, **environment) -> subprocess.CompletedProcess:
    """The cron line's command as cron runs it, with the site's environment file; the line's
    schedule."""
    [line] = [line for line in cron_file.read_text().splitlines() if line and line[0] != "#"]
    *schedule, user, command = line.split(None, 6)
    assert user == "faxeif"
    environment_file = tmp_path / "faxeif.env"
    environment_file.write_text(
        "".join(f"{k}={v}\n" for k, v in {**production_environment(site), **environment}.items())
    )
    command = here(command).replace("/etc/faxeif/faxeif.env", str(environment_file))
    command = command.replace("/run/lock/", f"{tmp_path}/")
    # cron's environment: little more than a PATH.
    cron_env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "SHELL": "/bin/sh"}
    run = subprocess.run(
        ["/bin/sh", "-c", command], env=cron_env, capture_output=True, text=True, timeout=120
    )
    run.schedule = schedule
    return run


def test_the_systemd_service_publishes_a_due_page(site):
    due_page(site, "Forfalden side")
    run = run_service(SERVICE, site)
    assert run.returncode == 0, run.stderr
    assert is_live(site, "Forfalden side")


def test_the_cron_line_publishes_a_due_page(site, tmp_path):
    due_page(site, "Forfalden side til cron")
    run = run_cron_line(CRON, site, tmp_path)
    assert run.schedule == ["*"] * 5
    assert run.returncode == 0, run.stderr
    assert is_live(site, "Forfalden side til cron")


DUE_FOR_REVIEW = """
import datetime
from django.contrib.auth.models import User
from django.utils import timezone
from wagtail.models import Page
from review.models import PageReview
owner, _ = User.objects.get_or_create(username="ejer", email="ejer@faxekommune.dk")
Page.objects.filter(slug="{slug}").update(owner=owner)
PageReview.objects.filter(page__slug="{slug}").update(
    due=timezone.localdate() - datetime.timedelta(days=1), reminded_for=None)
print(Page.objects.get(slug="{slug}").pk)
"""
# The mail as the site would send it, written to the command's output instead.
MAIL_TO_OUTPUT = {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}


def due_for_review(site, slug: str) -> str:
    """The page `slug` due for review since yesterday; the address its reminder links to."""
    page_id = shell_result(site["env"], DUE_FOR_REVIEW.format(slug=slug))
    return f"Rediger siden: https://faxeifaellesskab.dk/admin/pages/{page_id}/edit/"


def test_the_review_reminder_service_mails_the_owner_once(site):
    """The service queues the reminder; the worker service sends it (here: one batch)."""
    link = due_for_review(site, "baggrund")
    first = run_service(REMINDER_SERVICE, site, **MAIL_TO_OUTPUT)
    assert (first.returncode, first.stdout) == (0, ""), first.stderr
    sent = run_service(WORKER_SERVICE, site, *ONE_BATCH, **MAIL_TO_OUTPUT)
    assert sent.returncode == 0, sent.stderr
    assert "To: ejer@faxekommune.dk" in sent.stdout and link in sent.stdout
    again = run_service(REMINDER_SERVICE, site, **MAIL_TO_OUTPUT)
    assert (again.returncode, again.stdout) == (0, "")
    nothing = run_service(WORKER_SERVICE, site, *ONE_BATCH, **MAIL_TO_OUTPUT)
    assert (nothing.returncode, nothing.stdout) == (0, "")


def test_the_review_reminder_cron_line_mails_the_owner_every_morning(site, tmp_path):
    """The reminder's cron line queues it; the mail cron line, every minute, sends it."""
    link = due_for_review(site, "faser")
    run = run_cron_line(REMINDER_CRON, site, tmp_path, **MAIL_TO_OUTPUT)
    assert run.schedule == ["0", "7", "*", "*", "*"]
    assert run.returncode == 0, run.stderr
    sent = run_cron_line(MAIL_CRON, site, tmp_path, **MAIL_TO_OUTPUT)
    assert sent.schedule == ["*"] * 5
    assert sent.returncode == 0, sent.stderr
    assert link in sent.stdout


SCHEDULED = {
    SERVICE: "publish_scheduled",
    PURGE_SERVICE: "purge_trash",
    REMINDER_SERVICE: "send_review_reminders",
    CRON: "publish_scheduled",
    PURGE_CRON: "purge_trash",
    REMINDER_CRON: "send_review_reminders",
}


def test_every_scheduled_service_and_cron_line_runs_its_command_once_per_cluster():
    """Every app server may run the timers: each command goes through run_scheduled, which
    runs it on the one server that takes the cluster's lock (faxeif/cluster.py;
    tests/test_scheduled_once.py runs two at the same moment)."""
    for path, command in SCHEDULED.items():
        if path.suffix == ".service":
            [line] = unit(path)["Service.ExecStart"]
        else:
            [line] = [line for line in path.read_text().splitlines() if line and line[0] != "#"]
        manage, *arguments = shlex.split(line)[-3:]
        assert (Path(manage).name, arguments) == ("manage.py", ["run_scheduled", command])


def test_the_timers_start_their_services_and_systemd_accepts_them(tmp_path):
    timer = unit(TIMER)
    assert timer["Timer.OnCalendar"] == ["*-*-* *:*:00"]
    assert timer["Timer.AccuracySec"] == ["1s"]
    assert timer.get("Timer.Unit", [SERVICE.name]) == [SERVICE.name]
    assert unit(SERVICE)["Service.Type"] == ["oneshot"]
    reminders = unit(REMINDER_TIMER)
    assert reminders["Timer.OnCalendar"] == ["*-*-* 07:00:00"]
    assert reminders["Timer.Persistent"] == ["true"]
    assert reminders.get("Timer.Unit", [REMINDER_SERVICE.name]) == [REMINDER_SERVICE.name]
    assert unit(REMINDER_SERVICE)["Service.Type"] == ["oneshot"]
    worker = unit(WORKER_SERVICE)
    assert (worker["Service.Type"], worker["Service.Restart"]) == (["simple"], ["always"])
    assert "--backend mail" in worker["Service.ExecStart"][0]

    analyze = shutil.which("systemd-analyze")
    require(analyze is not None, "systemd-analyze (Debian: systemd)")
    units = (SERVICE, TIMER, REMINDER_SERVICE, REMINDER_TIMER, WORKER_SERVICE)
    for path in units:
        (tmp_path / path.name).write_text(here(path.read_text()))
    verify = subprocess.run(
        [analyze, "verify", *(str(tmp_path / path.name) for path in units)],
        capture_output=True,
        text=True,
    )
    # Unknown or misspelt settings are only warnings to systemd: none is allowed here.
    assert (verify.returncode, verify.stderr) == (0, "")


TRASHED_LONG_AGO = """
from datetime import timedelta
from django.utils import timezone
from home.models import HomePage
from pages.models import ContentPage
from trash.models import TrashedPage
from trash.operations import move_to_trash

old = HomePage.objects.get().add_child(instance=ContentPage(title="{title}"))
new = HomePage.objects.get().add_child(instance=ContentPage(title="{title} (ny)"))
move_to_trash(old)
move_to_trash(new)
TrashedPage.objects.filter(page=old).update(trashed_at=timezone.now() - timedelta(days=91))
print("trashed")
"""
EXISTS = "from wagtail.models import Page; print(Page.objects.filter(title='{title}').exists())"


def trashed_long_ago(site, title: str) -> None:
    """A page 91 days in the trash, and one trashed today (title + " (ny)")."""
    shell_result(site["env"], TRASHED_LONG_AGO.format(title=title))


def exists(site, title: str) -> bool:
    return shell_result(site["env"], EXISTS.format(title=title)) == "True"


def test_the_systemd_service_empties_the_trash_of_pages_older_than_90_days(site):
    service = unit(PURGE_SERVICE)
    trashed_long_ago(site, "Gammel side")

    env = {"PATH": os.environ["PATH"], **production_environment(site)}
    for assignments in service["Service.Environment"]:
        env.update(assignment.split("=", 1) for assignment in shlex.split(assignments))
    [exec_start] = service["Service.ExecStart"]
    [working_directory] = service["Service.WorkingDirectory"]
    run = subprocess.run(
        [here(arg) for arg in shlex.split(exec_start)],
        cwd=here(working_directory),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert not exists(site, "Gammel side")
    assert exists(site, "Gammel side (ny)")


def test_the_cron_line_empties_the_trash_daily(site, tmp_path):
    [line] = [line for line in PURGE_CRON.read_text().splitlines() if line and line[0] != "#"]
    minute, hour, *every_day, user, command = line.split(None, 6)
    assert (minute.isdigit(), hour.isdigit(), every_day, user) == (True, True, ["*"] * 3, "faxeif")
    trashed_long_ago(site, "Gammel side til cron")

    environment_file = tmp_path / "faxeif.env"
    environment_file.write_text(
        "".join(f"{k}={v}\n" for k, v in production_environment(site).items())
    )
    command = here(command).replace("/etc/faxeif/faxeif.env", str(environment_file))
    command = command.replace("/run/lock/", f"{tmp_path}/")
    cron_env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "SHELL": "/bin/sh"}
    run = subprocess.run(
        ["/bin/sh", "-c", command], env=cron_env, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    assert not exists(site, "Gammel side til cron")
    assert exists(site, "Gammel side til cron (ny)")


def test_the_trash_timer_starts_its_service_daily_and_systemd_accepts_both(tmp_path):
    timer = unit(PURGE_TIMER)
    assert timer["Timer.OnCalendar"] == ["*-*-* 03:40:00"]
    assert timer["Timer.Persistent"] == ["true"]
    assert unit(PURGE_SERVICE)["Service.Type"] == ["oneshot"]

    analyze = shutil.which("systemd-analyze")
    require(analyze is not None, "systemd-analyze (Debian: systemd)")
    for path in (PURGE_SERVICE, PURGE_TIMER):
        (tmp_path / path.name).write_text(here(path.read_text()))
    verify = subprocess.run(
        [analyze, "verify", *(str(tmp_path / path.name) for path in (PURGE_SERVICE, PURGE_TIMER))],
        capture_output=True,
        text=True,
    )
    assert (verify.returncode, verify.stderr) == (0, "")


@pytest.fixture(scope="module")
def nginx_in_front(site):
    """nginx with deploy/nginx/faxeif.conf in front of Varnish (deploy/varnish/faxeif.vcl) in
    front of gunicorn as production runs it (sync workers, only two of them here), and the S3
    bucket of the uploads with deploy/s3's policy: the https and http base URLs, and the S3
    server."""
    require(Path(NGINX).exists(), "nginx (Debian: nginx-light)")
    require(Path(VARNISHD).exists(), "varnishd (Debian: varnish, varnish-modules)")
    require(shutil.which("openssl") is not None, "openssl")
    tmp = site["tmp"] / "nginx"
    (tmp / "tls").mkdir(parents=True)
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", "/CN=localhost", "-keyout", str(tmp / "tls" / "privkey.pem")]
        + ["-out", str(tmp / "tls" / "fullchain.pem")],
        check=True,
        capture_output=True,
    )
    manage(site["env"], "render_error_pages", str(tmp / "errors"))
    s3 = S3Server(tmp / "s3.log")
    s3.start()
    s3.create_bucket()
    s3.client().put_bucket_policy(Bucket=s3.bucket, Policy=BUCKET_POLICY.read_text())
    gunicorn, gunicorn_url = start_gunicorn(site["env"], workers=2)
    varnish_port = free_port()
    varnish = start_varnish(
        tmp / "varnish",
        varnish_port,
        free_port(),
        [("127.0.0.1", int(gunicorn_url.rsplit(":", 1)[1]))],
        host="127.0.0.1",
    )
    https_port, http_port = free_port(), free_port()
    config = site_config(
        https_port=https_port,
        http_port=http_port,
        varnish=f"127.0.0.1:{varnish_port}",
        tls_dir=tmp / "tls",
        s3_bucket_url=f"{s3.endpoint}/{s3.bucket}/",
        error_pages=tmp / "errors",
    )
    (tmp / "faxeif.conf").write_text(config)
    command = nginx_command(tmp, f"    include {tmp}/faxeif.conf;")
    server = subprocess.Popen(command, stderr=subprocess.PIPE)
    try:
        wait_until_serving(f"http://127.0.0.1:{http_port}/healthz", server, timeout=20)
        yield {
            "https": f"https://127.0.0.1:{https_port}",
            "http": f"http://127.0.0.1:{http_port}",
            "https_port": https_port,
            "s3": s3,
        }
    finally:
        server.terminate()
        server.wait(timeout=30)
        stop_varnish(varnish)
        stop_gunicorn(gunicorn)
        s3.stop()


def client_tls() -> ssl.SSLContext:
    """A visitor's TLS, trusting the test's self-signed certificate."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def test_nginx_keeps_slow_clients_away_from_gunicorn(nginx_in_front):
    https = nginx_in_front["https"]
    tls = client_tls()
    http(https + "/baggrund/", context=tls)  # now in the page cache

    # 12 slow connections against 2 sync workers.
    with SlowClients("127.0.0.1", nginx_in_front["https_port"], each=4, tls=tls) as slow:
        started = time.monotonic()
        time.sleep(1)
        visits = ten_visitors(https + "/baggrund/", context=tls)
        waiting_at_first = slow.waiting()
        # client_header_timeout: 10 s for the request line and headers, then nginx drops them.
        time.sleep(max(0.0, 12 - (time.monotonic() - started)))
        waiting_later = slow.waiting()

    assert_served_promptly(visits, "Hvad satte det i gang?")
    assert waiting_at_first == {"idle": 4, "trickling": 8}
    # The bodies keep coming (a byte every half second), so nginx keeps reading them.
    assert waiting_later == {"idle": 0, "trickling": 4}


def test_nginx_redirects_plain_http_except_the_health_check(nginx_in_front):
    assert http(nginx_in_front["http"] + "/healthz").status == 200
    connection = HTTPConnection(nginx_in_front["http"].removeprefix("http://"))
    connection.request("GET", "/baggrund/?side=2")
    response = connection.getresponse()
    assert response.status == 301
    assert response.getheader("Location") == "https://127.0.0.1/baggrund/?side=2"


def test_nginx_serves_uploaded_images_from_s3_so_that_nothing_in_them_runs(nginx_in_front):
    s3, https = nginx_in_front["s3"], nginx_in_front["https"]
    s3.client().put_object(Bucket=s3.bucket, Key="images/side.html", Body=b"<script>1</script>")
    s3.client().put_object(Bucket=s3.bucket, Key="documents/hemmelig.pdf", Body=b"%PDF")
    visit = http(https + "/media/images/side.html", context=client_tls())
    assert (visit.status, visit.text) == (200, "<script>1</script>")
    assert visit.headers["X-Content-Type-Options"] == "nosniff"
    assert visit.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert not [name for name in visit.headers if name.lower().startswith("x-amz")]
    # Documents only through Django (which checks their collection), no listing, read only.
    assert http(https + "/media/documents/hemmelig.pdf", context=client_tls()).status == 404
    assert http(https + "/media/images/mangler.jpg", context=client_tls()).status == 404
    assert http(https + "/media/", context=client_tls()).status == 404
    # Read only: a post never reaches the bucket (limit_except; answered as a missing file).
    post = http(https + "/media/images/side.html", {"x": "y"}, context=client_tls())
    assert post.status == 404
    assert s3.read("images/side.html") == b"<script>1</script>"


def test_nginx_passes_the_visitors_address_and_scheme_never_the_clients_own():
    """X-Forwarded-For and -Proto as nginx sees them, whatever the client sends: a client that
    claims another address or scheme is not believed (TRUSTED_PROXY_COUNT=2 behind Varnish;
    tests/stack/ logs in and is locked out through them)."""
    config = NGINX_SITE.read_text()
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in config
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in config
    assert "$proxy_add_x_forwarded_for" not in config


def test_nginx_shows_the_branded_page_when_the_bucket_is_down(nginx_in_front):
    s3, https = nginx_in_front["s3"], nginx_in_front["https"]
    s3.client().put_object(Bucket=s3.bucket, Key="images/et.jpg", Body=b"jpeg")
    s3.stop()
    try:
        visit = http(https + "/media/images/et.jpg", context=client_tls())
        assert visit.status == 503
        assert "Siden er midlertidigt utilgængelig" in visit.text
        assert visit.headers["Retry-After"] == "30"
    finally:
        s3.start()
        s3.create_bucket()
        s3.client().put_bucket_policy(Bucket=s3.bucket, Policy=BUCKET_POLICY.read_text())


def test_nginx_takes_uploads_of_20_mb_and_refuses_larger_ones(nginx_in_front):
    """client_max_body_size 21m: the largest document (20 MB) in its form reaches the site, which
    reads it all (and then refuses the post for its missing CSRF token); a larger body gets
    nginx's 413 at once."""
    host = nginx_in_front["https"].removeprefix("https://")

    def upload(size: int) -> int:
        boundary = "faxeif-graense"
        body = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="files[]"; '
            'filename="rapport.pdf"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
            + b"x" * size
            + f"\r\n--{boundary}--\r\n".encode()
        )
        connection = HTTPSConnection(host, context=client_tls(), timeout=60)
        headers = {
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            # A post from the site's own page with a CSRF cookie: Django reads the whole form.
            "Origin": f"https://{host}",  # nginx passes the Host with its port
            "Cookie": f"csrftoken={'a' * 32}",
        }
        connection.request("POST", "/admin/documents/multiple/add/", body=body, headers=headers)
        return connection.getresponse().status

    assert upload(20 * 1024 * 1024) == 403  # the site's answer, after the whole upload
    assert upload(22 * 1024 * 1024) == 413


STACK_UNITS = {
    "faxeif-gunicorn@.service": "faxeif-gunicorn@8001.service",
    "faxeif-varnish.service": "faxeif-varnish.service",
    "faxeif-worker.service": "faxeif-worker.service",
    "faxeif-backup.service": "faxeif-backup.service",
    "faxeif-backup.timer": "faxeif-backup.timer",
    "faxeif-purge-signups.service": "faxeif-purge-signups.service",
    "faxeif-purge-signups.timer": "faxeif-purge-signups.timer",
    "faxeif-clear-sessions.service": "faxeif-clear-sessions.service",
    "faxeif-clear-sessions.timer": "faxeif-clear-sessions.timer",
}
DAILY = ("faxeif-backup", "faxeif-purge-signups", "faxeif-clear-sessions")


def test_the_app_server_varnish_backup_and_purge_units_are_accepted_by_systemd(tmp_path):
    """The units of several app servers (an instance per port), Varnish with the site's VCL, the
    nightly backup and the daily purges of old sign-ups and expired sessions: systemd accepts
    them without a warning, and each timer starts its service daily, catching up after
    downtime."""
    analyze = shutil.which("systemd-analyze")
    require(analyze is not None, "systemd-analyze (Debian: systemd)")
    for name, instance in STACK_UNITS.items():
        (tmp_path / instance).write_text(here((SYSTEMD / name).read_text()))
    verify = subprocess.run(
        [analyze, "verify", *(str(tmp_path / instance) for instance in STACK_UNITS.values())],
        capture_output=True,
        text=True,
    )
    assert (verify.returncode, verify.stderr) == (0, "")

    gunicorn = unit(SYSTEMD / "faxeif-gunicorn@.service")
    assert "PORT=%i" in gunicorn["Service.Environment"]
    assert gunicorn["Service.Type"] == ["notify"]
    varnish = unit(SYSTEMD / "faxeif-varnish.service")
    [varnishd] = varnish["Service.ExecStart"]
    assert "-p vcl_path=/etc/faxeif/varnish:/srv/faxeif/deploy/varnish -f faxeif.vcl" in varnishd
    for name in DAILY:
        settings = unit(SYSTEMD / f"{name}.timer")
        assert settings["Timer.Persistent"] == ["true"]
        assert settings["Timer.OnCalendar"][0].startswith("*-*-* ")
        assert unit(SYSTEMD / f"{name}.service")["Service.Type"] == ["oneshot"]


SESSIONS = """
from datetime import timedelta
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

for key, hours in (("ended", -1), ("lives", 8)):
    Session.objects.create(
        session_key=f"{key:0<32}",
        session_data=SessionStore().encode({}),
        expire_date=timezone.now() + timedelta(hours=hours),
    )
print(sorted(key[:5] for key in Session.objects.values_list("session_key", flat=True)))
"""
SESSIONS_LEFT = """
from django.contrib.sessions.models import Session
print(sorted(key[:5] for key in Session.objects.values_list("session_key", flat=True)))
"""


def test_the_clear_sessions_service_deletes_expired_sessions(site):
    assert "'ended', 'lives'" in shell_result(site["env"], SESSIONS)
    run = run_service(SYSTEMD / "faxeif-clear-sessions.service", site)
    assert run.returncode == 0, run.stderr
    left = shell_result(site["env"], SESSIONS_LEFT)
    assert "'lives'" in left and "'ended'" not in left


def test_the_purge_signups_service_deletes_old_sign_ups(site):
    run = run_service(SYSTEMD / "faxeif-purge-signups.service", site)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("Deleted ")
