"""Spreadsheet downloads that Danish Excel opens as they are, for admin views built on Wagtail's
SpreadsheetExportMixin (the sign-ups, the pages to review): put DanishSpreadsheetMixin before
the view's Wagtail class.

- CSV: Danish Excel splits cells at its list separator (";", since "," is the decimal comma) and
  reads UTF-8 only after a byte-order mark (else æ, ø, å come out wrong). A cell that starts like
  a formula gets a "'" so that it is shown as typed, never run (Wagtail guards only its XLSX).
  Dates are written "29.11.2026".
- XLSX: the sheet has a Danish name (Wagtail names every sheet "Sheet1", with no way to say
  otherwise), and dates show as "29.11.2026"."""

import csv
import datetime
from io import BytesIO

from openpyxl import load_workbook
from wagtail.admin.views.mixins import Echo

CSV_DELIMITER = ";"
BYTE_ORDER_MARK = "\ufeff"
# Spreadsheet programs read a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DANISH_DATE = "%d.%m.%Y"
EXCEL_DANISH_DATE = "DD.MM.YYYY"


def as_text(value):
    """A CSV cell that a spreadsheet shows as the text typed, never runs as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def is_date(value) -> bool:
    """A day without a time (a datetime is a date too, to Python)."""
    return isinstance(value, datetime.date) and not isinstance(value, datetime.datetime)


class DanishSpreadsheetMixin:
    sheet_title = ""  # the workbook's sheet, in Danish

    def preprocess_field_value(self, field, value, export_format):
        if export_format == self.FORMAT_CSV and is_date(value):
            return value.strftime(DANISH_DATE)
        value = super().preprocess_field_value(field, value, export_format)
        return as_text(value) if export_format == self.FORMAT_CSV else value

    def stream_csv(self, queryset):
        """Wagtail's CSV (the same headings and cells) with ";" and the byte-order mark first:
        Wagtail's writer takes no dialect."""
        writer = csv.DictWriter(Echo(), fieldnames=self.list_export, delimiter=CSV_DELIMITER)
        yield BYTE_ORDER_MARK
        yield writer.writerow(
            {field: self.get_heading(queryset, field) for field in self.list_export}
        )
        for item in queryset:
            yield self.write_csv_row(writer, self.to_row_dict(item))

    def generate_xlsx_row(self, worksheet, row_dict, date_format=None):
        cells = super().generate_xlsx_row(worksheet, row_dict, date_format=date_format)
        for cell, value in zip(cells, row_dict.values(), strict=True):
            if is_date(value):
                cell.number_format = EXCEL_DANISH_DATE
            yield cell

    def write_xlsx(self, queryset, output):
        """Wagtail's workbook, its sheet renamed."""
        workbook = BytesIO()
        super().write_xlsx(queryset, workbook)
        workbook = load_workbook(workbook)
        workbook.active.title = self.sheet_title
        workbook.save(output)
