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
