"""Dates and times as Danish municipal staff write them ("20.10.2018 - 14:29"), wherever Django
formats a date by its locale: the admin's listings and detail views. Django's own Danish formats
spell the month out ("20. oktober 2018 14:29"); the public pages format their dates explicitly."""

DATE_FORMAT = "d.m.Y"
DATETIME_FORMAT = "d.m.Y - H:i"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y - H:i"
