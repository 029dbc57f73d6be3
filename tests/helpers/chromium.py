"""Debian's chromium, headless, driven by selenium through Debian's chromium-driver (scripts/system-deps.sh).

Missing binaries are a failure saying what to install, never a skip. Selenium is given both paths, so
its own driver manager never tries to download a browser or driver.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
SHOTS_ENV = "KIOSK_CONSOLE_SHOTS"  # where the console's screenshots go (else a temporary folder)


def _require(path: str, package: str) -> str:
    found = path if os.access(path, os.X_OK) else shutil.which(Path(path).name)
    if not found:
        pytest.fail(f"{path} is missing: run scripts/system-deps.sh (Debian package `{package}`)", pytrace=False)
    return found


@contextmanager
def headless_chromium(profile_dir: Path, width: int = 1440, height: int = 1000) -> Iterator[webdriver.Chrome]:
    """A headless chromium with its own profile folder, Chinese UI language, a fixed window size."""
    options = webdriver.ChromeOptions()
    options.binary_location = _require(CHROMIUM, "chromium")
    for arg in ("--headless=new", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-extensions", "--lang=zh-CN", f"--window-size={width},{height}",
                f"--user-data-dir={profile_dir}"):
        options.add_argument(arg)
    if os.geteuid() == 0:
        options.add_argument("--no-sandbox")  # chromium's sandbox refuses to run as root
    driver = webdriver.Chrome(options=options, service=Service(_require(CHROMEDRIVER, "chromium-driver")))
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def shots_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """$KIOSK_CONSOLE_SHOTS (created), else a fresh temporary folder."""
    env = os.environ.get(SHOTS_ENV)
    if env:
        folder = Path(env)
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    return tmp_path_factory.mktemp("console-shots")
