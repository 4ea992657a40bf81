"""Issue 20's acceptance in a real browser: headless Chromium signs in to the web dashboard of
a real `pustaka chat` process through the link /dashboard printed in its console, schedules an
announcement and finds it on the calendar, uploads a quiz pack with mistakes and reads them,
then a good one, and sees the statistics chart. Screenshots go to artifacts/browser/."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.browser.conftest import CHROMEDRIVER, CHROMIUM
from tests.cogs.quiz.test_quiz_import import BROKEN, PACK
from tests.conftest import write_config

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "browser"
LINK = re.compile(r"(http://127\.0\.0\.1:\d+/login/[A-Za-z0-9_-]+)")


def shows(browser, text: str) -> None:
    """Wait for the page (after a click that loads another) to show `text`."""
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, 30).until(lambda driver: text in driver.page_source)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Console:
    """`pustaka chat` as a librarian runs it, typed into through a pipe."""

    def __init__(self, folder: Path) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        env.pop("PUSTAKA_CONFIG", None)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "chat", "--moderator", "--user", "pustakawan"],
            cwd=folder,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
        )

    def say(self, line: str, wanted: re.Pattern[str], within: float = 60) -> re.Match[str]:
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()
        seen = ""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            out = self.process.stdout.readline()
            if not out:
                break
            seen += out
            if found := wanted.search(seen):
                return found
        raise AssertionError(f"no answer matching {wanted.pattern!r} to {line!r}:\n{seen}")

    def close(self) -> None:
        assert self.process.stdin
        self.process.stdin.close()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def console(tmp_path: Path) -> Iterator[Console]:
    port = free_port()
    write_config(tmp_path, f"[web]\nenabled = true\nport = {port}\n")
    running = Console(tmp_path)
    try:
        yield running
    finally:
        running.close()


@pytest.fixture
def browser() -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage"):
        options.add_argument(argument)
    options.add_argument("--window-size=1280,1100")
    options.add_argument("--lang=id")
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.implicitly_wait(5)
    try:
        yield driver
    finally:
        driver.quit()


def test_a_librarian_plans_a_post_uploads_a_pack_and_reads_the_numbers(
    console: Console, browser, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    link = console.say("/dashboard", LINK).group(1)
    browser.get(link)
    shows(browser, "Masuk sebagai pustakawan")

    # an announcement for the day after tomorrow at 08.00, planned from the calendar
    browser.find_element(By.LINK_TEXT, "Kalender").click()
    browser.find_element(By.LINK_TEXT, "Pengumuman baru").click()
    day = (datetime.now(ZoneInfo("Asia/Jakarta")) + timedelta(days=2)).date()
    browser.find_element(By.NAME, "text").send_keys("**Bedah buku** Laut Bercerita, Sabtu pagi.")
    counter = browser.find_element(By.ID, "counter").text
    assert counter.startswith("42 / ")  # counted as it was typed (the page's own script)
    for name, value in (("date", day.isoformat()), ("time", "08:00")):
        field = browser.find_element(By.NAME, name)
        browser.execute_script("arguments[0].value = arguments[1]", field, value)
    browser.find_element(By.CSS_SELECTOR, "button[value=schedule]").click()
    shows(browser, "Pengumuman #1 akan dikirim pada")
    browser.get(link.split("/login/")[0] + f"/p/calendar?month={day:%Y-%m}")
    planned = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".month li")]
    assert any("08.00 WIB" in line and "Bedah buku" in line for line in planned), planned
    browser.save_screenshot(str(ARTIFACTS / "calendar.png"))

    # a quiz pack with mistakes, then a good one
    broken = tmp_path / "rusak.toml"
    broken.write_text(BROKEN, encoding="utf-8")
    good = tmp_path / "nusantara.toml"
    good.write_text(PACK, encoding="utf-8")
    browser.find_element(By.LINK_TEXT, "Paket kuis").click()
    browser.find_element(By.NAME, "pack").send_keys(str(broken))
    browser.find_element(By.XPATH, "//button[text()='Unggah']").click()
    shows(browser, "bukan paket kuis yang sah")
    problems = browser.find_elements(By.CSS_SELECTOR, ".problems li")
    assert len(problems) == 2 and all(p.text.startswith("Pertanyaan 1") for p in problems)
    browser.save_screenshot(str(ARTIFACTS / "quiz-pack-errors.png"))
    browser.find_element(By.NAME, "pack").send_keys(str(good))
    browser.find_element(By.XPATH, "//button[text()='Unggah']").click()
    shows(browser, "Ditambahkan")
    assert "Pengarang Nusantara" in browser.find_element(By.CSS_SELECTOR, "[role=status]").text

    # the numbers, with the chart drawn
    browser.find_element(By.LINK_TEXT, "Statistik").click()
    shows(browser, "Statistik: 30 hari terakhir")
    chart = browser.find_element(By.CSS_SELECTOR, "img.chart")
    for _ in range(100):
        if browser.execute_script("return arguments[0].complete", chart):
            break
        time.sleep(0.1)
    assert browser.execute_script("return arguments[0].naturalWidth", chart) > 400
    browser.save_screenshot(str(ARTIFACTS / "statistics.png"))

    # on a phone: the month becomes a list of days, nothing wider than the screen
    browser.set_window_size(390, 844)
    browser.get(link.split("/login/")[0] + f"/p/calendar?month={day:%Y-%m}")
    shows(browser, "Bedah buku")
    wide = browser.execute_script("return document.documentElement.scrollWidth")
    assert wide <= browser.execute_script("return window.innerWidth")
    browser.save_screenshot(str(ARTIFACTS / "calendar-phone.png"))
