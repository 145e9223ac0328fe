import os
import subprocess
import sys

import pytest


def _start(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    code = "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='kagazsyz.settings'; django.setup(); print('started')"
    clean = {
        k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "KAGAZSYZ_ENV"}
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "complaint"),
    [
        ({"KAGAZSYZ_ENV": "production"}, "default SECRET_KEY"),
        ({"KAGAZSYZ_ENV": "production", "SECRET_KEY": "x" * 50, "DEBUG": "true"}, "DEBUG"),
        ({"KAGAZSYZ_ENV": "staging"}, "must be demo, test or production"),
        ({"DEBUG": "perhaps"}, "not a boolean"),
        ({"DB_CONN_MAX_AGE": "ten"}, "not an integer"),
    ],
)
def test_bad_settings_refuse_to_start(env: dict[str, str], complaint: str) -> None:
    result = _start(env)
    assert result.returncode != 0
    assert complaint in result.stderr


def test_production_starts_with_real_secret_and_has_no_sandbox_login(tmp_path) -> None:
    secret = tmp_path / "secret"
    secret.write_text("s" * 64)
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='kagazsyz.settings'; django.setup();"
        "from django.conf import settings; print(settings.SANDBOX_LOGIN, settings.DEBUG)"
    )
    env = {**os.environ, "KAGAZSYZ_ENV": "production", "SECRET_KEY_FILE": str(secret)}
    env.pop("SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False False"
