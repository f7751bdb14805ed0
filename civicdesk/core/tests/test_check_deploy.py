"""Production settings: `manage.py check --deploy` passes with zero warnings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def run_check(tmp_path, **env):
    # DJANGO_ALLOW_ASYNC_UNSAFE is set for the session by the browser fixture (Playwright).
    environ = {k: v for k, v in os.environ.items()
               if k not in ("TESTING", "DEBUG", "HTTPS", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    environ.update(CIVICDESK_VAR_DIR=str(tmp_path), **env)
    return subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                          cwd=ROOT, env=environ, capture_output=True, text=True, timeout=120)


def test_it_passes_the_deploy_check_in_production_mode(tmp_path):
    result = run_check(tmp_path, HTTPS="true", SECRET_KEY="k" * 20 + "Zq9!x-" * 10, ALLOWED_HOSTS="311.example.gov")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_it_warns_when_run_without_https(tmp_path):
    result = run_check(tmp_path)
    assert result.returncode != 0
    assert "SECURE_SSL_REDIRECT" in result.stdout + result.stderr


def test_it_refuses_a_malformed_boolean(tmp_path):
    result = run_check(tmp_path, HTTPS="yes")
    assert result.returncode != 0
    assert "HTTPS must be 'true' or 'false'" in result.stderr
