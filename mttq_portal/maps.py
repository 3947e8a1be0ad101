"""Map settings shared by the pages: the tile source's origin for the Content-Security-Policy."""

from urllib.parse import urlsplit


def tile_origins(url: str) -> list[str]:
    """The origin(s) a tile URL template loads from, for img-src. A ``{s}`` subdomain becomes a wildcard."""
    if not url or url.startswith("/"):
        return []  # tiles from this origin ('self')
    parts = urlsplit(url.replace("{s}", "SUBDOMAIN"))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return []
    host = parts.netloc.replace("SUBDOMAIN", "*")
    return [f"{parts.scheme}://{host}"]
