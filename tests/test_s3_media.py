"""Uploads on an S3 server (S3_BUCKET): a served site keeps images and their renditions in the
bucket and addresses them on its own host (/media/<key>); an S3 server that hangs or is gone
gives the Danish 503 page within seconds where a file must be read or written, and the site
recovers by itself when it answers again."""

import re
import tarfile
import time
import urllib.error
import urllib.request
import uuid

import pytest

from tests.support.databases import site_database
from tests.support.processes import (
    editor_session,
    manage,
    run_manage,
    seed_site,
    shell_result,
    site_env,
    start_gunicorn,
    stop_gunicorn,
)
from tests.support.s3 import S3Server
from tests.support.uploads import image_bytes
from tests.support.visitors import http

UNAVAILABLE = "Siden er midlertidigt utilgængelig"

PAGE_WITH_IMAGE = """
from wagtail.images import get_image_model
from tests.support.showcase import add_page
image = get_image_model().objects.get(title={title!r})
page = add_page({page!r}, "En side med et billede.", picture=image, picture_alt="Et billede")
print(page.url)
"""

NEW_DOCUMENT = """
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
document = get_document_model().objects.create(
    title="Referat", file=ContentFile(b"%PDF-1.7 referat", name="referat.pdf")
)
print(document.file.name, document.url)
"""

NEW_IMAGE = """
from tests.support.images import make_image
print(make_image({title!r}, size=(1200, 800)).file.name)
"""


@pytest.fixture
def s3(tmp_path):
    server = S3Server(tmp_path / "moto.log")
    server.start()
    server.create_bucket()
    try:
        yield server
    finally:
        server.stop()


def multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n')
        parts.append(f"{value}\r\n")
    chunks = [part.encode() for part in parts]
    for name, (filename, content) in files.items():
        chunks.append(
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
            ).encode()
            + content
            + b"\r\n"
        )
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"


class Editor:
    """A Procesleder in the admin over HTTP: session cookie, CSRF token, multipart uploads."""

    def __init__(self, base: str, session_key: str):
        self.base = base
        self.cookie = f"sessionid={session_key}"
        form = http(base + "/admin/images/add/", cookie=self.cookie)
        assert form.status == 200, form.status
        csrf = re.search(r"csrftoken=([^;]+)", form.headers["Set-Cookie"]).group(1)
        self.cookie += f"; csrftoken={csrf}"
        self.token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)

    def upload_image(self, title: str, filename: str, content: bytes, timeout=60):
        body, content_type = multipart(
            {"csrfmiddlewaretoken": self.token, "title": title}, {"file": (filename, content)}
        )
        request = urllib.request.Request(
            self.base + "/admin/images/add/",
            body,
            {"Content-Type": content_type, "Cookie": self.cookie},
        )
        return _send(request, timeout)


def _send(request, timeout):
    """http() for a prepared request (a multipart body): status, text, seconds."""
    started = time.monotonic()
    opener = urllib.request.build_opener(_NoRedirects())
    try:
        with opener.open(request, timeout=timeout) as response:
            status, text = response.status, response.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        status, text = error.code, error.read().decode(errors="replace")
    return status, text, time.monotonic() - started


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def media_urls(html: str) -> set[str]:
    """The uploaded files a page shows (src and srcset addresses under /media/)."""
    return set(re.findall(r"[\"\s,](/media/[^\"\s,]+)", html))


def assert_unavailable(answer_status, answer_text, seconds, what):
    assert answer_status == 503, what
    assert UNAVAILABLE in answer_text, what
    assert 'lang="da"' in answer_text, what
    # connect 2 s / read 5 s, one retry, for each of the few calls before the first failure
    assert seconds < 25, (what, seconds)


