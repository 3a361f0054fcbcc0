"""An S3 server of the tests' own: moto_server (moto[server], PyPI) on a free loopback port, with
one bucket, for a served site with S3_BUCKET (uploads/storage.py)."""

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.support.processes import free_port, require

MOTO_SERVER = Path(sys.executable).parent / "moto_server"
# moto takes any credentials; boto3 refuses to sign without some.
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "faxeif-test", "AWS_SECRET_ACCESS_KEY": "faxeif-test-secret"}


class S3Server:
    def __init__(self, log: Path, bucket: str = "faxeif-media"):
        require(MOTO_SERVER.exists(), "moto_server (requirements-dev.txt: moto[server])")
        self.bucket, self.log = bucket, log
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.process = None

    def start(self) -> None:
        with open(self.log, "ab") as output:
            self.process = subprocess.Popen(
                [str(MOTO_SERVER), "-H", "127.0.0.1", "-p", str(self.port)],
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(self.endpoint + "/moto-api/", timeout=2).close()
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"moto_server did not start; see {self.log}") from None
                time.sleep(0.1)

    def stop(self) -> None:
        """Stopped for good (its objects are kept in memory only): connections are refused."""
        if self.process and self.process.poll() is None:
            self.resume()
            self.process.terminate()
            self.process.wait(timeout=10)

    def hang(self) -> None:
        """A server that takes connections and answers nothing (SIGSTOP): its objects stay."""
        os.kill(self.process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        if self.process and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGCONT)

    def client(self):
        import boto3

        return boto3.client(
            "s3", endpoint_url=self.endpoint, region_name="us-east-1", **_boto_credentials()
        )

    def create_bucket(self, bucket: str | None = None) -> None:
        self.client().create_bucket(Bucket=bucket or self.bucket)

    def keys(self, bucket: str | None = None) -> set[str]:
        listing = self.client().get_paginator("list_objects_v2")
        pages = listing.paginate(Bucket=bucket or self.bucket)
        return {item["Key"] for page in pages for item in page.get("Contents", [])}

    def read(self, key: str, bucket: str | None = None) -> bytes:
        return self.client().get_object(Bucket=bucket or self.bucket, Key=key)["Body"].read()

    def site_env(self) -> dict:
        """What a served site needs to keep its uploads in the bucket."""
        return {
            "S3_BUCKET": self.bucket,
            "S3_ENDPOINT_URL": self.endpoint,
            "S3_REGION": "us-east-1",
            **CREDENTIALS,
        }


def _boto_credentials() -> dict:
    return {
        "aws_access_key_id": CREDENTIALS["AWS_ACCESS_KEY_ID"],
        "aws_secret_access_key": CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    }
