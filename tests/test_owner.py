import pytest

from workbook.errors import WorkbookError
from workbook.owner import cell_transformer, describe, owned, owned_notebook, user_port_offset, workbook_user
from workbook.ports import shifted


def test_without_a_user_every_name_is_kept(monkeypatch):
    monkeypatch.delenv("WORKBOOK_USER", raising=False)
    assert (
        owned("!docker run --name wb04-web workbook/flask-app:04")
        == "!docker run --name wb04-web workbook/flask-app:04"
    )
    assert owned_notebook("04-container") == "04-container"


def test_a_user_prefixes_names_images_and_label_values(monkeypatch):
    monkeypatch.setenv("WORKBOOK_USER", "alice")
    monkeypatch.delenv("WORKBOOK_PORT_OFFSET", raising=False)
    cell = "!docker run -d --name wb04-web --label org.workbook.notebook=04-container workbook/flask-app:04\n"
    assert owned(cell) == (
        "!docker run -d --name alice-wb04-web --label org.workbook.notebook=alice-04-container "
        "alice-workbook/flask-app:04\n"
    )
    assert owned("networks: wb08_default, project wb08") == "networks: alice-wb08_default, project alice-wb08"
    assert owned("org.workbook.notebook: 08-compose") == "org.workbook.notebook: alice-08-compose"
    assert owned_notebook("04-container") == "alice-04-container"
    assert shifted(5000)[0] == 5000 + user_port_offset("alice")


@pytest.mark.parametrize(
    "text",
    [
        "from workbook.cli import run",  # a module, not an image
        "../workbook/owner.py",  # a path
        "127.0.0.1:5001/workbook/flask-app:07",  # a repository in the student's own registry
        "xwb04 wb041 awb08",  # not a workbook name
        "alice-wb04-web alice-workbook/x",  # already prefixed
    ],
)
def test_what_is_not_a_name_stays_and_prefixing_is_idempotent(monkeypatch, text):
    monkeypatch.setenv("WORKBOOK_USER", "alice")
    assert owned(text) == text
    assert owned(owned("wb04-web")) == "alice-wb04-web"


def test_the_cell_transformer_keeps_the_lines(monkeypatch):
    monkeypatch.setenv("WORKBOOK_USER", "bob")
    assert cell_transformer(["a = 'wb04-web'\n", "b = 1\n"]) == ["a = 'bob-wb04-web'\n", "b = 1\n"]


@pytest.mark.parametrize("user", ["Alice", "al ice", "1alice", "alice-smith", "a" * 17])
def test_a_name_that_cannot_prefix_docker_names_is_refused_with_the_fix(monkeypatch, user):
    monkeypatch.setenv("WORKBOOK_USER", user)
    with pytest.raises(WorkbookError, match="WORKBOOK_USER=alice"):
        workbook_user()


def test_offsets_stay_in_range_and_the_line_names_the_prefix(monkeypatch):
    assert {user_port_offset(name) % 1000 for name in ("alice", "bob", "carol")} == {0}
    assert all(1000 <= user_port_offset(f"s{n}") <= 40000 for n in range(200))
    monkeypatch.setenv("WORKBOOK_USER", "alice")
    line = describe("04-container", 16000)
    assert line.startswith("WORKBOOK_USER=alice: ") and "alice-wb04-web" in line and "alice-04-container" in line
