import threading
import time

from workbook import runlock


def order_of_two_holders(lock) -> list[str]:  # noqa: ANN001 - a lock factory
    """Hold ``lock()``, let a second thread ask for it, release: the order the two got it in."""
    order: list[str] = []

    def second() -> None:
        with lock():
            order.append("second")

    with lock():
        waiter = threading.Thread(target=second)
        waiter.start()
        time.sleep(0.3)
        order.append("first done")
    waiter.join(timeout=5)
    return order


def test_a_second_holder_waits_for_the_first(tmp_path, monkeypatch):
    monkeypatch.setattr(runlock, "LOCK_DIR", tmp_path)
    assert order_of_two_holders(lambda: runlock.notebook_lock("04-container")) == ["first done", "second"]


def test_other_notebooks_do_not_wait(tmp_path, monkeypatch):
    monkeypatch.setattr(runlock, "LOCK_DIR", tmp_path)
    with runlock.notebook_lock("04-container"), runlock.notebook_lock("08-compose"):
        assert sorted(p.name for p in tmp_path.iterdir()) == ["04-container.lock", "08-compose.lock"]


def test_a_host_lock_is_shared_by_separate_opens_and_readable_by_all(tmp_path, monkeypatch):
    monkeypatch.setattr(runlock.tempfile, "gettempdir", lambda: str(tmp_path))
    assert order_of_two_holders(lambda: runlock.host_lock("legacy-build")) == ["first done", "second"]
    assert (tmp_path / "workbook-legacy-build.lock").stat().st_mode & 0o777 == 0o644
