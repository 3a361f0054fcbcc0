"""collectstatic's compressor (faxeif/staticfiles.py) compresses each distinct content once, and
every file still gets its own correct .br and .gz, also when many identical files are compressed
at the same moment (whitenoise compresses in threads)."""

import gzip
from concurrent.futures import ThreadPoolExecutor

import brotli
import pytest
from whitenoise.compress import Compressor

from faxeif.staticfiles import CompressOnceCompressor

# Files on disk, no database: on the SQLite pass only.
pytestmark = pytest.mark.sqlite_only

STYLESHEET = b"body { font-family: sans-serif; margin: 0 auto; }\n" * 200
SCRIPT = b"document.documentElement.classList.add('js');\n" * 200


@pytest.fixture
def brotli_runs(monkeypatch) -> list[bytes]:
    """The contents whitenoise's own brotli compression is run on."""
    runs = []
    original = Compressor.compress_brotli

    def counted(data: bytes) -> bytes:
        runs.append(data)
        return original(data)

    monkeypatch.setattr(Compressor, "compress_brotli", staticmethod(counted))
    return runs


def test_twenty_identical_files_at_once_are_compressed_once_and_each_gets_its_own(
    tmp_path, brotli_runs
):
    copies = [tmp_path / f"site.{n:012x}.css" for n in range(20)]
    for path in copies:
        path.write_bytes(STYLESHEET)
    (tmp_path / "site.js").write_bytes(SCRIPT)
    compressor = CompressOnceCompressor(quiet=True)

    with ThreadPoolExecutor(max_workers=20) as pool:
        written = list(
            pool.map(compressor.compress, [str(p) for p in [*copies, tmp_path / "site.js"]])
        )

    assert sorted(brotli_runs) == sorted([STYLESHEET, SCRIPT])
    assert all(len(files) == 2 for files in written)  # a .br and a .gz for every file
    for path, content in [*((p, STYLESHEET) for p in copies), (tmp_path / "site.js", SCRIPT)]:
        assert brotli.decompress((path.parent / (path.name + ".br")).read_bytes()) == content
        assert gzip.decompress((path.parent / (path.name + ".gz")).read_bytes()) == content
