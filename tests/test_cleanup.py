import subprocess
import sys

from workbook import LABEL
from workbook.cleanup import Removed, record_process, remove_labelled
from workbook.images import resolved


def test_removes_labelled_containers_networks_volumes_and_processes(client, test_labels):
    name = test_labels[LABEL]
    client.networks.create("wbtest-net", labels=test_labels)
    client.volumes.create("wbtest-vol", labels=test_labels)
    client.containers.create(resolved("python"), ["sleep", "60"], name="wbtest-box", labels=test_labels)
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], start_new_session=True)
    record_process(name, process.pid)

    removed = remove_labelled(client, name)

    assert removed.counts == {"process": 1, "container": 1, "network": 1, "volume": 1}
    assert process.wait(timeout=5) is not None
    assert not client.containers.list(all=True, filters={"label": f"{LABEL}={name}"})
    assert remove_labelled(client, name).total == 0


def test_objects_of_other_notebooks_are_left_alone(client, test_labels):
    other = client.volumes.create("wbtest-other", labels={"org.workbook.notebook": "tests-other"})
    try:
        remove_labelled(client, test_labels[LABEL])
        assert client.volumes.get("wbtest-other")
    finally:
        other.remove()


def test_removed_describes_itself():
    removed = Removed()
    assert removed.describe() == "nothing"
    removed.add("container", 2)
    removed.add("network")
    assert removed.describe() == "2 containers, 1 network"


def test_temporary_paths_are_tracked_and_removed_with_the_rest(client, test_labels):
    from workbook.cleanup import make_temp_dir

    folder = make_temp_dir(test_labels[LABEL], "scratch")
    (folder / "file.txt").write_text("x")
    assert folder.name.startswith("wbte-scratch-")
    removed = remove_labelled(client, test_labels[LABEL])
    assert removed.counts.get("temporary path") == 1
    assert not folder.exists()
