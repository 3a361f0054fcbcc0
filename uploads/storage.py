"""Uploaded files in an S3 bucket (S3_BUCKET, faxeif/settings/base.py), addressed as if they were
on the site itself.

Visitors' browsers never talk to another host: a file's URL is MEDIA_URL + its key
(/media/original_images/foto.jpg), on the site's own host, and the front server proxies /media/
to the bucket (path-style: /BUCKET/KEY on the S3 server). So the bucket needs no public ACL, no
signed query strings and no domain of its own.
"""

from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage
from storages.utils import clean_name


class MediaBucketStorage(S3Storage):
    def url(self, name, parameters=None, expire=None, http_method=None):
        return settings.MEDIA_URL + filepath_to_uri(clean_name(name)).lstrip("/")
