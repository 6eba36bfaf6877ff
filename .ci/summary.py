"""Print the CI matrix table from the legs' junit XML files and exit non-zero if a leg failed."""

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

out = Path(sys.argv[1])
rows, passed, failed, worst, minutes = [], 0, 0, 0, 0.0
for line in (out / "legs.txt").read_text().splitlines():
    name, status, seconds = line.split()
    cells = tests = failures = 0
    report = out / f"{name}.xml"
    if report.exists():
        for case in ET.parse(report).getroot().iter("testcase"):
            broken = any(child.tag in ("failure", "error") for child in case)
            skipped = any(child.tag == "skipped" for child in case)
            tests += 1
            cells += ".ipynb" in (case.get("file") or case.get("classname") or case.get("name") or "")
            failures += broken
            passed += not broken and not skipped
    # A leg that failed outside pytest (setup, lint, the tree check) counts as one failure.
    failed += failures or (status != "0")
    worst = max(worst, int(status))
    minutes += int(seconds) / 60
    rows.append((name, str(tests), str(cells), str(failures), status, f"{int(seconds) / 60:.1f}"))
header = ("leg", "tests", "notebook cells", "failures", "exit", "minutes")
widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
for row in [header, tuple("-" * w for w in widths), *rows]:
    print("  ".join(value.ljust(width) for value, width in zip(row, widths)).rstrip())
print(f"all legs: {minutes:.1f} minutes")
print(f"ci: {passed} passed, {failed} failed")
sys.exit(1 if worst or failed else 0)
