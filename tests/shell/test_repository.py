"""The repository stands alone and its scripts run: nothing shadows the standard library, nothing reads outside."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent

# Folders whose files are run as scripts (``python bench/x.py`` puts bench/ first on sys.path) or imported
# from the repository root, so a module named like a standard-library one there replaces it for everything.
SCRIPT_FOLDERS = (ROOT, ROOT / "bench")


def _module_names(folder: Path) -> set[str]:
    names = {p.stem for p in folder.glob("*.py")}
    names |= {p.name for p in folder.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    return names


def test_no_script_folder_shadows_a_standard_library_module():
    shadowing = {
        str(folder.relative_to(ROOT.parent)): sorted(_module_names(folder) & set(sys.stdlib_module_names))
        for folder in SCRIPT_FOLDERS
    }

    assert {folder: names for folder, names in shadowing.items() if names} == {}


def test_every_benchmark_imports_with_bench_first_on_the_path():
    # Given a fresh interpreter with bench/ first on sys.path, as `python bench/<script>.py` has it,
    # when the standard-library modules Django and Celery need are imported, then they are the real ones.
    code = (
        "import sys; sys.path.insert(0, 'bench'); import queue, statistics, random, argparse, http.client, "
        "resource, uuid; assert hasattr(queue, 'SimpleQueue'); import support.smoke; print('ok')"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def _tracked_files() -> list[Path]:
    out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [ROOT / line for line in out.splitlines() if line and (ROOT / line).is_file()]


def test_no_test_command_or_setting_reads_outside_the_repository():
    # The resolution's text is kept in docs/resolution/; nothing refers to a sibling folder of the clone.
    outside = re.compile(r"(\.\./shared|shared/seed|\.parent\.parent\.parent\.parent|ROOT\.parent\b)")
    code = [
        p
        for p in _tracked_files()
        if p.suffix in {".py", ".toml", ".cfg", ".ini", ".yml", ".yaml", ".sh"}
        or p.name in {"Makefile", "Procfile", "Dockerfile", "run"}
    ]

    offenders = [
        f"{p.relative_to(ROOT)}:{n}"
        for p in code
        if p.name != "test_repository.py"
        for n, line in enumerate(p.read_text(encoding="utf-8", errors="replace").splitlines(), start=1)
        if outside.search(line)
    ]

    assert offenders == []
