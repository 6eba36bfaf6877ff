from workbook.leftovers import new_objects


def test_new_objects_names_only_what_appeared():
    before = {"containers": {"a": "web"}, "volumes": {"v1": "data"}, "networks": {}, "images": {}}
    after = {
        "containers": {"a": "web", "b": "wb04-ex1"},
        "volumes": {"v1": "data", "f00": "f00"},
        "networks": {},
        "images": {"sha256:1": "wb03-flask:1.0"},
    }
    assert new_objects(before, after) == ["container wb04-ex1", "volume f00", "image wb03-flask:1.0"]


def test_nothing_new_is_nothing_left():
    state = {"containers": {"a": "web"}, "volumes": {}, "networks": {"n": "bridge"}, "images": {}}
    assert new_objects(state, state) == []
