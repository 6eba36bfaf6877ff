import threading
import time

from workbook import runlock


def test_a_second_holder_waits_for_the_first(tmp_path, monkeypatch):
    monkeypatch.setattr(runlock, "LOCK_DIR", tmp_path)
    order: list[str] = []

    def second() -> None:
        with runlock.notebook_lock("04-container"):
            order.append("second")

    with runlock.notebook_lock("04-container"):
        waiter = threading.Thread(target=second)
        waiter.start()
        time.sleep(0.3)
        order.append("first done")
    waiter.join(timeout=5)
    assert order == ["first done", "second"]


def test_other_notebooks_do_not_wait(tmp_path, monkeypatch):
    monkeypatch.setattr(runlock, "LOCK_DIR", tmp_path)
    with runlock.notebook_lock("04-container"), runlock.notebook_lock("08-compose"):
        assert sorted(p.name for p in tmp_path.iterdir()) == ["04-container.lock", "08-compose.lock"]


def test_a_host_lock_is_shared_by_separate_opens_and_readable_by_all(tmp_path, monkeypatch):
    monkeypatch.setattr(runlock.tempfile, "gettempdir", lambda: str(tmp_path))
    order: list[str] = []

    def second() -> None:
        with runlock.host_lock("legacy-build"):
            order.append("second")

    with runlock.host_lock("legacy-build"):
        waiter = threading.Thread(target=second)
        waiter.start()
        time.sleep(0.3)
        order.append("first done")
    waiter.join(timeout=5)
    assert order == ["first done", "second"]
    assert (tmp_path / "workbook-legacy-build.lock").stat().st_mode & 0o777 == 0o644
