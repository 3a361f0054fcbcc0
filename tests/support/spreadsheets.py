"""Read a sign-up export as Danish Excel reads it: a CSV file with ";" between cells, UTF-8 only
when it starts with the byte-order mark; a workbook's sheet by its name."""

import codecs
import csv
import io

from openpyxl import load_workbook


def csv_rows(content: bytes) -> list[list[str]]:
    """The rows of a CSV file; it must start with the UTF-8 byte-order mark."""
    assert content.startswith(codecs.BOM_UTF8), "without the BOM Excel reads it as ANSI"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def xlsx_sheets(content: bytes) -> dict[str, list[list]]:
    """Each sheet of a workbook by its name, its rows as lists of values."""
    workbook = load_workbook(io.BytesIO(content))
    return {
        sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)]
        for sheet in workbook.worksheets
    }


HEADINGS = [
    "Aktivitet",
    "Aktivitetens tidspunkt",
    "Navn",
    "Arbejdsmail",
    "Arbejdsplads",
    "Kommentar",
    "Status",
    "Tilmeldt den",
]
