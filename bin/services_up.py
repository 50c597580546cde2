"""Exit 0 when both the PostgreSQL and the Redis URL given answer, else 1 (used by `make test`)."""

from __future__ import annotations

import sys


def main(pg_url: str, redis_url: str) -> int:
    try:
        import psycopg
        import redis

        with psycopg.connect(pg_url, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
        redis.Redis.from_url(redis_url, socket_connect_timeout=3).ping()
    except Exception as exc:  # any failure means "not available here"
        print(f"not available: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
