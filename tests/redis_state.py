"""What the tests look at in Redis: a whole-database snapshot and every stored string.

"Changes nothing" is asserted as snapshot-before == snapshot-after over every
key, so a rejection that leaked a guard key, a counter or a half-written record
fails just like one that stored the comment.
"""

from contextlib import contextmanager

import redis

from service import keys


def raw_client(redis_url: str) -> redis.Redis:
    return redis.Redis.from_url(redis_url)


def snapshot(redis_url: str) -> dict[bytes, bytes]:
    """Every key with its serialised value (DUMP): any write shows up as a difference."""
    client = raw_client(redis_url)
    try:
        return {key: client.dump(key) for key in client.scan_iter(count=1000)}
    finally:
        client.close()


@contextmanager
def unchanged(redis_url: str):
    """Asserts that the block leaves every key of the database as it found it."""
    before = snapshot(redis_url)
    yield
    after = snapshot(redis_url)
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    assert not changed, f"Redis keys changed: {changed}"


def stored_strings(redis_url: str) -> list[str]:
    """Every key name and every string inside every value, whatever the type."""
    client = raw_client(redis_url)
    found: list[bytes] = []
    try:
        for key in client.scan_iter(count=1000):
            found.append(key)
            kind = client.type(key)
            if kind == b"string":
                found.append(client.get(key))
            elif kind == b"hash":
                for field, value in client.hgetall(key).items():
                    found += [field, value]
            elif kind == b"list":
                found += client.lrange(key, 0, -1)
            elif kind == b"set":
                found += client.smembers(key)
            elif kind == b"zset":
                found += [member for member, _ in client.zrange(key, 0, -1, withscores=True)]
            elif kind == b"stream":
                for _entry_id, fields in client.xrange(key):
                    for field, value in fields.items():
                        found += [field, value]
            else:
                raise AssertionError(f"unexpected Redis type {kind!r} for {key!r}")
    finally:
        client.close()
    return [item.decode("utf-8", errors="replace") for item in found if item is not None]


def comment_keys(r) -> list[str]:
    return sorted(r.scan_iter(match=keys.comment("*")))


def stream_length(r) -> int:
    return r.xlen(keys.STREAM) if r.exists(keys.STREAM) else 0
