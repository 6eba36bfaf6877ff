"""What reaches the builder: asked of the engine, with .dockerignore applied."""

from workbook.context import builder_context_files, copy_context

NAME = "test-context"
LABELS = {"org.workbook.notebook": NAME}


def test_buildkit_applies_dockerignore_and_leaves_nothing(tmp_path):
    (tmp_path / "run.py").write_text("x = 1\n")
    (tmp_path / "secret.env").write_text("TOKEN=1\n")
    (tmp_path / "pkg" / "__pycache__").mkdir(parents=True)
    (tmp_path / "pkg" / "mod.py").write_text("y = 2\n")
    (tmp_path / "pkg" / "__pycache__" / "mod.pyc").write_bytes(b"\0")
    (tmp_path / ".dockerignore").write_text("secret.env\n**/__pycache__\n.dockerignore\n")
    assert builder_context_files(tmp_path) == ["pkg/mod.py", "run.py"]
    (tmp_path / ".dockerignore").write_text("*\n")
    assert builder_context_files(tmp_path) == []


def test_copy_context_leaves_caches_behind(tmp_path):
    source = tmp_path / "src"
    (source / "__pycache__").mkdir(parents=True)
    (source / "__pycache__" / "a.pyc").write_bytes(b"\0")
    (source / "run.py").write_text("x = 1\n")
    copied = copy_context(source, tmp_path / "dst")
    assert sorted(p.name for p in copied.rglob("*")) == ["run.py"]
