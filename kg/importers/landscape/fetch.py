"""Getting a landscape.yml from the web: the official one, or any http(s) address.

The download streams into a temporary file beside the workspace's ``imports/`` and is renamed
into place only when complete, so an interrupted download leaves nothing behind. Offline, or on
any HTTP error, it fails with one line that says how to get the file by hand.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from pathlib import Path

from kg.errors import OutputError, UsageError
from kg.io import atomic_write, ensure_dir

#: The landscape's own file on its main line.
OFFICIAL = "https://raw.githubusercontent.com/cncf/landscape/master/landscape.yml"
#: A landscape.yml is about 1 MB; anything far larger is not one.
MAX_BYTES = 64 << 20

Progress = Callable[[int, int | None], None]


def is_url(text: str) -> bool:
    return re.match(r"https?://", text.strip(), re.I) is not None


def fetch(
    url: str = OFFICIAL,
    *,
    folder: Path,
    progress: Progress | None = None,
    timeout: float = 30.0,
) -> Path:
    """Download ``url`` into ``folder/landscape-YYYY-MM-DD.yml`` (today's date: the snapshot's
    date) and return its path. ``progress(done, total)`` is told the bytes as they come."""
    import datetime as dt

    import httpx

    if not is_url(url):
        raise UsageError(f"not an http(s) address: {url!r}")
    target = ensure_dir(folder) / f"landscape-{dt.date.today().isoformat()}.yml"
    how = (
        "Download it yourself (for example: curl -LO "
        f"{OFFICIAL}) and give its path: kg import landscape landscape.yml --as-of YYYY-MM-DD"
    )
    with tempfile.TemporaryDirectory(prefix=".download-", dir=target.parent) as tmp:
        part = Path(tmp) / "landscape.yml"
        try:
            with (
                httpx.stream("GET", url, timeout=timeout, follow_redirects=True) as response,
                part.open("wb") as fh,
            ):
                if response.status_code != 200:
                    raise UsageError(
                        f"cannot download {url}: the server answered {response.status_code}",
                        hint=how,
                    )
                total = int(response.headers.get("content-length") or 0) or None
                done = 0
                for chunk in response.iter_bytes():
                    done += len(chunk)
                    if done > MAX_BYTES:
                        raise UsageError(
                            f"{url} is larger than {MAX_BYTES >> 20} MB: not a landscape.yml",
                            hint=how,
                        )
                    fh.write(chunk)
                    if progress:
                        progress(done, total)
        except httpx.HTTPError as exc:
            reason = " ".join(str(exc).split()) or type(exc).__name__
            raise UsageError(f"cannot download {url}: {reason}", hint=how) from exc
        except OSError as exc:
            if isinstance(exc, OutputError):
                raise
            raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from exc
        atomic_write(target, part.read_bytes())
    return target
