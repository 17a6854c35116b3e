"""kg/importers/landscape/fetch.py: a landscape.yml from an address, over a loopback server."""

from __future__ import annotations

import http.server
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.errors import UsageError
from kg.importers.landscape.fetch import fetch
from tests.conftest import FIXTURES

LANDSCAPE = FIXTURES / "landscape" / "landscape-2026-01-01.yml"


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """A loopback HTTP server with one landscape.yml, a 404 for anything else."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/landscape.yml":
                body = LANDSCAPE.read_bytes()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            else:
                self.send_error(404)

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_fetch_writes_the_file_whole_and_tells_the_progress(server: str, tmp_path: Path) -> None:
    seen: list[tuple[int, int | None]] = []
    path = fetch(
        f"{server}/landscape.yml", folder=tmp_path, progress=lambda d, t: seen.append((d, t))
    )
    assert path.read_bytes() == LANDSCAPE.read_bytes()
    assert path.name.startswith("landscape-") and path.suffix == ".yml"
    assert seen and seen[-1] == (LANDSCAPE.stat().st_size, LANDSCAPE.stat().st_size)
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]  # no partial file left


@pytest.mark.parametrize("where", ["missing.yml", "unreachable"])
def test_a_failed_download_says_how_to_get_the_file(
    server: str, tmp_path: Path, where: str
) -> None:
    url = f"{server}/{where}" if where != "unreachable" else f"http://127.0.0.1:{closed_port()}/x"
    with pytest.raises(UsageError) as err:
        fetch(url, folder=tmp_path)
    assert err.value.message.startswith(f"cannot download {url}")
    assert err.value.hint and "curl -LO" in err.value.hint
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_kg_import_landscape_takes_an_address(
    server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KG_HOME", str(tmp_path))
    runner = CliRunner()
    result = runner.invoke(
        cli, ["import", "landscape", f"{server}/landscape.yml", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    assert list((tmp_path / "imports" / "downloads").glob("landscape-*.yml"))
    assert list((tmp_path / "imports").glob("cncf-landscape-*.trig"))
    offline = runner.invoke(cli, ["import", "landscape", f"{server}/gone.yml"])
    assert offline.exit_code == 2
    assert offline.output.splitlines()[0].startswith("Error: cannot download")
    assert "Traceback" not in offline.output
    missing = runner.invoke(cli, ["import", "landscape", str(tmp_path / "nope.yml")])
    assert missing.exit_code == 2 and "no landscape file" in missing.output
