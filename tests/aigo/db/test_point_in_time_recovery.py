"""Point-in-time recovery as docs/operations.md describes it (scripts/pitr_check.sh, a throwaway cluster):
the runbook's archive_command archives every WAL file, and a base backup plus the archive recover to
a time between two commits."""

import subprocess
from pathlib import Path

from tests.ports import free_port

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "pitr_check.sh"


def test_wal_archive_and_base_backup_recover_to_a_point_in_time():
    done = subprocess.run([SCRIPT, str(free_port())], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    archived, recovered = done.stdout.splitlines()
    assert archived.startswith("archived ") and archived.endswith(" failed 0")
    assert int(archived.split()[1]) >= 2
    assert recovered == "recovered 1,2"  # the row committed after the target time is not there
