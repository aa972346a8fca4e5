"""The screening page at national scale, through gunicorn and a real browser.

    .venv/bin/python bench/run.py --data bench/out/ --keep              # a loaded database
    .venv/bin/python bench/web_screen.py --data bench/out/ [--no-preload]

Starts gunicorn on the kept bench database with the project's ``gunicorn.conf.py`` (the
arbiter preloads the app and builds the list matcher before forking its ``--workers``), or
with ``--no-preload`` without it (each worker builds its own on its first screening). Signs
in a research-office user (created if missing, two-factor sign-in off for this server
only) in Chromium, screens ``--names`` planted restricted names through the page's form,
one after the other, and prints the time from opening the page to the results, and each
worker's memory (RSS, PSS, private) from ``/proc/PID/smaps_rollup`` before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

CHROMIUM = "/usr/bin/chromium"
USERNAME, PASSWORD = "bench-office", "bench-office-password-2026"


def memory_mib(pid: int) -> dict:
    fields = {"Rss": "rss", "Pss": "pss", "Private_Dirty": "private"}
    memory = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        key, _sep, value = line.partition(":")
        if key in fields:
            memory[fields[key]] = int(value.split()[0]) // 1024
    return memory


def ensure_office_user(env: dict) -> None:
    script = (
        "from accounts.models import Institution, User\n"
        f"user, _ = User.objects.get_or_create(username={USERNAME!r}, defaults=dict("
        "role=User.Role.RESEARCH_OFFICE, institution=Institution.objects.first()))\n"
        f"user.set_password({PASSWORD!r}); user.save()\n"
    )
    subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", script],
        cwd=BASE_DIR,
        env=env,
        check=True,
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=BASE_DIR / "bench" / "out")
    parser.add_argument("--database", default="portal_bench")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--names", type=int, default=6)
    parser.add_argument("--no-preload", action="store_true")
    args = parser.parse_args(argv)

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DATABASE_URL": f"{args.server}/{args.database}",
        "DJANGO_DEBUG": "true",  # static files from the app, no collectstatic needed
        "TWO_FACTOR_REQUIRED": "false",
    }
    ensure_office_user(env)
    names = []
    with (args.data / "planted.jsonl").open() as planted:
        for line in planted:
            name = json.loads(line)["name"]
            if name not in names:
                names.append(name)
            if len(names) == args.names:
                break

    command = [sys.executable, "-m", "gunicorn"]
    command += ["-c", "/dev/null"] if args.no_preload else []  # gunicorn.conf.py otherwise
    command += ["portal.wsgi:application", "--bind", f"127.0.0.1:{args.port}"]
    command += ["--workers", str(args.workers)]
    log_path = args.data / "web_screen_gunicorn.log"
    started = time.perf_counter()
    with log_path.open("wb") as log:
        server = subprocess.Popen(  # noqa: S603 - our own server
            command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        while log_path.read_text().count("Booting worker") < args.workers:
            if server.poll() is not None:
                sys.exit("gunicorn did not start:\n" + log_path.read_text())
            time.sleep(0.2)
        print(f"gunicorn ready in {time.perf_counter() - started:.1f} s")
        pids = [
            int(line.rsplit("pid:", 1)[1])
            for line in log_path.read_text().splitlines()
            if "Booting worker" in line
        ]
        print("workers before:", {pid: memory_mib(pid) for pid in pids})
        screen(args.port, names)
        print("workers after: ", {pid: memory_mib(pid) for pid in pids})
    finally:
        server.terminate()
        server.wait(timeout=30)


def screen(port: int, names: list[str]) -> None:
    from playwright.sync_api import sync_playwright

    base = f"http://127.0.0.1:{port}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        page = browser.new_page()
        page.goto(f"{base}/accounts/login/")
        page.fill("input[name=username]", USERNAME)
        page.fill("input[name=password]", PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_load_state()
        for name in names:
            started = time.perf_counter()
            page.goto(f"{base}/screen/")
            page.fill("input[name=name]", name)
            page.click("main button[type=submit]")
            page.wait_for_load_state()
            found = page.locator("main table tbody tr").count()
            elapsed = time.perf_counter() - started
            print(f"  {elapsed:6.2f} s  {found} match(es)  {name}")
        browser.close()


if __name__ == "__main__":
    main()
