"""A bounded queue that is fair across users: round-robin, one job in flight per user."""

from __future__ import annotations

from collections import OrderedDict, deque
from typing import Generic, TypeVar

T = TypeVar("T")


class QueueFull(Exception):
    """The queue, or this user's share of it, has no room."""

    def __init__(self, per_user: bool) -> None:
        super().__init__("user queue full" if per_user else "queue full")
        self.per_user = per_user


class FairQueue(Generic[T]):
    """Jobs are served one user at a time in rotation, so a flood from one user waits its turn."""

    def __init__(self, maxsize: int, per_user: int) -> None:
        self.maxsize, self.per_user = maxsize, per_user
        self._pending: OrderedDict[int, deque[T]] = OrderedDict()
        self._in_flight: set[int] = set()
        self._size = 0

    def __len__(self) -> int:
        return self._size

    def check_room(self, user_id: int) -> None:
        """Raise QueueFull unless one more job from this user fits."""
        if len(self._pending.get(user_id, ())) >= self.per_user:
            raise QueueFull(per_user=True)
        if self._size >= self.maxsize:
            raise QueueFull(per_user=False)

    def put(self, user_id: int, item: T, *, force: bool = False) -> int:
        """Queue `item`; returns how many jobs will start before it. `force` skips the bounds
        (resumed jobs after a restart were already accepted once)."""
        if not force:
            self.check_room(user_id)
        self._pending.setdefault(user_id, deque()).append(item)
        self._size += 1
        return self.position(item)

    def _order(self) -> list[T]:
        """The order in which pending jobs will start, by replaying the rotation of `get`."""
        pending = OrderedDict((uid, deque(jobs)) for uid, jobs in self._pending.items())
        busy = set(self._in_flight)
        order: list[T] = []
        while any(pending.values()):
            pick = next((uid for uid, jobs in pending.items() if jobs and uid not in busy), None)
            busy = set()  # whatever runs now has finished by the time the next job starts
            if pick is None:
                continue
            order.append(pending[pick].popleft())
            pending.move_to_end(pick)
        return order

    def position(self, item: T) -> int:
        """Jobs that will start before `item`, counting the ones running now."""
        return len(self._in_flight) + self._order().index(item)

    def pop(self) -> tuple[int, T] | None:
        """The next job from a user with nothing in flight (marking them busy), or None."""
        for user_id, jobs in list(self._pending.items()):
            if jobs and user_id not in self._in_flight:
                item = jobs.popleft()
                self._size -= 1
                self._in_flight.add(user_id)
                self._pending.move_to_end(user_id)  # rotate: this user goes to the back
                if not jobs:
                    del self._pending[user_id]
                return user_id, item
        return None

    def done(self, user_id: int) -> None:
        """The user's job finished; their next one may start."""
        self._in_flight.discard(user_id)
