"""The backup and the restore drill of docs/operations.md, run for real on PostgreSQL:
a fresh database with the demo data and an uploaded file is backed up by
``scripts/backup`` and restored by ``scripts/restore-drill`` into a scratch database."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATABASE_URL = os.environ.get("DATABASE_URL", "")

pytestmark = pytest.mark.skipif(
    not DATABASE_URL.startswith(("postgres://", "postgresql://")),
    reason="the backup scripts are for PostgreSQL (CI's second pass runs this)",
)


def run(args, env, **kwargs):
    return subprocess.run(
        args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, **kwargs
    )


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("deployment")
    server = DATABASE_URL.rsplit("/", 1)[0]
    name = f"musaned_drill_{os.getpid()}"
    run(["psql", f"{server}/postgres", "-qc", f"DROP DATABASE IF EXISTS {name}"], os.environ)
    run(
        ["psql", f"{server}/postgres", "-qc", f"CREATE DATABASE {name}"], os.environ
    ).check_returncode()
    env = os.environ | {
        "DATABASE_URL": f"{server}/{name}",
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "MUSANED_MEDIA_ROOT": str(tmp_path / "media"),
    }
    env.pop("REDIS_URL", None)
    manage = [sys.executable, "manage.py"]
    run([*manage, "migrate", "-v", "0"], env).check_returncode()
    run([*manage, "seed_demo"], env).check_returncode()
    run(
        [
            *manage,
            "shell",
            "-v",
            "0",
            "-c",
            (
                "from django.core.files.uploadedfile import SimpleUploadedFile\n"
                "from musaned.accounts.models import User\n"
                "from musaned.complaints.services import complaint_submit\n"
                "from musaned.core.tests.documents import minimal_pdf\n"
                "f = SimpleUploadedFile('a.pdf', minimal_pdf('drill'))\n"
                "complaint_submit(owner=User.objects.get(username='abdullah'), category='other',"
                " subject='s', description='d', contact_preference='sms', files=[f])"
            ),
        ],
        env,
    ).check_returncode()
    yield env
    run(["psql", f"{server}/postgres", "-qc", f"DROP DATABASE IF EXISTS {name}"], os.environ)


def test_a_backup_restores_into_a_scratch_database_with_its_files(deployment, tmp_path):
    backup = run(["bash", "scripts/backup", str(tmp_path / "backups")], deployment)
    assert backup.returncode == 0, backup.stderr
    folder = Path(backup.stdout.strip().splitlines()[-1])
    assert {p.name for p in folder.iterdir()} == {"database.dump", "media.tar.gz", "SHA256SUMS"}

    drill = run(["bash", "scripts/restore-drill", str(folder)], deployment)
    assert drill.returncode == 0, drill.stdout + drill.stderr
    assert "complaints.ComplaintAttachment" in drill.stdout
    assert "the restore drill passed" in drill.stdout


def test_the_drill_fails_when_a_file_is_missing_from_the_backup(deployment, tmp_path):
    """(Runs after the test above: it deletes the deployment's files.)"""
    media = Path(deployment["MUSANED_MEDIA_ROOT"])
    for stored in media.rglob("*"):
        if stored.is_file():
            stored.unlink()
    folder = Path(
        run(["bash", "scripts/backup", str(tmp_path / "b")], deployment).stdout.split()[-1]
    )
    drill = run(["bash", "scripts/restore-drill", str(folder)], deployment)
    assert drill.returncode != 0
    assert "missing from the backup" in drill.stderr
