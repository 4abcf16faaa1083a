"""make bench-proxy: the advice page through nginx (deploy/nginx.conf) in front of gunicorn as shipped, as a
ratio to nginx serving a static file of the same size, both measured in the same run.

The goal is 0.5x or more: with its 1-second cache, nginx should answer most page requests itself.
"""

import shutil
import tempfile
import urllib.request
from pathlib import Path

from bench.run import ADVICE_PAGE, CONNECTIONS, SHIPPED_ARGS, WRK_SECONDS, bench_env, run_wrk, shipped_workers, warm_up
from scripts.nginx_proxy import nginx_proxy
from scripts.site_server import ROOT, gunicorn, prepare_site

SAME_SIZE_FILE = "bench-page-copy.html"


def main() -> None:
    if not shutil.which("wrk") or not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
        raise SystemExit("wrk and nginx are needed: apt-get install wrk nginx")
    workdir = Path(tempfile.mkdtemp(prefix="careers-bench-proxy-"))
    env = bench_env(workdir)
    prepare_site(env)
    static_copy = ROOT / "staticfiles" / SAME_SIZE_FILE
    try:
        with gunicorn(env, workers=shipped_workers(), args=SHIPPED_ARGS, log=workdir / "gunicorn.log") as app:
            page = urllib.request.urlopen(app.base + ADVICE_PAGE).read()
            static_copy.write_bytes(page)
            app_port = int(app.base.rsplit(":", 1)[1])
            with nginx_proxy(app_port, ROOT / "staticfiles", workers="auto") as proxy:
                urls = {
                    "nginx, static file (floor)": f"{proxy}/static/{SAME_SIZE_FILE}",
                    "advice page through nginx": proxy + ADVICE_PAGE,
                    "advice page, gunicorn alone": app.base + ADVICE_PAGE,
                }
                for url in urls.values():
                    warm_up(url)
                results = {name: run_wrk(url) for name, url in urls.items()}
        report(results, len(page))
    finally:
        static_copy.unlink(missing_ok=True)
        shutil.rmtree(workdir, ignore_errors=True)


def report(results: dict[str, dict[str, float]], size: int) -> None:
    floor = results["nginx, static file (floor)"]
    print(f"\nnginx in front of gunicorn as shipped, wrk {CONNECTIONS} connections x {WRK_SECONDS}s, page {size} bytes")
    print(f"{'URL':<30}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}{'x floor':>9}  target")
    for name, row in results.items():
        ratio = row["rps"] / floor["rps"]
        verdict = f">= 0.5x {'met' if ratio >= 0.5 else 'MISSED'}" if name == "advice page through nginx" else ""
        numbers = f"{row['rps']:>10.0f}{row['p50']:>9.2f}{row['p99']:>9.2f}{row['errors']:>8.0f}{ratio:>9.2f}"
        print(f"{name:<30}{numbers}  {verdict}")


if __name__ == "__main__":
    main()
