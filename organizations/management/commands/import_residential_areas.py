from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from organizations.imports import residential_areas_import


class Command(BaseCommand):
    help = (
        "Import residential areas (thôn, bản, tổ dân phố) and the heads of their Front Work Committees from an "
        ".xlsx file (columns: Xã/phường, Tên khu dân cư, Loại, Trưởng ban công tác Mặt trận, Vùng dân tộc, tôn "
        "giáo). All rows or none; prints a report per row."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--dry-run", action="store_true", help="check the file, write nothing")

    def handle(self, *args, path, dry_run, **options):
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from None
        report = residential_areas_import(data=data, dry_run=dry_run)
        if report.file_error:
            raise CommandError(report.file_error)
        for row in report.rows:
            line = f"row {row.row}: {row.status}"
            if row.name:
                line += f" · {row.name}"
            if row.messages:
                line += " · " + "; ".join(row.messages)
            self.stdout.write(line)
        summary = ", ".join(f"{s} {report.count(s)}" for s in ("created", "updated", "unchanged", "skipped", "error"))
        if not report.ok:
            raise CommandError(f"Nothing imported: {summary}")
        self.stdout.write(("Checked (dry run): " if dry_run else "Imported: ") + summary)
