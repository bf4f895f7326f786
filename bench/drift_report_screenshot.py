"""Render a real drift report as HTML and screenshot it in headless Chromium.

Run: ``python bench/drift_report_screenshot.py [--report REPORT.json] [--out DIR]``

Without ``--report`` it deploys the test stack into moto (127.0.0.1), changes things out of
band (public bucket policy, public access block off, a role that reads everything, trail data
events dropped), runs ``lockdown drift --format html`` on it and screenshots the page. Chromium
runs with every host name unresolvable, so the page must render with no network at all; the
script fails if Chromium logs a console error or the page lacks the summary.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "drift")]


def live_report(out: Path) -> Path:
    """Deploy, drift out of band, and write the HTML report; returns its path."""
    import drift_stack as stack
    from moto.server import ThreadedMotoServer
    from moto_support import DUMMY_ENV, free_port

    from lockdown.drift.command import run_drift

    os.environ.update(DUMMY_ENV)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    try:
        state = out / "state.json"
        state.write_text(json.dumps(stack.deploy(endpoint)))
        out_of_band(endpoint)
        html = out / "drift-report.html"
        code = run_drift(
            state=state,
            regions=[stack.REGION],
            endpoint_url=endpoint,
            policies=ROOT / "tests" / "drift" / "policies",
            fmt="html",
            output=html,
        )
        print(f"lockdown drift exit code: {code}")
        return html
    finally:
        server.stop()


def out_of_band(endpoint: str) -> None:
    """The changes the report should show: a public policy, the access block off, a read-all role, no data events."""
    import drift_stack as stack

    stack.attach_public_read(endpoint)
    stack.switch_off_public_access_block(endpoint)
    stack.add_role_reading_everything(endpoint, {"Service": "ec2.amazonaws.com"})
    stack.drop_data_events(endpoint)


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    raise SystemExit("no Chromium found: install it (apt-get install -y chromium) to screenshot the report")


def screenshot(html: Path, png: Path) -> None:
    """Screenshot with no network; fail on console errors or a page without its summary."""
    common = [
        chromium(),
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--enable-logging=stderr",
        "--v=0",
    ]
    with tempfile.TemporaryDirectory() as profile:
        options = [*common, f"--user-data-dir={profile}"]
        dom = subprocess.run([*options, "--dump-dom", html.as_uri()], capture_output=True, text=True, timeout=120)
        shot = subprocess.run(
            [*options, f"--screenshot={png}", "--window-size=1280,1600", "--hide-scrollbars", html.as_uri()],
            capture_output=True,
            text=True,
            timeout=120,
        )
    errors = [line for line in (dom.stderr + shot.stderr).splitlines() if "CONSOLE" in line and "ERROR" in line.upper()]
    if errors:
        raise SystemExit("Chromium reported console errors:\n" + "\n".join(errors))
    if 'id="summary"' not in dom.stdout or "Lockdown drift report" not in dom.stdout:
        raise SystemExit(f"the rendered page has no summary (chromium exit {dom.returncode}): {dom.stderr[-500:]}")
    if not png.exists() or png.stat().st_size == 0:
        raise SystemExit(f"no screenshot written (chromium exit {shot.returncode}): {shot.stderr[-500:]}")
    print(f"rendered {html} ({html.stat().st_size} bytes) -> {png} ({png.stat().st_size} bytes)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report", type=Path, help="a lockdown drift --format json report to render instead")
    parser.add_argument("--out", type=Path, default=Path("bench/out"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    if args.report:
        from lockdown.drift.merge import load_report
        from lockdown.drift.render import RENDERERS

        html = args.out / "drift-report.html"
        html.write_text(RENDERERS["html"](load_report(args.report)), encoding="utf-8")
    else:
        html = live_report(args.out.resolve())
    screenshot(html.resolve(), (args.out / "drift-report.png").resolve())


if __name__ == "__main__":
    main()
