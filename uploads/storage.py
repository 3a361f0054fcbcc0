"""Uploaded files in an S3 bucket (S3_BUCKET, faxeif/settings/base.py), addressed as if they were
on the site itself.

Visitors' browsers never talk to another host: a file's URL is MEDIA_URL + its key
(/media/original_images/foto.jpg), on the site's own host, and the front server proxies /media/
to the bucket, path-style (/BUCKET/KEY on the S3 server). So the bucket needs no public ACL, no
signed query strings and no domain of its own.
"""

from botocore.config import Config
from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

# An S3 server that does not answer must cost a request seconds, not minutes (botocore's
# defaults: 60 s to connect and 60 s to read, several retries): 2 s to connect, 5 s to read, and
# no retry (max_attempts counts the first try). faxeif/views.py answers the error with the 503 page.
CLIENT_CONFIG = Config(
    s3={"addressing_style": "path"},
    connect_timeout=2,
    read_timeout=5,
    retries={"mode": "standard", "max_attempts": 1},
)


class MediaBucketStorage(S3Storage):
    def get_default_settings(self):
        # Here, not in STORAGES' OPTIONS: Wagtail serialises those as JSON for its tasks.
        return {**super().get_default_settings(), "client_config": CLIENT_CONFIG}

    def url(self, name, parameters=None, expire=None, http_method=None):
        return settings.MEDIA_URL + filepath_to_uri(clean_name(name)).lstrip("/")
