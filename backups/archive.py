"""Backups: one archive with the database and the uploaded files, and its restore.

The archive (faxeif-backup-<UTC time>.tar.gz) holds:
  manifest.json    format version, database vendor, when, and counts to check a restore by
  database.dump    PostgreSQL: pg_dump's custom format, restored with pg_restore
  database.sqlite3 SQLite: a consistent copy made with SQLite's online backup API
  media/...        MEDIA_ROOT: original images, documents; not the image renditions (media/images/),
                   which Wagtail makes again from the originals when a page asks for them. With
                   S3_BUCKET, the same files (keys) from the bucket, and a restore writes them
                   into the bucket S3_BUCKET names then.

A restore writes only into an empty database and an empty media folder: restoring over a running
site's content would mix two states of it, so the operator makes the empty ones on purpose.
"""

import datetime
import json
import os
import posixpath
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.core.files import File
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management.base import CommandError
from django.db import connection

from faxeif.sqlite.base import create_database_file

FORMAT = 1
MANIFEST = "manifest.json"
PG_DUMP_FILE = "database.dump"
SQLITE_FILE = "database.sqlite3"
MEDIA = "media"
# Renditions: made again from the original images on demand.
MEDIA_LEFT_OUT = ("images",)
VENDORS = ("postgresql", "sqlite")


def counts() -> dict[str, int]:
    """What a restore must bring back, counted in the current database and media folder."""
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.models import Page, Revision

    return {
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "images": get_image_model().objects.count(),
        "documents": get_document_model().objects.count(),
        "media_files": sum(1 for _ in uploaded_files()),
    }


def in_bucket() -> bool:
    """Whether the uploads are in an S3 bucket (S3_BUCKET) rather than in MEDIA_ROOT."""
    return not isinstance(default_storage, FileSystemStorage)


def uploaded_files():
    """The uploaded files to keep, as relative paths (keys in a bucket)."""
    if in_bucket():
        return (Path(key) for key in bucket_keys(""))
    return media_files(Path(settings.MEDIA_ROOT))


def bucket_keys(folder: str):
    folders, files = default_storage.listdir(folder)
    for name in sorted(files):
        yield posixpath.join(folder, name)
    for name in sorted(folders):
        if folder or name not in MEDIA_LEFT_OUT:
            yield from bucket_keys(posixpath.join(folder, name))


def media_files(root: Path):
    """The uploaded files to keep, as paths relative to MEDIA_ROOT."""
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if path.is_file() and relative.parts[0] not in MEDIA_LEFT_OUT:
            yield relative


# ---------------------------------------------------------------- backup


def backup(output_dir: Path) -> tuple[Path, dict]:
    """Write the archive into output_dir; its path and manifest. The archive appears under its
    final name only when it is complete."""
    vendor = supported_vendor()
    output_dir.mkdir(parents=True, exist_ok=True)
    created = datetime.datetime.now(datetime.UTC)
    archive = output_dir / f"faxeif-backup-{created:%Y%m%d-%H%M%S}.tar.gz"
    manifest = {
        "format": FORMAT,
        "vendor": vendor,
        "created_at": created.isoformat(timespec="seconds"),
        "counts": counts(),
        "media_left_out": [f"{folder}/ (image renditions)" for folder in MEDIA_LEFT_OUT],
    }
    with tempfile.TemporaryDirectory(dir=output_dir, prefix=".backup-") as work:
        work = Path(work)
        if vendor == "postgresql":
            database_file = work / PG_DUMP_FILE
            run_pg_tool("pg_dump", "--format=custom", f"--file={database_file}")
        else:
            database_file = work / SQLITE_FILE
            copy_sqlite(database_file)
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
        partial = work / "archive.tar.gz"
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(work / MANIFEST, MANIFEST)
            tar.add(database_file, database_file.name)
            if in_bucket():
                for key in bucket_keys(""):
                    add_from_bucket(tar, key)
            else:
                media_root = Path(settings.MEDIA_ROOT)
                for relative in media_files(media_root):
                    tar.add(media_root / relative, f"{MEDIA}/{relative.as_posix()}")
        partial.chmod(0o600)  # it holds every sign-up's name and e-mail address
        os.replace(partial, archive)
    return archive, manifest


def add_from_bucket(tar: tarfile.TarFile, key: str) -> None:
    info = tarfile.TarInfo(f"{MEDIA}/{key}")
    info.size = default_storage.size(key)
    info.mtime = int(default_storage.get_modified_time(key).timestamp())
    info.mode = 0o644
    with default_storage.open(key, "rb") as file:
        tar.addfile(info, file)


def copy_sqlite(target: Path) -> None:
    """SQLite's online backup: a consistent copy while the site goes on writing."""
    connection.ensure_connection()
    with sqlite3.connect(target) as copy:
        connection.connection.backup(copy)
    copy.close()


# ---------------------------------------------------------------- restore


