"""CSV as an alternative format for every API endpoint that returns a table (``?format=csv``)."""

import csv
import io

from rest_framework.renderers import BaseRenderer

from mttq_portal.spreadsheets import spreadsheet_cell


class TableCSVRenderer(BaseRenderer):
    """Renders the rows of a table response (``results``) as CSV with a header row; UTF-8 with BOM so that
    Excel opens Vietnamese text correctly. An error body is rendered as a one-row table too."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        if isinstance(data, dict) and "results" in data:
            rows = data["results"]
        elif isinstance(data, dict) and "error" in data:
            rows = [{"error": data["error"].get("code"), "message": data["error"].get("message")}]
        elif isinstance(data, list):
            rows = data
        else:
            rows = [data]
        header: list[str] = []
        for row in rows:
            for key in row:
                if key not in header:
                    header.append(key)
        out = io.StringIO()
        out.write("\ufeff")
        writer = csv.DictWriter(out, fieldnames=header, extrasaction="ignore", lineterminator="\r\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _cell(v) for k, v in row.items()})
        return out.getvalue().encode("utf-8")


def _cell(value):
    if isinstance(value, (dict, list)):
        return ""
    return "" if value is None else spreadsheet_cell(value)