def test_uploads_and_renditions_live_in_the_bucket_under_the_sites_own_media_urls(tmp_path, s3):
    with site_database(tmp_path) as database_url:
        env = {**site_env(tmp_path, database_url), **s3.site_env()}
        seed_site(env)
        session_key = editor_session(env)
        log = open(tmp_path / "gunicorn.log", "wb")
        server, base = start_gunicorn(env, stdout=log, stderr=log)
        try:
            editor = Editor(base, session_key)
            status, text, _ = editor.upload_image("Sommerfest", "sommerfest.jpg", image_bytes())
            assert status == 302, text[-2000:]
            original = shell_result(
                env,
                "from wagtail.images import get_image_model; "
                "print(get_image_model().objects.get(title='Sommerfest').file.name)",
            )
            assert original.startswith("original_images/")
            assert original in s3.keys()
            assert not (tmp_path / "media").exists(), "an upload went to the local disk"

            # A page showing it: its renditions are made into the bucket, addressed on our host.
            page = shell_result(env, PAGE_WITH_IMAGE.format(title="Sommerfest", page="Sommerfest"))
            answer = http(base + page)
            assert answer.status == 200
            urls = media_urls(answer.text)
            assert urls, "the page shows no uploaded image"
            assert f"127.0.0.1:{s3.port}" not in answer.text
            keys = s3.keys()
            renditions = {url.removeprefix("/media/") for url in urls}
            assert {key for key in renditions if key.startswith("images/")}, urls
            assert renditions <= keys, renditions - keys
            assert all(s3.read(key) for key in renditions)

            # Documents are served by Django from the bucket (never a redirect to it).
            key, url = shell_result(env, NEW_DOCUMENT).split()
            assert key in s3.keys() and url.startswith("/documents/")
            document = http(base + url)
            assert (document.status, document.text) == (200, "%PDF-1.7 referat")

            # backup takes the uploads from the bucket (not the renditions), and restore puts
            # them into another, empty one, beside an empty database.
            manage(env, "backup", f"--output={tmp_path / 'backups'}")
            [archive] = (tmp_path / "backups").glob("*.tar.gz")
            with tarfile.open(archive) as tar:
                archived = {name for name in tar.getnames() if name.startswith("media/")}
            kept = {key for key in s3.keys() if not key.startswith("images/")}
            assert archived == {f"media/{key}" for key in kept}
            s3.create_bucket("faxeif-restored")
            (tmp_path / "restored").mkdir()
            with site_database(tmp_path / "restored") as restored_url:
                restored = {
                    **site_env(tmp_path / "restored", restored_url),
                    **s3.site_env(),
                    "S3_BUCKET": "faxeif-restored",
                }
                result = run_manage(restored, "restore", str(archive))
                assert result.returncode == 0, result.stderr
            assert s3.keys("faxeif-restored") == kept
            assert s3.read(original) == s3.read(original, "faxeif-restored")

            # A deleted image leaves the bucket with its renditions (Wagtail's deletion task
            # rebuilds the storage from its options).
            doomed = shell_result(env, NEW_IMAGE.format(title="Slettes"))
            assert doomed in s3.keys()
            shell_result(
                env,
                "from wagtail.images import get_image_model; "
                "get_image_model().objects.get(title='Slettes').delete(); print('ok')",
            )
            assert doomed not in s3.keys()

            # One more image, whose renditions nobody has asked for yet.
            shell_result(env, NEW_IMAGE.format(title="Vinterbad"))
            fresh_page = shell_result(
                env, PAGE_WITH_IMAGE.format(title="Vinterbad", page="Vinterbad")
            )

            # The S3 server hangs: what needs a file answers 503 within seconds; the page whose
            # renditions exist is served on.
            s3.hang()
            try:
                shown = http(base + page, timeout=30)
                fresh = http(base + fresh_page, timeout=60)
                upload = editor.upload_image("Høst", "hoest.jpg", image_bytes(), timeout=60)
            finally:
                s3.resume()
            assert shown.status == 200
            assert_unavailable(fresh.status, fresh.text, fresh.seconds, "new rendition")
            assert "no-store" in fresh.headers["Cache-Control"]
            assert_unavailable(*upload, "upload")

            # Back: the same gunicorn makes the renditions and takes the upload.
            fresh = http(base + fresh_page)
            assert fresh.status == 200
            assert {url.removeprefix("/media/") for url in media_urls(fresh.text)} <= s3.keys()
            status, text, _ = editor.upload_image("Høst", "hoest.jpg", image_bytes())
            assert status == 302, text[-2000:]

            # Gone for good (connections refused): a 503 at once.
            shell_result(env, NEW_IMAGE.format(title="Forår"))
            last_page = shell_result(env, PAGE_WITH_IMAGE.format(title="Forår", page="Forår"))
            s3.stop()
            gone = http(base + last_page, timeout=30)
            assert_unavailable(gone.status, gone.text, gone.seconds, "S3 server stopped")
            assert gone.seconds < 5
            assert http(base + page).status == 200
        finally:
            stop_gunicorn(server)
            log.close()


def test_an_unreachable_s3_server_is_an_outage_however_wrapped_a_missing_file_is_not():
    from botocore.exceptions import ConnectTimeoutError, EndpointConnectionError, ReadTimeoutError
    from wagtail.images.models import SourceImageIOError

    from faxeif.views import unavailable_service

    def wrapped(cause):
        try:
            try:
                raise cause
            except Exception as error:
                raise SourceImageIOError(str(error)) from error
        except SourceImageIOError as error:
            return error

    url = "http://127.0.0.1:9/bucket/key"
    for error in (
        EndpointConnectionError(endpoint_url=url),
        ConnectTimeoutError(endpoint_url=url),
        ReadTimeoutError(endpoint_url=url),
    ):
        assert unavailable_service(error) == "file storage"
        assert unavailable_service(wrapped(error)) == "file storage"
    assert unavailable_service(wrapped(FileNotFoundError("original_images/gone.jpg"))) is None
    assert unavailable_service(ValueError("a bug")) is None