def restore(archive: Path) -> dict:
    """Restore the archive into the (empty) database and media folder; the manifest."""
    vendor = supported_vendor()
    with tempfile.TemporaryDirectory(prefix="faxeif-restore-") as work:
        work = Path(work)
        manifest = unpack(archive, work)
        if manifest["vendor"] != vendor:
            raise CommandError(
                f"{archive} is a backup of a {manifest['vendor']} database, but DATABASE_URL "
                f"points at a {vendor} database. Restore it into a {manifest['vendor']} database."
            )
        refuse_unless_empty()
        if vendor == "postgresql":
            run_pg_tool(
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                str(work / PG_DUMP_FILE),
            )
        else:
            place_sqlite(work / SQLITE_FILE)
        if in_bucket():
            put_into_bucket(work / MEDIA)
        else:
            media_root = Path(settings.MEDIA_ROOT)
            media_root.mkdir(parents=True, exist_ok=True)
            if (work / MEDIA).is_dir():
                for item in (work / MEDIA).iterdir():
                    shutil.move(item, media_root / item.name)
    forget_renditions()
    # Anything cached (pages, renditions) came from another database.
    caches["default"].clear()
    return manifest


def put_into_bucket(media: Path) -> None:
    """Each file under its own key (the bucket is empty: no name is taken)."""
    if not media.is_dir():
        return
    for path in sorted(p for p in media.rglob("*") if p.is_file()):
        key = path.relative_to(media).as_posix()
        with open(path, "rb") as file:
            saved = default_storage.save(key, File(file))
        if saved != key:
            raise CommandError(f"{key} was stored as {saved}: the bucket was not empty.")


def unpack(archive: Path, work: Path) -> dict:
    try:
        with tarfile.open(archive, "r:gz") as tar:
            # The "data" filter refuses absolute paths, links out of the folder and devices.
            tar.extractall(work, filter="data")
    except (OSError, tarfile.TarError) as error:
        raise CommandError(f"Cannot read {archive} as a faxeif backup: {error}") from error
    try:
        manifest = json.loads((work / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise CommandError(f"{archive} has no readable {MANIFEST}: not a faxeif backup.") from error
    if manifest.get("format") != FORMAT or manifest.get("vendor") not in VENDORS:
        raise CommandError(
            f"{archive} is a backup in format {manifest.get('format')!r} of a "
            f"{manifest.get('vendor')!r} database; this version restores format {FORMAT}."
        )
    return manifest


def refuse_unless_empty() -> None:
    # A SQLite file that is not there yet is empty (the site never creates it; this does).
    create_database_file(connection)
    tables = connection.introspection.table_names()
    if tables:
        raise CommandError(
            f"The database {database_label()} is not empty (it has {len(tables)} tables). "
            "restore only writes into an empty database, so it never mixes a backup with "
            "other content: create a new empty database, point DATABASE_URL at it and run "
            "restore again."
        )
    if in_bucket():
        folders, files = default_storage.listdir("")
        if folders or files:
            raise CommandError(
                f"The bucket {settings.S3_BUCKET} is not empty. restore only writes into an "
                "empty bucket: point S3_BUCKET at a new empty bucket and run restore again."
            )
        return
    media_root = Path(settings.MEDIA_ROOT)
    if media_root.is_dir() and any(media_root.iterdir()):
        raise CommandError(
            f"The media folder {media_root} is not empty. restore only writes into an empty "
            "media folder: point MEDIA_ROOT at a new empty folder (or empty this one) and run "
            "restore again."
        )


def place_sqlite(source: Path) -> None:
    target = Path(connection.settings_dict["NAME"])
    connection.close()
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".restoring")
    shutil.copyfile(source, partial)
    # The write-ahead log of the empty database that was there must not be applied to the
    # restored one (SQLite removes it when the last connection closes; this makes sure).
    for leftover in ("-wal", "-shm"):
        target.with_name(target.name + leftover).unlink(missing_ok=True)
    os.replace(partial, target)


def forget_renditions() -> None:
    """The backup has no rendition files: drop their rows, so Wagtail makes them again."""
    from wagtail.images import get_image_model

    get_image_model().get_rendition_model().objects.all().delete()


# ---------------------------------------------------------------- the database


def supported_vendor() -> str:
    if connection.vendor not in VENDORS:
        raise CommandError(f"Backups support PostgreSQL and SQLite, not {connection.vendor}.")
    return connection.vendor


def database_label() -> str:
    return str(connection.settings_dict["NAME"])


def pg_binary(name: str) -> str:
    """pg_dump or pg_restore of the server's major version (an older pg_dump refuses a newer
    server): PG_BINDIR if set, else Debian's /usr/lib/postgresql/<major>/bin, else PATH."""
    connection.ensure_connection()
    major = connection.pg_version // 10000
    folders = [os.environ.get("PG_BINDIR"), f"/usr/lib/postgresql/{major}/bin"]
    for folder in filter(None, folders):
        if (candidate := Path(folder) / name).is_file():
            return str(candidate)
    if found := shutil.which(name):
        return found
    raise CommandError(
        f"{name} not found for PostgreSQL {major}: install the PostgreSQL {major} client "
        "(Debian: postgresql-client) or set PG_BINDIR to the folder that holds it."
    )


def run_pg_tool(name: str, *args: str) -> None:
    """pg_dump or pg_restore on the database of DATABASE_URL."""
    db = connection.settings_dict
    command = [pg_binary(name), f"--dbname={db['NAME']}"]
    if db.get("HOST"):
        command.append(f"--host={db['HOST']}")
    if db.get("PORT"):
        command.append(f"--port={db['PORT']}")
    if db.get("USER"):
        command.append(f"--username={db['USER']}")
    env = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    done = subprocess.run([*command, *args], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise CommandError(f"{name} failed ({done.returncode}):\n{done.stderr.strip()}")
