"""Exit 0 when a service answers: `services.py postgres URL` or `services.py redis URL`.

Used by the Makefile to decide whether the PostgreSQL run can go ahead, and by the
bench before it starts.
"""

import sys


def postgres_answers(url):
    import dj_database_url
    import psycopg2

    config = dj_database_url.parse(url)
    try:
        psycopg2.connect(
            host=config["HOST"] or "127.0.0.1",
            port=config["PORT"] or 5432,
            user=config["USER"] or "postgres",
            password=config["PASSWORD"] or None,
            dbname="postgres",
            connect_timeout=3,
        ).close()
    except psycopg2.OperationalError:
        return False
    return True


def redis_answers(url):
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


if __name__ == "__main__":
    kind, url = sys.argv[1], sys.argv[2]
    check = {"postgres": postgres_answers, "redis": redis_answers}[kind]
    sys.exit(0 if check(url) else 1)
